"""sandbox.result - SandboxResult (SEED-SPEC 1.5), built from lsb_result_to_json.

The C library's JSON is the one result schema every front-end uses; this
module only picks the original's fields out of it, so the values (and the
metadata keys: memory_pages, trapped, trap_reason, error_guidance,
fuel_analysis, ...) are exactly what the CLI and the MCP server report.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class SandboxResult:
    """The outcome of one execute() call. Guest errors are reported here, never raised.

    ``success`` is true when the code exited with status 0 and did not trap
    (not the original's stderr heuristic). ``metadata`` holds the original's
    keys: memory_pages, stdout_truncated, stderr_truncated, exit_code,
    trapped, session_id, and when the run failed trap_reason, trap_message
    and error_guidance; fuel_analysis always; JavaScript adds runtime,
    fuel_budget and memory_limit_bytes.
    """

    success: bool
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    fuel_consumed: Optional[int] = None
    memory_used_bytes: int = 0
    duration_ms: float = 0.0
    files_created: List[str] = field(default_factory=list)
    files_modified: List[str] = field(default_factory=list)
    workspace_path: str = ""
    metadata: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_lsb_json(cls, data: Dict[str, Any]) -> "SandboxResult":
        """Map the JSON object of lsb_result_to_json onto the original's fields."""
        return cls(
            success=bool(data["success"]),
            stdout=data.get("stdout", ""),
            stderr=data.get("stderr", ""),
            exit_code=int(data.get("exit_code", 0)),
            fuel_consumed=data.get("fuel_consumed"),
            memory_used_bytes=int(data.get("memory_used_bytes", 0)),
            duration_ms=float(data.get("duration_ms", 0.0)),
            files_created=list(data.get("files_created", [])),
            files_modified=list(data.get("files_modified", [])),
            workspace_path=data.get("workspace_path") or "",
            metadata=dict(data.get("metadata", {})),
        )

    def model_dump(self) -> Dict[str, Any]:
        """The result as a dict (pydantic 2's name)."""
        return dataclasses.asdict(self)

    def model_dump_json(self) -> str:
        """The result as JSON text (pydantic 2's name)."""
        return json.dumps(self.model_dump(), ensure_ascii=False)


__all__ = ["SandboxResult"]
