"""tests/python/test_lsb_wheel.py - host-side tests of the wheel installer
(guest/python/site/_lsb_wheel.py) on a temporary workspace: good installs,
upgrades, every refusal, and that a refusal leaves nothing behind.

    python3.11 -B -m unittest discover -s tests/python
"""
import contextlib
import importlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

# No __pycache__ in guest/python/site: its files are scripts/data.sh's cache key.
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "guest", "python", "site"))
sys.path.insert(0, HERE)

import _lsb_wheel  # noqa: E402
import wheels  # noqa: E402

CASES = wheels.cases()


class WheelTest(unittest.TestCase):
    """Each test gets a fresh /app/.lsb-like folder."""

    def setUp(self):
        self.work = tempfile.mkdtemp()
        self.site = os.path.join(self.work, ".lsb", "site-packages")
        self.incoming = os.path.join(self.work, ".lsb", "incoming")
        os.makedirs(self.incoming)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)
        for name in [m for m in sys.modules if m.startswith(("demo_pkg", "demo_pure"))]:
            del sys.modules[name]
        if self.site in sys.path:
            sys.path.remove(self.site)

    def run_main(self, name):
        """Write case `name`, run main() on it; return (outcome, stdout)."""
        path = os.path.join(self.incoming, name)
        with open(path, "wb") as f:
            f.write(CASES[name][0])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            outcome = _lsb_wheel.main(path, self.site)
        return outcome, out.getvalue()

    def snapshot(self):
        """Every path under the .lsb folder (to prove nothing changed)."""
        found = []
        for dirpath, dirnames, filenames in os.walk(os.path.join(self.work, ".lsb")):
            found += [os.path.relpath(os.path.join(dirpath, n), self.work) for n in dirnames + filenames]
        return sorted(p for p in found if "incoming" not in p)

    def test_good_wheel_installs_and_imports(self):
        outcome, printed = self.run_main("demo_pkg-1.0-py3-none-any.whl")
        self.assertEqual(printed.count("\n"), 1, printed)
        self.assertEqual(json.loads(printed), outcome)
        self.assertEqual(outcome, {"ok": True, "name": "demo-pkg", "version": "1.0", "files": 5})
        sys.path.insert(0, self.site)
        importlib.invalidate_caches()
        self.assertEqual(importlib.import_module("demo_pkg").VALUE, "1.0")
        self.assertEqual([n for n in os.listdir(os.path.dirname(self.site)) if n.startswith(".wheel")], [])

    def test_renamed_file_still_installs(self):
        outcome, _ = self.run_main("renamed.whl")
        self.assertTrue(outcome["ok"], outcome)

    def test_upgrade_replaces_old_version(self):
        self.run_main("demo_pkg-1.0-py3-none-any.whl")
        outcome, _ = self.run_main("demo_pkg-2.0-py2.py3-none-any.whl")
        self.assertTrue(outcome["ok"], outcome)
        self.assertEqual(outcome["version"], "2.0")
        entries = sorted(os.listdir(self.site))
        self.assertEqual(entries, ["demo_pkg", "demo_pkg-2.0.dist-info", "demo_pure.py"])
        with open(os.path.join(self.site, "demo_pkg", "__init__.py")) as f:
            self.assertIn("2.0", f.read())
        # and back down again: 2.0's extra files go away
        outcome, _ = self.run_main("demo_pkg-1.0-py3-none-any.whl")
        self.assertTrue(outcome["ok"], outcome)
        self.assertEqual(sorted(os.listdir(self.site)), ["demo_pkg", "demo_pkg-1.0.dist-info"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.site, "demo_pkg"))), ["__init__.py"])

    def test_other_projects_survive_an_upgrade(self):
        self.run_main("demo_pkg-1.0-py3-none-any.whl")
        os.makedirs(os.path.join(self.site, "other"))
        with open(os.path.join(self.site, "other", "__init__.py"), "w") as f:
            f.write("")
        self.run_main("demo_pkg-2.0-py2.py3-none-any.whl")
        self.assertTrue(os.path.exists(os.path.join(self.site, "other", "__init__.py")))

    def test_every_refusal_gives_its_reason_and_changes_nothing(self):
        self.run_main("demo_pkg-1.0-py3-none-any.whl")
        before = self.snapshot()
        for name, (_data, reason) in CASES.items():
            if reason is None:
                continue
            with self.subTest(name):
                outcome, printed = self.run_main(name)
                self.assertEqual(printed.count("\n"), 1)
                self.assertFalse(outcome["ok"], outcome)
                self.assertRegex(outcome["reason"], reason)
                self.assertEqual(self.snapshot(), before)

    def test_missing_file(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            outcome = _lsb_wheel.main(os.path.join(self.incoming, "nope.whl"), self.site)
        self.assertFalse(outcome["ok"])
        self.assertIn("does not exist", outcome["reason"])

    def test_failed_commit_is_undone(self):
        self.run_main("demo_pkg-1.0-py3-none-any.whl")
        before = self.snapshot()
        real_rename, calls = os.rename, []

        def failing_rename(source, target):
            calls.append(source)
            if len(calls) == 3:  # after the old files moved aside
                raise OSError(28, "No space left on device", target)
            return real_rename(source, target)

        _lsb_wheel.os.rename = failing_rename
        try:
            outcome, _ = self.run_main("demo_pkg-2.0-py2.py3-none-any.whl")
        finally:
            _lsb_wheel.os.rename = real_rename
        self.assertFalse(outcome["ok"])
        self.assertIn("No space left", outcome["reason"])
        self.assertEqual(self.snapshot(), before)

    def test_tags(self):
        self.assertTrue(_lsb_wheel._pure_tag("py3-none-any"))
        self.assertTrue(_lsb_wheel._pure_tag("py2.py3-none-any"))
        for tag in ("cp311-none-any", "py3-abi3-any", "py3-none-win32", "py3-none", "pyx-none-any"):
            self.assertFalse(_lsb_wheel._pure_tag(tag), tag)

    def test_reason_is_one_json_line_for_odd_input(self):
        outcome, printed = self.run_main("corrupt.whl")
        self.assertTrue(re.fullmatch(r"\{.*\}\n", printed), printed)


if __name__ == "__main__":
    unittest.main()
