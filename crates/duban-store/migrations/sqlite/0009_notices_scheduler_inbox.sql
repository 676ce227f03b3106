-- 督办单, the scheduler's record of what it fired, the in-app inbox, the outgoing queue and
-- each user's notification choices (SQLite). Instants are UTC RFC 3339 text; booleans 0/1.

-- How many times a report was returned (退回): two or more calls for a 黄色警示.
alter table reports add column return_count integer not null default 0;

-- 督办单: numbered per year (督〔2026〕12号). An automatic notice carries a dedupe key, unique,
-- so the check that issues it can run any number of times and issue it once.
create table notices (
    id integer primary key,
    year integer not null,
    seq integer not null check (seq > 0),
    tier text not null check (tier in ('blue', 'yellow', 'red')),
    trigger_kind text not null,
    task_id integer not null references tasks (id),
    unit_id integer not null references org_units (id),
    facts text not null,
    reply_by text not null,
    issued_at text not null,
    issued_by integer references users (id),
    state text not null check (state in ('issued', 'signed', 'answered', 'escalated')),
    signed_at text,
    signed_by integer references users (id),
    answer text,
    answered_at text,
    answered_by integer references users (id),
    escalates_id integer references notices (id),
    dedupe_key text,
    constraint notices_year_seq_key unique (year, seq),
    constraint notices_dedupe_key unique (dedupe_key)
);
create index notices_task_id on notices (task_id);
create index notices_unit_state on notices (unit_id, state);

-- One row per scheduler job that fired (a reminder, an escalation to the leader): the key is the
-- job's identity, so a restart or a second instance cannot fire it again.
create table scheduler_jobs (
    job_key text primary key,
    fired_at text not null
);

-- The in-app inbox (站内消息).
create table inbox_messages (
    id integer primary key,
    user_id integer not null references users (id),
    kind text not null,
    title text not null,
    body text not null,
    link text,
    created_at text not null,
    read_at text
);
create index inbox_messages_user on inbox_messages (user_id, read_at);

-- Messages waiting to leave (webhook robots, e-mail): retried with backoff until sent or given
-- up; the channel is a name from the configuration, never a URL or a secret.
create table outbox (
    id integer primary key,
    channel text not null,
    recipient text not null,
    kind text not null,
    title text not null,
    body text not null,
    link text,
    created_at text not null,
    attempts integer not null default 0,
    next_attempt_at text not null,
    last_error text,
    sent_at text,
    gave_up_at text
);
create index outbox_pending on outbox (sent_at, gave_up_at, next_attempt_at);

-- Per user: the e-mail address, and which kinds of event reach them where (a missing row means
-- the default: in the inbox, and by e-mail when an address is set).
create table user_contacts (
    user_id integer primary key references users (id),
    email text not null
);
create table notification_prefs (
    user_id integer not null references users (id),
    kind text not null,
    inbox boolean not null,
    email boolean not null,
    primary key (user_id, kind)
);
