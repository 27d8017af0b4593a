"""sandbox.runtimes.base - BaseSandbox: one session of libllmsandbox, kept live.

A sandbox object owns one session (created, or adopted when its id exists):
the workspace under <workspace_root>/<id>/workspace is the guest's /app,
and in this process the session's interpreter stays live between execute
calls, so globals, imports and open objects survive (with
auto_persist_globals they are also saved to disk and survive a new
process). Executions of different sandboxes run in parallel from threads.
"""
from __future__ import annotations

import asyncio
import ctypes
import os
from pathlib import Path
from typing import Any, List, Optional

from .. import _calls, _lib
from ..exceptions import PolicyValidationError, SandboxExecutionError
from ..logging import as_sandbox_logger
from ..policies import ExecutionPolicy
from ..result import SandboxResult
from ..storage import DiskStorageAdapter, StorageAdapter


def build_policy(policy: ExecutionPolicy, timeout: Optional[float] = None,
                 inject_setup: bool = True) -> tuple:
    """An lsb_policy for policy (and the buffers it points into, kept alive by the caller).

    Raises PolicyValidationError for values the library cannot honour.
    """
    lp = _lib.Policy()
    lb = _lib.lib()
    lb.lsb_policy_init(ctypes.byref(lp))
    lp.fuel, lp.memory_bytes = policy.fuel_budget, policy.memory_bytes
    lp.stdout_max, lp.stderr_max = policy.stdout_max_bytes, policy.stderr_max_bytes
    t = timeout if timeout is not None else policy.timeout_seconds
    if t is not None:
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not t > 0:
            raise PolicyValidationError(f"Invalid execution policy: timeout_seconds: must be > 0, got {t!r}")
        lp.timeout_ms = max(1, int(round(t * 1000)))
    if policy.guest_mount_path != "/app":
        raise PolicyValidationError("Invalid execution policy: guest_mount_path: only '/app' is supported")
    keep: List[Any] = []
    if policy.mount_data_dir is not None and os.path.isdir(policy.mount_data_dir):
        if policy.guest_data_path not in (None, "/data"):
            raise PolicyValidationError("Invalid execution policy: guest_data_path: only '/data' is supported")
        keep.append(os.fsencode(os.path.abspath(policy.mount_data_dir)))
        lp.data_dir = keep[-1]
    mounts = [(h, g) for h, g in policy.additional_readonly_mounts if os.path.exists(h)]
    if len(mounts) > 1 or any(g.rstrip("/") != "/external" for _, g in mounts):
        raise PolicyValidationError(
            "Invalid execution policy: additional_readonly_mounts: only one folder, mounted at /external, "
            "is supported")
    if mounts:
        keep.append(os.fsencode(os.path.abspath(mounts[0][0])))
        lp.external_dir = keep[-1]
    env = [f"{k}={v}".encode() for k, v in policy.env.items()]
    arr = (ctypes.c_char_p * max(1, len(env)))(*env)
    keep.append(arr)
    lp.env, lp.env_count = ctypes.cast(arr, _lib.c_char_pp), len(env)
    lp.inject_setup = bool(inject_setup)
    err = _lib.errbuf()
    if lb.lsb_policy_validate(ctypes.byref(lp), err, _lib.ERRLEN) != 0:
        raise PolicyValidationError(f"Invalid execution policy: {_lib.err_text(err)}")
    return lp, keep


