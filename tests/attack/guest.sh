#!/usr/bin/env bash
# tests/attack/guest.sh BIN - the corpus of hostile guest programs (issue
# 14): each line of guest_cases.txt is one Python or JavaScript program run
# through `BIN run --json`, with the exact refusal it must get (errno name,
# exception, error type, exit status) and what that proves. After every case
# the host is checked: the folder beside the workspace (holding a secret),
# /data and /external must be exactly as before, and nothing may appear
# beside the workspace. Below the table: checks that need two runs or the
# host's view (randomness across runs, the real clock, a name of invalid
# UTF-8 on disk, the CLI's truncation line) and cross-session isolation.
# Prints "attack-guest: N passed, M failed" and fails on any failure.
# GUEST_CASES=FILE runs another table (e.g. one with flipped expectations,
# to see every case fail).
#
#   paths    `..`, host paths, /proc, /dev, symlinks (absolute, climbing,
#            chains of `c -> .`), hard links, renames of preopens, long
#            names, NUL, invalid UTF-8, read-only /data and /external
#   fds      guessed fds, EMFILE, stdin
#   memory   floods and huge allocations: MemoryError / MemoryExhausted
#   cpu      loops, recursion, regex backtracking: OutOfFuel, Timeout
#   output   stdout and stderr floods: capped and marked
#   disk     file count, sparse files, fallocate, truncate: EDQUOT
#   clock    100 us clocks; urandom and random differ between runs
#   syscall  no fork, exec, kill, sockets, ctypes; no Node built-ins
#   session  one session cannot reach another's files
set -u
ERR=""
BIN=${1:-build/llm-sandbox}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"

PY_PRELUDE='import os, errno, sys
def t(f, *a):
    try:
        r = f(*a)
        print("OK", repr(r)[:70])
    except OSError as e:
        print("ERR", type(e).__name__, errno.errorcode.get(e.errno, e.errno))
    except BaseException as e:
        print("ERR", type(e).__name__, str(e)[:80])
'
JS_PRELUDE='function t(f) {
  try { print("OK", String(f()).slice(0, 70)) }
  catch (e) { print("ERR", e.name, String(e.message).slice(0, 160)) }
}
'
# The result line a case's regex is matched against (see guest_cases.txt).
RESULT_JQ='"type=\(.error.type) trap=\(.trap_reason) st=\(.stdout_truncated) et=\(.stderr_truncated) olen=\(.stdout | length) elen=\(.stderr | length) | err=\(.stderr | rtrimstr("\n") | split("\n") | last // "") | out=\(.stdout | gsub("\n"; " ⏎ "))"'

mkdir -p "$T/box" "$T/data" "$T/ext"
printf 'café ☕ 日本 secret' >"$T/box/secret"
printf 'café ☕ 日本 data' >"$T/data/d.txt"
printf 'café ☕ 日本 external' >"$T/ext/e.txt"
chmod 0644 "$T/data/d.txt" "$T/ext/e.txt"

# host_state: names, modes and sizes of everything beside the workspace and
# under /data and /external, and a hash of their contents
host_state() {
  (cd "$T" && find box data ext -path box/app -prune -o -path box/.app.lock -prune -o -printf '%p %m %s\n' | sort &&
    cat box/secret data/d.txt ext/e.txt | sha256sum)
}
BEFORE=$(host_state)

