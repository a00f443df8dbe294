#!/usr/bin/env bash
# Runs integration tests of the suite on its Testcontainers path: podman's Docker-compatible API
# socket (podman system service) and the stand-in PostgreSQL image tagged postgres:16-alpine
# (compose/stand-ins/postgres), without Ryuk (containers are removed here instead).
#
#   sudo scripts/testcontainers-check.sh [MODULE [IT_CLASSES]]     # default: scheduler-worker WorkerCrashIT
#
# Everything runs in a network namespace of its own (unshare --net, lo up): the socket, the
# containers and their published ports, and the Maven build (offline: run after a build that
# downloaded the dependencies, e.g. ./mvnw -B verify). KAIROS_TEST_JDBC_URL is ignored, so
# TestDatabases picks Testcontainers; the check fails unless a PostgreSQL container really ran.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CONTAINERS_CONF="$ROOT/compose/podman/containers.conf"
MODULE="${1:-scheduler-worker}"
TESTS="${2:-WorkerCrashIT}"

if [ "${3:-}" != --inside-namespace ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root (rootful podman)" >&2; exit 1; }
  scripts/compose-check.sh --stand-ins-only
  exec unshare --net -- "$0" "$MODULE" "$TESTS" --inside-namespace
fi

ip link set lo up
SOCKET=/run/kairos-testcontainers-$$.sock
podman system service --time=0 "unix://$SOCKET" &
SERVICE=$!
remove_containers() {
  podman ps -aq --filter label=org.testcontainers=true | xargs -r podman rm -f -v >/dev/null 2>&1 || true
}
trap 'remove_containers; kill "$SERVICE" 2>/dev/null || true; rm -f "$SOCKET"' EXIT
for _ in $(seq 1 50); do
  curl -fsS --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1 && break
  sleep 0.2
done
remove_containers

unset KAIROS_TEST_JDBC_URL
export DOCKER_HOST="unix://$SOCKET"
export TESTCONTAINERS_RYUK_DISABLED=true
# Testcontainers' start-up checks would run an image (alpine) that this machine does not have.
export TESTCONTAINERS_CHECKS_DISABLE=true
LOG=/var/tmp/kairos-testcontainers-check.log
started=$(date +%s)
status=0
./mvnw -B -o -pl "$MODULE" -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$TESTS" -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  >"$LOG" 2>&1 || status=$?
grep -E 'Tests run:|Test databases are created on|BUILD|ERROR' "$LOG" | grep -v '^\[INFO\] Tests run: 0' | tail -20
# TestDatabases names the server it picked, once per test JVM.
ran="$(grep -c 'Test databases are created on: Testcontainers' "$LOG" || true)"
echo "[testcontainers-check] $TESTS in $MODULE: exit $status, $(($(date +%s) - started))s, test JVMs on a Testcontainers PostgreSQL: $ran"
[ "$status" = 0 ] || { tail -80 "$LOG"; exit "$status"; }
[ "$ran" -ge 1 ] || { echo "[testcontainers-check] FAILED: no test JVM used a Testcontainers PostgreSQL"; exit 1; }
echo "[testcontainers-check] PASSED"
