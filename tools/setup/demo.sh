#!/usr/bin/env bash
# The demo: installs what is needed, builds, starts two local docker-registry processes,
# fills one with a synthetic fleet, migrates it to the other, verifies every digest, and
# shows the summary and where the metrics are. Everything stays on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
repos=${DEMO_REPOS:-20}
tags=${DEMO_TAGS:-5}

"$root/tools/setup/install-deps.sh"
"$root/tools/setup/build.sh" regmigrate fleetgen
regmigrate=$build/tools/regmigrate
fleetgen=$build/tools/fleetgen

source "$root/tools/setup/registries.sh"

source_registry=$(start_registry source)
destination_registry=$(start_registry destination)
echo "== source registry $source_registry, destination registry $destination_registry"

echo "== filling the source with $repos repositories x $tags tags"
"$fleetgen" --registry "$source_registry" --repos "$repos" --tags "$tags" --seed 7

echo "== migrating $source_registry -> $destination_registry"
out=${DEMO_OUT:-$build/demo}
rm -rf "$out"
mkdir -p "$out"
plain=(--src-tls disabled --dest-tls disabled)
status=0
"$regmigrate" sync --from "$source_registry" --to "$destination_registry" "${plain[@]}" \
  --report "$out/sync-report.json" --metrics-file "$out/sync.prom" || status=1

echo "== verifying: same digest on both sides, every referenced blob present"
"$regmigrate" verify --from "$source_registry" --to "$destination_registry" "${plain[@]}" \
  --report "$out/verify-report.json" || status=1

echo "== rerunning the sync: nothing has changed, so nothing should move"
"$regmigrate" sync --from "$source_registry" --to "$destination_registry" "${plain[@]}" \
  --report "$out/rerun-report.json" || status=1

echo "== summary of the first sync"
python3 -c 'import json, sys; [print(f"  {k:20} {v}") for k, v in json.load(open(sys.argv[1]))["summary"].items()]' \
  "$out/sync-report.json"
echo "reports: $out/sync-report.json $out/verify-report.json $out/rerun-report.json"
echo "metrics (Prometheus text format): $out/sync.prom"
grep -E '^regmigrate_(images_total|blobs_total|bytes_transferred_total)' "$out/sync.prom"
echo "(a long migration serves the same metrics live with --metrics-addr 127.0.0.1:9100)"
exit $status
