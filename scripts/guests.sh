#!/usr/bin/env bash
# scripts/guests.sh BUILD_DIR - produce the ahead-of-time compiled guests.
#
# For each guest: build the .wasm from registry sources (guest/<lang>/build.sh),
# inject fuel (build/tools/lsb-fuel), translate with wasm2c and compile with
# gcc -O2. Every artefact is cached under $LSB_CACHE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/llm-wasm-sandbox) in a folder named by a
# sha256 of all of its inputs, so a warm build does no guest work and any
# change to an input rebuilds exactly what depends on it. Results are then
# copied into BUILD_DIR/guests/ only when they differ (keeping make quiet).
set -euo pipefail
shopt -s inherit_errexit nullglob

BUILD=$(realpath -m "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${LSB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-wasm-sandbox}
FUEL_TOOL="$BUILD/tools/lsb-fuel"
# Guest C is compiled with the same runtime defines as the host (Makefile).
AOT_HOOKS="$ROOT/src/wasm/aot_hooks.h"
FUEL_REGISTER="$ROOT/scripts/fuel_register.py"
TABLE_CODE="$ROOT/scripts/table_code.py"
STATIC_INSTANCE="$ROOT/scripts/static_instance.py"
GUEST_ASM="$ROOT/scripts/guest_asm.py"
# LSB_SEGUE=1 (the default on x86-64): guest loads and stores address linear
# memory through %gs (aot_hooks.h); 0 keeps wasm2c's own helpers.
case $(uname -m) in x86_64) SEGUE=${LSB_SEGUE:-1} ;; *) SEGUE=0 ;; esac
AOT_CFLAGS="-O2 -fno-strict-aliasing -w -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=${LSB_MEMCHECK_SIGNAL:-1} -DLSB_SEGUE=$SEGUE"
# gcc 12's FRE pass mishandles %gs accesses: a store, a conditional store and
# a load at one guest address make it crash cc1 (tests/e2e/segue_fre_ice.c) and
# leave IR we cannot trust. Without FRE guest code is 0-5% slower.
[ "$SEGUE" = 1 ] && AOT_CFLAGS="$AOT_CFLAGS -fno-tree-fre"
# gcc's inliner sizes a function by its statements, and each fuel charge is
# one (an asm statement), so charged guest code looked larger than the same
# code without charges: functions the no-fuel build inlines (QuickJS: 3 of
# the 84 its csv workload calls; python: memcmp, PyErr_CheckSignals,
# PyType_IsSubtype...) stayed calls. The charged build gets -O2's limits
# (15 and 6) 60-67% higher, and comes closer to inlining what the no-fuel
# build does (tools/fuel/README.md). These are the charged guests' whole flags.
CHARGED_CFLAGS="$AOT_CFLAGS --param=max-inline-insns-auto=24 --param=early-inlining-insns=10"
# LSB_FUEL_FOLD=N (opt-in; default 0, exact counts) builds the charged
# guests with lsb-fuel --fold N: a rest of at most N units after an early
# exit is charged with the code before the exit, so a path that takes the
# exit pays for up to N units it skips. Counts stay deterministic and the
# same under Node. With 16: 62% (python) and 42% (QuickJS) fewer charges,
# 1-7% less CPU time, and 10-27% more fuel for the same work
# (tools/fuel/README.md).
FUEL_FOLD=${LSB_FUEL_FOLD:-0}
case $FUEL_FOLD in
'' | *[!0-9]* | ?????*) FUEL_FOLD=bad ;;
*) FUEL_FOLD=$((10#$FUEL_FOLD)) ;;
esac
[ "$FUEL_FOLD" != bad ] && [ "$FUEL_FOLD" -le 4096 ] || {
  echo "[guests] LSB_FUEL_FOLD must be a number of units from 0 to 4096, got '${LSB_FUEL_FOLD:-}'" >&2
  exit 64
}
# scripts/guest_asm.py rewrites the compiled assembly (dispatch threading,
# charge merging); with Segue only %gs accesses reach guest memory.
GUEST_ASM_ARGS=()
[ "$SEGUE" = 1 ] && GUEST_ASM_ARGS=(--segue)
# wasm2c 1.0.32 instantiates its load and store helpers on lines like these;
# with Segue they become ours (LSB_DEFINE_LOAD/STORE in aot_hooks.h).
SEGUE_REWRITE='s/^DEFINE_\(LOAD\|STORE\)(/LSB_DEFINE_\1(/'
SEGUE_HELPERS=23 # 14 loads, 9 stores
# The data-segment copy in wasm2c's instantiate, as wasm2c 1.0.32 writes it.
LOAD_DATA_COPY='load_data(&(m.data[o]), i, s);'
# Profile-guided optimisation of the guests (LSB_PGO=1, the default; 0
# compiles each once, plainly): compile with -fprofile-generate, link a
# trainer host (from BUILD/host-cflags and BUILD/host-link: the Makefile
# writes the host's compile flags and its link inputs there), run guest/<lang>/pgo_train.* and the bench workloads in
# it, compile again with the profile. The profile is cached beside the
# object. Measured on python: 7-16% less CPU time on the bench workloads,
# for about 12 more minutes of cold build (QuickJS: about 2).
PGO=${LSB_PGO:-1}
PGO_GENERATE="-fprofile-generate -fprofile-update=single"
PGO_USE="-fprofile-use -fprofile-partial-training -Wno-missing-profile"

# pgo_inputs LANG: sets PGO_INPUTS to the training script and the bench
# workloads it runs (part of the cache key).
pgo_inputs() {
  case $1 in
  python) PGO_INPUTS=("$ROOT/guest/python/pgo_train.py" "$ROOT"/bench/workloads/py_*.py) ;;
  quickjs) PGO_INPUTS=("$ROOT/guest/js/pgo_train.js" "$ROOT"/bench/workloads/js_*.js) ;;
  esac
}


