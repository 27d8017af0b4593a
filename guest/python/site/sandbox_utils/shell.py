"""sandbox_utils.shell - ls, cat, touch, mkdir, rm, cp, mv and echo for
files under /app, with the familiar shell meanings but returning values
instead of printing."""
import datetime
import os
import shutil
import stat

from . import _paths


def ls(path="/app", all=False, long=False):
    """List a folder (default /app): the sorted entry names, without hidden
    (".") ones unless all=True. For a file, returns [its name].
    With long=True each entry is a dict: "name", "is_dir" (bool), "size"
    (bytes), "type" ("file", "dir" or "link"), "modified" (ISO 8601 time,
    UTC) and "permissions" (as ls -l shows them, e.g. "-rw-------").
    Example: for e in ls("data", long=True): print(e["name"], e["size"])
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
    return [_long_entry(os.path.join(folder, name)) for name in names]


def _long_entry(full):
    """The ls(long=True) dict of one entry."""
    info = os.lstat(full)
    is_dir = os.path.isdir(full)
    kind = "link" if stat.S_ISLNK(info.st_mode) else "dir" if is_dir else "file"
    modified = datetime.datetime.fromtimestamp(info.st_mtime, datetime.timezone.utc)
    return {"name": os.path.basename(full), "is_dir": is_dir, "size": info.st_size, "type": kind,
            "modified": modified.isoformat(timespec="seconds"), "permissions": _permissions(full, info)}


def _permissions(full, info):
    """ls -l's mode text. The sandbox's file system (WASI) reports no
    permission bits, so when there are none the owner's are what this
    sandbox allows (os.access), e.g. "-r--------" for a read-only file."""
    if stat.S_IMODE(info.st_mode):
        return stat.filemode(info.st_mode)
    owner = "".join(flag if os.access(full, mode) else "-"
                    for flag, mode in (("r", os.R_OK), ("w", os.W_OK)))
    owner += "x" if stat.S_ISDIR(info.st_mode) else "-"
    return stat.filemode(info.st_mode)[0] + owner + "------"


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
    """Without `file`, print `text` (like the shell's echo) and return it.
    With `file`, write text to it (a newline is added unless text already
    ends with one), replacing the file or, with append=True, adding to its
    end, and return text.
    Example: echo("hello", "greeting.txt"); echo("more", "greeting.txt", append=True)
    """
    text = str(text)
    if file is None:
        print(text)
        return text
    real = _paths.resolve(file)
    with open(real, "a" if append else "w", encoding="utf-8", newline="") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    return text
