#!/usr/bin/env bash
# bench/mcp_bench.sh BUILD_DIR - executions through the MCP server over
# Streamable HTTP against the same executions through `llm-sandbox run`,
# one process each: C concurrent clients x N calls (default 8 x 100; 2/3
# Python `print(i*i)`, 1/3 JavaScript), then one client alone for the
# latency of a single call. The driver is tests/mcp/load.mjs (plain
# fetch, stateless 2026-07-28 requests; --mode cli spawns `run`), which
# also checks every stdout. Prints p50/p95 and executions per second in
# bench/run.sh's table format, with ratios against the CLI.
# Timings are never asserted: this prints, it does not judge.
set -euo pipefail

BUILD=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$BUILD/llm-sandbox"
CLIENTS=${LSB_MCP_BENCH_CLIENTS:-8}
CALLS=${LSB_MCP_BENCH_CALLS:-100}
SOLO_CALLS=${LSB_MCP_BENCH_SOLO_CALLS:-40}
WORKERS=$(nproc)
LOAD=(node "$ROOT/tests/mcp/load.mjs" "$BIN" --workers "$WORKERS" --json)

# measure MODE CLIENTS CALLS -> the summary JSON line of load.mjs
measure() {
    local out
    out=$("${LOAD[@]}" --mode "$1" --clients "$2" --calls "$3" 2>&1) || {
        echo "  ($1 run failed: $(grep -m1 -A1 FAIL <<<"$out" | tr '\n' ' '))" >&2
        return 1
    }
    grep '^{' <<<"$out" | tail -1
}

# row LABEL SUMMARY BASE_SUMMARY: one table line with the ratios
row() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
label, s, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"  {label:<44} p50 {s['p50_ms']:9.2f} ms   p95 {s['p95_ms']:9.2f} ms   x{s['p50_ms'] / b['p50_ms']:6.2f}"
      f"   {s['per_s']:7.1f} exec/s  x{s['per_s'] / b['per_s']:5.2f}")
PY
}

echo "== 5. MCP server (HTTP, --workers $WORKERS) against the CLI: $CLIENTS clients x $CALLS executions"
cli=$(measure cli "$CLIENTS" "$CALLS") || exit 0
mcp=$(measure mcp "$CLIENTS" "$CALLS") || exit 0
row "llm-sandbox run, a process per execution" "$cli" "$cli"
row "MCP execute_code over HTTP" "$mcp" "$cli"
echo "  one client alone ($SOLO_CALLS executions each):"
cli1=$(measure cli 1 "$SOLO_CALLS") || exit 0
mcp1=$(measure mcp 1 "$SOLO_CALLS") || exit 0
row "llm-sandbox run, one at a time" "$cli1" "$cli1"
row "MCP execute_code over HTTP, one at a time" "$mcp1" "$cli1"
