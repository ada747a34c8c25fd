#!/usr/bin/env bash
# docker/test.sh: proves docker/ by running it. Run from anywhere after `mvn verify` (it needs proxy/target/rosetta.jar);
# .ci/run calls it. It installs what it needs with apt (docker.io, debootstrap, docker-compose, prometheus), makes a
# JRE 17 base image from Debian packages (no container registry is reachable), starts its own loopback-only Docker
# daemon, and checks the image, the observability files and the compose stack. Everything it starts is stopped by
# pid at the end; it prints `N passed, M failed` last and exits 1 on any failure.
#
# Environment: ROSETTA_DOCKER_WORK (default /tmp/rosetta-docker) holds the daemon's data (images are kept between
# runs) and logs; ROSETTA_DOCKER_KEEP=1 leaves the daemon running for a look afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${ROSETTA_DOCKER_WORK:-/tmp/rosetta-docker}
mkdir -p "$work/logs"
started=$(date +%s)
passed=0
failed=0
failures=()

say() { printf '[docker/test %3ds] %s\n' "$(($(date +%s) - started))" "$*"; }
pass() { passed=$((passed + 1)); say "PASS $1"; }
fail() {
  failed=$((failed + 1)); failures+=("$1"); say "FAIL $1"
  [ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/    | /' "$2" | tail -40
}
# check NAME COMMAND...: runs the command, its output kept in a log shown on failure
check() {
  local name=$1; shift
  local log="$work/logs/check-$((passed + failed + 1)).log"
  if "$@" >"$log" 2>&1; then pass "$name"; else fail "$name" "$log"; fi
}
# eventually SECONDS COMMAND...: retries the command until it succeeds or the time is up (waits on a condition)
eventually() {
  local deadline=$(($(date +%s) + $1)); shift
  until "$@"; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 1
  done
}
finish() {
  say "${passed} passed, ${failed} failed"
  for f in "${failures[@]}"; do say "  failed: $f"; done
  [ "$failed" -eq 0 ]
}

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    say "the Docker daemon needs root: run as root or with password-less sudo"; fail "privileges"; finish; exit 1
  fi
fi

# ---- what the checks need --------------------------------------------------------------------------------------
jar=proxy/target/rosetta.jar
if [ ! -f "$jar" ]; then
  say "$jar is missing: run mvn verify (or mvn -DskipTests install) first"; fail "rosetta.jar built"; finish; exit 1
fi
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v promtool >/dev/null || need+=(prometheus)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} with apt"
  # a package's service must not start here (there is no init system): policy-rc.d says no
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod +x /usr/sbin/policy-rc.d
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
      >"$work/logs/apt.log" 2>&1; then
    fail "apt-get install ${need[*]}" "$work/logs/apt.log"; finish; exit 1
  fi
  # Debian's prometheus package may start its server anyway; this test runs its own
  $sudo pkill -x prometheus 2>/dev/null || true
fi

say "fetching the stack's Kafka and Apicurio from Maven Central (docker/stack/pom.xml)"
if ! mvn -B -ntp -q -f docker/stack/pom.xml package >"$work/logs/stack-mvn.log" 2>&1; then
  fail "mvn -f docker/stack/pom.xml package" "$work/logs/stack-mvn.log"; finish; exit 1
fi

