"""tests/python/pkg/conftest.py - fixtures of the `sandbox` package tests.

Run by tests/python/run.sh (pytest in build/venv with the package
installed). No __init__.py here on purpose: tests/e2e/batteries_py.sh runs
`unittest discover -s tests/python`, which must not import these pytest files.
"""
import pathlib

import pytest


@pytest.fixture
def root(tmp_path: pathlib.Path) -> pathlib.Path:
    """A fresh sessions root (the original's workspace_root) per test."""
    return tmp_path / "ws"
