-- Whether a claim of job types under flow limits (io.kairos.limits) could reach a limit: called
-- by the claim's own statement, so a claim that no limit can bind takes one round
-- trip (claims are what bounds a worker's drain of short jobs; a transaction of its own, lock,
-- claim and commit, made each take three).
--
-- It takes the cluster-wide limits lock, held until the caller's transaction ends, and only then
-- counts what runs: a plain statement reads with a snapshot taken before any lock it waits for,
-- while a VOLATILE function takes a fresh snapshot for each query it runs, so two claims never
-- count the same free slot. (The claim's own rows need no such snapshot: FOR UPDATE re-reads a row
-- changed since, and skips one another claim has picked.)
--
-- The limits come as arrays, one entry per concurrency limit of the claimed types (its type, its
-- key pattern as LIKE, null for the type as a whole, and its most running) and one per rate limit
-- (its id in kairos_limit_start and its most starts per interval). A job's key is its own
-- concurrency_key, else the value at its type's pointer into the payload (key_types, key_paths:
-- the pointer as a text[] path), the host when that is an absolute URL. Returns the database's time
-- just after the lock when every concurrency limit has room for at_most more whatever their keys,
-- and every rate limit room for twice that and what started (the claim then logs its starts
-- itself, in bulk); null when a limit could bind.
create function kairos_lock_if_no_limit_can_bind(
  lock_name text, at_most int,
  limit_types text[], limit_patterns text[], limit_running int[],
  rate_ids text[], rate_starts int[],
  key_types text[], key_paths text[])
returns timestamptz
language plpgsql volatile
set search_path from current
as $$
declare
  locked timestamptz;
  fullest bigint;
begin
  perform pg_advisory_xact_lock(hashtext(lock_name));
  locked := clock_timestamp();
  for i in 1 .. coalesce(array_length(limit_types, 1), 0) loop
    -- What runs of the type bounds what runs of any one key: only near the limit are keys read.
    select count(*) into fullest from scheduled_tasks t
     where t.picked and t.task_name = limit_types[i];
    if limit_patterns[i] is not null and fullest + at_most > limit_running[i] then
      select coalesce(max(f.n), 0) into fullest from (
        select count(*) as n from scheduled_tasks t
          left join kairos_job j on j.id = t.task_instance
          cross join lateral (select coalesce(j.concurrency_key,
            (select coalesce(lower(substring(v.v from
                      '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)')), v.v)
               from (select j.payload #>> key_paths[array_position(key_types, t.task_name)]::text[]
                     as v) v)) as key) k
         where t.picked and t.task_name = limit_types[i] and k.key like limit_patterns[i]
         group by k.key) f;
    end if;
    if fullest + at_most > limit_running[i] then
      return null;
    end if;
  end loop;
  for i in 1 .. coalesce(array_length(rate_ids, 1), 0) loop
    select coalesce(max(f.n), 0) into fullest from (
      select sum(s.starts) as n from kairos_limit_start s
       where s.limit_id = rate_ids[i] and s.expires_at > locked group by s.limit_key) f;
    if 2 * (fullest + at_most) > rate_starts[i] then
      return null;
    end if;
  end loop;
  return locked;
end
$$;
