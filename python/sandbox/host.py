"""sandbox.host - the original's legacy one-call entry points.

run_untrusted_python(code) and run_untrusted_javascript(code) run code once
in a new sandbox and return its SandboxResult; keyword arguments go to
create_sandbox (policy, workspace_root, session_id, ...). New code should
call create_sandbox and keep the sandbox, whose session stays live.
"""
from __future__ import annotations

from typing import Any, Optional

from .factory import RuntimeType, create_sandbox
from .policies import ExecutionPolicy
from .result import SandboxResult


def run_untrusted_python(code: str, policy: Optional[ExecutionPolicy] = None, **kwargs: Any) -> SandboxResult:
    """Run Python code once in a new sandbox; guest errors are in the result, never raised."""
    return create_sandbox(runtime=RuntimeType.PYTHON, policy=policy, **kwargs).execute(code)


def run_untrusted_javascript(code: str, policy: Optional[ExecutionPolicy] = None, **kwargs: Any) -> SandboxResult:
    """Run JavaScript code once in a new sandbox; guest errors are in the result, never raised."""
    return create_sandbox(runtime=RuntimeType.JAVASCRIPT, policy=policy, **kwargs).execute(code)


__all__ = ["run_untrusted_python", "run_untrusted_javascript"]
