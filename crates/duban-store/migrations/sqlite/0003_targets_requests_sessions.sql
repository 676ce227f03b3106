-- Task targets and milestones, report values, completion/extension requests, 批示, evidence
-- attachments and server-side sessions (SQLite).
-- Dates are 'YYYY-MM-DD' text; instants are UTC RFC 3339 text; booleans are 0/1.

-- 指标: kept in the order the plan lists them (`position`), which is how people read them.
-- The unique (task_id, position) also serves the per-task lookup.
create table task_targets (
    id integer primary key,
    task_id integer not null references tasks (id),
    position integer not null check (position >= 0),
    indicator text not null,
    op text not null,
    value real,
    unit text not null,
    text text not null,
    constraint task_targets_task_position_key unique (task_id, position)
);

-- 节点: read back by date; `position` (input order) breaks ties between milestones on one day.
-- `due_date` like tasks.due_date (`date` is a type name in both backends, best not a column).
create table task_milestones (
    task_id integer not null references tasks (id),
    position integer not null check (position >= 0),
    due_date text not null,
    title text not null,
    primary key (task_id, position)
);

-- The value a report measured for one of its task's targets. That the target belongs to the
-- report's task is checked by the insert itself (see upsert_report_draft).
create table report_values (
    report_id integer not null references reports (id),
    target_id integer not null references task_targets (id),
    value real not null,
    primary key (report_id, target_id)
);
create index report_values_target_id on report_values (target_id);

-- 办结申请 / 延期申请. Only an extension names a new deadline.
create table requests (
    id integer primary key,
    task_id integer not null references tasks (id),
    kind text not null check (kind in ('completion', 'extension')),
    reason text not null,
    new_due text,
    state text not null check (state in ('pending', 'approved', 'rejected')),
    requested_by integer references users (id),
    requested_at text not null,
    decided_by integer references users (id),
    decided_at text,
    decision_comment text,
    check ((kind = 'extension') = (new_due is not null))
);
create index requests_task_id on requests (task_id);
-- At most one pending request of each kind per task: a second one is a unique violation, so two
-- units filing at once cannot both get through.
create unique index requests_one_pending_per_kind on requests (task_id, kind)
    where state = 'pending';

-- 批示: a leader's written instruction on a task; read newest first.
create table instructions (
    id integer primary key,
    task_id integer not null references tasks (id),
    author_id integer references users (id),
    text text not null,
    created_at text not null
);
create index instructions_task_id on instructions (task_id);

-- 佐证材料: metadata only; the bytes live in the data directory under their SHA-256.
create table attachments (
    id integer primary key,
    report_id integer not null references reports (id),
    file_name text not null,
    content_type text not null,
    size integer not null check (size > 0),
    sha256 text not null,
    uploaded_by integer references users (id),
    uploaded_at text not null
);
create index attachments_report_id on attachments (report_id);

-- Server-side sessions. Only a SHA-256 of the cookie's token is kept, so a copy of the database
-- cannot be used to sign in. Looked up by user to end all of a user's sessions at once.
create table sessions (
    token_hash text primary key,
    user_id integer not null references users (id),
    csrf_token text not null,
    created_at text not null,
    expires_at text not null
);
create index sessions_user_id on sessions (user_id);
