"""tests/python/pkg/test_async_mcp.py - execute_async and the mcp_server entry point."""
import asyncio
import json
import os
import subprocess
import sys
import time

from sandbox import create_sandbox


def test_execute_async_does_not_block_the_loop_and_runs_in_parallel(root):
    a = create_sandbox(workspace_root=root)
    b = create_sandbox(workspace_root=root)
    js = create_sandbox(runtime="javascript", workspace_root=root)

    async def main():
        ticks = 0
        stop = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        t = asyncio.create_task(ticker())
        t0 = time.monotonic()
        ra, rb = await asyncio.gather(
            a.execute_async("import time\ntime.sleep(0.6)\nprint('é async')"),
            b.execute_async("import time\ntime.sleep(0.6)\nprint('☕ async')"))
        elapsed = time.monotonic() - t0
        stop.set()
        await t
        rj = await js.execute_async("console.log('日本')")
        assert rj.stdout == "日本\n"
        return ra, rb, ticks, elapsed

    ra, rb, ticks, elapsed = asyncio.run(main())
    assert ra.stdout == "é async\n" and rb.stdout == "☕ async\n"
    assert ticks >= 20, f"event loop blocked: only {ticks} ticks"
    assert elapsed < 1.15, f"two 0.6 s runs took {elapsed:.2f} s: not in parallel"


def _mcp(args, stdin=""):
    return subprocess.run([sys.executable, "-P", "-m", "mcp_server", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ))


def test_mcp_server_version():
    p = _mcp(["--version"])
    assert p.returncode == 0 and p.stdout.startswith("llm-sandbox "), p.stdout + p.stderr


def test_mcp_server_speaks_mcp_over_stdio_with_original_flags(tmp_path):
    ext = tmp_path / "notes.txt"
    ext.write_text("é ☕ 日本", encoding="utf-8")
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "pytest", "version": "1"}}}
    p = _mcp(["--storage-dir", str(tmp_path / "storage"), "--external-files", str(ext),
              "--max-external-file-size-mb", "5"], json.dumps(init) + "\n")
    first = json.loads(p.stdout.splitlines()[0])
    assert first["id"] == 1 and "serverInfo" in first["result"], p.stdout + p.stderr
