"""mcp_server - the original's `python -m mcp_server` / `llm-wasm-mcp` entry point.

It runs this project's MCP server, `llm-sandbox mcp` (C), with the
arguments given, so the original's Claude Desktop configs work unchanged:
--external-files FILE..., --max-external-file-size-mb MB, --storage-dir DIR
and --version mean what they meant (stdio transport). Every other
`llm-sandbox mcp` option is accepted too. The program is found through
$LSB_CLI, the location recorded when the package was built, the bin/ folder
beside the library (an installed tree), then PATH.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import List, Optional, Sequence


def cli_candidates() -> List[str]:
    """Paths of llm-sandbox to try, in order."""
    out: List[str] = []
    if os.environ.get("LSB_CLI"):
        out.append(os.environ["LSB_CLI"])
    try:
        from sandbox import _build_config  # type: ignore[attr-defined]
        if getattr(_build_config, "CLI", None):
            out.append(_build_config.CLI)
    except ImportError:
        pass
    lib = os.environ.get("LSB_LIBRARY")
    if lib:
        out.append(str(Path(lib).resolve().parent.parent / "bin" / "llm-sandbox"))
    found = shutil.which("llm-sandbox")
    if found:
        out.append(found)
    return out


def find_cli() -> str:
    """The llm-sandbox program to run; FileNotFoundError saying how to get one."""
    tried = cli_candidates()
    for path in tried:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise FileNotFoundError("llm-sandbox was not found (tried: " + (", ".join(tried) or "PATH") + "). "
                            "Run `make` or `make install`, or set LSB_CLI=/path/to/llm-sandbox.")


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Replace this process with `llm-sandbox mcp ARGS` (`llm-sandbox --version` for --version)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli = find_cli()
    except FileNotFoundError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        raise SystemExit(1)
    if args == ["--version"]:
        os.execv(cli, [cli, "--version"])
    os.execv(cli, [cli, "mcp", *args])


__all__ = ["main", "find_cli", "cli_candidates"]
