#!/usr/bin/env bash
# The Compose check: runs docker-compose.yml for real, with podman and podman-compose, and checks the
# demo end to end (docs/operations.md, "The Compose demo").
#
#   ./mvnw -B -pl scheduler-worker,scheduler-api -am package -DskipTests   # the jars, if not built
#   sudo scripts/compose-check.sh                  # images, then the cluster and its checks
#   sudo scripts/compose-check.sh --images-only    # the images alone
#
# 1. Images (on the machine's network, as image builds need Debian's archive and Maven Central):
#    a Debian bookworm base made with debootstrap, the stand-ins of compose/stand-ins/ tagged with
#    the names the compose file uses, and Kairos's images from their Dockerfiles with the jars of the
#    reactor build (JAR_SOURCE=reactor). Present images are reused; a stand-in is rebuilt when its
#    directory changes.
# 2. The cluster, in a network namespace of its own (unshare --net, lo up), where podman's bridge,
#    every container address and the published ports live and die with this script: up, the
#    checks, down and up again (the database volume keeps the jobs), down.
#
# Needs root, podman, podman-compose, runc, debootstrap, python3, curl (scripts/podman-setup.sh
# installs them). Containers run with runc and explicit ulimits (compose/podman/containers.conf).
# KAIROS_COMPOSE_KEEP=true leaves the cluster up (in its namespace, until this script is ended)
# when a check fails, to look into; logs of every container are printed on failure anyway.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CONTAINERS_CONF="$ROOT/compose/podman/containers.conf"
# Docker's image format: OCI images have no HEALTHCHECK.
export BUILDAH_FORMAT=docker
PROJECT=kairos
COMPOSE=(podman-compose -p "$PROJECT" -f docker-compose.yml)
BASE=localhost/kairos-stand-in/debian:bookworm
started=$(date +%s)

say() { printf '[compose-check %3ss] %s\n' "$(($(date +%s) - started))" "$*"; }
fail() {
  say "FAILED: $*"
  # What Prometheus last answered, when its check is the one that failed.
  if [ -f "/tmp/kairos-compose-up.$$" ]; then say "Prometheus's last up: $(cat "/tmp/kairos-compose-up.$$")"; fi
  exit 1
}

# ---------------------------------------------------------------------------------------------
# 1. Images
# ---------------------------------------------------------------------------------------------

