#!/usr/bin/env bash
# scripts/format-check.sh - check every tracked C file against .clang-format.
# Prints each file that would change and a "format: N passed, M failed" total.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0
while IFS= read -r f; do
  if clang-format-14 --dry-run --Werror "$f" >/dev/null 2>&1; then passed=$((passed + 1));
  else failed=$((failed + 1)); echo "needs formatting: $f (run make format)"; fi
done < <(git ls-files '*.c' '*.h')
echo "format: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
