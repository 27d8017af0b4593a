"""tests/python/pkg/test_examples.py - the ported README examples (python/examples) run and print what they say."""
import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "python" / "examples"

EXPECTED = {
    "hello.py": "Hello from WASM!\nHello from QuickJS!\nsuccess: False | error: ZeroDivisionError\nfuel: efficient\n",
    "stateful.py": "Updated: ['Alice', 'Bob', 'Charlie'], count=3\nvisits: 2\n"
                   "Updated: {'users': ['Alice', 'Bob', 'Charlie'], 'count': 3}\n",
    "sessions.py": "['data.json', 'report.txt']\n{\"KEY\": \"VALUE\"}\nWould prune 0 sessions, "
                   "reclaimed 0 B\n[]\n",
    "storage_adapter.py": "stored in SQLite\nrecords: True\n",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(tmp_path, name):
    p = subprocess.run([sys.executable, "-P", str(EXAMPLES / name)], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    assert p.stdout == EXPECTED[name]
    assert (tmp_path / "workspace").is_dir()  # the original's default root, relative to the cwd
