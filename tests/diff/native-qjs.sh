#!/usr/bin/env bash
# tests/diff/native-qjs.sh BUILD_DIR - builds BUILD_DIR/native-qjs/qjs, a
# native QuickJS from the very tarball the guest is built from (npm
# qjsc@0.3.0, deps/quickjs_2021_03_27, pinned in guest/js/build.sh), as
# upstream ships it: no guest patches, upstream Makefile, gcc, quickjs-libc.
# It is the reference of the differential test (tests/diff/run.sh): the
# guest (our patches, wasi-libc, wasm2c, fuel) must print what it prints.
#
# The tarball is taken from a guest build's cache folder when one holds it
# (js-build/ of a quickjs-wasm-* entry), else fetched with `npm pack` like
# guest/js/build.sh does; either way it is checked against the pin. The
# binary is cached in $LSB_CACHE_DIR/native-qjs-KEY, KEY a hash of the
# tarball, this script and the compiler version, so a warm run does nothing.
set -euo pipefail
shopt -s nullglob

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(realpath -m "$1")/native-qjs
CACHE=${LSB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-wasm-sandbox}
log() { echo "[native-qjs] $*" >&2; }

# The pin lives in one place: the guest's build script.
eval "$(grep -E '^QJS_(NPM_SPEC|TARBALL|TARBALL_SHA256|SUBDIR)=' "$ROOT/guest/js/build.sh")"
pinned() { echo "$QJS_TARBALL_SHA256  $1" | sha256sum --check --status; }

# find_tarball -> prints the path of a tarball matching the pin, fetching
# one into the cache when no guest build left one there.
find_tarball() {
  local t tmp own="$CACHE/native-qjs-src/$QJS_TARBALL"
  for t in "$own" "$CACHE"/quickjs-wasm-*/js-build/"$QJS_TARBALL"; do
    if [ -f "$t" ] && pinned "$t"; then echo "$t"; return 0; fi
  done
  log "fetching $QJS_NPM_SPEC from npm"
  mkdir -p "$CACHE/native-qjs-src"
  tmp=$(mktemp -d "$CACHE/native-qjs-src/npm.XXXXXX")
  (cd "$tmp" && npm pack --silent "$QJS_NPM_SPEC" >/dev/null)
  mv "$tmp/$QJS_TARBALL" "$own.tmp" && rm -rf "$tmp"
  pinned "$own.tmp" || { log "error: $QJS_NPM_SPEC does not match the pinned SHA-256"; exit 1; }
  mv "$own.tmp" "$own"
  echo "$own"
}

key=$({ echo "$QJS_TARBALL_SHA256"; gcc --version | head -1; cat "$0"; } | sha256sum | cut -c1-24)
dir="$CACHE/native-qjs-$key"
if [ ! -f "$dir/.complete" ]; then
  tarball=$(find_tarball)
  log "building QuickJS natively (cache miss, key $key; about a minute)"
  rm -rf "$dir" "$dir.tmp" && mkdir -p "$dir.tmp"
  tar -xzf "$tarball" -C "$dir.tmp" "$QJS_SUBDIR"
  # No LTO: it only slows the build down. The Makefile's own warnings are
  # upstream's, not ours.
  make -s -C "$dir.tmp/$QJS_SUBDIR" CONFIG_LTO= qjs >"$dir.tmp/make.log" 2>&1 ||
    { tail -20 "$dir.tmp/make.log" >&2; log "error: the native build failed"; exit 1; }
  mkdir -p "$dir" && mv "$dir.tmp/$QJS_SUBDIR/qjs" "$dir/qjs" && rm -rf "$dir.tmp"
  touch "$dir/.complete"
fi
mkdir -p "$OUT"
cmp -s "$dir/qjs" "$OUT/qjs" 2>/dev/null || cp "$dir/qjs" "$OUT/qjs"
