"""sandbox._lib - the ctypes binding of libllmsandbox.so (include/llmsandbox.h).

Only this module talks to the C library. It finds the library (see
:func:`library_candidates`), declares the structures and functions of the
public header that the package uses, and keeps one opened ``lsb_sandbox``
per sessions root, shared by every sandbox object of the process. ctypes
releases the GIL during each foreign call, so executions in different
sessions run in parallel from Python threads.
"""
from __future__ import annotations

import atexit
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
OWNER_MAX = 64  # LSB_SESSION_OWNER_MAX

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
        ("owner", ctypes.c_char_p),
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
        ("owner", ctypes.c_char * (OWNER_MAX + 1)),
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
        "lsb_sandbox_close": (None, [vp]),
        "lsb_sandbox_configure_sessions": (st, [vp, ctypes.POINTER(SessionsConfig), cp, sz]),
        "lsb_result_free": (None, [ctypes.POINTER(Result)]),
        "lsb_result_to_json": (vp, [ctypes.POINTER(Result)]),
        "lsb_session_create": (st, [vp, ctypes.POINTER(SessionOptions), cp, cp, sz]),
        "lsb_session_execute": (st, [vp, cp, cp, sz, cp, ctypes.POINTER(Policy), ctypes.POINTER(Result), cp, sz]),
        "lsb_session_info_get": (st, [vp, cp, ctypes.POINTER(SessionInfo), cp, sz]),
        "lsb_session_info_to_json": (vp, [ctypes.POINTER(SessionInfo)]),
        "lsb_session_destroy": (st, [vp, cp, cp, sz]),
        "lsb_session_set_times": (st, [vp, cp, ctypes.c_double, ctypes.c_double, cp, sz]),
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


_lock = threading.RLock()
_lib: Optional[ctypes.CDLL] = None
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None
_sandboxes: Dict[Tuple[str, int], Tuple[int, tuple]] = {}


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


_PUT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t,
                       ctypes.c_void_p, ctypes.c_size_t)
_GET = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                       ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p, ctypes.c_size_t)
_LIST = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                        ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p, ctypes.c_size_t)
_REMOVE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)


class Storage(ctypes.Structure):
    """struct lsb_storage: the record callbacks of a storage adapter."""

    _fields_ = [("ctx", ctypes.c_void_p), ("put", _PUT), ("get", _GET), ("list", _LIST), ("remove", _REMOVE)]


_libc.malloc.argtypes = [ctypes.c_size_t]
_libc.malloc.restype = ctypes.c_void_p


def _c_copy(data: bytes) -> int:
    """A malloc'd NUL-terminated copy of data (the library frees it with free)."""
    ptr = _libc.malloc(len(data) + 1)
    if not ptr:
        raise MemoryError("malloc failed")
    ctypes.memmove(ptr, data + b"\0", len(data) + 1)
    return ptr


def _put_err(err: int, errlen: int, exc: BaseException) -> int:
    """Write an exception's text into a C error buffer; returns -1."""
    if err and errlen:
        msg = f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")[: errlen - 1]
        ctypes.memmove(err, msg + b"\0", len(msg) + 1)
    return -1


def make_storage(adapter: Any) -> Tuple[Storage, tuple]:
    """An lsb_storage whose callbacks call adapter.put_record/get_record/list_records/remove_record.

    The callbacks run on whatever thread the library uses (ctypes takes
    the GIL); an exception becomes -1 with its text as the error. They
    must not call back into the library (it holds its session lock).
    """

    def put(_ctx: int, sid: bytes, text: int, length: int, err: int, errlen: int) -> int:
        try:
            adapter.put_record(sid.decode(), ctypes.string_at(text, length).decode("utf-8"))
            return 0
        except BaseException as exc:  # noqa: B902 - reported to C, never raised through it
            return _put_err(err, errlen, exc)

    def get(_ctx: int, sid: bytes, text: Any, length: Any, err: int, errlen: int) -> int:
        try:
            value = adapter.get_record(sid.decode())
            if value is None:
                return 1
            data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
            text[0], length[0] = _c_copy(data), len(data)
            return 0
        except BaseException as exc:  # noqa: B902
            return _put_err(err, errlen, exc)

    def list_ids(_ctx: int, ids: Any, count: Any, err: int, errlen: int) -> int:
        try:
            names = [str(n).encode() for n in adapter.list_records()]
            arr = _libc.malloc(max(1, len(names)) * ctypes.sizeof(ctypes.c_void_p))
            view = (ctypes.c_void_p * max(1, len(names))).from_address(arr)
            for i, name in enumerate(names):
                view[i] = _c_copy(name)
            ids[0], count[0] = arr, len(names)
            return 0
        except BaseException as exc:  # noqa: B902
            return _put_err(err, errlen, exc)

    def remove(_ctx: int, sid: bytes, err: int, errlen: int) -> int:
        try:
            adapter.remove_record(sid.decode())
            return 0
        except BaseException as exc:  # noqa: B902
            return _put_err(err, errlen, exc)

    callbacks = (_PUT(put), _GET(get), _LIST(list_ids), _REMOVE(remove))
    return Storage(None, *callbacks), callbacks


def _open(root: Path, adapter: Any) -> Tuple[int, tuple]:
    """Open, configure and start a sandbox for root (records kept by adapter when not None)."""
    lb = lib()
    handle = ctypes.c_void_p()
    err = errbuf()
    if lb.lsb_sandbox_open(ctypes.byref(handle), None, err, ERRLEN) != OK:
        raise SandboxInstallationError(
            f"libllmsandbox cannot open its assets: {err_text(err)}\n"
            "Fix: rebuild with `make` (build/assets), reinstall with `make install`, "
            "or point LSB_ASSETS_DIR at the share/llm-wasm-sandbox folder."
        )
    keep: tuple = ()
    cfg = SessionsConfig(root=str(root).encode())
    if adapter is not None:
        storage, callbacks = make_storage(adapter)
        keep = (storage, callbacks, adapter, os.getpid())
        cfg.storage = ctypes.addressof(storage)
    if lb.lsb_sandbox_configure_sessions(handle, ctypes.byref(cfg), err, ERRLEN) != OK:
        raise ValueError(f"Cannot use workspace_root '{root}': {err_text(err)}")
    if lb.lsb_sandbox_start_zygotes(handle, err, ERRLEN) != OK:
        raise OSError(f"libllmsandbox cannot start its zygotes: {err_text(err)}")
    return handle.value, keep


def sandbox_for(root: Path, adapter: Any = None) -> int:
    """The process's lsb_sandbox for sessions root ``root`` (opened once per root and adapter).

    With an adapter, session records are kept by its put_record,
    get_record, list_records and remove_record methods. Opening also starts
    the zygotes, so later forks happen from them and not from this
    (possibly multi-threaded) Python process.
    """
    key = (str(root), id(adapter) if adapter is not None else 0)
    lib()
    with _lock:
        if key not in _sandboxes:
            _sandboxes[key] = _open(root, adapter)
        return _sandboxes[key][0]


@atexit.register
def _close_adapter_sandboxes() -> None:
    """At exit, close the sandboxes whose records a Python adapter keeps.

    Their background threads would otherwise call into Python while the
    interpreter shuts down. Only in the process that opened them: a forked
    child must not end its parent's zygotes.
    """
    with _lock:
        for handle, keep in list(_sandboxes.values()):
            if keep and keep[-1] == os.getpid() and _lib is not None:
                _lib.lsb_sandbox_close(handle)
        _sandboxes.clear()
