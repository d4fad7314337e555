#!/usr/bin/env bash
# Installs the Debian 12 packages slatrack needs to build, test and run.
# Idempotent and non-interactive; run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  librdkafka-dev
  libsqlite3-dev sqlite3
  nlohmann-json3-dev libsimdjson-dev
  # The executable's allocator (app/allocator.cpp says why).
  libjemalloc-dev
  kcat
  prometheus-cpp-dev prometheus
  desktop-file-utils appstream dpkg-dev
  # The package's checks (tests/installer): man page, systemd units.
  groff-base man-db systemd
  # The window icon is an SVG: Qt's SVG icon engine (a run-time plugin).
  libqt6svg6
  xvfb xauth imagemagick
  python3
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
