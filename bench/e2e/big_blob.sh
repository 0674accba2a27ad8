#!/usr/bin/env bash
# Copies one image holding a single large layer (default 256 MiB + 1 byte) between two
# local registries, with regmigrate and with `skopeo copy`, into fresh destinations, and
# prints wall time and peak RSS of each as a Markdown table.
# Usage: bench/e2e/big_blob.sh [BYTES]     (build first: tools/setup/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
size=${1:-268435457}
source "$root/tools/setup/registries.sh"

source_registry=$(start_registry source)
"$build/tools/fleetgen" --registry "$source_registry" --repos 1 --tags 1 --base-layers 0 \
  --unique-size "$size" --multiarch-share 0 --oci-share 0 --prefix big >/dev/null
image=big/app-0000:v0000

measure() {  # label command... -> "| label | seconds | MiB |"
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
  read -r seconds kib <"$work/time"
  printf '| %s | %s | %d |\n' "$label" "$seconds" $((kib / 1024))
}

echo "| tool | wall seconds | peak RSS MiB |"
echo "|---|---|---|"
ours=$(start_registry ours)
measure regmigrate "$build/tools/regmigrate" copy "$source_registry/$image" "$ours/$image" \
  --src-tls disabled --dest-tls disabled
theirs=$(start_registry skopeo)
measure "skopeo copy" skopeo copy --src-tls-verify=false --dest-tls-verify=false \
  "docker://$source_registry/$image" "docker://$theirs/$image"
a=$(skopeo inspect --tls-verify=false --raw "docker://$ours/$image" | sha256sum)
b=$(skopeo inspect --tls-verify=false --raw "docker://$source_registry/$image" | sha256sum)
[[ "$a" == "$b" ]] && echo "digest preserved: ${a%% *}" || { echo "DIGEST MISMATCH"; exit 1; }
