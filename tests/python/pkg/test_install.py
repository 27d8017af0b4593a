"""tests/python/pkg/test_install.py - finding the library, missing installs, bad arguments, fork."""
import os
import subprocess
import sys

import pytest

from sandbox import _lib, create_sandbox


def _run(code, **env):
    full = dict(os.environ, **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=120)


def test_library_lookup_order(monkeypatch):
    monkeypatch.setenv("LSB_LIBRARY", "/x/libllmsandbox.so")
    hows = [how for how, _ in _lib.library_candidates()]
    assert hows[0] == "$LSB_LIBRARY" and hows[-1] == "the system loader"
    assert hows.index("the source checkout") > 0


def test_missing_library_raises_at_create_with_a_fix():
    p = _run("import sandbox\ntry:\n    sandbox.create_sandbox(workspace_root='/tmp/unused-ws')\n"
             "except ImportError as e:\n    print(type(e).__name__)\n    print(e)\n",
             LSB_LIBRARY="/nonexistent/libllmsandbox.so")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("SandboxInstallationError\n")
    assert "/nonexistent/libllmsandbox.so" in p.stdout and "make install" in p.stdout
    assert "LSB_LIBRARY" in p.stdout


def test_missing_assets_raise_at_create(tmp_path):
    p = _run("import sandbox\ntry:\n    sandbox.create_sandbox(workspace_root=%r)\n"
             "except ImportError as e:\n    print('ERR', e)\n" % str(tmp_path / "ws"),
             LSB_ASSETS_DIR=str(tmp_path / "no-assets"))
    assert p.stdout.startswith("ERR libllmsandbox cannot open its assets"), p.stdout + p.stderr
    assert "LSB_ASSETS_DIR" in p.stdout


def test_bad_arguments(root):
    with pytest.raises(TypeError, match="unexpected keyword"):
        create_sandbox(workspace_root=root, no_such_option=1)
    with pytest.raises(TypeError, match="ExecutionPolicy"):
        create_sandbox(workspace_root=root, policy={"fuel_budget": 1})
    sb = create_sandbox(workspace_root=root, wasm_binary_path="ignored", workspace_path="dropped")
    with pytest.raises(TypeError, match="code must be a str"):
        sb.execute(b"print(1)")
    with pytest.raises(ValueError, match="NUL"):
        sb.execute("print(1)\x00")
    with pytest.raises(Exception, match="timeout"):
        sb.execute("print(1)", timeout=-1)


def test_process_that_forks_after_use(root):
    sb = create_sandbox(workspace_root=root)
    assert sb.execute("print('parent')").stdout == "parent\n"
    pid = os.fork()
    if pid == 0:  # child: a new sandbox must work here too
        try:
            ok = create_sandbox(workspace_root=root).execute("print('child é')").stdout == "child é\n"
            os._exit(0 if ok else 3)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sb.execute("print('parent again')").stdout == "parent again\n"
