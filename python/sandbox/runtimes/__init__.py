"""sandbox.runtimes - the sandbox classes of each language."""
from .base import BaseSandbox
from .javascript import JavaScriptSandbox
from .python import PythonSandbox

__all__ = ["BaseSandbox", "PythonSandbox", "JavaScriptSandbox"]
