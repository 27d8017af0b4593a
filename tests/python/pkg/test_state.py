"""tests/python/pkg/test_state.py - the state helper generators (SEED-SPEC 3.1)."""
import io
import json
import math

from sandbox import (create_sandbox, create_state_helpers, filter_serializable_globals, is_serializable,
                     load_state_code, read_session_file, save_state_code, wrap_stateful_code)


def test_is_serializable():
    assert all(is_serializable(v) for v in (1, "é", 1.5, True, [1], {"a": 1}, None))
    assert not any(is_serializable(v) for v in ((1, 2), {1}, b"x", object()))


def test_filter_serializable_globals():
    ns = {"a": 1, "_hidden": 2, "f": len, "m": math, "fh": io.StringIO(), "t": (1, 2), "s": "☕"}
    assert filter_serializable_globals(ns) == {"a": 1, "s": "☕"}


def test_wrap_stateful_code_layout():
    code = wrap_stateful_code("x = 1", "/app/s.json")
    assert code.startswith(load_state_code("/app/s.json"))
    assert "\n\n# User code\nx = 1\n\n# Auto-save state\n" in code
    assert code.endswith(save_state_code("globals()", "/app/s.json") + "\n")


def test_wrapped_code_saves_and_loads_in_the_guest(root):
    a = create_sandbox(workspace_root=root)
    r = a.execute(wrap_stateful_code(
        "import datetime\nname = 'é ☕ 日本'\nnums = (1, 2)\nraw = b'hi'\nwhen = datetime.date(2025, 1, 2)\n"
        "tags = {'x'}\n_private = 5\ndef f(): pass\n"))
    assert r.success, r.stderr
    state = json.loads(read_session_file(a.session_id, ".session_state.json", workspace_root=root))
    assert state["name"] == "é ☕ 日本" and state["nums"] == [1, 2] and state["raw"] == "b64:aGk="
    assert state["when"] == "2025-01-02" and state["tags"] == ["x"]
    assert "_private" not in state and "f" not in state
    # A different session given the same file content loads it back into globals().
    b = create_sandbox(workspace_root=root)
    b.execute("open('/app/.session_state.json', 'w').write(%r)" % json.dumps(state))
    fresh = create_sandbox(session_id=b.session_id, workspace_root=root)
    assert fresh.execute(load_state_code() + "print(name, nums)").stdout == "é ☕ 日本 [1, 2]\n"


def test_save_failure_warns_and_writes_empty_state(root):
    sb = create_sandbox(workspace_root=root)
    r = sb.execute(save_state_code("{'k': {(1, 2): 'tuple key'}}"))
    assert r.success and "Warning: State persistence failed" in r.stderr
    assert read_session_file(sb.session_id, ".session_state.json", workspace_root=root) == b"{}"


def test_create_state_helpers_in_the_guest(root):
    sb = create_sandbox(workspace_root=root)
    r = sb.execute(create_state_helpers() + "print(load_state())\nsave_state({'w': '日本'})\n"
                   "print(load_state()['w'])\nprint(load_state('/app/none.json', {'d': 1}))")
    assert r.stdout == "{}\n日本\n{'d': 1}\n", r.stderr
