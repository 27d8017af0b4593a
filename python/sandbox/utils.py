"""sandbox.utils - the original's legacy exception hierarchy.

SandboxError > FuelExhaustionError, MemoryLimitError. As in the original
they are defined and never raised: running out of fuel or memory is a
result (success False, metadata["fuel_analysis"], error_type), not an
exception. Kept so that code importing them keeps working.
"""
from __future__ import annotations


class SandboxError(Exception):
    """Base of the legacy sandbox errors (never raised)."""


class FuelExhaustionError(SandboxError):
    """Legacy: the fuel budget ran out (a result now: trap "out_of_fuel")."""


class MemoryLimitError(SandboxError):
    """Legacy: the memory limit was reached (a result now)."""


__all__ = ["SandboxError", "FuelExhaustionError", "MemoryLimitError"]
