#!/usr/bin/env bash
# tests/e2e/segue.sh BUILD_DIR - the guests are built with Segue, with
# flags gcc can compile them with, and from a profile.
#
# Checks that both AOT guest objects address linear memory through %gs
# (unless the build turned Segue off), that the guests' gcc flags compile
# gcc 12's FRE crash reproducer (segue_fre_ice.c), and says whether that
# gcc still needs the workaround. Prints "segue: N passed, M failed".
set -uo pipefail
BUILD=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

flags=$(LSB_GUESTS=cflags bash "$ROOT/scripts/guests.sh" "$BUILD")
check "the guests' gcc flags are printed" '[ -n "$flags" ]'
if [[ $flags == *-DLSB_SEGUE=1* ]]; then
  for g in python quickjs; do
    n=$(objdump -d --no-show-raw-insn "$BUILD/guests/$g/guest.o" | grep -c '%gs:')
    check "$g guest: memory accesses through %gs ($n)" '[ "$n" -gt 10000 ]'
  done
  check "Segue builds turn FRE off" '[[ $flags == *-fno-tree-fre* ]]'
else
  echo "note: this build has Segue off (SEGUE=0)"
fi
# Profile-guided guests (scripts/guests.sh, PGO): the object that ships
# was compiled with the profile, not the instrumented one.
if [ "${LSB_PGO:-1}" = 1 ]; then
  for g in python quickjs; do
    check "$g guest: built with a profile ($(stat -c %s "$BUILD/guests/$g/profile.gcda" 2>/dev/null) bytes)" \
      '[ -s "$BUILD/guests/$g/profile.gcda" ]'
    counters=$(nm "$BUILD/guests/$g/guest.o" | grep -c '__gcov')
    check "$g guest: no profiling counters left in the object ($counters)" '[ "$counters" = 0 ]'
  done
else
  echo "note: this build has profile-guided optimisation off (LSB_PGO=0)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086 # the flags are words
check "the guests' flags compile the FRE reproducer" \
  'gcc $flags -DLSB_SEGUE=1 -c "$ROOT/tests/e2e/segue_fre_ice.c" -o "$tmp/ok.o" 2>"$tmp/err"'
if gcc -O2 -c "$ROOT/tests/e2e/segue_fre_ice.c" -o "$tmp/plain.o" 2>/dev/null; then
  echo "note: this gcc compiles the reproducer with FRE on; -fno-tree-fre may be dropped"
else
  echo "note: this gcc still crashes on the reproducer with FRE on"
fi
echo "segue: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
