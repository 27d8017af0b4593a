#!/usr/bin/env bash
# tests/e2e/fuel_node.sh BUILD_DIR - a run consumes the same fuel in our
# host as under Node's WASI, an independent engine and WASI implementation.
#
# For each program, `llm-sandbox run --json` reports fuel_consumed; then
# guest/js/test/run-node.mjs runs the same instrumented guest.wasm under
# Node, restored from the same snapshot image the host maps
# (--host-snapshot), with the host's mounts, file name and budget. The two
# counts must be equal, unit for unit, and so must stdout. Programs that
# run out of fuel must stop in both (the host reports the budget; Node,
# whose import traps at the same test, at least the budget).
# Python and JavaScript; non-ASCII text, errors, files in /app, memory
# growth and bench workloads (billions of units each, equal to the unit).
# Prints "fuel-node: N passed, M failed".
#
# Not compared: programs that read file identities or list directories.
# There the two hosts give the guest different input, so its code takes
# other paths: our inode numbers count files in the order the guest saw
# them (src/wasi/ident.h) where Node passes the host's, and our listings
# hold "." and ".." (as wasmtime's do) where Node's omit them.
set -uo pipefail
BUILD=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$BUILD/llm-sandbox
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
command -v node >/dev/null || { bad "node is installed" "scripts/deps.sh installs it"; finish fuel-node; exit 1; }
BUDGET=5000000000

# node_run LANG FILENAME FUEL (-e CODE | FILE) -> $NODE_OUT (stdout),
# $NODE_ERR (stderr). --no-turbo-fast-api-calls: without it Node 20 can
# crash in its WASI calls (as the bench and guest/js/test run it).
node_run() {
  local lang=$1 filename=$2 fuel=$3 guest=quickjs
  shift 3
  [ "$lang" = python ] && guest=python
  NODE_OUT=$(node --no-turbo-fast-api-calls "$ROOT/guest/js/test/run-node.mjs" \
    --wasm "$BUILD/guests/$guest/guest.wasm" --host-snapshot "$BUILD/assets/$guest.snap" \
    --data "$BUILD/assets/data" --stdlib "$BUILD/assets/python-stdlib" --root "$BUILD/assets/root" \
    --memory-limit-mb 512 --fuel "$fuel" --filename "$filename" "$@" 2>"$T/node-stderr")
  NODE_ERR=$(cat "$T/node-stderr")
}

# node_fuel: the fuel_consumed run-node reported in $NODE_ERR
node_fuel() { sed -n 's/^\[run-node\] fuel_consumed=//p' <<<"$NODE_ERR"; }

# compare NAME LANG FILENAME (-c CODE | FILE): equal fuel_consumed and
# stdout in the host and in Node (which takes the code as -e)
compare() {
  local name=$1 lang=$2 filename=$3 host node
  shift 3
  jrun --lang "$lang" --memory 512MiB "$@"
  host=$(jget .fuel_consumed)
  [ "$1" = -c ] && set -- -e "$2"
  node_run "$lang" "$filename" "$BUDGET" "$@"
  node=$(node_fuel)
  if [ -n "$host" ] && [ "$host" != null ] && [ "$host" -gt 0 ] && [ "$host" = "$node" ]; then
    ok "$lang $name: $host units in both"
  else
    bad "$lang $name: the same fuel in both" "host $host, node $node; host stderr: $ERR; node: ${NODE_ERR: -300}"
  fi
  expect_eq "$lang $name: the same stdout" "$NODE_OUT" "$(jget .stdout | sed -z 's/\n$//')"
}
# same NAME LANG CODE, same_file NAME LANG FILE: compare, for code or a file
same() { compare "$1" "$2" '<string>' -c "$3"; }
same_file() { compare "$1" "$2" "$(basename "$3")" "$3"; }

