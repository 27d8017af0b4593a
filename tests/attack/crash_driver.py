#!/usr/bin/env python3
"""tests/attack/crash_driver.py - the kill -9 loops of tests/attack/crash.sh
(issue 14, crash safety). Python 3 standard library only.

  crash_driver.py BIN server-kill --transport http|stdio [--iterations N] [--seed S]
      Loop: start `BIN mcp` on one storage folder, check what the last
      server left (state, temporary files, processes), make a committed
      run, start one of: an endless session run, a session run whose
      auto-persisted state is large (so the kill often lands in its save),
      an endless one-shot run, an output flood; kill -9 the server at a
      random moment, and check that none of its processes survives.
  crash_driver.py BIN write-kill [--iterations N] [--seed S]
      Loop: kill -9 `BIN session write` of a large file at a random moment;
      the file is the old one or the new one, never torn, and the next
      access leaves no temporary file.
  crash_driver.py BIN child-kill [--kills N] [--seed S]
      One HTTP server under load (Python and JavaScript, sessions and
      one-shots); kill -9 a random zygote, live session process or running
      child N times. After each kill the next call works; calls fail only
      with a clear error; get_metrics and the audit log count the events.

Each check prints "ok   NAME" or "FAIL NAME" (and why); crash.sh counts them.
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOKEN = "crash-token"
META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "crash", "version": "1"}}
STATE = "workspace/.lsb/state.json"
PASSED = [0]
FAILED = [0]
SERVERS = []  # every server started, killed at the end if still running
WORKS = []  # every work folder, removed at the end


def ok(name):
    PASSED[0] += 1
    print("ok   " + name, flush=True)


def bad(name, why=""):
    FAILED[0] += 1
    print("FAIL " + name, flush=True)
    if why:
        print("     " + str(why)[:600], flush=True)


def check(name, cond, why=""):
    (ok if cond else bad)(name, *([] if cond else [why]))
    return cond


# ---- processes ---------------------------------------------------------------

def proc_table():
    """pid -> (ppid, state) of every process."""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                rest = f.read().rsplit(")", 1)[1].split()
            table[int(d)] = (int(rest[1]), rest[0])
        except (OSError, IndexError, ValueError):
            pass
    return table


def descendants(pid):
    """[(pid, depth)] of every live (non-zombie) descendant of pid."""
    table = proc_table()
    kids = {}
    for p, (pp, _) in table.items():
        kids.setdefault(pp, []).append(p)
    out, queue = [], [(pid, 0)]
    while queue:
        p, depth = queue.pop()
        for c in kids.get(p, []):
            if table[c][1] != "Z":
                out.append((c, depth + 1))
            queue.append((c, depth + 1))
    return out


def alive(pids):
    """Those of pids still running (zombies are dead)."""
    table = proc_table()
    return [p for p in pids if p in table and table[p][1] != "Z"]


def wait_dead(pids, seconds=3.0):
    """Wait until none of pids runs; the survivors."""
    end = time.time() + seconds
    left = alive(pids)
    while left and time.time() < end:
        time.sleep(0.05)
        left = alive(pids)
    return left


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- the server ----------------------------------------------------------------

class Server:
    """`BIN mcp` over stdio or HTTP, with tools/call as a blocking call."""

    def __init__(self, binary, work, transport, extra=()):
        self.transport = transport
        self.work = work
        self.replies = {}
        self.cond = threading.Condition()
        self.next_id = 0
        env = dict(os.environ, TMPDIR=os.path.join(work, "tmp"), LSB_MCP_AUTH_TOKEN=TOKEN)
        os.makedirs(env["TMPDIR"], exist_ok=True)
        cmd = [binary, "mcp", "--storage-dir", os.path.join(work, "storage"),
               "--audit-log", os.path.join(work, "audit.jsonl"), "--fuel", "1000000000000",
               "--workers", "4", "--rate-limit", "0"] + list(extra)
        self.err = open(os.path.join(work, "server.err"), "ab")
        if transport == "http":
            self.port = free_port()
            cmd += ["--http", "127.0.0.1:%d" % self.port]
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=self.err, env=env)
            SERVERS.append(self)
            self.wait_http()
        else:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.err, env=env)
            SERVERS.append(self)
            self.lock = threading.Lock()
            threading.Thread(target=self.read_stdio, daemon=True).start()
            self.rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                    "clientInfo": {"name": "crash", "version": "1"}}, 30)
            self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        self.pid = self.proc.pid

    def wait_http(self):
        for _ in range(150):
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/metrics", headers={"Authorization": "Bearer " + TOKEN})
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("the HTTP server did not start")

    def read_stdio(self):
        for line in self.proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            with self.cond:
                self.replies[msg.get("id")] = msg
                self.cond.notify_all()
        with self.cond:
            self.replies["eof"] = True
            self.cond.notify_all()

    def send(self, msg):
        with self.lock:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()

    def rpc(self, method, params, timeout):
        with self.cond:
            self.next_id += 1
            rid = self.next_id
        if self.transport == "stdio":
            self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
            end = time.time() + timeout
            with self.cond:
                while rid not in self.replies and "eof" not in self.replies:
                    left = end - time.time()
                    if left <= 0:
                        raise TimeoutError("no reply to %s" % method)
                    self.cond.wait(left)
                if rid not in self.replies:
                    raise ConnectionError("the server closed its stdout")
                return self.replies.pop(rid)
        body = {"jsonrpc": "2.0", "id": rid, "method": method, "params": dict(params, _meta=META)}
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        c.request("POST", "/mcp", json.dumps(body).encode(), {
            "Authorization": "Bearer " + TOKEN, "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28",
            "Mcp-Method": method, "Mcp-Name": params.get("name", "")})
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        c.close()
        if r.getheader("Content-Type", "").startswith("text/event-stream"):
            events = [l[6:] for l in data.splitlines() if l.startswith("data: ")]
            data = events[-1] if events else ""
        if r.status != 200:
            raise ConnectionError("HTTP %d: %s" % (r.status, data[:300]))
        return json.loads(data)

    def call(self, tool, args, timeout=60):
        """The tool's result object (raises on a transport or JSON-RPC error)."""
        msg = self.rpc("tools/call", {"name": tool, "arguments": args}, timeout)
        if "error" in msg:
            raise RuntimeError("JSON-RPC error %s" % json.dumps(msg["error"]))
        return msg["result"]

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.err.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.close()


