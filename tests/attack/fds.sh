#!/usr/bin/env bash
# tests/attack/fds.sh BIN - attack cases on the descriptors guest processes
# hold (issue 14, defence in depth). Prints "attack-fds: N passed, M
# failed" and fails on any failure.
#
#   stdio   while a run is in progress, every process below `mcp` (stdio
#           mode, where fd 1 is the JSON-RPC pipe), `run` and `session
#           exec` - zygotes, session processes, run children - has /dev/null
#           on fds 0, 1 and 2, never one of its host's stdin/stdout/stderr
#           pipes (compared by readlink, i.e. by pipe inode): a native escape
#           could not forge protocol replies or read the client's requests
#   output  the guest's output still reaches the client over the sandbox's
#           own channel
set -u
ERR=""
BIN=${1:-build/llm-sandbox}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
. "$(dirname "$0")/../e2e/lib.sh"

cat >"$T/probe.py" <<'PY'
# probe.py BIN ROOT: start each host command with pipes on fds 0-2, wait
# until a guest run spins below it, then report the fds 0-2 of every
# descendant as "CASE <name> procs=<a run spins `need` levels down> bad=<links that are not /dev/null,
# or are one of the host's own fds 0-2>", and the MCP reply's text.
import json, os, subprocess, sys, time

BIN, ROOT = sys.argv[1], sys.argv[2]
LOOP = "while True: pass"

def kids(pid, depth=1):
    """Every descendant of pid as (pid, depth below it)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            direct = [int(c) for c in f.read().split()]
    except OSError:
        return []
    out = []
    for c in direct:
        out += [(c, depth)] + kids(c, depth + 1)
    return out

SPUN_TICKS = 20  # CPU time (clock ticks, 1/100 s) that shows the guest's loop is running
def busy(pids):
    """True if one of pids is running and has spun SPUN_TICKS already: the
    guest's loop. A child that is runnable but was only just forked (it
    still holds its parent's fds 0-2 until its first steps) does not count."""
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the name: state is field 3, utime and stime are 14 and 15
        if fields[0] == "R" and int(fields[11]) + int(fields[12]) >= SPUN_TICKS:
            return True
    return False

def links(pid):
    out = {}
    for fd in (0, 1, 2):
        try:
            out[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            out[fd] = "closed"
    return out

def probe(name, proc, need):
    host = set(links(proc.pid).values())
    # Wait until a process `need` levels down spins: the guest's run. A
    # zygote that is still starting (and so still holds the host's stderr,
    # by design) spins one level down, and must not count.
    pids = []
    for _ in range(300):
        tree = kids(proc.pid)
        pids = [p for p, _ in tree]
        if busy([p for p, d in tree if d >= need]):
            break
        time.sleep(0.1)
    bad = []
    for p in pids:
        for fd, l in links(p).items():
            if l != "/dev/null" or l in host:
                bad.append(f"{p}:{fd}->{l}")
    ok_host = all(l.startswith("pipe:") for l in host)
    print(f"CASE {name} procs={any(d >= need for _, d in tree)} hostpipes={ok_host} bad={' '.join(bad) or 'none'}")
    proc.kill()
    proc.wait()

def pipes(cmd):
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

def send(srv, rid, method, params):
    """Write one message (a notification when rid is None), not waiting."""
    msg = {"jsonrpc": "2.0", "method": method, "params": params}
    if rid is not None:
        msg["id"] = rid
    srv.stdin.write((json.dumps(msg) + "\n").encode())
    srv.stdin.flush()
def rpc(srv, rid, method, params):
    send(srv, rid, method, params)
    while rid is not None:
        reply = json.loads(srv.stdout.readline())
        if reply.get("id") == rid:
            return reply

def tool(srv, rid, name, args):
    return rpc(srv, rid, "tools/call", {"name": name, "arguments": args})

srv = pipes([BIN, "mcp", "--storage-dir", ROOT + "/mcp", "--fuel", "1000000000000"])
rpc(srv, 1, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                           "clientInfo": {"name": "attack-fds", "version": "1"}})
rpc(srv, None, "notifications/initialized", {})
sid = tool(srv, 2, "create_session", {"language": "python"})["result"]["structuredContent"]["session_id"]
r = tool(srv, 3, "execute_code", {"code": "print('café ☕ 日本')", "session_id": sid})
print("TEXT " + json.dumps(r["result"]["content"][0]["text"], ensure_ascii=False))
send(srv, 4, "tools/call", {"name": "execute_code",
                           "arguments": {"code": LOOP, "session_id": sid, "timeout": 300}})
probe("mcp", srv, 3)

probe("run", pipes([BIN, "run", "--lang", "python", "--fuel", "1000000000000", "--timeout", "300",
                    "-c", LOOP]), 1)

sroot = ROOT + "/sessions"
sid = subprocess.run([BIN, "session", "create", "--sessions-root", sroot], check=True,
                     capture_output=True, text=True).stdout.strip()
probe("session-exec", pipes([BIN, "session", "exec", "--sessions-root", sroot, sid, "--fuel",
                             "1000000000000", "--timeout", "300", "-c", LOOP]), 3)
PY

OUTS=$(timeout 120 python3 "$T/probe.py" "$BIN" "$T" 2>"$T/probe.err")
line() { grep "^CASE $1 " <<<"$OUTS"; }

# Proves: in `mcp` stdio mode no zygote, session process or run child holds
# the protocol pipes (stdin/stdout) or the server's stderr; all three are
# /dev/null in each.
expect_eq "mcp: every descendant's fds 0-2 are /dev/null, none the server's pipes" \
  "$(line mcp)" "CASE mcp procs=True hostpipes=True bad=none"
# Proves: the guest's output still travels to the client (over the channel).
expect_match "mcp: a session run's output still reaches the client" \
  "$(grep '^TEXT ' <<<"$OUTS")" 'café ☕ 日本'
# Proves: the same for the one-shot `run` child.
expect_eq "run: the run child's fds 0-2 are /dev/null, none the CLI's pipes" \
  "$(line run)" "CASE run procs=True hostpipes=True bad=none"
# Proves: the same for `session exec` (zygote, session process, run child).
expect_eq "session exec: every descendant's fds 0-2 are /dev/null" \
  "$(line session-exec)" "CASE session-exec procs=True hostpipes=True bad=none"
[ -s "$T/probe.err" ] && bad "probe: no error" "$(tail -5 "$T/probe.err")"

finish attack-fds
