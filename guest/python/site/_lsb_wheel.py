"""_lsb_wheel - install one pure-Python wheel into a session's site-packages,
run inside the sandbox by the host's install_package tool:

    import _lsb_wheel; _lsb_wheel.main(WHEEL_PATH, SITE_DIR)

main() prints exactly one JSON line on stdout, {"ok": true, "name": ...,
"version": ..., "files": N} or {"ok": false, "reason": "..."}, and returns
normally whatever happens, so the host reads the outcome from that line.

Invariants: only wheels tagged pyN-none-any with Root-Is-Purelib: true and
no native files are accepted; every member path is checked before anything
is written; the wheel is extracted into a staging folder next to SITE_DIR
and only then renamed into place (with a journal to undo the renames), so a
refused or failed install leaves SITE_DIR as it was. Installing a project
again replaces its previous files, found through the RECORD we write.
"""
import csv
import email.parser
import importlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib

MAX_MEMBERS = 10_000                  # zip entries in one wheel
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, all members together
COPY_CHUNK = 1024 * 1024              # bytes read at a time while extracting
NATIVE_FILE = re.compile(r"\.(so|pyd|dylib|dll)(\.[0-9]+)*$", re.IGNORECASE)
PURE_PYTHON_TAG = re.compile(r"^py[0-9]+$")
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")
# NAME-VERSION.data/<kind>/...: purelib is installed like the wheel's root,
# data (files meant for sys.prefix) is skipped, the rest is refused.
DATA_INSTALLED, DATA_SKIPPED = "purelib", "data"
# name-version(-build)?-python-abi-platform.whl
WHEEL_FILENAME = re.compile(
    r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-[0-9][^-]*)?-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<platform>[^-]+)\.whl$",
    re.IGNORECASE)
INSTALLER = "lsb-wheel"
PURE_HINT = "only pure-Python wheels (tag py3-none-any) can be installed"


class Refused(Exception):
    """The wheel cannot be installed; str() is the reason for the user."""


def main(wheel_path, site_dir):
    """Install wheel_path into site_dir, print the one-line JSON outcome
    and return it as a dict. Never raises."""
    try:
        outcome = {"ok": True, **install(wheel_path, site_dir)}
    except Refused as exc:
        outcome = {"ok": False, "reason": str(exc)}
    except OSError as exc:
        outcome = {"ok": False, "reason": f"could not install {os.path.basename(str(wheel_path))}: "
                                          f"{exc.strerror or exc} ({exc.filename or 'no file'}); "
                                          "if the workspace quota is full, delete files and retry"}
    except Exception as exc:  # reported, never raised: the host reads the JSON line
        outcome = {"ok": False, "reason": f"internal error installing {os.path.basename(str(wheel_path))}: "
                                          f"{type(exc).__name__}: {exc}"}
    print(json.dumps(outcome), flush=True)
    return outcome


def normalize(name):
    """PEP 503 project name normalisation: "Foo_Bar.baz" -> "foo-bar-baz"."""
    return re.sub(r"[-_.]+", "-", name).lower()


def install(wheel_path, site_dir):
    """Check, extract and commit one wheel; return {"name", "version",
    "files"}. Raises Refused with the reason when the wheel is not
    acceptable, OSError when the file system fails."""
    wheel_path, site_dir = os.fspath(wheel_path), os.path.abspath(os.fspath(site_dir))
    filename = os.path.basename(wheel_path)
    if not os.path.isfile(wheel_path):
        raise Refused(f"{wheel_path} does not exist or is not a file")
    if filename.lower().endswith(SDIST_SUFFIXES):
        raise Refused(f"{filename} is a source distribution (sdist), which would need a build step; {PURE_HINT}")
    _check_filename_tags(filename)
    try:
        archive = zipfile.ZipFile(wheel_path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise Refused(f"{filename} is corrupt or not a zip archive ({exc}); download the wheel again") from None
    with archive:
        plan, dist_info, meta = _plan(archive, filename)
        parent = os.path.dirname(site_dir)
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".wheel-staging-", dir=parent)
        try:
            installed = _extract(archive, plan, staging, filename)
            installed += _write_metadata(staging, dist_info, installed)
            _commit(staging, site_dir, parent, meta["project"])
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    importlib.invalidate_caches()
    return {"name": meta["name"], "version": meta["version"], "files": len(installed)}


def _check_filename_tags(filename):
    """Refuse a wheel whose file name carries platform or ABI tags. A file
    name that is not in wheel form is left to the WHEEL metadata check."""
    match = WHEEL_FILENAME.match(filename)
    if match is None:
        return
    tag = f"{match['python']}-{match['abi']}-{match['platform']}"
    if not _pure_tag(tag):
        raise Refused(f"{filename} is built for a specific Python or platform (tag {tag}); {PURE_HINT}")


def _pure_tag(tag):
    """True for a tag like py3-none-any or py2.py3-none-any."""
    parts = tag.strip().split("-")
    if len(parts) != 3 or parts[1].lower() != "none" or parts[2].lower() != "any":
        return False
    return all(PURE_PYTHON_TAG.match(p) for p in parts[0].split("."))


