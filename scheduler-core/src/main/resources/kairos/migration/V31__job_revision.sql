-- An id can be given a new definition whole (PUT /api/v1/jobs/{id}), also after its job finished.
-- Each definition an id has had is a revision: 1 when created, + 1 per replacement. History keeps
-- every revision's attempts, each row marked with the revision it ran, so the runs of the job as it
-- is now can be told from those of the job it replaced.
alter table kairos_job add column revision int not null default 1;
alter table kairos_job_run add column revision int not null default 1;
