-- Plans, tasks (with co-units) and progress reports (SQLite).
-- Dates are 'YYYY-MM-DD' text (so text order is date order); instants are UTC RFC 3339 text;
-- booleans are 0/1; JSON is text.

create table plans (
    id integer primary key,
    title text not null,
    year integer,
    source_file text not null,
    source_text text not null,
    import_json text not null,
    created_at text not null,
    published integer not null default 0 check (published in (0, 1))
);

create table tasks (
    id integer primary key,
    plan_id integer references plans (id),
    parent_id integer references tasks (id),
    path_json text not null,
    title text not null,
    text text not null,
    source_start integer check (source_start >= 0),
    source_end integer check (source_end >= source_start),
    lead_unit_id integer references org_units (id),
    leader_id integer references users (id),
    owner_name text,
    start_date text not null,
    due_date text not null,
    original_due text not null,
    frequency text not null check (frequency in ('weekly', 'monthly', 'quarterly', 'once')),
    status text not null check (status in ('draft', 'published', 'completed', 'cancelled')),
    weight real not null check (weight >= 0),
    completed_at text,
    created_at text not null,
    check (due_date >= start_date),
    check (original_due >= start_date)
);
create index tasks_plan_id on tasks (plan_id);
create index tasks_lead_unit_id on tasks (lead_unit_id);
create index tasks_parent_id on tasks (parent_id);

-- 配合单位: the units that work with the lead unit on a task.
create table task_co_units (
    task_id integer not null references tasks (id),
    unit_id integer not null references org_units (id),
    primary key (task_id, unit_id)
);
create index task_co_units_unit_id on task_co_units (unit_id);

-- One report per task and period; a returned report is revised and resubmitted in place.
create table reports (
    id integer primary key,
    task_id integer not null references tasks (id),
    period_start text not null,
    progress_text text not null,
    problems text not null,
    next_steps text not null,
    percent real not null check (percent >= 0 and percent <= 100),
    needs_coordination integer not null check (needs_coordination in (0, 1)),
    state text not null check (state in ('draft', 'submitted', 'accepted', 'returned')),
    first_submitted_at text,
    updated_at text not null,
    review_comment text,
    reviewed_by integer references users (id),
    constraint reports_task_period_key unique (task_id, period_start)
);
create index reports_task_id on reports (task_id);