def _member_path(name, filename):
    """Return the member's path as a list of parts, refusing absolute paths,
    "..", backslashes and NUL bytes."""
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise Refused(f"{filename} holds an absolute member path {name!r}; refusing to install it")
    if "\\" in name or "\0" in name:
        raise Refused(f"{filename} holds an unsafe member path {name!r} (backslash or NUL); refusing to install it")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Refused(f"{filename} holds a member path with '..' ({name!r}); refusing to install it")
    return parts


def _plan(archive, filename):
    """Check every member and the wheel metadata. Returns (plan, dist_info,
    meta): plan is a list of (ZipInfo, installed relative path), dist_info
    the .dist-info folder name, meta {"name", "version", "project"}."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Refused(f"{filename} has {len(infos)} members, more than the limit of {MAX_MEMBERS}")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise Refused(f"{filename} unpacks to {total} bytes, more than the limit of {MAX_UNCOMPRESSED} bytes")
    files, seen = [], set()
    for info in infos:
        parts = _member_path(info.filename, filename)
        if info.is_dir() or not parts:
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise Refused(f"{filename} holds a symlink ({info.filename}); refusing to install it")
        key = "/".join(parts)
        if key in seen:
            raise Refused(f"{filename} holds {key} twice; the archive is malformed")
        seen.add(key)
        files.append((info, parts))

    tops = {parts[0] for _, parts in files if len(parts) > 1}
    dist_infos = sorted(t for t in tops if t.endswith(".dist-info"))
    if not dist_infos:
        if {"setup.py", "pyproject.toml", "PKG-INFO"} & {parts[-1] for _, parts in files if len(parts) <= 2}:
            raise Refused(f"{filename} is a source distribution (sdist), not a wheel; {PURE_HINT}")
        raise Refused(f"{filename} has no .dist-info folder, so it is not a wheel; {PURE_HINT}")
    if len(dist_infos) > 1:
        raise Refused(f"{filename} has several .dist-info folders ({', '.join(dist_infos)}); the wheel is malformed")
    dist_info = dist_infos[0]
    wheel_meta = _read_headers(archive, f"{dist_info}/WHEEL", filename)
    if wheel_meta.get("Root-Is-Purelib", "").strip().lower() != "true":
        raise Refused(f"{filename}: {dist_info}/WHEEL does not say Root-Is-Purelib: true, "
                      f"so it holds compiled code; {PURE_HINT}")
    tags = wheel_meta.get_all("Tag") or []
    if not tags:
        raise Refused(f"{filename}: {dist_info}/WHEEL lists no Tag; the wheel is malformed")
    for tag in tags:
        for single in _expand_tag(tag):
            if not _pure_tag(single):
                raise Refused(f"{filename} is built for a specific Python or platform (tag {single}); {PURE_HINT}")
    if not any(p.lower().startswith("py3") for tag in tags for p in tag.split("-")[0].split(".")):
        raise Refused(f"{filename} is for Python 2 only (tags {', '.join(tags)}); this sandbox runs Python 3.11")
    metadata = _read_headers(archive, f"{dist_info}/METADATA", filename)
    name, version = (metadata.get("Name") or "").strip(), (metadata.get("Version") or "").strip()
    if not name or not version:
        raise Refused(f"{filename}: {dist_info}/METADATA lacks Name or Version; the wheel is malformed")

    data_dir = dist_info[: -len(".dist-info")] + ".data"
    plan = []
    for info, parts in files:
        if NATIVE_FILE.search(parts[-1]):
            raise Refused(f"{filename} contains native code ({'/'.join(parts)}); {PURE_HINT}")
        if parts[0].endswith(".data"):
            if parts[0] != data_dir or len(parts) < 3:
                raise Refused(f"{filename} holds {'/'.join(parts)} outside {data_dir}/<kind>/; the wheel is malformed")
            kind = parts[1]
            if kind == DATA_SKIPPED:
                continue
            if kind != DATA_INSTALLED:
                raise Refused(f"{filename} has {data_dir}/{kind}/ content ({'/'.join(parts)}), which cannot be "
                              f"installed here (no scripts, headers or platlib); {PURE_HINT}")
            parts = parts[2:]
        plan.append((info, "/".join(parts)))
    return plan, dist_info, {"name": name, "version": version, "project": normalize(name)}


def _expand_tag(tag):
    """Expand a compressed tag (py2.py3-none-any) into single tags."""
    parts = tag.strip().split("-")
    if len(parts) != 3:
        return [tag.strip()]
    return [f"{p}-{a}-{s}" for p in parts[0].split(".") for a in parts[1].split(".") for s in parts[2].split(".")]


def _read_headers(archive, member, filename):
    """Parse an email-style metadata member (WHEEL, METADATA)."""
    try:
        raw = archive.read(member)
    except KeyError:
        raise Refused(f"{filename} has no {member}; it is not a complete wheel") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise Refused(f"{filename} is corrupt ({member}: {exc}); download the wheel again") from None
    return email.parser.Parser().parsestr(raw.decode("utf-8", "replace"), headersonly=True)


def _extract(archive, plan, staging, filename):
    """Write every planned member under staging, counting the bytes really
    produced (sizes in the zip may lie). Returns the installed paths."""
    written = 0
    installed = []
    for info, relative in plan:
        target = os.path.join(staging, *relative.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            with archive.open(info) as source, open(target, "wb") as sink:
                while True:
                    block = source.read(COPY_CHUNK)
                    if not block:
                        break
                    written += len(block)
                    if written > MAX_UNCOMPRESSED:
                        raise Refused(f"{filename} unpacks to more than the limit of {MAX_UNCOMPRESSED} bytes")
                    sink.write(block)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise Refused(f"{filename} is corrupt ({info.filename}: {exc}); download the wheel again") from None
        installed.append(relative)
    return installed


def _write_metadata(staging, dist_info, installed):
    """Write our RECORD (every installed path, which a later install of the
    same project removes) and INSTALLER; return the paths added."""
    added = [p for p in (f"{dist_info}/RECORD", f"{dist_info}/INSTALLER") if p not in installed]
    with open(os.path.join(staging, dist_info, "INSTALLER"), "w", encoding="utf-8") as f:
        f.write(INSTALLER + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for path in sorted(set(installed) | set(added)):
        writer.writerow([path, "", ""])
    with open(os.path.join(staging, dist_info, "RECORD"), "w", encoding="utf-8") as f:
        f.write(buffer.getvalue())
    return added


def _installed_paths(site_dir, project):
    """Return (dist-info folders, recorded file paths) of the project's
    current installation in site_dir; paths from RECORD that would leave
    site_dir are ignored."""
    folders, paths = [], []
    if not os.path.isdir(site_dir):
        return folders, paths
    for entry in sorted(os.listdir(site_dir)):
        if not entry.endswith(".dist-info"):
            continue
        metadata = os.path.join(site_dir, entry, "METADATA")
        name = entry[: -len(".dist-info")].rsplit("-", 1)[0]
        try:
            with open(metadata, encoding="utf-8", errors="replace") as f:
                name = email.parser.Parser().parse(f, headersonly=True).get("Name") or name
        except OSError:
            pass
        if normalize(name) != project:
            continue
        folders.append(entry)
        try:
            with open(os.path.join(site_dir, entry, "RECORD"), encoding="utf-8", newline="") as f:
                rows = list(csv.reader(f))
        except OSError:
            rows = []
        for row in rows:
            if not row or not row[0]:
                continue
            parts = [p for p in row[0].split("/") if p not in ("", ".")]
            if not parts or ".." in parts or row[0].startswith("/") or parts[0] == entry:
                continue
            paths.append("/".join(parts))
    return folders, paths


def _commit(staging, site_dir, parent, project):
    """Move the project's old files aside, merge staging into site_dir,
    and drop the old files; on any failure undo every rename and re-raise."""
    os.makedirs(site_dir, exist_ok=True)
    trash = tempfile.mkdtemp(prefix=".wheel-old-", dir=parent)
    journal = []  # (from, to) of every rename done, to undo in reverse
    old_folders, old_paths = _installed_paths(site_dir, project)
    try:
        for relative in old_folders + old_paths:
            source = os.path.join(site_dir, relative)
            if os.path.lexists(source):
                _rename(source, os.path.join(trash, relative), journal)
        _merge(staging, site_dir, os.path.join(trash, ".replaced"), journal)
    except BaseException:
        for source, target in reversed(journal):
            try:
                os.rename(target, source)
            except OSError:
                pass
        shutil.rmtree(trash, ignore_errors=True)
        raise
    shutil.rmtree(trash, ignore_errors=True)
    _prune(site_dir, old_paths)


def _rename(source, target, journal):
    """Rename source to target, creating target's folder; log it."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.rename(source, target)
    journal.append((source, target))


