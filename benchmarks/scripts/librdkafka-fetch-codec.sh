#!/bin/bash
# librdkafka-fetch-codec.sh [RECORDS]   (default 20000)
# librdkafka (kcat) reading uncompressed rebuilt batches of a highly compressible topic through Rosetta with
# listener.fetchCodec: none, with a small fetch.max.bytes and receive.message.max.bytes at its least
# (fetch.max.bytes + 512): librdkafka drops any response above it, so every record arriving proves that each
# response stayed within the request's max_bytes. Also reads with librdkafka's defaults. Uses the shared kit
# (../shared/bench, or $BENCH_KIT) for the broker, Apicurio Registry and the Kafka client jars; needs kcat
# (apt install kcat). Run from the Rosetta checkout's root after building proxy/target/rosetta.jar.
set -u
n=${1:-20000}
main=$PWD
kit=${BENCH_KIT:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench}
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/rosetta-accept/librdkafka
command -v kcat >/dev/null || { echo "kcat is not installed (apt install kcat)" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"
. "$(dirname "$0")/kit-stack.sh"
kit_broker_and_registry
java -cp "/tmp/rosetta-accept/kafka-lib/*" "$here/tools/SqueezedOrders.java" 127.0.0.1:29092 squeezed "$n" "$v1" 2>/dev/null | grep RESULT
cat > "$work/rosetta.yaml" <<YAML
listener: {bindHost: 127.0.0.1, bootstrapPort: 19092, brokerPortBase: 19100, fetchCodec: none}
upstream: {bootstrapServers: 127.0.0.1:29092}
registry: {url: $rurl}
admin: {enabled: true, bindHost: 127.0.0.1, port: 19080}
distribution: {enabled: false}
audit: {enabled: false}
routes:
  - {topic: squeezed, valueSubject: orders-value, consume: {version: 2}}
YAML
kit_rosetta "$main/proxy/target/rosetta.jar" "$work/rosetta.yaml"
stored=$(kcat -C -b 127.0.0.1:29092 -t squeezed -o beginning -e -q -f '%S\n' | sort -n | uniq -c | head -3 | tr '\n' ' ')
echo "stored (direct): value sizes $stored"
read_through() { # label, extra kcat options
  local label=$1; shift
  kcat -C -b 127.0.0.1:19092 -t squeezed -o beginning -e -q -f '%p %o %S\n' "$@" > "$work/$label.out" 2> "$work/$label.err"
  echo "$label: $(wc -l < "$work/$label.out") records, distinct offsets $(awk '{print $1":"$2}' "$work/$label.out" | sort -u | wc -l), value sizes $(awk '{print $3}' "$work/$label.out" | sort -n | uniq -c | head -3 | tr '\n' ' '); errors: $(grep -ciE 'error|fail' "$work/$label.err")"
  grep -iE 'error|fail' "$work/$label.err" | head -3 | sed 's/^/  /'
}
read_through tight -X message.max.bytes=65536 -X fetch.max.bytes=65536 -X receive.message.max.bytes=66048 -X fetch.message.max.bytes=16384
read_through defaults
curl -s http://127.0.0.1:19080/metrics | grep -E '^rosetta_translation_bytes_total\{direction="consume"' | sed 's/^/  /'
