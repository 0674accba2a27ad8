#!/usr/bin/env bash
# Workload W2, big blobs: 4 repositories × 2 tags, every image one shared 64 MiB base layer
# and two 32 MiB layers of its own (576 MiB of unique blobs), single-platform. Bound by
# how fast the destination registry ingests, so it measures how well the transfers in
# flight keep it busy. regmigrate sync vs skopeo sync, cold and warm (see fleet_sync.sh).
# Usage: bench/e2e/w2_sync.sh     (build first: tools/setup/build.sh regmigrate fleetgen)
set -euo pipefail
exec "$(dirname "$0")/fleet_sync.sh" w2 --repos 4 --tags 2 \
  --base-layers 1 --base-size 67108864 --unique-layers 2 --unique-size 33554432 \
  --multiarch-share 0
