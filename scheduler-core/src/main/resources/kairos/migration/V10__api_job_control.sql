-- REST API v1: per-job timeout and misfire grace, who changed a job last, and paused jobs.
--
-- kairos_job.state is now one of ACTIVE (db-scheduler holds an execution), PAUSED (the execution
-- was moved out of scheduled_tasks into the paused_* columns below, so no worker can claim it),
-- or a final state: COMPLETED, DEAD, MISSED, CANCELLED.
alter table kairos_job
  -- ISO-8601 durations as the client gave them (normalised by java.time.Duration).
  add column timeout                     text,
  add column misfire_grace               text,
  add column updated_by                  text,
  -- A paused job's execution, kept as db-scheduler had it, to be put back on resume.
  add column paused_execution_time       timestamptz,
  add column paused_task_data            bytea,
  add column paused_last_success         timestamptz,
  add column paused_last_failure         timestamptz,
  add column paused_consecutive_failures int;

-- GET /api/v1/jobs?state=… pages through one state in id order.
create index kairos_job_state_idx on kairos_job (state, id);
