#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the demo need. Idempotent and
# non-interactive; run as root (or through sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-url1.81-dev libboost-json1.81-dev libboost-regex1.81-dev libboost-iostreams1.81-dev
  libssl-dev openssl ca-certificates libsimdjson-dev libconcurrentqueue-dev prometheus-cpp-dev
  libyaml-cpp-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  docker-registry skopeo apache2-utils python3 procps
  clang libclang-rt-14-dev  # tools/setup/fuzz.sh: libFuzzer and the sanitizer runtimes
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
# The package enables a system-wide registry on :5000; regmigrate's tests and demo start
# their own on free ports, so the service is not needed.
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
