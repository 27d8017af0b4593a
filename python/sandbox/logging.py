"""sandbox.logging - SandboxLogger: the original's structured events (SEED-SPEC 1.10).

Events go to a stdlib logging.Logger (default: logging.getLogger("sandbox"))
as records whose message is the event name followed by its fields as JSON,
with the event name and fields also on the record (record.event,
record.fields) for handlers that want them; or, when a structlog logger is
given, to it as logger.info(event, **fields). Nothing is printed unless the
application configures logging (the original printed to stdout).
"""
from __future__ import annotations

import json
import logging as _logging
from typing import Any, Dict, Iterable, List, Optional

_PATHS_MAX = 140
_SUFFIX = "...[truncated]"


def _paths(paths: Iterable[str]) -> List[str]:
    return [p if len(p) <= _PATHS_MAX else p[: _PATHS_MAX - len(_SUFFIX)] + _SUFFIX for p in paths]


class SandboxLogger:
    """Emits the original's events. Accepts a logging.Logger, a structlog logger, a name, or None."""

    def __init__(self, logger: Any = None) -> None:
        if logger is None:
            logger = _logging.getLogger("sandbox")
        elif isinstance(logger, str):
            logger = _logging.getLogger(logger)
        self.logger = logger

    def emit(self, level: int, event: str, **fields: Any) -> None:
        """Log one event with its fields at level (a logging level number)."""
        if isinstance(self.logger, _logging.Logger):
            if self.logger.isEnabledFor(level):
                self.logger.log(level, "%s %s", event, json.dumps(fields, ensure_ascii=False, default=str),
                                extra={"event": event, "fields": fields})
            return
        method = getattr(self.logger, _logging.getLevelName(level).lower(), None) or self.logger.info
        method(event, **fields)

    def log_execution_start(self, runtime: str, policy: Any, session_id: str,
                            inject_setup: Optional[bool] = None) -> None:
        """execution.start: runtime, a policy snapshot, session_id (Python: inject_setup)."""
        snap = {k: getattr(policy, k) for k in ("fuel_budget", "memory_bytes", "stdout_max_bytes",
                                                "stderr_max_bytes", "guest_mount_path", "mount_data_dir",
                                                "guest_data_path", "preserve_logs")}
        fields: Dict[str, Any] = {"runtime": runtime, "policy": snap, "session_id": session_id}
        if inject_setup is not None:
            fields["inject_setup"] = inject_setup
        self.emit(_logging.INFO, "execution.start", **fields)

    def log_execution_complete(self, result: Any, runtime: str, session_id: str) -> None:
        """execution.complete: outcome, usage, output sizes and changed files of a result."""
        md = result.metadata
        self.emit(_logging.INFO, "execution.complete", runtime=runtime, success=result.success,
                  exit_code=result.exit_code, fuel_consumed=result.fuel_consumed,
                  memory_used_bytes=result.memory_used_bytes, duration_ms=result.duration_ms,
                  stdout_bytes=len(result.stdout.encode()), stderr_bytes=len(result.stderr.encode()),
                  files_created_count=len(result.files_created), files_modified_count=len(result.files_modified),
                  files_created=_paths(result.files_created), files_modified=_paths(result.files_modified),
                  stdout_truncated=md.get("stdout_truncated"), stderr_truncated=md.get("stderr_truncated"),
                  trap_reason=md.get("trap_reason"), session_id=session_id)

    def log_security_event(self, event_type: str, details: Dict[str, Any]) -> None:
        """security.<type> at WARNING."""
        self.emit(_logging.WARNING, f"security.{event_type}", **details)

    def log_session(self, what: str, session_id: str, **fields: Any) -> None:
        """session.<what> (created, retrieved, deleted, file.read, prune.completed, ...)."""
        level = _logging.INFO
        if what == "prune.skipped":
            level = _logging.WARNING
        elif what == "prune.error":
            level = _logging.ERROR
        self.emit(level, f"session.{what}", session_id=session_id, **fields)


def as_sandbox_logger(logger: Any) -> SandboxLogger:
    """logger as a SandboxLogger (wrapping it unless it already is one)."""
    return logger if isinstance(logger, SandboxLogger) else SandboxLogger(logger)


__all__ = ["SandboxLogger", "as_sandbox_logger"]
