-- History (kairos_job_run) partitioned by day of started_at (UTC), so that retention drops a whole
-- day's partition (a few catalog writes) instead of deleting its rows one by one (every row's
-- deletion written to the WAL, then vacuumed).
--
-- started_at is set by every insert. A row whose day has no partition (housekeeping behind, or a
-- day already dropped) lands in kairos_job_run_default, so an insert never fails; housekeeping
-- prunes that one row by row as before. The primary key must hold the partition key: (id,
-- started_at). Ids still come from kairos_job_run_id_seq alone, so they stay unique, and every
-- lookup by id or by job_id (id) has an index in each partition.

alter table kairos_job_run rename to kairos_job_run_unpartitioned;

create table kairos_job_run (
  id               bigint      not null default nextval('kairos_job_run_id_seq'),
  job_id           text        not null,
  job_type         text        not null,
  scheduled_for    timestamptz not null,
  started_at       timestamptz not null,
  finished_at      timestamptz,
  node             text        not null,
  attempt          int         not null,
  outcome          text        not null,
  error            text,
  recovered        boolean     not null default false,
  detail           text,
  revision         int         not null default 1,
  progress_done    bigint,
  progress_total   bigint,
  progress_message text
) partition by range (started_at);

create table kairos_job_run_default partition of kairos_job_run default;

-- Creates the partition of one UTC day, unless it exists or the default partition already holds
-- rows of that day (creating it would fail; those rows stay where they are and are pruned row by
-- row). Serialised per schema by an advisory lock: several nodes, or a node and this migration,
-- may call it at once. Returns whether it created the partition. Adding (and dropping, below)
-- locks kairos_job_run against every other statement for a moment; waiting for that lock behind a
-- long read would hold up the writers queued behind the wait, so both give up after a second and
-- housekeeping tries again on its next round.
create function kairos_job_run_add_partition(day date) returns boolean
language plpgsql
security definer
set search_path from current
set lock_timeout = '1s'
as $$
declare
  part_name text := 'kairos_job_run_p' || to_char(day, 'YYYYMMDD');
  low text := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
  high text := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
  occupied boolean;
begin
  -- pg_class read with a snapshot of its own: the cache to_regclass reads may not yet know of a
  -- partition another session has just added.
  if exists (select 1 from pg_catalog.pg_class where relname = part_name
             and relnamespace = current_schema()::regnamespace) then
    return false;
  end if;
  perform pg_advisory_xact_lock(hashtext(current_schema() || '.kairos_job_run partitions'));
  if exists (select 1 from pg_catalog.pg_class where relname = part_name
             and relnamespace = current_schema()::regnamespace) then
    return false;
  end if;
  execute format('select exists (select 1 from %I.kairos_job_run_default'
                 || ' where started_at >= $1 and started_at < $2)', current_schema())
    into occupied using low::timestamptz, high::timestamptz;
  if occupied then
    return false;
  end if;
  execute format('create table %I.%I partition of %I.kairos_job_run for values from (%L) to (%L)',
                 current_schema(), part_name, current_schema(), low, high);
  return true;
end
$$;

-- Drops the partition of one UTC day, keeping the rows of dead jobs: a dead job's history is kept
-- while the job is. They are copied aside first, then put back once the day is detached, so that
-- they land in the default partition with their ids unchanged and are read through kairos_job_run
-- as any other. Only the detach, the put-back and the drop hold the lock on kairos_job_run that
-- stops its writers: counting and copying read the day alone. A row written to that day after the
-- copy (one older than the retention) goes with it. Returns how many rows went.
create function kairos_job_run_drop_partition(day date) returns bigint
language plpgsql
security definer
set search_path from current
set lock_timeout = '1s'
as $$
declare
  part_name text := 'kairos_job_run_p' || to_char(day, 'YYYYMMDD');
  part text := format('%I.%I', current_schema(), part_name);
  total bigint;
  kept bigint;
begin
  perform pg_advisory_xact_lock(hashtext(current_schema() || '.kairos_job_run partitions'));
  if not exists (select 1 from pg_catalog.pg_class where relname = part_name
                 and relnamespace = current_schema()::regnamespace) then
    return 0;
  end if;
  execute format('select count(*) from %s', part) into total;
  execute format('create temporary table kairos_job_run_kept as select * from %s r'
                 || ' where exists (select 1 from %I.kairos_job j where j.id = r.job_id'
                 || ' and j.state = ''DEAD'')', part, current_schema());
  get diagnostics kept = row_count;
  execute format('alter table %I.kairos_job_run detach partition %s', current_schema(), part);
  execute format('insert into %I.kairos_job_run select * from pg_temp.kairos_job_run_kept',
                 current_schema());
  execute format('drop table %s', part);
  drop table pg_temp.kairos_job_run_kept;
  return total - kept;
end
$$;

-- The functions run with the rights of their owner (the user that migrated, who owns history), for
-- whoever may execute them: nobody but that owner unless granted. They name every table with its
-- schema (a caller's temporary table of the same name would otherwise come first).
revoke execute on function kairos_job_run_add_partition(date) from public;
revoke execute on function kairos_job_run_drop_partition(date) from public;

-- A partition for each day of the last year that has history, so that the default partition starts
-- empty (adding a partition reads all of the default one, under a lock that stops history's
-- writers), then today and the next seven. The next prune drops the days older than the retention.
do $$
declare
  today date := (now() at time zone 'UTC')::date;
  day date;
begin
  for day in select distinct (started_at at time zone 'UTC')::date from kairos_job_run_unpartitioned
             where started_at >= (today - 366)::timestamp at time zone 'UTC'
             union select today + n from generate_series(0, 7) n
  loop
    perform kairos_job_run_add_partition(day);
  end loop;
end
$$;

insert into kairos_job_run (id, job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error,
  recovered, detail, revision, progress_done, progress_total, progress_message)
select id, job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error,
  recovered, detail, revision, progress_done, progress_total, progress_message
from kairos_job_run_unpartitioned;

-- The sequence goes with the new table (dropping the old one would drop it): ids continue.
alter sequence kairos_job_run_id_seq owned by kairos_job_run.id;
drop table kairos_job_run_unpartitioned;

alter table kairos_job_run add constraint kairos_job_run_pkey primary key (id, started_at);
create index kairos_job_run_job_idx on kairos_job_run (job_id, id);
create index kairos_job_run_running_idx on kairos_job_run (job_id, node) where outcome = 'RUNNING';
create index kairos_job_run_started_idx on kairos_job_run (started_at);
create index kairos_job_run_recovered_idx on kairos_job_run (id) where recovered;
