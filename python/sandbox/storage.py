"""sandbox.storage - StorageBackend, StorageAdapter, DiskStorageAdapter, SessionMetadata.

Sessions are kept by libllmsandbox under a sessions root (the original's
workspace_root): <root>/<id>/workspace/ is the guest's /app and the record
sits beside it, outside the guest's reach. DiskStorageAdapter names that
root; its methods go through the library. A DiskStorageAdapter subclass
that overrides the four record methods keeps the records itself: the
library calls them through its lsb_storage vtable. Other StorageAdapter
subclasses (which would have to hold workspaces too) are refused by
create_sandbox with NotImplementedError: the guest's /app is a real folder.
"""
from __future__ import annotations

import abc
import datetime as _dt
import enum
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

METADATA_FILENAME = ".metadata.json"
SITE_PACKAGES_DIR = "site-packages"
PYTHON_CODE_FILENAME = "user_code.py"
JAVASCRIPT_CODE_FILENAME = "user_code.js"


class StorageBackend(str, enum.Enum):
    """Kinds of storage backends (the original named four, implemented disk)."""

    DISK = "disk"
    MEMORY = "memory"
    S3 = "s3"
    REDIS = "redis"


def _iso(ts: float) -> str:
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).isoformat()


@dataclass
class SessionMetadata:
    """A session's record: ISO-8601 UTC created_at / updated_at, version 1."""

    session_id: str
    created_at: str
    updated_at: str
    version: int = 1

    def to_dict(self) -> Dict[str, Any]:
        """The metadata as a dict."""
        return {"session_id": self.session_id, "created_at": self.created_at,
                "updated_at": self.updated_at, "version": self.version}

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "SessionMetadata":
        """Build from a dict; KeyError when a key is missing (as the original)."""
        return cls(session_id=data["session_id"], created_at=data["created_at"],
                   updated_at=data["updated_at"], version=data.get("version", 1))

    @classmethod
    def from_info(cls, info: Dict[str, Any]) -> "SessionMetadata":
        """Build from lsb_session_info_to_json's object (Unix times → ISO-8601 UTC)."""
        return cls(session_id=info["id"], created_at=_iso(info.get("created_at") or 0.0),
                   updated_at=_iso(info.get("last_used_at") or 0.0))


class StorageAdapter(abc.ABC):
    """Where sessions are kept (the original's interface, SEED-SPEC 1.8)."""

    METADATA_FILENAME = METADATA_FILENAME
    SITE_PACKAGES_DIR = SITE_PACKAGES_DIR
    PYTHON_CODE_FILENAME = PYTHON_CODE_FILENAME
    JAVASCRIPT_CODE_FILENAME = JAVASCRIPT_CODE_FILENAME

    @abc.abstractmethod
    def session_exists(self, session_id: str) -> bool:
        """Whether the session exists."""

    @abc.abstractmethod
    def write_file(self, session_id: str, relative_path: str, data: bytes) -> None:
        """Write a file of the session's workspace."""

    @abc.abstractmethod
    def read_file(self, session_id: str, relative_path: str) -> bytes:
        """Read a file of the session's workspace."""

    @abc.abstractmethod
    def list_files(self, session_id: str, pattern: str = "*") -> List[str]:
        """Files of the workspace matching pattern at any depth."""

    @abc.abstractmethod
    def delete_path(self, session_id: str, relative_path: str, recursive: bool = True) -> None:
        """Delete a file, or a folder when recursive."""

    @abc.abstractmethod
    def delete_session(self, session_id: str) -> None:
        """Delete the session and its workspace."""

    @abc.abstractmethod
    def enumerate_sessions(self) -> List[str]:
        """Every session id, sorted."""

    @abc.abstractmethod
    def read_metadata(self, session_id: str) -> SessionMetadata:
        """The session's record."""

    @abc.abstractmethod
    def create_session(self, session_id: str) -> None:
        """Create the session (its workspace and record); an existing one is kept."""

    @abc.abstractmethod
    def write_metadata(self, session_id: str, metadata: SessionMetadata) -> None:
        """Store the session's record (its created_at and updated_at)."""

    @abc.abstractmethod
    def update_session_timestamp(self, session_id: str) -> None:
        """Mark the session used now; nothing when it has no record."""

    @abc.abstractmethod
    def copy_vendor_packages(self, session_id: str, vendor_path: Union[str, Path]) -> None:
        """Copy a folder of packages into the workspace's site-packages/."""

    @abc.abstractmethod
    def get_workspace_snapshot(self, session_id: str) -> Dict[str, float]:
        """{relative path: modification time} of every file in the workspace."""

    @abc.abstractmethod
    def get_session_size(self, session_id: str) -> int:
        """Bytes of the workspace's files."""

    def detect_file_changes(self, session_id: str, before: Dict[str, float],
                            after: Dict[str, float]) -> Tuple[List[str], List[str]]:
        """(created, modified) between two snapshots, each sorted."""
        created = sorted(set(after) - set(before))
        modified = sorted(p for p in set(after) & set(before) if after[p] != before[p])
        return created, modified


