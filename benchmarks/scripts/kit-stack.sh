# Sourced by the scripts here (not run): a broker and a registry from the shared kit, and Rosetta, all
# stopped (by pid) when the sourcing script exits. Needs $kit (the kit's folder) and $work (a work folder).
#   kit_broker_and_registry  -> starts Kafka on 127.0.0.1:29092 and Apicurio Registry, registers orders-v1/-v2
#                               under orders-value; sets rurl (the registry URL) and v1 (orders-v1's schema id)
#   kit_rosetta JAR CONFIG   -> starts Rosetta with CONFIG, waits until its admin API on 19080 is ready; sets ppid
pids=()
kit_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 2
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
}
trap kit_cleanup EXIT
kit_broker_and_registry() {
  local bpid rpid v
  bpid=$("$kit/kafka.sh" start 29092) || exit 1
  pids+=("$bpid")
  read -r rurl rpid < <(cd "$work" && "$kit/apicurio.sh" start "$work/registry")
  [ -n "${rpid:-}" ] || { echo "the registry did not start (see $work/registry)" >&2; exit 1; }
  pids+=("$rpid")
  for v in 1 2; do
    jq -n --rawfile s "$kit/data/orders-v$v.avsc" '{schema: $s}' |
      curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- "$rurl/subjects/orders-value/versions" >/dev/null
  done
  v1=$(curl -sf "$rurl/subjects/orders-value/versions/1" | jq -r .id)
}
kit_rosetta() {
  java -jar "$1" proxy --config "$2" > "$work/rosetta.log" 2>&1 &
  ppid=$!
  pids+=("$ppid")
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:19080/readyz)" = 200 ] && return
    sleep 0.5
  done
  echo "Rosetta did not become ready (see $work/rosetta.log)" >&2
  exit 1
}
