"""sandbox_utils.shell - ls, cat, touch, mkdir, rm, cp, mv and echo for
files under /app, with the familiar shell meanings but returning values
instead of printing."""
import datetime
import os
import shutil

from . import _paths


def ls(path=None, all=False, long=False):
    """List a folder (default /app): the sorted entry names, without hidden
    (".") ones unless all=True. For a file, returns [its name].
    With long=True each entry is a dict {"name", "type" ("file", "dir" or
    "link"), "size" (bytes), "modified" (ISO 8601 time)}.
    Example: ls("data", long=True)
    """
    real = _paths.resolve(path)
    if os.path.isdir(real):
        names = sorted(n for n in os.listdir(real) if all or not n.startswith("."))
        folder = real
    elif os.path.lexists(real):
        names, folder = [os.path.basename(real)], os.path.dirname(real)
    else:
        raise FileNotFoundError(f"ls: {path!r} does not exist")
    if not long:
        return names
    entries = []
    for name in names:
        info = os.lstat(os.path.join(folder, name))
        kind = "link" if os.path.islink(os.path.join(folder, name)) else \
            "dir" if os.path.isdir(os.path.join(folder, name)) else "file"
        modified = datetime.datetime.fromtimestamp(info.st_mtime, datetime.timezone.utc)
        entries.append({"name": name, "type": kind, "size": info.st_size,
                        "modified": modified.isoformat(timespec="seconds")})
    return entries


def cat(*files):
    """Return the text of the files, one after another, as one string.
    Example: print(cat("a.txt", "b.txt"))
    """
    if not files:
        raise TypeError("cat: give at least one file path")
    parts = []
    for file in files:
        real = _paths.resolve(file)
        if os.path.isdir(real):
            raise IsADirectoryError(f"cat: {file!r} is a folder; use ls() to list it")
        with open(real, encoding="utf-8", errors="replace", newline="") as f:
            parts.append(f.read())
    return "".join(parts)


def touch(path):
    """Create an empty file, or update the modification time of an
    existing one. Returns the path."""
    real = _paths.resolve(path)
    with open(real, "a", encoding="utf-8"):
        pass
    os.utime(real)
    return real


def mkdir(path, parents=True):
    """Create a folder. With parents=True (the default) missing parent
    folders are created too and an existing folder is fine; with
    parents=False the parent must exist and the folder must not.
    Returns the path."""
    real = _paths.resolve(path)
    if parents:
        os.makedirs(real, exist_ok=True)
    else:
        os.mkdir(real)
    return real


def rm(path, recursive=False, force=False):
    """Remove a file or link. A folder needs recursive=True (it is removed
    with everything in it). force=True ignores a path that does not exist.
    Returns True when something was removed, False otherwise."""
    real = _paths.resolve(path)
    if not os.path.lexists(real):
        if force:
            return False
        raise FileNotFoundError(f"rm: {path!r} does not exist (pass force=True to ignore)")
    if os.path.isdir(real) and not os.path.islink(real):
        if real == os.path.normpath(_paths.ROOT):
            raise ValueError(f"rm: refusing to remove the workspace root {_paths.ROOT}; remove its entries instead")
        if not recursive:
            raise IsADirectoryError(f"rm: {path!r} is a folder; pass recursive=True to remove it and its content")
        shutil.rmtree(real)
    else:
        os.remove(real)
    return True


def cp(src, dst, recursive=False):
    """Copy a file to `dst` (a file path, or an existing folder to copy
    into). A folder needs recursive=True; it is then copied into `dst` if
    `dst` is an existing folder, else to `dst`. Returns the new path."""
    source = _paths.resolve(src)
    target = _paths.resolve(dst)
    if os.path.isdir(target):
        target = _paths.resolve(os.path.join(target, os.path.basename(source)))
    if os.path.isdir(source):
        if not recursive:
            raise IsADirectoryError(f"cp: {src!r} is a folder; pass recursive=True to copy it")
        if target == source or target.startswith(source + "/"):
            raise ValueError(f"cp: cannot copy {src!r} into itself ({dst!r})")
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target)
    return target


def mv(src, dst):
    """Move or rename a file or folder; into `dst` if it is an existing
    folder. Returns the new path."""
    source = _paths.resolve(src)
    target = _paths.resolve(dst)
    if os.path.isdir(target):
        target = _paths.resolve(os.path.join(target, os.path.basename(source)))
    if not os.path.lexists(source):
        raise FileNotFoundError(f"mv: {src!r} does not exist")
    if source == os.path.normpath(_paths.ROOT):
        raise ValueError(f"mv: refusing to move the workspace root {_paths.ROOT}")
    shutil.move(source, target)
    return target


def echo(text, file=None, append=False):
    """Without `file`, return `text`. With `file`, write text to it (a
    newline is added unless text already ends with one), replacing the file
    or, with append=True, adding to its end; returns text.
    Example: echo("hello", "greeting.txt"); echo("more", "greeting.txt", append=True)
    """
    text = str(text)
    if file is None:
        return text
    real = _paths.resolve(file)
    with open(real, "a" if append else "w", encoding="utf-8", newline="") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    return text
