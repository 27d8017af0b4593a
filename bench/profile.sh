#!/usr/bin/env bash
# bench/profile.sh BUILD_DIR LANG FILE - perf profile of one guest workload.
#
# Records `llm-sandbox run` of FILE (python or javascript) with perf and
# prints bench/profile.py's breakdown of the guest's samples: linear
# memory, fuel, __stack_pointer, indirect calls, br_table dispatch and the
# rest, then the hottest guest functions. Needs perf (Debian's linux-perf);
# prints a note and succeeds without it.
set -euo pipefail

BUILD=$(realpath "$1")
LANG_NAME=$2
FILE=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# wasm2c names __stack_pointer after the name section (python's) or its
# index (QuickJS's stripped guest: global 0).
GUEST=python SP_FIELD=w2c___stack_pointer
[ "$LANG_NAME" = javascript ] && GUEST=quickjs SP_FIELD=w2c_g0

command -v perf >/dev/null || { echo "  (perf not installed: apt-get install linux-perf)"; exit 0; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# The instance offset of __stack_pointer, read from the guest's own wasm2c
# header (the fuel counter is in a register: profile.py).
cat >"$OUT/offsets.c" <<C
#include <stddef.h>
#include <stdio.h>
#include "$BUILD/guests/$GUEST/guest.h"
int main(void) {
    printf("%zu\n", offsetof(Z_${GUEST}_instance_t, $SP_FIELD));
    return 0;
}
C
gcc -I/usr/share/wabt/wasm2c "$OUT/offsets.c" -o "$OUT/offsets"
read -r SP_OFF < <("$OUT/offsets")

perf record -q -F 2000 -o "$OUT/perf.data" -- "$BUILD/llm-sandbox" run --fuel 1000000000000 \
  --timeout 600 --memory 1GiB --lang "$LANG_NAME" "$FILE" >/dev/null 2>"$OUT/perf.err" ||
  { echo "  (perf record failed: $(tail -1 "$OUT/perf.err"))"; exit 0; }
python3 "$ROOT/bench/profile.py" "$OUT/perf.data" "$SP_OFF"
