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
    # the original's examples/ that need no network, under their names
    "demo.py": "1. compute: 332833500 | success: True\n2. unicode: café ☕ 日本\n"
               "3. files: Ada,3 | created: ['report.csv']\n4. vendored package: ['Ada', '3']\n"
               "5. error: False KeyError | guidance given: True\n6. runaway loop: False exhausted\n",
    "demo_javascript.py": "1. compute: 2,4,6\n2. json: {\"city\":\"Zürich\",\"temp\":21.5}\n"
                          "3. files: héllo | created: ['note.txt']\n4. vendored lodash: 2\n"
                          "5. error: False TypeError\n",
    "demo_javascript_session.py": "turn 3: apple+pear 3.5\nnew sandbox object, same session: 2\n"
                                  "files: cart.txt\n",
    "demo_session_workflow.py": "guest: regions: 2 | created: ['output/totals.json']\n"
                                "host reads: {\"nord\": 15, \"süd\": 32}\n"
                                "listing: ['input/sales.csv', 'output/totals.json']\n"
                                "after delete: []\nafter workspace delete: []\n",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(tmp_path, name):
    p = subprocess.run([sys.executable, "-P", str(EXAMPLES / name)], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    assert p.stdout == EXPECTED[name]
    assert (tmp_path / "workspace").is_dir()  # the original's default root, relative to the cwd
