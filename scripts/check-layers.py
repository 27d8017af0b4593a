#!/usr/bin/env python3
"""scripts/check-layers.py BUILD_DIR - the architecture, checked on the build.

Reads the host objects under BUILD_DIR/obj/src with `nm` and the sources
with their #include lines, and checks the rules the README's layout states:

  files     no cycle between files: a file that calls into another is never
            called back by it, directly or round a loop (strongly connected
            components of the "uses a symbol defined in" graph);
  layers    calls go down the stack util < wasm < wasi < sandbox < session <
            cli, mcp; the one way up is sandbox.c creating and freeing the
            session table (ALLOWED_UP below, each with its reason);
  includes  cli/ and mcp/ include only their own headers, llmsandbox.h and
            util/ (the clock, mkdir -p, the error helper: plain helpers that
            know nothing of the sandbox, shared so that none is written
            twice); cli/main.c may include mcp/server.h (the CLI starts the
            server);
  library   libllmsandbox.a defines no cli_ or mcp_ symbol and needs nothing
            from a front-end;
  length    no function body longer than 80 lines (data tables are exempt:
            they are initialisers, not functions).

Prints one line per finding and "layers: N passed, M failed" last; exits 1
when anything failed.
"""
import os
import re
import subprocess
import sys
from collections import defaultdict

RANK = {"util": 0, "wasm": 1, "wasi": 2, "sandbox": 3, "session": 4, "cli": 5, "mcp": 5}
# Calls that go up the stack on purpose: (caller file, callee symbol) -> why.
ALLOWED_UP = {
    ("src/sandbox/sandbox.c", "sess_table_new"): "a sandbox owns its session table",
    ("src/sandbox/sandbox.c", "sess_table_free"): "a sandbox owns its session table",
}
# The front-ends may use each other only here: the CLI starts the server.
FRONTEND_INCLUDES = {("src/cli/main.c", "mcp/server.h")}
FRONTEND_CALLS = {("src/cli/main.c", "src/mcp/server.c")}
MAX_FUNCTION_LINES = 80

failures = []
checks = 0


def fail(kind, text):
    failures.append(f"{kind}: {text}")


def objects(build):
    """Every host object, keyed by the source file it was compiled from."""
    root = os.path.join(build, "obj")
    out = {}
    for folder, _, names in os.walk(os.path.join(root, "src")):
        for name in names:
            if name.endswith(".o"):
                obj = os.path.join(folder, name)
                src = os.path.relpath(obj, root)[:-2] + ".c"
                if os.path.exists(src):  # not a stale object of a removed file
                    out[src] = obj
    return out


def symbols(obj):
    """(defined, undefined) global symbol sets of one object."""
    text = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRGSVWC":
            defined.add(parts[2])
    return defined, undefined


def call_graph(objs):
    """file -> {callee file: [symbols]} over the symbols the files define."""
    owner, needs = {}, {}
    for src, obj in objs.items():
        defined, undefined = symbols(obj)
        for sym in defined:
            owner[sym] = src
        needs[src] = undefined
    graph = defaultdict(lambda: defaultdict(list))
    for src, undefined in needs.items():
        for sym in undefined:
            dst = owner.get(sym)
            if dst and dst != src:
                graph[src][dst].append(sym)
    return graph


def components(nodes, graph):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, {}))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, {})))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                result.append(sorted(comp))
    return result


def folder(path):
    return path.split("/")[1]


def check_cycles(graph, nodes):
    global checks
    checks += 1
    for comp in components(nodes, graph):
        if len(comp) > 1:
            edges = [f"{a}->{b} ({graph[a][b][0]})" for a in comp for b in comp if b in graph[a]]
            fail("files", "cycle: " + ", ".join(edges))


def check_layers(graph):
    global checks
    checks += 1
    for src, callees in sorted(graph.items()):
        for dst, syms in sorted(callees.items()):
            if RANK[folder(dst)] <= RANK[folder(src)] or folder(src) == folder(dst):
                if (folder(src) != folder(dst) and RANK[folder(dst)] == RANK[folder(src)]
                        and (src, dst) not in FRONTEND_CALLS):
                    fail("layers", f"{src} calls the other front-end's {dst} ({syms[0]})")
                continue
            for sym in syms:
                if (src, sym) not in ALLOWED_UP:
                    fail("layers", f"{src} calls up into {dst} ({sym})")


def check_includes():
    global checks
    checks += 1
    pattern = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for top in ("src/cli", "src/mcp"):
        own = top.split("/")[1] + "/"
        for name in sorted(os.listdir(top)):
            path = f"{top}/{name}"
            with open(path, encoding="utf-8") as f:
                for line in f:
                    m = pattern.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    if inc == "llmsandbox.h" or inc.startswith(own) or inc.startswith("util/"):
                        continue
                    if (path, inc) not in FRONTEND_INCLUDES:
                        fail("includes", f"{path} includes the internal header {inc}")


def check_library(build):
    global checks
    checks += 1
    lib = os.path.join(build, "libllmsandbox.a")
    text = subprocess.run(["nm", "-A", lib], capture_output=True, text=True, check=True).stdout
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-2] in "TDBR" and re.match(r"(mcp|cli)_", parts[-1]):
            fail("library", f"libllmsandbox.a defines the front-end symbol {parts[-1]}")


def function_spans(lines):
    """(name, first line, length) of every function definition in a file."""
    head = re.compile(r"^[A-Za-z_][\w \*]*\b(\w+)\s*\(")
    start = name = None
    for n, line in enumerate(lines, 1):
        if start is None:
            m = head.match(line)
            if m and "=" not in line.split("(")[0] and not line.rstrip().endswith(";"):
                if line.rstrip().endswith("}"):
                    yield m.group(1), n, 1  # a one-line function
                else:
                    name, start = m.group(1), n
        elif line.startswith("}"):
            yield name, start, n - start + 1
            start = None
        elif line.rstrip().endswith(";") and not line.startswith((" ", "\t", "{")):
            start = None  # a prototype that spanned lines


def check_lengths():
    global checks
    checks += 1
    files = subprocess.run(["git", "ls-files", "src/*.c", "tools/*.c", "guest/*.c"],
                           capture_output=True, text=True, check=True).stdout.split()
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for name, start, length in function_spans(lines):
            if length > MAX_FUNCTION_LINES:
                fail("length", f"{path}:{start} {name} is {length} lines (at most "
                     f"{MAX_FUNCTION_LINES})")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-layers.py BUILD_DIR")
    build = sys.argv[1]
    objs = objects(build)
    if not objs:
        sys.exit(f"check-layers: no objects under {build}/obj/src (run make first)")
    unknown = sorted({folder(s) for s in objs} - RANK.keys())
    if unknown:
        sys.exit(f"check-layers: folders without a layer rank: {', '.join(unknown)}")
    graph = call_graph(objs)
    check_cycles(graph, objs.keys())
    check_layers(graph)
    check_includes()
    check_library(build)
    check_lengths()
    for line in failures:
        print(line)
    failed = len({f.split(":")[0] for f in failures})
    print(f"layers: {checks - failed} passed, {failed} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
