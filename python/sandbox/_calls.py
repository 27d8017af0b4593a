"""sandbox._calls - thin Python wrappers of the lsb_* calls the package makes.

Each wrapper converts arguments to C, makes one call, frees what the
library returned and turns a non-OK lsb_status into the exception type the
original API raised for that case (ValueError, FileNotFoundError, ...).
"""
from __future__ import annotations

import ctypes
import os
import uuid
from typing import Any, Callable, Dict, List, NoReturn, Optional

from . import _lib
from ._lib import ERRLEN, OK, errbuf, err_text

READ_MAX = (1 << 63) - 1


def check_session_id(session_id: Any, allow_non_uuid: bool = True) -> str:
    """Validate a session id by the original's rules (SEED-SPEC 1.7) and ours.

    Returns the id to use (a UUID normalised to lowercase). Raises ValueError
    saying why; TypeError when it is not a string.
    """
    if not isinstance(session_id, str):
        raise TypeError(f"session_id must be a string, got {type(session_id).__name__}")
    if not session_id:
        raise ValueError("Invalid session_id: must not be empty")
    seps = {"/", "\\", os.sep} | ({os.altsep} if os.altsep else set())
    if any(s in session_id for s in seps) or ".." in session_id or session_id == ".":
        raise ValueError(f"Invalid session_id '{session_id}': must not contain path separators or '..'")
    try:
        session_id = str(uuid.UUID(session_id)) if len(session_id) == 36 else session_id
    except ValueError:
        pass
    if not allow_non_uuid:
        try:
            session_id = str(uuid.UUID(session_id))
        except ValueError:
            raise ValueError(f"Invalid session_id '{session_id}': must be a UUID (allow_non_uuid=False)") from None
    err = errbuf()
    if _lib.lib().lsb_session_id_check(session_id.encode(), True, err, ERRLEN) != 0:
        raise ValueError(f"Invalid session_id '{session_id}': {err_text(err)}")
    return session_id


def raise_status(status: int, message: str, path: Optional[str] = None) -> NoReturn:
    """Raise the exception the original API raised for this kind of failure."""
    if status in (_lib.ERR_NOT_FOUND, _lib.ERR_NO_SESSION):
        raise FileNotFoundError(message)
    if status == _lib.ERR_EXISTS:
        raise FileExistsError(message)
    if status == _lib.ERR_INVALID and "is a directory" in message:
        raise IsADirectoryError(message)
    if status == _lib.ERR_INVALID:
        raise ValueError(message)
    if status == _lib.ERR_ASSETS:
        raise _lib.SandboxInstallationError(message)
    raise OSError(message)


def session_info(handle: int, session_id: str) -> Optional[Dict[str, Any]]:
    """lsb_session_info_to_json of a session, or None when there is no such session."""
    info = _lib.SessionInfo()
    err = errbuf()
    st = _lib.lib().lsb_session_info_get(handle, session_id.encode(), ctypes.byref(info), err, ERRLEN)
    if st == _lib.ERR_NO_SESSION:
        return None
    data = _lib.take_json(_lib.lib().lsb_session_info_to_json(ctypes.byref(info)))
    if st != OK and not info.damaged:
        raise_status(st, err_text(err))
    return data


def session_create(handle: int, language: int, session_id: Optional[str], auto_persist: bool,
                   policy: Optional["_lib.Policy"]) -> tuple:
    """Create a session; returns (id, created). An existing id is reused (created False)."""
    opts = _lib.SessionOptions(language=language, id=session_id.encode() if session_id else None,
                               allow_custom_id=True, auto_persist_globals=auto_persist,
                               policy=ctypes.pointer(policy) if policy is not None else None)
    out = ctypes.create_string_buffer(_lib.ID_MAX + 1)
    err = errbuf()
    st = _lib.lib().lsb_session_create(handle, ctypes.byref(opts), out, err, ERRLEN)
    if st == _lib.ERR_EXISTS and session_id:
        return session_id, False
    if st != OK:
        if st == _lib.ERR_INVALID:
            raise ValueError(f"Invalid session_id '{session_id}': {err_text(err)}")
        raise_status(st, err_text(err))
    return out.value.decode(), True


def file_write(handle: int, sid: str, path: str, data: bytes, overwrite: bool) -> int:
    """lsb_session_file_write_ex; returns the status (OK or ERR_NO_SESSION), raises otherwise."""
    err = errbuf()
    st = _lib.lib().lsb_session_file_write_ex(handle, sid.encode(), path.encode(), data, len(data),
                                              overwrite, err, ERRLEN)
    if st not in (OK, _lib.ERR_NO_SESSION):
        raise_status(st, err_text(err))
    return st


