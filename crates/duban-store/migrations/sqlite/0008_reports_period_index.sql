-- The monthly summary reads one month's reports across all tasks.
create index reports_period_start on reports (period_start);
