#!/usr/bin/env bash
# scripts/data.sh DEST - build the read-only tree the guests see at /data.
#
#   DEST/site-packages/  vendored pure-Python packages (guest/python/vendor.sh)
#                        and our own modules (guest/python/site/)
#   DEST/js/             CommonJS modules for require() (guest/js/vendor.sh)
#
# The tree is built once into the cache, in a folder named by a sha256 of
# every input (the scripts and our own module files, with their relative
# paths), and DEST becomes a link to it. A warm build does no work.
set -euo pipefail

DEST=$(realpath -ms "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${LSB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-wasm-sandbox}

log() { echo "[data] $(date +%T) $*"; }

# sha256 over the relative path and content of every input file.
data_key() {
  cd "$ROOT"
  find scripts/data.sh guest/python/vendor.sh guest/js/vendor.sh guest/python/site guest/js/lib \
    -type f 2>/dev/null | LC_ALL=C sort | while read -r f; do
    printf '%s %s\n' "$f" "$(sha256sum <"$f" | cut -c1-64)"
  done | sha256sum | cut -c1-24
}

key=$(data_key)
dir="$CACHE/data-$key"
if [ -f "$dir/.complete" ]; then
  log "vendored packages: cached ($dir)"
else
  log "vendored packages: building (cache miss, key $key)"
  rm -rf "$dir" && mkdir -p "$dir"
  bash "$ROOT/guest/python/vendor.sh" "$dir/site-packages"
  bash "$ROOT/guest/js/vendor.sh" "$dir/js"
  touch "$dir/.complete"
  log "vendored packages ready"
fi
mkdir -p "$(dirname "$DEST")"
ln -sfn "$dir" "$DEST"
