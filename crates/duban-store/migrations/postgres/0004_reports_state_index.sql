-- The 审核 queue reads the reports waiting in one state; without this index it scans every
-- report of the year.
create index reports_state on reports (state, updated_at);
