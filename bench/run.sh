#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - the benchmark table of `make bench`.
#
# Everything is measured side by side in one run, interleaved by
# latency.py, and printed as ratios against a baseline from the same run:
#   1. new-execution latency (p50/p95 of >= 50 runs): print(1) and
#      console.log(1) against native CPython 3.11, a native gcc build of the
#      same QuickJS, and Node's WASI running the same instrumented .wasm;
#   2. compute: pystone-style, json, regex, CSV aggregation and string
#      formatting workloads against native CPython 3.11; fib, JSON, regex,
#      CSV and strings against native QuickJS;
#   3. fuel overhead: every compute workload with fuel charges against the
#      same guest with the charges left out (tools/fuel --no-charge), in
#      CPU time and in instructions executed (bench/instructions.sh,
#      callgrind: the same count on every run), after a warning if only one
#      of the two builds dispatches through a whole byte table;
#   4. live sessions (session_bench): warm calls, a ten-step REPL sequence,
#      re-materialising an evicted session, PSS per idle session, and the
#      zygote's pre-imports.
#   5. MCP calls (mcp_bench.sh); 6. nodes behind HAProxy (scale.sh);
#   7. the Python package's execute against the bare C call (python/bench.py);
#   8. a perf breakdown of pystone and fib (bench/profile.sh).
# Timings are never asserted: this prints, it does not judge.
set -euo pipefail

BUILD=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$BUILD/llm-sandbox"
RUNS=${LSB_BENCH_RUNS:-60}
COMPUTE_RUNS=${LSB_BENCH_COMPUTE_RUNS:-5}
# Native CPython runs with -S (no site): on this VM a .pth in dist-packages
# imports certifi at every start (+40 ms of CPU), which stock Debian does
# not; -S is also what the guest pays at run time (its site ran at snapshot).
PY="/usr/bin/python3.11 -S"
OUT="$BUILD/bench"
mkdir -p "$OUT"
W="$ROOT/bench/workloads"
LAT="$PY $ROOT/bench/latency.py"
BIG=(--fuel 1000000000000 --timeout 600 --memory 1GiB)

js_dir=$(sed -n 2p "$BUILD/guests/manifest")
qsrc=$(ls -d "$js_dir"/js-build/quickjs-*/ | head -1)

echo "[bench] building native QuickJS from the guest's own sources"
gcc -O2 -w -D_GNU_SOURCE -DCONFIG_VERSION='"2021-03-27"' -DCONFIG_BIGNUM -I"$qsrc" \
  "$ROOT/bench/native_qjs.c" "$qsrc"/{quickjs,libregexp,libunicode,cutils,libbf}.c \
  -lm -lpthread -o "$OUT/native_qjs"

# The fuel baseline: the same guests with the exports but no charges
# (scripts/guests.sh, cached like the real ones, profile-guided like them so
# the ratio compares like with like), linked into a second host binary with
# its own snapshots.
build_nofuel() {
  local d="$OUT/nofuel" n host
  # The host's link inputs without the guests, as the Makefile wrote them
  # (the PGO trainer links the same); glue.sh compiles with its flags.
  read -r -a host <"$BUILD/host-link"
  LSB_GUESTS=nofuel bash "$ROOT/scripts/guests.sh" "$BUILD"
  mkdir -p "$d/assets"
  for n in python quickjs; do
    bash "$ROOT/scripts/glue.sh" "$BUILD" $n "$BUILD/guests-nofuel/$n/guest.h" \
      "$(cat "$BUILD/guests-nofuel/$n/wasm_hash")" "$d/glue_$n.o"
  done
  gcc "$BUILD/guests-nofuel/python/guest.o" "$d/glue_python.o" \
    "$BUILD/guests-nofuel/quickjs/guest.o" "$d/glue_quickjs.o" "${host[@]}" -o "$OUT/llm-sandbox-nofuel"
  for n in python-stdlib root data; do ln -sfn "$BUILD/assets/$n" "$d/assets/$n"; done
  "$OUT/llm-sandbox-nofuel" internal-snapshot python "$d/assets" "$d/assets/python.snap" \
    "$ROOT/guest/python/prelude.py"
  "$OUT/llm-sandbox-nofuel" internal-snapshot quickjs "$d/assets" "$d/assets/quickjs.snap" \
    "$ROOT/guest/js/prelude.js"
}
echo "[bench] building the no-fuel baseline (the first time: one more profile-guided AOT build of each guest, ~16 min)"
build_nofuel

echo
echo "== 1. new-execution latency ($RUNS runs each, whole process)"
$LAT "$RUNS" "native python3.11 -S -c 'print(1)'" -- $PY -c 'print(1)' \
  --- "llm-sandbox run python 'print(1)'" -- "$BIN" run --lang python -c 'print(1)'
$LAT "$RUNS" "native QuickJS (gcc -O2) console.log(1)" -- "$OUT/native_qjs" -e 'console.log(1)' \
  --- "llm-sandbox run javascript console.log(1)" -- "$BIN" run --lang javascript -c 'console.log(1)' \
  --- "Node 20 WASI, same quickjs.wasm" -- node --no-turbo-fast-api-calls \
  "$ROOT/guest/js/test/run-node.mjs" --wasm "$BUILD/guests/quickjs/guest.wasm" -e 'console.log(1)' || true
echo "  in-process, library API (fork per run; zygote vs restore-per-run):"
"$OUT/exec_bench" "$BUILD/assets" "$RUNS" 2>/dev/null || echo "  (exec_bench not built)"

echo
echo "== 2. compute ($COMPUTE_RUNS runs each; fuel on)"
for w in py_pystone py_json py_regex py_csv py_strings; do
  $LAT "$COMPUTE_RUNS" "native python3.11 -S $w.py" -- $PY "$W/$w.py" \
    --- "llm-sandbox python $w.py" -- "$BIN" run "${BIG[@]}" --lang python "$W/$w.py" || true
done
for w in js_fib js_json js_regex js_csv js_strings; do
  $LAT "$COMPUTE_RUNS" "native QuickJS $w.js" -- "$OUT/native_qjs" "$W/$w.js" \
    --- "llm-sandbox javascript $w.js" -- "$BIN" run "${BIG[@]}" --lang javascript "$W/$w.js" || true
done

echo
echo "== 3. fuel overhead (charges on vs off, same guests and host otherwise)"
# The ratios compare like with like only if both builds of a guest dispatch
# the same way: scripts/guest_asm.py makes an opcode table whole only in
# the shapes it knows, and gcc writes each build's dispatch its own way.
for g in python quickjs; do
  with=$(bash "$ROOT/scripts/whole_jumps.sh" "$BUILD/guests/$g/guest.o")
  without=$(bash "$ROOT/scripts/whole_jumps.sh" "$BUILD/guests-nofuel/$g/guest.o")
  echo "  $g: $with jumps through a whole byte table with charges, $without without"
  [ $((with > 0)) = $((without > 0)) ] ||
    echo "  WARNING: only one $g build dispatches through a whole table; its ratios below compare unlike dispatch"
done
if [ -x "$OUT/llm-sandbox-nofuel" ]; then
  for w in py_pystone py_json py_regex py_csv py_strings js_fib js_json js_regex js_csv js_strings; do
    lang=python && [ "${w#js_}" != "$w" ] && lang=javascript
    $LAT "$COMPUTE_RUNS" "no fuel charges $w" -- "$OUT/llm-sandbox-nofuel" run --assets "$OUT/nofuel/assets" "${BIG[@]}" --lang $lang "$W/$w".* \
      --- "fuel charges $w" -- "$BIN" run "${BIG[@]}" --lang $lang "$W/$w".* || true
  done
else
  echo "  (skipped: $OUT/llm-sandbox-nofuel not built)"
fi
echo "  in instructions executed (callgrind; the same on every run):"
bash "$ROOT/bench/instructions.sh" "$BUILD" py_pystone py_json py_regex py_csv py_strings \
  js_fib js_json js_regex js_csv js_strings || echo "  (instruction counts failed)"

echo
echo "== 4. live sessions (library API, side by side in one process)"
"$OUT/session_bench" "$BUILD/assets" "$RUNS" 2>/dev/null || echo "  (session_bench failed or not built)"

echo
bash "$ROOT/bench/mcp_bench.sh" "$BUILD" || echo "  (mcp_bench failed)"

echo
echo "== 6. scale-out: nodes behind HAProxy"
bash "$ROOT/bench/scale.sh" "$BUILD" || echo "  (scale bench failed)"

echo
echo "== 7. the Python package: execute through sandbox.PythonSandbox against the bare C call"
VENV="$BUILD/venv" # tests/python/run.sh makes the same one
{ [ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV"; } &&
  "$VENV/bin/pip" install -q --no-build-isolation --no-index --no-deps "$ROOT/python" >/dev/null 2>&1 &&
  (cd "$BUILD" && LSB_LIBRARY="$BUILD/libllmsandbox.so" "$VENV/bin/python" -P "$ROOT/python/bench.py" 100) ||
  echo "  (python bench failed)"

echo
echo "== 8. where guest time goes (perf; bench/profile.sh)"
for w in py_pystone js_fib; do
  lang=python && [ "${w#js_}" != "$w" ] && lang=javascript
  echo "  $w:"
  bash "$ROOT/bench/profile.sh" "$BUILD" $lang "$W/$w".* || echo "  (profile failed)"
done
