"""setup.py - records where libllmsandbox.so is when the package is built.

Everything else is in pyproject.toml. The build writes
sandbox/_build_config.py with LIBRARY = $LSB_CONFIGURE_LIBRARY, or else the
build/libllmsandbox.so of the checkout this python/ folder belongs to when
it exists, so an installed package finds the library it was built beside.
"""
import os

from setuptools import setup
from setuptools.command.build_py import build_py


def _library() -> str:
    """The library path to record, or "" for none."""
    configured = os.environ.get("LSB_CONFIGURE_LIBRARY", "")
    if configured:
        return os.path.abspath(configured)
    here = os.path.dirname(os.path.abspath(__file__))
    candidate = os.path.join(os.path.dirname(here), "build", "libllmsandbox.so")
    return candidate if os.path.exists(candidate) else ""


class BuildPyWithConfig(build_py):
    """build_py that also writes sandbox/_build_config.py."""

    def run(self) -> None:
        super().run()
        path = os.path.join(self.build_lib, "sandbox", "_build_config.py")
        lib = _library()
        with open(path, "w", encoding="utf-8") as fh:
            fh.write('"""Written by python/setup.py at build time: where libllmsandbox.so was."""\n')
            fh.write(f"LIBRARY = {lib!r} or None\n")


setup(cmdclass={"build_py": BuildPyWithConfig})
