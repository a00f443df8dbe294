#!/usr/bin/env bash
# Start-up time of the stock worker and API jars: each started RUNS times, PARALLEL at once, against
# the PostgreSQL in DB (default: the local one), on an otherwise idle machine. Prints, per start,
# the JVM's uptime when Spring Boot says the application is ready (the worker then claims at once).
#
#   scripts/startup-times.sh [runs] [parallel] [extra JVM options...]
#   e.g. scripts/startup-times.sh 5 1                      # one at a time
#        scripts/startup-times.sh 1 4                      # 4 worker JVMs starting together
#        scripts/startup-times.sh 5 1 -XX:SharedArchiveFile=app.jsa
set -euo pipefail
RUNS=${1:-5}
PARALLEL=${2:-1}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
DB=${DB:-jdbc:postgresql://127.0.0.1:5432/postgres}
DB_USER=${DB_USER:-postgres}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

ready() { # log file → seconds of JVM uptime at "Started …", waiting up to 5 min
  for _ in $(seq 1 3000); do
    if grep -q "Started .*Application in" "$1" 2>/dev/null; then
      sed -nE 's/.*Started [A-Za-z]+ in [0-9.]+ seconds \(process running for ([0-9.]+)\).*/\1/p' "$1" | head -1
      return
    fi
    sleep 0.1
  done
  echo "timeout"
}

start() { # app index [JVM options...]
  local app=$1 idx=$2 jar log
  shift 2
  case "$app" in
    worker) jar="$ROOT/scheduler-worker/target/scheduler-worker-exec.jar" ;;
    api) jar="$ROOT/scheduler-api/target/scheduler-api-exec.jar" ;;
  esac
  log="$OUT/$app-$idx.log"
  KAIROS_API_KEY=startup-times-key-0123456789abcdef0123 \
    java "$@" -Xmx256m -jar "$jar" --spring.datasource.url="$DB" \
    --spring.datasource.username="$DB_USER" --server.port=0 \
    --kairos.worker.node-name="startup-$idx-$$" >"$log" 2>&1 &
  echo $! >"$OUT/$app-$idx.pid"
}

for app in worker api; do
  for run in $(seq 1 "$RUNS"); do
    for p in $(seq 1 "$PARALLEL"); do start "$app" "$run-$p" "$@"; done
    times=()
    for p in $(seq 1 "$PARALLEL"); do times+=("$(ready "$OUT/$app-$run-$p.log")"); done
    for p in $(seq 1 "$PARALLEL"); do kill "$(cat "$OUT/$app-$run-$p.pid")" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "$app run $run ($PARALLEL at once): ready after ${times[*]} s"
  done
done
