"""sandbox_utils._paths - the one place that turns a caller's path into a
real path inside the workspace.

Every public function of sandbox_utils passes each path argument through
resolve() before touching the file system, so none of them can read or
write outside ROOT: relative paths start at ROOT, and a path that leaves ROOT
(through "..", an absolute path elsewhere, or a symlink) raises ValueError.
"""
import os

# The workspace every path is confined to. Host-side tests point it at a
# temporary folder; nothing else should change it.
ROOT = "/app"


def _within(path, base):
    """True when the normalised absolute `path` is `base` or lies under it."""
    return path == base or path.startswith(base.rstrip("/") + "/")


def _outside(path, real):
    """Build the ValueError for a path that leaves the workspace."""
    if ".." in path.replace("\\", "/").split("/"):
        why = "'..' leads out of it"
    elif real is None:
        why = "an absolute path elsewhere"
    else:
        why = f"a symlink leads out of it, to {real}"
    return ValueError(
        f"path {path!r} is outside {ROOT} ({why}); sandbox_utils only works on "
        f"paths under {ROOT}: use a relative path like 'data.csv' or an "
        f"absolute one like '{ROOT}/data.csv'")


def resolve(path):
    """Return `path` as a normalised absolute path under ROOT.

    `path` is a str or os.PathLike, or None for ROOT itself; relative paths
    are taken from ROOT (not from the current directory). The path is checked with every symlink
    followed: the real target must be ROOT or lie under it. The path itself
    is returned unresolved, so that rm() of a link removes the link.
    Raises ValueError naming the path when it leads outside ROOT, and
    TypeError when `path` is not a path at all.
    """
    if path is None:
        path = ROOT
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"expected a path (str), got {type(path).__name__}: {path!r}")
    text = os.fspath(path)
    if text == "" or "\0" in text:
        raise ValueError(f"path {text!r} is empty or holds a NUL byte; give a file name under {ROOT}")
    top = os.path.normpath(ROOT)
    joined = os.path.normpath(os.path.join(top, text))
    if not _within(joined, top):
        raise _outside(text, None)
    real = os.path.realpath(joined)
    if not _within(real, os.path.realpath(top)):
        raise _outside(text, real)
    return joined