# A stand-in's content hash, kept as a label: an image whose label matches is up to date.
stand_in_hash() {
  (cd "compose/stand-ins/$1" && find . -path ./target -prune -o -type f -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

image_label() {
  podman image inspect --format '{{index .Labels "io.kairos.stand-in.hash"}}' "$1" 2>/dev/null || true
}

base_image() {
  if podman image exists "$BASE"; then
    return
  fi
  say "making the Debian base image (debootstrap --variant=minbase bookworm)"
  local rootfs
  rootfs="$(mktemp -d /var/tmp/kairos-rootfs.XXXXXX)"
  debootstrap --variant=minbase bookworm "$rootfs" "${KAIROS_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE" >/dev/null
  rm -rf "$rootfs"
}

# stand_in DIRECTORY TAG...: builds compose/stand-ins/DIRECTORY unless TAG has its current hash.
stand_in() {
  local dir="$1" first="$2" hash tag
  shift
  hash="$(stand_in_hash "$dir")"
  if [ "$(image_label "$first")" = "$hash" ]; then
    return
  fi
  say "building stand-in $first"
  if [ "$dir" = oauth ]; then
    ./mvnw -B -q -f compose/stand-ins/oauth/pom.xml dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib
  fi
  podman build -q --network=host --label "io.kairos.stand-in.hash=$hash" -t "$first" \
    "compose/stand-ins/$dir" >/dev/null
  for tag in "$@"; do
    podman tag "$first" "$tag"
  done
}

kairos_images() {
  for jar in scheduler-worker/target/scheduler-worker-exec.jar scheduler-api/target/scheduler-api-exec.jar; do
    [ -f "$jar" ] || fail "$jar is missing: ./mvnw -B -pl scheduler-worker,scheduler-api -am package -DskipTests"
  done
  say "building Kairos's images from scheduler-worker/Dockerfile and scheduler-api/Dockerfile"
  # The compose file's own build sections, with the jars of the reactor build.
  # podman-compose 1.0.3 goes on after a failed build, so the images are removed first and looked
  # for after: a stale image must not stand in for one that failed to build.
  podman rmi -f "${PROJECT}_worker" "${PROJECT}_api" >/dev/null 2>&1 || true
  KAIROS_API_KEY=unused "${COMPOSE[@]}" build --build-arg JAR_SOURCE=reactor >/dev/null \
    || fail "podman-compose build failed"
  for service in worker api; do
    podman image exists "${PROJECT}_${service}" \
      || fail "the $service image was not built (podman build failed above)"
  done
}

images() {
  base_image
  stand_in temurin-jre docker.io/library/eclipse-temurin:17-jre
  stand_in postgres docker.io/library/postgres:16 docker.io/library/postgres:16-alpine
  stand_in mailpit docker.io/axllent/mailpit:v1.30.5
  stand_in oauth ghcr.io/navikt/mock-oauth2-server:5.0.2
  stand_in prometheus docker.io/prom/prometheus:v3.5.0
  kairos_images
  say "images ready"
}

# ---------------------------------------------------------------------------------------------
# 2. The cluster, inside this script's own network namespace
# ---------------------------------------------------------------------------------------------

AUTH=()
api() {
  local path="$1"
  shift
  curl -sS --max-time 10 -H "${AUTH[0]}" -H 'Content-Type: application/json' "$@" \
    "http://127.0.0.1:8080$path"
}

# json EXPRESSION: evaluates a Python expression on the JSON document read from stdin (as d).
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# until_true SECONDS WHAT COMMAND...: retries COMMAND every 2 s until it succeeds.
until_true() {
  local seconds="$1" what="$2" deadline=$(($(date +%s) + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what: not within ${seconds}s"
    sleep 2
  done
}

healthy() { podman healthcheck run "${PROJECT}_$1" >/dev/null 2>&1; }

# podman-compose does not wait for "condition: service_healthy": do what it asks by starting the
# services in the compose file's dependency order, each group once the previous one is healthy
# (podman runs healthchecks on request only without systemd).
cluster_up() {
  compose up -d postgres mailpit oauth
  for s in postgres_1 mailpit_1 oauth_1; do until_true 300 "$s healthy" healthy "$s"; done
  compose up -d worker api
  until_true 900 "api healthy" healthy api_1
  for s in worker_1 worker_2 worker_3; do until_true 300 "$s healthy" healthy "$s"; done
  compose up -d prometheus
  until_true 60 "prometheus healthy" healthy prometheus_1
}

# podman-compose's own output goes to a log, shown when a check fails.
COMPOSE_LOG=/var/tmp/kairos-compose-check.log
compose() { "${COMPOSE[@]}" --no-ansi "$@" >>"$COMPOSE_LOG" 2>&1; }
cluster_down() { compose down -t 40 || true; }

dump_logs() {
  echo "----- podman-compose"
  tail -40 "$COMPOSE_LOG"
  for c in $(podman ps -a --format '{{.Names}}' --filter "label=io.podman.compose.project=$PROJECT"); do
    echo "----- $c"
    podman logs --tail 60 "$c" 2>&1 || true
  done
}

job_outcome() { api "/api/v1/jobs/$1/runs" | json "' '.join(str(r['outcome']) for r in d['items'])"; }
succeeded() { job_outcome "$1" | grep -q SUCCEEDED; }
runs_of() { api "/api/v1/jobs/$1/runs" | json "[(r['attempt'], r['outcome'], r['node'], r['recovered'], r['detail']) for r in d['items']]"; }

check_nodes() {
  local n
  n="$(api /api/v1/nodes | json "len([x for x in d if x['state'] == 'ALIVE'])")"
  [ "$n" = 3 ]
}

check_prometheus() {
  local q
  q="$(curl -sS --max-time 10 'http://127.0.0.1:9090/api/v1/query?query=up')" || return 1
  echo "$q" | json "sorted((r['metric']['job'], r['metric']['instance'], r['value'][1]) for r in d['data']['result'])" >/tmp/kairos-compose-up.$$
  [ "$(echo "$q" | json "sum(1 for r in d['data']['result'] if r['metric']['job'] == 'kairos-api' and r['value'][1] == '1')")" = 1 ] &&
    [ "$(echo "$q" | json "sum(1 for r in d['data']['result'] if r['metric']['job'] == 'kairos-worker' and r['value'][1] == '1')")" = 3 ]
}

mail_with_subject() {
  curl -sS --max-time 10 http://127.0.0.1:8025/api/v1/messages | grep -q "$1"
}

checks() {
  local at node killed_id
  say "API healthy; workers: $(api /api/v1/nodes | json "', '.join(x['name'] + ' ' + x['state'] for x in d)")"
  until_true 60 "three workers ALIVE" check_nodes
  say "OK three workers registered"

  # An e-mail job, due now, delivered to the SMTP sink.
  api /api/v1/jobs -X POST -f -o /dev/null -d '{"type": "email", "id": "check-email",
      "payload": {"to": ["Ann <ann@example.com>"], "subject": "Compose check e-mail",
                  "text": "Sent by scripts/compose-check.sh"}}'
  until_true 90 "check-email SUCCEEDED" succeeded check-email
  until_true 20 "e-mail in Mailpit" mail_with_subject "Compose check e-mail"
  say "OK e-mail delivered: $(runs_of check-email | head -c 200)"

  # An OAuth credential, refreshed against the mock server, used by a webhook job.
  api /api/v1/oauth/credentials -X POST -f -o /dev/null -d '{"id": "check",
      "tokenEndpoint": "http://oauth:8080/default/token", "grantType": "client_credentials",
      "clientId": "kairos", "clientSecret": "check-secret",
      "allowedTargets": ["http://mailpit:8025/api/"]}'
  until_true 60 "oauth-refresh:check SUCCEEDED" succeeded oauth-refresh:check
  say "OK credential refreshed: $(runs_of oauth-refresh:check | head -c 200)"
  api /api/v1/jobs -X POST -f -o /dev/null -d '{"type": "webhook", "id": "check-webhook",
      "payload": {"url": "http://mailpit:8025/api/v1/send", "auth": {"oauthCredential": "check"},
        "body": {"From": {"Email": "kairos@kairos.example"}, "To": [{"Email": "bob@example.com"}],
                 "Subject": "Compose check webhook", "Text": "Sent by a webhook"}}}'
  until_true 60 "check-webhook SUCCEEDED" succeeded check-webhook
  until_true 20 "webhook's message in Mailpit" mail_with_subject "Compose check webhook"
  local bearer
  bearer="$(podman logs "${PROJECT}_mailpit_1" 2>&1 | grep 'POST /api/v1/send: bearer token' | tail -1)"
  echo "$bearer" | grep -q '"iss": "http://oauth:8080/default"' \
    || fail "the webhook brought no bearer token issued by the mock OAuth server: '$bearer'"
  say "OK webhook sent with the credential's token; Mailpit saw: ${bearer#*: }"

  # Prometheus scrapes the API and every worker.
  until_true 120 "Prometheus up == 1 for the API and 3 workers" check_prometheus
  say "OK Prometheus up: $(cat /tmp/kairos-compose-up.$$)"
  rm -f /tmp/kairos-compose-up.$$
  rules="$(curl -sS --max-time 10 'http://127.0.0.1:9090/api/v1/rules' \
    | json "sum(len(g['rules']) for g in d['data']['groups'])")" || fail "Prometheus rules unreadable"
  [ "${rules:-0}" -gt 0 ] || fail "Prometheus loaded no alert rules"
  say "OK Prometheus loaded ${rules} alert rules"

  # A worker container killed (SIGKILL) while it runs a job; another one runs it again.
  api /api/v1/jobs -X POST -f -o /dev/null -d '{"type": "noop", "id": "check-long",
      "payload": {"duration": "PT30S"}}'
  running_on() { node="$(api /api/v1/jobs/check-long | json "d.get('runningOn') or ''")" && [ -n "$node" ]; }
  until_true 30 "check-long running" running_on
  running_on
  killed_id="${node%%-*}"
  podman kill "$killed_id" >/dev/null
  say "killed worker container $killed_id (node $node) while it ran check-long"
  recovered() {
    [ "$(api /api/v1/jobs/check-long/runs | json "len([r for r in d['items'] if r['recovered'] and r['node'] != '$node'])")" -ge 1 ]
  }
  until_true 90 "check-long recovered by another worker" recovered
  say "OK recovered: $(runs_of check-long)"

  # down, then up again: the database volume keeps the jobs.
  cluster_down
  say "down; up again"
  cluster_up
  [ "$(api /api/v1/jobs/check-email | json "d['id']")" = check-email ] \
    || fail "check-email is gone after down and up"
  say "OK after down and up the jobs are still there: $(api '/api/v1/jobs?limit=20' | json "', '.join(j['id'] + ' ' + j['state'] for j in d['items'])")"
}

