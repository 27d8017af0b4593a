"""sandbox.state - the original's state helpers (SEED-SPEC 3.1): code generators.

These build Python source that runs *in the guest* to keep JSON-able
globals in a file of /app, as the original's auto-persist did. Our
auto_persist_globals does not use them (a live session keeps every object,
and the library keeps its own state file outside the listings); they are
here for code written against the original that calls them directly.
"""
from __future__ import annotations

import types
from typing import Any, Dict

DEFAULT_STATE_FILE = "/app/.session_state.json"

_IO_TYPE_NAMES = ("TextIOWrapper", "BufferedReader", "BufferedWriter", "BufferedRandom", "FileIO", "BytesIO",
                  "StringIO", "_IOBase", "IOBase", "RawIOBase", "BufferedIOBase", "TextIOBase")


def is_serializable(obj: Any) -> bool:
    """Whether obj is of a plain JSON type (int, str, float, bool, list, dict, None)."""
    return type(obj).__name__ in ("int", "str", "float", "bool", "list", "dict", "NoneType")


def _is_io(obj: Any) -> bool:
    if type(obj).__name__ in _IO_TYPE_NAMES:
        return True
    if callable(getattr(obj, "fileno", None)):
        return True
    return all(hasattr(obj, a) for a in ("read", "close", "closed"))


def filter_serializable_globals(namespace: Dict[str, Any]) -> Dict[str, Any]:
    """The entries of namespace worth saving: no _names, callables, modules, I/O or other types."""
    out = {}
    for name, value in namespace.items():
        if name.startswith("_") or callable(value) or isinstance(value, types.ModuleType) or _is_io(value):
            continue
        if is_serializable(value):
            out[name] = value
    return out


def load_state_code(filename: str = DEFAULT_STATE_FILE) -> str:
    """Guest code that loads the state file into globals() (a missing file is fine)."""
    return (
        "import json\n"
        "try:\n"
        f"    with open({filename!r}, 'r') as _state_f:\n"
        "        globals().update(json.load(_state_f))\n"
        "except FileNotFoundError:\n"
        "    pass\n"
    )


def save_state_code(state_var: str = "globals()", filename: str = DEFAULT_STATE_FILE) -> str:
    """Guest code that saves the JSON-able entries of state_var to the state file.

    Values are converted as the original did: paths to str, dates to
    isoformat(), sets and tuples to lists, bytes to "b64:" + base64; what
    json cannot take is dropped. A failing dump prints
    "Warning: State persistence failed: ..." to stderr and writes {}.
    """
    io_names = repr(_IO_TYPE_NAMES)
    return f'''import json
from pathlib import Path, PurePath
import datetime
import base64

def _lsb_is_io(v):
    if type(v).__name__ in {io_names}:
        return True
    if callable(getattr(v, 'fileno', None)):
        return True
    return all(hasattr(v, a) for a in ('read', 'close', 'closed'))

def _lsb_convert(v):
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, PurePath):
        return str(v)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return 'b64:' + base64.b64encode(bytes(v)).decode('ascii')
    if isinstance(v, (set, frozenset, tuple, list)):
        return [_lsb_convert(x) for x in v if not _lsb_is_io(x)]
    if isinstance(v, dict):
        return {{k: _lsb_convert(x) for k, x in v.items() if not _lsb_is_io(x)}}
    json.dumps(v)
    return v

_lsb_state = {{}}
for _lsb_k, _lsb_v in list(({state_var}).items()):
    if _lsb_k.startswith('_') or callable(_lsb_v) or type(_lsb_v).__name__ == 'module' or _lsb_is_io(_lsb_v):
        continue
    try:
        _lsb_state[_lsb_k] = _lsb_convert(_lsb_v)
    except Exception:
        pass
try:
    with open({filename!r}, 'w') as _lsb_f:
        json.dump(_lsb_state, _lsb_f)
except Exception as _lsb_e:
    import sys
    print(f'Warning: State persistence failed: {{_lsb_e}}', file=sys.stderr)
    with open({filename!r}, 'w') as _lsb_f:
        _lsb_f.write('{{}}')
del _lsb_is_io, _lsb_convert, _lsb_state
'''


def wrap_stateful_code(code: str, filename: str = DEFAULT_STATE_FILE) -> str:
    """code between load_state_code and save_state_code, as the original's auto-persist wrapped it."""
    return (load_state_code(filename) + "\n\n# User code\n" + code + "\n\n# Auto-save state\n"
            + save_state_code("globals()", filename) + "\n")


def create_state_helpers(filename: str = DEFAULT_STATE_FILE) -> str:
    """Guest code defining save_state(state, filename) and load_state(filename, default)."""
    return f'''import json as _json

def save_state(state, filename={filename!r}):
    """Save a dict of JSON-able values to filename."""
    with open(filename, 'w') as f:
        _json.dump(state, f)

def load_state(filename={filename!r}, default=None):
    """Load the dict saved by save_state, or default (else {{}}) when there is none."""
    try:
        with open(filename, 'r') as f:
            return _json.load(f)
    except FileNotFoundError:
        return {{}} if default is None else default
'''


__all__ = ["create_state_helpers", "filter_serializable_globals", "is_serializable", "load_state_code",
           "save_state_code", "wrap_stateful_code"]
