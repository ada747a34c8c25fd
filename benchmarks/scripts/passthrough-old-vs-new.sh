#!/bin/bash
# passthrough-old-vs-new.sh OLD_JAR NEW_JAR [ROUNDS]   (default 3)
# Pass-through throughput and latency of two Rosetta builds side by side, interleaved round by round
# with the broker itself: starts a single-node Kafka broker (127.0.0.1:29092, the team kit's kafka.sh),
# Rosetta OLD_JAR on 127.0.0.1:19092 and NEW_JAR on 127.0.0.1:19192 (no routes, no admin API), then
# runs the kit's perf.sh (ProducerPerformance / ConsumerPerformance / EndToEndLatency, 200k x 1 KB, lz4)
# against direct, old and new. Prints per-round lines, medians and ratios to direct. Stops what it
# started (by pid). Kit: BENCH_KIT (default ../shared/bench next to this checkout).
set -u
old=$(readlink -f "$1") new=$(readlink -f "$2") rounds=${3:-3}
here=$(dirname "$(readlink -f "$0")")
kit=${BENCH_KIT:-$(readlink -f "$here/../../../shared/bench")}
work=/tmp/rosetta-accept/old-vs-new
[ -f "$old" ] && [ -f "$new" ] || { echo "usage: $0 OLD_JAR NEW_JAR [ROUNDS]" >&2; exit 2; }
[ -x "$kit/perf.sh" ] || { echo "no bench kit at $kit (set BENCH_KIT)" >&2; exit 2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in 29092 29093 19092 19192; do
  port_open $p && { echo "port $p is already in use; stop whatever listens there first" >&2; exit 1; }
done
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  "$kit/kafka.sh" stop "$work/broker" >/dev/null 2>&1
}
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work"
"$kit/kafka.sh" start 29092 "$work/broker" >/dev/null || { echo "broker did not start" >&2; exit 1; }
for target in old:19092:19200 new:19192:19300; do
  IFS=: read -r name port base <<<"$target"
  cat > "$work/$name.yaml" <<YAML
listener:
  bindHost: 127.0.0.1
  bootstrapPort: $port
  brokerPortBase: $base
upstream:
  bootstrapServers: 127.0.0.1:29092
admin:
  enabled: false
distribution:
  enabled: false
audit:
  enabled: false
YAML
  jar=$old; [ "$name" = new ] && jar=$new
  java -jar "$jar" proxy --config "$work/$name.yaml" > "$work/$name.log" 2>&1 &
  pids+=($!)
  for i in $(seq 1 120); do port_open "$port" && break; sleep 0.5; done
  port_open "$port" || { tail -n 20 "$work/$name.log"; echo "$name did not start" >&2; exit 1; }
  echo "$name: $jar on 127.0.0.1:$port (pid ${pids[-1]})"
done
"$kit/perf.sh" "$rounds" direct=127.0.0.1:29092 old=127.0.0.1:19092 new=127.0.0.1:19192
