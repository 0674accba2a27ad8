#!/usr/bin/env bash
# One fleet workload synced side by side: fills a local registry with fleetgen, syncs it
# into a fresh registry with `regmigrate sync` and into another with `skopeo sync`, then
# reruns both unchanged (warm), and ends with `regmigrate verify`. Prints a Markdown table
# of wall time, its ratio to regmigrate's in the same run, peak RSS, the CPU time of the
# tool and of the two registries it talked to during the run, HTTP requests and bytes moved.
# Usage: bench/e2e/fleet_sync.sh NAME FLEETGEN-OPTION...   (NAME is the repository prefix)
#        REGMIGRATE_OPTIONS="--jobs 8" ...                  (extra sync options)
#        REGMIGRATE_WORK_BASE=/dev/shm ...                   (registry storage in memory)
#        SKIP_SKOPEO=1 ...                                   (regmigrate rows only)
#        REGMIGRATE_BASELINE=/path/to/regmigrate ...          (another build of regmigrate, e.g.
#                                                               the last release, synced into a
#                                                               registry of its own in the same
#                                                               run: before/after figures)
# Called by w1_sync.sh and w2_sync.sh; build first: tools/setup/build.sh regmigrate fleetgen
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
name=$1
shift
read -r -a extra_options <<<"${REGMIGRATE_OPTIONS:-}"
source "$root/tools/setup/registries.sh"
source "$root/bench/e2e/bench_common.sh"

source_registry=$(start_registry source)
"$build/tools/fleetgen" --registry "$source_registry" --prefix "$name" --list "$@" \
  >"$work/fleet.txt"
images=$(grep -c "^$name/" "$work/fleet.txt")
unique_bytes=$(awk '$1 == "unique_blob_bytes" { print $2 }' "$work/fleet.txt")

# skopeo's YAML source: every repository with its tags listed ("REPO:TAG DIGEST" lines).
skopeo_source "$work/fleet.txt" "$name" "$source_registry" >"$work/skopeo.yaml"

ours=$(start_registry ours)
baseline=${REGMIGRATE_BASELINE:-}
[[ -z "$baseline" ]] || baseline_registry=$(start_registry baseline)
theirs=$(start_registry skopeo)
declare -A wall

# timed DESTINATION command... runs the command against the source registry and the
# registry named DESTINATION; sets $seconds, $mib, $cpu (the command's user + system
# seconds) and $registry_cpu (what both registries used meanwhile).
timed() {
  local destination=$1 before user system after
  shift
  before=$(registry_cpu_seconds source "$destination")
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>&1 ||
    { echo "failed: $*" >&2; cat "$work/out" >&2; exit 1; }
  after=$(registry_cpu_seconds source "$destination")
  read -r seconds kib user system <"$work/time"
  mib=$((kib / 1024))
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  registry_cpu=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')
}

row() {  # run tool requests bytes (the rest comes from the last `timed`)
  local ratio
  ratio=$(awk -v a="$seconds" -v b="${wall[$1]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$seconds" "$ratio" \
    "$mib" "$cpu" "$registry_cpu" "$3" "$4"
}

regmigrate_sync() {  # run [tool-name binary registry-name destination]
  local tool=${2:-regmigrate} binary=${3:-$build/tools/regmigrate} into=${4:-ours}
  local destination=${5:-$ours} requests bytes
  timed "$into" "$binary" sync --from "$source_registry" --to "$destination" \
    --src-tls disabled --dest-tls disabled --error-action abort \
    --report "$work/$1-$into.json" --metrics-file "$work/$1-$into.prom" "${extra_options[@]}"
  [[ "$tool" != regmigrate ]] || wall[$1]=$seconds
  requests=$(awk '/^regmigrate_http_requests_total/ { n += $NF } END { printf "%d", n }' \
    "$work/$1-$into.prom")
  bytes=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["bytes_transferred"])' \
    "$work/$1-$into.json")
  row "$1" "$tool" "$requests" "$bytes"
}

skopeo_sync() {  # run
  timed skopeo skopeo sync --all --preserve-digests --src yaml --dest docker \
    --src-tls-verify=false --dest-tls-verify=false "$work/skopeo.yaml" "$theirs/$name"
  # skopeo reports neither requests nor bytes; the registries log at level warn only.
  row "$1" "skopeo sync" n/a n/a
}

stored_bytes() {  # registry-name -> bytes of blob data in its storage
  find "$work/$1/docker/registry/v2/blobs" -name data -printf '%s\n' 2>/dev/null |
    awk '{ n += $1 } END { printf "%d", n }'
}

echo "$name: $images images, $unique_bytes unique blob bytes (fleetgen $*)"
echo
echo "| run | tool | wall s | ratio | peak RSS MiB | tool CPU s | registries CPU s | requests | bytes |"
echo "|---|---|---|---|---|---|---|---|---|"
for run in cold warm; do
  regmigrate_sync "$run"
  [[ -z "$baseline" ]] ||
    regmigrate_sync "$run" "regmigrate baseline" "$baseline" baseline "$baseline_registry"
  [[ -n "${SKIP_SKOPEO:-}" ]] || skopeo_sync "$run"
done
echo
echo "destination blob bytes stored: regmigrate $(stored_bytes ours), skopeo $(stored_bytes skopeo)"

"$build/tools/regmigrate" verify --from "$source_registry" --to "$ours" \
  --src-tls disabled --dest-tls disabled >"$work/verify.out" 2>&1 ||
  { echo "VERIFY FAILED"; cat "$work/verify.out"; exit 1; }
echo "regmigrate verify: every tag matches the source"
