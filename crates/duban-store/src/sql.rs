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
        use duban_core::auth::SessionRecord;
        use duban_core::store::{RequestFilter, Store, StoreError, TaskEdit, TaskFilter};
        use duban_core::tasks::{
            AttachmentId, AttachmentRecord, Frequency, InstructionId, InstructionRecord, Milestone,
            NewAttachment, NewInstruction, NewPlan, NewReport, NewRequest, NewTarget, NewTask,
            Plan, PlanId, ReportId, ReportRecord, ReportState, ReportSummary, RequestId,
            RequestKind, RequestRecord, RequestState, TargetId, TargetRecord, TargetValue, TaskId,
            TaskRecord, TaskStatus, TaskTimeline,
        };
        use std::collections::HashMap;
        use $crate::{map_err, to_json};

        /// A query of this backend with its arguments, as the scope helpers below bind them.
        type Query<'q, O> =
            sqlx::query::QueryAs<'q, $Db, O, <$Db as sqlx::Database>::Arguments<'q>>;

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
            published_on: Option<chrono::NaiveDate>,
        }

        const TASK_COLUMNS: &str = "id, plan_id, parent_id, path_json, title, text, \
            source_start, source_end, lead_unit_id, leader_id, owner_name, start_date, due_date, \
            original_due, frequency, status, weight, completed_at, created_at, published_on";

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

        /// What a task record carries besides its own row.
        #[derive(Default)]
        struct TaskParts {
            co_units: Vec<OrgUnitId>,
            targets: Vec<TargetRecord>,
            milestones: Vec<Milestone>,
        }

        /// Whose parts `load_task_parts` reads: one task, or every task matching a
        /// `TaskFilter` (plan, unit, status, bound as `TASK_FILTER` expects).
        #[derive(Clone, Copy)]
        enum TaskScope {
            One(i64),
            Filter(Option<i64>, Option<i64>, Option<&'static str>),
        }

        impl TaskScope {
            /// The condition on a `task_id` column that selects this scope's tasks.
            fn condition(self) -> String {
                match self {
                    TaskScope::One(_) => "task_id = $1".to_owned(),
                    TaskScope::Filter(..) => {
                        format!("task_id in (select id from tasks where {TASK_FILTER})")
                    }
                }
            }

            fn bind<'q, O>(self, query: Query<'q, O>) -> Query<'q, O> {
                match self {
                    TaskScope::One(id) => query.bind(id),
                    TaskScope::Filter(plan, unit, status) => {
                        query.bind(plan).bind(unit).bind(status)
                    }
                }
            }
        }

        #[derive(sqlx::FromRow)]
        struct TargetRow {
            id: i64,
            task_id: i64,
            indicator: String,
            op: String,
            value: Option<f64>,
            unit: String,
            text: String,
        }

        /// The co-units, targets and milestones of every task in `scope`, by task id: three
        /// queries whatever the number of tasks, so a list of hundreds stays as cheap as one.
        async fn load_task_parts(
            conn: &mut <$Db as sqlx::Database>::Connection,
            scope: TaskScope,
        ) -> Result<HashMap<i64, TaskParts>, StoreError> {
            let condition = scope.condition();
            let mut parts = HashMap::<i64, TaskParts>::new();
            let sql = format!("select task_id, unit_id from task_co_units where {condition}");
            let links: Vec<(i64, i64)> = scope
                .bind(sqlx::query_as(&sql))
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
            for (task, unit) in links {
                parts.entry(task).or_default().co_units.push(OrgUnitId(unit));
            }
            let sql = format!(
                "select id, task_id, indicator, op, value, unit, text from task_targets \
                 where {condition} order by task_id, position"
            );
            let targets: Vec<TargetRow> = scope
                .bind(sqlx::query_as(&sql))
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
            for t in targets {
                parts.entry(t.task_id).or_default().targets.push(TargetRecord {
                    id: TargetId(t.id),
                    target: NewTarget {
                        indicator: t.indicator,
                        op: t.op,
                        value: t.value,
                        unit: t.unit,
                        text: t.text,
                    },
                });
            }
            let sql = format!(
                "select task_id, due_date, title from task_milestones \
                 where {condition} order by task_id, due_date, position"
            );
            let milestones: Vec<(i64, chrono::NaiveDate, String)> = scope
                .bind(sqlx::query_as(&sql))
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
            for (task, date, title) in milestones {
                parts.entry(task).or_default().milestones.push(Milestone { date, title });
            }
            Ok(parts)
        }

        impl TaskRow {
            fn into_record(self, parts: TaskParts) -> Result<TaskRecord, StoreError> {
                let TaskParts {
                    mut co_units,
                    targets,
                    milestones,
                } = parts;
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
                        reporting_from: self.published_on,
                    },
                    created_at: from_db_time(self.created_at)?,
                    targets,
                    milestones,
                })
            }
        }

        /// The task with this id and its parts, on any connection (pool or transaction).
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
            let mut parts = load_task_parts(conn, TaskScope::One(id.0)).await?;
            row.into_record(parts.remove(&id.0).unwrap_or_default())
                .map(Some)
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
            return_count: i64,
        }

        impl ReportRow {
            fn into_record(self, values: Vec<TargetValue>) -> Result<ReportRecord, StoreError> {
                let row = self;
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
                    returns: u32::try_from(row.return_count).unwrap_or(0),
                    values,
                })
            }
        }

        /// Whose values `load_report_values` reads: one report, a task's, or those in a state.
        #[derive(Clone, Copy)]
        enum ReportScope {
            One(i64),
            Task(i64),
            State(&'static str),
            /// Reports whose period starts in `[from, to)`.
            Period(chrono::NaiveDate, chrono::NaiveDate),
        }

        impl ReportScope {
            /// The condition on a `report_id` column that selects this scope's reports.
            fn condition(self) -> &'static str {
                match self {
                    ReportScope::One(_) => "report_id = $1",
                    ReportScope::Task(_) => {
                        "report_id in (select id from reports where task_id = $1)"
                    }
                    ReportScope::State(_) => {
                        "report_id in (select id from reports where state = $1)"
                    }
                    ReportScope::Period(..) => {
                        "report_id in (select id from reports \
                         where period_start >= $1 and period_start < $2)"
                    }
                }
            }

            fn bind<'q, O>(self, query: Query<'q, O>) -> Query<'q, O> {
                match self {
                    ReportScope::One(id) | ReportScope::Task(id) => query.bind(id),
                    ReportScope::State(state) => query.bind(state),
                    ReportScope::Period(from, to) => query.bind(from).bind(to),
                }
            }
        }

        /// The target values of every report in `scope`, by report id then target: one query.
        async fn load_report_values(
            conn: &mut <$Db as sqlx::Database>::Connection,
            scope: ReportScope,
        ) -> Result<HashMap<i64, Vec<TargetValue>>, StoreError> {
            let sql = format!(
                "select report_id, target_id, value from report_values where {} \
                 order by report_id, target_id",
                scope.condition()
            );
            let rows: Vec<(i64, i64, f64)> = scope
                .bind(sqlx::query_as(&sql))
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
            let mut values = HashMap::<i64, Vec<TargetValue>>::new();
            for (report, target, value) in rows {
                values.entry(report).or_default().push(TargetValue {
                    target: TargetId(target),
                    value,
                });
            }
            Ok(values)
        }

        /// The reports in `scope` (rows already read) with their values.
        async fn with_values(
            conn: &mut <$Db as sqlx::Database>::Connection,
            scope: ReportScope,
            rows: Vec<ReportRow>,
        ) -> Result<Vec<ReportRecord>, StoreError> {
            let mut values = load_report_values(conn, scope).await?;
            rows.into_iter()
                .map(|row| {
                    let v = values.remove(&row.id).unwrap_or_default();
                    row.into_record(v)
                })
                .collect()
        }

        const REPORT_COLUMNS: &str = "id, task_id, period_start, progress_text, problems, \
            next_steps, percent, needs_coordination, state, first_submitted_at, updated_at, \
            review_comment, reviewed_by, return_count";

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
            let Some(row) = row else {
                return Ok(None);
            };
            let mut values = load_report_values(conn, ReportScope::One(id.0)).await?;
            row.into_record(values.remove(&id.0).unwrap_or_default())
                .map(Some)
        }

        const USER_COLUMNS: &str = "id, username, display_name, role, unit_id, active";

        /// The user with this id, on any connection.
        async fn load_user(
            conn: &mut <$Db as sqlx::Database>::Connection,
            id: UserId,
        ) -> Result<Option<User>, StoreError> {
            let row: Option<UserRow> =
                sqlx::query_as(&format!("select {USER_COLUMNS} from users where id = $1"))
                    .bind(id.0)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(map_err)?;
            row.map(User::try_from).transpose()
        }

        /// Ends every session of a user (deactivation, password change); how many there were.
        async fn delete_user_sessions(
            tx: &mut sqlx::Transaction<'static, $Db>,
            user: UserId,
        ) -> Result<u64, StoreError> {
            Ok(sqlx::query("delete from sessions where user_id = $1")
                .bind(user.0)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?
                .rows_affected())
        }

        #[derive(sqlx::FromRow)]
        struct SessionRow {
            token_hash: String,
            user_id: i64,
            csrf_token: String,
            created_at: DbTime,
            expires_at: DbTime,
        }

        impl TryFrom<SessionRow> for SessionRecord {
            type Error = StoreError;
            fn try_from(row: SessionRow) -> Result<Self, StoreError> {
                Ok(SessionRecord {
                    token_hash: row.token_hash,
                    user: UserId(row.user_id),
                    csrf_token: row.csrf_token,
                    created_at: from_db_time(row.created_at)?,
                    expires_at: from_db_time(row.expires_at)?,
                })
            }
        }

        #[derive(sqlx::FromRow)]
        struct RequestRow {
            id: i64,
            task_id: i64,
            kind: String,
            reason: String,
            new_due: Option<chrono::NaiveDate>,
            state: String,
            requested_by: Option<i64>,
            requested_at: DbTime,
            decided_by: Option<i64>,
            decided_at: Option<DbTime>,
            decision_comment: Option<String>,
        }

        const REQUEST_COLUMNS: &str = "id, task_id, kind, reason, new_due, state, requested_by, \
            requested_at, decided_by, decided_at, decision_comment";

        impl TryFrom<RequestRow> for RequestRecord {
            type Error = StoreError;
            fn try_from(row: RequestRow) -> Result<Self, StoreError> {
                Ok(RequestRecord {
                    id: RequestId(row.id),
                    request: NewRequest {
                        task: TaskId(row.task_id),
                        kind: RequestKind::from_code(&row.kind).map_err(bad_row)?,
                        reason: row.reason,
                        new_due: row.new_due,
                    },
                    state: RequestState::from_code(&row.state).map_err(bad_row)?,
                    requested_by: row.requested_by.map(UserId),
                    requested_at: from_db_time(row.requested_at)?,
                    decided_by: row.decided_by.map(UserId),
                    decided_at: row.decided_at.map(from_db_time).transpose()?,
                    decision_comment: row.decision_comment,
                })
            }
        }

        #[derive(sqlx::FromRow)]
        struct InstructionRow {
            id: i64,
            task_id: i64,
            author_id: Option<i64>,
            text: String,
            created_at: DbTime,
        }

        const INSTRUCTION_COLUMNS: &str = "id, task_id, author_id, text, created_at";

        impl TryFrom<InstructionRow> for InstructionRecord {
            type Error = StoreError;
            fn try_from(row: InstructionRow) -> Result<Self, StoreError> {
                Ok(InstructionRecord {
                    id: InstructionId(row.id),
                    instruction: NewInstruction {
                        task: TaskId(row.task_id),
                        text: row.text,
                    },
                    author: row.author_id.map(UserId),
                    created_at: from_db_time(row.created_at)?,
                })
            }
        }

        #[derive(sqlx::FromRow)]
        struct AccountabilityRow {
            id: i64,
            unit_id: i64,
            task_id: Option<i64>,
            kind: String,
            reason: String,
            recorded_by: Option<i64>,
            recorded_at: DbTime,
        }

        const ACCOUNTABILITY_COLUMNS: &str =
            "id, unit_id, task_id, kind, reason, recorded_by, recorded_at";

        impl TryFrom<AccountabilityRow> for duban_core::supervision::AccountabilityRecord {
            type Error = StoreError;
            fn try_from(row: AccountabilityRow) -> Result<Self, StoreError> {
                Ok(duban_core::supervision::AccountabilityRecord {
                    id: row.id,
                    record: duban_core::supervision::NewAccountability {
                        unit: OrgUnitId(row.unit_id),
                        task: row.task_id.map(TaskId),
                        kind: duban_core::supervision::AccountabilityKind::from_code(&row.kind)
                            .map_err(bad_row)?,
                        reason: row.reason,
                    },
                    recorded_by: row.recorded_by.map(UserId),
                    recorded_at: from_db_time(row.recorded_at)?,
                })
            }
        }

        #[derive(sqlx::FromRow)]
        struct AttachmentRow {
            id: i64,
            report_id: i64,
            file_name: String,
            content_type: String,
            size: i64,
            sha256: String,
            uploaded_by: Option<i64>,
            uploaded_at: DbTime,
        }

        const ATTACHMENT_COLUMNS: &str = "id, report_id, file_name, content_type, size, sha256, \
            uploaded_by, uploaded_at";

        impl TryFrom<AttachmentRow> for AttachmentRecord {
            type Error = StoreError;
            fn try_from(row: AttachmentRow) -> Result<Self, StoreError> {
                Ok(AttachmentRecord {
                    id: AttachmentId(row.id),
                    attachment: NewAttachment {
                        report: ReportId(row.report_id),
                        file_name: row.file_name,
                        content_type: row.content_type,
                        size: row.size,
                        sha256: row.sha256,
                    },
                    uploaded_by: row.uploaded_by.map(UserId),
                    uploaded_at: from_db_time(row.uploaded_at)?,
                })
            }
        }

        /// Audit-event lookups bind two parameters per entity; this many entities per query
        /// keeps far below either backend's parameter limit (SQLite's is 32766).
        const AUDIT_ENTITIES_PER_QUERY: usize = 200;

        const AUDIT_COLUMNS: &str = "seq, at, actor_id, action, entity, entity_id, before_json, \
            after_json, prev_hash, hash";

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

        /// 办结 of a published task at `at`, inside the caller's transaction, audited; `Conflict`
        /// when the task is not published. Shared by `complete_task` and `decide_request`.
        async fn complete_in(
            tx: &mut sqlx::Transaction<'static, $Db>,
            id: TaskId,
            at: chrono::DateTime<chrono::Utc>,
            actor: Option<UserId>,
        ) -> Result<TaskRecord, StoreError> {
            let before = load_task(tx, id).await?.ok_or(StoreError::NotFound)?;
            let changed = sqlx::query(
                "update tasks set status = $2, completed_at = $3 where id = $1 and status = $4",
            )
            .bind(id.0)
            .bind(TaskStatus::Completed.code())
            .bind(to_db_time(at))
            .bind(TaskStatus::Published.code())
            .execute(&mut **tx)
            .await
            .map_err(map_err)?
            .rows_affected();
            finish_task_change(tx, id, changed, "task.complete", &before, actor).await
        }

        /// 延期 of a published task to `new_due` (not before its start), inside the caller's
        /// transaction, audited; `original_due` stays. Shared by `extend_task` and
        /// `decide_request`.
        async fn extend_in(
            tx: &mut sqlx::Transaction<'static, $Db>,
            id: TaskId,
            new_due: chrono::NaiveDate,
            actor: Option<UserId>,
        ) -> Result<TaskRecord, StoreError> {
            let before = load_task(tx, id).await?.ok_or(StoreError::NotFound)?;
            let changed = sqlx::query(
                "update tasks set due_date = $2 \
                 where id = $1 and status = $3 and start_date <= $2",
            )
            .bind(id.0)
            .bind(new_due)
            .bind(TaskStatus::Published.code())
            .execute(&mut **tx)
            .await
            .map_err(map_err)?
            .rows_affected();
            finish_task_change(tx, id, changed, "task.extend", &before, actor).await
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
        /// The tail of every insert: audits the stored record (after = its JSON, before =
        /// nothing) and commits.
        async fn commit_insert<T: serde::Serialize>(
            mut tx: sqlx::Transaction<'static, $Db>,
            action: &str,
            entity: &str,
            entity_id: String,
            actor: Option<UserId>,
            stored: T,
        ) -> Result<T, StoreError> {
            let after = Some(to_json(&stored)?);
            append_audit(&mut tx, action, entity, entity_id, actor, None, after).await?;
            tx.commit().await.map_err(map_err)?;
            Ok(stored)
        }

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
                let id = stored.id.to_string();
                commit_insert(tx, "org_unit.insert", "org_unit", id, actor, stored).await
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
                let id = stored.id.to_string();
                commit_insert(tx, "user.insert", "user", id, actor, stored).await
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
                if !active {
                    // A deactivated user must be signed out everywhere, at once.
                    delete_user_sessions(&mut tx, id).await?;
                }
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
                let id = stored.id.to_string();
                commit_insert(tx, "plan.insert", "plan", id, actor, stored).await
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
                    let mut targets = Vec::with_capacity(task.targets.len());
                    for (position, target) in (0_i64..).zip(&task.targets) {
                        let (id,): (i64,) = sqlx::query_as(
                            "insert into task_targets \
                             (task_id, position, indicator, op, value, unit, text) \
                             values ($1, $2, $3, $4, $5, $6, $7) returning id",
                        )
                        .bind(row.id)
                        .bind(position)
                        .bind(&target.indicator)
                        .bind(&target.op)
                        .bind(target.value)
                        .bind(&target.unit)
                        .bind(&target.text)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(map_err)?;
                        targets.push(TargetRecord {
                            id: TargetId(id),
                            target: target.clone(),
                        });
                    }
                    for (position, milestone) in (0_i64..).zip(&task.milestones) {
                        sqlx::query(
                            "insert into task_milestones (task_id, position, due_date, title) \
                             values ($1, $2, $3, $4)",
                        )
                        .bind(row.id)
                        .bind(position)
                        .bind(milestone.date)
                        .bind(&milestone.title)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    }
                    // The order `load_task_parts` reads them in: by date, then input order.
                    let mut milestones = task.milestones.clone();
                    milestones.sort_by_key(|m| m.date);
                    let parts = TaskParts {
                        co_units,
                        targets,
                        milestones,
                    };
                    let record = row.into_record(parts)?;
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
                published_on: chrono::NaiveDate,
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
                    "update tasks set status = $2, published_on = $4 \
                     where plan_id = $1 and status = $3 returning id",
                )
                .bind(plan.0)
                .bind(TaskStatus::Published.code())
                .bind(TaskStatus::Draft.code())
                .bind(published_on)
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
                let scope = TaskScope::Filter(
                    filter.plan.map(|p| p.0),
                    filter.lead_or_co_unit.map(|u| u.0),
                    filter.status.map(TaskStatus::code),
                );
                // Four queries on one connection whatever the number of tasks: the dashboard
                // lists hundreds per request. (Not one snapshot: a draft edited meanwhile may
                // show its new co-units with its old row, which the next read puts right.)
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                let sql =
                    format!("select {TASK_COLUMNS} from tasks where {TASK_FILTER} order by id");
                let rows: Vec<TaskRow> = scope
                    .bind(sqlx::query_as(&sql))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(map_err)?;
                let mut parts = load_task_parts(&mut conn, scope).await?;
                rows.into_iter()
                    .map(|row| {
                        let own = parts.remove(&row.id).unwrap_or_default();
                        row.into_record(own)
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
                let after = complete_in(&mut tx, id, at, actor).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn set_milestones(
                &self,
                id: TaskId,
                milestones: &[duban_core::tasks::Milestone],
                actor: Option<UserId>,
            ) -> Result<TaskRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_task(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                // Planning is over once a task is closed: its milestones are history.
                if matches!(before.status, TaskStatus::Completed | TaskStatus::Cancelled) {
                    return Err(conflict("tasks.status"));
                }
                sqlx::query("delete from task_milestones where task_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                for (position, milestone) in (0_i64..).zip(milestones) {
                    sqlx::query(
                        "insert into task_milestones (task_id, position, due_date, title) \
                         values ($1, $2, $3, $4)",
                    )
                    .bind(id.0)
                    .bind(position)
                    .bind(milestone.date)
                    .bind(&milestone.title)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                }
                let after = finish_task_change(&mut tx, id, 1, "task.milestones", &before, actor)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn list_calendar_days(
                &self,
            ) -> Result<Vec<duban_core::calendar::CalendarDay>, StoreError> {
                let rows: Vec<(chrono::NaiveDate, String, String)> =
                    sqlx::query_as("select day, kind, name from calendar_days order by day")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                rows.into_iter()
                    .map(|(date, kind, name)| {
                        Ok(duban_core::calendar::CalendarDay {
                            date,
                            kind: duban_core::calendar::DayKind::from_code(&kind)
                                .ok_or_else(|| bad_row(format!("calendar kind {kind}")))?,
                            name,
                        })
                    })
                    .collect()
            }

            async fn set_calendar_day(
                &self,
                day: &duban_core::calendar::CalendarDay,
                actor: Option<UserId>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                let before: Option<(String, String)> =
                    sqlx::query_as("select kind, name from calendar_days where day = $1")
                        .bind(day.date)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                sqlx::query("delete from calendar_days where day = $1")
                    .bind(day.date)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query("insert into calendar_days (day, kind, name) values ($1, $2, $3)")
                    .bind(day.date)
                    .bind(day.kind.code())
                    .bind(&day.name)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let id = day.date.to_string();
                let after = Some(to_json(day)?);
                let before = match before {
                    Some(b) => Some(to_json(&b)?),
                    None => None,
                };
                append_audit(&mut tx, "calendar.set", "calendar_day", id, actor, before, after)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(())
            }

            async fn delete_calendar_day(
                &self,
                date: chrono::NaiveDate,
                actor: Option<UserId>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                let before: Option<(String, String)> =
                    sqlx::query_as("select kind, name from calendar_days where day = $1")
                        .bind(date)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                let Some(before) = before else {
                    return Err(StoreError::NotFound);
                };
                sqlx::query("delete from calendar_days where day = $1")
                    .bind(date)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let before = Some(to_json(&before)?);
                let id = date.to_string();
                append_audit(&mut tx, "calendar.delete", "calendar_day", id, actor, before, None)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(())
            }

            async fn get_plan_source(&self, id: PlanId) -> Result<String, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("select source_text from plans where id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                Ok(row.ok_or(StoreError::NotFound)?.0)
            }

            async fn extend_task(
                &self,
                id: TaskId,
                new_due: chrono::NaiveDate,
                actor: Option<UserId>,
            ) -> Result<TaskRecord, StoreError> {
                let mut tx = self.begin().await?;
                let after = extend_in(&mut tx, id, new_due, actor).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn upsert_report_draft(
                &self,
                report: &NewReport,
                actor: Option<UserId>,
            ) -> Result<ReportRecord, StoreError> {
                let mut tx = self.begin().await?;
                // Only a published task takes reports: a draft has not reached its unit, and a
                // completed or cancelled one is closed.
                let status: Option<(String,)> =
                    sqlx::query_as("select status from tasks where id = $1")
                        .bind(report.task.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                if status.is_none_or(|(s,)| s != TaskStatus::Published.code()) {
                    return Err(conflict("tasks.status"));
                }
                let existing: Option<(i64,)> = sqlx::query_as(
                    "select id from reports where task_id = $1 and period_start = $2",
                )
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
                    Some((id,)) => {
                        let before = load_report(&mut tx, ReportId(id))
                            .await?
                            .ok_or(StoreError::NotFound)?;
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
                // The values are replaced as a whole: a target left blank this time is gone.
                sqlx::query("delete from report_values where report_id = $1")
                    .bind(row.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                for value in &report.values {
                    // Inserted only when the target belongs to the report's task, so a value
                    // can never be filed against another task's target.
                    let inserted = sqlx::query(
                        "insert into report_values (report_id, target_id, value) \
                         select $1, id, $2 from task_targets where id = $3 and task_id = $4",
                    )
                    .bind(row.id)
                    .bind(value.value)
                    .bind(value.target.0)
                    .bind(report.task.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if inserted == 0 {
                        return Err(conflict("report_values.target_id"));
                    }
                }
                let mut values = report.values.clone();
                values.sort_by_key(|v| v.target);
                let stored = row.into_record(values)?;
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
                let row = row.ok_or_else(|| conflict("reports.state"))?;
                // A state change leaves the values as they were.
                let after = row.into_record(before.values.clone())?;
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
                     updated_at = $5, return_count = return_count + $7 \
                     where id = $1 and state = $6 returning {REPORT_COLUMNS}"
                ))
                .bind(id.0)
                .bind(state.code())
                .bind(comment)
                .bind(actor.map(|a| a.0))
                .bind(to_db_time(now()))
                .bind(ReportState::Submitted.code())
                .bind(i64::from(!accept))
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let row = row.ok_or_else(|| conflict("reports.state"))?;
                // A state change leaves the values as they were.
                let after = row.into_record(before.values.clone())?;
                audit_change(&mut tx, action, "report", id.to_string(), actor, &before, &after)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn list_reports(&self, task: TaskId) -> Result<Vec<ReportRecord>, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                let rows: Vec<ReportRow> = sqlx::query_as(&format!(
                    "select {REPORT_COLUMNS} from reports where task_id = $1 \
                     order by period_start, id"
                ))
                .bind(task.0)
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
                with_values(&mut conn, ReportScope::Task(task.0), rows).await
            }

            async fn list_reports_in_period(
                &self,
                from: chrono::NaiveDate,
                to: chrono::NaiveDate,
            ) -> Result<Vec<ReportRecord>, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                // Only each task's latest submitted report of the range: a month of a year's
                // worth of weekly reports is read as one row per task, not five.
                let rows: Vec<ReportRow> = sqlx::query_as(&format!(
                    "select {REPORT_COLUMNS} from reports r \
                     where period_start >= $1 and period_start < $2 \
                     and first_submitted_at is not null and state <> 'draft' \
                     and not exists (select 1 from reports later \
                         where later.task_id = r.task_id \
                         and later.period_start > r.period_start and later.period_start < $2 \
                         and later.first_submitted_at is not null and later.state <> 'draft') \
                     order by task_id"
                ))
                .bind(from)
                .bind(to)
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
                with_values(&mut conn, ReportScope::Period(from, to), rows).await
            }

            async fn list_audit_events(
                &self,
                after_seq: i64,
                limit: i64,
            ) -> Result<Vec<AuditEvent>, StoreError> {
                let rows: Vec<AuditRow> = sqlx::query_as(&format!(
                    "select {AUDIT_COLUMNS} from audit_events where seq > $1 order by seq limit $2"
                ))
                .bind(after_seq)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(AuditEvent::try_from).collect()
            }

            async fn get_user(&self, id: UserId) -> Result<User, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                load_user(&mut conn, id).await?.ok_or(StoreError::NotFound)
            }

            async fn update_user(
                &self,
                id: UserId,
                display_name: &str,
                role: Role,
                unit: Option<OrgUnitId>,
                actor: Option<UserId>,
            ) -> Result<User, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_user(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
                let row: UserRow = sqlx::query_as(&format!(
                    "update users set display_name = $2, role = $3, unit_id = $4 where id = $1 \
                     returning {USER_COLUMNS}"
                ))
                .bind(id.0)
                .bind(display_name)
                .bind(role.as_str())
                .bind(unit.map(|u| u.0))
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let after = User::try_from(row)?;
                audit_change(&mut tx, "user.update", "user", id.to_string(), actor, &before, &after)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn set_user_password(
                &self,
                id: UserId,
                password_hash: &str,
                actor: Option<UserId>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                let changed = sqlx::query("update users set password_hash = $2 where id = $1")
                    .bind(id.0)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                // Whoever knew the old password is signed out too.
                let ended = delete_user_sessions(&mut tx, id).await?;
                // The event says that the password changed, never what to: no hash in the log.
                let after = to_json(&serde_json::json!({
                    "password": "changed",
                    "sessions_ended": ended,
                }))?;
                let user = id.to_string();
                append_audit(&mut tx, "user.set_password", "user", user, actor, None, Some(after))
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(())
            }

            async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                // Sign-ins sweep the sessions that expired before this one started, so the
                // table holds live sessions only and never needs a separate job.
                sqlx::query("delete from sessions where expires_at < $1")
                    .bind(to_db_time(session.created_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query(
                    "insert into sessions \
                     (token_hash, user_id, csrf_token, created_at, expires_at) \
                     values ($1, $2, $3, $4, $5)",
                )
                .bind(&session.token_hash)
                .bind(session.user.0)
                .bind(&session.csrf_token)
                .bind(to_db_time(session.created_at))
                .bind(to_db_time(session.expires_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                // Neither the token hash nor the CSRF token goes into the log: either would let
                // a reader of the log act as the user while the session lives.
                let after = to_json(&serde_json::json!({
                    "created_at": session.created_at,
                    "expires_at": session.expires_at,
                }))?;
                let user = session.user.to_string();
                let actor = Some(session.user);
                append_audit(&mut tx, "login", "user", user, actor, None, Some(after)).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(())
            }

            async fn get_session(
                &self,
                token_hash: &str,
            ) -> Result<Option<(SessionRecord, User)>, StoreError> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    #[sqlx(flatten)]
                    session: SessionRow,
                    #[sqlx(flatten)]
                    user: UserRow,
                }
                let row: Option<Row> = sqlx::query_as(
                    "select s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, \
                     u.id, u.username, u.display_name, u.role, u.unit_id, u.active \
                     from sessions s join users u on u.id = s.user_id where s.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                row.map(|r| Ok((SessionRecord::try_from(r.session)?, User::try_from(r.user)?)))
                    .transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                let deleted: Option<(i64,)> =
                    sqlx::query_as("delete from sessions where token_hash = $1 returning user_id")
                        .bind(token_hash)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                // Signing out twice (two tabs) logs one logout.
                if let Some((user,)) = deleted {
                    let actor = Some(UserId(user));
                    let id = user.to_string();
                    append_audit(&mut tx, "logout", "user", id, actor, None, None).await?;
                }
                tx.commit().await.map_err(map_err)?;
                Ok(())
            }

            async fn edit_tasks(
                &self,
                edits: &[TaskEdit],
                actor: Option<UserId>,
            ) -> Result<Vec<TaskRecord>, StoreError> {
                let mut tx = self.begin().await?;
                let mut edited = Vec::with_capacity(edits.len());
                for edit in edits {
                    let before = load_task(&mut tx, edit.id).await?.ok_or(StoreError::NotFound)?;
                    if edit.due < edit.start {
                        return Err(conflict("tasks.due_date"));
                    }
                    // The edit is checked and normalised (trimmed title, co-units deduplicated
                    // and without the lead unit) by the very rules a new task obeys.
                    let task = NewTask {
                        plan: before.plan,
                        parent: before.parent,
                        path: before.path.clone(),
                        title: edit.title.clone(),
                        text: before.text.clone(),
                        source_start: before.source_start,
                        source_end: before.source_end,
                        lead_unit: edit.lead_unit,
                        co_units: edit.co_units.clone(),
                        leader: edit.leader,
                        owner_name: edit.owner_name.clone(),
                        start: edit.start,
                        due: edit.due,
                        frequency: edit.frequency,
                        weight: before.timeline.weight,
                        targets: Vec::new(),
                        milestones: Vec::new(),
                    }
                    .validated()
                    .map_err(|_| conflict("tasks.fields"))?;
                    // Nothing was promised before 交办, so the original deadline moves too.
                    let changed = sqlx::query(
                        "update tasks set title = $2, lead_unit_id = $3, leader_id = $4, \
                         owner_name = $5, start_date = $6, due_date = $7, original_due = $7, \
                         frequency = $8 where id = $1 and status = $9",
                    )
                    .bind(edit.id.0)
                    .bind(&task.title)
                    .bind(task.lead_unit.map(|u| u.0))
                    .bind(task.leader.map(|u| u.0))
                    .bind(&task.owner_name)
                    .bind(task.start)
                    .bind(task.due)
                    .bind(task.frequency.code())
                    .bind(TaskStatus::Draft.code())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if changed == 0 {
                        return Err(conflict("tasks.status"));
                    }
                    sqlx::query("delete from task_co_units where task_id = $1")
                        .bind(edit.id.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    for unit in &task.co_units {
                        sqlx::query("insert into task_co_units (task_id, unit_id) values ($1, $2)")
                            .bind(edit.id.0)
                            .bind(unit.0)
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err)?;
                    }
                    let after =
                        finish_task_change(&mut tx, edit.id, changed, "task.edit", &before, actor)
                            .await?;
                    edited.push(after);
                }
                tx.commit().await.map_err(map_err)?;
                Ok(edited)
            }

            async fn get_report(&self, id: ReportId) -> Result<ReportRecord, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                load_report(&mut conn, id).await?.ok_or(StoreError::NotFound)
            }

            async fn list_reports_in_state(
                &self,
                state: ReportState,
                offset: i64,
                limit: i64,
            ) -> Result<Vec<ReportRecord>, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                let rows: Vec<ReportRow> = sqlx::query_as(&format!(
                    "select {REPORT_COLUMNS} from reports where state = $1 \
                     order by updated_at, id limit $2 offset $3"
                ))
                .bind(state.code())
                .bind(limit)
                .bind(offset.max(0))
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
                with_values(&mut conn, ReportScope::State(state.code()), rows).await
            }

            async fn list_report_summaries(
                &self,
            ) -> Result<Vec<(TaskId, ReportSummary)>, StoreError> {
                let rows: Vec<(i64, chrono::NaiveDate, Option<DbTime>, String, f64, i64)> =
                    sqlx::query_as(
                        "select task_id, period_start, first_submitted_at, state, percent, \
                         return_count from reports order by task_id, period_start",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)?;
                rows.into_iter()
                    .map(|(task, period_start, submitted_at, state, percent, returns)| {
                        Ok((
                            TaskId(task),
                            ReportSummary {
                                period_start,
                                submitted_at: submitted_at.map(from_db_time).transpose()?,
                                state: ReportState::from_code(&state).map_err(bad_row)?,
                                percent,
                                returns: u32::try_from(returns).unwrap_or(0),
                            },
                        ))
                    })
                    .collect()
            }

            async fn insert_attachment(
                &self,
                attachment: &NewAttachment,
                actor: Option<UserId>,
            ) -> Result<AttachmentRecord, StoreError> {
                let mut tx = self.begin().await?;
                let row: AttachmentRow = sqlx::query_as(&format!(
                    "insert into attachments \
                     (report_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at) \
                     values ($1, $2, $3, $4, $5, $6, $7) returning {ATTACHMENT_COLUMNS}"
                ))
                .bind(attachment.report.0)
                .bind(&attachment.file_name)
                .bind(&attachment.content_type)
                .bind(attachment.size)
                .bind(&attachment.sha256)
                .bind(actor.map(|a| a.0))
                .bind(to_db_time(now()))
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = AttachmentRecord::try_from(row)?;
                let id = stored.id.to_string();
                commit_insert(tx, "attachment.insert", "attachment", id, actor, stored).await
            }

            async fn list_attachments(
                &self,
                report: ReportId,
            ) -> Result<Vec<AttachmentRecord>, StoreError> {
                let rows: Vec<AttachmentRow> = sqlx::query_as(&format!(
                    "select {ATTACHMENT_COLUMNS} from attachments where report_id = $1 order by id"
                ))
                .bind(report.0)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(AttachmentRecord::try_from).collect()
            }

            async fn list_task_attachments(
                &self,
                task: TaskId,
            ) -> Result<Vec<AttachmentRecord>, StoreError> {
                let columns = ATTACHMENT_COLUMNS
                    .split(',')
                    .map(|c| format!("a.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let rows: Vec<AttachmentRow> = sqlx::query_as(&format!(
                    "select {columns} from attachments a \
                     join reports r on r.id = a.report_id \
                     where r.task_id = $1 order by a.id"
                ))
                .bind(task.0)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(AttachmentRecord::try_from).collect()
            }

            async fn audit_head(&self) -> Result<i64, StoreError> {
                let (seq,): (i64,) =
                    sqlx::query_as("select coalesce(max(seq), 0) from audit_events")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(map_err)?;
                Ok(seq)
            }

            async fn get_attachment(
                &self,
                id: AttachmentId,
            ) -> Result<AttachmentRecord, StoreError> {
                let row: Option<AttachmentRow> = sqlx::query_as(&format!(
                    "select {ATTACHMENT_COLUMNS} from attachments where id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                AttachmentRecord::try_from(row.ok_or(StoreError::NotFound)?)
            }

            async fn insert_request(
                &self,
                request: &NewRequest,
                actor: Option<UserId>,
            ) -> Result<RequestRecord, StoreError> {
                let mut tx = self.begin().await?;
                // Selecting from the task makes "only for a published task" part of the insert;
                // the partial unique index refuses a second pending request of the same kind.
                let row: Option<RequestRow> = sqlx::query_as(&format!(
                    "insert into requests \
                     (task_id, kind, reason, new_due, state, requested_by, requested_at) \
                     select id, $2, $3, $4, $5, $6, $7 from tasks where id = $1 and status = $8 \
                     returning {REQUEST_COLUMNS}"
                ))
                .bind(request.task.0)
                .bind(request.kind.code())
                .bind(&request.reason)
                .bind(request.new_due)
                .bind(RequestState::Pending.code())
                .bind(actor.map(|a| a.0))
                .bind(to_db_time(now()))
                .bind(TaskStatus::Published.code())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = RequestRecord::try_from(row.ok_or_else(|| conflict("tasks.status"))?)?;
                let id = stored.id.to_string();
                commit_insert(tx, "request.insert", "request", id, actor, stored).await
            }

            async fn decide_request(
                &self,
                id: RequestId,
                approve: bool,
                comment: Option<&str>,
                now: chrono::DateTime<chrono::Utc>,
                actor: Option<UserId>,
            ) -> Result<RequestRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before: Option<RequestRow> = sqlx::query_as(&format!(
                    "select {REQUEST_COLUMNS} from requests where id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let before = RequestRecord::try_from(before.ok_or(StoreError::NotFound)?)?;
                let (state, action) = if approve {
                    (RequestState::Approved, "request.approve")
                } else {
                    (RequestState::Rejected, "request.reject")
                };
                let comment = comment.map(str::trim).filter(|c| !c.is_empty());
                // The pending guard sits in the update itself: of two leaders deciding at once,
                // the second matches no row and gets `Conflict`.
                let row: Option<RequestRow> = sqlx::query_as(&format!(
                    "update requests set state = $2, decided_by = $3, decided_at = $4, \
                     decision_comment = $5 where id = $1 and state = $6 \
                     returning {REQUEST_COLUMNS}"
                ))
                .bind(id.0)
                .bind(state.code())
                .bind(actor.map(|a| a.0))
                .bind(to_db_time(now))
                .bind(comment)
                .bind(RequestState::Pending.code())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let row = row.ok_or_else(|| conflict("requests.state"))?;
                let after = RequestRecord::try_from(row)?;
                audit_change(&mut tx, action, "request", id.to_string(), actor, &before, &after)
                    .await?;
                if approve {
                    let task = after.request.task;
                    match after.request.kind {
                        RequestKind::Completion => {
                            complete_in(&mut tx, task, now, actor).await?;
                        }
                        RequestKind::Extension => {
                            let new_due = after
                                .request
                                .new_due
                                .ok_or_else(|| bad_row("extension request without new_due"))?;
                            extend_in(&mut tx, task, new_due, actor).await?;
                        }
                    }
                }
                tx.commit().await.map_err(map_err)?;
                Ok(after)
            }

            async fn get_request(&self, id: RequestId) -> Result<RequestRecord, StoreError> {
                let row: Option<RequestRow> = sqlx::query_as(&format!(
                    "select {REQUEST_COLUMNS} from requests where id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                RequestRecord::try_from(row.ok_or(StoreError::NotFound)?)
            }

            async fn list_requests(
                &self,
                filter: &RequestFilter,
            ) -> Result<Vec<RequestRecord>, StoreError> {
                let rows: Vec<RequestRow> = sqlx::query_as(&format!(
                    "select {REQUEST_COLUMNS} from requests \
                     where ($1 is null or task_id = $1) and ($2 is null or state = $2) order by id"
                ))
                .bind(filter.task.map(|t| t.0))
                .bind(filter.state.map(RequestState::code))
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(RequestRecord::try_from).collect()
            }

            async fn insert_instruction(
                &self,
                instruction: &NewInstruction,
                actor: Option<UserId>,
            ) -> Result<InstructionRecord, StoreError> {
                let mut tx = self.begin().await?;
                let row: InstructionRow = sqlx::query_as(&format!(
                    "insert into instructions (task_id, author_id, text, created_at) \
                     values ($1, $2, $3, $4) returning {INSTRUCTION_COLUMNS}"
                ))
                .bind(instruction.task.0)
                .bind(actor.map(|a| a.0))
                .bind(&instruction.text)
                .bind(to_db_time(now()))
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = InstructionRecord::try_from(row)?;
                let id = stored.id.to_string();
                commit_insert(tx, "instruction.insert", "instruction", id, actor, stored).await
            }

            async fn list_instructions(
                &self,
                task: Option<TaskId>,
            ) -> Result<Vec<InstructionRecord>, StoreError> {
                // Ids break ties between instructions written in the same microsecond.
                let rows: Vec<InstructionRow> = sqlx::query_as(&format!(
                    "select {INSTRUCTION_COLUMNS} from instructions \
                     where ($1 is null or task_id = $1) order by created_at desc, id desc"
                ))
                .bind(task.map(|t| t.0))
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(InstructionRecord::try_from).collect()
            }

            async fn insert_accountability(
                &self,
                record: &duban_core::supervision::NewAccountability,
                actor: Option<UserId>,
            ) -> Result<duban_core::supervision::AccountabilityRecord, StoreError> {
                let mut tx = self.begin().await?;
                let row: AccountabilityRow = sqlx::query_as(&format!(
                    "insert into accountability \
                     (unit_id, task_id, kind, reason, recorded_by, recorded_at) \
                     values ($1, $2, $3, $4, $5, $6) returning {ACCOUNTABILITY_COLUMNS}"
                ))
                .bind(record.unit.0)
                .bind(record.task.map(|t| t.0))
                .bind(record.kind.code())
                .bind(&record.reason)
                .bind(actor.map(|a| a.0))
                .bind(to_db_time(now()))
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = duban_core::supervision::AccountabilityRecord::try_from(row)?;
                let id = stored.id.to_string();
                commit_insert(tx, "accountability.insert", "accountability", id, actor, stored)
                    .await
            }

            async fn list_accountability(
                &self,
                unit: Option<OrgUnitId>,
            ) -> Result<Vec<duban_core::supervision::AccountabilityRecord>, StoreError> {
                let rows: Vec<AccountabilityRow> = sqlx::query_as(&format!(
                    "select {ACCOUNTABILITY_COLUMNS} from accountability \
                     where ($1 is null or unit_id = $1) order by recorded_at desc, id desc"
                ))
                .bind(unit.map(|u| u.0))
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter()
                    .map(duban_core::supervision::AccountabilityRecord::try_from)
                    .collect()
            }

            async fn list_audit_events_for(
                &self,
                entities: &[(String, String)],
                limit: i64,
            ) -> Result<Vec<AuditEvent>, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                let mut rows: Vec<AuditRow> = Vec::new();
                for chunk in entities.chunks(AUDIT_ENTITIES_PER_QUERY) {
                    // `(entity = $1 and entity_id = $2) or …`: each term uses the
                    // (entity, entity_id) index on both backends.
                    let terms: Vec<String> = (0..chunk.len())
                        .map(|i| {
                            format!("(entity = ${} and entity_id = ${})", 2 * i + 1, 2 * i + 2)
                        })
                        .collect();
                    let sql = format!(
                        "select {AUDIT_COLUMNS} from audit_events where {} \
                         order by seq desc limit {}",
                        terms.join(" or "),
                        limit.max(0)
                    );
                    let mut query = sqlx::query_as::<_, AuditRow>(&sql);
                    for (entity, id) in chunk {
                        query = query.bind(entity).bind(id);
                    }
                    rows.extend(query.fetch_all(&mut *conn).await.map_err(map_err)?);
                }
                // Chunks (and an entity named twice) may repeat or interleave events: keep
                // the newest `limit` once each, oldest first.
                rows.sort_by_key(|r| std::cmp::Reverse(r.seq));
                rows.dedup_by_key(|r| r.seq);
                rows.truncate(usize::try_from(limit).unwrap_or(0));
                rows.reverse();
                rows.into_iter().map(AuditEvent::try_from).collect()
            }
        }
    };
}
