#!/usr/bin/env bash
# bench/scale.sh BUILD_DIR - the scale-out numbers of `make bench` (issue
# 15): throughput with 1, 2 and 3 `llm-sandbox mcp --http` nodes behind
# HAProxy (deploy/haproxy.cfg) as ratios against one node without HAProxy,
# the latency HAProxy adds per call, and the time from a node's kill -9 to
# its sessions' first successful run on another node. The driver is
# tests/scale/bench.mjs (the official MCP SDK, protocol 2025-11-25), which
# shares its cluster and client code with the scale-out test.
# Every node runs on this machine, so they share its cores: more nodes
# cannot add CPU here, only show what the proxy and the spreading cost.
# Timings are never asserted: this prints, it does not judge.
set -euo pipefail

BUILD=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { echo "  (skipped: haproxy is missing; scripts/deps.sh installs it)"; exit 0; }
bash "$ROOT/tests/mcp/install.sh" >/dev/null
"$ROOT/tests/mcp/node_modules/.bin/node" "$ROOT/tests/scale/bench.mjs" "$BUILD/llm-sandbox" \
  --clients "${LSB_SCALE_BENCH_CLIENTS:-16}" --seconds "${LSB_SCALE_BENCH_SECONDS:-5}" \
  --rounds "${LSB_SCALE_BENCH_ROUNDS:-2}" --pairs "${LSB_SCALE_BENCH_PAIRS:-100}" \
  --trials "${LSB_SCALE_BENCH_TRIALS:-3}"
