"""sandbox._lib - the ctypes binding of libllmsandbox.so (include/llmsandbox.h).

Only this module talks to the C library. It finds the library (see
:func:`library_candidates`), declares the structures and functions of the
public header that the package uses, and keeps one opened ``lsb_sandbox``
per sessions root, shared by every sandbox object of the process. ctypes
releases the GIL during each foreign call, so executions in different
sessions run in parallel from Python threads.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

c_char_pp = ctypes.POINTER(ctypes.c_char_p)
ERRLEN = 1024
ID_MAX = 128

# lsb_status values (include/llmsandbox.h).
OK, ERR_INVALID, ERR_ASSETS, ERR_SYSTEM, ERR_WORKSPACE = 0, 1, 2, 3, 4
ERR_NOT_FOUND, ERR_EXISTS, ERR_QUOTA, ERR_STORAGE, ERR_NO_SESSION = 5, 6, 7, 8, 9

LANG_PYTHON, LANG_JAVASCRIPT = 0, 1


class SandboxInstallationError(ImportError):
    """libllmsandbox.so or its assets cannot be found or opened.

    The message lists every place that was tried and how to fix it.
    """


class Policy(ctypes.Structure):
    """struct lsb_policy."""

    _fields_ = [
        ("fuel", ctypes.c_uint64),
        ("memory_bytes", ctypes.c_uint64),
        ("timeout_ms", ctypes.c_uint32),
        ("stdout_max", ctypes.c_uint64),
        ("stderr_max", ctypes.c_uint64),
        ("quota_bytes", ctypes.c_uint64),
        ("quota_files", ctypes.c_uint64),
        ("workspace", ctypes.c_char_p),
        ("data_dir", ctypes.c_char_p),
        ("external_dir", ctypes.c_char_p),
        ("env", c_char_pp),
        ("env_count", ctypes.c_size_t),
        ("on_output", ctypes.c_void_p),
        ("on_output_ctx", ctypes.c_void_p),
        ("cancel", ctypes.c_void_p),
        ("inject_setup", ctypes.c_bool),
    ]


class Result(ctypes.Structure):
    """struct lsb_result (read only through lsb_result_to_json)."""

    _fields_ = [
        ("success", ctypes.c_bool),
        ("exit_code", ctypes.c_int),
        ("stdout_data", ctypes.c_void_p),
        ("stdout_len", ctypes.c_size_t),
        ("stderr_data", ctypes.c_void_p),
        ("stderr_len", ctypes.c_size_t),
        ("stdout_truncated", ctypes.c_bool),
        ("stderr_truncated", ctypes.c_bool),
        ("fuel_consumed", ctypes.c_uint64),
        ("fuel_budget", ctypes.c_uint64),
        ("duration_ms", ctypes.c_double),
        ("memory_peak_bytes", ctypes.c_uint64),
        ("memory_limit_bytes", ctypes.c_uint64),
        ("trap", ctypes.c_int),
        ("runtime", ctypes.c_int),
        ("session_id", ctypes.c_void_p),
        ("error_type", ctypes.c_void_p),
        ("error_message", ctypes.c_void_p),
        ("files_created", ctypes.c_void_p),
        ("files_created_count", ctypes.c_size_t),
        ("files_modified", ctypes.c_void_p),
        ("files_modified_count", ctypes.c_size_t),
        ("warnings", ctypes.c_void_p),
        ("warnings_count", ctypes.c_size_t),
        ("code", ctypes.c_void_p),
        ("workspace_path", ctypes.c_void_p),
    ]


class SessionOptions(ctypes.Structure):
    """struct lsb_session_options."""

    _fields_ = [
        ("language", ctypes.c_int),
        ("id", ctypes.c_char_p),
        ("allow_custom_id", ctypes.c_bool),
        ("auto_persist_globals", ctypes.c_bool),
        ("policy", ctypes.POINTER(Policy)),
    ]


class SessionsConfig(ctypes.Structure):
    """struct lsb_sessions_config."""

    _fields_ = [
        ("root", ctypes.c_char_p),
        ("storage", ctypes.c_void_p),
        ("max_live", ctypes.c_uint32),
        ("idle_ttl_s", ctypes.c_uint32),
        ("min_available_bytes", ctypes.c_uint64),
        ("wheel_dir", ctypes.c_char_p),
        ("external_dir", ctypes.c_char_p),
        ("preimports", c_char_pp),
    ]


class SessionInfo(ctypes.Structure):
    """struct lsb_session_info."""

    _fields_ = [
        ("id", ctypes.c_char * (ID_MAX + 1)),
        ("language", ctypes.c_int),
        ("created_at", ctypes.c_double),
        ("last_used_at", ctypes.c_double),
        ("execution_count", ctypes.c_uint64),
        ("auto_persist_globals", ctypes.c_bool),
        ("live", ctypes.c_bool),
        ("pid", ctypes.c_int),
        ("workspace_bytes", ctypes.c_uint64),
        ("workspace_files", ctypes.c_uint64),
        ("policy", Policy),
        ("damaged", ctypes.c_bool),
    ]


class FileEntry(ctypes.Structure):
    """struct lsb_file_entry."""

    _fields_ = [
        ("path", ctypes.c_char_p),
        ("size", ctypes.c_uint64),
        ("mtime", ctypes.c_double),
        ("is_dir", ctypes.c_bool),
        ("is_system", ctypes.c_bool),
    ]


class PruneReport(ctypes.Structure):
    """struct lsb_prune_report (read through lsb_prune_report_to_json)."""

    _fields_ = [
        ("sessions", ctypes.c_size_t),
        ("bytes", ctypes.c_uint64),
        ("deleted", ctypes.c_void_p),
        ("deleted_count", ctypes.c_size_t),
        ("skipped", ctypes.c_void_p),
        ("skipped_count", ctypes.c_size_t),
        ("errors", ctypes.c_void_p),
        ("error_count", ctypes.c_size_t),
        ("reclaimed_bytes", ctypes.c_uint64),
        ("dry_run", ctypes.c_bool),
    ]


def _source_checkout_library() -> Path:
    """build/libllmsandbox.so of the checkout this file sits in (python/sandbox/)."""
    return Path(__file__).resolve().parent.parent.parent / "build" / "libllmsandbox.so"


def _configured_library() -> Optional[str]:
    """The library path recorded when the package was built, if any."""
    try:
        from . import _build_config  # written by python/setup.py
    except ImportError:
        return None
    return getattr(_build_config, "LIBRARY", None)


def library_candidates() -> List[Tuple[str, str]]:
    """Where the library is looked for, in order, as (how, path-or-name)."""
    out: List[Tuple[str, str]] = []
    env = os.environ.get("LSB_LIBRARY")
    if env:
        out.append(("$LSB_LIBRARY", env))
    configured = _configured_library()
    if configured:
        out.append(("the location configured at install", configured))
    out.append(("the source checkout", str(_source_checkout_library())))
    found = ctypes.util.find_library("llmsandbox")
    if found:
        out.append(("ctypes.util.find_library", found))
    out.append(("the system loader", "libllmsandbox.so.0"))
    return out


def _load() -> ctypes.CDLL:
    """Open the first candidate that loads; SandboxInstallationError if none."""
    tried = []
    for how, where in library_candidates():
        is_path = os.sep in where
        if is_path and not os.path.exists(where):
            tried.append(f"  {how}: {where} (no such file)")
            if how == "$LSB_LIBRARY":
                break
            continue
        try:
            return ctypes.CDLL(where)
        except OSError as exc:
            tried.append(f"  {how}: {where} ({exc})")
            if how == "$LSB_LIBRARY":
                break
    raise SandboxInstallationError(
        "libllmsandbox.so was not found. Tried:\n" + "\n".join(tried) + "\n"
        "Fix: run `make` in the llm-wasm-sandbox checkout (builds build/libllmsandbox.so), "
        "or `make install PREFIX=/usr/local` (installs lib/libllmsandbox.so.0), "
        "or set LSB_LIBRARY=/path/to/libllmsandbox.so."
    )


def _declare(lib: ctypes.CDLL) -> None:
    """Give every function the package calls its C signature."""
    vp, cp, sz, st, b = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_bool
    sigs: Dict[str, Tuple[Any, List[Any]]] = {
        "lsb_policy_init": (None, [ctypes.POINTER(Policy)]),
        "lsb_policy_validate": (st, [ctypes.POINTER(Policy), cp, sz]),
        "lsb_sandbox_open": (st, [ctypes.POINTER(vp), cp, cp, sz]),
        "lsb_sandbox_start_zygotes": (st, [vp, cp, sz]),
        "lsb_sandbox_configure_sessions": (st, [vp, ctypes.POINTER(SessionsConfig), cp, sz]),
        "lsb_result_free": (None, [ctypes.POINTER(Result)]),
        "lsb_result_to_json": (vp, [ctypes.POINTER(Result)]),
        "lsb_session_create": (st, [vp, ctypes.POINTER(SessionOptions), cp, cp, sz]),
        "lsb_session_execute": (st, [vp, cp, cp, sz, cp, ctypes.POINTER(Policy), ctypes.POINTER(Result), cp, sz]),
        "lsb_session_info_get": (st, [vp, cp, ctypes.POINTER(SessionInfo), cp, sz]),
        "lsb_session_info_to_json": (vp, [ctypes.POINTER(SessionInfo)]),
        "lsb_session_destroy": (st, [vp, cp, cp, sz]),
        "lsb_session_prune": (st, [vp, ctypes.c_uint64, b, ctypes.POINTER(PruneReport), cp, sz]),
        "lsb_prune_report_free": (None, [ctypes.POINTER(PruneReport)]),
        "lsb_prune_report_to_json": (vp, [ctypes.POINTER(PruneReport)]),
        "lsb_session_file_write_ex": (st, [vp, cp, cp, cp, sz, b, cp, sz]),
        "lsb_session_file_read": (st, [vp, cp, cp, ctypes.c_uint64, ctypes.POINTER(vp), ctypes.POINTER(sz), cp, sz]),
        "lsb_session_file_glob": (st, [vp, cp, cp, cp, b, ctypes.POINTER(ctypes.POINTER(FileEntry)), ctypes.POINTER(sz), cp, sz]),
        "lsb_file_list_free": (None, [ctypes.POINTER(FileEntry), sz]),
        "lsb_session_file_delete": (st, [vp, cp, cp, b, cp, sz]),
        "lsb_session_id_check": (st, [cp, b, cp, sz]),
        "lsb_uuid_new": (st, [cp]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None
_sandboxes: Dict[str, int] = {}


def lib() -> ctypes.CDLL:
    """The loaded library (loaded on first use)."""
    global _lib
    with _lock:
        if _lib is None:
            loaded = _load()
            _declare(loaded)
            _lib = loaded
        return _lib


def take_string(ptr: Optional[int]) -> str:
    """Decode and free a malloc'd NUL-terminated string from the library."""
    if not ptr:
        raise MemoryError("libllmsandbox returned no text (out of memory)")
    try:
        return ctypes.string_at(ptr).decode("utf-8", errors="replace")
    finally:
        _libc.free(ptr)


