#!/usr/bin/env bash
# The test command: installs dependencies, builds, checks the deploy files against the build,
# runs every test (unit and integration against real docker-registry processes on loopback),
# then a short fuzzing smoke.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
"$root/tools/setup/install-deps.sh"
"$root/tools/setup/build.sh"
# Every C++ file as .clang-format lays it out.
"$root/tools/setup/format.sh" --check
# Seconds: the container image's package lists cover what CMake finds and what the binary
# links, and the Kubernetes manifests pass only options regmigrate has (tools/deploy).
# tools/setup/image-check.sh is the full check (builds the image's root), not run here.
python3 -m unittest discover -s "$root/tools/setup" -p 'test_*.py'
python3 "$root/tools/setup/deploy_check.py" "$build/tools/regmigrate"
cd "$build"
ctest --output-on-failure -j 2 --timeout 900
# Fuzzing smoke: each registry parser's libFuzzer target (clang, ASan+UBSan) for a few
# seconds on its corpus; `tools/setup/fuzz.sh 60 all` is the longer run, plan parser included.
"$root/tools/setup/fuzz.sh" 5 parsers
