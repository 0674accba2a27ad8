#!/usr/bin/env bash
# Runs the benchmarks and prints every result as Markdown tables, ready for README.md.
# Usage: bench/run_all.sh [SUITE...]
#   suites: micro big_blob one_image wide_image ingest w1 w2 scale   (default: all but scale, the heavy one)
#   BENCH_MIN_TIME=0.5   seconds per micro benchmark (Google Benchmark's min_time)
#   the e2e scripts' own variables pass through (W1_REPOS, INGEST_SIZE, SCALE_REPOS, ...)
# Build first: tools/setup/build.sh regmigrate fleetgen faultproxy micro_bench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export REGMIGRATE_BUILD_DIR=${REGMIGRATE_BUILD_DIR:-$root/build}
build=$REGMIGRATE_BUILD_DIR
suites=("$@")
((${#suites[@]})) || suites=(micro big_blob one_image wide_image ingest w1 w2)

micro() {
  local json
  json=$(mktemp /tmp/regmigrate-micro.XXXXXX.json)
  "$build/bench/micro_bench" --benchmark_min_time="${BENCH_MIN_TIME:-0.5}" \
    --benchmark_format=json --benchmark_out="$json" --benchmark_out_format=json >/dev/null
  python3 - "$json" <<'PY'
import json, sys

def rate(value, unit):
    for prefix in ("", "k", "M", "G"):
        if value < 1000 or prefix == "G":
            return f"{value:.1f} {prefix}{unit}"
        value /= 1000

report = json.load(open(sys.argv[1]))
print("| benchmark | wall time | CPU time | iterations | throughput |")
print("|---|---|---|---|---|")
for run in report["benchmarks"]:
    if run.get("run_type") == "aggregate":
        continue
    unit = run["time_unit"]
    if "bytes_per_second" in run:
        throughput = rate(run["bytes_per_second"], "B/s")
    elif "items_per_second" in run:
        throughput = rate(run["items_per_second"], "items/s")
    else:
        throughput = ""
    name = run["name"] + (f" ({run['label']})" if run.get("label") else "")
    print(f"| {name} | {run['real_time']:.3g} {unit} | {run['cpu_time']:.3g} {unit} "
          f"| {run['iterations']} | {throughput} |")
PY
  rm -f "$json"
}

for suite in "${suites[@]}"; do
  echo "## $suite"
  echo
  case $suite in
    micro) micro ;;
    big_blob) "$root/bench/e2e/big_blob.sh" ;;
    one_image) "$root/bench/e2e/one_image.sh" ;;
    wide_image) "$root/bench/e2e/wide_image.sh" ;;
    ingest) "$root/bench/e2e/ingest_limit.sh" ;;
    w1) "$root/bench/e2e/w1_sync.sh" ;;
    w2) "$root/bench/e2e/w2_sync.sh" ;;
    scale) "$root/bench/e2e/scale_10k.sh" ;;
    *) echo "unknown suite '$suite' (micro big_blob one_image wide_image ingest w1 w2 scale)" >&2; exit 2 ;;
  esac
  echo
done
