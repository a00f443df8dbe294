-- db-scheduler's own PostgreSQL table (db-scheduler 16.x, with priority), unchanged so the
-- library's queries and indexes apply as documented upstream.
create table scheduled_tasks (
  task_name            text                     not null,
  task_instance        text                     not null,
  task_data            bytea,
  execution_time       timestamp with time zone not null,
  picked               boolean                  not null,
  picked_by            text,
  last_success         timestamp with time zone,
  last_failure         timestamp with time zone,
  consecutive_failures int,
  last_heartbeat       timestamp with time zone,
  version              bigint                   not null,
  priority             smallint,
  primary key (task_name, task_instance)
);

create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);

-- The registry of every job ever created through Kairos. scheduled_tasks holds only what is still
-- pending or running; this table keeps the job readable after it completed, died or was missed,
-- makes ids unique across job types, and remembers the request for idempotent replays.
create table kairos_job (
  id            text        primary key,
  type          text        not null,
  job_group     text,
  payload       jsonb       not null,
  schedule      jsonb,
  max_attempts  int         not null,
  priority      int         not null,
  request_hash  text        not null,
  -- ACTIVE while db-scheduler holds an execution; COMPLETED, DEAD or MISSED once it is gone.
  state         text        not null,
  last_error    text,
  created_at    timestamptz not null default now(),
  created_by    text,
  updated_at    timestamptz not null default now(),
  finished_at   timestamptz
);

create index kairos_job_type_idx on kairos_job (type, id);
create index kairos_job_group_idx on kairos_job (job_group, id);

-- One row per attempt. An attempt starts RUNNING and is finished in the same transaction that
-- completes or reschedules its execution, so history never disagrees with scheduled_tasks.
create table kairos_job_run (
  id            bigserial   primary key,
  job_id        text        not null,
  job_type      text        not null,
  scheduled_for timestamptz not null,
  started_at    timestamptz not null,
  finished_at   timestamptz,
  node          text        not null,
  attempt       int         not null,
  outcome       text        not null,
  error         text,
  recovered     boolean     not null default false
);

create index kairos_job_run_job_idx on kairos_job_run (job_id, id);
create index kairos_job_run_running_idx on kairos_job_run (job_id, node) where outcome = 'RUNNING';

-- Worker replicas, each refreshing its own row while alive.
create table kairos_node (
  name        text        primary key,
  host        text        not null,
  pid         bigint      not null,
  started_at  timestamptz not null,
  last_seen   timestamptz not null,
  state       text        not null,
  running     int         not null default 0
);
