#!/usr/bin/env bash
# scripts/glue.sh BUILD_DIR NAME GUEST_HEADER WASM_HASH OUT.o - compiles
# src/wasm/guest_glue.c into the guest_module of guest NAME: the functions
# its wasm2c header GUEST_HEADER declares, and the sha256 of its
# instrumented wasm (snapshots made from another build are refused), with
# the host's own flags (BUILD_DIR/host-cflags, as the Makefile wrote them)
# and $CC (default gcc). The Makefile's glue objects, make bench's no-fuel
# binary and the PGO trainer (scripts/guests.sh) all compile it here.
# Relative paths are taken from the repository's root.
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: glue.sh BUILD_DIR NAME GUEST_HEADER WASM_HASH OUT.o" >&2; exit 64; }
build=$1 name=$2 header=$3 hash=$4 out=$5
cd "$(dirname "$0")/.."
read -r -a flags <"$build/host-cflags"
exec "${CC:-gcc}" "${flags[@]}" -DGUEST_NAME="$name" -DGUEST_HEADER="\"$header\"" \
  -DGUEST_WASM_HASH="\"$hash\"" -I. -c src/wasm/guest_glue.c -o "$out"