def take_json(ptr: Optional[int]) -> Any:
    """Parse and free a malloc'd JSON text from the library."""
    return json.loads(take_string(ptr))


def errbuf() -> Any:
    """A fresh error buffer for one call."""
    return ctypes.create_string_buffer(ERRLEN)


def err_text(buf: Any) -> str:
    """The message a call left in its error buffer."""
    return buf.value.decode("utf-8", errors="replace")


def sandbox_for(root: Path) -> int:
    """The process's lsb_sandbox for sessions root ``root`` (opened once).

    Opening also starts the zygotes, so later forks happen from them and
    not from this (possibly multi-threaded) Python process.
    """
    key = str(root)
    lb = lib()
    with _lock:
        if key in _sandboxes:
            return _sandboxes[key]
        handle = ctypes.c_void_p()
        err = errbuf()
        st = lb.lsb_sandbox_open(ctypes.byref(handle), None, err, ERRLEN)
        if st != OK:
            raise SandboxInstallationError(
                f"libllmsandbox cannot open its assets: {err_text(err)}\n"
                "Fix: rebuild with `make` (build/assets), reinstall with `make install`, "
                "or point LSB_ASSETS_DIR at the share/llm-wasm-sandbox folder."
            )
        cfg = SessionsConfig(root=key.encode())
        st = lb.lsb_sandbox_configure_sessions(handle, ctypes.byref(cfg), err, ERRLEN)
        if st != OK:
            raise ValueError(f"Cannot use workspace_root '{key}': {err_text(err)}")
        st = lb.lsb_sandbox_start_zygotes(handle, err, ERRLEN)
        if st != OK:
            raise OSError(f"libllmsandbox cannot start its zygotes: {err_text(err)}")
        _sandboxes[key] = handle.value
        return handle.value
