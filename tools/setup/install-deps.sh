#!/usr/bin/env bash
# Installs the Debian 12 packages of the lists in tools/setup/packages/ (default: build,
# runtime and test — what the build, the tests and the demo need; package: what cpack adds).
# The container image's stages run it with one list each, so the image and CI install the
# same packages. Idempotent and non-interactive; run as root (or through sudo).
# Usage: tools/setup/install-deps.sh [LIST...]     (LIST: build, runtime, test, package)
set -euo pipefail
lists_dir=$(cd "$(dirname "$0")" && pwd)/packages
lists=("$@")
((${#lists[@]} > 0)) || lists=(build runtime test)

packages=()
for list in "${lists[@]}"; do
  if [[ ! -f $lists_dir/$list.txt ]]; then
    echo "install-deps: no package list '$list' in $lists_dir" >&2
    exit 2
  fi
  # One package a line; "#" starts a comment.
  mapfile -t -O "${#packages[@]}" packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' \
    -e 's/[[:space:]]//g' "$lists_dir/$list.txt")
done

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present (${lists[*]})"
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