# ---- a Docker daemon of our own, loopback only ----------------------------------------------------------------
sock="$work/docker.sock"
export DOCKER_HOST="unix://$sock"
dockerd_pid=""
prom_pid=""
cleanup() {
  set +e
  if [ -n "$prom_pid" ]; then kill "$prom_pid" 2>/dev/null; wait "$prom_pid" 2>/dev/null; fi
  if [ -n "$dockerd_pid" ]; then
    docker-compose -f docker/compose.yaml -p rosetta-test down -v --remove-orphans >/dev/null 2>&1
    docker rm -f rt-rosetta rt-kafka rt-registry >/dev/null 2>&1
    docker volume rm rt-data >/dev/null 2>&1
    if [ "${ROSETTA_DOCKER_KEEP:-0}" = 1 ]; then
      say "the daemon keeps running (ROSETTA_DOCKER_KEEP=1): DOCKER_HOST=$DOCKER_HOST, pid $dockerd_pid"
    else
      $sudo kill "$dockerd_pid" 2>/dev/null
      for _ in $(seq 1 30); do $sudo kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting dockerd (loopback only: no bridge, no iptables) with its data in $work/data"
$sudo dockerd --data-root "$work/data" --exec-root "$work/exec" -H "$DOCKER_HOST" --pidfile "$work/docker.pid" \
  --bridge=none --iptables=false --ip-forward=false --ip-masq=false >"$work/logs/dockerd.log" 2>&1 &
dockerd_pid=$!
if ! eventually 60 docker version >/dev/null 2>&1; then
  fail "dockerd starts" "$work/logs/dockerd.log"; finish; exit 1
fi
$sudo chmod 666 "$sock" 2>/dev/null || true

# ---- images ----------------------------------------------------------------------------------------------------
base=rosetta-base:bookworm-jre17
if ! docker image inspect "$base" >/dev/null 2>&1; then
  say "making the base image $base from Debian packages (debootstrap, about 3 minutes)"
  root="$work/rootfs"
  $sudo rm -rf "$root"
  if $sudo debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$root" \
      http://deb.debian.org/debian >"$work/logs/debootstrap.log" 2>&1; then
    echo 'rosetta:x:10001:10001::/nonexistent:/usr/sbin/nologin' | $sudo tee -a "$root/etc/passwd" >/dev/null
    echo 'rosetta:x:10001:' | $sudo tee -a "$root/etc/group" >/dev/null
    $sudo rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
    $sudo tar -C "$root" -c . | docker import - "$base" >"$work/logs/import.log" 2>&1
    $sudo rm -rf "$root"
  fi
fi
check "base image $base made from Debian packages" docker image inspect "$base"

printed_version=$(java -jar "$jar" --version)   # rosetta 0.1.0 (commit 1a2b3c4)
version=$(echo "$printed_version" | awk '{print $2}')
revision=$(echo "$printed_version" | sed -n 's/.*commit \([0-9a-f]*\).*/\1/p')
say "building rosetta:test ($version, $revision), rosetta-stack/kafka:test, rosetta-stack/registry:test"
check "docker build docker/Dockerfile" \
  docker build -q -f docker/Dockerfile -t rosetta:test --build-arg BASE_IMAGE="$base" \
    --build-arg VERSION="$version" --build-arg REVISION="$revision" .
check "docker build docker/stack/kafka" \
  docker build -q -f docker/stack/kafka/Dockerfile -t rosetta-stack/kafka:test --build-arg BASE_IMAGE="$base" docker/stack
check "docker build docker/stack/registry" \
  docker build -q -f docker/stack/registry/Dockerfile -t rosetta-stack/registry:test --build-arg BASE_IMAGE="$base" docker/stack

# ---- the image on its own ---------------------------------------------------------------------------------------
help_lists_commands() { docker run --rm --network host rosetta:test --help | grep -q 'Usage: rosetta'; }
check "rosetta --help in the image" help_lists_commands

labels_match_version() {
  local printed label_version label_revision
  printed=$(docker run --rm --network host rosetta:test --version)
  label_version=$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' rosetta:test)
  label_revision=$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.revision"}}' rosetta:test)
  echo "rosetta --version: $printed; labels: version=$label_version revision=$label_revision"
  [ -n "$label_version" ] && [ "$label_version" != development ] && [[ "$printed" == *"$label_version"* ]] &&
    [ -n "$label_revision" ] && [[ "$printed" == *"$label_revision"* ]]
}
check "rosetta --version matches the image's OCI labels" labels_match_version

registry_url=http://127.0.0.1:8081/apis/ccompat/v7
admin=http://127.0.0.1:19080
say "starting Rosetta alone (read-only root, data volume), before Kafka and the registry"
docker volume create rt-data >/dev/null
docker run -d --name rt-rosetta --network host --read-only -v rt-data:/var/lib/rosetta \
  -v "$repo/docker/compose/rosetta.yaml:/etc/rosetta/rosetta.yaml:ro" \
  -v "$repo/config/examples/translators:/etc/rosetta/translators:ro" \
  -e KAFKA_BOOTSTRAP=127.0.0.1:9092 -e SCHEMA_REGISTRY_URL="$registry_url" \
  -e ROSETTA_BIND_HOST=127.0.0.1 -e ROSETTA_ADMIN_BIND_HOST=127.0.0.1 rosetta:test >/dev/null

status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$admin$1"; }
healthz_ok() { [ "$(status /healthz)" = 200 ]; }
check "/healthz answers 200" eventually 60 healthz_ok
readyz_503() { local s; s=$(status /readyz); echo "readyz: $s $(curl -s --max-time 5 $admin/readyz)"; [ "$s" = 503 ]; }
check "/readyz answers 503 while Kafka and the registry are down" readyz_503

runs_as_10001() {
  local pid uid
  pid=$(docker inspect -f '{{.State.Pid}}' rt-rosetta)
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  echo "container pid $pid runs as uid $uid, ReadonlyRootfs=$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' rt-rosetta)"
  [ "$uid" = 10001 ] && [ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' rt-rosetta)" = true ]
}
check "runs as uid 10001 on a read-only root filesystem" runs_as_10001
native_transport() { docker logs rt-rosetta 2>&1 | grep -q 'transport epoll'; }
check "Netty's native epoll transport loads (work folder on the data volume, not /tmp)" native_transport

say "starting Kafka and the registry"
docker run -d --name rt-kafka --network host rosetta-stack/kafka:test >/dev/null
docker run -d --name rt-registry --network host -e QUARKUS_HTTP_HOST=127.0.0.1 -e QUARKUS_HTTP_PORT=8081 \
  rosetta-stack/registry:test >/dev/null
registry_up() { curl -sf --max-time 3 http://127.0.0.1:8081/health/ready >/dev/null; }
check "the registry image serves" eventually 90 registry_up
check "the contracts register (rosetta demo-client register)" \
  docker run --rm --network host -v "$repo/config/examples/contracts:/contracts:ro" rosetta:test \
    demo-client register --registry "$registry_url" --contracts /contracts
readyz_200() { [ "$(status /readyz)" = 200 ]; }
check "/readyz answers 200 once Kafka and the registry are up" eventually 120 readyz_200

client() { docker run --rm --network host --read-only rosetta:test demo-client "$@" --registry "$registry_url" --bootstrap 127.0.0.1:19092; }
check "a v1 producer writes 300 records through the container" client produce --records 300 --rate 0 --version 1
check "a v2 consumer reads them translated (route default)" \
  client consume --client-id analytics --expect-version 2 --records 300 --timeout 90
check "a legacy-* consumer reads them as v1 (route override)" \
  client consume --client-id legacy-billing --expect-version 1 --records 300 --timeout 90
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' rt-rosetta)" = healthy ]; }
check "the image's HEALTHCHECK (rosetta probe) reports healthy" eventually 60 healthy

# ---- observability: rules, their unit tests, and a real Prometheus against this Rosetta ------------------------
obs=docker/observability
if [ -f "$obs/rules.yml" ]; then
  check "promtool check rules" promtool check rules "$obs/rules.yml"
  check "promtool test rules" bash -c "cd $obs && promtool test rules rules.test.yml"
  check "promtool check config" promtool check config "$obs/prometheus.yml"
  say "exercising what the dashboard and alerts show: a rollout in progress, records Rosetta cannot translate"
  check "rollout through the admin API (rosetta rollout)" \
    docker run --rm --network host rosetta:test rollout orders --side produce --version 2 --percent 50 \
      --admin "$admin" --reason "docker/test.sh: a rollout in progress"
  check "records framed with an unknown schema id go through (dead-letter policy)" \
    client produce --records 20 --rate 0 --version 1 --schema-id 999999
  prom="$work/prometheus"
  rm -rf "$prom" && mkdir -p "$prom"
  sed "s#rules.yml#$repo/$obs/rules.yml#" "$obs/prometheus.yml" >"$prom/prometheus.yml"
  prometheus --config.file="$prom/prometheus.yml" --storage.tsdb.path="$prom/data" \
    --web.listen-address=127.0.0.1:19090 >"$work/logs/prometheus.log" 2>&1 &
  prom_pid=$!
  check "every dashboard and alert expression returns data from a real Prometheus" \
    java -cp "$jar" "$obs/CheckQueries.java" http://127.0.0.1:19090 "$obs" --wait 90
  kill "$prom_pid" 2>/dev/null; wait "$prom_pid" 2>/dev/null; prom_pid=""
else
  fail "docker/observability/rules.yml exists"
fi

stops_cleanly() {
  local t0 t1 code
  t0=$(date +%s%N)
  docker stop -t 10 rt-rosetta >/dev/null
  t1=$(date +%s%N)
  code=$(docker inspect -f '{{.State.ExitCode}}' rt-rosetta)
  echo "docker stop took $(((t1 - t0) / 1000000)) ms, exit code $code"
  docker logs rt-rosetta 2>&1 | tail -3
  # 143: the JVM's answer to SIGTERM once its shutdown hooks (Rosetta's orderly close) have run
  [ $(((t1 - t0) / 1000000)) -lt 10000 ] && { [ "$code" = 0 ] || [ "$code" = 143 ]; } &&
    docker logs rt-rosetta 2>&1 | grep -q 'Rosetta sidecar stopped'
}
check "docker stop: Rosetta closes in order and exits within 10 s" stops_cleanly
docker rm -f rt-rosetta rt-kafka rt-registry >/dev/null 2>&1
docker volume rm rt-data >/dev/null 2>&1

# ---- the compose stack -----------------------------------------------------------------------------------------
say "docker-compose up: Kafka, registry, contracts, Rosetta, a producer and two consumers"
export ROSETTA_IMAGE=rosetta:test KAFKA_IMAGE=rosetta-stack/kafka:test REGISTRY_IMAGE=rosetta-stack/registry:test
compose=(docker-compose -f docker/compose.yaml -p rosetta-test)
check "docker-compose config is valid" "${compose[@]}" config -q
check "docker-compose up -d" "${compose[@]}" up -d --no-build
consumer_done() {
  local id code
  id=$("${compose[@]}" ps -q "$1")
  [ -n "$id" ] && [ "$(docker inspect -f '{{.State.Status}}' "$id")" = exited ] || return 1
  code=$(docker inspect -f '{{.State.ExitCode}}' "$id")
  docker logs "$id" 2>&1 | tail -2
  [ "$code" = 0 ]
}
check "legacy-billing reads v1 through the stack's Rosetta" eventually 240 consumer_done legacy-billing
check "analytics reads v2 through the stack's Rosetta" eventually 60 consumer_done analytics
stack_healthy() {
  local s
  for s in kafka registry rosetta; do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$("${compose[@]}" ps -q $s)")" = healthy ] || return 1
  done
}
check "kafka, registry and rosetta report healthy" stack_healthy
"${compose[@]}" logs --no-color >"$work/logs/compose.log" 2>&1
check "docker-compose down" "${compose[@]}" down -v --remove-orphans

say "logs are in $work/logs; took $(($(date +%s) - started)) s"
finish