inside_namespace() {
  ip link set lo up
  export KAIROS_API_KEY="check-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  export KAIROS_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)"
  export KAIROS_WEBHOOK_SIGNING_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
  AUTH=("Authorization: Bearer $KAIROS_API_KEY")
  : >"$COMPOSE_LOG"
  # A clean start: no containers or database volume of an earlier run.
  cluster_down
  podman volume rm -f "${PROJECT}_kairos-db" >/dev/null 2>&1 || true
  local result=0
  say "up (network namespace of its own)"
  (cluster_up && checks) || result=$?
  if [ "$result" != 0 ]; then
    dump_logs
    if [ "${KAIROS_COMPOSE_KEEP:-false}" = true ]; then
      say "left up (KAIROS_COMPOSE_KEEP=true); end this script to tear it down"
      sleep infinity
    fi
  fi
  cluster_down
  podman volume rm -f "${PROJECT}_kairos-db" >/dev/null 2>&1 || true
  [ "$result" = 0 ] || fail "see the logs above"
  say "PASSED"
}

if [ "${1:-}" = --inside-namespace ]; then
  started="$2"
  inside_namespace
  exit 0
fi
[ "$(id -u)" = 0 ] || fail "run as root (rootful podman in a network namespace of its own)"
if [ "${1:-}" = --stand-ins-only ]; then # what scripts/testcontainers-check.sh needs
  base_image
  stand_in postgres docker.io/library/postgres:16 docker.io/library/postgres:16-alpine
  exit 0
fi
images
[ "${1:-}" != --images-only ] || exit 0
exec unshare --net -- "$0" --inside-namespace "$started"
