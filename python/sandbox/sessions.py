"""sandbox.sessions - the host-side session file API and pruning (SEED-SPEC 1.9, 3.5).

Paths are relative to the session's workspace (the guest's /app; "/app/x"
also works). They are confined by libllmsandbox exactly like the guest's
own file access: absolute paths elsewhere, ".." escapes and symlinks
leading out are refused with ValueError.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from . import _calls, _lib
from .logging import as_sandbox_logger
from .storage import DiskStorageAdapter, StorageAdapter, _disk_id

PathLike = Union[str, Path]


def _root(workspace_root: Optional[PathLike], storage_adapter: Optional[StorageAdapter]) -> Path:
    """The sessions root named by the arguments (default ./workspace, resolved)."""
    if storage_adapter is not None:
        if not isinstance(storage_adapter, DiskStorageAdapter):
            raise NotImplementedError(
                "Only DiskStorageAdapter and its subclasses are supported: a storage adapter keeps session "
                "records (put_record, get_record, list_records, remove_record); workspaces are folders on disk")
        return storage_adapter.workspace_root
    return Path(workspace_root if workspace_root is not None else "workspace").resolve()


def _handle(workspace_root: Optional[PathLike], storage_adapter: Optional[StorageAdapter],
            create: bool) -> Optional[int]:
    """The library handle for the arguments' root; None when it does not exist and create is False."""
    root = _root(workspace_root, storage_adapter)
    if not root.is_dir():
        if not create:
            return None
        root.mkdir(parents=True, exist_ok=True)
    if isinstance(storage_adapter, DiskStorageAdapter):
        return storage_adapter.handle()
    return _lib.sandbox_for(root)


def _rel(relative_path: Any) -> str:
    if isinstance(relative_path, Path):
        relative_path = relative_path.as_posix()
    if not isinstance(relative_path, str) or not relative_path:
        raise ValueError(f"Invalid path {relative_path!r}: must be a non-empty relative path")
    return relative_path


def list_session_files(session_id: str, workspace_root: Optional[PathLike] = None,
                       storage_adapter: Optional[StorageAdapter] = None, pattern: Optional[str] = None,
                       logger: Any = None) -> List[str]:
    """Files of the session's workspace matching pattern at any depth (rglob), sorted.

    A missing session gives []. Our bookkeeping (/app/.lsb) is not listed.
    """
    sid = _disk_id(session_id)
    h = _handle(workspace_root, storage_adapter, create=False)
    if h is None:
        return []
    files = _calls.file_glob(h, sid, pattern) or []
    as_sandbox_logger(logger).log_session("file.list", sid, pattern=pattern or "*", file_count=len(files))
    return files


def read_session_file(session_id: str, relative_path: PathLike, workspace_root: Optional[PathLike] = None,
                      storage_adapter: Optional[StorageAdapter] = None, logger: Any = None) -> bytes:
    """The bytes of a workspace file. FileNotFoundError, IsADirectoryError, ValueError (escape)."""
    sid, rel = _disk_id(session_id), _rel(relative_path)
    h = _handle(workspace_root, storage_adapter, create=False)
    if h is None:
        raise FileNotFoundError(f"Session '{sid}' not found (no such workspace root)")
    data = _calls.file_read(h, sid, rel)
    as_sandbox_logger(logger).log_session("file.read", sid, path=rel, file_size=len(data))
    return data


