-- Org units, users and the hash-chained audit log (SQLite).
-- Time is UTC RFC 3339 text; booleans are 0/1; JSON is text.

create table org_units (
    id integer primary key,
    parent_id integer references org_units (id),
    name text not null,
    kind text not null check (kind in ('bureau', 'department', 'school', 'kindergarten', 'subdistrict'))
);
create index org_units_parent_id on org_units (parent_id);

create table users (
    id integer primary key,
    username text not null,
    display_name text not null,
    role text not null check (role in ('admin', 'leader', 'supervisor', 'unit', 'viewer')),
    unit_id integer references org_units (id),
    active integer not null default 1 check (active in (0, 1)),
    password_hash text not null,
    constraint users_username_key unique (username)
);
create index users_unit_id on users (unit_id);

-- Append-only: seq has no gaps, each row's hash covers its fields and the previous row's hash.
-- actor_id has no foreign key on purpose: the log must outlive anything it mentions.
create table audit_events (
    seq integer primary key,
    at text not null,
    actor_id integer,
    action text not null,
    entity text not null,
    entity_id text not null,
    before_json text,
    after_json text,
    prev_hash text not null,
    hash text not null
);
create index audit_events_entity on audit_events (entity, entity_id);
