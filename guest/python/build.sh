#!/usr/bin/env bash
# guest/python/build.sh OUTDIR - build the CPython 3.11.2 guest for wasm32-wasi.
#
# Sources come from Debian's source packages (the pristine .orig tarballs of
# python3.11, zlib, bzip2, xz-utils and sqlite3). The libraries are built as
# static wasm32-wasi archives, CPython is configured against them, and our
# driver (driver.c) is linked with libpython into a reactor; the host hands it
# prelude.py when the snapshot is made.
# Writes OUTDIR/python.wasm and OUTDIR/stdlib/ (python311.zip, python3.11/os.py,
# python3.11/lib-dynload/), the folder preopened at /usr/local/lib.
# Uses a scratch folder next to OUTDIR; prints "[python] ..." progress lines.
set -euo pipefail

OUT=$(realpath -m "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ABI_DIR=$(cd "$HERE/.." && pwd)
WORK="$OUT.work"
JOBS=${LSB_BUILD_JOBS:-$(nproc)}
BUILD_PYTHON=/usr/bin/python3.11 # must be exactly the version being built
PY_VERSION=3.11.2
STACK_SIZE=$((1024 * 1024))

log() { echo "[python] $(date +%T) $*"; }
quiet() { # run a noisy step, showing its log tail only when it fails
  local name=$1; shift
  if ! "$@" >"$WORK/log.$name" 2>&1; then
    tail -40 "$WORK/log.$name" >&2
    echo "[python] step '$name' failed; full log: $WORK/log.$name" >&2
    exit 1
  fi
}

[ "$($BUILD_PYTHON -c 'import platform; print(platform.python_version())')" = "$PY_VERSION" ] ||
  { echo "[python] $BUILD_PYTHON must be Python $PY_VERSION" >&2; exit 1; }

rm -rf "$WORK" && mkdir -p "$WORK/src" "$WORK/deps/include" "$WORK/deps/lib" "$OUT"
cd "$WORK/src"

log "fetching Debian source packages"
quiet fetch apt-get source --download-only python3.11 zlib bzip2 xz-utils sqlite3

# --- a folder that imitates wasi-sdk, so CPython's Tools/wasm scripts work ---
SDK="$WORK/wasi-sdk"
mkdir -p "$SDK/bin" "$SDK/share/wasi-sysroot/include" "$SDK/share/wasi-sysroot/lib"
cat >"$SDK/bin/clang" <<'EOF'
#!/bin/sh
exec clang-14 --target=wasm32-wasi "$@"
EOF
cat >"$SDK/bin/clang-cpp" <<'EOF'
#!/bin/sh
exec clang-14 --target=wasm32-wasi -E "$@"
EOF
chmod +x "$SDK/bin/clang" "$SDK/bin/clang-cpp"
for t in wasm-ld llvm-ar llvm-nm; do ln -sf "/usr/bin/$t-14" "$SDK/bin/$t"; done
ln -sf /usr/bin/llvm-ranlib-14 "$SDK/bin/ranlib"
ln -sf /usr/include/wasm32-wasi "$SDK/share/wasi-sysroot/include/wasm32-wasi"
ln -sf /usr/lib/wasm32-wasi "$SDK/share/wasi-sysroot/lib/wasm32-wasi"
CC="$SDK/bin/clang --sysroot=$SDK/share/wasi-sysroot"
AR="$SDK/bin/llvm-ar"
RANLIB="$SDK/bin/ranlib"
DEPS="$WORK/deps"
LIB_CFLAGS="-O2 -fwrapv"

log "building zlib"
tar xjf zlib_*.orig.tar.bz2 && cd zlib-*/
quiet zlib-configure env CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="$LIB_CFLAGS" \
  ./configure --static --prefix="$DEPS"
quiet zlib-make make -j"$JOBS" libz.a
cp libz.a "$DEPS/lib/" && cp zlib.h zconf.h "$DEPS/include/"
cd ..

log "building bzip2"
tar xzf bzip2_*.orig.tar.gz && cd bzip2-*/
quiet bzip2-make make -j"$JOBS" libbz2.a CC="$CC" AR="$AR" RANLIB="$RANLIB" \
  CFLAGS="$LIB_CFLAGS -D_FILE_OFFSET_BITS=64"
cp libbz2.a "$DEPS/lib/" && cp bzlib.h "$DEPS/include/"
cd ..

log "building liblzma (xz)"
tar xJf xz-utils_*.orig.tar.xz && cd xz-*/
# The 2022 wasi-libc has no sigprocmask: single-threaded xz must not need it.
sed -i '0,/^#if !(defined(_WIN32) && !defined(__CYGWIN__))$/s//#if !(defined(_WIN32) \&\& !defined(__CYGWIN__)) \&\& !defined(__wasi__)/' \
  src/common/mythread.h
quiet xz-configure env CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="$LIB_CFLAGS" \
  ./configure --host=wasm32-unknown-wasi --prefix="$DEPS" --disable-threads \
  --disable-shared --enable-static --disable-xz --disable-xzdec --disable-lzmadec \
  --disable-lzmainfo --disable-lzma-links --disable-scripts --disable-doc --disable-nls
quiet xz-make make -j"$JOBS" -C src/liblzma
quiet xz-install make -C src/liblzma install
cd ..

log "building sqlite3 (amalgamation generated natively, compiled for wasm)"
tar xJf sqlite3_*.orig.tar.xz && cd sqlite3-*/
mkdir -p native && cd native
quiet sqlite-configure ../configure --disable-tcl --disable-readline
quiet sqlite-amalgamation make sqlite3.c
# The 2022 wasi-libc lacks fchmod/fchown/geteuid and POSIX advisory locks.
# A sandbox run owns its workspace alone, so locks always succeed here.
cat >wasi_shim.h <<'EOF'
#include <fcntl.h>
#include <stdarg.h>
#include <sys/types.h>
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
static inline int lsb_fchmod(int fd, mode_t m) { (void)fd; (void)m; return 0; }
static inline int lsb_fchown(int fd, uid_t u, gid_t g) { (void)fd; (void)u; (void)g; return 0; }
static inline uid_t lsb_geteuid(void) { return 0; }
static inline int lsb_fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  if (cmd == F_GETLK) { ((struct flock *)arg)->l_type = F_UNLCK; return 0; }
  if (cmd == F_SETLK || cmd == F_SETLKW) return 0;
  return fcntl(fd, cmd, arg);
}
#define fchmod lsb_fchmod
#define fchown lsb_fchown
#define geteuid lsb_geteuid
#define fcntl lsb_fcntl
EOF
SQLITE_FLAGS="-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_WAL -DSQLITE_OMIT_LOAD_EXTENSION \
  -DSQLITE_MAX_MMAP_SIZE=0 -D_WASI_EMULATED_GETPID"
