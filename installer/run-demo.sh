#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine, builds slatrack and opens
# the dashboard on the embedded Kafka-protocol broker with a simulated
# pipeline (no Kafka needed). Extra arguments go to slatrack.
set -euo pipefail
cd "$(dirname "$0")/.."

./installer/install-deps.sh
cmake -S . -B build -G Ninja
cmake --build build -j"$(nproc)" --target slatrack
exec ./build/app/slatrack --demo "$@"