def write_session_file(session_id: str, relative_path: PathLike, data: Union[bytes, str],
                       workspace_root: Optional[PathLike] = None, storage_adapter: Optional[StorageAdapter] = None,
                       overwrite: bool = True, logger: Any = None) -> None:
    """Write a workspace file (str is encoded UTF-8), creating parent folders and the session.

    overwrite=False refuses any existing file, even an empty one, with FileExistsError.
    """
    sid, rel = _disk_id(session_id), _rel(relative_path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes or str, got {type(data).__name__}")
    data = bytes(data)
    h = _handle(workspace_root, storage_adapter, create=True)
    assert h is not None
    if _calls.file_write(h, sid, rel, data, overwrite) == _lib.ERR_NO_SESSION:
        _calls.check_session_id(sid)
        _calls.session_create(h, _lib.LANG_PYTHON, sid, False, None)
        _calls.file_write(h, sid, rel, data, overwrite)
    as_sandbox_logger(logger).log_session("file.write", sid, path=rel, file_size=len(data))


def delete_session_path(session_id: str, relative_path: PathLike, workspace_root: Optional[PathLike] = None,
                        storage_adapter: Optional[StorageAdapter] = None, recursive: bool = False,
                        logger: Any = None) -> None:
    """Delete a file, or a folder with recursive=True (ValueError without it).

    The workspace itself cannot be deleted this way (use delete_session_workspace).
    """
    sid, rel = _disk_id(session_id), _rel(relative_path)
    h = _handle(workspace_root, storage_adapter, create=False)
    if h is None:
        raise FileNotFoundError(f"Session '{sid}' not found (no such workspace root)")
    _calls.file_delete(h, sid, rel, recursive)
    as_sandbox_logger(logger).log_session("file.delete", sid, path=rel, recursive=recursive)


def delete_session_workspace(session_id: str, workspace_root: Optional[PathLike] = None,
                             storage_adapter: Optional[StorageAdapter] = None, logger: Any = None) -> None:
    """Delete the session, its workspace and its record; a missing session is fine."""
    sid = _disk_id(session_id)
    h = _handle(workspace_root, storage_adapter, create=False)
    if h is not None and _calls.session_destroy(h, sid):
        as_sandbox_logger(logger).log_session("deleted", sid)


def _size(n: int) -> str:
    """The original's size text: "<n> B", else "%.1f KB|MB|GB" (1024-based)."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KB", "MB", "GB"):
        value /= 1024.0
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


@dataclass
class PruneResult:
    """What prune_sessions did (or, with dry_run, would do)."""

    deleted_sessions: List[str] = field(default_factory=list)
    skipped_sessions: List[str] = field(default_factory=list)
    reclaimed_bytes: int = 0
    errors: Dict[str, str] = field(default_factory=dict)
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "Would prune" if self.dry_run else "Pruned"
        parts = []
        if self.skipped_sessions:
            parts.append(f"{len(self.skipped_sessions)} skipped")
        if self.errors:
            parts.append(f"{len(self.errors)} error" + ("" if len(self.errors) == 1 else "s"))
        detail = f" ({', '.join(parts)})" if parts else ""
        return f"{verb} {len(self.deleted_sessions)} sessions{detail}, reclaimed {_size(self.reclaimed_bytes)}"


def prune_sessions(older_than_hours: float = 24.0, workspace_root: Optional[PathLike] = None,
                   storage_adapter: Optional[StorageAdapter] = None, dry_run: bool = False,
                   logger: Any = None) -> PruneResult:
    """Delete sessions last used more than older_than_hours ago (dry_run: only list them).

    Sessions without a record (e.g. folders made by hand) and sessions live
    in this process are skipped, never deleted.
    """
    if isinstance(older_than_hours, bool) or not isinstance(older_than_hours, (int, float)) or older_than_hours < 0:
        raise ValueError(f"older_than_hours must be a number >= 0, got {older_than_hours!r}")
    h = _handle(workspace_root, storage_adapter, create=False)
    if h is None:
        return PruneResult(dry_run=dry_run)
    log = as_sandbox_logger(logger)
    log.emit(logging.INFO, "session.prune.started", older_than_hours=older_than_hours, dry_run=bool(dry_run))
    data = _calls.session_prune(h, int(older_than_hours * 3600), bool(dry_run))
    result = PruneResult(deleted_sessions=list(data["deleted_sessions"]),
                         skipped_sessions=list(data["skipped_sessions"]),
                         reclaimed_bytes=int(data["reclaimed_bytes"]), errors=dict(data["errors"]),
                         dry_run=bool(data["dry_run"]))
    for sid in result.deleted_sessions:
        log.log_session("prune.deleted", sid, dry_run=result.dry_run)
    for sid in result.skipped_sessions:
        log.log_session("prune.skipped", sid, reason=data.get("skipped_reasons", {}).get(sid, ""))
    for sid, message in result.errors.items():
        log.log_session("prune.error", sid, error=message)
    log.emit(logging.INFO, "session.prune.completed", deleted_count=len(result.deleted_sessions),
             skipped_count=len(result.skipped_sessions), error_count=len(result.errors),
             reclaimed_bytes=result.reclaimed_bytes, dry_run=result.dry_run)
    return result


__all__ = ["list_session_files", "read_session_file", "write_session_file", "delete_session_path",
           "delete_session_workspace", "prune_sessions", "PruneResult"]
