-- 周例会: meeting series (局党政联席会议 every Monday by default), meetings, their agenda items
-- and what was decided on each (SQLite). Instants are UTC RFC 3339 text; dates 'YYYY-MM-DD'.

create table meeting_series (
    id integer primary key,
    name text not null,
    weekday integer not null check (weekday between 1 and 7),
    start_time text not null,
    constraint meeting_series_name_key unique (name)
);
insert into meeting_series (name, weekday, start_time) values ('局党政联席会议', 1, '08:30');

create table meetings (
    id integer primary key,
    series_id integer not null references meeting_series (id),
    held_on text not null,
    title text not null,
    attendees text not null default '',
    state text not null check (state in ('open', 'closed')),
    decisions_sent_at text,
    created_at text not null,
    constraint meetings_series_day_key unique (series_id, held_on)
);

-- One row per agenda item; `position` orders the agenda. The outcome columns stay null until
-- the meeting decides; `co_units_json` is the 配合单位 list of a decision, as a JSON array.
create table meeting_items (
    id integer primary key,
    meeting_id integer not null references meetings (id),
    position integer not null,
    source text not null,
    task_id integer references tasks (id),
    request_id integer references requests (id),
    report_id integer references reports (id),
    title text not null,
    note text not null,
    outcome_kind text,
    outcome_text text,
    lead_unit_id integer references org_units (id),
    co_units_json text not null default '[]',
    due_date text,
    new_task_id integer references tasks (id),
    decided_by integer references users (id),
    decided_at text
);
create index meeting_items_meeting on meeting_items (meeting_id, position);
