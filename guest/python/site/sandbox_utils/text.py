"""sandbox_utils.text - grep, sed, head, tail, wc and diff on text files
under /app (read as UTF-8; undecodable bytes become U+FFFD)."""
import glob
import os
import re

from . import _paths

GLOB_CHARS = "*?["


def _read(path):
    """Return the text of a file under /app."""
    real = _paths.resolve(path)
    if os.path.isdir(real):
        raise IsADirectoryError(f"{path!r} is a folder, not a file")
    with open(real, encoding="utf-8", errors="replace", newline="") as f:
        return f.read()


def _expand(files):
    """Turn grep's `files` argument into a list of (shown name, real path):
    one path, a glob pattern, a folder (searched recursively) or a list."""
    if isinstance(files, (str, bytes, os.PathLike)):
        files = [files]
    result = []
    for item in files:
        text = os.fsdecode(os.fspath(item))
        if any(c in text for c in GLOB_CHARS):
            pattern = _paths.resolve(os.path.dirname(text) or ".")
            pattern = os.path.join(pattern, os.path.basename(text))
            matches = sorted(glob.glob(pattern, recursive=True))
            result.extend(m for m in matches if os.path.isfile(_paths.resolve(m)))
        elif os.path.isdir(_paths.resolve(text)):
            for dirpath, dirnames, filenames in os.walk(_paths.resolve(text)):
                dirnames.sort()
                for name in sorted(filenames):
                    full = os.path.join(dirpath, name)
                    if os.path.isfile(_paths.resolve(full)):
                        result.append(full)
        else:
            result.append(_paths.resolve(text))
    return result


def grep(pattern, files, regex=True, ignore_case=False):
    """Search files for lines matching `pattern`; return a list of
    (file, line_no, line) tuples: file the absolute path as a str, line_no
    counting from 1, line without its newline.

    `files` is a path, a glob pattern ("*.log", "src/**/*.py"), a folder
    (searched recursively) or a list of those (find()'s Paths work too). With regex=False the
    pattern is a plain substring. ignore_case=True ignores case.
    Example: for f, n, line in grep("ERROR", "*.log"): print(f, n, line)
    """
    flags = re.IGNORECASE if ignore_case else 0
    matcher = re.compile(pattern if regex else re.escape(pattern), flags)
    hits = []
    for path in _expand(files):
        for number, line in enumerate(_read(path).splitlines(), start=1):
            if matcher.search(line):
                hits.append((path, number, line))
    return hits


def sed(pattern, repl, text, count=0, flags=0):
    """Return `text` (a string) with every match of the regular expression
    `pattern` replaced by `repl`, as re.sub does (\\1 and \\g<name> work).
    count > 0 limits the replacements. To edit a file:
    echo(sed(r"v1", "v2", cat("conf.txt")), "conf.txt").
    """
    if not isinstance(text, str):
        raise TypeError(f"sed: text must be a string (use cat(path) to read a file), got {type(text).__name__}")
    return re.sub(pattern, repl, text, count=count, flags=flags)


def head(file, lines=10):
    """Return the first `lines` lines of a file as one string (each line
    keeps its newline)."""
    if lines < 0:
        raise ValueError(f"head: lines must be >= 0, got {lines!r}")
    return "".join(_read(file).splitlines(True)[:lines])


def tail(file, lines=10):
    """Return the last `lines` lines of a file as one string (each line
    keeps its newline)."""
    if lines < 0:
        raise ValueError(f"tail: lines must be >= 0, got {lines!r}")
    all_lines = _read(file).splitlines(True)
    return "".join(all_lines[len(all_lines) - lines:]) if lines else ""


def wc(file):
    """Count a file's lines, words and characters, like `wc`: returns
    {"lines": ..., "words": ..., "chars": ...}. lines counts newline
    characters, so a last line without one is not counted (as in wc)."""
    text = _read(file)
    return {"lines": text.count("\n"), "words": len(text.split()), "chars": len(text)}


def diff(file1, file2, context=3, text=False):
    """Return a unified diff (a string, empty when equal) from file `file1`
    to file `file2`, with `context` lines around each change. With
    text=True, `file1` and `file2` are the two texts themselves instead of
    paths.
    Example: print(diff("old.txt", "new.txt"))
    """
    import difflib

    if text:
        left, right, name_a, name_b = file1, file2, "a", "b"
    else:
        left, right = _read(file1), _read(file2)
        name_a, name_b = _paths.resolve(file1), _paths.resolve(file2)
    return "".join(difflib.unified_diff(_diff_lines(left), _diff_lines(right),
                                        fromfile=name_a, tofile=name_b, n=context))


def _diff_lines(text):
    """Split text for difflib, ending the last line with a newline so that
    the diff stays one change per line."""
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines
