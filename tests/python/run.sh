#!/usr/bin/env bash
# tests/python/run.sh BUILD - the `sandbox` Python package's pytest suite.
#
# Creates BUILD/venv (python3 -m venv --system-site-packages, so Debian's
# pytest is visible; kept between runs), installs ./python into it offline
# (pip --no-build-isolation --no-index), runs tests/python/pkg against
# BUILD/libllmsandbox.so, then once more a smoke test against an installed
# tree (make install DESTDIR=tmp, LSB_LIBRARY pointing into it). Ends with
# "python: N passed, M failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
BUILD=$(cd "$BUILD" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
VENV=$BUILD/venv
passed=0 failed=0

finish() { echo "python: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit; }

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pytest' 2>/dev/null; then
  rm -rf "$VENV"
  "$PY" -m venv --system-site-packages "$VENV" || { echo "FAIL: venv"; failed=1; finish; }
fi
if ! LOG=$("$VENV/bin/pip" install -q --no-build-isolation --no-index --force-reinstall --no-deps ./python 2>&1); then
  echo "FAIL: pip install ./python"; echo "$LOG" | tail -20; failed=1; finish
fi
[ -f "$BUILD/libllmsandbox.so" ] || { echo "FAIL: $BUILD/libllmsandbox.so missing (run make)"; failed=1; finish; }

OUT=$(cd "$BUILD" && env -u LSB_ASSETS_DIR LSB_LIBRARY="$BUILD/libllmsandbox.so" \
  "$VENV/bin/python" -P -m pytest -q -p no:cacheprovider "$ROOT/tests/python/pkg" 2>&1)
echo "$OUT" | tail -n 40
SUMMARY=$(echo "$OUT" | tail -n 1)
p=$(grep -oE '[0-9]+ passed' <<<"$SUMMARY" | grep -oE '[0-9]+' || true)
f=$(grep -oE '[0-9]+ (failed|error|errors)' <<<"$SUMMARY" | awk '{s += $1} END {print s + 0}')
passed=${p:-0}; failed=${f:-0}
[ "$passed" -gt 0 ] || failed=$((failed + 1))

# The package against an installed tree (not the build folder).
DEST=$(mktemp -d)
trap 'rm -rf "$DEST"' EXIT
if make -s install DESTDIR="$DEST" PREFIX=/usr/local >/dev/null 2>&1; then
  SMOKE=$(cd "$DEST" && env -u LSB_ASSETS_DIR LSB_LIBRARY="$DEST/usr/local/lib/libllmsandbox.so.0" "$VENV/bin/python" -P -c '
import sandbox, sandbox._lib as L, sys
sb = sandbox.create_sandbox(runtime="python", workspace_root=sys.argv[1])
js = sandbox.create_sandbox(runtime="javascript", workspace_root=sys.argv[1])
print(sb.execute("print(6*7, \"é ☕\")").stdout.strip(), js.execute("console.log(\"日本\")").stdout.strip())
' "$DEST/ws" 2>&1)
  if [ "$SMOKE" = "42 é ☕ 日本" ]; then passed=$((passed + 1)); echo "ok: installed tree ($DEST/usr/local)";
  else failed=$((failed + 1)); echo "FAIL: installed tree: $SMOKE"; fi
else
  failed=$((failed + 1)); echo "FAIL: make install DESTDIR=$DEST"
fi
finish
