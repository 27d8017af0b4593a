#!/usr/bin/env bash
# scripts/whole_jumps.sh GUEST_OBJECT - prints how many of the object's
# jumps go through a whole byte table (scripts/guest_asm.py, 0.): a
# memory-indirect `jmp` with a scale-8 index, at -2048 from the old
# table's base or, with a biased index, at 8 * bias less. The shipped-guest
# check (tests/e2e/guest_asm.sh) and make bench's baseline check
# (bench/run.sh) both count them here.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: whole_jumps.sh GUEST_OBJECT" >&2; exit 64; }
code=$(objdump -d --no-show-raw-insn "$1")
grep -c 'jmp  *\*-0x\(800\|[1-7]\?[0-9a-f]\?[0-9a-f]\)(%r[a-z0-9]*,%r[a-z0-9]*,8)' <<<"$code" || true