# stops NAME LANG FUEL CODE: the program runs out of fuel in both
stops() {
  local name=$1 lang=$2 fuel=$3 code=$4 node
  jrun --lang "$lang" --fuel "$fuel" -c "$code"
  expect_eq "$lang $name: the host stops it at the budget" "$(jget .success) $(jget .fuel_consumed)" "false $fuel"
  node_run "$lang" '<string>' "$fuel" -e "$code"
  node=$(node_fuel)
  if grep -q 'trap: RuntimeError: out of fuel' <<<"$NODE_ERR" && [ "${node:-0}" -ge "$fuel" ]; then
    ok "$lang $name: Node stops it too ($node units)"
  else
    bad "$lang $name: Node stops it too" "${NODE_ERR: -300}"
  fi
}

same "print" python 'print(1)'
same "non-ASCII and json" python 'import json; d = {"café": "naïve ☕", "n": [1, 2.5, None]}
s = json.dumps(d, ensure_ascii=False); print(s); print(json.loads(s) == d, len(s))'
same "a traceback" python 'def f(x):
    return 1 / x
f(0)'
same "classes and sorting" python 'from dataclasses import dataclass
@dataclass
class Row:
    name: str
    score: int
rows = [Row(f"élève{i}", (i * 7919) % 101) for i in range(2000)]
best = sorted(rows, key=lambda r: (-r.score, r.name))[:3]
print([(r.name, r.score) for r in best], sum(r.score for r in rows))'
same "csv in memory" python 'import csv, io
buf = io.StringIO()
w = csv.writer(buf)
for i in range(500):
    w.writerow([i, f"ville-{i % 7}", i * 1.5])
totals = {}
for n, city, v in csv.reader(io.StringIO(buf.getvalue())):
    totals[city] = totals.get(city, 0) + float(v)
print(sorted(totals.items())[:2])'
same "files in /app" python 'import os
with open("notes.txt", "w", encoding="utf-8") as f:
    f.write("première ligne\n" * 100)
os.makedirs("out/sub", exist_ok=True)
with open("out/sub/é.csv", "a", encoding="utf-8") as f:
    f.write("a,b\n1,2\n")
print(open("notes.txt", encoding="utf-8").read().count("\n"), open("out/sub/é.csv").read().split())'
same "memory growth" python 'x = list(range(3_000_000)); print(len(x), x[-1])'
same "a syntax error" python 'def f(:
    pass'
same_file "bench strings" python "$ROOT/bench/workloads/py_strings.py"
same_file "bench regex" python "$ROOT/bench/workloads/py_regex.py"
stops "an endless loop" python 3000000 'while True: pass'

same "console.log" javascript 'console.log(1)'
same "non-ASCII and JSON" javascript 'const d = { "café": "naïve ☕", n: [1, 2.5, null] };
const s = JSON.stringify(d); console.log(s, JSON.parse(s)["café"] === d["café"], s.length)'
same "an uncaught error" javascript 'function f(x) { if (x > 2) throw new TypeError("too big: " + x); return f(x + 1); }
f(0)'
same "classes, maps and sorting" javascript 'class Row { constructor(i) { this.name = "élève" + i; this.score = (i * 7919) % 101; } }
const rows = Array.from({ length: 2000 }, (_, i) => new Row(i));
const best = [...rows].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name)).slice(0, 3);
const byScore = new Map(); for (const r of rows) byScore.set(r.score, (byScore.get(r.score) || 0) + 1);
console.log(best.map((r) => r.name + ":" + r.score).join(" "), byScore.size)'
same "regex and template strings" javascript 'const text = Array.from({ length: 300 }, (_, i) => `id=${i};name=n${i % 13}`).join("\n");
const m = [...text.matchAll(/id=(\d+);name=(n1\d?)/g)]; console.log(m.length, m[5][1], text.replace(/n(\d)/g, "N$1").length)'
same "memory growth" javascript 'const a = new Array(2000000).fill(0).map((_, i) => i); console.log(a.length, a[a.length - 1])'
same_file "bench fib" javascript "$ROOT/bench/workloads/js_fib.js"
stops "an endless loop" javascript 3000000 'for (;;) {}'

finish fuel-node
