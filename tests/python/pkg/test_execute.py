"""tests/python/pkg/test_execute.py - create_sandbox and execute (SEED-SPEC 1.2, 1.3, 1.5, 1.6)."""
import threading
import time
import uuid

import pytest

import sandbox
from sandbox import (ExecutionPolicy, PythonSandbox, RuntimeType, SandboxResult, create_sandbox)
from sandbox.runtimes.javascript import JavaScriptSandbox

TEXT = "é ☕ 日本"


def test_readme_hello_world_python(root):
    sb = create_sandbox(runtime=RuntimeType.PYTHON, workspace_root=root)
    assert isinstance(sb, PythonSandbox)
    r = sb.execute("print('Hello from WASM!')")
    assert isinstance(r, SandboxResult)
    assert r.stdout == "Hello from WASM!\n"
    assert r.success is True and r.exit_code == 0 and r.stderr == ""


def test_readme_hello_world_javascript(root):
    sb = create_sandbox(runtime=RuntimeType.JAVASCRIPT, workspace_root=root)
    assert isinstance(sb, JavaScriptSandbox)
    r = sb.execute("console.log('Hello from QuickJS!')")
    assert r.stdout == "Hello from QuickJS!\n" and r.success


def test_non_ascii_output_both_runtimes(root):
    py = create_sandbox(runtime="python", workspace_root=root).execute(f"print({TEXT!r})")
    js = create_sandbox(runtime="javascript", workspace_root=root).execute(f"console.log({TEXT!r})")
    assert py.stdout == TEXT + "\n"
    assert js.stdout == TEXT + "\n"


def test_plain_strings_accepted_as_runtime(root):
    assert isinstance(create_sandbox(runtime="python", workspace_root=root), PythonSandbox)
    assert isinstance(create_sandbox(runtime="javascript", workspace_root=root), JavaScriptSandbox)
    assert RuntimeType("python") is RuntimeType.PYTHON and RuntimeType.JAVASCRIPT == "javascript"


@pytest.mark.parametrize("bad", ["ruby", "PYTHON", 3, None])
def test_invalid_runtime_raises_value_error(root, bad):
    with pytest.raises(ValueError, match="Invalid runtime type: .*Must be a RuntimeType enum value"):
        create_sandbox(runtime=bad, workspace_root=root)


def test_default_session_is_a_uuid_and_workspace_is_created(root):
    sb = create_sandbox(workspace_root=root)
    assert str(uuid.UUID(sb.session_id)) == sb.session_id
    assert root.is_dir() and sb.workspace.is_dir()
    assert sb.workspace_root == root.resolve()
    r = sb.execute("print(1)")
    assert r.workspace_path == str(sb.workspace)
    assert r.metadata["session_id"] == sb.session_id


def test_auto_persist_across_two_executes(root):
    sb = create_sandbox(runtime=RuntimeType.PYTHON, auto_persist_globals=True, workspace_root=root)
    assert sb.execute("counter = 100; data = [1, 2, 3]").success
    r = sb.execute("print(f'counter={counter}, data={data}')")
    assert r.stdout == "counter=100, data=[1, 2, 3]\n"
    # A new sandbox object (as in a new process) on the same session still sees them.
    sb2 = create_sandbox(session_id=sb.session_id, auto_persist_globals=True, workspace_root=root)
    assert sb2.execute("counter += 1; print(counter, data)").stdout == "101 [1, 2, 3]\n"


def test_javascript_auto_persist_state_object(root):
    sb = create_sandbox(runtime="javascript", auto_persist_globals=True, workspace_root=root)
    assert sb.execute(f"_state.word = {TEXT!r}; _state.n = 2").success
    assert sb.execute("console.log(_state.word, _state.n + 1)").stdout == TEXT + " 3\n"


def test_session_stays_live_between_executes(root):
    sb = create_sandbox(workspace_root=root)
    sb.execute("import math\nclass K: pass\nobj = K(); obj.v = 'é'")
    assert sb.execute("print(obj.v, math.floor(2.5))").stdout == "é 2\n"


def test_guest_error_is_a_result_not_an_exception(root):
    r = create_sandbox(workspace_root=root).execute("print('before')\n1/0")
    assert r.success is False and r.exit_code == 1
    assert r.stdout == "before\n" and "ZeroDivisionError" in r.stderr
    md = r.metadata
    assert md["trapped"] is False and md["trap_reason"] == "proc_exit" and md["exit_code"] == 1
    assert md["error_guidance"]["error_type"] == "ZeroDivisionError"
    assert md["error_guidance"]["actionable_guidance"]


