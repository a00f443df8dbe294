#!/usr/bin/env bash
# Crash drill against a real PostgreSQL: three worker jars and the API jar, N noop jobs of a few
# seconds posted over HTTP, one worker SIGKILLed mid-run. Prints how every job ended.
#   scripts/crash-drill.sh [jobs] [job-duration]     (defaults: 300 PT2S)
# Needs: built jars (./mvnw -B -q package -DskipTests), psql, curl, and a PostgreSQL reachable as
# PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres). Creates and drops database kairos_drill.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-300}
DURATION=${2:-PT2S}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=kairos_drill
URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB"
API_PORT=${API_PORT:-18080}
# The API's operator key (the API process reads it from the environment).
export KAIROS_API_KEY=${KAIROS_API_KEY:-$(head -c 32 /dev/urandom | base64 | tr -d "/+=")}
LOGS=target/crash-drill
mkdir -p $LOGS
psql -q -c "drop database if exists $DB" -c "create database $DB"

pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for i in 1 2 3; do
  java -jar scheduler-worker/target/scheduler-worker-exec.jar --spring.datasource.url=$URL \
    --spring.datasource.username=$PGUSER --kairos.worker.node-name=drill-w$i \
    --server.port=$((18080 + i)) > $LOGS/w$i.log 2>&1 &
  pids+=($!)
done
java -jar scheduler-api/target/scheduler-api-exec.jar --spring.datasource.url=$URL \
  --spring.datasource.username=$PGUSER --server.port=$API_PORT > $LOGS/api.log 2>&1 &
pids+=($!)

until [ "$(psql -d $DB -tAc "select count(*) from kairos.kairos_node where state='RUNNING'" 2>/dev/null || echo 0)" = 3 ] \
  && curl -sf localhost:$API_PORT/actuator/health > /dev/null; do sleep 1; done
echo "3 workers and the API are up; posting $JOBS noop jobs of $DURATION"

for n in $(seq 1 "$JOBS"); do
  curl -sf -o /dev/null -X POST localhost:$API_PORT/api/v1/jobs -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $KAIROS_API_KEY" \
    -d "{\"type\":\"noop\",\"id\":\"drill-$n\",\"payload\":{\"duration\":\"$DURATION\"}}"
done

until [ "$(psql -d $DB -tAc "select count(*) from kairos.kairos_job_run where node='drill-w1' and outcome='RUNNING'")" -gt 0 ]; do sleep 0.2; done
kill -9 "${pids[0]}"
echo "SIGKILLed drill-w1 at $(date -u +%T.%3N) while it ran jobs"

until [ "$(psql -d $DB -tAc "select count(*) from kairos.kairos_job where state in ('COMPLETED','DEAD')")" = "$JOBS" ]; do sleep 1; done

psql -d $DB -c "select count(*) as jobs, count(*) filter (where succeeded = 1) as exactly_one_success,
  count(*) filter (where succeeded > 1) as more_than_one, count(*) filter (where succeeded = 0) as none
  from (select j.id, count(r.*) filter (where r.outcome = 'SUCCEEDED') as succeeded
        from kairos.kairos_job j left join kairos.kairos_job_run r on r.job_id = j.id group by j.id) per_job"
psql -d $DB -c "select outcome, recovered, node, count(*) from kairos.kairos_job_run group by 1, 2, 3 order by 1, 2, 3"