log() { echo "[guests] $(date +%T) $*"; }

# sha256 over file contents (never their paths, so every clone shares the
# cache) and extra strings (tool versions, flags).
hash_inputs() {
  { for f in "$@"; do if [ -f "$f" ]; then sha256sum <"$f"; else echo "$f"; fi; done; } |
    sha256sum | cut -c1-24
}

toolchain_id() {
  dpkg-query -W -f='${Package}=${Version}\n' clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 \
    wabt binaryen gcc-12 2>/dev/null | sort | tr '\n' ' '
}
TOOLCHAIN=$(toolchain_id)

# Copy src to dst only when the content differs (so make sees no change).
sync_file() { cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"; }

# build_wasm LANG SCRIPT INPUTS... -> prints the cache folder holding the .wasm
build_wasm() {
  local lang=$1 script=$2; shift 2
  local key dir
  key=$(hash_inputs "$script" "$@" "$ROOT/guest/lsb_abi.h" "$TOOLCHAIN")
  dir="$CACHE/$lang-wasm-$key"
  if [ -f "$dir/.complete" ]; then
    log "$lang guest wasm: cached ($dir)" >&2
  else
    log "$lang guest wasm: building from sources (cache miss, key $key)" >&2
    rm -rf "$dir"
    bash "$script" "$dir" >&2 && [ -f "$dir/$lang.wasm" ] ||
      { echo "[guests] $lang guest build failed (see above)" >&2; return 1; }
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# aot LANG MODNAME WASM [nofuel] -> fills BUILD/guests/LANG/{guest.o,guest.h,
# guest.wasm,wasm_hash}; with "nofuel", BUILD/guests-nofuel/LANG/ instead, from
# the same guest with the fuel exports but no charges (lsb-fuel --no-charge):
# make bench's baseline for the cost of fuel.
aot() {
  local lang=$1 mod=$2 wasm=$3 variant=${4:-}
  local key dir out="$BUILD/guests/$lang" fuel_args=() name=$lang-aot
  [ "$FUEL_FOLD" = 0 ] || fuel_args=(--fold "$FUEL_FOLD")
  # guest_cc's flags for this variant (dynamic scope)
  local guest_cflags=$CHARGED_CFLAGS
  if [ "$variant" = nofuel ]; then
    fuel_args=(--no-charge) out="$BUILD/guests-nofuel/$lang" name=$lang-aot-nofuel
    guest_cflags=$AOT_CFLAGS
  fi
  local pgo_key=()
  pgo_inputs "$lang"
  [ "$PGO" = 1 ] && pgo_key=("pgo" "$PGO_GENERATE" "$PGO_USE" "${PGO_INPUTS[@]}")
  key=$(hash_inputs "$wasm" "$ROOT/tools/fuel/fuel.c" "$AOT_HOOKS" "$guest_cflags" "$LOAD_DATA_COPY" \
    "$SEGUE_REWRITE" "$FUEL_REGISTER" "$TABLE_CODE" "$STATIC_INSTANCE" "$GUEST_ASM" "${GUEST_ASM_ARGS[@]}" "$mod" \
    "$TOOLCHAIN" "${fuel_args[@]}" "${pgo_key[@]}")
  dir="$CACHE/$name-$key"
  if [ -f "$dir/.complete" ]; then
    log "$lang${variant:+ ($variant)} AOT object: cached ($dir)"
  else
    rm -rf "$dir" && mkdir -p "$dir"
    log "$lang: injecting fuel"
    [ -f "$wasm" ] || { echo "[guests] $wasm is missing" >&2; return 1; }
    "$FUEL_TOOL" "${fuel_args[@]}" "$wasm" "$dir/$mod.wasm"
    log "$lang: wasm2c"
    wasm2c "$dir/$mod.wasm" -n "$mod" -o "$dir/$mod.c"
    # Let instances restored from a snapshot skip the copy (see aot_hooks.h).
    grep -qF "$LOAD_DATA_COPY" "$dir/$mod.c" ||
      { echo "[guests] wasm2c output changed: no data-segment copy to hook" >&2; return 1; }
    sed -i "s/load_data(&(m\.data\[o\]), i, s);/if (!rt_skip_data_segments) &/" "$dir/$mod.c"
    if [ "$SEGUE" = 1 ]; then
      sed -i "$SEGUE_REWRITE" "$dir/$mod.c"
      [ "$(grep -c '^LSB_DEFINE_\(LOAD\|STORE\)(' "$dir/$mod.c")" = "$SEGUE_HELPERS" ] ||
        { echo "[guests] wasm2c output changed: not $SEGUE_HELPERS load/store helpers" >&2; return 1; }
    fi
    # Guest code keeps fuel in a register (scripts/fuel_register.py).
    python3 "$FUEL_REGISTER" "$dir/$mod.c" "$dir/$mod.reg.c" || return 1
    # The function table is filled by code, not relocated pointers, and called
    # through with constant bounds and types (scripts/table_code.py).
    python3 "$TABLE_CODE" "$dir/$mod.reg.c" "$dir/$mod.table.c" || return 1
    # The instance is one object at a fixed address (scripts/static_instance.py).
    python3 "$STATIC_INSTANCE" "$dir/$mod.table.c" "$dir/$mod.c" || return 1
    rm -f "$dir/$mod.reg.c" "$dir/$mod.table.c"
    if [ "$PGO" = 1 ]; then
      pgo_compile "$lang" "$mod" "$dir" "$(dirname "$wasm")" || return 1
    else
      log "$lang: gcc -O2 on $(du -h "$dir/$mod.c" | cut -f1) of generated C (slow for python: minutes)"
      guest_cc "$dir" "$mod"
    fi
    sha256sum "$dir/$mod.wasm" | cut -c1-64 >"$dir/wasm_hash"
    rm -f "$dir/$mod.c"
    touch "$dir/.complete"
    log "$lang: AOT object ready"
  fi
  mkdir -p "$out"
  sync_file "$dir/$mod.o" "$out/guest.o"
  sync_file "$dir/$mod.h" "$out/guest.h"
  sync_file "$dir/wasm_hash" "$out/wasm_hash"
  sync_file "$dir/$mod.wasm" "$out/guest.wasm"
  if [ -f "$dir/$mod.gcda" ]; then sync_file "$dir/$mod.gcda" "$out/profile.gcda"; else rm -f "$out/profile.gcda"; fi
}

# guest_cc DIR MOD [FLAGS...]: compile the guest's generated DIR/MOD.c to
# DIR/MOD.o with its variant's flags (guest_cflags, set by aot), the hooks
# header and FLAGS (the PGO steps' own), through scripts/guest_asm.py; every
# guest object is compiled here. gcc names a profile after the output less
# its suffix, so MOD.s and MOD.o share DIR/MOD.gcda.
guest_cc() {
  local dir=$1 mod=$2
  shift 2
  # shellcheck disable=SC2086 # guest_cflags (set by aot) is a list of flags
  gcc $guest_cflags "$@" -include "$AOT_HOOKS" -I/usr/include -S "$dir/$mod.c" -o "$dir/$mod.s" &&
    python3 "$GUEST_ASM" "${GUEST_ASM_ARGS[@]}" "$dir/$mod.s" "$dir/$mod.threaded.s" &&
    gcc -c "$dir/$mod.threaded.s" -o "$dir/$mod.o" || return 1
  rm -f "$dir/$mod.s" "$dir/$mod.threaded.s"
}

# pgo_compile LANG MOD DIR WASM_DIR: DIR/MOD.c -> DIR/MOD.o, profile-guided
# (see PGO above); DIR/MOD.gcda keeps the profile. The object must be
# written to the same path both times: gcc names the profile after it.
# Called in a `||` list, where set -e does not apply: every step checks.
pgo_compile() {
  local lang=$1 mod=$2 dir=$3 wasm_dir=$4 size
  size=$(du -h "$dir/$mod.c" | cut -f1)
  [ -s "$BUILD/host-link" ] && [ -s "$BUILD/host-cflags" ] ||
    { echo "[guests] no $BUILD/host-link or host-cflags: run make (or LSB_PGO=0)" >&2; return 1; }
  log "$lang: gcc -O2 -fprofile-generate on $size of generated C (profile step 1 of 3; python: ~11 min)"
  rm -f "$dir/$mod.gcda"
  # shellcheck disable=SC2086 # PGO_GENERATE is a list of flags
  guest_cc "$dir" "$mod" $PGO_GENERATE || return 1
  log "$lang: training (profile step 2 of 3)"
  pgo_train "$lang" "$mod" "$dir" "$wasm_dir" || return 1
  log "$lang: gcc -O2 -fprofile-use (profile step 3 of 3; python: ~5 min)"
  # shellcheck disable=SC2086 # PGO_USE is a list of flags
  guest_cc "$dir" "$mod" $PGO_USE || return 1
}

# pgo_train LANG MOD DIR WASM_DIR: links DIR/MOD.o (instrumented) into a
# trainer host, with an empty table standing for the other guest, and runs
# the training code as the prelude of a throwaway snapshot: lsb_init runs it
# in the trainer's own process, which writes DIR/MOD.gcda when it exits.
pgo_train() {
  local lang=$1 mod=$2 dir=$3 wasm_dir=$4 other=quickjs t cflags link
  t="$dir/train"
  [ "$lang" = quickjs ] && other=python
  # The host's own compile flags (paths relative to ROOT) and link inputs.
  read -r -a cflags <"$BUILD/host-cflags" && read -r -a link <"$BUILD/host-link" || return 1
  mkdir -p "$t/assets/data" "$t/assets/root"/{app,data,external,usr/local/lib} || return 1
  if [ "$lang" = python ]; then
    ln -sfn "$wasm_dir/stdlib" "$t/assets/python-stdlib" || return 1
  else
    mkdir -p "$t/assets/python-stdlib" || return 1
  fi
  bash "$ROOT/scripts/glue.sh" "$BUILD" "$mod" "$dir/$mod.h" pgo-training "$t/glue.o" || return 1
  printf '#include "wasm/guest.h"\nconst guest_module guest_%s; /* not trained: unused */\n' \
    "$other" >"$t/other.c"
  (cd "$ROOT" && gcc "${cflags[@]}" -c "$t/other.c" -o "$t/other.o") || return 1
  # shellcheck disable=SC2086 # PGO_GENERATE is a list of flags
  gcc "$dir/$mod.o" "$t/glue.o" "$t/other.o" "${link[@]}" $PGO_GENERATE -o "$t/trainer" ||
    { echo "[guests] $lang: cannot link the PGO trainer" >&2; return 1; }
  # The training prelude: the script with the workloads' sources, passed
  # to train() (python) or in LSB_TRAIN_WORKLOADS, ahead of the function
  # expression a QuickJS prelude is (javascript). PGO_INPUTS: set by aot.
  python3 - "$t/prelude" "${PGO_INPUTS[@]}" <<'PY' || return 1
import json, sys
out, train, *workloads = sys.argv[1:]
script = open(train, encoding="utf-8").read()
sources = [open(w, encoding="utf-8").read() for w in workloads]
if train.endswith(".js"):
    script = "var LSB_TRAIN_WORKLOADS = %s;\n%s" % (json.dumps(sources), script)
else:
    script += "\ntrain(%r)\n" % sources
open(out, "w", encoding="utf-8").write(script)
PY
  "$t/trainer" internal-snapshot "$lang" "$t/assets" "$t/train.snap" "$t/prelude" >/dev/null ||
    { echo "[guests] $lang: the PGO training run failed" >&2; return 1; }
  [ -s "$dir/$mod.gcda" ] || { echo "[guests] $lang: training wrote no profile" >&2; return 1; }
  rm -rf "$t"
}

# LSB_GUESTS=cflags only prints the flags gcc compiles the (charged) guests
# with; LSB_GUESTS=segue-rewrite the sed expression that gives wasm2c's load
# and store helpers to aot_hooks.h (tools/fuel/test builds guests the same way).
[ "${LSB_GUESTS:-}" != cflags ] || { echo "$CHARGED_CFLAGS"; exit 0; }
[ "${LSB_GUESTS:-}" != segue-rewrite ] || { echo "$SEGUE_REWRITE"; exit 0; }
[ -x "$FUEL_TOOL" ] || { echo "[guests] missing $FUEL_TOOL (make builds it first)" >&2; exit 1; }
mkdir -p "$CACHE" "$BUILD/guests"
# One guest build at a time per cache: a second one waits here, then finds
# the first one's results cached.
exec 9>"$CACHE/.lock"
flock -n 9 || { log "waiting for another guest build to finish"; flock 9; }

python_wasm() {
  build_wasm python "$ROOT/guest/python/build.sh" "$ROOT/guest/python/driver.c" \
    "$ROOT/guest/bulk_memory.c"
}
quickjs_wasm() {
  build_wasm quickjs "$ROOT/guest/js/build.sh" "$ROOT"/guest/js/*.c "$ROOT"/guest/js/*.h \
    "$ROOT"/guest/js/patches/* "$ROOT/guest/bulk_memory.c"
}

# LSB_GUESTS=python (or quickjs) fills one guest's cache entries and stops;
# LSB_GUESTS=nofuel fills BUILD/guests-nofuel/ with both (make bench).
case ${LSB_GUESTS:-} in
"") ;;
python) aot python python "$(python_wasm)/python.wasm"; exit 0 ;;
quickjs) aot quickjs quickjs "$(quickjs_wasm)/quickjs.wasm"; exit 0 ;;
nofuel)
  aot quickjs quickjs "$(quickjs_wasm)/quickjs.wasm" nofuel
  aot python python "$(python_wasm)/python.wasm" nofuel
  exit 0
  ;;
*) echo "[guests] LSB_GUESTS must be python, quickjs, nofuel, cflags or segue-rewrite" >&2; exit 64 ;;
esac

py_dir=$(python_wasm)
js_dir=$(quickjs_wasm)
aot quickjs quickjs "$js_dir/quickjs.wasm"
aot python python "$py_dir/python.wasm"

# The stdlib is an asset, not compiled: link it where the build expects it.
ln -sfn "$py_dir/stdlib" "$BUILD/guests/python-stdlib"
# The manifest changes exactly when some guest output changed.
printf '%s\n' "$py_dir" "$js_dir" "$(cat "$BUILD"/guests/*/wasm_hash)" >"$BUILD/guests/manifest.new"
sync_file "$BUILD/guests/manifest.new" "$BUILD/guests/manifest" && rm -f "$BUILD/guests/manifest.new"
log "guests ready"
