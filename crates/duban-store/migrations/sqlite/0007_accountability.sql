-- 问责 records: a 约谈 (talk), 通报 (circulated notice) or 问责 (formal accountability) recorded
-- by the 督查室 or a leader against a unit, optionally about one task, with the reason. Kept
-- forever (no deletes): they are counted in the statistics and read by the unit concerned.
create table accountability (
    id integer primary key,
    unit_id integer not null references org_units (id),
    task_id integer references tasks (id),
    kind text not null check (kind in ('interview', 'notice', 'accountability')),
    reason text not null,
    recorded_by integer references users (id),
    recorded_at text not null
);
create index accountability_unit_id on accountability (unit_id);
create index accountability_task_id on accountability (task_id);
