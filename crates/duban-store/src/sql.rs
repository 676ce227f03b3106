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
        use duban_core::store::{Store, StoreError, TaskFilter};
        use duban_core::tasks::{
            Frequency, NewPlan, NewReport, NewTask, Plan, PlanId, ReportId, ReportRecord,
            ReportState, TaskId, TaskRecord, TaskStatus, TaskTimeline,
        };
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

        #[derive(sqlx::FromRow)]
        struct PlanRow {
            id: i64,
            title: String,
            year: Option<i32>,
            source_file: String,
            created_at: DbTime,
            published: bool,
        }

        impl TryFrom<PlanRow> for Plan {
            type Error = StoreError;
            fn try_from(row: PlanRow) -> Result<Self, StoreError> {
                Ok(Plan {
                    id: PlanId(row.id),
                    title: row.title,
                    year: row.year,
                    source_file: row.source_file,
                    created_at: from_db_time(row.created_at)?,
                    published: row.published,
                })
            }
        }

        const PLAN_COLUMNS: &str = "id, title, year, source_file, created_at, published";

        #[derive(sqlx::FromRow)]
        struct TaskRow {
            id: i64,
            plan_id: Option<i64>,
            parent_id: Option<i64>,
            path_json: String,
            title: String,
            text: String,
            source_start: Option<i64>,
            source_end: Option<i64>,
            lead_unit_id: Option<i64>,
            leader_id: Option<i64>,
            owner_name: Option<String>,
            start_date: chrono::NaiveDate,
            due_date: chrono::NaiveDate,
            original_due: chrono::NaiveDate,
            frequency: String,
            status: String,
            weight: f64,
            completed_at: Option<DbTime>,
            created_at: DbTime,
        }

        const TASK_COLUMNS: &str = "id, plan_id, parent_id, path_json, title, text, \
            source_start, source_end, lead_unit_id, leader_id, owner_name, start_date, due_date, \
            original_due, frequency, status, weight, completed_at, created_at";

        /// `list_tasks`' filter; `$1` plan, `$2` unit (lead or co-unit), `$3` status, each
        /// ignored when null.
        const TASK_FILTER: &str = "($1 is null or plan_id = $1) \
            and ($2 is null or lead_unit_id = $2 or exists \
            (select 1 from task_co_units c where c.task_id = tasks.id and c.unit_id = $2)) \
            and ($3 is null or status = $3)";

        fn bad_row(e: impl std::fmt::Display) -> StoreError {
            StoreError::Other(format!("bad row in database: {e}"))
        }

        fn conflict(constraint: &str) -> StoreError {
            StoreError::Conflict {
                constraint: constraint.to_owned(),
            }
        }

        impl TaskRow {
            fn into_record(self, mut co_units: Vec<OrgUnitId>) -> Result<TaskRecord, StoreError> {
                co_units.sort();
                let offset =
                    |v: Option<i64>| v.map(u32::try_from).transpose().map_err(bad_row);
                Ok(TaskRecord {
                    id: TaskId(self.id),
                    plan: self.plan_id.map(PlanId),
                    parent: self.parent_id.map(TaskId),
                    path: serde_json::from_str(&self.path_json).map_err(bad_row)?,
                    title: self.title,
                    text: self.text,
                    source_start: offset(self.source_start)?,
                    source_end: offset(self.source_end)?,
                    lead_unit: self.lead_unit_id.map(OrgUnitId),
                    co_units,
                    leader: self.leader_id.map(UserId),
                    owner_name: self.owner_name,
                    status: TaskStatus::from_code(&self.status).map_err(bad_row)?,
                    timeline: TaskTimeline {
                        start: self.start_date,
                        due: self.due_date,
                        original_due: self.original_due,
                        completed_at: self.completed_at.map(from_db_time).transpose()?,
                        frequency: Frequency::from_code(&self.frequency).map_err(bad_row)?,
                        weight: self.weight,
                    },
                    created_at: from_db_time(self.created_at)?,
                })
            }
        }

        /// The task with this id and its co-units, on any connection (pool or transaction).
        async fn load_task(
            conn: &mut <$Db as sqlx::Database>::Connection,
            id: TaskId,
        ) -> Result<Option<TaskRecord>, StoreError> {
            let row: Option<TaskRow> =
                sqlx::query_as(&format!("select {TASK_COLUMNS} from tasks where id = $1"))
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(map_err)?;
            let Some(row) = row else {
                return Ok(None);
            };
            let units: Vec<(i64,)> =
                sqlx::query_as("select unit_id from task_co_units where task_id = $1")
                    .bind(id.0)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(map_err)?;
            let units = units.into_iter().map(|(u,)| OrgUnitId(u)).collect();
            row.into_record(units).map(Some)
        }

        #[derive(sqlx::FromRow)]
        struct ReportRow {
            id: i64,
            task_id: i64,
            period_start: chrono::NaiveDate,
            progress_text: String,
            problems: String,
            next_steps: String,
            percent: f64,
            needs_coordination: bool,
            state: String,
            first_submitted_at: Option<DbTime>,
            updated_at: DbTime,
            review_comment: Option<String>,
            reviewed_by: Option<i64>,
        }

        impl TryFrom<ReportRow> for ReportRecord {
            type Error = StoreError;
            fn try_from(row: ReportRow) -> Result<Self, StoreError> {
                Ok(ReportRecord {
                    id: ReportId(row.id),
                    task: TaskId(row.task_id),
                    period_start: row.period_start,
                    progress_text: row.progress_text,
                    problems: row.problems,
                    next_steps: row.next_steps,
                    percent: row.percent,
                    needs_coordination: row.needs_coordination,
                    state: ReportState::from_code(&row.state).map_err(bad_row)?,
                    first_submitted_at: row.first_submitted_at.map(from_db_time).transpose()?,
                    updated_at: from_db_time(row.updated_at)?,
                    review_comment: row.review_comment,
                    reviewed_by: row.reviewed_by.map(UserId),
                })
            }
        }

        const REPORT_COLUMNS: &str = "id, task_id, period_start, progress_text, problems, \
            next_steps, percent, needs_coordination, state, first_submitted_at, updated_at, \
            review_comment, reviewed_by";

        /// The report with this id, inside the caller's transaction.
        async fn load_report(
            conn: &mut <$Db as sqlx::Database>::Connection,
            id: ReportId,
        ) -> Result<Option<ReportRecord>, StoreError> {
            let row: Option<ReportRow> =
                sqlx::query_as(&format!("select {REPORT_COLUMNS} from reports where id = $1"))
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(map_err)?;
            row.map(ReportRecord::try_from).transpose()
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

        /// The end of a guarded task update: a conflict when the guard matched no row (the task
        /// was not in the expected state), else the task as it is now, audited before → after.
        async fn finish_task_change(
            tx: &mut sqlx::Transaction<'static, $Db>,
            id: TaskId,
            changed: u64,
            action: &str,
            before: &TaskRecord,
            actor: Option<UserId>,
        ) -> Result<TaskRecord, StoreError> {
            if changed == 0 {
                return Err(conflict("tasks.status"));
            }
            let after = load_task(tx, id).await?.ok_or(StoreError::NotFound)?;
            audit_change(tx, action, "task", id.0.to_string(), actor, before, &after).await?;
            Ok(after)
        }

        /// Audits a change of one entity from `before` to `after` (both stored as JSON).
        async fn audit_change<B: serde::Serialize, A: serde::Serialize>(
            tx: &mut sqlx::Transaction<'static, $Db>,
            action: &str,
            entity: &str,
            entity_id: String,
            actor: Option<UserId>,
            before: &B,
            after: &A,
        ) -> Result<(), StoreError> {
            let (before, after) = (to_json(before)?, to_json(after)?);
            append_audit(tx, action, entity, entity_id, actor, Some(before), Some(after)).await
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
                audit_change(&mut tx, "user.set_active", "user", id.to_string(), actor, &before, &after)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn insert_plan(
                &self,
                plan: &NewPlan,
                actor: Option<UserId>,
            ) -> Result<Plan, StoreError> {
                let mut tx = self.begin().await?;
                let row: PlanRow = sqlx::query_as(&format!(
                    "insert into plans \
                     (title, year, source_file, source_text, import_json, created_at, published) \
                     values ($1, $2, $3, $4, $5, $6, $7) returning {PLAN_COLUMNS}"
                ))
                .bind(&plan.title)
                .bind(plan.year)
                .bind(&plan.source_file)
                .bind(&plan.source_text)
                .bind(&plan.import_json)
                .bind(to_db_time(now()))
                .bind(false)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = Plan::try_from(row)?;
                // The source text stays out of the audit log (it is kept, unchanged, in `plans`).
                let after = Some(to_json(&stored)?);
                let id = stored.id.to_string();
                append_audit(&mut tx, "plan.insert", "plan", id, actor, None, after).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn get_plan(&self, id: PlanId) -> Result<Plan, StoreError> {
                let row: Option<PlanRow> =
                    sqlx::query_as(&format!("select {PLAN_COLUMNS} from plans where id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                Plan::try_from(row.ok_or(StoreError::NotFound)?)
            }

            async fn insert_tasks(
                &self,
                plan: PlanId,
                tasks: &[NewTask],
                actor: Option<UserId>,
            ) -> Result<Vec<TaskRecord>, StoreError> {
                let mut tx = self.begin().await?;
                let created_at = to_db_time(now());
                let mut stored = Vec::with_capacity(tasks.len());
                for task in tasks {
                    let row: TaskRow = sqlx::query_as(&format!(
                        "insert into tasks \
                         (plan_id, parent_id, path_json, title, text, source_start, source_end, \
                         lead_unit_id, leader_id, owner_name, start_date, due_date, original_due, \
                         frequency, status, weight, created_at) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                         $15, $16, $17) returning {TASK_COLUMNS}"
                    ))
                    .bind(plan.0)
                    .bind(task.parent.map(|p| p.0))
                    .bind(to_json(&task.path)?)
                    .bind(&task.title)
                    .bind(&task.text)
                    .bind(task.source_start.map(i64::from))
                    .bind(task.source_end.map(i64::from))
                    .bind(task.lead_unit.map(|u| u.0))
                    .bind(task.leader.map(|u| u.0))
                    .bind(&task.owner_name)
                    .bind(task.start)
                    .bind(task.due)
                    .bind(task.due)
                    .bind(task.frequency.code())
                    .bind(TaskStatus::Draft.code())
                    .bind(task.weight)
                    .bind(&created_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    let mut co_units = task.co_units.clone();
                    co_units.sort();
                    co_units.dedup();
                    for unit in &co_units {
                        sqlx::query("insert into task_co_units (task_id, unit_id) values ($1, $2)")
                            .bind(row.id)
                            .bind(unit.0)
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err)?;
                    }
                    let record = row.into_record(co_units)?;
                    let after = Some(to_json(&record)?);
                    let id = record.id.0.to_string();
                    append_audit(&mut tx, "task.insert", "task", id, actor, None, after).await?;
                    stored.push(record);
                }
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn publish_plan(
                &self,
                plan: PlanId,
                actor: Option<UserId>,
            ) -> Result<Plan, StoreError> {
                let mut tx = self.begin().await?;
                let before: Option<PlanRow> =
                    sqlx::query_as(&format!("select {PLAN_COLUMNS} from plans where id = $1"))
                        .bind(plan.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                let before = Plan::try_from(before.ok_or(StoreError::NotFound)?)?;
                let mut published: Vec<(i64,)> = sqlx::query_as(
                    "update tasks set status = $2 where plan_id = $1 and status = $3 returning id",
                )
                .bind(plan.0)
                .bind(TaskStatus::Published.code())
                .bind(TaskStatus::Draft.code())
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
                published.sort_unstable();
                let row: PlanRow = sqlx::query_as(&format!(
                    "update plans set published = $2 where id = $1 returning {PLAN_COLUMNS}"
                ))
                .bind(plan.0)
                .bind(true)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let after = Plan::try_from(row)?;
                let after_json = to_json(&serde_json::json!({
                    "plan": &after,
                    "published_tasks": published.iter().map(|(id,)| *id).collect::<Vec<_>>(),
                }))?;
                append_audit(
                    &mut tx,
                    "plan.publish",
                    "plan",
                    plan.to_string(),
                    actor,
                    Some(to_json(&before)?),
                    Some(after_json),
                )
                .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn get_task(&self, id: TaskId) -> Result<TaskRecord, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                load_task(&mut conn, id).await?.ok_or(StoreError::NotFound)
            }

            async fn list_tasks(&self, filter: &TaskFilter) -> Result<Vec<TaskRecord>, StoreError> {
                let plan = filter.plan.map(|p| p.0);
                let unit = filter.lead_or_co_unit.map(|u| u.0);
                let status = filter.status.map(TaskStatus::code);
                let rows: Vec<TaskRow> = sqlx::query_as(&format!(
                    "select {TASK_COLUMNS} from tasks where {TASK_FILTER} order by id"
                ))
                .bind(plan)
                .bind(unit)
                .bind(status)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                let links: Vec<(i64, i64)> = sqlx::query_as(&format!(
                    "select task_id, unit_id from task_co_units where task_id in \
                     (select id from tasks where {TASK_FILTER})"
                ))
                .bind(plan)
                .bind(unit)
                .bind(status)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                let mut co_units = std::collections::HashMap::<i64, Vec<OrgUnitId>>::new();
                for (task, unit) in links {
                    co_units.entry(task).or_default().push(OrgUnitId(unit));
                }
                rows.into_iter()
                    .map(|row| {
                        let units = co_units.remove(&row.id).unwrap_or_default();
                        row.into_record(units)
                    })
                    .collect()
            }

            async fn complete_task(
                &self,
                id: TaskId,
                at: chrono::DateTime<chrono::Utc>,
                actor: Option<UserId>,
            ) -> Result<TaskRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_task(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let changed = sqlx::query(
                    "update tasks set status = $2, completed_at = $3 \
                     where id = $1 and status = $4",
                )
                .bind(id.0)
                .bind(TaskStatus::Completed.code())
                .bind(to_db_time(at))
                .bind(TaskStatus::Published.code())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
                let after =
                    finish_task_change(&mut tx, id, changed, "task.complete", &before, actor).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn extend_task(
                &self,
                id: TaskId,
                new_due: chrono::NaiveDate,
                actor: Option<UserId>,
            ) -> Result<TaskRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_task(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let changed = sqlx::query(
                    "update tasks set due_date = $2 \
                     where id = $1 and status = $3 and start_date <= $2",
                )
                .bind(id.0)
                .bind(new_due)
                .bind(TaskStatus::Published.code())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
                let after =
                    finish_task_change(&mut tx, id, changed, "task.extend", &before, actor).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn upsert_report_draft(
                &self,
                report: &NewReport,
                actor: Option<UserId>,
            ) -> Result<ReportRecord, StoreError> {
                let mut tx = self.begin().await?;
                let existing: Option<ReportRow> = sqlx::query_as(&format!(
                    "select {REPORT_COLUMNS} from reports where task_id = $1 and period_start = $2"
                ))
                .bind(report.task.0)
                .bind(report.period_start)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let updated_at = to_db_time(now());
                let (action, before, row) = match existing {
                    None => {
                        let row: ReportRow = sqlx::query_as(&format!(
                            "insert into reports \
                             (task_id, period_start, progress_text, problems, next_steps, percent, \
                             needs_coordination, state, updated_at) \
                             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {REPORT_COLUMNS}"
                        ))
                        .bind(report.task.0)
                        .bind(report.period_start)
                        .bind(&report.progress_text)
                        .bind(&report.problems)
                        .bind(&report.next_steps)
                        .bind(report.percent)
                        .bind(report.needs_coordination)
                        .bind(ReportState::Draft.code())
                        .bind(&updated_at)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(map_err)?;
                        ("report.insert", None, row)
                    }
                    Some(old) => {
                        let id = old.id;
                        let before = ReportRecord::try_from(old)?;
                        let row: Option<ReportRow> = sqlx::query_as(&format!(
                            "update reports set progress_text = $2, problems = $3, \
                             next_steps = $4, percent = $5, needs_coordination = $6, \
                             updated_at = $7 where id = $1 and state in ($8, $9) \
                             returning {REPORT_COLUMNS}"
                        ))
                        .bind(id)
                        .bind(&report.progress_text)
                        .bind(&report.problems)
                        .bind(&report.next_steps)
                        .bind(report.percent)
                        .bind(report.needs_coordination)
                        .bind(&updated_at)
                        .bind(ReportState::Draft.code())
                        .bind(ReportState::Returned.code())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                        let row = row.ok_or_else(|| conflict("reports.state"))?;
                        ("report.update", Some(to_json(&before)?), row)
                    }
                };
                let stored = ReportRecord::try_from(row)?;
                let after = Some(to_json(&stored)?);
                let id = stored.id.to_string();
                append_audit(&mut tx, action, "report", id, actor, before, after).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn submit_report(
                &self,
                id: ReportId,
                now: chrono::DateTime<chrono::Utc>,
                actor: Option<UserId>,
            ) -> Result<ReportRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_report(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let row: Option<ReportRow> = sqlx::query_as(&format!(
                    "update reports set state = $2, \
                     first_submitted_at = coalesce(first_submitted_at, $3), updated_at = $3 \
                     where id = $1 and state in ($4, $5) returning {REPORT_COLUMNS}"
                ))
                .bind(id.0)
                .bind(ReportState::Submitted.code())
                .bind(to_db_time(now))
                .bind(ReportState::Draft.code())
                .bind(ReportState::Returned.code())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let after = ReportRecord::try_from(row.ok_or_else(|| conflict("reports.state"))?)?;
                audit_change(&mut tx, "report.submit", "report", id.to_string(), actor, &before, &after)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn review_report(
                &self,
                id: ReportId,
                accept: bool,
                comment: Option<&str>,
                actor: Option<UserId>,
            ) -> Result<ReportRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_report(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let (state, action) = if accept {
                    (ReportState::Accepted, "report.accept")
                } else {
                    (ReportState::Returned, "report.return")
                };
                let comment = comment.map(str::trim).filter(|c| !c.is_empty());
                let row: Option<ReportRow> = sqlx::query_as(&format!(
                    "update reports set state = $2, review_comment = $3, reviewed_by = $4, \
                     updated_at = $5 where id = $1 and state = $6 returning {REPORT_COLUMNS}"
                ))
                .bind(id.0)
                .bind(state.code())
                .bind(comment)
                .bind(actor.map(|a| a.0))
                .bind(to_db_time(now()))
                .bind(ReportState::Submitted.code())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let after = ReportRecord::try_from(row.ok_or_else(|| conflict("reports.state"))?)?;
                audit_change(&mut tx, action, "report", id.to_string(), actor, &before, &after)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn list_reports(&self, task: TaskId) -> Result<Vec<ReportRecord>, StoreError> {
                let rows: Vec<ReportRow> = sqlx::query_as(&format!(
                    "select {REPORT_COLUMNS} from reports where task_id = $1 \
                     order by period_start, id"
                ))
                .bind(task.0)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(ReportRecord::try_from).collect()
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