def test_failed_run_keeps_previous_globals(root):
    sb = create_sandbox(workspace_root=root)
    sb.execute("x = 1")
    assert not sb.execute("x = 2\nraise RuntimeError('no')").success
    assert sb.execute("print(x)").stdout == "1\n"


def test_python_metadata_keys(root):
    r = create_sandbox(workspace_root=root).execute("print(1)")
    md = r.metadata
    for key in ("memory_pages", "stdout_truncated", "stderr_truncated", "exit_code", "trapped", "session_id",
                "fuel_analysis"):
        assert key in md, key
    assert "runtime" not in md and "error_guidance" not in md
    assert md["memory_pages"] * 65536 == r.memory_used_bytes
    assert md["fuel_analysis"]["consumed"] == r.fuel_consumed > 0
    assert md["fuel_analysis"]["budget"] == 5_000_000_000
    assert r.duration_ms > 0


def test_javascript_metadata_keys(root):
    pol = ExecutionPolicy(fuel_budget=123_456_789)
    r = create_sandbox(runtime="javascript", policy=pol, workspace_root=root).execute("console.log(1)")
    assert r.metadata["runtime"] == "javascript"
    assert r.metadata["fuel_budget"] == 123_456_789
    assert r.metadata["memory_limit_bytes"] > 0


def test_out_of_fuel(root):
    pol = ExecutionPolicy(fuel_budget=2_000_000)
    r = create_sandbox(policy=pol, workspace_root=root).execute("while True: pass")
    assert r.success is False and r.exit_code == 1
    assert r.metadata["trapped"] is True and r.metadata["trap_reason"] == "out_of_fuel"
    assert r.fuel_consumed == 2_000_000


def test_timeout_argument_is_enforced(root):
    sb = create_sandbox(workspace_root=root)
    t0 = time.monotonic()
    r = sb.execute("import time\ntime.sleep(20)", timeout=0.5)
    assert time.monotonic() - t0 < 10
    assert r.success is False and r.metadata["trap_reason"] == "timeout"


def test_policy_timeout_seconds_is_enforced(root):
    sb = create_sandbox(policy=ExecutionPolicy(timeout_seconds=0.5), workspace_root=root)
    assert sb.execute("import time\ntime.sleep(20)").metadata["trap_reason"] == "timeout"


def test_unknown_execute_kwargs_are_ignored(root):
    assert create_sandbox(workspace_root=root).execute("print(2)", some_flag=True).stdout == "2\n"


def test_stdout_cap_sets_truncated_flag(root):
    pol = ExecutionPolicy(stdout_max_bytes=10)
    r = create_sandbox(policy=pol, workspace_root=root).execute("print('x' * 100)")
    assert r.metadata["stdout_truncated"] is True and len(r.stdout.encode()) <= 10


def test_env_reaches_the_guest(root):
    pol = ExecutionPolicy(env={"GREETING": TEXT})
    r = create_sandbox(policy=pol, workspace_root=root).execute("import os; print(os.environ['GREETING'])")
    assert r.stdout == TEXT + "\n"


def test_inject_setup_controls_vendored_packages(root):
    sb = create_sandbox(workspace_root=root)
    assert sb.execute("import tabulate; print('ok')").stdout == "ok\n"
    sb2 = create_sandbox(workspace_root=root)
    r = sb2.execute("import tabulate", inject_setup=False)
    assert not r.success and "ModuleNotFoundError" in r.stderr


def test_files_created_and_modified(root):
    sb = create_sandbox(workspace_root=root)
    r = sb.execute(f"import os\nos.makedirs('/app/out', exist_ok=True)\n"
                   f"open('/app/out/a.txt', 'w').write({TEXT!r})")
    assert r.files_created == ["out/a.txt"] and r.files_modified == []
    assert (sb.workspace / "out" / "a.txt").read_text(encoding="utf-8") == TEXT
    r2 = sb.execute("open('/app/out/a.txt', 'a').write('!')")
    assert r2.files_modified == ["out/a.txt"] and r2.files_created == []


def test_files_persist_across_sandbox_objects_with_same_id(root):
    sb = create_sandbox(session_id="my-session-123", workspace_root=root)
    assert sb.session_id == "my-session-123"
    sb.execute("open('/app/data.json', 'w').write('[1, 2]')")
    sb2 = create_sandbox(session_id="my-session-123", workspace_root=root)
    assert sb2.execute("print(open('/app/data.json').read())").stdout == "[1, 2]\n"


def test_existing_session_of_other_language_is_refused(root):
    sb = create_sandbox(runtime="python", workspace_root=root)
    with pytest.raises(ValueError, match="python session"):
        create_sandbox(runtime="javascript", session_id=sb.session_id, workspace_root=root)


