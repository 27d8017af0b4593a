"""sandbox.exceptions - the exception types of the original API (SEED-SPEC 1.6).

Guest errors never raise: they are results. These are raised for bad
arguments and for a host that cannot run code at all.
"""
from __future__ import annotations

from ._lib import SandboxInstallationError


class PolicyValidationError(ValueError):
    """An ExecutionPolicy value is invalid; the message names the field."""


class SandboxExecutionError(RuntimeError):
    """The host could not run the code at all (nothing was executed)."""


__all__ = ["PolicyValidationError", "SandboxExecutionError", "SandboxInstallationError"]
