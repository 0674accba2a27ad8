#!/usr/bin/env bash
# Fuzz smoke: builds the libFuzzer targets of tests/fuzz with clang (REGMIGRATE_FUZZ=ON, in
# build-fuzz/) and runs each on a scratch copy of its seed corpus for SECONDS_PER_TARGET
# (default 10). Fails if any target crashes, leaks or breaks an invariant; the input that did
# it is kept in build-fuzz/fuzz-findings/<target>/.
# Usage: tools/setup/fuzz.sh [SECONDS_PER_TARGET] [all|parsers|TARGET]
#   parsers: only the registry parsers, whose build is a few files (what CI's smoke runs);
#   all (default): plan_yaml too, which builds the whole engine with clang;
#   TARGET: that one target (reference, auth_challenge, link_header, manifest,
#   oci_layout_index, schema1_payload, plan_yaml).
set -euo pipefail

seconds=${1:-10}
set_name=${2:-all}
parser_targets=(reference auth_challenge link_header manifest oci_layout_index schema1_payload)
if ! [[ $seconds =~ ^[1-9][0-9]*$ &&
  $set_name =~ ^(all|parsers|reference|auth_challenge|link_header|manifest|oci_layout_index|schema1_payload|plan_yaml)$ ]]; then
  echo "usage: $0 [SECONDS_PER_TARGET] [all|parsers|TARGET]" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
case $set_name in
  parsers) targets=("${parser_targets[@]}") build_target=fuzz_parser_targets ;;
  all) targets=("${parser_targets[@]}" plan_yaml) build_target=fuzz_targets ;;
  *) targets=("$set_name") build_target=${set_name}_fuzz ;;
esac

export CCACHE_DIR=${CCACHE_DIR:-$root/.cache/ccache} CCACHE_BASEDIR=$root
# Tests and benchmarks are not needed here: only the parsers' libraries and the fuzz targets.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER=clang++ -DREGMIGRATE_FUZZ=ON \
  -DREGMIGRATE_BUILD_TESTS=OFF -DREGMIGRATE_BUILD_BENCH=OFF
cmake --build "$build" --target "$build_target"

failed=()
for target in "${targets[@]}"; do
  # libFuzzer adds what it finds to the corpus directory: keep the checked-in seeds as they are.
  work=$build/fuzz-work/$target
  findings=$build/fuzz-findings/$target
  rm -rf "$work"
  mkdir -p "$work" "$findings"
  cp "$root/tests/fuzz/corpus/$target"/* "$work"/
  echo "fuzz: $target for ${seconds}s"
  # Manifests may be up to 4 MiB, but the interesting structure fits well under 64 KiB.
  max_len=4096
  [[ $target == manifest ]] && max_len=65536
  if ! "$build/tests/fuzz/${target}_fuzz" "$work" -max_total_time="$seconds" \
    -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/" 2>"$build/fuzz-work/$target.log"; then
    tail -n 40 "$build/fuzz-work/$target.log" >&2
    failed+=("$target")
  fi
  grep -E '^stat::number_of_executed_units' "$build/fuzz-work/$target.log" || true
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/fuzz-findings/)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a finding"