def test_validate_code(root):
    py = create_sandbox(workspace_root=root)
    assert py.validate_code("x = 1\nprint(x)") is True
    assert py.validate_code("def f(:\n  pass") is False
    js = create_sandbox(runtime="javascript", workspace_root=root)
    assert js.validate_code("this is not ( javascript") is True


def test_result_json_round_trip(root):
    r = create_sandbox(workspace_root=root).execute(f"print({TEXT!r})")
    d = r.model_dump()
    assert d["stdout"] == TEXT + "\n" and set(d) == {
        "success", "stdout", "stderr", "exit_code", "fuel_consumed", "memory_used_bytes", "duration_ms",
        "files_created", "files_modified", "workspace_path", "metadata"}
    assert TEXT in r.model_dump_json()


def test_package_exports():
    for name in ("create_sandbox", "BaseSandbox", "PythonSandbox", "ExecutionPolicy", "SandboxResult",
                 "RuntimeType", "PolicyValidationError", "SandboxExecutionError", "StorageAdapter",
                 "DiskStorageAdapter", "StorageBackend", "SessionMetadata", "PruneResult",
                 "list_session_files", "read_session_file", "write_session_file", "delete_session_path",
                 "delete_session_workspace", "prune_sessions"):
        assert name in sandbox.__all__ and hasattr(sandbox, name), name
    assert "JavaScriptSandbox" not in sandbox.__all__
    assert sandbox.create_sandbox.__doc__ and sandbox.BaseSandbox.execute.__doc__


def test_threads_execute_in_different_sessions_at_once(root):
    boxes = [create_sandbox(workspace_root=root) for _ in range(4)]
    for i, sb in enumerate(boxes):
        sb.execute(f"x = {i}\nw = {TEXT!r}")
    out, errors = {}, []

    def work(i):
        try:
            out[i] = boxes[i].execute("import time\ntime.sleep(0.5)\nprint(x * 10, w)").stdout
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t0 = time.monotonic()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    elapsed = time.monotonic() - t0
    assert not errors
    assert out == {i: f"{i * 10} {TEXT}\n" for i in range(4)}
    assert elapsed < 1.9, f"4 runs of 0.5 s took {elapsed:.2f} s: not in parallel"


def test_threads_sharing_one_session_are_serialised(root):
    sb = create_sandbox(workspace_root=root)
    sb.execute("n = 0")

    def work():
        for _ in range(3):
            sb.execute("n += 1")

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sb.execute("print(n)").stdout == "9\n"


def test_legacy_entry_points(root):
    """sandbox.host's one-call functions and sandbox.utils' never-raised errors (SEED-SPEC 1.1)."""
    from sandbox.host import run_untrusted_javascript, run_untrusted_python
    from sandbox.utils import FuelExhaustionError, MemoryLimitError, SandboxError
    r = run_untrusted_python("print('héllo ☕')", workspace_root=root)
    assert r.success and r.stdout == "héllo ☕\n"
    r = run_untrusted_javascript("console.log(6 * 7); null.x", workspace_root=root)
    assert not r.success and r.stdout == "42\n" and "TypeError" in r.stderr
    assert issubclass(FuelExhaustionError, SandboxError) and issubclass(MemoryLimitError, SandboxError)


def test_vendor_helpers(tmp_path):
    """sandbox.vendor (SEED-SPEC 5.4): the built-in /data packages are listed; a folder of one's
    own is made, filled from a local pure-Python wheel, copied into a workspace and emptied."""
    import zipfile
    from sandbox import vendor
    builtin = vendor.list_vendored_packages()
    assert {"openpyxl", "et-xmlfile", "tabulate", "jinja2"} <= set(builtin) and "sandbox-utils" in builtin
    vdir = tmp_path / "vendor"
    assert vendor.setup_vendor_dir(vdir) == vdir / "site-packages"
    wheel = tmp_path / "cafe_pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("cafe_pkg/__init__.py", "NAME = 'café ☕'\n")
        z.writestr("cafe_pkg-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: cafe-pkg\nVersion: 1.0\n")
        z.writestr("cafe_pkg-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr("cafe_pkg-1.0.dist-info/RECORD", "")
    assert vendor.install_pure_python_package(str(wheel), vdir)
    assert vendor.list_vendored_packages(vdir) == ["cafe-pkg"]
    copied = vendor.copy_vendor_to_workspace(vdir, tmp_path / "ws")
    assert (copied / "cafe_pkg" / "__init__.py").read_text(encoding="utf-8") == "NAME = 'café ☕'\n"
    vendor.clean_vendor_dir(vdir)
    assert vendor.list_vendored_packages(vdir) == []
    assert not vendor.install_pure_python_package(str(tmp_path / "missing-1.0-py3-none-any.whl"), vdir)
