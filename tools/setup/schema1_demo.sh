#!/usr/bin/env bash
# Signed schema1 images into a default docker-registry (which refuses schema1): fleetgen
# fills a staging registry with schema2 images, `skopeo copy --format v2s1` re-pushes them
# as signed schema1 (skopeo signs with a libtrust key of its own) into a registry with
# schema1 enabled, then `regmigrate sync` moves them into a default registry, converting,
# and `skopeo inspect --config` reads one result. Everything stays on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
regmigrate=$build/tools/regmigrate
fleetgen=$build/tools/fleetgen

source "$root/tools/setup/registries.sh"

staging=$(start_registry staging)
source_registry=$(start_registry source schema1)
destination=$(start_registry destination)
echo "== staging $staging, schema1 source $source_registry, default destination $destination"

"$fleetgen" --registry "$staging" --repos 2 --tags 2 --seed 19 >/dev/null
tls=(--src-tls-verify=false --dest-tls-verify=false)
for reference in $("$regmigrate" ls "$staging" --src-tls disabled | while read -r repo; do
  "$regmigrate" ls "$staging/$repo" --src-tls disabled | sed "s|^|$repo:|"; done); do
  skopeo copy -q "${tls[@]}" --format v2s1 "docker://$staging/$reference" \
    "docker://$source_registry/$reference"
  echo "== $reference as schema1: $(skopeo inspect --raw --tls-verify=false \
    "docker://$source_registry/$reference" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("schemaVersion", m["schemaVersion"], "signatures", len(m["signatures"]))')"
done

echo "== regmigrate sync $source_registry -> $destination"
out=$work/out
mkdir -p "$out"
"$regmigrate" sync --from "$source_registry" --to "$destination" \
  --src-tls disabled --dest-tls disabled --report "$out/report.json" --metrics-file "$out/sync.prom"
echo "== report"
python3 -m json.tool "$out/report.json"
echo "== metric"
grep '^regmigrate_schema1_conversions_total' "$out/sync.prom"
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][0]["destination"])' "$out/report.json")
echo "== skopeo inspect --config docker://$first"
skopeo inspect --config --tls-verify=false "docker://$first" | python3 -m json.tool
echo "== rerun: converted images are found in place"
"$regmigrate" sync --from "$source_registry" --to "$destination" \
  --src-tls disabled --dest-tls disabled --report "$out/rerun.json" 2>&1 | tail -3
echo "== verify"
"$regmigrate" verify --from "$source_registry" --to "$destination" \
  --src-tls disabled --dest-tls disabled 2>&1 | tail -3
