#!/usr/bin/env bash
# Sanitizer runs (not part of CI: a full ASan build and suite takes far longer than its budget).
#   asan: ASan+UBSan build in build-asan/, then the whole ctest suite (unit + integration).
#   tsan: TSan build in build-tsan/, then the tests that run the engine on several threads:
#         unit_engine, unit_transport and the integration suites that run `regmigrate sync`
#         (which spreads its workers over --threads event loops, 2 by default here).
# Reports go to BUILD/sanitizer-logs/ rather than stderr, so that a finding in a
# `regmigrate` child process is seen even when its test expected a failing exit code: the
# run fails if any report was written, whatever ctest says.
# Usage: tools/setup/sanitize.sh [asan|tsan|all]      (default: all)
# REGMIGRATE_SANITIZE_JOBS sets the build's and ctest's parallelism (default: 2).
set -euo pipefail

mode=${1:-all}
if ! [[ $mode =~ ^(asan|tsan|all)$ ]]; then
  echo "usage: $0 [asan|tsan|all]" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
jobs=${REGMIGRATE_SANITIZE_JOBS:-2}
suppressions=$root/tests/sanitizers
export CCACHE_DIR=${CCACHE_DIR:-$root/.cache/ccache} CCACHE_BASEDIR=$root

# ":suppressions=FILE" when tests/sanitizers/FILE exists (third-party findings only).
suppression_option() {
  if [[ -f $suppressions/$1 ]]; then echo ":suppressions=$suppressions/$1"; fi
}

# -O1 keeps the stacks readable and the run bearable; without NDEBUG, asserts stay on.
configure() {
  local build=$1
  shift
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DREGMIGRATE_BUILD_BENCH=OFF "$@" >/dev/null
}

# Prints every report in the log dir and fails if there is one.
check_logs() {
  local logs=$1 name=$2
  shopt -s nullglob
  local reports=("$logs"/*)
  shopt -u nullglob
  if ((${#reports[@]} > 0)); then
    for report in "${reports[@]}"; do
      echo "==== $report" >&2
      cat "$report" >&2
    done
    echo "sanitize: $name: ${#reports[@]} report(s) in $logs" >&2
    return 1
  fi
  echo "sanitize: $name: no sanitizer report"
}

run_asan() {
  local build=$root/build-asan logs=$root/build-asan/sanitizer-logs
  configure "$build" -DREGMIGRATE_SANITIZE=ON -DREGMIGRATE_TSAN=OFF || return 1
  cmake --build "$build" -j "$jobs" || return 1
  rm -rf "$logs" && mkdir -p "$logs" || return 1
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:log_path=$logs/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan"
  LSAN_OPTIONS="print_suppressions=0$(suppression_option lsan.supp)"
  export LSAN_OPTIONS
  UBSAN_OPTIONS+=$(suppression_option ubsan.supp)
  local status=0
  (cd "$build" && ctest --output-on-failure -j "$jobs" --timeout 900) || status=$?
  check_logs "$logs" asan || status=1
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
  return "$status"
}

# ctest names tests SUITE.NAME: the unit suites come from the binaries themselves, so new
# tests are picked up; the integration suites are those that run sync on several threads.
tsan_test_regex() {
  local build=$1 suites=(SyncTest SyncConfigTest SyncErrorActionTest ShardTest ResumeTest
    EcrSyncTest)
  local binary listing
  for binary in unit_engine unit_transport; do
    if ! listing=$("$build/tests/$binary" --gtest_list_tests); then
      echo "sanitize: $binary cannot list its tests" >&2
      return 1
    fi
    mapfile -t -O "${#suites[@]}" suites < <(sed -n 's/^\([A-Za-z0-9_/]*\)\.$/\1/p' <<<"$listing")
  done
  local IFS='|'
  echo "^(${suites[*]})\\."
}

run_tsan() {
  local build=$root/build-tsan logs=$root/build-tsan/sanitizer-logs
  configure "$build" -DREGMIGRATE_TSAN=ON -DREGMIGRATE_SANITIZE=OFF || return 1
  cmake --build "$build" -j "$jobs" --target unit_engine unit_transport integration_tests ||
    return 1
  rm -rf "$logs" && mkdir -p "$logs" || return 1
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$logs/tsan$(suppression_option tsan.supp)"
  export TSAN_OPTIONS
  local status=0 regex
  regex=$(TSAN_OPTIONS='' tsan_test_regex "$build") || return 1
  (cd "$build" && ctest --output-on-failure -j "$jobs" --timeout 900 -R "$regex") || status=$?
  check_logs "$logs" tsan || status=1
  unset TSAN_OPTIONS
  return "$status"
}

# The runs are called in a condition, where set -e does not apply: each step checks itself.
status=0
if [[ $mode == asan || $mode == all ]]; then run_asan || status=1; fi
if [[ $mode == tsan || $mode == all ]]; then run_tsan || status=1; fi
exit "$status"
