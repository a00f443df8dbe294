-- A job's own concurrency key (io.kairos.limits): flow limits per key apply to it before any key
-- read from the payload. Claims of limited types read it from the job row they already join, so
-- it needs no index of its own.
alter table kairos_job add column concurrency_key text;
