#!/usr/bin/env bash
# tests/attack/landlock.sh BIN - defence in depth for the day a guest
# escapes WebAssembly (issue 14): what the kernel enforces on every process
# that runs guest code, seen from outside while a guest runs. Prints
# "attack-landlock: N passed, M failed" and fails on any failure.
#
#   confinement  a one-shot run child, a session process and its run child
#                all have no_new_privs and a seccomp filter on
#                (/proc/PID/status); the Landlock domain itself is not
#                visible in /proc, so tests/unit/test_lockdown.c proves it
#                with raw openat2/unlinkat/renameat/linkat/mkdirat calls from
#                the very same lockdown (EACCES/EXDEV outside the mounts)
#   processes    a one-shot run child may create no process (RLIMIT_NPROC
#                0/0, and its filter kills clone); a session process and its
#                run child have a finite cap (soft = hard), while the
#                zygote, host code, keeps the host's own limit
#   still works  under Landlock the guest writes, renames, links and lists
#                in /app, reads /data and /external (Python, JavaScript, a
#                live session), and no "no Landlock" warning appears on a
#                kernel that has it
set -u
ERR=""
BIN=${1:-build/llm-sandbox}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/proc_lib.sh"

LOOP='while True: pass'
BIG_FUEL=1000000000000
TEXT='café ☕ 日本'

# nproc PID: "soft hard" of PID's RLIMIT_NPROC
nproc() { awk '/^Max processes/ {print $3, $4}' "/proc/$1/limits" 2>/dev/null; }

# check_locked NAME PID: no_new_privs and a seccomp filter on PID
check_locked() {
  expect_eq "$1: no_new_privs is set" "$(field "$2" NoNewPrivs)" 1
  expect_eq "$1: a seccomp filter is loaded" "$(field "$2" Seccomp)" 2
}

# --- a one-shot run child -----------------------------------------------------

# Proves: the run child is locked down and may not create any process.
"$BIN" run --lang python --fuel $BIG_FUEL --timeout 60 -c "$LOOP" >/dev/null 2>&1 &
cli=$!
if wait_busy $cli 1; then
  kid=${D%% *}
  check_locked "run child" "$kid"
  expect_eq "run child: RLIMIT_NPROC is 0/0" "$(nproc "$kid")" "0 0"
else bad "run: the guest never started" "$D"; fi
kill -9 $cli 2>/dev/null
wait $cli 2>/dev/null

# --- a session process and its run child -------------------------------------

# Proves: both are locked down, with a finite process cap; the zygote above
# them (host code) is not capped by it and has only its own deny-list filter.
R=$T/sessions
sid=$("$BIN" session create --sessions-root "$R")
"$BIN" session exec --sessions-root "$R" "$sid" -c 'x = 41' >/dev/null
"$BIN" session exec --sessions-root "$R" "$sid" --fuel $BIG_FUEL --timeout 60 -c "$LOOP" \
  >/dev/null 2>&1 &
cli=$!
if wait_busy $cli 3; then
  set -- $D # zygote, session process, run child
  check_locked "session process" "$2"
  check_locked "session run child" "$3"
  expect_match "session process: a finite RLIMIT_NPROC, soft = hard" "$(nproc "$2")" \
    '^([0-9]+) \1$'
  expect_eq "session run child: the same cap as its session" "$(nproc "$3")" "$(nproc "$2")"
  expect_eq "zygote: the host's own process limit" "$(nproc "$1")" "$(nproc $$)"
  expect_eq "zygote: seccomp mode 2, its own deny-list (zygote_filter.c)" "$(field "$1" Seccomp)" 2
else bad "session exec: the guest never started" "$D"; fi
kill -9 $cli 2>/dev/null
wait $cli 2>/dev/null

# --- what the guest may still do ---------------------------------------------

W=$T/ws E=$T/external
mkdir -p "$W" "$E"
printf '%s' "$TEXT" >"$E/note.txt"
PY="import os
open('/app/a.txt', 'w').write(open('/external/note.txt').read())
os.mkdir('/app/d')
os.rename('/app/a.txt', '/app/d/b.txt')
os.link('/app/d/b.txt', '/app/c.txt')
os.symlink('d/b.txt', '/app/l.txt')
import yaml
print(open('/app/l.txt').read(), sorted(os.listdir('/app')), yaml.safe_load('k: 1')['k'])"
jrun --lang python --workspace "$W" --external "$E" -c "$PY"
expect_eq "python: /app read-write, /external and /data readable" "$(jget .stdout)" \
  "$TEXT ['c.txt', 'd', 'l.txt'] 1"
expect_eq "python: no Landlock warning on this kernel" "$(jget '.warnings | length')" 0
expect_eq "python: the host sees the moved file" "$(cat "$W/d/b.txt")" "$TEXT"

jrun --lang javascript --workspace "$W" -c "writeText('j.txt', readText('c.txt') + '!');
console.log(readText('/app/j.txt'), listFiles('.').length > 0, require('lodash').sum([1, 2]))"
expect_eq "javascript: /app read-write, /data readable" "$(jget .stdout)" "$TEXT! true 3"

"$BIN" session exec --sessions-root "$R" "$sid" -c "open('/app/s.txt', 'w').write('$TEXT')" \
  >/dev/null 2>&1
out=$("$BIN" session exec --sessions-root "$R" "$sid" -c "import os
os.replace('/app/s.txt', '/app/t.txt')
print(open('/app/t.txt').read())" 2>&1)
expect_eq "session: files written by one run, renamed by the next" "$out" "$TEXT"
files=$("$BIN" session files --sessions-root "$R" "$sid" 2>&1)
expect_match "session: the host lists the file" "$files" 't\.txt'

finish attack-landlock
