#!/usr/bin/env bash
# scripts/check-rebuild.sh - a second `make` with nothing changed must do no
# guest work: every guest step reports a cache hit and nothing is rebuilt.
# Prints "rebuild: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(make all 2>&1); rc=$?
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi; }
check "make succeeds" '[ $rc -eq 0 ]'
check "both guest wasm builds cached" '[ "$(grep -c "guest wasm: cached" <<<"$out")" -eq 2 ]'
check "both AOT objects cached" '[ "$(grep -c "AOT object: cached" <<<"$out")" -eq 2 ]'
check "no guest compilation" '! grep -qE "building from sources|injecting fuel|wasm2c|\[python\]|\[js\]" <<<"$out"'
check "no snapshot rebuilt" '! grep -q "\[snapshot\]" <<<"$out"'
[ $failed -eq 0 ] || echo "$out" | tail -20
echo "rebuild: $passed passed, $failed failed"
[ $failed -eq 0 ]
