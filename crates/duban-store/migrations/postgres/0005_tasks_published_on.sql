-- The day a task was published (交办, Asia/Shanghai date): reports are owed from that day's
-- period on, not from a start date that may lie months before anyone saw the task. Tasks
-- published before this column existed keep null and owe reports from their start date.
alter table tasks add column published_on date;
