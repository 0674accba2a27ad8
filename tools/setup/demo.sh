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

echo "== migrating"
out=${DEMO_OUT:-$build/demo}
rm -rf "$out"
metrics_dir=$out/metrics
mkdir -p "$metrics_dir"
failed=0
for repo in $("$regmigrate" ls "$source_registry" --src-tls disabled); do
  name=${repo//\//_}
  "$regmigrate" copy "$source_registry/$repo" "$destination_registry/$repo" \
    --src-tls disabled --dest-tls disabled --jobs 8 \
    --report "$out/report-$name.json" --metrics-file "$metrics_dir/$name.prom" || failed=1
done

echo "== verifying every tag's digest on both sides"
checked=0
mismatched=0
for repo in $("$regmigrate" ls "$source_registry" --src-tls disabled); do
  for tag in $("$regmigrate" ls "$source_registry/$repo" --src-tls disabled); do
    a=$(skopeo inspect --tls-verify=false --raw "docker://$source_registry/$repo:$tag" | sha256sum)
    b=$(skopeo inspect --tls-verify=false --raw "docker://$destination_registry/$repo:$tag" | sha256sum)
    checked=$((checked + 1))
    [[ "$a" == "$b" ]] || { echo "MISMATCH $repo:$tag"; mismatched=$((mismatched + 1)); }
  done
done
echo "verified $checked tags, $mismatched mismatched"

echo "== summary"
python3 - "$out" <<'PY'
import glob, json, sys
totals = {}
for path in glob.glob(sys.argv[1] + "/report-*.json"):
    for key, value in json.load(open(path))["summary"].items():
        totals[key] = totals.get(key, 0) + value
for key in sorted(totals):
    print(f"  {key:20} {totals[key]:.2f}" if isinstance(totals[key], float) else f"  {key:20} {totals[key]}")
PY
echo "reports: $out/report-*.json"
echo "metrics (Prometheus text format, one file per repository): $metrics_dir/*.prom"
grep -h '^regmigrate_bytes_transferred_total' "$metrics_dir"/*.prom | head -3
[[ $failed == 0 && $mismatched == 0 ]]
