#!/usr/bin/env bash
# tests/attack/proc.sh BIN - attack cases on processes, the terminal, the
# clock, file identity and symlinks (issue 14's audit). Each case says what
# it proves. Prints "attack-proc: N passed, M failed" and fails on any
# failure.
#
#   crash safety  kill -9 of `run`, `session exec` and `mcp` during a run
#                 leaves no process of ours; the run carries its own
#                 deadline backstop (SIGKILL timer, RLIMIT_CPU), which kills
#                 it even when its parent is frozen
#   terminal      OSC 52, title and clear-screen sequences reach a terminal
#                 escaped (unless --raw); pipes get the bytes unchanged
#   clock         monotonic starts near zero, 100 us steps, never back
#                 between the runs of a live session; realtime is real
#   identity      no host inode or device numbers; samefile and shutil.copy
#                 still work
#   symlinks      no link the guest can make leads a host reader out of the
#                 workspace; downward links inside it work
set -u
ERR=""
BIN=${1:-build/llm-sandbox}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/proc_lib.sh"

LOOP='while True: pass'
BIG_FUEL=1000000000000

# kill_and_check NAME PID: kill -9 PID (a job already disowned, so the shell
# does not report its death); within 2 s none of $D may live
kill_and_check() {
  local i left
  kill -9 "$2"
  for i in $(seq 20); do
    left=$(alive $D)
    [ -z "$left" ] && break
    sleep 0.1
  done
  if [ -z "$left" ]; then ok "$1: no process survives kill -9 of its parent (${D% })"; else
    bad "$1: processes survive kill -9" "$(ps -o pid,ppid,stat,cmd -p "${left//$'\n'/,}")"
    kill -9 $left 2>/dev/null
  fi
}

# --- crash safety -----------------------------------------------------------

# Proves: a one-shot run's child dies with the CLI (PR_SET_PDEATHSIG).
"$BIN" run --lang python --fuel $BIG_FUEL --timeout 300 -c "$LOOP" >/dev/null 2>&1 &
cli=$!
disown $cli
if wait_busy $cli 1; then
  kid=${D%% *}
  # Proves: the run child carries its own deadline: RLIMIT_CPU of timeout
  # rounded up plus 5 s grace (soft), one more (hard), and a SIGKILL timer.
  expect_match "run: RLIMIT_CPU backstop 305/306 s" "$(grep 'Max cpu time' /proc/$kid/limits)" \
    'Max cpu time +305 +306 +seconds'
  expect_match "run: a SIGKILL backstop timer" "$(cat /proc/$kid/timers 2>/dev/null)" 'signal: 9/'
  kill_and_check "run" $cli
else bad "run: the guest never started" "$D"; kill -9 $cli; fi

# Proves: the session process and its run child die with `session exec`.
R=$T/sessions
sid=$("$BIN" session create --sessions-root "$R")
"$BIN" session exec --sessions-root "$R" "$sid" -c 'x = 41' >/dev/null
"$BIN" session exec --sessions-root "$R" "$sid" --fuel $BIG_FUEL --timeout 300 -c "$LOOP" \
  >/dev/null 2>&1 &
cli=$!
disown $cli
if wait_busy $cli 3; then
  busy=$(for p in $D; do ps -o pid=,stat= -p "$p"; done | awk '$2 ~ /R/ {print $1; exit}')
  expect_match "session exec: the run child has a SIGKILL backstop timer" \
    "$(cat /proc/$busy/timers 2>/dev/null)" 'signal: 9/'
  kill_and_check "session exec" $cli
else bad "session exec: the guest never started" "$D"; kill -9 $cli; fi
out=$("$BIN" session exec --sessions-root "$R" "$sid" -c 'print("still", 41)' 2>&1)
expect_eq "session exec: the session works after the kill" "$out" "still 41"

# Proves: the backstop alone ends a run whose parent cannot enforce the
# deadline (the CLI frozen with SIGSTOP): timeout 1 s + 5 s grace.
"$BIN" run --lang python --fuel $BIG_FUEL --timeout 1 -c "$LOOP" >/dev/null 2>&1 &
cli=$!
if wait_busy $cli 1; then
  kill -STOP $cli
  start=$SECONDS
  for i in $(seq 100); do [ -z "$(alive $D)" ] && break; sleep 0.1; done
  took=$((SECONDS - start))
  kill -CONT $cli
  if [ -z "$(alive $D)" ] && [ $took -le 8 ]; then
    ok "backstop: the run died by itself with its parent frozen (${took}s)"
  else bad "backstop: the run outlived its deadline with its parent frozen" "$(alive $D)"; fi
  wait $cli; rc=$?
  expect_match "backstop: the CLI reports a timeout or a kill" "$rc" '^(120|124)$'
else bad "backstop: the guest never started" "$D"; kill -9 $cli; fi

# mcp_start: an stdio MCP server on fifo $T/in, replies in $T/out
mcp_start() {
  rm -f "$T/in"; mkfifo "$T/in"
  "$BIN" mcp --storage-dir "$T/mcp" --fuel $BIG_FUEL <"$T/in" >"$T/out" 2>"$T/mcp.err" &
  SRV=$!
  disown $SRV
  exec 3>"$T/in"
  MCP_ID=0
  mcp_send initialize '{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"attack","version":"1"}}'
  echo '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&3
}
# mcp_send METHOD PARAMS: send a request; its id is $MCP_ID
mcp_send() {
  MCP_ID=$((MCP_ID + 1))
  printf '{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}\n' $MCP_ID "$1" "$2" >&3
}
# mcp_tool NAME ARGS: send a tools/call
mcp_tool() { mcp_send tools/call "{\"name\":\"$1\",\"arguments\":$2}"; }
mcp_text() { jq -r '.result.content[0].text' <<<"$J"; }

# Proves: kill -9 of the MCP server during a session run and a one-shot run
# leaves no zygote, session process or run child behind.
mcp_start
mcp_tool create_session '{"language":"python"}'
mcp_reply $MCP_ID
msid=$(jq -r '.result.structuredContent.session_id' <<<"$J")
mcp_tool execute_code "{\"code\":\"import time\\nt0 = time.monotonic()\",\"session_id\":\"$msid\"}"
mcp_reply $MCP_ID
# Proves: the guest's monotonic clock never goes back between the runs of a
# live session (its zero is the session process's start).
mcp_tool execute_code "{\"code\":\"import time\\nprint(time.monotonic() >= t0, t0 < 10)\",\"session_id\":\"$msid\"}"
mcp_reply $MCP_ID
expect_match "clock: monotonic never goes back between session runs" "$(mcp_text)" '^True True'
mcp_tool execute_code "{\"code\":\"$LOOP\",\"session_id\":\"$msid\",\"timeout\":300}"
mcp_tool execute_code "{\"code\":\"$LOOP\",\"timeout\":300}"
if wait_busy $SRV 5; then kill_and_check "mcp" $SRV; else
  bad "mcp: the runs never started" "$D $(cat "$T/mcp.err" | tail -3)"; kill -9 $SRV; fi
exec 3>&-

# --- terminal -----------------------------------------------------------------

# tty CMD...: run CMD under a pseudo-terminal; stdout+stderr bytes in TTY_OUT
tty() {
  TTY_OUT=$(SHELL=/bin/bash script -qec "$(printf '%q ' "$@")" /dev/null 2>/dev/null | od -An -c | tr -d '\n' |
    tr -s ' ')
}
EVIL='import sys
print("osc\x1b]52;c;aGVsbG8=\x07 title\x1b]0;pwned\x07 cls\x1b[2J café ☕ 日本")
print("err\x1b[31m", file=sys.stderr)'
# Proves: a terminal never obeys the guest's escape sequences (clipboard,
# title, clear screen), on stdout and stderr, for run and session exec.
tty "$BIN" run --lang python -c "$EVIL"
expect_no_match "terminal: no ESC byte reaches the terminal" "$TTY_OUT" '033'
expect_match "terminal: ESC shown as \\x1b" "$TTY_OUT" 'o s c \\ x 1 b ] 5 2'
expect_match "terminal: stderr escaped too" "$TTY_OUT" 'e r r \\ x 1 b \['
tty "$BIN" session exec --sessions-root "$R" "$sid" -c "$EVIL"
expect_no_match "terminal: session exec escapes too" "$TTY_OUT" '033'
# Proves: --raw is the operator's explicit choice to pass them.
tty "$BIN" run --raw --lang python -c "$EVIL"
expect_match "terminal: --raw passes ESC" "$TTY_OUT" '033 ] 5 2'
# Proves: output to a pipe is the guest's bytes, unchanged.
pipe=$("$BIN" run --lang python -c "$EVIL" 2>/dev/null | od -An -c | tr -d '\n' | tr -s ' ')
expect_match "terminal: a pipe gets the bytes unchanged" "$pipe" '033 ] 5 2 ; c'

# --- clock --------------------------------------------------------------------

# Proves: the guest cannot read the host's uptime or a fine timer.
run --lang python -c 'import time
ns = [time.monotonic_ns() for _ in range(2000)]
print(time.monotonic() < 10, all(n % 100000 == 0 for n in ns), time.get_clock_info("monotonic").resolution,
      all(t % 100000 == 0 for t in (time.perf_counter_ns(), time.time_ns(), time.process_time_ns())))
print(int(time.time()))'
expect_eq "clock: monotonic < 10 s, 100 us steps, resolution 0.0001" "$(head -1 <<<"$OUT")" \
  "True True 0.0001 True"
now=$(date +%s)
real=$(tail -1 <<<"$OUT")
if [ $((now - real)) -le 5 ] && [ $((real - now)) -le 5 ]; then ok "clock: realtime is the real date"
else bad "clock: realtime is the real date" "guest $real, host $now"; fi
run --lang javascript -c 'console.log(Math.abs(Date.now() - '"$now"'000) < 10000, new Date().getFullYear())'
expect_eq "clock: JS Date.now() is the real date" "$OUT" "true $(date +%Y)"

# --- identity -----------------------------------------------------------------

W=$T/ws
mkdir -p "$W"
# Proves: os.stat shows neither host inodes nor devices, and the identity
# checks of samefile and shutil keep working.
run --lang python --workspace "$W" -c 'import os, shutil
open("é.txt", "w").write("café ☕ 日本")
os.link("é.txt", "hard")
a, b = os.stat("é.txt"), os.stat("hard")
print(a.st_ino, a.st_dev, os.stat("/data").st_dev)
print(os.path.samefile("é.txt", "hard"), a.st_ino == b.st_ino)
shutil.copy("é.txt", "copy.txt")
try:
    shutil.copy("é.txt", "hard")
    print("copied onto itself")
except shutil.SameFileError:
    print("SameFileError")
print(open("copy.txt").read())'
read -r gino gdev gdata <<<"$(head -1 <<<"$OUT")"
hino=$(stat -c %i "$W/é.txt")
hdev=$(stat -c %d "$W/é.txt")
if [ -n "$gino" ] && [ "$gino" != "$hino" ] && [ "$gdev" != "$hdev" ]; then
  ok "identity: st_ino/st_dev are not the host's ($gino/$gdev vs $hino/$hdev)"
else bad "identity: host inode or device leaked" "guest $gino/$gdev host $hino/$hdev"; fi
expect_eq "identity: /app and /data are mounts 2 and 3" "$gdev $gdata" "2 3"
expect_eq "identity: samefile, shutil.copy, SameFileError" "$(tail -n +2 <<<"$OUT")" \
  "True True
SameFileError
café ☕ 日本"

# --- symlinks -----------------------------------------------------------------

# links_inside DIR: every symlink under DIR, followed by a host reader,
# ends inside DIR (or nowhere: dangling or a loop)
links_inside() {
  local l r top
  top=$(realpath "$1")
  while IFS= read -r l; do
    r=$(realpath -q "$l") || continue
    case $r in "$top" | "$top"/*) ;; *) echo "$l -> $r" ;; esac
  done < <(find "$1" -type l)
}
W2=$T/ws2
mkdir -p "$W2"
# Proves: the audit's planted link (a "c -> ." chain making a shallow place
# look deep, then ../../.. to /etc/passwd) cannot be made, nor any "../" or
# absolute link; and renaming folders cannot carry a link out.
run --lang python --workspace "$W2" -c 'import os
os.makedirs("x"); os.symlink(".", "x/c")
for target, at in [("../../../../../etc/passwd", "x/c/c/c/c/c/l"), ("../secret", "x/up"),
                   ("/etc/passwd", "abs"), ("c/c/../../..", "x/l2")]:
    try:
        os.symlink(target, at)
        print("made", at)
    except OSError as e:
        print("refused", e.errno)
os.makedirs("a/b"); os.symlink("t", "a/b/l"); os.rename("a/b", "b"); os.rename("x/c", "c")'
expect_eq "symlinks: climbing and absolute targets refused (ENOTCAPABLE)" "$OUT" \
  "refused 76
refused 76
refused 76
refused 76"
expect_eq "symlinks: every link left resolves inside the workspace" "$(links_inside "$W2")" ""
# Proves: a downward link inside the workspace still works, for the guest
# and for a host reader.
run --lang python --workspace "$W2" -c 'import os
os.makedirs("data", exist_ok=True); open("data/f.txt", "w").write("café ☕ 日本")
os.symlink("data/f.txt", "latest")
print(os.readlink("latest"), open("latest").read())'
expect_eq "symlinks: a downward link works in the guest" "$OUT" "data/f.txt café ☕ 日本"
expect_eq "symlinks: and for a host reader" "$(cat "$W2/latest")" "café ☕ 日本"

finish attack-proc
