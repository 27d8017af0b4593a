#!/usr/bin/env bash
# tests/attack/pids.sh BIN - attack cases on the pids the host acts on and on
# the zygotes' filter (issue 14, "Defence in depth": Pids, Zygotes). Each
# case says what it proves. Prints "attack-pids: N passed, M failed" and
# fails on any failure.
#
#   lying session  a fake session process (the host's real code, driven by
#                  build/tests/test_pids) names a bystander, the host or
#                  itself as its run, or a bystander as the session's
#                  holder: the session is lost with a clear error and the
#                  bystander lives; an honest one still works
#   real sessions  runs of the real binary are still killed at their
#                  deadline, the session keeps its state, and a bystander
#                  process of the same user survives all of it; a run
#                  cancelled the instant it starts (before it read the
#                  host's go-ahead) leaves the session intact
#   zygotes        every zygote is under its own seccomp filter before any
#                  request reaches it (checked on an idle MCP server), and
#                  every session process and run child carries the zygote's
#                  filter plus its own
set -u
ERR=""
BIN=${1:-build/llm-sandbox}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/proc_lib.sh"

LOOP='while True: pass'
BIG_FUEL=1000000000000

# filters PID: "MODE COUNT" from /proc/PID/status (Seccomp, Seccomp_filters)
filters() {
  awk '/^Seccomp:/ {m = $2} /^Seccomp_filters:/ {n = $2} END {print m, n}' "/proc/$1/status" 2>/dev/null
}

# A bystander: a process of ours the sandbox never started.
sleep 600 &
BYSTANDER=$!
trap 'kill $BYSTANDER 2>/dev/null; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
bystander_lives() { kill -0 $BYSTANDER 2>/dev/null && [ "$(ps -o stat= -p $BYSTANDER)" != Z ]; }

# --- lying session (the host's code against a fake session process) -------

# Proves (each line of test_pids): see tests/unit/test_pids.c; the cases
# named test_live_* drive sess_live_run against a fake session process.
if make -s -C "$ROOT" build/tests/test_pids >"$T/make.log" 2>&1; then
  out=$(timeout 120 "$ROOT/build/tests/test_pids" 2>&1)
  while read -r name; do ok "lying session: $name"; done < <(sed -n 's/^\[       OK \] //p' <<<"$out")
  while read -r name; do
    bad "lying session: $name" "$out"
  done < <(sed -n 's/^\[  FAILED  \] \(test_.*\)/\1/p' <<<"$out")
  expect_match "lying session: all 10 cases ran" "$out" 'PASSED  \] 10 test'
else bad "lying session: test_pids does not build" "$(cat "$T/make.log")"; fi

# --- real sessions ----------------------------------------------------------

R=$T/sessions
sid=$("$BIN" session create --sessions-root "$R" --auto-persist)
"$BIN" session exec --sessions-root "$R" "$sid" -c 'x = "café ☕ 日本"' >/dev/null
# Proves: a session run is still killed at its deadline (the host holds the
# run by the pidfd it verified), within the timeout and a little.
start=$SECONDS
out=$("$BIN" session exec --sessions-root "$R" "$sid" --fuel $BIG_FUEL --timeout 1 -c "$LOOP" 2>&1)
rc=$?
took=$((SECONDS - start))
expect_match "real session: a looping run ends with a timeout" "$rc $out" '^124 |[Tt]ime'
if [ $took -le 6 ]; then ok "real session: killed at its deadline (${took}s)"; else
  bad "real session: the kill came late" "${took}s"; fi
out=$("$BIN" session exec --sessions-root "$R" "$sid" -c 'print(x)' 2>&1)
expect_eq "real session: the state from before the timeout is kept" "$out" "café ☕ 日本"
# Proves: a committed run hands the session over (READY named the verified
# run) and its state is saved: the next run sees it.
"$BIN" session exec --sessions-root "$R" "$sid" -c 'y = len(x)' >/dev/null
out=$("$BIN" session exec --sessions-root "$R" "$sid" -c 'print(y, x)' 2>&1)
expect_eq "real session: a commit hands the session over" "$out" "9 café ☕ 日本"
# Proves: a one-shot run through a zygote is still killed at its deadline.
start=$SECONDS
"$BIN" run --lang python --fuel $BIG_FUEL --timeout 1 -c "$LOOP" >/dev/null 2>&1
rc=$?
took=$((SECONDS - start))
if [ $rc -ne 0 ] && [ $took -le 6 ]; then ok "one-shot: killed at its deadline (${took}s)"; else
  bad "one-shot: not killed at its deadline" "rc $rc, ${took}s"; fi
