#!/usr/bin/env bash
# Workload W1: W1_REPOS repositories × W1_TAGS tags (3 shared 2 MiB base layers, one
# 256 KiB layer per image and platform, 20 % multi-arch), regmigrate sync vs skopeo sync,
# cold and warm (see fleet_sync.sh for the table).
# Usage: bench/e2e/w1_sync.sh     (build first: tools/setup/build.sh regmigrate fleetgen)
#        W1_REPOS=10 bench/e2e/w1_sync.sh     (a quick smoke run)
set -euo pipefail
exec "$(dirname "$0")/fleet_sync.sh" w1 --repos "${W1_REPOS:-100}" --tags "${W1_TAGS:-10}" \
  --base-layers 3 --base-size 2097152 --unique-size 262144 --multiarch-share 0.2
