#!/usr/bin/env bash
# Fleet W1's shape between distant registries: the source and each destination sit behind
# their own faultproxy adding WAN_LATENCY_MS (20) ms before every request and every new
# connection (bytes are not slowed), registry storage in memory (distribution's inmemory
# driver). `regmigrate sync` and `skopeo sync --all` side by side, cold then warm (rerun
# unchanged); then regmigrate alone at WAN_FAR_LATENCY_MS (100), cold and warm.
# Columns: wall s; ratio (the tool's wall time over regmigrate's in the same run and
# latency); requests and new connections, as both proxies counted them; effective
# concurrency, requests × D / wall (how many requests were in flight on average);
# regmigrate's peak transfers in flight, sampled from its live /metrics; CPU seconds the
# two registries used. Then the trajectory of regmigrate_transfer_limit in each cold
# regmigrate run (every change, with the transfers in flight at that moment).
# A warm regmigrate row is the median of WAN_WARM_RUNS (5) runs: under a second, its wall
# time varies more with the registries' garbage collection than with regmigrate.
# Usage: bench/e2e/wan_sync.sh   (build first: tools/setup/build.sh regmigrate fleetgen faultproxy)
#        WAN_REPOS=20 WAN_TAGS=10 (default: 200 images, W1 is 100 × 10)
#        SKIP_SKOPEO=1 ...        (regmigrate rows only)
#        REGMIGRATE_OPTIONS="--jobs 64" ...   (extra sync options)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
repos=${WAN_REPOS:-20}
tags=${WAN_TAGS:-10}
near=${WAN_LATENCY_MS:-20}
far=${WAN_FAR_LATENCY_MS:-100}
warm_runs=${WAN_WARM_RUNS:-5}
read -r -a extra_options <<<"${REGMIGRATE_OPTIONS:-}"
export REGMIGRATE_REGISTRY_STORAGE=inmemory
source "$root/tools/setup/registries.sh"
source "$root/bench/e2e/bench_common.sh"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

source_registry=$(start_registry source)
"$build/tools/fleetgen" --registry "$source_registry" --prefix wan --list --repos "$repos" \
  --tags "$tags" --base-layers 3 --base-size 2097152 --unique-size 262144 \
  --multiarch-share 0.2 >"$work/fleet.txt"
images=$(grep -c '^wan/' "$work/fleet.txt")
declare -A wall

# measured RUN TOOL DELAY DESTINATION command-with-SRC-and-DST...: puts proxies adding
# DELAY ms in front of the source and DESTINATION (fresh ones, so their counts are this
# run's), replaces the words SRC and DST in the command by their addresses, runs it and
# prints its row.
measured() {
  local run=$1 tool=$2 delay=$3 destination=$4 far_source far_destination before after
  shift 4
  far_source=$(proxied src-proxy "$source_registry" "$delay")
  far_destination=$(proxied dst-proxy "$(cat "$work/$destination.addr")" "$delay")
  local command=()
  for word in "$@"; do
    word=${word//SRC/$far_source}
    command+=("${word//DST/$far_destination}")
  done
  local metrics_port sampler=""
  if [[ "$tool" == regmigrate ]]; then
    metrics_port=$(free_port)
    : >"$work/samples-$run-$delay"
    command+=(--metrics-addr "127.0.0.1:$metrics_port")
    python3 "$root/bench/e2e/metrics_sampler.py" "http://127.0.0.1:$metrics_port/metrics" \
      "$work/samples-$run-$delay" &
    sampler=$!
  else
    skopeo_source "$work/fleet.txt" wan "$far_source" >"$work/skopeo.yaml"
  fi
  before=$(registry_cpu_seconds source "$destination")
  /usr/bin/time -f '%e' -o "$work/time" "${command[@]}" >"$work/out" 2>&1 ||
    { echo "failed: ${command[*]}" >&2; cat "$work/out" >&2; exit 1; }
  after=$(registry_cpu_seconds source "$destination")
  [[ -z "$sampler" ]] || { kill "$sampler"; wait "$sampler" 2>/dev/null || true; }
  local seconds src_counts dst_counts
  seconds=$(cat "$work/time")
  read -r -a src_counts <<<"$(proxy_summary src-proxy)"
  read -r -a dst_counts <<<"$(proxy_summary dst-proxy)"
  local key="$run-$delay" connections=$((src_counts[0] + dst_counts[0]))
  local requests=$((src_counts[1] + dst_counts[1])) peak=n/a
  [[ "$tool" != regmigrate ]] || wall[$key]=$seconds
  [[ -z "$sampler" ]] ||
    peak=$(awk '{ if ($2 > p) p = $2 } END { printf "%d", p }' "$work/samples-$run-$delay")
  awk -v run="$run" -v tool="$tool" -v d="$delay" -v s="$seconds" -v base="${wall[$key]}" \
    -v r="$requests" -v peak="$peak" -v c="$connections" -v cpu="$(awk -v a="$after" \
    -v b="$before" 'BEGIN { printf "%.2f", a - b }')" 'BEGIN {
      printf "| %s | %s | %s | %.2f | %.2f | %d | %.1f | %s | %d | %s |\n", run, tool, d, s,
        (base > 0 ? s / base : 0), r, (s > 0 ? r * d / 1000 / s : 0), peak, c, cpu }'
}

