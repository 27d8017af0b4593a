"""tests/python/pkg/test_logging.py - SandboxLogger's structured events (SEED-SPEC 1.10)."""
import logging

from sandbox import (SandboxLogger, create_sandbox, prune_sessions, read_session_file, write_session_file)


def _events(caplog):
    return [(r.event, r.fields, r.levelno) for r in caplog.records if hasattr(r, "event")]


def test_execution_events(root, caplog):
    caplog.set_level(logging.INFO, logger="sandbox")
    sb = create_sandbox(workspace_root=root)
    sb.execute("open('/app/é.txt', 'w').write('☕')\nprint('日本')")
    ev = _events(caplog)
    names = [e[0] for e in ev]
    assert names == ["session.created", "execution.start", "execution.complete"]
    start, done = ev[1][1], ev[2][1]
    assert start["runtime"] == "python" and start["inject_setup"] is True
    assert start["policy"]["fuel_budget"] == 5_000_000_000 and start["session_id"] == sb.session_id
    assert done["success"] is True and done["stdout_bytes"] == len("日本\n".encode())
    assert done["files_created"] == ["é.txt"] and done["files_created_count"] == 1
    assert "日本" not in caplog.text  # output itself is not logged
    create_sandbox(session_id=sb.session_id, workspace_root=root)
    assert _events(caplog)[-1][0] == "session.retrieved"


def test_javascript_start_has_no_inject_setup(root, caplog):
    caplog.set_level(logging.INFO, logger="sandbox")
    create_sandbox(runtime="javascript", workspace_root=root).execute("console.log(1)")
    start = [f for e, f, _ in _events(caplog) if e == "execution.start"][0]
    assert start["runtime"] == "javascript" and "inject_setup" not in start


def test_named_logger_and_long_paths_truncated(root, caplog):
    caplog.set_level(logging.INFO, logger="my.app")
    sb = create_sandbox(workspace_root=root, logger="my.app")
    name = "n" * 200
    sb.execute(f"open('/app/{name}', 'w').write('x')")
    done = [f for e, f, _ in _events(caplog) if e == "execution.complete"][0]
    assert len(done["files_created"][0]) == 140 and done["files_created"][0].endswith("...[truncated]")
    assert all(r.name == "my.app" for r in caplog.records if hasattr(r, "event"))


def test_structlog_like_logger_gets_keyword_fields(root):
    calls = []

    class Fake:
        def info(self, event, **kw):
            calls.append((event, kw))

        def warning(self, event, **kw):
            calls.append((event, kw))

    create_sandbox(workspace_root=root, logger=Fake()).execute("print(1)")
    assert [c[0] for c in calls] == ["session.created", "execution.start", "execution.complete"]
    assert calls[2][1]["exit_code"] == 0


def test_session_file_and_prune_events(root, caplog):
    caplog.set_level(logging.INFO, logger="sandbox")
    log = SandboxLogger()
    write_session_file("s1", "a.txt", "é", workspace_root=root, logger=log)
    read_session_file("s1", "a.txt", workspace_root=root, logger=log)
    (root / "legacy").mkdir()
    prune_sessions(workspace_root=root, logger=log)
    ev = _events(caplog)
    assert ("session.file.write", {"session_id": "s1", "path": "a.txt", "file_size": 2}, logging.INFO) in ev
    assert ("session.file.read", {"session_id": "s1", "path": "a.txt", "file_size": 2}, logging.INFO) in ev
    names = [e[0] for e in ev]
    assert names[-3:] == ["session.prune.started", "session.prune.skipped", "session.prune.completed"]
    assert ev[-2][2] == logging.WARNING and ev[-2][1]["session_id"] == "legacy"
