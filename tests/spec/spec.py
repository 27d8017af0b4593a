#!/usr/bin/env python3
"""tests/spec/spec.py BINARY [--surface S]... [--only TEXT] [-v]

The spec suite: one case per behaviour documented in ../shared/SEED-SPEC.md
(tests/spec/cases/*.json, see tests/spec/README.md), each run through every
surface it applies to: the CLI (`BINARY run|session ... --json`), the C
library (build/tests/spec_lib_driver, JSON lines over include/llmsandbox.h)
and MCP (tests/spec/mcp_driver.mjs: the official TypeScript SDK client over
stdio). Prints one line per failed case and surface, saying what differed,
and last "spec: N passed, M failed (K skipped)", counting cases per surface.
Exit status 0 when nothing failed.
"""
import argparse
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
SURFACES = ("cli", "lib", "mcp")
MCP_OK_LIMITS = {"fuel", "memory_bytes", "timeout_s"}  # the rest (and inject_setup) cannot be set over MCP


class CallFailed(Exception):
    """A call that did not give the object a step expected (not a guest failure)."""


# ---- loading -------------------------------------------------------------------------------


def load_cases(only):
    """Every case of cases/*.json, with its file's defaults applied."""
    cases, seen = [], set()
    for path in sorted(glob.glob(os.path.join(HERE, "cases", "*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.loads(f.read().replace("{{fixtures}}", os.path.join(HERE, "fixtures")))
        for case in doc["cases"]:
            case.setdefault("spec", doc.get("spec", "?"))
            case.setdefault("lang", doc.get("lang", "python"))
            case["file"] = os.path.basename(path)
            if case["id"] in seen:
                sys.exit(f"spec.py: duplicate case id {case['id']}")
            seen.add(case["id"])
            if not only or any(o in case["id"] for o in only):
                cases.append(case)
    return cases


def steps_of(case):
    """The case's steps ("runs"), each a dict; code given as a list of lines is joined."""
    steps = case.get("runs") or case.get("steps") or []
    for s in steps:
        if isinstance(s.get("code"), list):
            s["code"] = "\n".join(s["code"]) + "\n"
    return steps


def step_surfaces(step, case):
    """The surfaces a step can run on, with the reason for each one it cannot."""
    op = step.get("op")
    limits = dict(case.get("session", {}).get("limits", {}), **step.get("limits", {}))
    no = {}
    if op == "cli":
        no = {"lib": "CLI-only step", "mcp": "CLI-only step"}
    elif op == "mcp_tool":
        no = {"cli": "MCP-only step", "lib": "MCP-only step"}
    elif op in ("file_write", "file_read", "file_list", "file_delete", "prune", "age", "fs"):
        no = {"mcp": f"no MCP tool for {op}"}
    elif op == "evict":
        no = {"mcp": "MCP cannot evict a live session", "cli": "every CLI command is a new process"}
        no.pop("cli")  # the CLI re-materialises on every command anyway
    bad = set(limits) - MCP_OK_LIMITS
    if bad:
        no.setdefault("mcp", f"MCP cannot set {', '.join(sorted(bad))}")
    if step.get("env"):
        no.setdefault("mcp", "MCP cannot set the guest environment")
    t = limits.get("timeout_s")
    if t is not None and (t != int(t) or t < 1):
        no.setdefault("mcp", "MCP timeouts are whole seconds, 1-300")
    return no


def case_surfaces(case):
    """{surface: None (runs) | reason (skipped)} for one case."""
    want = case.get("surfaces", list(SURFACES))
    out = {s: (None if s in want else "not listed for this case") for s in SURFACES}
    for s, why in case.get("skip", {}).items():
        out[s] = out[s] or why
    servers = set()
    for step in steps_of(case):
        for s, why in step_surfaces(step, case).items():
            out[s] = out[s] or why
        if step.get("op") in (None, "session_create"):
            servers.add(json.dumps(mcp_server_args(case, step)))
    if case.get("session") and len(servers) > 1:
        out["mcp"] = out["mcp"] or "runs need different MCP servers (server-wide limits)"
    return out


def mcp_server_args(case, step):
    """Extra MCP server arguments for a step's limits (fuel and memory are server-wide)."""
    limits = dict(case.get("session", {}).get("limits", {}), **step.get("limits", {}))
    args = []
    if "fuel" in limits:
        args += ["--fuel", str(limits["fuel"])]
    if "memory_bytes" in limits:
        args += ["--memory", str(limits["memory_bytes"])]
    if case.get("external"):
        args += ["--external-files"] + sorted(glob.glob(os.path.join(case["external"], "*")))
    return args + case.get("mcp_server", [])


# ---- expectations --------------------------------------------------------------------------

MISSING = object()


def get_path(obj, path):
    """The value at a dotted path ("metadata.trap_reason", "files.0"), or MISSING."""
    if path in ("", "."):
        return obj
    for part in path.split("."):
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        elif isinstance(obj, list) and re.fullmatch(r"-?\d+", part) and -len(obj) <= int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return MISSING
    return obj


def short(v, n=160):
    """A value for a failure message, cut to n characters."""
    s = "<missing>" if v is MISSING else json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[: n - 3] + "..."


def as_list(v):
    return v if isinstance(v, list) else [v]


def check_contains(obj, path, wants, negate):
    """Substring (strings) or membership (lists) checks; messages of those that fail."""
    got = get_path(obj, path)
    errs = []
    for w in as_list(wants):
        if got is MISSING:
            if not negate:
                errs.append(f"{path} is missing (wanted it to contain {short(w)})")
            continue
        if isinstance(got, str):
            hit = isinstance(w, str) and w in got
        elif isinstance(got, list):
            hit = w in got
        elif isinstance(got, dict):
            hit = w in got
        else:
            hit = False
        if hit == negate:
            errs.append(f"{path} {'contains' if negate else 'lacks'} {short(w)}: {short(got)}")
    return errs


def numeric(obj, path, op, want):
    got = get_path(obj, path)
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return [f"{path} is not a number: {short(got)}"]
    ok = {"gt": got > want, "ge": got >= want, "lt": got < want, "le": got <= want}[op]
    return [] if ok else [f"{path} = {got}, wanted {op} {want}"]


TYPES = {"list": list, "dict": dict, "str": str, "int": int, "number": (int, float), "bool": bool, "null": type(None)}


def check_special(obj, key, val):
    """One special expectation key; a list of failure messages."""
    m = re.fullmatch(r"(stdout|stderr|text|message|content|mcp_text|guidance_text)_(contains|not_contains|regex|startswith)", key)
    if m:
        field, how = m.groups()
        if how == "contains":
            return check_contains(obj, field, val, False)
        if how == "not_contains":
            return check_contains(obj, field, val, True)
        got = get_path(obj, field)
        if not isinstance(got, str):
            return [f"{field} is not text: {short(got)}"]
        if how == "regex":
            return [] if re.search(val, got, re.S) else [f"{field} does not match /{val}/: {short(got)}"]
        return [] if got.startswith(val) else [f"{field} does not start with {short(val)}: {short(got)}"]
    if key in ("has", "has_not"):
        return [f"{p} {'missing' if key == 'has' else 'present'}" for p in as_list(val)
                if (get_path(obj, p) is MISSING) == (key == "has")]
    if key in ("gt", "ge", "lt", "le"):
        return [e for p, w in val.items() for e in numeric(obj, p, key, w)]
    if key in ("contains", "not_contains"):
        return [e for p, w in val.items() for e in check_contains(obj, p, w, key == "not_contains")]
    if key == "len":
        return [f"len({p}) = {short(get_path(obj, p))}, wanted {n}" for p, n in val.items()
                if not isinstance(get_path(obj, p), (list, dict, str)) or len(get_path(obj, p)) != n]
    if key == "type":
        return [f"{p} is {short(get_path(obj, p))}, wanted a {t}" for p, t in val.items()
                if not isinstance(get_path(obj, p), TYPES[t]) or (t in ("int", "number") and isinstance(get_path(obj, p), bool))]
    if key == "one_of":
        return [f"{p} = {short(get_path(obj, p))}, wanted one of {short(w)}" for p, w in val.items()
                if get_path(obj, p) not in w]
    if key == "regex":
        return [f"{p} = {short(get_path(obj, p))} does not match /{r}/" for p, r in val.items()
                if not isinstance(get_path(obj, p), str) or not re.search(r, get_path(obj, p), re.S)]
    if key == "startswith":
        return [f"{p} = {short(get_path(obj, p))} does not start with {short(w)}" for p, w in val.items()
                if not isinstance(get_path(obj, p), str) or not get_path(obj, p).startswith(w)]
    if key == "percent_of":  # {path: [numerator path, denominator path]}: round(n / d * 100, 2)
        errs = []
        for p, (n, d) in val.items():
            got, num, den = get_path(obj, p), get_path(obj, n), get_path(obj, d)
            if not all(isinstance(x, (int, float)) for x in (got, num, den)) or not den:
                errs.append(f"{p}, {n} or {d} is not a number: {short(got)}, {short(num)}, {short(den)}")
            elif abs(got - round(num / den * 100, 2)) > 0.011:
                errs.append(f"{p} = {got}, wanted round({num} / {den} * 100, 2) = {round(num / den * 100, 2)}")
        return errs
    if key == "same":  # [[path, path], ...]: equal values at two paths
        return [f"{a} = {short(get_path(obj, a))} but {b} = {short(get_path(obj, b))}" for a, b in val
                if get_path(obj, a) is MISSING or get_path(obj, a) != get_path(obj, b)]
    if key == "any_of":
        alts = [evaluate(obj, alt, None) for alt in val]
        return [] if any(not a for a in alts) else ["none of the alternatives held: " + " | ".join("; ".join(a) for a in alts)]
    if key == "eq":
        return [e for p, w in val.items() for e in check_special(obj, "$eq", (p, w))]
    if key == "$eq":
        p, w = val
        got = get_path(obj, p)
        same = got is not MISSING and got == w and isinstance(got, bool) == isinstance(w, bool)
        return [] if same else [f"{p} = {short(got)}, wanted {short(w)}"]
    return None


def evaluate(obj, expect, surface):
    """Failure messages of expect against obj (empty: all held)."""
    errs = []
    for key, val in (expect or {}).items():
        if key in SURFACES:
            if key == surface:
                errs += evaluate(obj, val, surface)
            continue
        if key in ("note", "call_fails", "call"):
            continue
        special = check_special(obj, key, val)
        errs += special if special is not None else check_special(obj, "$eq", (key, val))
    return errs


# ---- placeholders --------------------------------------------------------------------------


def subst(value, ctx):
    """Replace {{sid}}, {{sid:NAME}}, {{root}}, {{tmp}}, {{bin}} in strings (recursively)."""
    if isinstance(value, str):
        def one(m):
            key = m.group(1)
            if key.startswith("sid"):
                name = key[4:] if ":" in key else "main"
                return ctx["sids"].get(name, f"<no session {name}>")
            return str(ctx[key])
        return re.sub(r"\{\{(sid(?::\w+)?|root|tmp|bin|ws)\}\}", one, value)
    if isinstance(value, list):
        return [subst(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: subst(v, ctx) for k, v in value.items()}
    return value


# ---- surfaces ------------------------------------------------------------------------------


class LineProcess:
    """A driver process speaking one JSON request line, one JSON reply line."""

    def __init__(self, argv, name):
        self.name, self.argv = name, argv
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, encoding="utf-8")

    def call(self, req):
        with self.lock:
            if self.proc.poll() is not None:  # a crash of the driver: restart it
                self.__init__(self.argv, self.name)
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
            if not line:
                raise CallFailed(f"{self.name} driver died (status {self.proc.wait()})")
            return json.loads(line)

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()


class Surface:
    """What every surface offers spec.py: runs, sessions, files, prune."""

    name = "?"

    def __init__(self, opts, work):
        self.opts, self.work = opts, work

    def root(self):
        raise NotImplementedError


class CliSurface(Surface):
    name = "cli"

    def __init__(self, opts, work):
        super().__init__(opts, work)
        self.bin = opts.binary
        self._root = os.path.join(work, "cli-sessions")
        os.makedirs(self._root, exist_ok=True)

    def root(self):
        return self._root

    def cmd(self, argv, stdin=None, timeout=600):
        p = subprocess.run([self.bin] + argv, input=stdin, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    @staticmethod
    def limit_args(limits, env=None, session_create=False):
        a = []
        flags = {"fuel": "--fuel", "memory_bytes": "--memory", "timeout_s": "--timeout",
                 "stdout_max": "--stdout-max", "stderr_max": "--stderr-max"}
        if session_create:
            flags.update(quota_bytes="--quota-bytes", quota_files="--quota-files")
        for k, v in (limits or {}).items():
            if k in flags:
                a += [flags[k], str(v)]
        for k, v in (env or {}).items():
            a += ["--env", f"{k}={v}"]
        if (limits or {}).get("inject_setup") is False:
            a.append("--no-inject-setup")
        return a

    def json_out(self, argv, stdin=None):
        rc, out, err = self.cmd(argv, stdin)
        try:
            obj = json.loads(out)
        except ValueError:
            raise CallFailed(f"`{' '.join(argv[:3])}` printed no JSON (status {rc}): {short(out + err)}")
        return rc, obj

    def run(self, lang, code, limits, env, external=None):
        ext = ["--external", external] if external else []
        rc, obj = self.json_out(["run", "--json", "--lang", lang] + self.limit_args(limits, env) + ext + ["-"],
                                code.encode())
        obj["_status"] = rc
        return obj

    def session_create(self, lang, persist, limits, sid=None):
        a = ["session", "create", "--json", "--sessions-root", self._root, "--lang", lang]
        a += ["--auto-persist"] if persist else []
        a += ["--id", sid, "--custom-id"] if sid else []
        rc, obj = self.json_out(a + self.limit_args(limits, session_create=True))
        if not obj.get("ok"):
            raise CallFailed(f"session create failed: {short(obj)}")
        return obj["session"]["id"]

    def session_exec(self, sid, lang, code, limits, env):
        a = ["session", "exec", sid, "-", "--json", "--sessions-root", self._root]
        rc, obj = self.json_out(a + self.limit_args(limits, env), code.encode())
        if obj.get("ok") is False:
            raise CallFailed(f"session exec failed: {short(obj)}")
        obj["_status"] = rc
        return obj

    def session_destroy(self, sid):
        self.cmd(["session", "destroy", sid, "--sessions-root", self._root])

    def evict(self, sid):
        pass  # every CLI command is a new process: each exec re-materialises

    def file_op(self, sid, step):
        op, r = step["op"], ["--json", "--sessions-root", self._root]
        data = None
        if op == "file_write":
            a = ["session", "write", sid, step["path"], "-"] + r
            a += ["--no-overwrite"] if step.get("overwrite") is False else []
            data = step.get("data", "").encode()
        elif op == "file_read":
            a = ["session", "read", sid, step["path"]] + r
        elif op == "file_list":
            a = ["session", "files", sid] + ([step["path"]] if step.get("path") else []) + r
            a += ["--all"] if step.get("all") else []
            a += ["--pattern", step["pattern"]] if step.get("pattern") else []
        else:
            a = ["session", "rm", sid, step["path"]] + r + (["-r"] if step.get("recursive") else [])
        rc, obj = self.json_out(a, data)
        return normalise_file_reply(obj, rc)

    def prune(self, step):
        a = ["session", "prune", "--older-than", f"{step['older_than_s']}s", "--json", "--sessions-root", self._root]
        rc, obj = self.json_out(a + (["--dry-run"] if step.get("dry_run") else []))
        obj["_status"] = rc
        return obj

    def close(self):
        pass


def normalise_file_reply(obj, status=None):
    """CLI and library file replies in one shape: {ok, code, message, content, files, ...}."""
    out = dict(obj)
    if status is not None:
        out["_status"] = status
    if isinstance(obj.get("error"), dict):
        out["code"] = obj["error"].get("code")
        out["message"] = obj["error"].get("message")
    if obj.get("encoding") == "base64":
        out["content"] = base64.b64decode(obj["content"]).decode("utf-8", "replace")
    if isinstance(obj.get("files"), list):
        out["paths"] = [f["path"] if isinstance(f, dict) else f for f in obj["files"]]
    return out


class LibSurface(Surface):
    name = "lib"

    def __init__(self, opts, work):
        super().__init__(opts, work)
        self._root = os.path.join(work, "lib-sessions")
        os.makedirs(self._root, exist_ok=True)
        self.proc = LineProcess([opts.lib_driver, opts.assets, self._root], "lib")

    def root(self):
        return self._root

    @staticmethod
    def lib_limits(limits):
        out = {k: v for k, v in (limits or {}).items() if k not in ("timeout_s", "inject_setup")}
        if "timeout_s" in (limits or {}):
            out["timeout_ms"] = int(limits["timeout_s"] * 1000)
        return out

    def result(self, req):
        rep = self.proc.call(req)
        if not rep.get("ok"):
            raise CallFailed(f"{req['op']} failed: {short(rep)}")
        return rep["result"]

    def run(self, lang, code, limits, env, external=None):
        req = {"op": "run", "lang": lang, "code": code, "limits": self.lib_limits(limits), "env": env or {}}
        if (limits or {}).get("inject_setup") is False:
            req["inject_setup"] = False
        if external:
            req["external_dir"] = external
        return self.result(req)

    def session_create(self, lang, persist, limits, sid=None):
        req = {"op": "session_create", "lang": lang, "auto_persist": persist, "limits": self.lib_limits(limits)}
        if sid:
            req.update(id=sid, custom_id=True)
        rep = self.proc.call(req)
        if not rep.get("ok"):
            raise CallFailed(f"session_create failed: {short(rep)}")
        return rep["id"]

    def session_exec(self, sid, lang, code, limits, env):
        req = {"op": "session_exec", "id": sid, "code": code}
        if limits:
            req["limits"] = self.lib_limits(limits)
        if (limits or {}).get("inject_setup") is False:
            req["inject_setup"] = False
        if env:
            req["env"] = env
        return self.result(req)

    def session_destroy(self, sid):
        self.proc.call({"op": "session_destroy", "id": sid})

    def evict(self, sid):
        self.proc.call({"op": "session_evict", "id": sid})

    def file_op(self, sid, step):
        req = {k: v for k, v in step.items() if k in ("op", "path", "data", "recursive", "all", "pattern", "overwrite")}
        req["id"] = sid
        return normalise_file_reply(self.proc.call(req))

    def prune(self, step):
        return self.proc.call({"op": "prune", "older_than_s": step["older_than_s"], "dry_run": bool(step.get("dry_run"))})

    def close(self):
        self.proc.close()


class McpSurface(Surface):
    name = "mcp"

    def __init__(self, opts, work):
        super().__init__(opts, work)
        self.mwork = os.path.join(work, "mcp")
        os.makedirs(self.mwork, exist_ok=True)
        self.proc = LineProcess([opts.node, os.path.join(HERE, "mcp_driver.mjs"), opts.binary, self.mwork], "mcp")
        self.server = []

    def root(self):
        return os.path.join(self.mwork, "mcp-0", "sessions")

    def exec_req(self, req, limits):
        if limits and "timeout_s" in limits:
            req["timeout"] = int(limits["timeout_s"])
        req["server"] = self.server
        rep = self.proc.call(req)
        if not rep.get("ok") or not isinstance(rep.get("result"), dict):
            raise CallFailed(f"execute_code failed: {short(rep)}")
        res = dict(rep["result"])
        res["mcp_text"], res["mcp_is_error"] = rep.get("text"), rep.get("is_error")
        return res

    def run(self, lang, code, limits, env, external=None):
        return self.exec_req({"op": "run", "lang": lang, "code": code}, limits)

    def session_create(self, lang, persist, limits, sid=None):
        req = {"op": "session_create", "lang": lang, "auto_persist": persist, "server": self.server}
        if sid:
            req["id"] = sid
        rep = self.proc.call(req)
        if not rep.get("ok"):
            raise CallFailed(f"create_session failed: {short(rep)}")
        return rep["id"]

    def session_exec(self, sid, lang, code, limits, env):
        return self.exec_req({"op": "session_exec", "id": sid, "lang": lang, "code": code}, limits)

    def session_destroy(self, sid):
        self.proc.call({"op": "session_destroy", "id": sid, "server": self.server})

    def evict(self, sid):
        pass

    def tool(self, name, args, server):
        rep = self.proc.call({"op": "tool", "tool": name, "args": args, "server": server})
        out = {"ok": rep.get("ok"), "text": rep.get("text"), "is_error": rep.get("is_error"),
               "structured": rep.get("structured"), "code": rep.get("code"), "message": rep.get("message")}
        return out

    def close(self):
        self.proc.close()


# ---- running a case ------------------------------------------------------------------------


def age_session(root, sid, seconds):
    """Move a session's last use (and creation) back by seconds, in its record."""
    path = os.path.join(root, sid, "session.json")
    with open(path, encoding="utf-8") as f:
        rec = json.load(f)
    for k in ("last_used_at", "created_at"):
        if isinstance(rec.get(k), (int, float)):
            rec[k] -= seconds
    with open(path, "w", encoding="utf-8") as f:
        json.dump(rec, f)
    old = time.time() - seconds
    for dirpath, dirs, files in os.walk(os.path.join(root, sid)):
        for n in dirs + files:
            os.utime(os.path.join(dirpath, n), (old, old), follow_symlinks=False)
    os.utime(os.path.join(root, sid), (old, old))


def fs_step(root, step, ctx):
    """Host-side changes a case makes to the sessions root (damaged records, stray folders),
    or a check that a folder is still there; failure messages."""
    name = subst(step["name"], ctx)
    target = os.path.join(root, name)
    action = step["action"]
    if action == "plain_dir":
        os.makedirs(os.path.join(target, "workspace"), exist_ok=True)
        with open(os.path.join(target, "workspace", "left.txt"), "w") as f:
            f.write("left by an older version")
        old = time.time() - 30 * 86400  # old enough for any prune cutoff of a case
        for p in (os.path.join(target, "workspace", "left.txt"), os.path.join(target, "workspace"), target):
            os.utime(p, (old, old))
        ctx.setdefault("cleanup_dirs", []).append(target)
    elif action == "corrupt_record":
        with open(os.path.join(target, "session.json"), "w") as f:
            f.write("{not json")
    elif action == "write_workspace":
        p = os.path.join(target, "workspace", step["path"])
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(step.get("data", ""))
    elif action == "symlink_out":
        os.symlink(step["to"], os.path.join(target, "workspace", step["path"]))
    elif action == "exists":
        return [] if os.path.isdir(target) else [f"{name} was removed from the sessions root"]
    return []


def run_step(surf, case, step, ctx, n):
    """Run one step; failure messages."""
    op = step.get("op")
    lang = step.get("lang", case["lang"])
    who = step.get("in", "main")
    sid = ctx["sids"].get(who)
    limits = step.get("limits") or {}
    if op is None:
        code = subst(step["code"], ctx)
        env = step.get("env")
        expect = step.get("expect", {"success": True})
        try:
            if case.get("session") is not None or step.get("in"):
                obj = surf.session_exec(sid, lang, code, limits, env)
            else:
                obj = surf.run(lang, code, dict(case.get("limits", {}), **limits), env, case.get("external"))
        except CallFailed as e:
            if expect.get("call_fails"):
                return evaluate({"message": str(e)}, expect.get("call", {}), surf.name)
            raise
        if expect.get("call_fails"):
            return [f"the call succeeded, wanted it refused: {short(obj)}"]
        if isinstance(obj.get("error_guidance"), dict):
            obj["guidance_text"] = json.dumps(obj["error_guidance"], ensure_ascii=False)
        errs = evaluate(obj, expect, surf.name)
        if errs and obj.get("success") is False and obj.get("stderr"):
            errs.append(f"(guest stderr: {short(obj['stderr'][-300:], 320)})")
        return errs
    if op == "new_session":
        s = step.get("session", {})
        ctx["sids"][step["name"]] = surf.session_create(step.get("lang", case["lang"]), s.get("auto_persist", False),
                                                        s.get("limits"), subst(step.get("id"), ctx))
        return []
    if op == "evict":
        surf.evict(sid)
        return []
    if op == "age":
        surf.evict(sid)
        age_session(surf.root(), sid, step["seconds"])
        return []
    if op == "fs":
        return fs_step(surf.root(), step, ctx)
    if op.startswith("file_"):
        obj = surf.file_op(subst(step.get("session_id", sid), ctx), subst(step, ctx))
        return evaluate(obj, subst(step.get("expect"), ctx), surf.name)
    if op == "prune":
        return evaluate(surf.prune(step), subst(step.get("expect"), ctx), surf.name)
    if op == "cli":
        stdin = subst(step.get("stdin"), ctx)
        rc, out, err = surf.cmd(subst(step["argv"], ctx), stdin.encode() if stdin is not None else None)
        obj = {"status": rc, "stdout": out, "stderr": err}
        try:
            obj["json"] = json.loads(out)
        except ValueError:
            pass
        return evaluate(obj, subst(step.get("expect"), ctx), surf.name)
    if op == "mcp_tool":
        obj = surf.tool(step["tool"], subst(step.get("args", {}), ctx), step.get("server", surf.server))
        return evaluate(obj, subst(step.get("expect"), ctx), surf.name)
    raise CallFailed(f"unknown op {op}")


def run_case(surf, case):
    """Run a case on a surface; failure messages (empty: passed)."""
    ctx = {"sids": {}, "root": surf.root(), "tmp": surf.work, "bin": surf.opts.binary}
    steps = steps_of(case)
    if surf.name == "mcp":
        first = next((s for s in steps if s.get("op") is None), {})
        surf.server = mcp_server_args(case, first)
    errs = []
    try:
        if case.get("session") is not None:
            s = case["session"]
            ctx["sids"]["main"] = surf.session_create(case["lang"], s.get("auto_persist", False), s.get("limits"),
                                                      s.get("id"))
        for n, step in enumerate(steps, 1):
            for e in run_step(surf, case, step, ctx, n):
                errs.append(f"step {n}: {e}")
            if errs and not case.get("continue"):
                break
    except CallFailed as e:
        errs.append(str(e))
    except (subprocess.TimeoutExpired, OSError, KeyError, ValueError) as e:
        errs.append(f"{type(e).__name__}: {e}")
    finally:
        for sid in ctx["sids"].values():
            try:
                surf.session_destroy(sid)
            except Exception:
                pass
        for d in ctx.get("cleanup_dirs", []):
            shutil.rmtree(d, ignore_errors=True)
    return errs


def run_surface(surf, cases, results, verbose):
    """Run every case that applies to one surface, recording (case, surface, errors|None)."""
    jobs = [c for c in cases if case_surfaces(c)[surf.name] is None]
    for case in jobs:
        t = time.time()
        errs = run_case(surf, case)
        results.append((case, surf.name, errs))
        if verbose:
            print(f"{'ok  ' if not errs else 'FAIL'} {case['id']} [{surf.name}] {time.time() - t:.2f}s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[2])
    ap.add_argument("binary", nargs="?", default="build/llm-sandbox")
    ap.add_argument("--surface", action="append", choices=SURFACES)
    ap.add_argument("--only", action="append", help="run only cases whose id contains this")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--list", action="store_true", help="list cases and surfaces, run nothing")
    ap.add_argument("--lib-driver", help="the library driver (default: BUILD/tests/spec_lib_driver)")
    opts = ap.parse_args()
    opts.binary = os.path.abspath(opts.binary)
    build = os.path.dirname(opts.binary)
    opts.assets = os.path.join(build, "assets")
    opts.lib_driver = opts.lib_driver or os.path.join(build, "tests", "spec_lib_driver")
    node = os.path.join(HERE, "..", "mcp", "node_modules", ".bin", "node")
    opts.node = node if os.access(node, os.X_OK) else "node"
    cases = load_cases(opts.only)
    if opts.list:
        for c in cases:
            sf = case_surfaces(c)
            print(c["id"], c["spec"], " ".join(s for s in SURFACES if sf[s] is None))
        return 0
    work = tempfile.mkdtemp(prefix="lsb-spec-")
    surfaces = opts.surface or list(SURFACES)
    results, threads, opened = [], [], []
    try:
        for name in surfaces:
            surf = {"cli": CliSurface, "lib": LibSurface, "mcp": McpSurface}[name](opts, work)
            opened.append(surf)
            th = threading.Thread(target=run_surface, args=(surf, cases, results, opts.verbose))
            th.start()
            threads.append(th)
        for th in threads:
            th.join()
    finally:
        for s in opened:
            s.close()
        shutil.rmtree(work, ignore_errors=True)
    return report(cases, results, surfaces)


def report(cases, results, surfaces):
    """Print the failures and the totals; the exit status."""
    passed = failed = 0
    per = {s: [0, 0] for s in surfaces}
    for case, surface, errs in sorted(results, key=lambda r: (r[0]["file"], r[0]["id"], r[1])):
        if errs:
            failed += 1
            per[surface][1] += 1
            print(f"FAIL {case['id']} [{surface}] ({case['spec']}: {case.get('title', '')}): {' / '.join(errs)}")
        else:
            passed += 1
            per[surface][0] += 1
    skipped = sum(1 for c in cases for s in surfaces if case_surfaces(c)[s] is not None)
    print("per surface: " + ", ".join(f"{s} {p} passed {f} failed" for s, (p, f) in per.items()))
    print(f"spec: {len(cases)} cases; {passed} passed, {failed} failed ({skipped} case-surfaces skipped)")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
