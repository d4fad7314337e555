#!/bin/sh
# A longer fuzzing run than the ctest "fuzz" entries (5 s each).
#   fuzz/run-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Default: 60 s for every target. Configures and builds build-fuzz/ (clang,
# libFuzzer, ASan + UBSan) if needed. Each target starts from its committed
# seeds (fuzz/corpus/<target>/) plus what earlier runs found
# (build-fuzz/fuzz/work/<target>/, not committed). Crashes land in
# build-fuzz/fuzz/artifacts/<target>/: minimize one with
#   build-fuzz/fuzz/fuzz_<target> -minimize_crash=1 -runs=10000 <crash>
# and commit it under fuzz/regressions/<target>/ with the fix, so the replay
# test of the normal build keeps it fixed. Prints one summary line per
# target (time, executions, exec/s, coverage) and exits 1 if any crashed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(dirname "$here")
build_dir=${SLATRACK_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"config record_extractor record_id duration rfc3339 engine"}

if [ ! -f "$build_dir/build.ninja" ]; then
    CXX=${CXX:-clang++} cmake -S "$source_dir" -B "$build_dir" -G Ninja -DSLATRACK_FUZZ=ON \
        -DSLATRACK_BUILD_TESTS=OFF -DSLATRACK_BUILD_BENCH=OFF
fi
build_targets=""
for target in $targets; do build_targets="$build_targets fuzz_$target"; done
# shellcheck disable=SC2086
cmake --build "$build_dir" --target $build_targets

crashed=0
for target in $targets; do
    work="$build_dir/fuzz/work/$target"
    artifacts="$build_dir/fuzz/artifacts/$target"
    mkdir -p "$work" "$artifacts"
    dict=""
    [ -f "$here/dict/$target.dict" ] && dict="-dict=$here/dict/$target.dict"
    log="$build_dir/fuzz/$target.log"
    status=0
    # shellcheck disable=SC2086
    "$build_dir/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        $dict -artifact_prefix="$artifacts/" "$work" "$here/corpus/$target" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    took=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ "$status" -ne 0 ]; then
        crashed=1
        echo "$target: CRASHED after ${runs:-?} executions, see $log and $artifacts/"
    else
        echo "$target: ${took:-$seconds} s, ${runs:-?} executions, ${rate:-?} exec/s, $cov"
    fi
done
exit $crashed
