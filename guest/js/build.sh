#!/usr/bin/env bash
# build.sh - builds the QuickJS guest: `guest/js/build.sh OUTDIR` writes
# OUTDIR/quickjs.wasm, a wasm32-wasi reactor exporting _initialize, memory,
# lsb_init and lsb_run (see guest/lsb_abi.h).
#
# QuickJS 2021-03-27 comes from the npm package qjsc@0.3.0 (pinned by
# SHA-256), is patched with guest/js/patches/*.patch and compiled with
# Debian's clang-14 against wasi-libc, plus our driver.c, files.c and
# dtoa_exact.c. prelude.js is not compiled in: the host hands it to lsb_init
# when it makes the snapshot (LSB_REQ_PRELUDE). Work files and the tarball
# are kept in OUTDIR/js-build, so a rebuild only recompiles QuickJS when
# the patches or flags change.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi

QJS_NPM_SPEC="qjsc@0.3.0"
QJS_TARBALL="qjsc-0.3.0.tgz"
QJS_TARBALL_SHA256="4a9ed1852b334d842d5dac42d1782817ae26310b448de39532451fd45c9ba0ee"
QJS_SUBDIR="package/deps/quickjs_2021_03_27"
QJS_VERSION="2021-03-27"
QJS_SOURCES=(cutils libregexp libunicode libbf quickjs)
OUR_SOURCES=(driver files dtoa_exact)

# Linear-memory stack (bytes). --stack-first puts it below the data, so an
# overflow leaves linear memory and traps instead of corrupting the heap;
# driver.c sets QuickJS's limit a little below it (-DLSB_STACK_SIZE).
STACK_SIZE=$((1024 * 1024))

CC="${CLANG:-clang-14}"
SYSROOT="${WASI_SYSROOT:-/usr}"
TARGET=(--target=wasm32-wasi "--sysroot=$SYSROOT")
OPT=(-O2)
QJS_CFLAGS=(-D_GNU_SOURCE "-DCONFIG_VERSION=\"$QJS_VERSION\"" -DCONFIG_BIGNUM
            -w) # vendored code: its warnings are not ours to fix
OUR_CFLAGS=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror
            "-DLSB_STACK_SIZE=$STACK_SIZE")
# (wasi-libc's libc.a carries DWARF; --strip-debug drops it, about 200 KB.)
# shellcheck disable=SC2054 # the commas belong to -Wl, not to the array
LDFLAGS=(-mexec-model=reactor -fuse-ld=lld -Wl,--strip-debug
         -Wl,--stack-first "-Wl,-z,stack-size=$STACK_SIZE" -lm)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
work="$out/js-build"
mkdir -p "$work"

log() { echo "[js] $*"; }
started=$SECONDS

# 1. The QuickJS source, from the npm registry, checked against our pin.
tarball="$work/$QJS_TARBALL"
if [[ ! -f "$tarball" ]] ||
   ! echo "$QJS_TARBALL_SHA256  $tarball" | sha256sum --check --status; then
    log "fetching $QJS_NPM_SPEC from npm"
    tmp="$(mktemp -d "$work/npm.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$QJS_NPM_SPEC" >/dev/null)
    mv "$tmp/$QJS_TARBALL" "$tarball"
    rm -rf "$tmp"
fi
if ! echo "$QJS_TARBALL_SHA256  $tarball" | sha256sum --check --status; then
    echo "[js] error: $tarball does not match the pinned SHA-256" >&2
    exit 1
fi

# 2. Patched source and objects live in a folder named after everything
#    that affects them, so a change of patch or flag starts afresh.
patches=("$here"/patches/*.patch)
key="$( { echo "$QJS_TARBALL_SHA256 $CC ${TARGET[*]} ${OPT[*]} ${QJS_CFLAGS[*]}";
          cat "${patches[@]}" "$here/dtoa_exact.h"; } | sha256sum | cut -c1-16)"
src="$work/quickjs-$key"
if [[ ! -f "$src/.patched" ]]; then
    log "unpacking QuickJS $QJS_VERSION"
    rm -rf "$src" "$src.tmp"
    mkdir -p "$src.tmp"
    tar -xzf "$tarball" -C "$src.tmp" "$QJS_SUBDIR"
    mv "$src.tmp/$QJS_SUBDIR" "$src"
    rm -rf "$src.tmp"
    for p in "${patches[@]}"; do
        log "applying patches/$(basename "$p")"
        patch -p1 --quiet --forward -d "$src" < "$p"
    done
    touch "$src/.patched"
fi

# 3. Compile QuickJS (once per key) and our files (every time: they are
#    small and the key does not cover them).
objs=()
for f in "${QJS_SOURCES[@]}"; do
    o="$src/$f.o"
    if [[ ! -f "$o" ]]; then
        log "compiling $f.c"
        "$CC" "${TARGET[@]}" "${OPT[@]}" "${QJS_CFLAGS[@]}" -I "$here" \
            -c "$src/$f.c" -o "$o.tmp"
        mv "$o.tmp" "$o"
    fi
    objs+=("$o")
done

for f in "${OUR_SOURCES[@]}"; do
    log "compiling $f.c"
    "$CC" "${TARGET[@]}" "${OPT[@]}" "${OUR_CFLAGS[@]}" -isystem "$src" \
        -c "$here/$f.c" -o "$work/$f.o"
    objs+=("$work/$f.o")
done

# memcpy, memmove and memset as memory.copy and memory.fill (only this file
# is built with bulk memory: see guest/bulk_memory.c).
log "compiling bulk_memory.c"
"$CC" "${TARGET[@]}" "${OPT[@]}" "${OUR_CFLAGS[@]}" -mbulk-memory \
    -c "$here/../bulk_memory.c" -o "$work/bulk_memory.o"
objs+=("$work/bulk_memory.o")

# 4. Link the reactor.
log "linking quickjs.wasm"
"$CC" "${TARGET[@]}" "${OPT[@]}" "${LDFLAGS[@]}" "${objs[@]}" \
    -o "$out/quickjs.wasm.tmp"
mv "$out/quickjs.wasm.tmp" "$out/quickjs.wasm"

if command -v wasm-objdump >/dev/null; then
    exports="$(wasm-objdump -x -j Export "$out/quickjs.wasm")"
    for e in _initialize memory lsb_init lsb_run; do
        if ! grep -q "\"$e\"" <<<"$exports"; then
            echo "[js] error: quickjs.wasm does not export $e" >&2
            exit 1
        fi
    done
fi
log "wrote $out/quickjs.wasm ($(stat -c %s "$out/quickjs.wasm") bytes)" \
    "in $((SECONDS - started)) s"
