# prelude.py - the Python half of the guest driver, run once by lsb_init().
#
# It prepares the interpreter that the snapshot freezes (working directory,
# warm imports, /data/site-packages on sys.path) and defines run(), which
# lsb_run() calls for every request: fetch the code from the host, apply the
# per-run environment and options, reseed what the snapshot froze, execute
# in __main__ and report the outcome. Tracebacks show only the user's
# frames, with the user's own line numbers and lines.
#
# Sessions (options from lsb_abi.h): a live session runs many requests in
# one interpreter, so __main__ keeps every object between runs. With
# auto_persist_globals the host also sends state_file, and after each
# successful run the globals whose names do not start with "_" are written
# there as JSON, converted as the original sandbox did (SEED-SPEC 3.1,
# sandbox_utils/_jsonable.py): paths and dates become strings, sets and
# tuples lists, bytes "b64:..." strings; modules, functions, classes and
# open files are skipped, also inside containers. A global that cannot be
# written at all (a dict with tuple keys, a cycle) is left out with a
# warning naming it; the others are still saved. Nothing is converted back:
# a re-materialised session (restore=1) loads the JSON values as they are.
#
# inject_setup=0 (a host option beside lsb_abi.h's): the run sees Python as
# the original's inject_setup=False did, without /data/site-packages on
# sys.path and without the modules imported from there (the warm imports
# below), so `import tabulate` fails; both come back after the run.
import errno
import gc
import importlib
import json
import linecache
import os
import random
import sys
import traceback

import _lsb

# The driver ran this prelude with PyEval_EvalCode, which does not put
# __builtins__ into the module's globals. C code that imports while a
# prelude frame is current looks it up there: the parser importing
# unicodedata to normalise a non-ASCII identifier (`naïve = 1`) failed with
# KeyError: '__builtins__'.
globals().setdefault("__builtins__", __import__("builtins"))

REQ_CODE, REQ_ENV, REQ_FILENAME, REQ_OPTIONS = 0, 1, 2, 4
EMIT_WARNING = 1
DEFAULT_FILENAME = "<string>"
DATA_SITE = "/data/site-packages"
STATE_MAX_DEFAULT = 10 * 1024 * 1024

if DATA_SITE not in sys.path:
    sys.path.append(DATA_SITE)

# The vendored packages that cost the most to import (0.1 to 2.5 billion
# fuel each) are imported into the snapshot too, so a run that uses them
# pays nothing for the import. Missing ones (a build without /data) are
# simply left out.
VENDOR_WARM_IMPORTS = ("openpyxl", "PyPDF2", "urllib3", "jinja2", "attr", "yaml", "markdown",
                       "xlsxwriter", "charset_normalizer", "tabulate", "sandbox_utils")
for _name in VENDOR_WARM_IMPORTS:
    try:
        __import__(_name)
    except ImportError:
        pass

# The conversion of persisted globals is sandbox_utils' (one implementation
# for auto-persist and save_state); this reference keeps working in runs
# that hide /data/site-packages (inject_setup=0).
from sandbox_utils._jsonable import SKIP as _SKIP, NotJsonable as _NotJsonable, to_json as _to_json  # noqa: E402

# Modules imported now are part of the snapshot, so user code pays nothing
# for them. Keep this list to what LLM-written code imports most often.
WARM_IMPORTS = ("json", "re", "math", "collections", "itertools", "functools",
                "datetime", "string", "textwrap", "io", "base64", "hashlib")
for _name in WARM_IMPORTS:
    __import__(_name)


def _no_network(*args, **kwargs):
    """The resolver calls WASI's socket module lacks: refuse with the reason."""
    raise OSError(errno.ENOTSUP, "no network in this sandbox (name lookup and "
                  "connections are not available): put the data in /app or /external")


# WASI's _socket has no resolver, so socket.create_connection() and
# urllib.request.urlopen() died with "AttributeError: module '_socket' has no
# attribute 'getaddrinfo'", which does not say why (tests/attack/guest.sh,
# s04). The stand-ins give a clear OSError (urllib wraps it in URLError).
import _socket  # noqa: E402
import socket  # noqa: E402
for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo"):
    for _module in (_socket, socket):
        if not hasattr(_module, _name):
            setattr(_module, _name, _no_network)

