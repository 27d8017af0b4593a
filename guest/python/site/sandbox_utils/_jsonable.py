"""sandbox_utils._jsonable - the one conversion of Python values into JSON
values, shared by save_state() and by the guest driver's auto-persisted
globals (guest/python/prelude.py imports it into the snapshot).

The rules are the original sandbox's (SEED-SPEC 3.1), applied recursively:

    None, str, int, float, bool    kept
    pathlib.PurePath               str(path)
    datetime, date, time           value.isoformat()
    set, frozenset                 list (in iteration order)
    bytes, bytearray               "b64:" + base64 of the bytes
    tuple, list                    list
    dict                           dict; keys json can write (str, int,
                                   float, bool, None) are kept, json turns
                                   the non-str ones into strings
    modules, functions, classes,   skipped (SKIP), also inside lists and
    other callables, I/O objects   dicts, where the item is left out
    anything else                  kept if json.dumps accepts it, else SKIP

Nothing is converted back on load: a set comes back as a list, bytes as a
"b64:..." string, a date as its ISO text.

A dict key json cannot write (a tuple, say) or a value that contains
itself raises NotJsonable: the caller decides whether that drops one
global (auto-persist, with a warning) or fails the call (save_state).
"""
import base64
import datetime
import io
import json
import pathlib
import types

# Returned for a value that is left out (a function, an open file, ...).
SKIP = object()

_KEY_TYPES = (str, int, float, bool, type(None))


class NotJsonable(ValueError):
    """A value that cannot be written as JSON at all: the message says why."""


def _is_io(value):
    """True for open files and other I/O objects (as the original judged
    them: an io.IOBase, anything with a callable fileno, or anything with
    read, close and closed)."""
    if isinstance(value, io.IOBase):
        return True
    try:
        if callable(getattr(value, "fileno", None)):
            return True
        return all(hasattr(value, name) for name in ("read", "close", "closed"))
    except Exception:  # a hostile __getattr__: not an I/O object we know
        return False


def _skipped(value):
    """True for the values that are never persisted."""
    return isinstance(value, types.ModuleType) or callable(value) or _is_io(value)


def to_json(value):
    """Return value converted by the rules above, or SKIP when it is left
    out. Raises NotJsonable for an unwritable dict key or a cycle."""
    return _convert(value, set())


def _convert(value, active):
    """to_json, with `active` the ids of the containers being converted
    (a container met again inside itself is a cycle)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if _skipped(value):
        return SKIP
    if isinstance(value, pathlib.PurePath):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return "b64:" + base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if id(value) in active:
            raise NotJsonable("it contains itself (a circular reference)")
        active.add(id(value))
        try:
            return _convert_dict(value, active) if isinstance(value, dict) else \
                _convert_items(value, active)
        finally:
            active.discard(id(value))
    try:
        json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return SKIP
    return value


def _convert_items(items, active):
    """A list of the converted items, the skipped ones left out."""
    out = []
    for item in items:
        converted = _convert(item, active)
        if converted is not SKIP:
            out.append(converted)
    return out


def _convert_dict(mapping, active):
    """A dict of the converted values, the skipped ones left out."""
    out = {}
    for key, item in mapping.items():
        if not isinstance(key, _KEY_TYPES):
            raise NotJsonable(f"it has a dict key JSON cannot hold: {key!r} ({type(key).__name__}); "
                              "use str keys, e.g. {str(k): v for k, v in d.items()}")
        converted = _convert(item, active)
        if converted is not SKIP:
            out[key] = converted
    return out
