"""sandbox_utils - small, safe helpers for working with files and data in
the sandbox workspace (/app).

    from sandbox_utils import *          # or: import sandbox_utils as su
    print(tree())
    rows = json.loads(csv_to_json("sales.csv"))
    for region, items in group_by(rows, "region").items():
        print(region, len(items))

Rules that hold for every function:

* Paths. Every path argument is a str (or os.PathLike) under /app. Relative
  paths start at /app, whatever the current directory. A path that leaves
  /app - through "..", an absolute path elsewhere such as /etc/passwd or
  /data/x, or a symlink pointing outside - raises ValueError naming the path.
  find() and walk() return absolute pathlib.Path objects ("/app/..."),
  grep() absolute paths as str. Folder arguments default to /app.
* Results. Functions return their result and print nothing (but echo()
  without a file, which prints like the shell's echo): write
  print(tree()), print(cat("a.txt")). Text is read and written as UTF-8.
  The format converters return text (csv_to_json gives JSON text), or
  write it to `output` and return None.
* Keys. Wherever a function takes a key (group_by's and sort_by's
  key_func, unique's key, map_items' transform, filter_by's fields), the
  key may be:
    - a callable, called with each item: key=lambda row: row["price"] * 2;
    - anything else, looked up in each item: item[key] for dicts, lists and
      tuples (so "name" or 0 work), else getattr(item, key) for objects;
    - for sort_by and group_by, a list or tuple of such keys, compared or
      grouped as a tuple: sort_by(rows, ["city", "age"]).
  A missing key raises KeyError naming the key and the item.
* Lists. Data functions accept any iterable and return new lists (or
  dicts); they never change their input.

Families (see help(name) for each):
  Files:   find, tree, walk, copy_tree, remove_tree
  Text:    grep, sed, head, tail, wc, diff
  Data:    group_by, filter_by, map_items, sort_by, unique, chunk
  Formats: csv_to_json, json_to_csv, xml_to_dict, yaml_to_json, json_to_yaml
  Shell:   ls, cat, touch, mkdir, rm, cp, mv, echo
  State:   save_state, load_state, update_state (JSON files under /app)
"""
__version__ = "1.0.0"

from .data import chunk, filter_by, group_by, map_items, sort_by, unique
from .files import copy_tree, find, remove_tree, tree, walk
from .formats import csv_to_json, json_to_csv, json_to_yaml, xml_to_dict, yaml_to_json
from .shell import cat, cp, echo, ls, mkdir, mv, rm, touch
from .state import load_state, save_state, update_state
from .text import diff, grep, head, sed, tail, wc

__all__ = [
    "find", "tree", "walk", "copy_tree", "remove_tree",
    "grep", "sed", "head", "tail", "wc", "diff",
    "group_by", "filter_by", "map_items", "sort_by", "unique", "chunk",
    "csv_to_json", "json_to_csv", "xml_to_dict", "yaml_to_json", "json_to_yaml",
    "ls", "cat", "touch", "mkdir", "rm", "cp", "mv", "echo",
    "save_state", "load_state", "update_state",
]
