#!/usr/bin/env bash
# tests/e2e/install.sh BUILD - the shared library and `make install`, as a
# C user and a packager meet them: libllmsandbox.so exports exactly the
# functions include/llmsandbox.h declares (all lsb_*), under the soname
# libllmsandbox.so.MAJOR; `make install PREFIX=` lays out bin, lib, the
# .pc file, the header and the assets; examples/hello.c builds with
# `cc hello.c $(pkg-config --cflags --libs llmsandbox)` and runs Python and
# JavaScript from the installed tree with no asset path given; the
# installed programs find their assets too, also after the tree is moved;
# DESTDIR stages without changing the .pc's prefix. Last line:
# "install: N passed, M failed".
set -uo pipefail
BUILD=$(realpath "$1")
BIN=$BUILD/llm-sandbox
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/e2e/lib.sh"
cd "$ROOT"
LIB=$(readlink -f "$BUILD/libllmsandbox.so")
ERR=""

# --- the library's interface ---
exported=$(nm -D --defined-only "$LIB" | awk '$3 != "LLMSANDBOX_0" {sub(/@.*/, "", $3); print $3}' | sort -u)
declared=$(grep -oE '\blsb_[a-z0-9_]+ *\(' include/llmsandbox.h | sed 's/ *($//' | sort -u)
expect_eq "exports: only lsb_* symbols" "$(grep -vc '^lsb_' <<<"$exported")" 0
expect_eq "exports: exactly the functions llmsandbox.h declares" \
  "$(comm -3 <(echo "$exported") <(echo "$declared") | tr -d '\t' | xargs)" ""
expect_match "exports: at least the core calls" "$exported" '^lsb_session_execute$'
soname=$(readelf -d "$LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
expect_match "soname is libllmsandbox.so.MAJOR" "$soname" '^libllmsandbox\.so\.[0-9]+$'
expect_eq "the soname link is in the build" "$(readlink "$BUILD/$soname")" "$(basename "$LIB")"
needed=$(readelf -d "$LIB" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | xargs)
expect_match "needs only libc, libm, jansson and nettle (no front-end library, no libseccomp)" \
  "$needed" '^((libc|libm|libjansson|libnettle)\.so\.[0-9]+ ?)+$'

# --- make install ---
P=$T/prefix
out=$(make -s install PREFIX="$P" 2>&1); rc=$?
expect_eq "make install PREFIX succeeds" "$rc" 0
for f in bin/llm-sandbox bin/llm-wasm-mcp "lib/$soname" lib/libllmsandbox.so lib/pkgconfig/llmsandbox.pc \
         include/llmsandbox.h share/llm-wasm-sandbox/python.snap share/llm-wasm-sandbox/quickjs.snap \
         share/llm-wasm-sandbox/python-stdlib share/llm-wasm-sandbox/data; do
  if [ -e "$P/$f" ]; then ok "installed $f"; else bad "installed $f" "$out"; fi
done
expect_eq "no build stamps in the installed assets" "$(find "$P/share" -name '.*stamp' | wc -l)" 0

# --- a C user: examples/hello.c through pkg-config ---
export PKG_CONFIG_PATH=$P/lib/pkgconfig
flags=$(pkg-config --cflags --libs llmsandbox)
expect_match "pkg-config knows llmsandbox" "$flags" "-I$P/include .*-lllmsandbox"
cc -std=c11 -Wall -Wextra -Werror examples/hello.c $flags -o "$T/hello" 2>"$T/cc.err"
expect_eq "examples/hello.c builds with the pkg-config flags" "$?" 0
hello=$(LD_LIBRARY_PATH=$P/lib "$T/hello" 2>&1)
expect_match "hello runs Python from the installed library" "$hello" "Hello from Python, café ☕ 45"
expect_match "hello runs JavaScript from the installed library" "$hello" "Hello from JavaScript, 日本 42"
expect_eq "hello links the installed soname" \
  "$(LD_LIBRARY_PATH=$P/lib ldd "$T/hello" | awk -v s="$soname" '$1 == s {print $3}')" "$P/lib/$soname"

# --- the installed programs ---
got=$("$P/bin/llm-sandbox" run --lang python -c 'print("installé ✓")' 2>&1)
expect_eq "the installed CLI finds its assets in share/" "$got" "installé ✓"
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
got=$(echo "$init" | timeout 20 "$P/bin/llm-wasm-mcp" 2>/dev/null | head -1)
expect_match "the installed llm-wasm-mcp is the MCP server" "$got" '"serverInfo"'
mv "$P" "$T/moved"
got=$(LD_LIBRARY_PATH=$T/moved/lib "$T/hello" 2>&1 | head -1)
expect_match "a moved tree still finds its assets (library)" "$got" "Hello from Python"
got=$("$T/moved/bin/llm-sandbox" run --lang javascript -c 'console.log("déplacé")' 2>&1)
expect_eq "a moved tree still finds its assets (program)" "$got" "déplacé"
got=$(LSB_ASSETS_DIR=$T/nowhere LD_LIBRARY_PATH=$T/moved/lib "$T/hello" 2>&1)
expect_match "a wrong LSB_ASSETS_DIR is named in the error" "$got" "missing sandbox asset $T/nowhere"

# --- a packager: DESTDIR ---
make -s install PREFIX=/usr/local DESTDIR="$T/stage" >/dev/null 2>&1
expect_eq "DESTDIR stages under it" "$(test -x "$T/stage/usr/local/bin/llm-sandbox" && echo yes)" yes
expect_match "DESTDIR keeps the .pc's prefix" "$(cat "$T/stage/usr/local/lib/pkgconfig/llmsandbox.pc")" '^prefix=/usr/local$'
finish install