def text_of(result):
    return (result.get("content") or [{}])[0].get("text", "")


def stdout_of(result):
    return (result.get("structuredContent") or {}).get("stdout")


# ---- leftovers -------------------------------------------------------------------

def temp_files(work):
    """Temporary files our writers make, anywhere under storage and TMPDIR."""
    found = []
    for top in ("storage", "tmp"):
        for d, dirs, files in os.walk(os.path.join(work, top)):
            for n in files + dirs:
                if n.endswith(".tmp") or n.startswith(("lsb-workspace-", "lsb-run-")) or ".tmp." in n:
                    found.append(os.path.join(d, n))
    return found


def read_state(work, sid):
    """(dict or None, error text) of the session's state file."""
    path = os.path.join(work, "storage", "sessions", sid, STATE)
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
        return data, ""
    except (OSError, ValueError) as e:
        return None, "%s: %s" % (type(e).__name__, e)


# ---- server-kill -----------------------------------------------------------------

SCENARIOS = ("session-run", "state-save", "one-shot-run", "output-flood")
BIG_STATE = 8_000_000  # bytes of one global: its save takes tens of ms


def start_scenario(srv, kind, sid, n):
    """Start kind's call in a thread (its reply never comes: the server dies)."""
    code = {"session-run": ("while True: pass", sid),
            "state-save": ("n = %d\npad = 'x' * %d" % (n, BIG_STATE), sid),
            "one-shot-run": ("while True: pass", None),
            "output-flood": ("while True: print('café ☕ 日本' * 100)", None)}[kind]
    args = {"code": code[0], "language": "python", "timeout": 60}
    if code[1]:
        args["session_id"] = code[1]

    def go():
        try:
            srv.call("execute_code", args, 90)
        except Exception:  # the kill ends it; that is the point
            pass
    threading.Thread(target=go, daemon=True).start()


def wait_for(path, seconds):
    """Wait until path exists (at most seconds)."""
    end = time.time() + seconds
    while not os.path.exists(path) and time.time() < end:
        time.sleep(0.001)


