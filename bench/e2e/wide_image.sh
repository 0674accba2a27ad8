#!/usr/bin/env bash
# One image of WIDE_LAYERS (6) layers of WIDE_LAYER_SIZE (32 MiB) between two local
# registries, bound by how fast the destination ingests: `regmigrate copy` at
# --image-parallelism 1 and WIDE_PARALLELISM (6), and `skopeo copy`, each twice into a
# fresh registry. Prints wall seconds and MiB/s; compare with bench/e2e/ingest_limit.sh at
# the same parallelism (INGEST_BLOBS=6 INGEST_SIZE=33554432 INGEST_PARALLEL="1 6").
# Usage: bench/e2e/wide_image.sh    (build first: tools/setup/build.sh regmigrate fleetgen)
#        REGMIGRATE_WORK_BASE=/dev/shm ...   (registry storage in memory)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
layers=${WIDE_LAYERS:-6}
layer_size=${WIDE_LAYER_SIZE:-33554432}
parallelism=${WIDE_PARALLELISM:-6}
source "$root/tools/setup/registries.sh"

source_registry=$(start_registry source)
"$build/tools/fleetgen" --registry "$source_registry" --repos 1 --tags 1 --base-layers 0 \
  --unique-layers "$layers" --unique-size "$layer_size" --multiarch-share 0 --oci-share 0 \
  --prefix wide >/dev/null
image=wide/app-0000:v0000
mib=$(awk -v n="$layers" -v s="$layer_size" 'BEGIN { printf "%.1f", n * s / 1048576 }')

row() {  # tool-label command...
  local label=$1 seconds
  shift
  /usr/bin/time -f '%e' -o "$work/time" "$@" >"$work/out" 2>&1 ||
    { echo "failed: $*" >&2; cat "$work/out" >&2; exit 1; }
  seconds=$(cat "$work/time")
  awk -v l="$label" -v t="$seconds" -v m="$mib" 'BEGIN { printf "| %s | %s | %.1f |\n", l, t, m / t }'
}

echo "One image: $layers layers of $layer_size bytes ($mib MiB)"
echo
echo "| tool | wall s | MiB/s |"
echo "|---|---|---|"
for run in 1 2; do
  for p in 1 "$parallelism"; do
    destination=$(start_registry "ours-$p-$run")
    row "regmigrate copy --image-parallelism $p" "$build/tools/regmigrate" copy \
      "$source_registry/$image" "$destination/$image" --src-tls disabled --dest-tls disabled \
      --image-parallelism "$p"
  done
  destination=$(start_registry "skopeo-$run")
  row "skopeo copy" skopeo copy --src-tls-verify=false --dest-tls-verify=false \
    "docker://$source_registry/$image" "docker://$destination/$image"
done
