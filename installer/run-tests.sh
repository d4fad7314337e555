#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine and runs the whole test
# suite. Usage: installer/run-tests.sh [--sanitize] [ctest args...]
#   --sanitize   build with AddressSanitizer + UndefinedBehaviorSanitizer
#                (in build-asan/) and run the suite under it.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-DSLATRACK_WERROR=ON)
if [ "${1:-}" = "--sanitize" ]; then
  shift
  build_dir=build-asan
  cmake_args+=(-DSLATRACK_SANITIZE=ON -DSLATRACK_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

./installer/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}"
cmake --build "$build_dir" -j"$(nproc)"
cd "$build_dir"
ctest --output-on-failure -j"$(nproc)" "$@"
