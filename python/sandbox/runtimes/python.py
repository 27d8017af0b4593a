"""sandbox.runtimes.python - PythonSandbox: CPython 3.11 compiled to WebAssembly."""
from __future__ import annotations

from .. import _lib
from .base import BaseSandbox


class PythonSandbox(BaseSandbox):
    """A sandbox that runs Python code (see BaseSandbox.execute)."""

    language = _lib.LANG_PYTHON
    runtime_name = "python"

    def validate_code(self, code: str) -> bool:
        """Whether code compiles (host compile(code, "<sandbox>", "exec")); never runs it."""
        try:
            compile(code, "<sandbox>", "exec")
        except (SyntaxError, ValueError):
            return False
        return True


__all__ = ["PythonSandbox"]
