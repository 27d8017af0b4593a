#!/usr/bin/env bash
# scripts/install.sh BUILD DESTDIR PREFIX VERSION SONAME LIBS - `make install`:
#   PREFIX/bin/llm-sandbox, PREFIX/bin/llm-wasm-mcp (the same program)
#   PREFIX/lib/libllmsandbox.so.VERSION, .so.MAJOR (SONAME) and .so links
#   PREFIX/lib/pkgconfig/llmsandbox.pc (LIBS: the library's own link
#     libraries, the Makefile's LIB_LDLIBS, for a static link)
#   PREFIX/include/llmsandbox.h
#   PREFIX/share/llm-wasm-sandbox/  the assets (snapshots, stdlib, /data, root)
# The program and the library find the assets from their own location
# (../share/llm-wasm-sandbox), so the tree can be moved as a whole; DESTDIR
# stages it (packaging) without changing what the .pc file says.
set -euo pipefail
build=${1:?usage: install.sh BUILD DESTDIR PREFIX VERSION SONAME LIBS}
dest=$2 prefix=${3:?no PREFIX} version=${4:?no VERSION} soname=${5:?no SONAME}
libs=${6:?no LIBS}
root=$dest$prefix
share=$root/share/llm-wasm-sandbox
echo "[install] into $root"
mkdir -p "$root/bin" "$root/lib/pkgconfig" "$root/include"
rm -rf "$share" "$root/lib/llm-wasm-sandbox" # the latter: the layout of earlier releases
mkdir -p "$share"
# The assets: snapshots and folders; links into the build cache are copied
# as what they point to, build stamps are left out.
for a in python.snap quickjs.snap python-stdlib root data; do
  cp -rL "$build/assets/$a" "$share/"
done
install -m 0755 "$build/llm-sandbox" "$root/bin/llm-sandbox"
ln -sf llm-sandbox "$root/bin/llm-wasm-mcp"
install -m 0755 "$build/libllmsandbox.so.$version" "$root/lib/"
ln -sf "libllmsandbox.so.$version" "$root/lib/$soname"
ln -sf "$soname" "$root/lib/libllmsandbox.so"
install -m 0644 include/llmsandbox.h "$root/include/"
cat >"$root/lib/pkgconfig/llmsandbox.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: llmsandbox
Description: Run untrusted Python and JavaScript in WebAssembly, with hard limits
Version: $version
Libs: -L\${libdir} -lllmsandbox
Libs.private: $libs
Cflags: -I\${includedir}
PC
echo "[install] ok: $root/bin/llm-sandbox, $root/lib/libllmsandbox.so.$version, $share"
