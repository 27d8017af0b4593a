#!/usr/bin/env bash
# scripts/test.sh - the whole test suite, from a fresh machine: dependencies,
# build, the format check, the architecture check (scripts/check-layers.py),
# unit tests (cmocka), end-to-end tests of the real
# binary, then the unit and end-to-end tests again under ASan and UBSan.
# Also: a second build does no guest work, the fuel pass's own tests, the
# QuickJS guest under Node's WASI (an independent host), the same fuel
# for both guests under Node's WASI as in our host, and the MCP server
# driven by real clients (the official TypeScript SDK, the conformance
# suite), hostile traffic and load, and the libFuzzer harnesses
# (tests/fuzz: every seed corpus replayed, then 8 s of fresh fuzzing each).
# The last line is the total, in the "N passed, M failed" form CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
make -j"$(nproc)" all || exit 1
total_pass=0 total_fail=0
suite() { # NAME COMMAND... : run one suite and add its "N passed, M failed" line
  local name=$1; shift
  echo "=== $name"
  "$@" 2>&1 | tee "/tmp/lsb-suite.$$"
  local rc=${PIPESTATUS[0]}
  local line p f
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "/tmp/lsb-suite.$$" | tail -1)
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
  f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
  [ -n "$line" ] || { p=0; f=1; }
  [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  rm -f "/tmp/lsb-suite.$$"
}
suite format make -s format-check
suite layers make -s check-layers
suite rebuild bash scripts/check-rebuild.sh
suite segue bash tests/e2e/segue.sh build
suite guest-asm bash tests/e2e/guest_asm.sh build
suite fuel-pass bash tools/fuel/test/run.sh
suite js-guest-node node guest/js/test/test.mjs "$(sed -n 2p build/guests/manifest)/quickjs.wasm"
suite fuel-node bash tests/e2e/fuel_node.sh build
suite unit make -s unit
suite e2e make -s e2e
suite batteries-py bash tests/e2e/batteries_py.sh build/llm-sandbox
suite js-helpers bash tests/e2e/js_helpers.sh build/llm-sandbox
suite sessions-cli bash tests/e2e/sessions_cli.sh build/llm-sandbox
suite install bash tests/e2e/install.sh build
suite mcp-sdk bash tests/mcp/run_sdk.sh build/llm-sandbox
suite mcp-conformance bash tests/mcp/conformance.sh build/llm-sandbox
suite mcp-malformed bash tests/mcp/malformed.sh build/llm-sandbox
suite mcp-load node tests/mcp/load.mjs build/llm-sandbox
suite soak-short node tests/mcp/soak.mjs build/llm-sandbox --seconds 60 --sample 10 --name soak-short
suite spec bash -c "make -s build/tests/spec_lib_driver >/dev/null && bash tests/mcp/install.sh >/dev/null && python3 tests/spec/spec.py build/llm-sandbox"
suite attack-http bash tests/attack/http.sh build/llm-sandbox
suite attack-disk bash tests/attack/disk.sh build/llm-sandbox
suite attack-mcpsec bash tests/attack/mcpsec.sh build/llm-sandbox
suite attack-proc bash tests/attack/proc.sh build/llm-sandbox
suite attack-fds bash tests/attack/fds.sh build/llm-sandbox
suite attack-faults bash tests/attack/faults.sh build/llm-sandbox
suite attack-landlock bash tests/attack/landlock.sh build/llm-sandbox
suite attack-pids bash tests/attack/pids.sh build/llm-sandbox
suite attack-crash bash tests/attack/crash.sh build/llm-sandbox
suite attack-guest bash tests/attack/guest.sh build/llm-sandbox
suite fuzz make -s -j"$(nproc)" fuzz-replay FUZZ_SECONDS=30
suite diff-guests bash tests/diff/run.sh build/llm-sandbox
suite scale bash tests/scale/run.sh build/llm-sandbox
suite python bash tests/python/run.sh build
suite asan-unit make -s asan-unit
suite asan-e2e make -s asan-e2e
suite asan-mcp bash tests/mcp/malformed.sh build-asan/llm-sandbox
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
