#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test (unit and
# integration against real docker-registry processes on loopback), then a short fuzzing smoke.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/setup/install-deps.sh"
"$root/tools/setup/build.sh"
cd "${REGMIGRATE_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j 2 --timeout 900
# Fuzzing smoke: each registry parser's libFuzzer target (clang, ASan+UBSan) for a few
# seconds on its corpus; `tools/setup/fuzz.sh 60 all` is the longer run, plan parser included.
"$root/tools/setup/fuzz.sh" 5 parsers
