-- What an attempt reported (rows deleted, an HTTP status and body excerpt, ...).
alter table kairos_job_run add column detail text;

-- Where a job was declared: 'API' (created over REST) or 'CONFIG' (kairos.jobs in a worker's
-- configuration, reconciled at start-up; never changed through the API).
alter table kairos_job add column source text not null default 'API';
create index kairos_job_source_idx on kairos_job (source) where source <> 'API';

-- Set by the stale-job watchdog while a job is overdue; cleared when it is fresh again.
alter table kairos_job add column stale_since timestamptz;

-- ShedLock's JDBC table: housekeeping that must run on one node at a time.
create table shedlock (
  name       varchar(64)  not null primary key,
  lock_until timestamp    not null,
  locked_at  timestamp    not null,
  locked_by  varchar(255) not null
);