def _merge(source_dir, target_dir, trash, journal):
    """Move every entry of source_dir into target_dir: a new name moves in
    whole (one rename), a folder present on both sides is merged (shared
    namespace packages), and anything else in the way goes to trash."""
    for name in sorted(os.listdir(source_dir)):
        source, target = os.path.join(source_dir, name), os.path.join(target_dir, name)
        if os.path.isdir(source) and os.path.isdir(target) and not os.path.islink(target):
            _merge(source, target, os.path.join(trash, name), journal)
            continue
        if os.path.lexists(target):
            _rename(target, os.path.join(trash, name), journal)
        _rename(source, target, journal)


def _prune(site_dir, old_paths):
    """Remove the folders the old version leaves empty (or holding only a
    __pycache__), deepest first."""
    folders = set()
    for relative in old_paths:
        parts = relative.split("/")[:-1]
        for depth in range(len(parts), 0, -1):
            folders.add("/".join(parts[:depth]))
    for relative in sorted(folders, key=lambda p: p.count("/"), reverse=True):
        folder = os.path.join(site_dir, relative)
        try:
            entries = os.listdir(folder)
            if set(entries) <= {"__pycache__"}:
                shutil.rmtree(os.path.join(folder, "__pycache__"), ignore_errors=True)
                os.rmdir(folder)
        except OSError:
            continue
