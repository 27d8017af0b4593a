#!/usr/bin/env bash
# tests/attack/crash.sh BIN - crash safety under kill -9 anywhere (issue 14):
# the loops are in crash_driver.py; each case below says what it proves.
# Prints "attack-crash: N passed, M failed" and fails on any failure.
#
# Counts are parameters (CI runs the defaults; `make soak` runs more):
#   CRASH_ITERATIONS  server kills per transport (default 15)
#   CRASH_WRITES      kills of `session write` (default 15)
#   CRASH_KILLS       kills of zygotes, session processes and run children (default 100)
#   CRASH_SEED        the random seed (default: the time; printed, to replay a failure)
set -u
BIN=${1:-build/llm-sandbox}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
DRIVER=$(dirname "$0")/crash_driver.py
ITER=${CRASH_ITERATIONS:-15}
WRITES=${CRASH_WRITES:-15}
KILLS=${CRASH_KILLS:-100}
SEED=${CRASH_SEED:-$(date +%s)}
passed=0 failed=0

# case ARGS...: run the driver; add up its ok and FAIL lines
case_() {
  local out
  out=$(python3 "$DRIVER" "$BIN" "$@" --seed "$SEED" 2>&1)
  grep -v '^crash-driver:' <<<"$out"
  passed=$((passed + $(grep -c '^ok ' <<<"$out")))
  failed=$((failed + $(grep -c '^FAIL' <<<"$out")))
  grep -q '^crash-driver: [0-9]* passed, 0 failed$' <<<"$out" ||
    grep -q '^FAIL' <<<"$out" || { failed=$((failed + 1)); echo "FAIL the driver did not finish: $*"; }
}

# Proves: kill -9 of the HTTP MCP server at a random moment of a session
# run, an auto-persisted state save (aimed: once state.json.tmp exists), a
# one-shot run or an output flood leaves no zygote, session process or run
# child alive; after a restart on the same storage the session's state is
# the last committed one (or the one the killed run finished saving), never
# a torn file, the session runs, and no temporary file is left (record,
# state, one-shot workspace in $TMPDIR: the next access sweeps them).
case_ server-kill --transport http --iterations "$ITER"

# Proves: the same for the stdio MCP server (its client's pipe is the only
# tie: no process outlives it).
case_ server-kill --transport stdio --iterations "$ITER"

# Proves: kill -9 of `session write` while it writes a 24 MiB file (aimed:
# once the write has begun) never leaves a torn file: the file is the old
# one or the new one (a temporary file renamed into place), and the next
# access to the session removes the temporary file.
case_ write-kill --iterations "$WRITES"

# Proves: under load (Python and JavaScript, sessions and one-shots), kill
# -9 of a random zygote, live session process or running child, many times:
# the server lives, the next call after every kill works, every call of the
# load either succeeds or fails with a clear error, every session works at
# the end, get_metrics counts zygote_restarts, sessions_lost and
# children_killed_externally, the audit log has one line per counted
# event, and no process outlives the server.
case_ child-kill --kills "$KILLS"

echo "attack-crash: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
