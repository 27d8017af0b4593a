"""storage_adapter.py - a storage adapter written in Python keeps the session records.

    build/venv/bin/python python/examples/storage_adapter.py
Here the records live in an SQLite database; the workspaces stay folders on
disk under ./workspace (the guest's /app is a real directory).
"""
import sqlite3
import threading

from sandbox import DiskStorageAdapter, RuntimeType, create_sandbox


class SQLiteRecords(DiskStorageAdapter):
    """Session records in SQLite."""

    def __init__(self, workspace_root="workspace", db=":memory:"):
        super().__init__(workspace_root)
        self.db = sqlite3.connect(db, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, body TEXT)")
        self.lock = threading.Lock()

    def put_record(self, session_id, text):
        with self.lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO records VALUES (?, ?)", (session_id, text))

    def get_record(self, session_id):
        with self.lock:
            row = self.db.execute("SELECT body FROM records WHERE id = ?", (session_id,)).fetchone()
        return row[0] if row else None

    def list_records(self):
        with self.lock:
            return [r[0] for r in self.db.execute("SELECT id FROM records")]

    def remove_record(self, session_id):
        with self.lock, self.db:
            self.db.execute("DELETE FROM records WHERE id = ?", (session_id,))


storage = SQLiteRecords()
sandbox = create_sandbox(runtime=RuntimeType.PYTHON, storage_adapter=storage)
print(sandbox.execute("print('stored in SQLite')").stdout, end="")
print("records:", storage.list_records() == [sandbox.session_id])  # records: True
