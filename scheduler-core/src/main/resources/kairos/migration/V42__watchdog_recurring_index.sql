-- The stale-job watchdog reads active recurring jobs (and any whose schedule is missing) page by
-- page in id order, to judge each against its schedule in Java. One-time jobs, the bulk of a large
-- backlog, are judged by one statement each check and never read, so this index leaves them out.
create index kairos_job_active_recurring_idx on kairos_job (id)
  where state = 'ACTIVE' and (schedule ->> 'at') is null;