class DiskStorageAdapter(StorageAdapter):
    """Sessions on disk under workspace_root (created at construction)."""

    backend = StorageBackend.DISK

    def __init__(self, workspace_root: Union[str, Path] = Path("workspace")) -> None:
        self.workspace_root = Path(workspace_root).resolve()
        self.workspace_root.mkdir(parents=True, exist_ok=True)

    # Session records. By default libllmsandbox keeps them on disk beside each
    # workspace (<root>/<id>/session.json, outside the guest's /app). A subclass
    # that overrides these four methods keeps them itself: the library calls
    # them (through its lsb_storage vtable) whenever it stores, reads, lists or
    # deletes a record. They must not call back into the sandbox API.

    def put_record(self, session_id: str, text: str) -> None:
        """Store the record (JSON text) of a session, replacing any previous one."""
        raise NotImplementedError

    def get_record(self, session_id: str) -> Optional[str]:
        """The record stored for session_id, or None when there is none."""
        raise NotImplementedError

    def list_records(self) -> List[str]:
        """The ids of every stored record."""
        raise NotImplementedError

    def remove_record(self, session_id: str) -> None:
        """Delete a record (no error when there is none)."""
        raise NotImplementedError

    def keeps_records(self) -> bool:
        """Whether this adapter overrides the record methods (then the library calls them)."""
        names = ("put_record", "get_record", "list_records", "remove_record")
        overridden = [getattr(type(self), n) is not getattr(DiskStorageAdapter, n) for n in names]
        if any(overridden) and not all(overridden):
            raise TypeError("A storage adapter that keeps session records must override put_record, "
                            "get_record, list_records and remove_record")
        return all(overridden)

    def handle(self) -> int:
        """The library's sandbox for this adapter's root (and records)."""
        from . import _lib
        return _lib.sandbox_for(self.workspace_root, self if self.keeps_records() else None)

    def _handle(self) -> int:
        return self.handle()

    def session_exists(self, session_id: str) -> bool:
        """Whether a session of that id exists under the root."""
        from . import _calls
        return _calls.session_info(self._handle(), _disk_id(session_id)) is not None

    def write_file(self, session_id: str, relative_path: str, data: bytes) -> None:
        """Write a file (see write_session_file)."""
        from .sessions import write_session_file
        write_session_file(session_id, relative_path, data, storage_adapter=self)

    def read_file(self, session_id: str, relative_path: str) -> bytes:
        """Read a file (see read_session_file)."""
        from .sessions import read_session_file
        return read_session_file(session_id, relative_path, storage_adapter=self)

    def list_files(self, session_id: str, pattern: str = "*") -> List[str]:
        """List files (see list_session_files)."""
        from .sessions import list_session_files
        return list_session_files(session_id, storage_adapter=self, pattern=pattern)

    def delete_path(self, session_id: str, relative_path: str, recursive: bool = True) -> None:
        """Delete a path (see delete_session_path)."""
        from .sessions import delete_session_path
        delete_session_path(session_id, relative_path, storage_adapter=self, recursive=recursive)

    def delete_session(self, session_id: str) -> None:
        """Delete a session (see delete_session_workspace)."""
        from .sessions import delete_session_workspace
        delete_session_workspace(session_id, storage_adapter=self)

    def enumerate_sessions(self) -> List[str]:
        """Every session id under the root, sorted."""
        return sorted(p.name for p in self.workspace_root.iterdir() if p.is_dir())

    def read_metadata(self, session_id: str) -> SessionMetadata:
        """The session's record; FileNotFoundError when there is none."""
        from . import _calls
        info = _calls.session_info(self._handle(), _disk_id(session_id))
        if info is None:
            raise FileNotFoundError(f"No metadata for session '{session_id}'")
        return SessionMetadata.from_info(info)

    def create_session(self, session_id: str) -> None:
        """Create a (Python) session of that id; an existing one is kept."""
        from . import _calls, _lib
        sid = _calls.check_session_id(_disk_id(session_id))
        _calls.session_create(self._handle(), _lib.LANG_PYTHON, sid, False, None)

    def write_metadata(self, session_id: str, metadata: SessionMetadata) -> None:
        """Store created_at and updated_at (ISO-8601) in the session's record, creating the
        session first when needed; prune and the idle TTL then go by updated_at."""
        from . import _calls
        times = [_unix(metadata.created_at, "created_at"), _unix(metadata.updated_at, "updated_at")]
        self.create_session(session_id)
        _calls.session_set_times(self._handle(), _disk_id(session_id), *times)

    def update_session_timestamp(self, session_id: str) -> None:
        """Mark the session used now (nothing when there is no such session)."""
        from . import _calls
        _calls.session_set_times(self._handle(), _disk_id(session_id), -1.0, time.time())

    def copy_vendor_packages(self, session_id: str, vendor_path: Union[str, Path]) -> None:
        """Copy every file under vendor_path into the workspace's site-packages/ (within its quota;
        links are not followed). The sandbox already mounts its vendored packages at /data."""
        root = Path(vendor_path)
        if not root.is_dir():
            raise FileNotFoundError(f"Vendor path '{vendor_path}' is not a folder")
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                rel = path.relative_to(root).as_posix()
                self.write_file(session_id, f"{SITE_PACKAGES_DIR}/{rel}", path.read_bytes())

    def get_workspace_snapshot(self, session_id: str) -> Dict[str, float]:
        """{relative path: mtime} of the workspace's files (/app/.lsb left out); {} for no session."""
        from . import _calls
        found = _calls.file_entries(self._handle(), _disk_id(session_id), None) or []
        return {path: mtime for path, _, mtime in found}

    def get_session_size(self, session_id: str) -> int:
        """Bytes of the workspace's files (/app/.lsb left out); 0 for no session."""
        from . import _calls
        found = _calls.file_entries(self._handle(), _disk_id(session_id), None) or []
        return sum(size for _, size, _ in found)


def _unix(iso: str, field: str) -> float:
    """An ISO-8601 time as a Unix time (no zone: UTC); ValueError naming field otherwise."""
    try:
        when = _dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        raise ValueError(f"SessionMetadata.{field} is not an ISO-8601 time: {iso!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return when.timestamp()


def _disk_id(session_id: str) -> str:
    """The DiskStorageAdapter id rule of the original (SEED-SPEC 1.7)."""
    if not isinstance(session_id, str) or "/" in session_id or "\\" in session_id or session_id in ("", ".", ".."):
        raise ValueError(f"Invalid session_id '{session_id}': must not contain path separators")
    return session_id


__all__ = ["StorageBackend", "StorageAdapter", "DiskStorageAdapter", "SessionMetadata"]