def verify_restart(srv, work, sid, committed, pending, it):
    """After a restart: state never torn, the last committed (or the
    pending one the killed run may have saved), no temporary file, and the
    session usable. Returns the value the session holds."""
    r = srv.call("execute_code", {"code": "print(n)", "session_id": sid})
    got = stdout_of(r)
    value = int(got) if got and got.strip().isdigit() else None
    state, why = read_state(work, sid)
    good = state is not None and state.get("n") == value and value in (committed, pending)
    check("restart %d: the state is the last committed one (n=%s; committed %d, pending %s)"
          % (it, value, committed, pending), good, why or json.dumps(r)[:400])
    srv.call("execute_code", {"code": "print('one-shot ok')", "language": "python"})
    left = temp_files(work)
    check("restart %d: no temporary file is left" % it, not left, left)
    return value


def server_kill(args):
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="lsb-crash-")
    WORKS.append(work)
    srv = Server(args.bin, work, args.transport)
    sid = srv.call("create_session", {"language": "python", "auto_persist_globals": True})
    sid = sid["structuredContent"]["session_id"]
    srv.call("execute_code", {"code": "n = 0", "session_id": sid})
    committed, pending, hits = 0, None, {k: 0 for k in SCENARIOS}
    saves_cut = 0
    for it in range(1, args.iterations + 1):
        if it > 1:
            srv = Server(args.bin, work, args.transport)
            tmp_state = os.path.exists(os.path.join(work, "storage", "sessions", sid, STATE + ".tmp"))
            saves_cut += tmp_state
            value = verify_restart(srv, work, sid, committed, pending, it)
            committed = value if value is not None else committed
        r = srv.call("execute_code", {"code": "n = %d" % (committed + 1), "session_id": sid})
        if check("iteration %d: a committed run" % it, r.get("isError") is False, text_of(r)):
            committed += 1
        kind = rng.choice(SCENARIOS)
        hits[kind] += 1
        pending = committed + 1 if kind == "state-save" else None
        start_scenario(srv, kind, sid, committed + 1)
        if kind == "state-save":  # aim at the save: kill once its temporary file is there
            wait_for(os.path.join(work, "storage", "sessions", sid, STATE + ".tmp"), 10)
            time.sleep(rng.uniform(0, 0.003))
        else:
            time.sleep(rng.uniform(0.05, 0.8))
        kids = [p for p, _ in descendants(srv.pid)]
        srv.kill9()
        left = wait_dead(kids)
        check("iteration %d (%s): no process of ours survives kill -9 of the %s server (%d)"
              % (it, kind, args.transport, len(kids)), not left, left)
        for p in left:
            os.kill(p, signal.SIGKILL)
    srv = Server(args.bin, work, args.transport)
    verify_restart(srv, work, sid, committed, pending, args.iterations + 1)
    srv.stop()
    print("     %s: kills by scenario %s; %d kills landed in a state save (state.json.tmp found)"
          % (args.transport, json.dumps(hits), saves_cut), flush=True)


# ---- write-kill ------------------------------------------------------------------

def writing(p, path, old_size, sysdir):
    """Wait (at most 5 s) until process p starts writing: the target changes
    size (an in-place write) or a temporary file appears in sysdir."""
    end = time.time() + 5
    while p.poll() is None and time.time() < end:
        try:
            if os.stat(path).st_size != old_size or any(
                    n.endswith(".tmp") for n in os.listdir(sysdir)):
                return
        except OSError:
            pass
        time.sleep(0.0005)


