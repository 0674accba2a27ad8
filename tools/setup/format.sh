#!/usr/bin/env bash
# clang-format (the Debian package, .clang-format at the root) over every C++ file git
# tracks. `format.sh` rewrites them in place; `format.sh --check` changes nothing and fails,
# naming the files, when one differs from its formatted self (the test command runs this).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [[ "${1:-}" == "--check" ]]; then
  if ! clang-format --dry-run --Werror "${files[@]}" 2>/dev/null; then
    echo "format: these files differ from clang-format's layout (run tools/setup/format.sh):" >&2
    for file in "${files[@]}"; do
      clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || echo "  $file" >&2
    done
    exit 1
  fi
  echo "format: ${#files[@]} files clean"
else
  clang-format -i "${files[@]}"
fi