# run_case ID LANG OPTS CODE EXPECT PROVES: one line of the table
run_case() {
  local id=$1 lang=$2 opts=$3 code=${4//\\n/$'\n'} expect=$5 proves=$6 line after
  rm -rf "$T/box/app" && mkdir "$T/box/app"
  if [ "$lang" = py ]; then code=$PY_PRELUDE$code; lang=python; else code=$JS_PRELUDE$code; lang=javascript; fi
  [ "$opts" = - ] && opts=""
  # shellcheck disable=SC2086 # opts is a list of words
  run --json --lang "$lang" --workspace "$T/box/app" --data "$T/data" --external "$T/ext" $opts -c "$code"
  line="rc=$RC $(jq -r "$RESULT_JQ" <<<"$OUT" 2>&1)"
  after=$(host_state)
  if ! grep -qE -- "$expect" <<<"$line"; then
    bad "$id: $proves" "no match for /$expect/ in [${line:0:400}]; stderr: ${ERR:0:200}"
  elif [ "$after" != "$BEFORE" ]; then
    bad "$id: $proves" "the host changed: $(diff <(echo "$BEFORE") <(echo "$after") | tail -n +2)"
  else
    ok "$id: $proves"
  fi
}

# --- the table ---------------------------------------------------------------
while IFS= read -r row; do
  case $row in '#'* | '') continue ;; esac
  IFS=$'\x1f' read -r id lang _cat opts code expect proves <<<"${row// ¦ /$'\x1f'}"
  run_case "$id" "$lang" "$opts" "$code" "$expect" "$proves"
done <"${GUEST_CASES:-$HERE/guest_cases.txt}"

# --- checks that need two runs or the host's view --------------------------

# py_out CODE: the stdout of a plain Python run (with the t() prelude)
py_out() { "$BIN" run --lang python -c "$PY_PRELUDE$1" 2>/dev/null; }

# Proves: os.urandom is seeded per run: two runs never draw the same bytes.
a=$(py_out 'print(os.urandom(16).hex())')
b=$(py_out 'print(os.urandom(16).hex())')
if [[ $a =~ ^[0-9a-f]{32}$ ]] && [ "$a" != "$b" ]; then ok "x01: os.urandom differs between runs"; else
  bad "x01: os.urandom differs between runs" "[$a] [$b]"; fi

# Proves: random is seeded differently per run (the snapshot holds no fixed
# seed that every run would replay).
a=$(py_out 'import random; print(random.random(), random.getrandbits(64))')
b=$(py_out 'import random; print(random.random(), random.getrandbits(64))')
if [[ $a =~ ^0\.[0-9]+\ [0-9]+$ ]] && [ "$a" != "$b" ]; then ok "x02: random differs between runs"; else
  bad "x02: random differs between runs" "[$a] [$b]"; fi

# Proves: JavaScript's Math.random and crypto-free randomness differ per run.
a=$("$BIN" run --lang js -c 'print(Math.random())' 2>/dev/null)
b=$("$BIN" run --lang js -c 'print(Math.random())' 2>/dev/null)
if [[ $a =~ ^0\.[0-9]+$ ]] && [ "$a" != "$b" ]; then ok "x03: JavaScript Math.random differs between runs"; else
  bad "x03: JavaScript Math.random differs between runs" "[$a] [$b]"; fi

# Proves: the realtime clock is the host's date (coarsened, not faked).
g=$(py_out 'import time; print(int(time.time()))')
h=$(date +%s)
if [[ $g =~ ^[0-9]+$ ]] && [ $((h - g)) -ge 0 ] && [ $((h - g)) -le 5 ]; then ok "x04: time.time() is the real date"; else
  bad "x04: time.time() is the real date" "guest [$g], host [$h]"; fi

# Proves: a name of invalid UTF-8 lands on the host as those bytes, inside the
# workspace, and nowhere else.
rm -rf "$T/box/app" && mkdir "$T/box/app"
"$BIN" run --workspace "$T/box/app" -c "open(b'caf\\xff\\xfe', 'w').write('café ☕ 日本')" >/dev/null 2>&1
names=$(cd "$T/box/app" && printf '%s' * | od -An -tx1 | tr -d ' \n')
expect_eq "x05: an invalid UTF-8 name is created inside /app as its bytes" \
  "$names|$(cat "$T/box/app"/caf* 2>/dev/null)|$(host_state | cmp -s - <(echo "$BEFORE") && echo same)" \
  "636166fffe|café ☕ 日本|same"

