#!/bin/bash
# batch-cache-readers.sh [RECORDS] [READERS]   (defaults 100000, 3)
# What the cache of rebuilt batches (translators.batchCacheBytes) saves when several readers of one version
# read the same batches through one Rosetta: a gateway in front of consumer groups, or replays. Uses the shared
# kit (../shared/bench, or $BENCH_KIT): a Kafka 4.1.1 broker, Apicurio Registry, and its avroperf tool to fill
# topic `orders` with RECORDS ~1 KB orders-v1 records (lz4) and to read them all READERS times, one reader
# after the other, through Rosetta (route: consumers read v2; cache BATCH_CACHE_BYTES, default 512 MiB, larger
# than the topic; 0 turns it off for the comparison). Prints, per reader, MB/s and Rosetta's process CPU per MB
# (all its threads: event loops, translation workers, GC, JIT), and the cache's hit and miss counts. The first
# reader also pays for the JIT and the registry look-ups: compare the later readers with the cache on and off.
# Stops what it started (by pid). Run from the Rosetta checkout's root after building proxy/target/rosetta.jar.
set -u
n=${1:-100000}
readers=${2:-3}
main=$PWD
kit=${BENCH_KIT:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench}
work=/tmp/rosetta-accept/batch-cache
avro=/tmp/rosetta-bench-build/avroperf
[ -f "$avro/target/avroperf.jar" ] || avro=$kit/avroperf
[ -f "$avro/target/avroperf.jar" ] || { echo "build the kit's avroperf first (run its translate-perf.sh once)" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"
. "$(dirname "$0")/kit-stack.sh"
ap() { java -Xmx1g -cp "$avro/target/avroperf.jar:$avro/target/lib/*" AvroPerf "$@" 2>>"$work/avroperf.err"; }
kit_broker_and_registry
ap fill 127.0.0.1:29092 orders "$n" "$v1" | grep '^RESULT'
cat > "$work/rosetta.yaml" <<YAML
listener: {bindHost: 127.0.0.1, bootstrapPort: 19092, brokerPortBase: 19100}
upstream: {bootstrapServers: 127.0.0.1:29092}
registry: {url: $rurl}
admin: {enabled: true, bindHost: 127.0.0.1, port: 19080}
distribution: {enabled: false}
audit: {enabled: false}
translators: {batchCacheBytes: ${BATCH_CACHE_BYTES:-536870912}}
routes:
  - {topic: orders, valueSubject: orders-value, consume: {version: 2}}
YAML
kit_rosetta "$main/proxy/target/rosetta.jar" "$work/rosetta.yaml"
clk=$(getconf CLK_TCK)
cpu() { awk -v c="$clk" '{printf "%.2f", ($14+$15)/c}' "/proc/$ppid/stat"; }
# a short warm-up on another topic would need another fill; the first reader is the cold one by design
first=""
for r in $(seq 1 "$readers"); do
  c0=$(cpu)
  line=$(ap consume 127.0.0.1:19092 orders "$n" | grep '^RESULT consume')
  c1=$(cpu)
  mb=$(sed -n 's|.* MB/s=\([^ ]*\).* seconds=\([^ ]*\).*|\1 \2|p' <<<"$line" | awk '{print $1*$2}')
  ms=$(awk -v a="$c0" -v b="$c1" -v mb="$mb" 'BEGIN {printf "%.2f", (b-a)*1000/mb}')
  [ -n "$first" ] || first=$ms
  echo "reader $r: ${line#RESULT consume } proxy_cpu_ms/MB=$ms ($(awk -v a="$ms" -v f="$first" 'BEGIN {printf "%.0f%%", 100*a/f}') of the first)"
done
curl -s http://127.0.0.1:19080/metrics | grep '^rosetta_translation_batch_cache' | sed 's/^/  /'
