#!/usr/bin/env bash
# Fuzzes Rosetta's Jazzer targets for longer than the 10 s their @FuzzTest allows.
#
#   benchmarks/scripts/fuzz-long.sh DURATION TARGET...
#   benchmarks/scripts/fuzz-long.sh 15m ProtocolFuzzTest#requestsAreForwardedOrRefusedCleanly WireFuzzTest#framesAreCutOrRefusedCleanly
#
# Jazzer 0.24 takes a fuzzing run's length only from the annotation's maxDuration, so this script checks out the
# committed HEAD into a temporary git worktree, raises maxDuration there for the targets named, and runs them one
# after another with JAZZER_FUZZ=1. The corpus is shared with the checkout (proxy/.cifuzz-corpus/), so runs build
# on each other. Inputs that fail a target are copied back into the checkout's seed folders
# (proxy/src/test/resources/dev/rosetta/proxy/fuzz/<Class>Inputs/<method>/crash-*), where every `mvn verify`
# replays them; each run's libFuzzer output is kept in target/fuzz-long/<Class>#<method>-<time>.log.
#
# Every Rosetta class is instrumented for coverage (jazzer.instrumentation_includes), including those of the config
# and translators modules, which reach the proxy's tests as jars: Jazzer's default instruments only classes loaded
# from directories, which left the configuration and translation targets without coverage guidance.
#
# Two instances with different targets can run at once (one per core); each makes its own worktree.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
duration=$1
shift
root=$(git rev-parse --show-toplevel)
logs="$root/target/fuzz-long"
mkdir -p "$logs" "$root/proxy/.cifuzz-corpus"

work=$(mktemp -d)/rosetta
git -C "$root" worktree add --detach --quiet "$work" HEAD
cleanup() { git -C "$root" worktree remove --force "$work" || true; }
trap cleanup EXIT
ln -s "$root/proxy/.cifuzz-corpus" "$work/proxy/.cifuzz-corpus"

seeds=proxy/src/test/resources/dev/rosetta/proxy/fuzz
status=0
for target in "$@"; do
    class=${target%%#*}
    method=${target#*#}
    source=$(find "$work/proxy/src/test/java" -name "$class.java" | head -1)
    if [[ -z $source ]] || ! grep -q "void $method(" "$source"; then
        echo "fuzz-long: no fuzz target $target under proxy/src/test/java" >&2
        exit 2
    fi
    # the method's own @FuzzTest: the last one above it (other annotations, a dictionary, may come between)
    perl -0pi -e "s/\\@FuzzTest\\(maxDuration = \"[^\"]*\"\\)((?:(?!\\@FuzzTest).)*?\\bvoid \\Q$method\\E\\()/\\@FuzzTest(maxDuration = \"$duration\")\$1/s" "$source"
    if ! perl -0ne "exit(/\\@FuzzTest\\(maxDuration = \"\\Q$duration\\E\"\\)(?:(?!\\@FuzzTest).)*?\\bvoid \\Q$method\\E\\(/s ? 0 : 1)" "$source"; then
        echo "fuzz-long: could not set the maxDuration of $target in $source" >&2
        exit 2
    fi
    log="$logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
    echo "fuzz-long: $target for $duration (log: $log)"
    set +e
    (cd "$work" && JAZZER_FUZZ=1 mvn -B -ntp -pl proxy -am verify \
        -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
        -Dspotless.check.skip=true -Djacoco.skip=true '-Djazzer.instrumentation_includes=dev.rosetta.**') >"$log" 2>&1
    rc=$?
    set -e
    grep -E "^#[0-9]+ +DONE|^Done [0-9]+ runs" "$log" | tail -2 || true
    # Jazzer writes them to the target's seed folder when it exists, else to the module's directory
    found=$(find "$work/$seeds/${class}Inputs/$method" "$work/proxy" -maxdepth 1 -type f \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'slow-unit-*' \) 2>/dev/null || true)
    if [[ -n $found ]]; then
        mkdir -p "$root/$seeds/${class}Inputs/$method"
        cp $found "$root/$seeds/${class}Inputs/$method/"
        echo "fuzz-long: $target FOUND $(echo "$found" | wc -l) failing input(s), copied to $seeds/${class}Inputs/$method/"
        status=1
    elif [[ $rc -ne 0 ]]; then
        echo "fuzz-long: $target: the run failed (exit $rc), see $log"
        status=1
    fi
done
exit $status