os.chdir("/app")
BASE_ENVIRON = dict(os.environ)


def _warm_up():
    """Walk the per-request path once, at init: CPython builds some state
    lazily on first use (the ~200 AST types behind compile(), the traceback
    machinery), and doing it here puts it in the snapshot instead of making
    every run pay for it (it was most of the cost of running "pass")."""
    exec(compile("pass", "<warm-up>", "exec", dont_inherit=True), {})
    try:
        raise ValueError("warm-up")
    except ValueError as exc:
        traceback.format_exception(type(exc), exc, exc.__traceback__)


_warm_up()

# Everything alive now is in the snapshot and shared copy-on-write by every
# process forked from it; the collector must not walk (and so write to) those
# objects in every run, which would copy their pages. freeze() moves them to
# a permanent generation.
gc.collect()
gc.freeze()


# The last environment block applied and os.environ's raw content after it:
# a live session's next run with the same block, whose code did not touch
# os.environ, skips the reset (it was a third of the cost of a small run).
_env_applied = (None, None)


def _apply_environment(block):
    """Reset os.environ to the safe base set plus this run's K=V pairs."""
    global _env_applied
    if _env_applied[0] == block and _env_applied[1] == os.environ._data:
        return
    os.environ.clear()
    os.environ.update(BASE_ENVIRON)
    for item in block.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep and key:
            os.environ[key.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
    _env_applied = (block, dict(os.environ._data))


def _report(exc, tb):
    """Print exc with the user's frames only, and name it to the host."""
    traceback.print_exception(type(exc), exc, tb)
    message = str(exc)
    _lsb.report_error(type(exc).__name__, message[:4096])


def _exit_status(exc):
    """Map a SystemExit to a process exit status, as CPython's main does."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _warn(text):
    """Hand the host one warning for the result."""
    _lsb.emit(EMIT_WARNING, text)


def _options():
    """This run's options as a dict (lsb_abi.h: "key=value" lines)."""
    options = {}
    for line in _lsb.request(REQ_OPTIONS).decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            options[key.strip()] = value
    return options


def _state_max(options):
    """The state file size limit the host set, or the default."""
    try:
        return max(0, int(options.get("state_max", STATE_MAX_DEFAULT)))
    except ValueError:
        return STATE_MAX_DEFAULT


def _read_state(path, limit):
    """The dict stored at path, None when there is none, or None after a
    warning when the file is unreadable, oversized, corrupt or not an
    object (the session then starts with fresh state)."""
    fresh = "; the session starts with fresh state"
    try:
        size = os.stat(path).st_size
        if size > limit:
            _warn("the state file %s is %d bytes, over the %d-byte limit%s" % (path, size, limit, fresh))
            return None
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        _warn("the state file %s could not be read (%s: %s)%s" % (path, type(exc).__name__, exc, fresh))
        return None
    if not isinstance(data, dict):
        _warn("the state file %s holds a JSON %s, not an object%s" % (path, type(data).__name__, fresh))
        return None
    return data


def _restore_state(path, limit):
    """Load the persisted globals at path into __main__."""
    data = _read_state(path, limit)
    main = sys.modules["__main__"].__dict__
    for name, value in (data or {}).items():
        if isinstance(name, str) and name.isidentifier() and not name.startswith("_"):
            main[name] = value


def _persistable(namespace):
    """The entries of namespace that persist, converted (see the header
    comment); a global that cannot be written is left out with a warning."""
    kept = {}
    for name, value in list(namespace.items()):
        if not isinstance(name, str) or name.startswith("_"):
            continue
        try:
            converted = _to_json(value)
        except (_NotJsonable, RecursionError) as exc:
            why = str(exc) if isinstance(exc, _NotJsonable) else "it is nested too deeply"
            _warn("the global %r was not saved with the session state: %s" % (name, why))
            continue
        if converted is not _SKIP:
            kept[name] = converted
    return kept


def _persist_state(path, limit):
    """Write the persistable globals of __main__ to path (temp + rename);
    a failure (a full disk) is a warning, never a failed run, and leaves
    the old file whole and no temp file behind."""
    text = json.dumps(_persistable(sys.modules["__main__"].__dict__))
    data = text.encode("utf-8")
    if len(data) > limit:
        _warn("the globals need %d bytes of JSON, over the %d-byte state limit; they were not "
              "saved (keep large data in files under /app)" % (len(data), limit))
        return
    temp = path + ".tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except OSError as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        _warn("the globals could not be saved to %s (%s)" % (path, exc))


def _from_data_site(module):
    """True for a module loaded from /data/site-packages."""
    where = [getattr(module, "__file__", None) or ""]
    where.extend(getattr(module, "__path__", None) or ())
    return any(isinstance(w, str) and w.startswith(DATA_SITE + "/") for w in where)


def _hide_data_site():
    """Take /data/site-packages off sys.path and its modules out of
    sys.modules for one run (inject_setup=0); return what _unhide_data_site
    needs to put them back."""
    position = sys.path.index(DATA_SITE) if DATA_SITE in sys.path else len(sys.path)
    sys.path[:] = [p for p in sys.path if p != DATA_SITE]
    hidden = {name: module for name, module in list(sys.modules.items()) if _from_data_site(module)}
    for name in hidden:
        del sys.modules[name]
    importlib.invalidate_caches()
    return position, hidden


def _unhide_data_site(saved):
    """Undo _hide_data_site after the run: /data/site-packages back on
    sys.path (once), and every hidden module the run did not import again."""
    position, hidden = saved
    if DATA_SITE not in sys.path:
        sys.path.insert(min(position, len(sys.path)), DATA_SITE)
    for name, module in hidden.items():
        sys.modules.setdefault(name, module)


_site_checked = False


def _use_site_dir(path):
    """Put the session's own package folder first on sys.path if it exists,
    once per process (install_package adds it itself when it creates it)."""
    global _site_checked
    if _site_checked or not path:
        return
    _site_checked = True
    if os.path.isdir(path):
        if path not in sys.path:
            sys.path.insert(0, path)
        importlib.invalidate_caches()


def _execute(text, filename, namespace):
    """Compile and run text in namespace; return the exit status."""
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    try:
        code = compile(text, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        _report(exc, None)
        return 1
    try:
        exec(code, namespace)
    except SystemExit as exc:
        return _exit_status(exc)
    except BaseException as exc:  # the user's error, reported, never raised
        tb = exc.__traceback__
        _report(exc, tb.tb_next if tb is not None else None)
        return 1
    return 0


def run():
    """Run one request from the host and return its exit status."""
    # Every process forked from the snapshot (or from a session) would
    # otherwise draw the same numbers; 64 random bits seed Mersenne Twister
    # at a fraction of the cost of random.seed()'s 2,496 bytes. The top bit
    # is set before the conversion so the seed always has the same size, and
    # so costs the same fuel: fuel must not depend on the random draw.
    seed = bytearray(os.urandom(8))
    seed[-1] |= 0x80
    random.seed(int.from_bytes(seed, "little"))
    _apply_environment(_lsb.request(REQ_ENV))
    filename = _lsb.request(REQ_FILENAME).decode("utf-8", "replace") or DEFAULT_FILENAME
    sys.argv = [filename]
    options = _options()
    state_file, limit = options.get("state_file"), _state_max(options)
    scratch = options.get("scratch") == "1"
    try:
        text = _lsb.request(REQ_CODE).decode("utf-8")
    except UnicodeDecodeError as exc:
        _report(exc, None)
        return 1
    _use_site_dir(options.get("site_dir"))
    if state_file and options.get("restore") == "1" and not scratch:
        _restore_state(state_file, limit)
    namespace = {"__name__": "__lsb_scratch__"} if scratch else sys.modules["__main__"].__dict__
    hidden = _hide_data_site() if options.get("inject_setup") == "0" else None
    try:
        status = _execute(text, filename, namespace)
        if status == 0 and state_file and not scratch:
            _persist_state(state_file, limit)
        return status
    finally:
        if hidden is not None:
            _unhide_data_site(hidden)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
