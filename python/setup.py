"""setup.py - records where libllmsandbox.so is when the package is built.

Everything else is in pyproject.toml. The build writes
sandbox/_build_config.py with LIBRARY = $LSB_CONFIGURE_LIBRARY, or else the
build/libllmsandbox.so of the checkout this python/ folder belongs to when
it exists, so an installed package finds the library it was built beside;
likewise CLI ($LSB_CONFIGURE_CLI, build/llm-sandbox) for `python -m mcp_server`.
"""
import os

from setuptools import setup
from setuptools.command.build_py import build_py


def _configured(variable: str, name: str) -> str:
    """The path to record for build/NAME: $VARIABLE, else the checkout's file if it exists, else ""."""
    configured = os.environ.get(variable, "")
    if configured:
        return os.path.abspath(configured)
    here = os.path.dirname(os.path.abspath(__file__))
    candidate = os.path.join(os.path.dirname(here), "build", name)
    return candidate if os.path.exists(candidate) else ""


class BuildPyWithConfig(build_py):
    """build_py that also writes sandbox/_build_config.py."""

    def run(self) -> None:
        super().run()
        path = os.path.join(self.build_lib, "sandbox", "_build_config.py")
        lib = _configured("LSB_CONFIGURE_LIBRARY", "libllmsandbox.so")
        cli = _configured("LSB_CONFIGURE_CLI", "llm-sandbox")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write('"""Written by python/setup.py at build time: where libllmsandbox.so and llm-sandbox were."""\n')
            fh.write(f"LIBRARY = {lib!r} or None\n")
            fh.write(f"CLI = {cli!r} or None\n")


setup(cmdclass={"build_py": BuildPyWithConfig})
