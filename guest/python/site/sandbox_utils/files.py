"""sandbox_utils.files - finding, listing, copying and removing file trees
under /app. Every path goes through _paths.resolve(); walks never follow
symlinked directories, so they cannot wander out of the workspace."""
import fnmatch
import os
import pathlib
import shutil

from . import _paths


def _match(pattern, name, relative):
    """True when a shell-style pattern matches a name, or, if the pattern
    holds a "/", the path relative to the search root."""
    if "/" in pattern:
        return fnmatch.fnmatchcase(relative, pattern)
    return fnmatch.fnmatchcase(name, pattern)


def _walk(top):
    """Yield (dirpath, dirnames, filenames) under top, sorted, not following
    symlinked directories; a symlink is listed as a file."""
    for dirpath, dirnames, filenames in os.walk(top):
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        dirnames[:] = sorted(d for d in dirnames if d not in links)
        yield dirpath, dirnames, sorted(filenames + links)


def find(pattern="*", path="/app", recursive=True):
    """Return the sorted paths (pathlib.Path objects) of files and folders
    under `path` whose name matches the shell-style `pattern` ("*.csv",
    "report_??.txt", "data*"); `path` defaults to /app.

    A pattern holding "/" is matched against the path relative to `path`
    ("sub/*.py"). With recursive=False only the entries directly in `path`
    are considered. `path` itself is never part of the result.
    Example: find("*.csv") -> [Path("/app/a.csv"), Path("/app/in/b.csv")];
             [str(p) for p in find("*.csv")] for plain strings.
    """
    top = _paths.resolve(path)
    if not os.path.isdir(top):
        raise NotADirectoryError(f"find: {path!r} is not a folder; give the folder to search in")
    found = []
    for dirpath, dirnames, filenames in _walk(top):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            if _match(pattern, name, os.path.relpath(full, top)):
                found.append(full)
        if not recursive:
            break
    return [pathlib.Path(p) for p in sorted(found)]


def tree(path="/app", max_depth=None):
    """Return a drawing of the folder tree under `path` (default /app) as a
    string, one entry per line, folders first and marked with "/"; symlinks
    show their target. max_depth=1 shows only the entries directly in `path`.
    Example: print(tree()) ->
        /app
        |-- data/
        |   `-- a.csv
        `-- notes.txt
    """
    top = _paths.resolve(path)
    if not os.path.isdir(top):
        raise NotADirectoryError(f"tree: {path!r} is not a folder")
    if max_depth is not None and max_depth < 0:
        raise ValueError(f"tree: max_depth must be None or >= 0, got {max_depth!r}")
    lines = [top]

    def draw(folder, prefix, depth):
        """Append the lines for the entries of folder."""
        if max_depth is not None and depth >= max_depth:
            return
        entries = sorted(os.scandir(folder), key=lambda e: (not _is_real_dir(e), e.name))
        for i, entry in enumerate(entries):
            last = i == len(entries) - 1
            label = entry.name
            if entry.is_symlink():
                label += " -> " + os.readlink(entry.path)
            elif entry.is_dir():
                label += "/"
            lines.append(prefix + ("`-- " if last else "|-- ") + label)
            if _is_real_dir(entry):
                draw(entry.path, prefix + ("    " if last else "|   "), depth + 1)

    draw(top, "", 0)
    return "\n".join(lines)


def _is_real_dir(entry):
    """True for a folder that is not a symlink."""
    return entry.is_dir(follow_symlinks=False)


def walk(path="/app", filter_func=None):
    """Return an iterator over the paths (pathlib.Path objects) of all files
    (not folders) under `path` (default /app), recursively, each folder's
    files in name order before its subfolders. filter_func, if given, is
    called with each Path and keeps the file when it returns true.
    The path is checked at once; the folders are read as you iterate.
    Example: for p in walk("/app", filter_func=lambda p: p.suffix == ".json"): print(p)
             list(walk("data")) for a list.
    """
    top = _paths.resolve(path)
    if not os.path.isdir(top):
        raise NotADirectoryError(f"walk: {path!r} is not a folder")
    return _walk_files(top, filter_func)


def _walk_files(top, filter_func):
    """The generator behind walk()."""
    for dirpath, _dirnames, filenames in _walk(top):
        for name in filenames:
            full = pathlib.Path(dirpath, name)
            if filter_func is None or filter_func(full):
                yield full


def copy_tree(src, dst):
    """Copy the folder `src` and everything in it to `dst`, merging into
    `dst` if it already exists (files there are overwritten). Symlinks are
    copied as links, never followed. Returns the destination path.
    Example: copy_tree("project", "backup/project")
    """
    source = _paths.resolve(src)
    target = _paths.resolve(dst)
    if not os.path.isdir(source):
        raise NotADirectoryError(f"copy_tree: source {src!r} is not a folder (use cp() for a file)")
    if target == source or target.startswith(source + "/"):
        raise ValueError(f"copy_tree: cannot copy {src!r} into itself ({dst!r})")
    shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    return target


def remove_tree(path, pattern=None):
    """Without `pattern`: remove the folder `path` and everything in it.
    With a shell-style `pattern` ("*.tmp"): remove only the files under
    `path` (recursively) whose name matches, keeping folders.
    Returns the list of removed paths (the folder itself, or the files).
    The workspace root itself cannot be removed; remove its entries instead.
    """
    top = _paths.resolve(path)
    if not os.path.isdir(top) or os.path.islink(top):
        raise NotADirectoryError(f"remove_tree: {path!r} is not a folder (use rm() for a file)")
    if pattern is None:
        if top == os.path.normpath(_paths.ROOT):
            raise ValueError(f"remove_tree: refusing to remove the workspace root {_paths.ROOT} itself; "
                             "remove the entries in it instead, e.g. rm(name, recursive=True) for each name in ls()")
        shutil.rmtree(top)
        return [top]
    removed = []
    for dirpath, _dirnames, filenames in _walk(top):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if _match(pattern, name, os.path.relpath(full, top)):
                os.remove(full)
                removed.append(full)
    return removed
