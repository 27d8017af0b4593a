"""sandbox_utils.state - keep a dict between runs as a JSON file in the
workspace (by default /app/.session_state.json, the original sandbox's
name). Values are converted as the original's auto-persist did (_jsonable:
sets and tuples become lists, bytes "b64:...", dates and paths strings;
functions and open files are left out). Writes go to a temporary file that
then replaces the old one, so a run stopped midway never leaves a torn file.

The sandbox's own auto-persisted globals (sessions created with
auto_persist_globals) are kept elsewhere, in /app/.lsb/state.json, so these
functions neither see nor change them."""
import json
import os

from . import _paths
from ._jsonable import NotJsonable, to_json

DEFAULT_FILE = ".session_state.json"


def save_state(state, filename=DEFAULT_FILE):
    """Save the dict `state` as JSON (indented by 2) to `filename` under
    /app, replacing what was there, and return the path. Values are
    converted: a set or tuple becomes a list, bytes a "b64:..." string, a
    date or datetime its ISO text, a Path its text; functions, modules,
    classes and open files are left out. Nothing is converted back by
    load_state. Raises TypeError for a dict key JSON cannot hold (a tuple).
    Example: save_state({"step": 3, "seen": {"a", "b"}})
    """
    if not isinstance(state, dict):
        raise TypeError(f"save_state: state must be a dict, got {type(state).__name__}")
    real = _paths.resolve(filename)
    try:
        text = json.dumps(to_json(state), indent=2, ensure_ascii=False)
    except NotJsonable as exc:
        raise TypeError(f"save_state: the state cannot be saved as JSON: {exc}") from None
    except RecursionError:
        raise TypeError("save_state: the state is nested too deeply to save as JSON") from None
    folder = os.path.dirname(real)
    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f".{os.path.basename(real)}.tmp")
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(temporary, real)
    return real


def load_state(filename=DEFAULT_FILE, default=None):
    """Return the dict saved in `filename` under /app. When the file does
    not exist, return `default` (an empty dict when default is None).
    Raises ValueError if the file is not a JSON object.
    Example: state = load_state(); state["step"] = state.get("step", 0) + 1
    """
    real = _paths.resolve(filename)
    if not os.path.exists(real):
        return {} if default is None else default
    with open(real, encoding="utf-8") as f:
        text = f.read()
    try:
        state = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"load_state: {filename!r} is not valid JSON ({exc}); "
                         f"fix or remove it (rm({filename!r}))") from None
    if not isinstance(state, dict):
        raise ValueError(f"load_state: {filename!r} holds a {type(state).__name__}, not a JSON object")
    return state


def update_state(updates, filename=DEFAULT_FILE):
    """Merge the dict `updates` into the saved state (top-level keys are
    replaced), save it and return the merged dict.
    Example: update_state({"done": True})
    """
    if not isinstance(updates, dict):
        raise TypeError(f"update_state: updates must be a dict, got {type(updates).__name__}")
    state = load_state(filename)
    state.update(updates)
    save_state(state, filename)
    return state
