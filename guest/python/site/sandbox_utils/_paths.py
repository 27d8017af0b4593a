"""sandbox_utils._paths - the one place that turns a caller's path into a
real path inside the workspace.

Every public function of sandbox_utils passes each path argument through
resolve() before touching the file system, so none of them can read or
write outside ROOT: relative paths start at ROOT, and a path that leaves ROOT
(through "..", an absolute path elsewhere, or a symlink) raises ValueError.
"""
import os

# The workspace as the guest names it: the default folder of the functions,
# and the prefix every path must have once made absolute.
MOUNT = "/app"
# The real folder behind MOUNT, where every path is confined. The same in
# the guest; host-side tests point it at a temporary folder (a MOUNT path
# then maps onto it) and nothing else should change it.
ROOT = MOUNT


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
        f"Path must be within {MOUNT}: {path!r} is outside it ({why}); sandbox_utils "
        f"only works on paths under {MOUNT}: use a relative path like 'data.csv' or "
        f"an absolute one like '{MOUNT}/data.csv'")


def resolve(path):
    """Return `path` as a normalised absolute path under ROOT.

    `path` is a str or os.PathLike, or None for ROOT itself; relative paths
    are taken from ROOT (not from the current directory), and MOUNT paths
    ("/app/x") name ROOT's files. The path is checked with every symlink
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
    mapped = top + text[len(MOUNT):] if text == MOUNT or text.startswith(MOUNT + "/") else text
    joined = os.path.normpath(os.path.join(top, mapped))
    if not _within(joined, top):
        raise _outside(text, None)
    real = os.path.realpath(joined)
    if not _within(real, os.path.realpath(top)):
        raise _outside(text, real)
    return joined
