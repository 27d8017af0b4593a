#!/usr/bin/env python3
"""tests/diff/diff.py - the differential test of the two guests.

    python3 tests/diff/diff.py SANDBOX NATIVE_QJS NATIVE_PYTHON OUTDIR

For each language, DIFF_PROGRAMS programs (default 40) from tests/diff/gen.py,
seeds DIFF_SEED (default 1) onwards, run once in the sandbox
(`SANDBOX run --lang ...`) and once natively (NATIVE_QJS FILE,
NATIVE_PYTHON -I -X utf8 -c CODE). A program passes when both print the
same bytes on stdout and either both succeed or both fail with the same
exception type (the last `Name: message` line of stderr; traceback and
stack lines differ by design, file names for one). A mismatch prints the
seed, the program and both outputs, and is saved under OUTDIR/LANG-SEED/.
The last line is `diff-guests: N passed, M failed`.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402  (the generator lives next to this file)

# The line naming an uncaught exception: "ZeroDivisionError: division by
# zero", "ReferenceError: 'x' is not defined", "KeyError: 3", "MyErr".
EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::|$)")
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
SHOWN = 3000  # characters of each output a mismatch report shows


def exc_type(stderr):
    """The type of the uncaught exception stderr reports, or '?'."""
    names = [m.group(1) for m in map(EXC_LINE.match, stderr.splitlines()) if m]
    return names[-1] if names else "?"


def run(argv, cwd):
    """(exit code, stdout, stderr text) of argv; a hang counts as code -1."""
    try:
        p = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, timeout=60)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return -1, b"", "timeout after 60 s"


def verdict(guest, native):
    """None when the two (code, stdout, stderr) agree, else why not."""
    if guest[1] != native[1]:
        return "stdout differs"
    if (guest[0] == 0) != (native[0] == 0):
        return "exit codes %d (guest) and %d (native)" % (guest[0], native[0])
    if guest[0] != 0 and exc_type(guest[2]) != exc_type(native[2]):
        return "exceptions %s (guest) and %s (native)" % (exc_type(guest[2]), exc_type(native[2]))
    return None


def save(outdir, lang, seed, code, guest, native):
    """Keep a mismatch: the program and both sides' output."""
    d = os.path.join(outdir, "%s-%d" % (lang, seed))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "program." + lang), "w", encoding="utf-8") as f:
        f.write(code)
    for side, res in (("guest", guest), ("native", native)):
        with open(os.path.join(d, side + ".stdout"), "wb") as f:
            f.write(res[1])
        with open(os.path.join(d, side + ".stderr"), "w", encoding="utf-8") as f:
            f.write("exit code %d\n%s" % (res[0], res[2]))
    return d


def report(lang, seed, code, why, guest, native, where):
    """Print a mismatch in full enough to reproduce it."""
    print("MISMATCH %s seed %d: %s (saved in %s)" % (lang, seed, why, where))
    print("--- program (python3 tests/diff/gen.py %s %d)\n%s" % (lang, seed, code))
    for side, res in (("guest", guest), ("native", native)):
        print("--- %s: exit %d, stdout:\n%s\n--- %s stderr:\n%s" % (
            side, res[0], res[1].decode("utf-8", "replace")[:SHOWN], side, res[2][:SHOWN]))


def check(lang, seed, tools, tmp, outdir):
    """Run one program both ways; True when they agree."""
    code = gen.program(lang, seed)
    sandbox, qjs, python = tools
    if lang == "py":
        guest = run([sandbox, "run", "--lang", "python", "-c", code], tmp)
        native = run([python, "-I", "-X", "utf8", "-c", code], tmp)
    else:
        path = os.path.join(tmp, "main.js")
        with open(path, "w", encoding="utf-8") as f:
            f.write(code)
        guest = run([sandbox, "run", "--lang", "javascript", "-c", code], tmp)
        native = run([qjs, path], tmp)
    why = verdict(guest, native)
    if why is None:
        return True
    report(lang, seed, code, why, guest, native, save(outdir, lang, seed, code, guest, native))
    return False


def self_check():
    """The comparator must be able to fail: a stdout, exit or exception
    difference is a mismatch, a traceback difference is not."""
    ok = (0, "café ☕\n".encode(), "")
    err = (1, b"", "Traceback (most recent call last):\n  File x\nKeyError: 3\n")
    js_err = (1, b"", "ReferenceError: 'x' is not defined\n    at <eval> (main.js:3)\n")
    assert verdict(ok, ok) is None and verdict(err, (1, b"", "KeyError: 3")) is None
    assert verdict(ok, (0, "cafe ☕\n".encode(), "")) == "stdout differs"
    assert verdict(ok, (1, ok[1], "")) is not None and verdict(err, js_err) is not None
    assert exc_type(js_err[2]) == "ReferenceError" and exc_type("") == "?"


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: diff.py SANDBOX NATIVE_QJS NATIVE_PYTHON OUTDIR")
    self_check()
    tools = tuple(os.path.abspath(a) for a in sys.argv[1:4])
    outdir = os.path.abspath(sys.argv[4])
    count = int(os.environ.get("DIFF_PROGRAMS", "40"))
    first = int(os.environ.get("DIFF_SEED", "1"))
    shutil.rmtree(outdir, ignore_errors=True)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="lsb-diff.") as tmp:
        for lang in ("py", "js"):
            started, bad = time.monotonic(), 0
            for seed in range(first, first + count):
                if not check(lang, seed, tools, tmp, outdir):
                    bad += 1
            passed, failed = passed + count - bad, failed + bad
            print("%s: %d programs (seeds %d..%d), %d mismatches, %.1f s" % (
                lang, count, first, first + count - 1, bad, time.monotonic() - started))
    print("diff-guests: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
