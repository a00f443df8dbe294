-- Flow limits (io.kairos.limits): claims of limited types count what runs (picked executions) per
-- type and key, so they find the picked ones by an index of their own rather than a scan of every
-- pending execution.
create index scheduled_tasks_picked_idx on scheduled_tasks (task_name) where picked;

-- The starts counted against rate limits, each kept until its limit's interval after it ended
-- (expires_at, by the database's clock); written and pruned by claims of rate-limited types.
create table kairos_limit_start (
  limit_id   text        not null,
  limit_key  text        not null,
  expires_at timestamptz not null
);

create index kairos_limit_start_idx on kairos_limit_start (limit_id, limit_key, expires_at);

-- The limits the workers enforce, as the last worker to start declared them: read by the API and
-- the dashboard to say which jobs wait on which limit.
create table kairos_limit (
  position    int         primary key,
  name        text        not null,
  type        text        not null,
  key_pattern text,
  key_from    text,
  max_running int,
  max_starts  int,
  per_millis  bigint,
  declared_by text        not null,
  declared_at timestamptz not null default now()
);
