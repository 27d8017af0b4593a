#!/usr/bin/env bash
# tests/attack/disk.sh - the attack corpus for the disk (issue 14): deep
# trees against clean-up, failed runs and parallel runs against the
# workspace quota. Usage: disk.sh BIN.
#
# Each case names what it proves. The trees are built by the guest (by
# paths, and through directory fds far beyond PATH_MAX) and by the host
# (mkdirat chains, 2,000 levels), and every clean-up path is checked
# against the disk itself: one-shot runs (a private TMPDIR must be empty
# afterwards), session destroy, reset and prune. A removal that cannot
# finish must fail loudly and keep the session listed.
# shellcheck shell=bash
BIN=$(realpath "${1:?usage: disk.sh BIN}")
source "$(dirname "$0")/../e2e/lib.sh"

ROOT="$T/sessions"
S() { "$BIN" session "$@" --sessions-root "$ROOT"; }
MIB=$((1024 * 1024))

# Guest programs: 70 folders by path with a file of $1 MiB at the bottom,
# and 2,000 folders of 10-byte names through directory fds.
deep70() {
  printf '%s\n' "import os" "p = '/app'" "for i in range(70):" "    p += '/d'" \
    "    os.mkdir(p)" "open(p + '/big', 'wb').write(b'x' * ($1 << 20))" "print('built')"
}
DEEP2000="import os
fd = os.open('/app', os.O_RDONLY)
for i in range(2000):
    os.mkdir('dddddddddd', dir_fd=fd)
    n = os.open('dddddddddd', os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = n
os.close(os.open('bottom', os.O_WRONLY | os.O_CREAT, dir_fd=fd))
print('built')"

# host_deep DIR LEVELS: a chain of LEVELS folders "café☕日本" (12 bytes)
# under DIR built with mkdirat, and a file at the bottom.
host_deep() {
  python3 - "$1" "$2" <<'EOF'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
for _ in range(int(sys.argv[2])):
    os.mkdir("café☕日本", dir_fd=fd)
    n = os.open("café☕日本", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = n
os.close(os.open("bottom", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd))
EOF
}
# Bytes of the regular files under DIR.
bytes_in() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}'; }

# --- one-shot runs leave no temporary workspace ----------------------------
# proves: the audit's case (70 levels, 90 MiB at the bottom, three runs)
# leaves nothing in $TMPDIR; before the fix each run left its 90 MiB.
PT="$T/private-tmp"; mkdir "$PT"
for i in 1 2 3; do OUT=$(TMPDIR="$PT" "$BIN" run -c "$(deep70 90)" 2>&1); done
expect_eq "one-shot: 3 runs of a 70-deep tree with 90 MiB leave TMPDIR empty" \
  "$(ls -A "$PT" | wc -l) $OUT" "0 built"
# proves: a tree deeper than PATH_MAX (2,000 levels through dir fds) is removed too
OUT=$(TMPDIR="$PT" "$BIN" run -c "$DEEP2000" 2>&1)
expect_eq "one-shot: a 2,000-deep guest tree (beyond PATH_MAX) leaves TMPDIR empty" \
  "$(ls -A "$PT" | wc -l) $OUT" "0 built"
# proves: a failed run (the guest raises after building) is cleaned up as well
OUT=$(TMPDIR="$PT" "$BIN" run -c "$(deep70 1)
raise RuntimeError('café ☕ 日本')" 2>&1)
expect_eq "one-shot: a failing run's deep tree leaves TMPDIR empty" "$(ls -A "$PT" | wc -l)" "0"

# --- session destroy, reset and prune --------------------------------------
# proves: destroy removes a guest-built 70-deep tree with 90 MiB, and the
# session is gone from both the disk and the list (the audit saw exit 0,
# the tree kept and the session unlisted)
ID=$(S create); S exec "$ID" -c "$(deep70 90)" >/dev/null 2>&1
S destroy "$ID" >/dev/null 2>&1; RC=$?
expect_eq "destroy: 70-deep 90 MiB tree: exit 0, folder gone, not listed" \
  "$RC $([ -e "$ROOT/$ID" ] && echo kept || echo gone) $(S list | grep -c "$ID")" "0 gone 0"
# proves: destroy removes a host-built chain of 2,000 levels (26,000-byte paths)
ID=$(S create); host_deep "$ROOT/$ID/workspace" 2000
S destroy "$ID" >/dev/null 2>&1; RC=$?
expect_eq "destroy: 2,000-deep host tree (beyond PATH_MAX) goes entirely" \
  "$RC $([ -e "$ROOT/$ID" ] && echo kept || echo gone)" "0 gone"
# proves: destroy removes a 2,000-deep tree the guest built through dir fds
ID=$(S create); S exec "$ID" -c "$DEEP2000" >/dev/null 2>&1
S destroy "$ID" >/dev/null 2>&1; RC=$?
expect_eq "destroy: 2,000-deep guest tree goes entirely" \
  "$RC $([ -e "$ROOT/$ID" ] && echo kept || echo gone)" "0 gone"
# proves: reset empties a 2,000-deep tree and keeps the session usable
ID=$(S create); host_deep "$ROOT/$ID/workspace" 2000
S reset "$ID" >/dev/null 2>&1; RC=$?
OUT=$(S exec "$ID" -c "import os; print(os.listdir('/app'))" 2>&1)
expect_eq "reset: a 2,000-deep tree is emptied, the session still runs" \
  "$RC $(ls -A "$ROOT/$ID/workspace" | wc -l) $OUT" "0 0 []"
S destroy "$ID" >/dev/null 2>&1
# proves: prune removes old sessions holding deep trees (guest 70 + host 2,000)
A=$(S create); S exec "$A" -c "$(deep70 1)" >/dev/null 2>&1
B=$(S create); host_deep "$ROOT/$B/workspace" 2000
sleep 1
OUT=$(S prune --older-than 0s --json 2>&1)
expect_eq "prune: deep trees are deleted with no errors, nothing left on disk" \
  "$(jq -c '[.sessions, (.errors | length)]' <<<"$OUT") $(ls -A "$ROOT" | wc -l)" "[2,0] 0"

# --- a removal that cannot finish is an error -------------------------------
# stuck PATH on|off: make PATH impossible to delete (immutable as root,
# else a read-only parent folder), or undo it
stuck() {
  if [ "$(id -u)" = 0 ]; then chattr "$([ "$2" = on ] && echo +i || echo -i)" "$1"
  else chmod "$([ "$2" = on ] && echo 0500 || echo 0700)" "$(dirname "$1")"; fi
}
# proves: destroy of a workspace that cannot be deleted exits non-zero with
# the reason, keeps the session listed, and a retry after the cause is gone works
ID=$(S create); S exec "$ID" -c "$(deep70 1)" >/dev/null 2>&1
BOTTOM=$(find "$ROOT/$ID/workspace" -name big)
if stuck "$BOTTOM" on 2>/dev/null; then
  ERR=$(S destroy "$ID" 2>&1 >/dev/null); RC=$?
  expect_eq "destroy: an undeletable file fails destroy (exit 74), session still listed" \
    "$RC $(S list | grep -c "$ID")" "74 1"
  expect_match "destroy: the error names the workspace and the reason" "$ERR" \
    "cannot delete the workspace of session '$ID': Operation not permitted|Permission denied"
  stuck "$BOTTOM" off
  S destroy "$ID" >/dev/null 2>&1; RC=$?
  expect_eq "destroy: the retry succeeds once the cause is gone" \
    "$RC $([ -e "$ROOT/$ID" ] && echo kept || echo gone)" "0 gone"
else
  echo "skip destroy-failure cases: cannot make a file undeletable here"
fi

# --- failed runs count against the quota ------------------------------------
# proves: four runs that write 6 MiB each and raise leave at most the quota
# (10 MiB) on disk; the later ones get the quota error
ID=$(S create --quota-bytes 10MiB); QERR=0
for i in 1 2 3 4; do
  OUT=$(S exec "$ID" -c "open('/app/f$i', 'wb').write(b'x' * (6 << 20))
raise RuntimeError('after the write')" 2>&1)
  grep -q "Quota exceeded" <<<"$OUT" && QERR=$((QERR + 1))
done
expect_eq "quota: 4 failing 6 MiB runs in a 10 MiB session: 3 quota errors, <= 10 MiB" \
  "$QERR $(($(bytes_in "$ROOT/$ID/workspace") <= 10 * MIB))" "3 1"
S destroy "$ID" >/dev/null 2>&1

# proves: the audit's MCP case: in a live session of the server, four
# execute_code runs that write 60 MiB and raise get the quota error from
# the second on, and at most the 100 MiB quota is on disk (it saw 251 MB)
cat >"$T/mcp_quota.py" <<'EOF'
# Drive `llm-sandbox mcp` over stdio: a session, four execute_code runs that
# write 60 MiB and raise, then get_workspace_info. Prints "ERRORS BYTES ID".
import json, subprocess, sys
binary, storage = sys.argv[1], sys.argv[2]
p = subprocess.Popen([binary, "mcp", "--storage-dir", storage], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True)
n = 0
def call(method, params, notify=False):
    global n
    msg = {"jsonrpc": "2.0", "method": method, "params": params}
    if not notify:
        n += 1
        msg["id"] = n
    p.stdin.write(json.dumps(msg) + "\n"); p.stdin.flush()
    if notify:
        return None
    while True:
        r = json.loads(p.stdout.readline())
        if r.get("id") == n:
            return r
def tool(name, args):
    return call("tools/call", {"name": name, "arguments": args})["result"]
call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                    "clientInfo": {"name": "disk-attack", "version": "1"}})
call("notifications/initialized", {}, notify=True)
sid = tool("create_session", {"language": "python"})["structuredContent"]["session_id"]
errors = 0
for i in range(4):
    code = ("try:\n    open('/app/f%d', 'wb').write(b'x' * (60 << 20))\n"
            "except OSError as e:\n    print('quota', e.errno)\n"
            "raise RuntimeError('after the write')" % i)
    out = json.dumps(tool("execute_code", {"code": code, "session_id": sid}))
    errors += "quota 19" in out
info = tool("get_workspace_info", {"session_id": sid})["structuredContent"]
p.stdin.close(); p.wait(timeout=30)
print(errors, json.dumps(info, ensure_ascii=False)[:400], sid)
EOF
MS="$T/mcp-storage"
OUT=$(timeout 180 python3 "$T/mcp_quota.py" "$BIN" "$MS" 2>/dev/null)
expect_eq "MCP: 4 failing 60 MiB runs in a live session: 3 quota errors, <= 100 MiB" \
  "${OUT%% *} $(($(bytes_in "$MS/sessions") <= 100 * MIB))" "3 1"
expect_match "MCP: get_workspace_info reports the bytes on disk" "$OUT" \
  "\"workspace_bytes\": $(bytes_in "$MS/sessions"/*/workspace)[,}]"

# --- parallel runs of one workspace take turns ------------------------------
WRITE60="import uuid
open('/app/f' + uuid.uuid4().hex, 'wb').write(b'x' * (60 << 20))
print('wrote')"
# par2 OUTPREFIX CMD...: run CMD twice at once; RCS gets "rc1 rc2" sorted
par2() {
  local p=$1; shift
  ("$@" >"$p.1" 2>&1; echo $? >"$p.rc1") & ("$@" >"$p.2" 2>&1; echo $? >"$p.rc2") &
  wait
  RCS=$(sort <(cat "$p.rc1") <(cat "$p.rc2") | tr '\n' ' ')
  QUOTA=$(cat "$p.1" "$p.2" | grep -c "Quota exceeded")
}
# proves: two `session exec` at once, each writing 60 MiB under a 100 MiB
# quota: one succeeds, one gets the quota error, at most 100 MiB on disk
# (the audit saw 2.8x the quota)
ID=$(S create)
par2 "$T/se" "$BIN" session exec "$ID" --sessions-root "$ROOT" -c "$WRITE60"
expect_eq "parallel session exec: one run, one quota error, <= 100 MiB on disk" \
  "$RCS$QUOTA $(($(bytes_in "$ROOT/$ID/workspace") <= 100 * MIB))" "0 1 1 1"
# proves: both runs were counted in the record (it is re-read under the lock)
expect_match "parallel session exec: both executions are counted" "$(S info "$ID")" \
  "executions +2"
# proves: a one-shot run on that session's folder takes the same lock
par2 "$T/mix" "$BIN" run --workspace "$ROOT/$ID/workspace" -c "$WRITE60"
expect_eq "run --workspace on a session's folder: both refused, still <= 100 MiB" \
  "$RCS$QUOTA $(($(bytes_in "$ROOT/$ID/workspace") <= 100 * MIB))" "1 1 2 1"
S destroy "$ID" >/dev/null 2>&1
# proves: two `run --workspace DIR` at once (the audit saw 3x the quota)
mkdir "$T/ws"
par2 "$T/rw" "$BIN" run --workspace "$T/ws" -c "$WRITE60"
expect_eq "parallel run --workspace: one run, one quota error, <= 100 MiB on disk" \
  "$RCS$QUOTA $(($(bytes_in "$T/ws") <= 100 * MIB))" "0 1 1 1"
# proves: the lock file lives next to the workspace, out of the guest's reach
run --workspace "$T/ws" -c "import os
try:
    os.remove('/app/../.ws.lock'); print('removed')
except OSError as e:
    print('refused')"
expect_eq "the guest cannot reach the workspace's lock file" \
  "$OUT $([ -f "$T/.ws.lock" ] && echo kept)" "refused kept"
# proves: a run waiting for a busy workspace gives up after its own timeout
# with a clear error instead of running alongside
("$BIN" run --workspace "$T/ws" --timeout 5 -c "import time; time.sleep(3)" >/dev/null 2>&1) &
sleep 0.7
run --workspace "$T/ws" --timeout 1 -c "print('ran')"
wait
expect_match "a run gives up on a busy workspace after its timeout" "$RC $ERR" \
  "^[1-9][0-9]* .*busy with another run"

finish disk
