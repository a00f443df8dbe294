-- Whether a claim of job types under flow limits (io.kairos.limits) could reach a concurrency
-- limit: called by the claim's own statement, so a claim that no limit can bind takes one round
-- trip (claims are what bounds a worker's drain of short jobs; a transaction of its own, lock,
-- claim and commit, made each take three).
--
-- It takes the cluster-wide limits lock, held until the caller's transaction ends, and only then
-- counts what runs: a plain statement reads with a snapshot taken before any lock it waits for,
-- while a VOLATILE function takes a fresh snapshot for each query it runs, so two claims never
-- count the same free slot. (The claim's own rows need no such snapshot: FOR UPDATE re-reads a row
-- changed since, and skips one another claim has picked.)
--
-- The limits come as arrays, one entry per concurrency limit of the claimed types: its type, its
-- key pattern as LIKE (null for the type as a whole) and its most running. A job's key is its own
-- concurrency_key, else the value at its type's pointer into the payload (key_types, key_paths:
-- the pointer as a text[] path), the host when that is an absolute URL. True when every limit has
-- room for at_most more whatever their keys.
create function kairos_no_limit_can_bind(
  lock_name text, at_most int,
  limit_types text[], limit_patterns text[], limit_running int[],
  key_types text[], key_paths text[])
returns boolean
language plpgsql volatile
set search_path from current
as $$
declare
  fullest bigint;
begin
  perform pg_advisory_xact_lock(hashtext(lock_name));
  for i in 1 .. coalesce(array_length(limit_types, 1), 0) loop
    if limit_patterns[i] is null then
      select count(*) into fullest from scheduled_tasks t
       where t.picked and t.task_name = limit_types[i];
    else
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
      return false;
    end if;
  end loop;
  return true;
end
$$;
