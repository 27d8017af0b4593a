#!/usr/bin/env bash
# tests/run-unit.sh BIN... - run cmocka unit test binaries and sum them up.
# Each binary prints cmocka's own summary; the last line is the total in the
# plain "N passed, M failed" form that CI reads. Exit status 1 on any failure.
set -uo pipefail
passed=0 failed=0
for bin in "$@"; do
  echo "== $(basename "$bin")"
  out=$(timeout 300 "$bin" 2>&1); rc=$?
  echo "$out"
  p=$(grep -oE '^\[  PASSED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | head -1)
  f=$(grep -oE '^\[  FAILED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | head -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] && [ "${f:-0}" = 0 ]; then failed=$((failed + 1)); echo "!! $bin exited $rc"; fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
