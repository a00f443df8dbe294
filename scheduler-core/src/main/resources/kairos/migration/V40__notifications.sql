-- Notifications: who is told when a job fails, dies, is missed, goes stale or is recovered.
--
-- kairos_job.notify holds the targets a job was created with ([{"webhook": …} | {"email": …},
-- with "events"]); targets for every job, a group or a type come from the workers' configuration.
alter table kairos_job add column notify jsonb;

-- The last notification per job and event. A notification is sent only when the previous one of
-- the same job and event is older than kairos.notifications.min-interval; the row is written in the
-- transaction that records the event, so of two concurrent events one waits for the other's
-- outcome (a storm of failures sends one notification per interval).
create table kairos_notified (
  job_id  text        not null,
  event   text        not null,  -- FAILED | DEAD | MISSED | STALE | RECOVERED
  last_at timestamptz not null,
  primary key (job_id, event)
);
create index kairos_notified_last_at_idx on kairos_notified (last_at);
