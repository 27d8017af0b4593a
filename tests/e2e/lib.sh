# tests/e2e/lib.sh - the helpers every end-to-end script shares (sourced
# after BIN is set): a temporary folder $T removed at exit, the ok/bad
# counters, `run` of `$BIN run`, the JSON getters, the expect_* checks, and
# `finish NAME`, which prints the "NAME: N passed, M failed" line CI reads
# and returns 1 on any failure.
# shellcheck shell=bash

T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; echo "     ${2:0:600}"; }

# run ARGS... -> $OUT (stdout), $ERR (stderr), $RC of `$BIN run ARGS...`
run() {
  OUT=$("$BIN" run "$@" 2>"$T/stderr"); RC=$?
  ERR=$(cat "$T/stderr")
}
# jrun ARGS... -> like run, with --json; J is the JSON document
jrun() { run --json "$@"; J=$OUT; }
jget() { jq -r "$1" <<<"$J" 2>/dev/null; }
expect_eq() { # NAME ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected [$3], got [$2]; stderr: $ERR"; fi
}
expect_match() { # NAME TEXT REGEX
  if grep -qE -- "$3" <<<"$2"; then ok "$1"; else bad "$1" "no match for /$3/ in [$2]; stderr: $ERR"; fi
}
expect_no_match() { # NAME TEXT REGEX
  if grep -qE -- "$3" <<<"$2"; then bad "$1" "unexpected /$3/ in [$2]"; else ok "$1"; fi
}
# finish NAME: the summary line; fails when any check failed
finish() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
