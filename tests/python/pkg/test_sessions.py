"""tests/python/pkg/test_sessions.py - session ids and the session file API (SEED-SPEC 1.7-1.9, 3.5)."""
import time
import uuid

import pytest

from sandbox import (DiskStorageAdapter, PruneResult, SessionMetadata, StorageAdapter, StorageBackend,
                     create_sandbox, delete_session_path, delete_session_workspace, list_session_files,
                     prune_sessions, read_session_file, write_session_file)

TEXT = "é ☕ 日本"


@pytest.mark.parametrize("bad", ["a/b", "a\\b", "a..b", "..", "", "."])
def test_bad_session_ids_raise_value_error(root, bad):
    with pytest.raises(ValueError, match="Invalid session_id"):
        create_sandbox(session_id=bad, workspace_root=root)


def test_session_id_must_be_a_string(root):
    with pytest.raises(TypeError):
        create_sandbox(session_id=42, workspace_root=root)


def test_allow_non_uuid_false_requires_a_uuid(root):
    with pytest.raises(ValueError, match="UUID"):
        create_sandbox(session_id="my-session", allow_non_uuid=False, workspace_root=root)
    u = uuid.uuid4()
    sb = create_sandbox(session_id=str(u).upper(), allow_non_uuid=False, workspace_root=root)
    assert sb.session_id == str(u)


def test_custom_ids_are_fine_by_default(root):
    assert create_sandbox(session_id="agent_7-run", workspace_root=root).session_id == "agent_7-run"


def test_write_read_list_round_trip(root):
    sb = create_sandbox(workspace_root=root)
    sid = sb.session_id
    write_session_file(sid, "data.json", '{"k": "%s"}' % TEXT, workspace_root=root)
    write_session_file(sid, "sub/deep/b.json", b"[]", workspace_root=root)
    write_session_file(sid, "notes.txt", TEXT, workspace_root=root)
    assert read_session_file(sid, "data.json", workspace_root=root).decode() == '{"k": "%s"}' % TEXT
    assert list_session_files(sid, workspace_root=root) == ["data.json", "notes.txt", "sub/deep/b.json"]
    assert list_session_files(sid, workspace_root=root, pattern="*.json") == ["data.json", "sub/deep/b.json"]
    assert sb.execute("print(open('/app/notes.txt').read())").stdout == TEXT + "\n"


def test_guest_files_are_visible_to_the_host(root):
    sb = create_sandbox(workspace_root=root)
    sb.execute("open('/app/out.txt', 'w').write('from guest')")
    assert read_session_file(sb.session_id, "out.txt", workspace_root=root) == b"from guest"
    assert read_session_file(sb.session_id, "/app/out.txt", workspace_root=root) == b"from guest"


def test_write_creates_the_session(root):
    write_session_file("fresh-one", "a.txt", "x", workspace_root=root)
    assert list_session_files("fresh-one", workspace_root=root) == ["a.txt"]
    sb = create_sandbox(session_id="fresh-one", workspace_root=root)
    assert sb.execute("print(open('/app/a.txt').read())").stdout == "x\n"


def test_overwrite_false_refuses_existing_file_even_empty(root):
    write_session_file("s1", "a.txt", "", workspace_root=root)
    with pytest.raises(FileExistsError, match="already exists.*overwrite=True"):
        write_session_file("s1", "a.txt", "new", workspace_root=root, overwrite=False)
    write_session_file("s1", "a.txt", "new", workspace_root=root)
    assert read_session_file("s1", "a.txt", workspace_root=root) == b"new"


@pytest.mark.parametrize("bad", ["../escape.txt", "/etc/passwd", "a/../../b"])
def test_paths_escaping_the_workspace_raise_value_error(root, bad):
    write_session_file("s2", "a.txt", "x", workspace_root=root)
    with pytest.raises(ValueError):
        read_session_file("s2", bad, workspace_root=root)
    with pytest.raises(ValueError):
        write_session_file("s2", bad, "x", workspace_root=root)


def test_read_errors(root):
    write_session_file("s3", "dir/a.txt", "x", workspace_root=root)
    with pytest.raises(FileNotFoundError):
        read_session_file("s3", "missing.txt", workspace_root=root)
    with pytest.raises(IsADirectoryError):
        read_session_file("s3", "dir", workspace_root=root)
    with pytest.raises(FileNotFoundError):
        read_session_file("no-such-session", "a.txt", workspace_root=root)


def test_bad_ids_in_file_functions(root):
    for fn in (lambda: read_session_file("a/b", "x", workspace_root=root),
               lambda: list_session_files("..", workspace_root=root),
               lambda: delete_session_workspace("a\\b", workspace_root=root)):
        with pytest.raises(ValueError, match="must not contain path separators"):
            fn()


def test_list_missing_session_is_empty(root):
    assert list_session_files("nobody", workspace_root=root) == []
    root.mkdir()
    assert list_session_files("nobody", workspace_root=root) == []


