#!/bin/bash
# translate-perf-codec.sh CODEC [ROUNDS]
# Runs the shared kit's translate-perf.sh (../shared/bench, or $BENCH_KIT) with Rosetta's listener.fetchCodec
# set to CODEC (keep, none, gzip, snappy, lz4, zstd) and, when BATCH_CACHE_BYTES is set, its
# translators.batchCacheBytes. The kit writes Rosetta's rosetta.yaml itself; this runs a copy of the kit's
# script, in a folder of links to the kit, whose YAML has those lines added. Everything else (targets, order,
# verification) is the kit's. Run from the Rosetta checkout's root.
set -euo pipefail
codec=${1:?usage: translate-perf-codec.sh CODEC [ROUNDS]}
rounds=${2:-3}
kit=${BENCH_KIT:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench}
[ -f "$kit/translate-perf.sh" ] || { echo "no kit at $kit (set BENCH_KIT)" >&2; exit 1; }
copy=$(mktemp -d /tmp/translate-perf-codec.XXXXXX)
trap 'rm -rf "$copy"' EXIT
for f in "$kit"/*; do ln -s "$f" "$copy/$(basename "$f")"; done
rm "$copy/translate-perf.sh"
sed "s|^  brokerPortBase: 19100\$|  brokerPortBase: 19100\n  fetchCodec: $codec|" "$kit/translate-perf.sh" > "$copy/translate-perf.sh"
grep -q "fetchCodec: $codec" "$copy/translate-perf.sh" || { echo "the kit's rosetta.yaml changed; cannot add fetchCodec" >&2; exit 1; }
if [ -n "${BATCH_CACHE_BYTES:-}" ]; then
  sed -i "s|^audit:\$|translators:\n  batchCacheBytes: $BATCH_CACHE_BYTES\naudit:|" "$copy/translate-perf.sh"
  grep -q "batchCacheBytes: $BATCH_CACHE_BYTES" "$copy/translate-perf.sh" || { echo "cannot add batchCacheBytes" >&2; exit 1; }
fi
ROSETTA_HOME=${ROSETTA_HOME:-$PWD} bash "$copy/translate-perf.sh" "$rounds"
