"""python/bench.py - the Python package's overhead, for issue 10's `make bench` line.

    build/venv/bin/python -P python/bench.py [RUNS]

Prints, side by side in one process (interleaved, medians):
  1. execute("x = 1") on a warm session through PythonSandbox.execute
     against the same lsb_session_execute call made bare through ctypes
     (the C API's cost plus one foreign call), and their ratio
     (issue 10's target: under 1.2x);
  2. the first create_sandbox + execute in a new Python process
     (interpreter start and import included), median of a few processes.
Nothing is asserted: it prints.
"""
import ctypes
import statistics
import subprocess
import sys
import tempfile
import time

from sandbox import _lib, create_sandbox
from sandbox.runtimes.base import build_policy


def bare_call(sb, lp):
    """One lsb_session_execute through ctypes, result freed, nothing mapped."""
    res, err = _lib.Result(), _lib.errbuf()
    code = b"x = 1"
    st = _lib.lib().lsb_session_execute(sb._handle, sb.session_id.encode(), code, len(code), None,
                                        ctypes.byref(lp), ctypes.byref(res), err, _lib.ERRLEN)
    assert st == 0, _lib.err_text(err)
    _lib.lib().lsb_result_free(ctypes.byref(res))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    root = tempfile.mkdtemp(prefix="lsb-pybench-")
    sb = create_sandbox(workspace_root=root)
    lp, _keep = build_policy(sb.policy)
    for _ in range(10):
        sb.execute("x = 1")
        bare_call(sb, lp)
    py_t, c_t = [], []
    for _ in range(runs):
        t = time.perf_counter()
        sb.execute("x = 1")
        py_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        bare_call(sb, lp)
        c_t.append(time.perf_counter() - t)
    p, c = statistics.median(py_t) * 1e3, statistics.median(c_t) * 1e3
    print(f"warm execute('x = 1'), {runs} runs: Python {p:.3f} ms, bare C call {c:.3f} ms, ratio {p / c:.2f}x")
    first = []
    code = ("import time, sys; t = time.perf_counter(); from sandbox import create_sandbox; "
            "r = create_sandbox(workspace_root=sys.argv[1]).execute('print(1)'); "
            "print(time.perf_counter() - t)")
    for _ in range(5):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-P", "-c", code, root], capture_output=True, text=True, check=True)
        first.append((time.perf_counter() - t, float(out.stdout.strip().splitlines()[-1])))
    whole = statistics.median(f[0] for f in first) * 1e3
    inner = statistics.median(f[1] for f in first) * 1e3
    print(f"first create_sandbox + execute in a new process: {inner:.1f} ms (import included; "
          f"{whole:.1f} ms with interpreter start and exit)")


if __name__ == "__main__":
    main()