quiet sqlite-compile $CC $LIB_CFLAGS $SQLITE_FLAGS -include wasi_shim.h -c sqlite3.c -o sqlite3.o
quiet sqlite-archive "$AR" rcs "$DEPS/lib/libsqlite3.a" sqlite3.o
cp sqlite3.h "$DEPS/include/"
cd ../..

log "configuring CPython $PY_VERSION"
tar xzf python3.11_*.orig.tar.gz && cd Python-$PY_VERSION
PYSRC=$(pwd)
mkdir -p builddir/wasi && cd builddir/wasi
export WASI_SDK_PATH="$SDK"
export CONFIG_SITE="$PYSRC/Tools/wasm/config.site-wasm32-wasi"
DEP_LIBS="-L$DEPS/lib"
# --with-pymalloc: CPython 3.11 leaves its small-object allocator out on
# WASI, so every object went through wasi-libc's dlmalloc (a quarter of a
# pystone run's time in dlmalloc/dlfree alone).
quiet py-configure "$PYSRC/Tools/wasm/wasi-env" "$PYSRC/configure" -C \
  --host=wasm32-unknown-wasi --build="$("$PYSRC/config.guess")" \
  --with-build-python="$BUILD_PYTHON" --disable-test-modules --with-pymalloc \
  OPT="-fwrapv -O2" LDFLAGS="-Wl,--strip-debug $DEP_LIBS" CPPFLAGS="-I$DEPS/include" \
  PKG_CONFIG=false \
  ZLIB_CFLAGS="-I$DEPS/include" ZLIB_LIBS="$DEP_LIBS -lz" \
  BZIP2_CFLAGS="-I$DEPS/include" BZIP2_LIBS="$DEP_LIBS -lbz2" \
  LIBLZMA_CFLAGS="-I$DEPS/include" LIBLZMA_LIBS="$DEP_LIBS -llzma" \
  LIBSQLITE3_CFLAGS="-I$DEPS/include" LIBSQLITE3_LIBS="$DEP_LIBS -lsqlite3"

# configure silently drops a module whose library it cannot use: fail loudly.
for mod in _sqlite3 _bz2 _lzma zlib pyexpat _decimal; do
  state="MODULE_$(tr a-z A-Z <<<"$mod")_STATE"
  grep -qE "^$state=(yes|builtin)" Makefile ||
    { echo "[python] configure did not enable $mod: $(grep "^$state" Makefile)" >&2; exit 1; }
done

log "compiling CPython (the longest guest step)"
quiet py-make "$PYSRC/Tools/wasm/wasi-env" make -j"$JOBS"
quiet py-stdlib "$PYSRC/Tools/wasm/wasi-env" make wasm_stdlib

log "linking the reactor with our driver"
# bulk_memory.c replaces wasi-libc's memcpy, memmove and memset with
# memory.copy and memory.fill (only it is built with bulk memory).
cat >lsb-reactor.mk <<EOF
lsb-driver.o: $HERE/driver.c
	\$(CC) \$(PY_CORE_CFLAGS) -I. -I$ABI_DIR -c $HERE/driver.c -o \$@
lsb-bulk-memory.o: $ABI_DIR/bulk_memory.c
	\$(CC) -O2 -mbulk-memory -c $ABI_DIR/bulk_memory.c -o \$@
python-reactor.wasm: lsb-driver.o lsb-bulk-memory.o \$(LIBRARY_DEPS)
	\$(LINKCC) \$(PY_CORE_LDFLAGS) \$(LINKFORSHARED) -mexec-model=reactor \
	  -Wl,-z,stack-size=$STACK_SIZE -Wl,--export=lsb_init -Wl,--export=lsb_run \
	  lsb-driver.o lsb-bulk-memory.o \$(BLDLIBRARY) \$(LIBS) \$(MODLIBS) \$(SYSLIBS) -o \$@
EOF
quiet py-reactor "$PYSRC/Tools/wasm/wasi-env" make -f Makefile -f lsb-reactor.mk python-reactor.wasm

log "collecting artefacts"
cp python-reactor.wasm "$OUT/python.wasm"
rm -rf "$OUT/stdlib" && mkdir -p "$OUT/stdlib"
cp -r usr/local/lib/. "$OUT/stdlib/"
ls "$OUT/stdlib/python311.zip" "$OUT/stdlib/python3.11/os.py" >/dev/null
mkdir -p "$OUT/stdlib/python3.11/lib-dynload"
cd "$OUT" && rm -rf "$WORK"
log "done: $OUT/python.wasm ($(du -h python.wasm | cut -f1)), stdlib $(du -sh stdlib | cut -f1)"
