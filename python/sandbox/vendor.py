"""sandbox.vendor - the original's helpers for a folder of vendored packages.

The sandbox already mounts its own vendored packages read-only at /data
(built at `make` time from Debian's pure-Python packages: see the README's
Batteries); list_vendored_packages() with no folder lists those. The other
helpers manage a folder of one's own, as the original's did: make it,
pip-install pure-Python wheels into it (from a local wheel or index: PyPI
may be out of reach), copy it into a workspace, empty it. A session
imports such packages from /app/site-packages, or gets a wheel through
install_package.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Union

from . import _lib

PathLike = Union[str, Path]
SITE_PACKAGES = "site-packages"
RECOMMENDED_PACKAGES = [
    "certifi", "charset-normalizer", "idna", "urllib3", "openpyxl", "XlsxWriter", "PyPDF2", "odfpy",
    "mammoth", "six", "python-dateutil", "tabulate", "jinja2", "MarkupSafe", "markdown", "attrs", "defusedxml",
]
GUEST_PYTHON_VERSION = "3.11"  # the guest's CPython; the original's default was 3.12


def setup_vendor_dir(vendor_dir: PathLike = "vendor") -> Path:
    """Create vendor_dir/site-packages (and its parents); returns it."""
    site = Path(vendor_dir) / SITE_PACKAGES
    site.mkdir(parents=True, exist_ok=True)
    return site


def install_pure_python_package(package: str, vendor_dir: PathLike = "vendor",
                                python_version: str = GUEST_PYTHON_VERSION) -> bool:
    """pip-install package (a name or a wheel file) into vendor_dir/site-packages as a pure-Python
    wheel only (--only-binary=:all: --no-deps, for the guest's Python); True when pip succeeded."""
    site = setup_vendor_dir(vendor_dir)
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(site), "--only-binary=:all:",
           "--no-deps", "--python-version", python_version, "--implementation", "py", "--abi", "none",
           "--platform", "any", package]
    return subprocess.run(cmd, capture_output=True, text=True).returncode == 0


def copy_vendor_to_workspace(vendor_dir: PathLike, workspace_dir: PathLike) -> Path:
    """Copy vendor_dir/site-packages into workspace_dir/site-packages (links are copied as links,
    never followed); returns the copy. The guest sees it at /app/site-packages."""
    source = Path(vendor_dir) / SITE_PACKAGES
    if not source.is_dir():
        raise FileNotFoundError(f"No vendored packages at {source} (run setup_vendor_dir first)")
    target = Path(workspace_dir) / SITE_PACKAGES
    shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    return target


def clean_vendor_dir(vendor_dir: PathLike = "vendor") -> None:
    """Remove vendor_dir/site-packages and everything in it (nothing when absent)."""
    shutil.rmtree(Path(vendor_dir) / SITE_PACKAGES, ignore_errors=True)


def builtin_site_packages() -> Optional[Path]:
    """The host folder the sandbox mounts at /data/site-packages, found as the library finds its
    assets ($LSB_ASSETS_DIR, ../share/llm-wasm-sandbox or assets/ beside libllmsandbox.so)."""
    env = os.environ.get("LSB_ASSETS_DIR")
    candidates = [Path(env)] if env else []
    lib_path = _loaded_library_path()
    if lib_path is not None:
        candidates += [lib_path.parent.parent / "share" / "llm-wasm-sandbox", lib_path.parent / "assets"]
    for assets in candidates:
        if (assets / "data" / SITE_PACKAGES).is_dir():
            return assets / "data" / SITE_PACKAGES
    return None


def _loaded_library_path() -> Optional[Path]:
    """Where libllmsandbox.so was loaded from (this process's memory map)."""
    _lib.lib()
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
        for line in maps:
            path = line.split(maxsplit=5)[-1].strip()
            if "libllmsandbox.so" in os.path.basename(path):
                return Path(path).resolve()
    return None


def list_vendored_packages(vendor_dir: Optional[PathLike] = None) -> List[str]:
    """Package names in vendor_dir/site-packages (the sandbox's own /data packages when None): the
    folders' names cut at the first '-', '_' written '-', sorted, without caches and private ones."""
    site = Path(vendor_dir) / SITE_PACKAGES if vendor_dir is not None else builtin_site_packages()
    if site is None or not site.is_dir():
        return []
    names = {p.name.split("-")[0].replace("_", "-") for p in site.iterdir()
             if p.is_dir() and not p.name.startswith(("_", "."))}
    return sorted(names, key=str.lower)


__all__ = ["RECOMMENDED_PACKAGES", "setup_vendor_dir", "install_pure_python_package", "copy_vendor_to_workspace",
           "clean_vendor_dir", "list_vendored_packages", "builtin_site_packages"]
