#!/usr/bin/env bash
# The scale run: a registry holding SCALE_REPOS repositories × SCALE_TAGS tags of small
# layers (default 10,000 × 5 = 50,000 tags). Measures wall time and peak RSS of
# enumerate+plan (`regmigrate sync --dry-run`) and of the full cold sync, at two fleet
# sizes (SCALE_SMALL_REPOS, default SCALE_REPOS / 10, and SCALE_REPOS), so growth per tag —
# the figure that decides whether a million tags fit one process — is the difference between
# the two, not polluted by fixed costs. The small size must fill the run's bounded buffers
# (the report's in-memory run of 4,096 records, the blob ledger's 8,192 blobs: about 4,100
# tags of this fleet) or their filling shows up as growth. SCALE_SKOPEO=1 adds `skopeo sync` of the large fleet.
# Each source is filled by `fleetgen --storage-dir` straight into the registry's storage
# before the registry starts (the same fleet HTTP pushes would make, in a minute or two
# instead of hours); the destinations are filled by the syncs being measured.
# The last column, RSS growth per tag, is the figure to keep flat (target: at most 64 bytes).
# REGMIGRATE_BIN=PATH measures another regmigrate binary (e.g. a baseline build) on the same
# fleets; SCALE_PHASES="plan" measures only the dry runs (minutes instead of hours).
# Usage: bench/e2e/scale_10k.sh                        (heavy: the syncs take the time)
#        SCALE_REPOS=2000 SCALE_SMALL_REPOS=1000 bench/e2e/scale_10k.sh   (5,000 and 10,000 tags)
#        SCALE_REPOS=200 SCALE_TAGS=2 bench/e2e/scale_10k.sh   (a quick smoke run)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${REGMIGRATE_BUILD_DIR:-$root/build}
repos=${SCALE_REPOS:-10000}
tags=${SCALE_TAGS:-5}
regmigrate=${REGMIGRATE_BIN:-$build/tools/regmigrate}
phases=${SCALE_PHASES:-plan sync}
source "$root/tools/setup/registries.sh"

declare -A seconds_of rss_of

measure() {  # key command... -> seconds_of[key], rss_of[key] (KiB)
  local key=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>&1 ||
    { echo "failed: $*" >&2; tail -20 "$work/out" >&2; exit 1; }
  read -r "seconds_of[$key]" "rss_of[$key]" <"$work/time"
}

run_size() {  # label repositories
  local label=$1 count=$2 source_registry destination
  # start_registry NAME serves $work/NAME: fill it while no registry is running on it.
  measure "fill-$label" "$build/tools/fleetgen" --storage-dir "$work/source-$label" \
    --repos "$count" --tags "$tags" --base-layers 1 --base-size 4096 --unique-size 1024 \
    --multiarch-share 0 --prefix scale --jobs 4
  source_registry=$(start_registry "source-$label")
  destination=$(start_registry "destination-$label")
  local common=(--from "$source_registry" --to "$destination" --src-tls disabled
    --dest-tls disabled --error-action abort)
  # Both write a --report: its entries are per-tag state the run must not hold in memory.
  if [[ " $phases " == *" plan "* ]]; then
    measure "plan-$label" "$regmigrate" sync "${common[@]}" --dry-run --report "$work/plan-$label.json"
  fi
  if [[ " $phases " == *" sync "* ]]; then
    measure "sync-$label" "$regmigrate" sync "${common[@]}" --report "$work/sync-$label.json"
  fi
  if [[ $label == large && ${SCALE_SKOPEO:-0} == 1 ]]; then
    "$regmigrate" ls "$source_registry" --src-tls disabled >"$work/repos.txt"
    {
      echo "$source_registry:"
      echo "  tls-verify: false"
      echo "  images-by-tag-regex:"
      sed 's/^/    /; s/$/: ".*"/' "$work/repos.txt"
    } >"$work/skopeo.yaml"
    skopeo_destination=$(start_registry skopeo)
    measure "skopeo-$label" skopeo sync --all --preserve-digests --src yaml --dest docker \
      --src-tls-verify=false --dest-tls-verify=false "$work/skopeo.yaml" "$skopeo_destination/scale"
  fi
  for name in "source-$label" "destination-$label"; do
    kill "$(cat "$work/$name.pid")"
  done
}

((repos >= 10)) || { echo "SCALE_REPOS must be at least 10 (two sizes: /10 and whole)" >&2; exit 2; }
small=${SCALE_SMALL_REPOS:-$((repos / 10))}
((small < repos)) || { echo "SCALE_SMALL_REPOS must be below SCALE_REPOS" >&2; exit 2; }
run_size small "$small"
run_size large "$repos"
small_tags=$((small * tags))
large_tags=$((repos * tags))

echo "Scale: $small and $repos repositories × $tags tags (one 4 KiB base, 1 KiB own layer)"
echo "Source fill (fleetgen --storage-dir): ${seconds_of[fill-small]} s and ${seconds_of[fill-large]} s"
echo
echo "| phase | tags | wall s | peak RSS MiB | µs per tag | RSS growth bytes per tag |"
echo "|---|---|---|---|---|---|"
for phase in plan sync skopeo; do
  [[ -n ${seconds_of[$phase-large]:-} ]] || continue
  for label in small large; do
    [[ -n ${seconds_of[$phase-$label]:-} ]] || continue
    count=$([[ $label == small ]] && echo "$small_tags" || echo "$large_tags")
    growth=n/a
    if [[ $label == large && -n ${rss_of[$phase-small]:-} ]]; then
      growth=$(((rss_of[$phase-large] - rss_of[$phase-small]) * 1024 / (large_tags - small_tags)))
    fi
    awk -v p="$phase" -v n="$count" -v s="${seconds_of[$phase-$label]}" \
      -v k="${rss_of[$phase-$label]}" -v g="$growth" \
      'BEGIN { printf "| %s | %d | %.2f | %d | %.0f | %s |\n", p, n, s, k / 1024, s * 1e6 / n, g }'
  done
done
