//! The one text of every query, instantiated once per backend by `sql_store!`.
//!
//! Both backends run the very same SQL (lowercase, `$1` placeholders, `returning`), so writing
//! each method twice would only invite drift. A generic `impl<DB: Database>` would need a wall
//! of higher-ranked `Encode`/`Decode`/`Executor` bounds on every method that `async_trait` then
//! has to prove `Send`; a macro expanded in `sqlite/mod.rs` and `postgres/mod.rs` compiles to
//! plain concrete code instead. What differs per backend is passed in, or defined beside the
//! expansion: how a transaction begins (SQLite takes the write lock up front so a read-then-write
//! cannot fail with SQLITE_BUSY mid-way), how audit appends are serialised, and how time is
//! encoded (`DbTime`, `to_db_time`, `from_db_time`).

macro_rules! sql_store {
    (
        store = $Store:ident,
        db = $Db:ty,
        pool = $Pool:ty,
        begin = $begin:expr,
        lock_audit = $lock_audit:expr $(,)?
    ) => {
        use duban_core::audit::{AuditEvent, GENESIS_HASH, NewAuditEvent};
        use duban_core::org::{
            NewOrgUnit, NewUser, OrgUnit, OrgUnitId, OrgUnitKind, Role, User, UserId,
        };
        use duban_core::store::{Store, StoreError};
        use $crate::{map_err, to_json};

        #[derive(sqlx::FromRow)]
        struct OrgUnitRow {
            id: i64,
            parent_id: Option<i64>,
            name: String,
            kind: String,
        }

        impl TryFrom<OrgUnitRow> for OrgUnit {
            type Error = StoreError;
            fn try_from(row: OrgUnitRow) -> Result<Self, StoreError> {
                Ok(OrgUnit {
                    id: OrgUnitId(row.id),
                    parent: row.parent_id.map(OrgUnitId),
                    name: row.name,
                    kind: OrgUnitKind::parse(&row.kind)
                        .map_err(|e| StoreError::Other(e.to_string()))?,
                })
            }
        }

        #[derive(sqlx::FromRow)]
        struct UserRow {
            id: i64,
            username: String,
            display_name: String,
            role: String,
            unit_id: Option<i64>,
            active: bool,
        }

        impl TryFrom<UserRow> for User {
            type Error = StoreError;
            fn try_from(row: UserRow) -> Result<Self, StoreError> {
                Ok(User {
                    id: UserId(row.id),
                    username: row.username,
                    display_name: row.display_name,
                    role: Role::parse(&row.role)
                        .map_err(|e| StoreError::Other(e.to_string()))?,
                    unit: row.unit_id.map(OrgUnitId),
                    active: row.active,
                })
            }
        }

        #[derive(sqlx::FromRow)]
        struct AuditRow {
            seq: i64,
            at: DbTime,
            actor_id: Option<i64>,
            action: String,
            entity: String,
            entity_id: String,
            before_json: Option<String>,
            after_json: Option<String>,
            prev_hash: String,
            hash: String,
        }

        impl TryFrom<AuditRow> for AuditEvent {
            type Error = StoreError;
            fn try_from(row: AuditRow) -> Result<Self, StoreError> {
                Ok(AuditEvent {
                    seq: row.seq,
                    at: from_db_time(row.at)?,
                    actor: row.actor_id.map(UserId),
                    action: row.action,
                    entity: row.entity,
                    entity_id: row.entity_id,
                    before: row.before_json,
                    after: row.after_json,
                    prev_hash: row.prev_hash,
                    hash: row.hash,
                })
            }
        }

        const USER_COLUMNS: &str = "id, username, display_name, role, unit_id, active";

        /// The `Store` on this backend. Cheap to clone (the pool is shared).
        #[derive(Clone, Debug)]
        pub struct $Store {
            pool: $Pool,
        }

        impl $Store {
            /// Wraps a pool whose schema is already migrated (see `connect`).
            pub fn from_pool(pool: $Pool) -> Self {
                Self { pool }
            }

            /// The underlying pool, for maintenance such as backups.
            pub fn pool(&self) -> &$Pool {
                &self.pool
            }

            async fn begin(&self) -> Result<sqlx::Transaction<'static, $Db>, StoreError> {
                self.pool.begin_with($begin).await.map_err(map_err)
            }
        }

        /// Appends `event` as the next link of the chain, inside the caller's transaction.
        async fn append_audit(
            tx: &mut sqlx::Transaction<'static, $Db>,
            action: &str,
            entity: &str,
            entity_id: String,
            actor: Option<UserId>,
            before: Option<String>,
            after: Option<String>,
        ) -> Result<(), StoreError> {
            if let Some(lock) = $lock_audit {
                sqlx::query(lock)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
            }
            let last: Option<(i64, String)> =
                sqlx::query_as("select seq, hash from audit_events order by seq desc limit 1")
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(map_err)?;
            let (seq, prev_hash) = last.map_or((1, GENESIS_HASH.to_owned()), |(s, h)| (s + 1, h));
            let event = NewAuditEvent {
                at: now(),
                actor,
                action: action.to_owned(),
                entity: entity.to_owned(),
                entity_id,
                before,
                after,
            }
            .chain(seq, &prev_hash);
            sqlx::query(
                "insert into audit_events \
                 (seq, at, actor_id, action, entity, entity_id, before_json, after_json, \
                 prev_hash, hash) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(event.seq)
            .bind(to_db_time(event.at))
            .bind(event.actor.map(|a| a.0))
            .bind(&event.action)
            .bind(&event.entity)
            .bind(&event.entity_id)
            .bind(&event.before)
            .bind(&event.after)
            .bind(&event.prev_hash)
            .bind(&event.hash)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            Ok(())
        }

        /// The wall clock, cut to whole microseconds: the precision both backends store exactly,
        /// so the hash computed now matches the one recomputed from the stored row.
        fn now() -> chrono::DateTime<chrono::Utc> {
            use chrono::SubsecRound;
            chrono::Utc::now().trunc_subsecs(6)
        }

        #[async_trait::async_trait]
        impl Store for $Store {
            async fn health(&self) -> Result<(), StoreError> {
                sqlx::query("select 1")
                    .execute(&self.pool)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            async fn insert_org_unit(
                &self,
                unit: &NewOrgUnit,
                actor: Option<UserId>,
            ) -> Result<OrgUnit, StoreError> {
                let mut tx = self.begin().await?;
                let row: OrgUnitRow = sqlx::query_as(
                    "insert into org_units (parent_id, name, kind) values ($1, $2, $3) \
                     returning id, parent_id, name, kind",
                )
                .bind(unit.parent.map(|p| p.0))
                .bind(&unit.name)
                .bind(unit.kind.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = OrgUnit::try_from(row)?;
                let after = Some(to_json(&stored)?);
                let id = stored.id.to_string();
                append_audit(&mut tx, "org_unit.insert", "org_unit", id, actor, None, after).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn list_org_units(&self) -> Result<Vec<OrgUnit>, StoreError> {
                let rows: Vec<OrgUnitRow> =
                    sqlx::query_as("select id, parent_id, name, kind from org_units order by id")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                rows.into_iter().map(OrgUnit::try_from).collect()
            }

            async fn insert_user(
                &self,
                user: &NewUser,
                password_hash: &str,
                actor: Option<UserId>,
            ) -> Result<User, StoreError> {
                let mut tx = self.begin().await?;
                let row: UserRow = sqlx::query_as(&format!(
                    "insert into users \
                     (username, display_name, role, unit_id, active, password_hash) \
                     values ($1, $2, $3, $4, $5, $6) returning {USER_COLUMNS}"
                ))
                .bind(&user.username)
                .bind(&user.display_name)
                .bind(user.role.as_str())
                .bind(user.unit.map(|u| u.0))
                .bind(true)
                .bind(password_hash)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = User::try_from(row)?;
                // `User` carries no password material, so the hash never reaches the audit log.
                let after = Some(to_json(&stored)?);
                let id = stored.id.to_string();
                append_audit(&mut tx, "user.insert", "user", id, actor, None, after).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn get_user_by_username(
                &self,
                username: &str,
            ) -> Result<Option<(User, String)>, StoreError> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    #[sqlx(flatten)]
                    user: UserRow,
                    password_hash: String,
                }
                let row: Option<Row> = sqlx::query_as(&format!(
                    "select {USER_COLUMNS}, password_hash from users where username = $1"
                ))
                .bind(username)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                row.map(|r| Ok((User::try_from(r.user)?, r.password_hash)))
                    .transpose()
            }

            async fn list_users(&self) -> Result<Vec<User>, StoreError> {
                let rows: Vec<UserRow> =
                    sqlx::query_as(&format!("select {USER_COLUMNS} from users order by id"))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                rows.into_iter().map(User::try_from).collect()
            }

            async fn set_user_active(
                &self,
                id: UserId,
                active: bool,
                actor: Option<UserId>,
            ) -> Result<User, StoreError> {
                let mut tx = self.begin().await?;
                let before: Option<UserRow> =
                    sqlx::query_as(&format!("select {USER_COLUMNS} from users where id = $1"))
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                let before = User::try_from(before.ok_or(StoreError::NotFound)?)?;
                let row: UserRow = sqlx::query_as(&format!(
                    "update users set active = $1 where id = $2 returning {USER_COLUMNS}"
                ))
                .bind(active)
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let after = User::try_from(row)?;
                append_audit(
                    &mut tx,
                    "user.set_active",
                    "user",
                    id.to_string(),
                    actor,
                    Some(to_json(&before)?),
                    Some(to_json(&after)?),
                )
                .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn list_audit_events(
                &self,
                after_seq: i64,
                limit: i64,
            ) -> Result<Vec<AuditEvent>, StoreError> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "select seq, at, actor_id, action, entity, entity_id, before_json, after_json, \
                     prev_hash, hash from audit_events where seq > $1 order by seq limit $2",
                )
                .bind(after_seq)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(AuditEvent::try_from).collect()
            }
        }
    };
}
