#!/usr/bin/env bash
# One image of many layers between two distant registries: fleetgen pushes one image of
# ONE_LAYERS (12) layers of ONE_LAYER_SIZE (1 MiB) bytes; every registry sits behind its
# own faultproxy adding ONE_LATENCY_MS (50) ms before each request and each new connection.
# `regmigrate copy` and `skopeo copy` each copy it ONE_RUNS (2) times, every time into a
# fresh destination registry. Prints a Markdown table: wall seconds, regmigrate's wall time
# over skopeo's in the same run, and regmigrate's HTTP requests; then checks the digest.
# Usage: bench/e2e/one_image.sh    (build first: tools/setup/build.sh regmigrate fleetgen faultproxy)
#        REGMIGRATE_WORK_BASE=/dev/shm ...   (registry storage in memory)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
layers=${ONE_LAYERS:-12}
layer_size=${ONE_LAYER_SIZE:-1048576}
latency_ms=${ONE_LATENCY_MS:-50}
runs=${ONE_RUNS:-2}
source "$root/tools/setup/registries.sh"
source "$root/bench/e2e/bench_common.sh"

source_registry=$(start_registry source)
"$build/tools/fleetgen" --registry "$source_registry" --repos 1 --tags 1 --base-layers 0 \
  --unique-layers "$layers" --unique-size "$layer_size" --multiarch-share 0 --oci-share 0 \
  --prefix one >/dev/null
image=one/app-0000:v0000
far_source=$(proxied source-proxy "$source_registry" "$latency_ms")

# timed LABEL command...: runs it, sets $seconds (wall).
timed() {
  local label=$1
  shift
  /usr/bin/time -f '%e' -o "$work/time" "$@" >"$work/out" 2>&1 ||
    { echo "failed ($label): $*" >&2; cat "$work/out" >&2; exit 1; }
  seconds=$(cat "$work/time")
}

echo "one image: $layers layers of $layer_size bytes, +$latency_ms ms per request and per new" \
  "connection on both sides"
echo
echo "| run | tool | wall s | regmigrate / skopeo | requests |"
echo "|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  ours=$(start_registry "ours-$run")
  far_ours=$(proxied "ours-proxy-$run" "$ours" "$latency_ms")
  timed regmigrate "$build/tools/regmigrate" copy "$far_source/$image" "$far_ours/$image" \
    --src-tls disabled --dest-tls disabled --metrics-file "$work/run-$run.prom"
  ours_seconds=$seconds
  requests=$(awk '/^regmigrate_http_requests_total/ { n += $NF } END { printf "%d", n }' \
    "$work/run-$run.prom")

  theirs=$(start_registry "skopeo-$run")
  far_theirs=$(proxied "skopeo-proxy-$run" "$theirs" "$latency_ms")
  timed skopeo skopeo copy --src-tls-verify=false --dest-tls-verify=false \
    "docker://$far_source/$image" "docker://$far_theirs/$image"
  ratio=$(awk -v a="$ours_seconds" -v b="$seconds" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '| %s | regmigrate copy | %s | %s | %s |\n' "$run" "$ours_seconds" "$ratio" "$requests"
  printf '| %s | skopeo copy | %s | | n/a |\n' "$run" "$seconds"

  a=$(skopeo inspect --tls-verify=false --raw "docker://$ours/$image" | sha256sum)
  b=$(skopeo inspect --tls-verify=false --raw "docker://$source_registry/$image" | sha256sum)
  [[ "$a" == "$b" ]] || { echo "DIGEST MISMATCH in run $run"; exit 1; }
done
echo
echo "digest preserved in every run: ${a%% *}"
