-- The audit trail: who changed what through the API or the dashboard, and who signed in (or
-- failed to). Rows are appended, never changed: an update is refused by the trigger below; only
-- the API's retention deletes rows, oldest first.
create table kairos_audit (
  id         bigserial   primary key,
  at         timestamptz not null default now(),
  actor      text        not null,  -- the API key's name; "(unknown key)" for a failed sign-in
  channel    text        not null,  -- API | DASHBOARD
  session    text,                  -- dashboard only: a digest of the session id, never the id
  address    text,                  -- the caller's address as the API saw it
  action     text        not null,  -- job.create, job.pause, cluster.pause, sign-in, …
  target     text,                  -- the job, group, type, credential… it acted on
  before     jsonb,                 -- a summary of the target before the change (never a secret)
  after      jsonb                  -- … and after it
);
create index kairos_audit_at_idx on kairos_audit (at);
create index kairos_audit_actor_idx on kairos_audit (actor, id);
create index kairos_audit_target_idx on kairos_audit (target, id);

create function kairos_audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'kairos_audit is append-only';
end
$$;
create trigger kairos_audit_append_only before update on kairos_audit
  for each row execute function kairos_audit_append_only();