if bystander_lives; then ok "real sessions: the bystander survived every run and kill"; else
  bad "real sessions: the bystander died" "$BYSTANDER"; fi

# --- zygotes ----------------------------------------------------------------

# Proves: while a session run is busy, the zygotes (children of the CLI)
# carry one filter (theirs) and the session process and its run child two
# or more (the zygote's and their own), all in filter mode (2).
"$BIN" session exec --sessions-root "$R" "$sid" --fuel $BIG_FUEL --timeout 300 -c "$LOOP" \
  >/dev/null 2>&1 &
cli=$!
disown $cli
for i in $(seq 150); do
  [ "$(desc $cli | wc -l)" -ge 4 ] && break
  sleep 0.1
done
zyg=$(pgrep -P $cli | xargs)
rest=$(for z in $zyg; do desc "$z"; done | xargs)
zf=$(for p in $zyg; do filters "$p"; done | sort -u | xargs)
rf=$(for p in $rest; do filters "$p"; done | awk '{print $1, ($2 >= 2 ? "2+" : $2)}' | sort -u | xargs)
expect_eq "zygotes: both zygotes are filtered (mode 2, one filter)" "$(wc -w <<<"$zyg") $zf" "2 2 1"
expect_eq "zygotes: the session process and its run carry two filters" \
  "$(wc -w <<<"$rest") $rf" "2 2 2+"
kill -9 $cli

# mcp_send ID METHOD PARAMS: one request to the stdio server on fd 3
mcp_send() { printf '{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}\n' "$1" "$2" "$3" >&3; }

# Proves: an MCP server's zygotes are filtered before any request: checked
# after initialize, with no tool called yet.
rm -f "$T/in"; mkfifo "$T/in"
"$BIN" mcp --storage-dir "$T/mcp" <"$T/in" >"$T/out" 2>"$T/mcp.err" &
SRV=$!
disown $SRV
exec 3>"$T/in"
mcp_send 1 initialize '{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pids","version":"1"}}'
mcp_reply 1
zyg=$(pgrep -P $SRV | xargs)
zf=$(for p in $zyg; do filters "$p"; done | sort -u | xargs)
expect_eq "zygotes: an idle MCP server's zygotes are filtered" "$(wc -w <<<"$zyg") $zf" "2 2 1"

# Proves: a run cancelled the instant it starts (possibly before it read
# the host's go-ahead) leaves the live session intact, five times over.
echo '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&3
mcp_send 2 tools/call '{"name":"create_session","arguments":{"language":"python"}}'
mcp_reply 2
msid=$(jq -r '.result.structuredContent.session_id' <<<"$J")
mcp_send 3 tools/call "{\"name\":\"execute_code\",\"arguments\":{\"code\":\"x = 41\",\"session_id\":\"$msid\"}}"
mcp_reply 3
kept=0
for n in 1 2 3 4 5; do
  id=$((10 * n))
  mcp_send $id tools/call "{\"name\":\"execute_code\",\"arguments\":{\"code\":\"$LOOP\",\"timeout\":60,\"session_id\":\"$msid\"}}"
  printf '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":%d}}\n' $id >&3
  mcp_send $((id + 1)) tools/call "{\"name\":\"execute_code\",\"arguments\":{\"code\":\"print(x + 1)\",\"session_id\":\"$msid\"}}"
  mcp_reply $((id + 1)) && [ "$(jq -r '.result.structuredContent.stdout' <<<"$J")" = 42 ] && kept=$((kept + 1))
done
expect_eq "cancel at once: the session keeps its variables every time" "$kept" 5
exec 3>&-
for i in $(seq 50); do kill -0 $SRV 2>/dev/null || break; sleep 0.1; done
kill -9 $SRV 2>/dev/null

if bystander_lives; then ok "the bystander is alive at the end"; else bad "the bystander died" ""; fi
finish attack-pids