class BaseSandbox:
    """A sandbox bound to one session. Use create_sandbox() to make one."""

    language: int = _lib.LANG_PYTHON
    runtime_name: str = "python"

    def __init__(self, policy: Optional[ExecutionPolicy] = None, session_id: Optional[str] = None,
                 workspace_root: Any = Path("workspace"), storage_adapter: Optional[StorageAdapter] = None,
                 logger: Any = None, allow_non_uuid: bool = True, auto_persist_globals: bool = False,
                 wasm_binary_path: Optional[str] = None) -> None:
        if policy is None:
            policy = ExecutionPolicy()
        if not isinstance(policy, ExecutionPolicy):
            raise TypeError(f"policy must be an ExecutionPolicy, got {type(policy).__name__}")
        if storage_adapter is None:
            storage_adapter = DiskStorageAdapter(workspace_root)
        elif not isinstance(storage_adapter, DiskStorageAdapter):
            raise NotImplementedError(
                "Only DiskStorageAdapter and its subclasses are supported: a storage adapter keeps session "
                "records (put_record, get_record, list_records, remove_record); workspaces are folders on disk")
        self.policy = policy
        self.storage_adapter = storage_adapter
        self.logger = as_sandbox_logger(logger)
        self.auto_persist_globals = bool(auto_persist_globals)
        self.wasm_binary_path = wasm_binary_path
        sid = _calls.check_session_id(session_id, allow_non_uuid) if session_id is not None else None
        lp, self._keep = build_policy(policy)
        self._handle = storage_adapter.handle()
        self.session_id, created = _calls.session_create(self._handle, self.language, sid,
                                                         self.auto_persist_globals, lp)
        if not created:
            self._check_existing()
        self.logger.log_session("created" if created else "retrieved", self.session_id,
                                runtime=self.runtime_name)

    def _check_existing(self) -> None:
        """An adopted session must be of this sandbox's language."""
        info = _calls.session_info(self._handle, self.session_id)
        lang = info.get("language") if info else None
        if lang is not None and lang != self.runtime_name:
            raise ValueError(f"Session '{self.session_id}' is a {lang} session, not {self.runtime_name}")

    @property
    def workspace_root(self) -> Path:
        """The sessions root (the original's workspace_root)."""
        return self.storage_adapter.workspace_root  # type: ignore[attr-defined]

    @property
    def workspace(self) -> Path:
        """The host folder the guest sees as /app."""
        return self.workspace_root / self.session_id / "workspace"

    def execute(self, code: str, inject_setup: bool = True, timeout: Optional[float] = None,
                **kwargs: Any) -> SandboxResult:
        """Run code in this sandbox's session and return its result.

        Guest errors (exceptions, exit codes, fuel or memory exhaustion,
        timeouts) are reported in the result, never raised. timeout (seconds)
        overrides policy.timeout_seconds for this run. Other keyword
        arguments are accepted and ignored, as by the original.
        """
        if not isinstance(code, str):
            raise TypeError(f"code must be a str, got {type(code).__name__}")
        if "\x00" in code:
            raise ValueError("code must not contain NUL characters")
        lp, keep = build_policy(self.policy, timeout, inject_setup)
        self.logger.log_execution_start(self.runtime_name, self.policy, self.session_id,
                                        inject_setup if self.runtime_name == "python" else None)
        raw = code.encode("utf-8", errors="surrogatepass")
        data = _calls.call_execute(_lib.lib().lsb_session_execute, self._handle, self.session_id.encode(),
                                   raw, len(raw), None, ctypes.byref(lp))
        if "__status__" in data and data["__status__"] == _lib.ERR_NO_SESSION:
            # Deleted behind our back (delete_session_workspace, prune): start it again, as the
            # original recreated a missing workspace.
            _calls.session_create(self._handle, self.language, self.session_id, self.auto_persist_globals, lp)
            data = _calls.call_execute(_lib.lib().lsb_session_execute, self._handle,
                                       self.session_id.encode(), raw, len(raw), None, ctypes.byref(lp))
        del keep
        if "__status__" in data:
            self._raise(data["__status__"], data["__error__"])
        result = SandboxResult.from_lsb_json(data)
        self.logger.log_execution_complete(result, self.runtime_name, self.session_id)
        return result

    async def execute_async(self, code: str, inject_setup: bool = True, timeout: Optional[float] = None,
                            **kwargs: Any) -> SandboxResult:
        """execute() without blocking the event loop: the run happens in a worker thread.

        Runs of different sandboxes awaited together execute in parallel.
        """
        return await asyncio.to_thread(self.execute, code, inject_setup, timeout, **kwargs)

    def _raise(self, status: int, message: str) -> None:
        if status == _lib.ERR_INVALID:
            raise ValueError(message)
        if status == _lib.ERR_ASSETS:
            raise _lib.SandboxInstallationError(message)
        raise SandboxExecutionError(message)

    def validate_code(self, code: str) -> bool:
        """Whether code is syntactically valid (JavaScript: always True, as the original)."""
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}(session_id={self.session_id!r}, workspace_root={str(self.workspace_root)!r})"


__all__ = ["BaseSandbox", "build_policy"]
