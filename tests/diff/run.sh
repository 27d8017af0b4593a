#!/usr/bin/env bash
# tests/diff/run.sh SANDBOX - the differential test of the guests (issue 14,
# fuzzing): generated programs (tests/diff/gen.py) run in the sandbox and
# natively, in a QuickJS built from the guest's own source tarball
# (tests/diff/native-qjs.sh, cached) and in Debian's /usr/bin/python3.11
# (the guest is CPython 3.11.2 from the same Debian sources), and must
# print the same. DIFF_PROGRAMS (default 40 per language) and DIFF_SEED
# (default 1) choose the programs; mismatches are kept in BUILD/diff/.
# Ends with "diff-guests: N passed, M failed".
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 SANDBOX" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
sandbox=$(realpath "$1")
build=$(dirname "$sandbox")
python=/usr/bin/python3.11   # scripts/deps.sh installs it (python3.11)

if [ ! -x "$python" ]; then
  echo "diff-guests: $python is missing (make deps installs python3.11)"
  echo "diff-guests: 0 passed, 1 failed"
  exit 1
fi
if ! bash "$here/native-qjs.sh" "$build"; then
  echo "diff-guests: the native QuickJS did not build"
  echo "diff-guests: 0 passed, 1 failed"
  exit 1
fi
exec python3 "$here/diff.py" "$sandbox" "$build/native-qjs/qjs" "$python" "$build/diff"
