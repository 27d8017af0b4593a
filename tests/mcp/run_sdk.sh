#!/usr/bin/env bash
# tests/mcp/run_sdk.sh [BINARY] - run sdk_client.test.mjs (the official
# TypeScript SDK against `BINARY mcp`, over stdio and Streamable HTTP) with
# node's test runner, on the Node 22 pinned in package.json (installed by
# install.sh first, which is a no-op when node_modules is current).
# The last line is "<pass> passed, <fail> failed"; the exit status is
# nonzero if any test failed or the runner itself failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../build/llm-sandbox}") || exit 1
[ -x "$bin" ] || { echo "run_sdk.sh: $bin is not an executable" >&2; exit 2; }

bash "$here/install.sh" || { echo "0 passed, 1 failed"; exit 1; }
node="$here/node_modules/.bin/node"
[ -x "$node" ] || node=node

out=$(mktemp)
trap 'rm -f "$out"' EXIT
LSB_MCP_BINARY="$bin" "$node" --test --test-reporter=spec "$here/sdk_client.test.mjs" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
# spec prints "ℹ pass N" / "ℹ fail M" (tap: "# pass N")
pass=$(grep -aE '^(ℹ|#) pass [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+$')
fail=$(grep -aE '^(ℹ|#) fail [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+$')
pass=${pass:-0} fail=${fail:-0}
[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
echo "$pass passed, $fail failed"
[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ]