regmigrate_run() {  # run delay destination
  measured "$1" regmigrate "$2" "$3" "$build/tools/regmigrate" sync --from SRC --to DST \
    --src-tls disabled --dest-tls disabled --error-action abort --no-journal "${extra_options[@]}"
}

# regmigrate_warm DELAY DESTINATION: the warm row of median wall time among $warm_runs runs;
# the ratios of that latency are taken against it.
regmigrate_warm() {
  local delay=$1 destination=$2 rows="$work/warm-rows-$2" median
  : >"$rows"
  for _ in $(seq "$warm_runs"); do
    regmigrate_run warm "$delay" "$destination" >>"$rows"
  done
  median=$(sort -t'|' -k5,5 -g "$rows" | sed -n "$(((warm_runs + 1) / 2))p")
  wall[warm-$delay]=$(awk -F'|' '{ gsub(/ /, "", $5); print $5 }' <<<"$median")
  echo "${median/| warm |/| warm (median of $warm_runs) |}"
}

skopeo_run() {  # run delay destination
  measured "$1" "skopeo sync" "$2" "$3" skopeo sync --all --preserve-digests --src yaml \
    --dest docker --src-tls-verify=false --dest-tls-verify=false "$work/skopeo.yaml" DST/wan
}

for name in ours-near theirs-near ours-far; do
  start_registry "$name" >"$work/$name.addr"
done

echo "fleet: $images images (fleetgen --repos $repos --tags $tags, W1's shape), registries in" \
  "memory, each behind a faultproxy adding D ms per request and per new connection"
echo
echo "| run | tool | D ms | wall s | ratio | requests | effective concurrency | peak transfers in flight | new connections | registries CPU s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
regmigrate_run cold "$near" ours-near
[[ -n "${SKIP_SKOPEO:-}" ]] || skopeo_run cold "$near" theirs-near
regmigrate_warm "$near" ours-near
[[ -n "${SKIP_SKOPEO:-}" ]] || skopeo_run warm "$near" theirs-near
regmigrate_run cold "$far" ours-far
regmigrate_warm "$far" ours-far

for delay in "$near" "$far"; do
  echo
  echo "regmigrate_transfer_limit over the cold run at D = $delay ms (each change):"
  echo
  echo "| s | limit | transfers in flight |"
  echo "|---|---|---|"
  awk '$3 != last { printf "| %s | %d | %d |\n", $1, $3, $2; last = $3 }' \
    "$work/samples-cold-$delay"
done

"$build/tools/regmigrate" verify --from "$source_registry" --to "$(cat "$work/ours-near.addr")" \
  --src-tls disabled --dest-tls disabled >"$work/verify.out" 2>&1 ||
  { echo "VERIFY FAILED"; cat "$work/verify.out"; exit 1; }
echo
echo "regmigrate verify: every tag matches the source"
