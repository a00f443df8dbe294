-- What an operator and a running attempt tell each other while it runs: a request to cancel it
-- (written by the API, read by the worker running it, wherever that is) and the progress it
-- reports (written by that worker every second or so, read by the API and the dashboard).
--
-- One row per job at most. version is the db-scheduler execution version of the claim the row
-- belongs to (a claim increments it; a heartbeat does not): a row whose version no longer matches
-- a picked execution is stale and read as nothing, so a cancel can never reach a later attempt.
-- The worker deletes the rows of its attempts when they end.
create table kairos_attempt_signal (
  job_id              text        primary key,
  task_name           text        not null,
  version             bigint      not null,
  cancel_requested_at timestamptz,
  cancel_requested_by text,
  progress_done       bigint,
  progress_total      bigint,
  progress_message    text,
  progress_at         timestamptz
);

-- The progress an attempt reported last, kept with its history row when it ends.
alter table kairos_job_run
  add column progress_done    bigint,
  add column progress_total   bigint,
  add column progress_message text;