def write_kill(args):
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="lsb-crash-")
    WORKS.append(work)
    root = os.path.join(work, "sessions")
    base = [args.bin, "session"]
    opt = ["--sessions-root", root]
    sid = subprocess.run(base + ["create"] + opt, capture_output=True, text=True).stdout.strip()
    size = 24 << 20
    old = ("café ☕ 日本 old\n".encode() * (size // 20))[:size]
    src = os.path.join(work, "new.bin")
    path = os.path.join(root, sid, "workspace", "data", "big.bin")
    with open(src, "wb") as f:
        f.write(("café ☕ 日本 NEW\n".encode() * (size // 20))[:size])
    subprocess.run(base + ["write", sid, "data/big.bin", "-"] + opt, input=old, capture_output=True)
    with open(src, "rb") as f:
        new = f.read()
    kinds = {"old": 0, "new": 0}
    t0 = time.time()  # one whole write, to aim the kills at its end, where the bytes go
    subprocess.run(base + ["write", sid, "data/big.bin", src] + opt, capture_output=True)
    whole = time.time() - t0
    subprocess.run(base + ["write", sid, "data/big.bin", "-"] + opt, input=old, capture_output=True)
    for it in range(1, args.iterations + 1):
        p = subprocess.Popen(base + ["write", sid, "data/big.bin", src] + opt,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        writing(p, path, len(old), os.path.join(root, sid, "workspace", ".lsb"))
        time.sleep(rng.uniform(0, 0.015))
        p.kill()
        p.wait()
        with open(path, "rb") as f:
            now = f.read()
        which = "old" if now == old else "new" if now == new else None
        if which:
            kinds[which] += 1
        check("write-kill %d: the file is whole (old or new), never torn" % it, which is not None,
              "%d bytes" % len(now))
        if which == "new":  # put the old one back for the next round
            subprocess.run(base + ["write", sid, "data/big.bin", "-"] + opt, input=old,
                           capture_output=True)
        else:  # the next access sweeps what the killed write left
            subprocess.run(base + ["rm", sid, "nothing-here"] + opt, capture_output=True)
        sysdir = os.path.join(root, sid, "workspace", ".lsb")
        left = [n for n in (os.listdir(sysdir) if os.path.isdir(sysdir) else [])
                if n.endswith(".tmp")]
        check("write-kill %d: the next access leaves no temporary file" % it, not left, left)
    print("     write-kill: the file was found %s (a whole write takes %.0f ms)"
          % (json.dumps(kinds), whole * 1000), flush=True)


# ---- child-kill ------------------------------------------------------------------

LOAD = [("python", "print(sum(range(1000)))", "499500\n"),
        ("javascript", "console.log([...Array(1000).keys()].reduce((a, b) => a + b))", "499500\n")]


class Load:
    """Clients that keep calling until stopped; counts and unclear errors."""

    def __init__(self, srv, sids, clients):
        self.srv, self.sids = srv, sids
        self.stop = threading.Event()
        self.calls = self.ok = self.clear_errors = 0
        self.unclear = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.client, args=(c,), daemon=True)
                        for c in range(clients)]
        for t in self.threads:
            t.start()

    def client(self, c):
        k = 0
        while not self.stop.is_set():
            lang, code, want = LOAD[k % 2]
            args = {"code": code, "language": lang, "timeout": 30}
            if k % 3 == 0:
                args["session_id"] = self.sids[lang][c % len(self.sids[lang])]
            k += 1
            try:
                r = self.srv.call("execute_code", args, 60)
                good = r.get("isError") is False and stdout_of(r) == want
                clear = not good and len(text_of(r)) > 10
            except Exception as e:
                good, clear, r = False, False, {"exception": str(e)}
            with self.lock:
                self.calls += 1
                self.ok += good
                self.clear_errors += clear
                if not good and not clear:
                    self.unclear.append(json.dumps(r)[:300])

    def end(self):
        self.stop.set()
        for t in self.threads:
            t.join(90)


def targets(srv):
    """{kind: [pids]}: zygotes are the server's children with children or
    idle ones; a session process has the server's grandchild place and a
    runner below it; running children are the leaves under a zygote."""
    tree = descendants(srv.pid)
    table = proc_table()
    parent = {p: table.get(p, (0, ""))[0] for p, _ in tree}
    has_kids = set(parent.values())
    out = {"zygote": [], "session": [], "child": []}
    for p, depth in tree:
        if depth == 1:
            out["zygote"].append(p)
        elif depth == 2 and p in has_kids:
            out["session"].append(p)
        elif depth >= 2:
            out["child"].append(p)
    return out


def metrics_recovery(srv):
    r = srv.call("get_metrics", {})
    return (r.get("structuredContent") or {}).get("recovery") or {}


def child_kill(args):
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="lsb-crash-")
    WORKS.append(work)
    srv = Server(args.bin, work, "http")
    sids = {lang: [srv.call("create_session", {"language": lang})["structuredContent"]["session_id"]
                   for _ in range(2)] for lang in ("python", "javascript")}
    load = Load(srv, sids, args.clients)
    killed = {"zygote": 0, "session": 0, "child": 0}
    probe_fail = []
    i = 0
    while sum(killed.values()) < args.kills and i < 3 * args.kills:  # N kills that hit
        i += 1
        time.sleep(rng.uniform(0.05, 0.3))
        t = targets(srv)
        kinds = [k for k in killed if t[k]]
        if not kinds:
            continue
        kind = rng.choice(kinds)
        try:
            os.kill(rng.choice(t[kind]), signal.SIGKILL)
            killed[kind] += 1
        except ProcessLookupError:
            continue
        lang = LOAD[i % 2]
        try:
            r = srv.call("execute_code", {"code": lang[1], "language": lang[0], "timeout": 30}, 60)
            if stdout_of(r) != lang[2]:
                probe_fail.append("after %s kill %d: %s" % (kind, i, json.dumps(r)[:300]))
        except Exception as e:
            probe_fail.append("after %s kill %d: %s" % (kind, i, e))
    load.end()
    check("child-kill: the server is alive after %d kills %s" % (sum(killed.values()),
          json.dumps(killed)), srv.proc.poll() is None)
    check("child-kill: the call after every kill works (%d kills)" % sum(killed.values()),
          not probe_fail, "%d failed; first: %s" % (len(probe_fail), probe_fail[:1]))
    check("child-kill: every call of the load succeeded or failed with a clear error "
          "(%d calls, %d ok, %d clear errors)" % (load.calls, load.ok, load.clear_errors),
          not load.unclear and load.ok > 0, load.unclear[:2])
    for lang, code, want in LOAD:
        for sid in sids[lang]:
            r = srv.call("execute_code", {"code": code, "session_id": sid})
            check("child-kill: %s session %s… works afterwards" % (lang, sid[:8]),
                  stdout_of(r) == want, json.dumps(r)[:300])
    rec = metrics_recovery(srv)
    with open(os.path.join(work, "audit.jsonl")) as f:
        events = [json.loads(l).get("event") for l in f if l.strip()]
    count = {e: events.count(e) for e in ("zygote_restart", "session_lost", "child_killed")}
    print("     metrics recovery %s; audit events %s" % (json.dumps(rec), json.dumps(count)),
          flush=True)
    check("child-kill: get_metrics counts zygote restarts (%s) for the %d zygote kills"
          % (rec.get("zygote_restarts"), killed["zygote"]),
          (rec.get("zygote_restarts") or 0) >= (1 if killed["zygote"] else 0), json.dumps(rec))
    check("child-kill: get_metrics counts lost sessions and killed children",
          (rec.get("sessions_lost", 0) + rec.get("children_killed_externally", 0)) >=
          (1 if killed["session"] + killed["child"] else 0), json.dumps(rec))
    check("child-kill: the audit log has one line per counted event",
          count["zygote_restart"] == rec.get("zygote_restarts") and
          count["session_lost"] == rec.get("sessions_lost") and
          count["child_killed"] == rec.get("children_killed_externally"),
          "%s vs %s" % (json.dumps(count), json.dumps(rec)))
    kids = [p for p, _ in descendants(srv.pid)]
    srv.stop()
    check("child-kill: no process survives the server's exit", not wait_dead(kids))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("mode", choices=("server-kill", "write-kill", "child-kill"))
    ap.add_argument("--transport", default="http", choices=("http", "stdio"))
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--clients", type=int, default=3)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    print("     seed %d" % args.seed, flush=True)
    try:
        {"server-kill": server_kill, "write-kill": write_kill, "child-kill": child_kill}[args.mode](args)
    except Exception as e:  # a harness failure is a failed case, never a silent pass
        bad("%s ran to the end" % args.mode, repr(e))
    finally:
        for srv in SERVERS:
            if srv.proc.poll() is None:
                srv.proc.kill()
                srv.proc.wait()
        for work in WORKS:
            subprocess.run(["rm", "-rf", work])
    print("crash-driver: %d passed, %d failed" % (PASSED[0], FAILED[0]), flush=True)
    return 1 if FAILED[0] else 0


if __name__ == "__main__":
    sys.exit(main())