def test_delete_session_path(root):
    write_session_file("s4", "d/a.txt", "x", workspace_root=root)
    write_session_file("s4", "b.txt", "x", workspace_root=root)
    delete_session_path("s4", "b.txt", workspace_root=root)
    with pytest.raises(ValueError, match="Cannot delete directory 'd' without recursive=True"):
        delete_session_path("s4", "d", workspace_root=root)
    delete_session_path("s4", "d", workspace_root=root, recursive=True)
    assert list_session_files("s4", workspace_root=root) == []
    with pytest.raises(FileNotFoundError):
        delete_session_path("s4", "b.txt", workspace_root=root)


def test_delete_session_workspace_is_idempotent(root):
    sb = create_sandbox(workspace_root=root)
    ws = sb.workspace
    assert ws.is_dir()
    delete_session_workspace(sb.session_id, workspace_root=root)
    assert not ws.exists()
    delete_session_workspace(sb.session_id, workspace_root=root)


def test_execute_after_workspace_deleted_starts_afresh(root):
    sb = create_sandbox(workspace_root=root)
    sb.execute("open('/app/a', 'w').write('1')")
    delete_session_workspace(sb.session_id, workspace_root=root)
    r = sb.execute("import os; print(os.listdir('/app'))")
    assert r.success and r.stdout == "[]\n"


def test_storage_adapter_argument(root):
    adapter = DiskStorageAdapter(root)
    assert root.is_dir() and adapter.backend is StorageBackend.DISK
    sb = create_sandbox(storage_adapter=adapter, workspace_root="ignored-root")
    assert sb.workspace_root == root.resolve()
    write_session_file(sb.session_id, "f.txt", TEXT, storage_adapter=adapter)
    assert adapter.read_file(sb.session_id, "f.txt").decode() == TEXT
    assert adapter.session_exists(sb.session_id) and not adapter.session_exists("other")
    assert sb.session_id in adapter.enumerate_sessions()
    md = adapter.read_metadata(sb.session_id)
    assert md.session_id == sb.session_id and md.version == 1 and md.created_at.endswith("+00:00")


def test_adapter_that_is_not_a_disk_adapter_is_refused(root):
    """A StorageAdapter that would hold workspaces itself cannot back a sandbox (/app is a real
    folder); a DiskStorageAdapter subclass keeping the records is the way (test_storage_adapter.py)."""
    class Mine(StorageAdapter):
        session_exists = write_file = read_file = list_files = delete_path = None
        delete_session = enumerate_sessions = read_metadata = None
        create_session = write_metadata = update_session_timestamp = copy_vendor_packages = None
        get_workspace_snapshot = get_session_size = None

    with pytest.raises(NotImplementedError, match="storage adapter"):
        create_sandbox(storage_adapter=Mine(), workspace_root=root)


def test_session_metadata_dict_round_trip():
    md = SessionMetadata("s", "2025-11-22T10:00:00.123456+00:00", "2025-11-22T10:00:01+00:00")
    assert SessionMetadata.from_dict(md.to_dict()) == md and md.to_dict()["version"] == 1
    with pytest.raises(KeyError):
        SessionMetadata.from_dict({"session_id": "s"})


def test_prune_deletes_old_sessions_and_reports(root):
    write_session_file("old-one", "big.bin", b"x" * 3000, workspace_root=root)
    (root / "legacy-dir").mkdir()
    time.sleep(1.2)
    dry = prune_sessions(older_than_hours=0.0001, workspace_root=root, dry_run=True)
    assert dry.dry_run and dry.deleted_sessions == ["old-one"] and dry.reclaimed_bytes == 0
    assert str(dry).startswith("Would prune 1 sessions")
    assert list_session_files("old-one", workspace_root=root) == ["big.bin"]
    res = prune_sessions(older_than_hours=0.0001, workspace_root=root)
    assert isinstance(res, PruneResult) and res.deleted_sessions == ["old-one"]
    assert "legacy-dir" in res.skipped_sessions and res.errors == {}
    assert res.reclaimed_bytes >= 3000
    assert str(res).startswith("Pruned 1 sessions (1 skipped), reclaimed ")
    assert list_session_files("old-one", workspace_root=root) == []


def test_prune_keeps_recent_sessions(root):
    write_session_file("new-one", "a.txt", "x", workspace_root=root)
    res = prune_sessions(workspace_root=root)
    assert res.deleted_sessions == [] and str(res) == "Pruned 0 sessions, reclaimed 0 B"


def test_prune_missing_root_and_bad_age(root):
    assert prune_sessions(workspace_root=root).deleted_sessions == []
    with pytest.raises(ValueError):
        prune_sessions(older_than_hours=-1, workspace_root=root)


def test_prune_result_summary_format():
    assert str(PruneResult(["a", "b"], [], 1536, {}, False)) == "Pruned 2 sessions, reclaimed 1.5 KB"
    assert str(PruneResult([], ["x"], 0, {"e": "boom"}, True)) == \
        "Would prune 0 sessions (1 skipped, 1 error), reclaimed 0 B"
    assert str(PruneResult([], [], 5 * 1024 ** 3, {"a": "1", "b": "2"}, False)) == \
        "Pruned 0 sessions (2 errors), reclaimed 5.0 GB"
    assert str(PruneResult([], [], 3 * 1024 ** 2, {}, False)).endswith("reclaimed 3.0 MB")
