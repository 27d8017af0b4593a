#!/usr/bin/env bash
# tests/mcp/conformance.sh [BINARY] - run the official MCP conformance suite
# (@modelcontextprotocol/conformance, pinned in package.json) against
# `BINARY mcp --http` on a free loopback port: the active server suite at
# http://localhost:PORT/mcp with conformance-baseline.yml as the expected
# failures, then dns-rebinding-protection again at http://127.0.0.1:PORT/mcp
# (the Host check must accept both loopback spellings), then the required
# set of the stateless 2026-07-28 revision with the 0.2.0 alpha of the suite
# and conformance-baseline-2026.yml.
# The rate limiter is off (--rate-limit 0): the suite sends ~150 requests in
# a few seconds from one address, past the default burst of 60.
# Counts are per scenario; baseline failures are reported as skipped. The
# suite's own exit status decides failure (it also fails on a baseline entry
# that now passes). Check details: rerun with LSB_KEEP=1 and read the
# checks.json files under the results folder it prints.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../build/llm-sandbox}") || exit 1
[ -x "$bin" ] || { echo "conformance.sh: $bin is not an executable" >&2; exit 2; }
cd "$here"
bash ./install.sh || { echo "0 passed, 1 failed"; exit 1; }
node=node_modules/.bin/node
conformance=(node_modules/.bin/conformance)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsb-mcp-conformance.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null
  fi
  if [ -n "${LSB_KEEP:-}" ]; then echo "[conformance] kept $tmp (server.log, results/)"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

port=$("$node" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
echo "[conformance] starting $bin mcp --http 127.0.0.1:$port"
"$bin" mcp --http "127.0.0.1:$port" --storage-dir "$tmp/storage" --rate-limit 0 2>"$tmp/server.log" &
server_pid=$!
up=0
for _ in $(seq 300); do
  kill -0 "$server_pid" 2>/dev/null || break
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
  sleep 0.1
done
if [ "$up" != 1 ]; then
  echo "[conformance] the server did not listen on 127.0.0.1:$port; its log:" >&2
  tail -20 "$tmp/server.log" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

plain() { sed 's/\x1b\[[0-9;]*m//g'; }

echo "[conformance] active server suite at http://localhost:$port/mcp"
"$node" "${conformance[@]}" server --url "http://localhost:$port/mcp" \
  --expected-failures conformance-baseline.yml -o "$tmp/results" 2>&1 | plain | tee "$tmp/suite.log"
rc=${PIPESTATUS[0]}

echo "[conformance] dns-rebinding-protection at http://127.0.0.1:$port/mcp"
"$node" "${conformance[@]}" server --url "http://127.0.0.1:$port/mcp" \
  --scenario dns-rebinding-protection -o "$tmp/results" 2>&1 | plain | tee "$tmp/dns.log"
rc2=${PIPESTATUS[0]}

echo "[conformance] stateless 2026-07-28 required set (conformance 0.2.0 alpha) at http://localhost:$port/mcp"
"$node" node_modules/conformance-2026/dist/index.js server --url "http://localhost:$port/mcp" \
  --requirements 2026-07-28 --expected-failures conformance-baseline-2026.yml \
  -o "$tmp/results-2026" 2>&1 | plain | tee "$tmp/suite-2026.log"
rc3=${PIPESTATUS[0]}

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "[conformance] the server died during the run; its log:" >&2
  tail -20 "$tmp/server.log" >&2
  rc=1
fi

# Per-scenario counts from the summary ("✓|✗ name: N passed, M failed").
expected=$(sed -nE 's/^[[:space:]]*-[[:space:]]*([A-Za-z0-9_-]+).*/\1/p' conformance-baseline.yml | sort -u)
pass=0 fail=0 skip=0
while read -r mark name; do
  name=${name%%:*}
  listed=0
  grep -qx -- "$name" <<<"$expected" && listed=1
  if [ "$mark" = "✓" ]; then
    pass=$((pass + 1))
    [ "$listed" = 1 ] && { echo "[conformance] $name passes but is in the baseline: remove it"; fail=$((fail + 1)); }
  elif [ "$listed" = 1 ]; then
    skip=$((skip + 1))
  else
    echo "[conformance] unexpected failure: $name"
    fail=$((fail + 1))
  fi
done < <(sed -n '/=== SUMMARY ===/,$p' "$tmp/suite.log" | grep -E '^(✓|✗) ')
if grep -qE '^Passed: [0-9]+/[0-9]+, 0 failed' "$tmp/dns.log" && [ "$rc2" = 0 ]; then
  pass=$((pass + 1))
else
  echo "[conformance] dns-rebinding-protection failed at 127.0.0.1"
  fail=$((fail + 1))
fi
# 2026-07-28: the alpha judges its baseline itself (stale entries and
# warnings fail it); passing scenarios with checks count as passed.
pass26=$(grep -cE '^✓ .*: [1-9][0-9]* passed' "$tmp/suite-2026.log")
pass=$((pass + pass26))
if [ "$rc3" -ne 0 ] || [ "$pass26" -eq 0 ]; then
  echo "[conformance] the 2026-07-28 run failed (exit $rc3): see 'Unexpected failures' above"
  fail=$((fail + 1))
fi
[ $((pass + fail + skip)) -gt 1 ] || { echo "[conformance] no scenario summary found"; fail=$((fail + 1)); }
[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
checks=$(grep -E '^Total: ' "$tmp/suite.log" | tail -1 | sed -E 's/Total: ([0-9]+) passed, ([0-9]+) failed/\1 checks passing and \2 failing/')
echo "[conformance] the suite saw ${checks:-no total line} (baseline failures included); $skip scenarios fail as conformance-baseline.yml expects, counted as skipped"
echo "$pass passed, $fail failed, $skip skipped"
[ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$rc3" -eq 0 ] && [ "$fail" -eq 0 ]
