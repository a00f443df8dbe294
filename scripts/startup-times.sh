#!/usr/bin/env bash
# Start-up time of the stock worker and API jars: each started RUNS times, PARALLEL at once, against
# the PostgreSQL in DB (default: the local one), on an otherwise idle machine. Prints, per start,
# the JVM's uptime when Spring Boot says the application is ready and the CPU time (user + system,
# all threads) the JVM had used by then. The worker's scheduler starts, and polls for its first
# claims, on the context's refresh, just before that line: the time printed is an upper bound of
# when it first claims.
#
# The JVMs start with the images' start-up options (JVM_START, default -XX:TieredStopAtLevel=1: the
# C1 compiler only, see docs/operations.md "Start-up"); JVM_START= measures without them. APPS
# (default "worker api") says which jars to start.
#
#   scripts/startup-times.sh [runs] [parallel] [extra JVM options...]
#   e.g. scripts/startup-times.sh 5 1                      # one at a time
#        scripts/startup-times.sh 1 4                      # 4 worker JVMs starting together
#        CDS=true scripts/startup-times.sh 5 1             # the extracted jars of ./mvnw -Pcds package,
#                                                          # with their class-data sharing archives
#        TOGETHER="worker worker api worker" scripts/startup-times.sh 5
#                                                          # those JVMs started together, 5 times
#        APPS=worker JVM_START= scripts/startup-times.sh 5 1   # the worker only, without the options
set -euo pipefail
RUNS=${1:-5}
PARALLEL=${2:-1}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
DB=${DB:-jdbc:postgresql://127.0.0.1:5432/postgres}
DB_USER=${DB_USER:-postgres}
CDS=${CDS:-false}
JVM_START=${JVM_START--XX:TieredStopAtLevel=1}
APPS=${APPS:-worker api}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

ready() { # log file, pid → "uptime s, CPU s" when Spring Boot says "Started …", waiting up to 5 min
  for _ in $(seq 1 3000); do
    if grep -q "Started .*Application in" "$1" 2>/dev/null; then
      local cpu
      cpu=$(awk -v tck="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / tck}' "/proc/$2/stat")
      echo "$(sed -nE 's/.*Started [A-Za-z]+ in [0-9.]+ seconds \(process running for ([0-9.]+)\).*/\1/p' "$1" | head -1) s (CPU ${cpu} s)"
      return
    fi
    sleep 0.1
  done
  echo "timeout"
}

start() { # app index [JVM options...]
  local app=$1 idx=$2 jar log cds=()
  shift 2
  jar="$ROOT/scheduler-$app/target/scheduler-$app-exec.jar"
  if [ "$CDS" = true ]; then
    jar="$ROOT/scheduler-$app/target/cds/scheduler-$app-exec.jar"
    cds=("-XX:SharedArchiveFile=$ROOT/scheduler-$app/target/cds/scheduler-$app.jsa")
  fi
  log="$OUT/$app-$idx.log"
  KAIROS_API_KEY=startup-times-key-0123456789abcdef0123 \
    java "${cds[@]}" $JVM_START "$@" -Xmx256m -jar "$jar" --spring.datasource.url="$DB" \
    --spring.datasource.username="$DB_USER" --server.port=0 \
    --kairos.worker.node-name="startup-$idx-$$" >"$log" 2>&1 &
  echo $! >"$OUT/$app-$idx.pid"
}

measure() { # run "app app …" [JVM options...] — starts them together, prints each one's time
  local run=$1 apps=($2) i times=()
  shift 2
  for i in "${!apps[@]}"; do start "${apps[$i]}" "$run-$i" "$@"; done
  for i in "${!apps[@]}"; do
    times+=("${apps[$i]} $(ready "$OUT/${apps[$i]}-$run-$i.log" "$(cat "$OUT/${apps[$i]}-$run-$i.pid")")")
  done
  for i in "${!apps[@]}"; do kill "$(cat "$OUT/${apps[$i]}-$run-$i.pid")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "run $run (${#apps[@]} at once): ready after: $(IFS=';'; echo "${times[*]}")"
}

if [ -n "${TOGETHER:-}" ]; then
  for run in $(seq 1 "$RUNS"); do measure "$run" "$TOGETHER" "$@"; done
  exit
fi
for app in $APPS; do
  for run in $(seq 1 "$RUNS"); do
    measure "$app-$run" "$(printf "$app %.0s" $(seq 1 "$PARALLEL"))" "$@"
  done
done