# Proves: without --json, a flood ends with the documented one-line marker on
# stderr, and the host receives exactly the cap.
n=$("$BIN" run -c 'import sys; sys.stdout.write("x" * 3000000)' 2>"$T/flood.err" | wc -c)
expect_eq "x06: stdout flood: exactly 2000000 bytes and the truncation line" "$n|$(cat "$T/flood.err")" \
  "2000000|llm-sandbox: stdout was truncated after 2000000 bytes (raise --stdout-max)"

# Proves: a symlink the guest leaves (`c -> .`, a downward one) leads no host
# reader out of the workspace.
rm -rf "$T/box/app" && mkdir "$T/box/app"
"$BIN" run --workspace "$T/box/app" -c "import os
os.symlink('.', 'c'); os.makedirs('sub'); open('sub/f', 'w').write('x'); os.symlink('sub/f', 'down')" >/dev/null 2>&1
r1=$(readlink -f "$T/box/app/c/c/c") r2=$(readlink -f "$T/box/app/down")
expect_eq "x07: links the guest leaves resolve inside the workspace on the host" "$r1|$r2" \
  "$(cd "$T/box/app" && pwd -P)|$(cd "$T/box/app" && pwd -P)/sub/f"

# --- cross-session ------------------------------------------------------------

ROOT="$T/sessions"
S=("$BIN" session --sessions-root "$ROOT")
sa=$("${S[@]}" create --lang python 2>&1) sb=$("${S[@]}" create --lang python 2>&1)
sj=$("${S[@]}" create --lang js 2>&1)
"${S[@]}" exec "$sa" -c "open('/app/a.txt', 'w').write('café ☕ 日本 A')" >/dev/null 2>&1
listing=$(cd "$ROOT" && find . | sort)
ROOTP=$(cd "$ROOT" && pwd -P)

# sx ID CODE: a session exec's stdout (Python code gets the t() prelude)
sx() { "${S[@]}" exec "$1" -c "$2" 2>&1; }

# Proves: another session's /app is its own: A's file is not there.
expect_eq "x08: session B does not see A's file at /app" \
  "$(sx "$sb" "${PY_PRELUDE}t(open, '/app/a.txt'); print(os.listdir('/app'))")" \
  $'ERR FileNotFoundError ENOENT\n[]'

# Proves: climbing from B's /app to A's folder is refused.
expect_eq "x09: session B cannot climb to A's folder with ../" \
  "$(sx "$sb" "${PY_PRELUDE}t(open, '../$sa/a.txt'); t(open, '/app/../../$sa/workspace/a.txt'); t(os.listdir, '../..')")" \
  $'ERR PermissionError ENOTCAPABLE\nERR PermissionError ENOTCAPABLE\nERR PermissionError ENOTCAPABLE'

# Proves: guessing the host's sessions root path finds nothing (the guest's
# tree has no such path).
expect_eq "x10: session B cannot open A's file by the host path" \
  "$(sx "$sb" "${PY_PRELUDE}t(open, '$ROOTP/$sa/workspace/a.txt'); t(open, '$ROOTP/$sa/a.txt'); t(os.listdir, '$ROOTP')")" \
  $'ERR FileNotFoundError ENOENT\nERR FileNotFoundError ENOENT\nERR FileNotFoundError ENOENT'

# Proves: a JavaScript session cannot reach A's file either way.
expect_eq "x11: a JavaScript session cannot reach A's file" \
  "$(sx "$sj" "for (const p of ['/app/a.txt', '../$sa/a.txt', '$ROOTP/$sa/workspace/a.txt']) print(fileExists(p))")" \
  $'false\nfalse\nfalse'

# Proves: A's file is intact and nothing appeared in the sessions root.
expect_eq "x12: A's file intact, no stray file in the sessions root" \
  "$("${S[@]}" read "$sa" a.txt 2>&1)|$(cd "$ROOT" && find . | sort | grep -v '\.lock$' | cmp -s - <(grep -v '\.lock$' <<<"$listing") && echo same)" \
  "café ☕ 日本 A|same"

finish attack-guest