def file_read(handle: int, sid: str, path: str) -> bytes:
    """lsb_session_file_read of the whole file."""
    ptr, length, err = ctypes.c_void_p(), ctypes.c_size_t(), errbuf()
    st = _lib.lib().lsb_session_file_read(handle, sid.encode(), path.encode(), READ_MAX,
                                          ctypes.byref(ptr), ctypes.byref(length), err, ERRLEN)
    if st != OK:
        msg = err_text(err)
        if st == _lib.ERR_NO_SESSION:
            msg = f"Session '{sid}' not found (no such session workspace)"
        raise_status(st, msg)
    try:
        return ctypes.string_at(ptr.value, length.value) if length.value else b""
    finally:
        _lib._libc.free(ptr.value)


def file_entries(handle: int, sid: str, pattern: Optional[str]) -> Optional[List[tuple]]:
    """(path, size, mtime) of the workspace's files matching pattern at any depth (/app/.lsb left
    out); None for an unknown session."""
    entries, count, err = ctypes.POINTER(_lib.FileEntry)(), ctypes.c_size_t(), errbuf()
    st = _lib.lib().lsb_session_file_glob(handle, sid.encode(), None, pattern.encode() if pattern else None,
                                          False, ctypes.byref(entries), ctypes.byref(count), err, ERRLEN)
    if st in (_lib.ERR_NO_SESSION, _lib.ERR_NOT_FOUND):
        return None
    if st != OK:
        raise_status(st, err_text(err))
    try:
        return [(e.path.decode("utf-8", "replace"), e.size, e.mtime)
                for e in (entries[i] for i in range(count.value)) if not e.is_dir]
    finally:
        _lib.lib().lsb_file_list_free(entries, count.value)


def file_glob(handle: int, sid: str, pattern: Optional[str]) -> Optional[List[str]]:
    """Files of the workspace matching pattern at any depth; None for an unknown session."""
    found = file_entries(handle, sid, pattern)
    return None if found is None else [path for path, _, _ in found]


def session_set_times(handle: int, sid: str, created_at: float, last_used_at: float) -> bool:
    """lsb_session_set_times (a negative time is kept); False when there is no such session."""
    err = errbuf()
    st = _lib.lib().lsb_session_set_times(handle, sid.encode(), created_at, last_used_at, err, ERRLEN)
    if st == _lib.ERR_NO_SESSION:
        return False
    if st == _lib.ERR_INVALID:
        raise ValueError(err_text(err))
    if st != OK:
        raise_status(st, err_text(err))
    return True


def file_delete(handle: int, sid: str, path: str, recursive: bool) -> None:
    """lsb_session_file_delete."""
    err = errbuf()
    st = _lib.lib().lsb_session_file_delete(handle, sid.encode(), path.encode(), recursive, err, ERRLEN)
    if st == _lib.ERR_NO_SESSION:
        raise FileNotFoundError(f"Session '{sid}' not found (no such session workspace)")
    if st != OK:
        raise_status(st, err_text(err))


def session_destroy(handle: int, sid: str) -> bool:
    """lsb_session_destroy; False when there was no such session."""
    err = errbuf()
    st = _lib.lib().lsb_session_destroy(handle, sid.encode(), err, ERRLEN)
    if st == _lib.ERR_NO_SESSION:
        return False
    if st != OK:
        raise_status(st, err_text(err))
    return True


def session_prune(handle: int, older_than_s: int, dry_run: bool) -> Dict[str, Any]:
    """lsb_session_prune as the JSON of lsb_prune_report_to_json."""
    report, err = _lib.PruneReport(), errbuf()
    st = _lib.lib().lsb_session_prune(handle, older_than_s, dry_run, ctypes.byref(report), err, ERRLEN)
    if st != OK:
        raise_status(st, err_text(err))
    try:
        return _lib.take_json(_lib.lib().lsb_prune_report_to_json(ctypes.byref(report)))
    finally:
        _lib.lib().lsb_prune_report_free(ctypes.byref(report))


def call_execute(fn: Callable[..., int], *args: Any) -> Dict[str, Any]:
    """Run an lsb execute function; the result's JSON, or raise for a failed call."""
    res, err = _lib.Result(), errbuf()
    st = fn(*args, ctypes.byref(res), err, ERRLEN)
    if st != OK:
        return {"__status__": st, "__error__": err_text(err)}
    try:
        return _lib.take_json(_lib.lib().lsb_result_to_json(ctypes.byref(res)))
    finally:
        _lib.lib().lsb_result_free(ctypes.byref(res))
