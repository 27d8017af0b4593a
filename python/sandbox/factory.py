"""sandbox.factory - RuntimeType and create_sandbox (SEED-SPEC 1.2, 1.3)."""
from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, Optional, Union

from .policies import ExecutionPolicy
from .runtimes import BaseSandbox, JavaScriptSandbox, PythonSandbox
from .storage import StorageAdapter


class RuntimeType(str, enum.Enum):
    """The languages a sandbox runs."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"


def _runtime(runtime: Any) -> RuntimeType:
    if isinstance(runtime, RuntimeType):
        return runtime
    if isinstance(runtime, str) and runtime in ("python", "javascript"):
        return RuntimeType(runtime)
    raise ValueError(f"Invalid runtime type: {runtime!r}. Must be a RuntimeType enum value "
                     "(RuntimeType.PYTHON or RuntimeType.JAVASCRIPT) or the string 'python' or 'javascript'")


def create_sandbox(runtime: Union[RuntimeType, str] = RuntimeType.PYTHON,
                   policy: Optional[ExecutionPolicy] = None, session_id: Optional[str] = None,
                   workspace_root: Union[str, Path] = Path("workspace"),
                   storage_adapter: Optional[StorageAdapter] = None, logger: Any = None,
                   allow_non_uuid: bool = True, auto_persist_globals: bool = False,
                   **kwargs: Any) -> BaseSandbox:
    """Create a PythonSandbox or JavaScriptSandbox bound to a session.

    session_id None makes a new session (a random UUID); an existing id
    reuses that session and its files. The session lives under
    workspace_root (created if missing; ignored when storage_adapter is
    given). allow_non_uuid=False requires a UUID. auto_persist_globals keeps
    the JSON-able globals in the workspace so they survive a new process.
    Raises ValueError (bad runtime or session id), PolicyValidationError,
    TypeError (unknown keyword), SandboxInstallationError (library or assets
    missing).
    """
    rt = _runtime(runtime)
    kwargs.pop("workspace_path", None)
    wasm_binary_path = kwargs.pop("wasm_binary_path", None)
    if kwargs:
        raise TypeError(f"create_sandbox() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
    cls = PythonSandbox if rt is RuntimeType.PYTHON else JavaScriptSandbox
    return cls(policy=policy, session_id=session_id, workspace_root=workspace_root,
               storage_adapter=storage_adapter, logger=logger, allow_non_uuid=allow_non_uuid,
               auto_persist_globals=auto_persist_globals, wasm_binary_path=wasm_binary_path)


__all__ = ["RuntimeType", "create_sandbox"]
