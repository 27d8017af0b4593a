"""tests/python/pkg/test_storage_adapter.py - a storage adapter subclassed in Python keeps the records."""
import json
import threading

import pytest

from sandbox import (DiskStorageAdapter, SandboxExecutionError, create_sandbox, delete_session_workspace, list_session_files,
                     prune_sessions, write_session_file)


class DictRecords(DiskStorageAdapter):
    """Records in a dict (think: a database), workspaces on disk."""

    def __init__(self, root):
        super().__init__(root)
        self.records, self.calls, self.lock = {}, [], threading.Lock()

    def put_record(self, session_id, text):
        with self.lock:
            self.calls.append(("put", session_id))
            self.records[session_id] = text

    def get_record(self, session_id):
        with self.lock:
            self.calls.append(("get", session_id))
            return self.records.get(session_id)

    def list_records(self):
        with self.lock:
            self.calls.append(("list", None))
            return list(self.records)

    def remove_record(self, session_id):
        with self.lock:
            self.calls.append(("remove", session_id))
            self.records.pop(session_id, None)


def test_records_are_kept_by_the_python_adapter(root):
    store = DictRecords(root)
    sb = create_sandbox(storage_adapter=store, auto_persist_globals=True)
    assert sb.session_id in store.records
    rec = json.loads(store.records[sb.session_id])
    assert rec["runtime"] == "python" and rec["auto_persist_globals"] is True and rec["id"] == sb.session_id
    assert not (root / sb.session_id / "session.json").exists()
    assert sb.execute("x = 'é ☕ 日本'").success
    assert sb.execute("print(x)").stdout == "é ☕ 日本\n"
    again = create_sandbox(storage_adapter=store, session_id=sb.session_id)
    assert ("get", sb.session_id) in store.calls and again.session_id == sb.session_id
    write_session_file(sb.session_id, "a.txt", "x", storage_adapter=store)
    assert list_session_files(sb.session_id, storage_adapter=store) == ["a.txt"]
    delete_session_workspace(sb.session_id, storage_adapter=store)
    assert sb.session_id not in store.records and ("remove", sb.session_id) in store.calls


def test_prune_lists_through_the_adapter(root):
    store = DictRecords(root)
    write_session_file("rec-1", "a.txt", "x", storage_adapter=store)
    res = prune_sessions(older_than_hours=1000, storage_adapter=store)
    assert ("list", None) in store.calls and res.deleted_sessions == []


def test_a_damaged_record_in_a_python_store_is_an_error(root):
    store = DictRecords(root)
    store.records["ghost"] = "not json"
    sb = create_sandbox(storage_adapter=store, session_id="ghost")
    with pytest.raises(SandboxExecutionError, match="record of session 'ghost' is unusable"):
        sb.execute("print(1)")


def test_adapter_failures_are_errors_with_its_message(root):
    class Broken(DictRecords):
        def put_record(self, session_id, text):
            raise RuntimeError("database is down ☕")

    with pytest.raises(OSError, match="database is down ☕"):
        create_sandbox(storage_adapter=Broken(root))


def test_partial_record_methods_are_refused(root):
    class Half(DiskStorageAdapter):
        def put_record(self, session_id, text):
            pass

    with pytest.raises(TypeError, match="must override put_record, get_record"):
        create_sandbox(storage_adapter=Half(root))


def test_threads_with_a_python_adapter(root):
    store = DictRecords(root)
    boxes = [create_sandbox(storage_adapter=store) for _ in range(3)]
    out = {}

    def work(i):
        out[i] = boxes[i].execute(f"print({i} * 7)").stdout

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert out == {0: "0\n", 1: "7\n", 2: "14\n"}
    assert all(b.session_id in store.records for b in boxes)


def test_the_rest_of_the_original_adapter_interface(root, tmp_path):
    """create_session, write_metadata/read_metadata, update_session_timestamp,
    copy_vendor_packages, get_workspace_snapshot, get_session_size and
    detect_file_changes (SEED-SPEC 1.8) on the disk adapter."""
    from sandbox import SessionMetadata, StorageAdapter
    adapter = DiskStorageAdapter(root)
    adapter.create_session("plain-id_1")
    adapter.create_session("plain-id_1")  # an existing one is kept
    assert adapter.session_exists("plain-id_1")
    with pytest.raises(ValueError, match="only letters, digits"):
        adapter.create_session("café")
    adapter.write_metadata("old", SessionMetadata("old", "2020-01-01T00:00:00+00:00", "2020-01-02T00:00:00"))
    md = adapter.read_metadata("old")
    assert md.created_at.startswith("2020-01-01T00:00:00") and md.updated_at.startswith("2020-01-02T00:00:00")
    result = prune_sessions(older_than_hours=24, storage_adapter=adapter, dry_run=True)
    assert result.deleted_sessions == ["old"]  # aged by write_metadata
    adapter.update_session_timestamp("old")
    assert prune_sessions(older_than_hours=24, storage_adapter=adapter, dry_run=True).deleted_sessions == []
    adapter.update_session_timestamp("no-such-session")  # nothing, as the original
    with pytest.raises(ValueError, match="updated_at"):
        adapter.write_metadata("old", SessionMetadata("old", "2020-01-01T00:00:00", "yesterday"))
    vendor = tmp_path / "vendor"
    (vendor / "pkg").mkdir(parents=True)
    (vendor / "pkg" / "__init__.py").write_text("NAME = 'vendored ☕'\n", encoding="utf-8")
    before = adapter.get_workspace_snapshot("old")
    adapter.copy_vendor_packages("old", vendor)
    adapter.write_file("old", "notes.txt", "é".encode())
    after = adapter.get_workspace_snapshot("old")
    assert adapter.detect_file_changes("old", before, after) == (["notes.txt", "site-packages/pkg/__init__.py"], [])
    assert adapter.get_session_size("old") == len("NAME = 'vendored ☕'\n".encode()) + 2
    assert adapter.get_workspace_snapshot("nobody") == {} and adapter.get_session_size("nobody") == 0
    changed = dict(after, **{"notes.txt": after["notes.txt"] + 1})
    assert adapter.detect_file_changes("old", after, changed) == ([], ["notes.txt"])
    abstract = {n for n in dir(StorageAdapter) if getattr(getattr(StorageAdapter, n), "__isabstractmethod__", False)}
    assert {"create_session", "write_metadata", "update_session_timestamp", "copy_vendor_packages",
            "get_workspace_snapshot", "get_session_size"} <= abstract
