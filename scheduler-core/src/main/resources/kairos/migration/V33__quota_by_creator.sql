-- Quotas per API key: the jobs a key created that are not final yet (ACTIVE or PAUSED), counted and
-- their payload sizes summed on every creation by that key. A partial index keeps that a scan of
-- the key's live jobs only, however many finished ones the table holds.
create index kairos_job_live_by_creator_idx on kairos_job (created_by)
  where state in ('ACTIVE', 'PAUSED');
