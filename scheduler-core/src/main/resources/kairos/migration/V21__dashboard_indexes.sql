-- Indexes for the dashboard's overview (io.kairos.registry.ClusterOverview), which is polled every
-- few seconds and must not scan history.

-- Executions per minute over the last hour: a range of started_at.
create index kairos_job_run_started_idx on kairos_job_run (started_at);

-- Recent recoveries: few rows, found without reading the rest of history.
create index kairos_job_run_recovered_idx on kairos_job_run (id) where recovered;

-- Stale jobs: counted for the overview, and listed in id order (keyset pages) by the jobs filter.
create index kairos_job_stale_idx on kairos_job (id) where stale_since is not null;
