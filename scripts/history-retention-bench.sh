#!/usr/bin/env bash
# What retention costs on history (kairos_job_run): deleting a day of attempts row by row (as
# housekeeping did before history was partitioned: batches of 1000, each committed) against
# dropping that day's partition (as it does now), on two databases holding the same history:
# ROWS attempts of one UTC day 20 days ago (1,000 of them of 100 dead jobs, which both keep) and
# 300,000 of the last 5 days, retention 14 days. Prints the disk bytes per history row, the time
# and WAL bytes of each way, the time V52 took to partition the populated table, and, with
# DRAIN=1, what 4 clients writing history at full speed saw while each ran (transactions and
# slowest write per second, pgbench). WAL is counted for the whole server: use one nobody else
# writes to.
#
#   PGHOST=127.0.0.1 PGPORT=5499 PGUSER=postgres scripts/history-retention-bench.sh [rows]
#   e.g. DRAIN=1 scripts/history-retention-bench.sh 1500000
set -euo pipefail
ROWS=${1:-1500000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MIGRATIONS=$ROOT/scheduler-core/src/main/resources/kairos/migration
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
P="psql -X -q -v ON_ERROR_STOP=1"
RETENTION=1209600 # 14 days, in seconds

migrate() { # database, highest version
  for f in $(ls "$MIGRATIONS"/V*.sql | sort -t V -k2 -n); do
    v=$(basename "$f" | sed 's/^V\([0-9]*\)__.*/\1/')
    [ "$v" -le "$2" ] || continue
    (echo "set search_path to kairos;"; cat "$f") | $P -1 -d "$1"
  done
}

populate() { # database
  dropdb --if-exists "$1"
  createdb "$1"
  $P -d "$1" -c "create schema kairos"
  migrate "$1" 50
  $P -d "$1" <<SQL
insert into kairos.kairos_job (id, type, payload, max_attempts, priority, request_hash, state, finished_at)
  select 'dead-' || n, 'http', '{}', 3, 0, 'h', 'DEAD', now() - interval '15 days' from generate_series(1, 100) n;
insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error, detail)
  select case when n <= 1000 then 'dead-' || (n % 100 + 1) else 'job-' || (n % 20000) end, 'http', t, t,
         t + interval '1 second', 'worker-' || (n % 4), 1, case when n % 50 = 0 then 'FAILED' else 'SUCCEEDED' end,
         case when n % 50 = 0 then 'HTTP 500 from upstream' end, 'HTTP 200, 1234 bytes'
  from (select n, (((now() at time zone 'UTC')::date - 20)::timestamp at time zone 'UTC')
                  + (n::double precision / $ROWS) * interval '86399 seconds' as t
        from generate_series(1, $ROWS) n) s;
insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, detail)
  select 'job-' || (n % 20000), 'http', t, t, t + interval '1 second', 'worker-' || (n % 4), 1, 'SUCCEEDED', 'HTTP 200, 1234 bytes'
  from (select n, now() - (n::double precision / 300000) * interval '5 days' as t from generate_series(1, 300000) n) s;
SQL
}

cat > "$WORK/row-wise.sql" <<SQL
do \$\$
declare n int;
begin
  loop
    delete from kairos.kairos_job_run where id = any(array(select id from kairos.kairos_job_run where
      finished_at < now() - make_interval(secs => $RETENTION) and not exists (select 1 from kairos.kairos_job j
      where j.id = kairos.kairos_job_run.job_id and j.state = 'DEAD') limit 1000));
    get diagnostics n = row_count;
    commit;
    exit when n < 1000;
  end loop;
end \$\$;
SQL
cat > "$WORK/partition.sql" <<SQL
select kairos.kairos_job_run_drop_partition((now() at time zone 'UTC')::date - 20);
delete from kairos.kairos_job_run_default where id = any(array(select id from kairos.kairos_job_run_default
  where finished_at < now() - make_interval(secs => $RETENTION) and not exists (select 1 from kairos.kairos_job j
  where j.id = kairos.kairos_job_run_default.job_id and j.state = 'DEAD') limit 1000));
SQL
echo "insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, detail) values ('drain-' || :client_id, 'http', now(), now(), clock_timestamp(), 'w', 1, 'SUCCEEDED', 'HTTP 200, 1234 bytes');" > "$WORK/write.sql"

size() { # database
  $P -At -d "$1" -c "select count(*) || ' rows, ' || round(bytes / count(*)) || ' bytes per row on disk (pg_total_relation_size of the table or its partitions, indexes included)' from kairos.kairos_job_run, (select sum(pg_total_relation_size(c.oid)) as bytes from pg_class c where c.oid = 'kairos.kairos_job_run'::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = 'kairos.kairos_job_run'::regclass)) s group by bytes"
}

prune() { # database, script
  $P -d "$1" -c "vacuum analyze" -c "checkpoint"
  before=$($P -At -d "$1" -c "select pg_current_wal_lsn()")
  if [ "${DRAIN:-0}" = 1 ]; then
    (cd "$WORK" && rm -f pgbench_log.* && pgbench -n -c 4 -j 2 -T 30 -f write.sql -l --aggregate-interval=1 "$1" > pgbench.out 2>&1) &
    sleep 10
  fi
  start=$(date +%s%N)
  $P -d "$1" -f "$2" > /dev/null
  end=$(date +%s%N)
  echo "  $(( (end - start) / 1000000 )) ms, $($P -At -d "$1" -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$before')") WAL bytes (the drain's own writes included with DRAIN=1)"
  if [ "${DRAIN:-0}" = 1 ]; then
    wait
    echo "  writers: $(grep -E '^tps' "$WORK/pgbench.out" | head -1); per second from the start (the prune began at 10 s):"
    cat "$WORK"/pgbench_log.* | awk '{t[$1]+=$2; if ($6/1000 > m[$1]) m[$1]=$6/1000} END {for (k in t) print k, t[k], m[k]}' \
      | sort -n | awk 'NR==1{s=$1} {printf "    %2d s: %5d writes, slowest %.0f ms\n", $1-s, $2, $3}'
  fi
  echo "  left: $($P -At -d "$1" -c "select count(*) from kairos.kairos_job_run") rows"
}

echo "Row by row (history unpartitioned, as up to V50):"
populate kairos_retention_rows
size kairos_retention_rows | sed 's/^/  /'
prune kairos_retention_rows "$WORK/row-wise.sql"

echo "Dropping the day's partition (V52):"
populate kairos_retention_days
start=$(date +%s%N)
(echo "set search_path to kairos;"; cat "$MIGRATIONS"/V52__*.sql) | $P -1 -d kairos_retention_days
echo "  V52 partitioned the populated table in $(( ($(date +%s%N) - start) / 1000000 )) ms"
size kairos_retention_days | sed 's/^/  /'
prune kairos_retention_days "$WORK/partition.sql"
