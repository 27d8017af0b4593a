"""sandbox.runtimes.javascript - JavaScriptSandbox: QuickJS compiled to WebAssembly."""
from __future__ import annotations

from .. import _lib
from .base import BaseSandbox


class JavaScriptSandbox(BaseSandbox):
    """A sandbox that runs JavaScript (ES module) code (see BaseSandbox.execute).

    validate_code always returns True, as the original's did.
    """

    language = _lib.LANG_JAVASCRIPT
    runtime_name = "javascript"


__all__ = ["JavaScriptSandbox"]
