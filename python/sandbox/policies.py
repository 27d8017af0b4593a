"""sandbox.policies - ExecutionPolicy (SEED-SPEC 1.4) and load_policy.

A dataclass rather than a pydantic model: Debian bookworm ships pydantic
1.10, while the original's API is pydantic 2's (model_dump_json,
model_validate_json). The dataclass validates on construction and on every
assignment-free round trip, raises PolicyValidationError("Invalid execution
policy: ...") naming the field, and offers the pydantic 2 method names.
"""
from __future__ import annotations

import dataclasses
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from .exceptions import PolicyValidationError


def _default_env() -> Dict[str, str]:
    return {"PYTHONUTF8": "1", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "PYTHONHASHSEED": "0"}


def _default_argv() -> List[str]:
    return ["python", "-I", "/app/user_code.py", "-X", "utf8"]


_POSITIVE_INTS = ("fuel_budget", "memory_bytes", "stdout_max_bytes", "stderr_max_bytes")


def _fail(name: str, why: str) -> PolicyValidationError:
    return PolicyValidationError(f"Invalid execution policy: {name}: {why}")


@dataclass
class ExecutionPolicy:
    """Limits and mounts of one sandbox, with the original's fields and defaults.

    ``timeout_seconds`` is enforced here (a wall-clock limit; None means the
    library's default of 30 s), unlike the original, which ignored it.
    ``argv`` and ``preserve_logs`` are accepted for compatibility and have no
    effect; ``guest_mount_path`` must stay "/app".
    """

    fuel_budget: int = 5_000_000_000
    memory_bytes: int = 128_000_000
    stdout_max_bytes: int = 2_000_000
    stderr_max_bytes: int = 1_000_000
    mount_host_dir: str = "workspace"
    guest_mount_path: str = "/app"
    mount_data_dir: Optional[str] = None
    guest_data_path: Optional[str] = None
    argv: List[str] = field(default_factory=_default_argv)
    env: Dict[str, str] = field(default_factory=_default_env)
    timeout_seconds: Optional[float] = None
    preserve_logs: bool = False
    additional_readonly_mounts: List[Tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._validate()
        if self.mount_data_dir is not None and self.guest_data_path is None:
            self.guest_data_path = "/data"

    def _validate(self) -> None:
        for name in _POSITIVE_INTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise _fail(name, f"must be an integer, got {value!r}")
            if value <= 0:
                raise _fail(name, f"must be greater than 0, got {value}")
        for name in ("mount_host_dir", "guest_mount_path"):
            if not isinstance(getattr(self, name), str):
                raise _fail(name, f"must be a string, got {getattr(self, name)!r}")
        for name in ("mount_data_dir", "guest_data_path"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, (str, Path)):
                raise _fail(name, f"must be a string or None, got {value!r}")
        if not isinstance(self.argv, list) or not all(isinstance(a, str) for a in self.argv):
            raise _fail("argv", "must be a list of strings")
        if not isinstance(self.env, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.env.items()
        ):
            raise _fail("env", "must be a dict of strings to strings")
        t = self.timeout_seconds
        if t is not None:
            if isinstance(t, bool) or not isinstance(t, (int, float)) or math.isnan(t):
                raise _fail("timeout_seconds", f"must be a number or None, got {t!r}")
            if t < 0:
                raise _fail("timeout_seconds", f"must be greater than or equal to 0, got {t}")
        if not isinstance(self.preserve_logs, bool):
            raise _fail("preserve_logs", f"must be a boolean, got {self.preserve_logs!r}")
        mounts = self.additional_readonly_mounts
        if not isinstance(mounts, list) or not all(
            isinstance(m, (list, tuple)) and len(m) == 2 and all(isinstance(p, str) for p in m) for m in mounts
        ):
            raise _fail("additional_readonly_mounts", "must be a list of (host_path, guest_path) pairs")
        self.additional_readonly_mounts = [(str(h), str(g)) for h, g in mounts]

    def model_dump(self) -> Dict[str, Any]:
        """The policy as a dict of plain values (pydantic 2's name)."""
        out = dataclasses.asdict(self)
        out["additional_readonly_mounts"] = [list(m) for m in self.additional_readonly_mounts]
        return out

    def model_dump_json(self) -> str:
        """The policy as JSON text (pydantic 2's name)."""
        return json.dumps(self.model_dump())

    @classmethod
    def model_validate(cls, data: Dict[str, Any]) -> "ExecutionPolicy":
        """Build a validated policy from a dict; unknown keys are ignored."""
        if not isinstance(data, dict):
            raise PolicyValidationError(f"Invalid execution policy: expected an object, got {type(data).__name__}")
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @classmethod
    def model_validate_json(cls, text: Union[str, bytes]) -> "ExecutionPolicy":
        """Build a validated policy from JSON text (pydantic 2's name)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PolicyValidationError(f"Invalid execution policy: not JSON: {exc}") from exc
        return cls.model_validate(data)


DEFAULT_POLICY: Dict[str, Any] = {
    "fuel_budget": 2_000_000_000,
    "memory_bytes": 128_000_000,
    "stdout_max_bytes": 2_000_000,
    "stderr_max_bytes": 1_000_000,
    "mount_host_dir": "workspace",
    "guest_mount_path": "/app",
    "argv": _default_argv(),
    "env": {**_default_env(), "DEMO_GREETING": "Hej fra WASM 👋"},
    "preserve_logs": False,
}


def load_policy(path: Union[str, Path] = "config/policy.toml") -> ExecutionPolicy:
    """Load a policy from TOML, merged over DEFAULT_POLICY (env merged key by key).

    A missing file gives the defaults; malformed TOML raises
    tomllib.TOMLDecodeError; bad values raise PolicyValidationError.
    """
    p = Path(path)
    merged = dict(DEFAULT_POLICY)
    merged["env"] = dict(DEFAULT_POLICY["env"])
    if p.exists():
        with p.open("rb") as fh:
            data = tomllib.load(fh)
        env = data.pop("env", None)
        merged.update(data)
        if env is not None:
            if not isinstance(env, dict):
                raise _fail("env", "must be a table of strings")
            merged["env"].update(env)
    return ExecutionPolicy.model_validate(merged)


__all__ = ["ExecutionPolicy", "DEFAULT_POLICY", "load_policy"]
