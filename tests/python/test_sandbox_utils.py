"""tests/python/test_sandbox_utils.py - host-side tests of sandbox_utils
(guest/python/site/sandbox_utils) with its ROOT pointed at a temporary
folder: every function family, and every kind of path escape.

    python3.11 -B -m unittest discover -s tests/python

YAML tests need PyYAML: the host's, or the vendored tree named by
LSB_SITE_PACKAGES (e.g. build/assets/data/site-packages); else skipped.
"""
import base64
import datetime
import inspect
import io
import json
import os
import pathlib
import shutil
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

# No __pycache__ in guest/python/site: its files are scripts/data.sh's cache key.
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "guest", "python", "site"))
if os.environ.get("LSB_SITE_PACKAGES"):
    sys.path.append(os.environ["LSB_SITE_PACKAGES"])

import sandbox_utils as su  # noqa: E402
from sandbox_utils import _jsonable, _paths  # noqa: E402

try:
    import yaml  # noqa: F401
    HAVE_YAML = True
except ImportError:
    HAVE_YAML = False


class Workspace(unittest.TestCase):
    """Each test runs in a fresh workspace with a few files."""

    def setUp(self):
        self.outside = tempfile.mkdtemp()
        self.root = os.path.realpath(tempfile.mkdtemp())
        self.saved_root, _paths.ROOT = _paths.ROOT, self.root
        os.makedirs(self.p("src/sub"))
        self.write("src/a.py", "import os\nprint('a')\n")
        self.write("src/sub/b.py", "print('b')\n# TODO fix\n")
        self.write("notes.txt", "one two\nthree\nfour five six\n")
        self.write("data.csv", "name,city,age\nAnn,Oslo,31\nBob,Rome,25\nCid,Oslo,40\n")
        self.write(".hidden", "h\n")

    def tearDown(self):
        _paths.ROOT = self.saved_root
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.outside, ignore_errors=True)

    def p(self, relative):
        """The real path of a workspace file."""
        return os.path.join(self.root, relative)

    def write(self, relative, text):
        """Create a workspace file."""
        with open(self.p(relative), "w", encoding="utf-8") as f:
            f.write(text)

    def read(self, relative):
        """Read a workspace file."""
        with open(self.p(relative), encoding="utf-8") as f:
            return f.read()


class Escapes(Workspace):
    """Every function refuses paths outside the workspace."""

    def test_escapes_raise_value_error(self):
        secret = os.path.join(self.outside, "secret.txt")
        with open(secret, "w") as f:
            f.write("secret\n")
        os.symlink(secret, self.p("link_out"))
        os.symlink(self.outside, self.p("dir_out"))
        bad_paths = ["../x", "src/../../x", "/etc/passwd", "/data/x", secret, "link_out",
                     "dir_out/secret.txt", self.root + "/../x", "/app/../../etc", "/apple"]
        calls = [
            lambda p: su.cat(p), lambda p: su.head(p), lambda p: su.tail(p), lambda p: su.wc(p),
            lambda p: su.ls(p), lambda p: su.touch(p), lambda p: su.mkdir(p), lambda p: su.rm(p),
            lambda p: su.cp("notes.txt", p), lambda p: su.cp(p, "copy.txt"), lambda p: su.mv(p, "x"),
            lambda p: su.mv("notes.txt", p), lambda p: su.echo("x", p), lambda p: su.find("*", p),
            lambda p: su.tree(p), lambda p: su.walk(p), lambda p: su.copy_tree(p, "c"),
            lambda p: su.yaml_to_json(pathlib.Path(p)), lambda p: su.json_to_yaml("{}", p),
            lambda p: su.remove_tree(p), lambda p: su.grep("x", p), lambda p: su.diff(p, "notes.txt"),
            lambda p: su.csv_to_json(p), lambda p: su.csv_to_json("data.csv", p),
            lambda p: su.json_to_csv(p), lambda p: su.xml_to_dict(p), lambda p: su.save_state({}, p),
            lambda p: su.load_state(p), lambda p: su.update_state({}, p),
        ]
        for path in bad_paths:
            for call in calls:
                with self.subTest(path=path, call=call.__code__.co_positions):
                    with self.assertRaises(ValueError) as caught:
                        call(path)
                    self.assertIn(repr(path), str(caught.exception))
                    self.assertTrue(str(caught.exception).startswith("Path must be within /app: "))
                    self.assertIn("under", str(caught.exception))
        with open(secret) as f:
            self.assertEqual(f.read(), "secret\n")
        self.assertEqual(os.listdir(self.outside), ["secret.txt"])

    def test_inside_paths_with_dots_and_links_work(self):
        os.symlink(self.p("notes.txt"), self.p("link_in"))
        self.assertEqual(su.cat("/app/notes.txt"), self.read("notes.txt"), "/app names the workspace")
        self.assertEqual(su.cat("src/../notes.txt"), self.read("notes.txt"))
        self.assertEqual(su.cat("link_in"), self.read("notes.txt"))
        self.assertEqual(su.cat(self.root + "/notes.txt"), self.read("notes.txt"))
        self.assertTrue(su.rm("link_in"))
        self.assertTrue(os.path.exists(self.p("notes.txt")), "rm of a link must not remove its target")

    def test_not_a_path(self):
        with self.assertRaises(TypeError):
            su.cat(42)
        with self.assertRaises(ValueError):
            su.cat("")


class Files(Workspace):
    def P(self, relative):
        """The workspace file as the pathlib.Path find() and walk() give."""
        return pathlib.Path(self.p(relative))

    def test_find(self):
        self.assertEqual(su.find("*.py"), [self.P("src/a.py"), self.P("src/sub/b.py")])
        self.assertTrue(all(type(p) is type(pathlib.Path()) for p in su.find("*.py")))
        self.assertEqual(su.find("*.py", "/app/src", recursive=False), [self.P("src/a.py")])
        self.assertEqual(su.find("sub/*.py", "src"), [self.P("src/sub/b.py")])
        self.assertEqual(su.find("sub"), [self.P("src/sub")])
        self.assertEqual(su.find("*.none"), [])
        self.assertEqual([p.relative_to(self.p("src")).as_posix() for p in su.find("*.py", "src")],
                         ["a.py", "sub/b.py"])
        self.write("café ☕.txt", "x")
        self.assertEqual(su.find("caf*"), [self.P("café ☕.txt")])

    def test_tree(self):
        drawing = su.tree()
        self.assertEqual(drawing.splitlines()[0], self.root)
        self.assertEqual(su.tree("/app/src").splitlines()[0], self.p("src"))
        self.assertIn("|-- src/", drawing)
        self.assertIn("`-- b.py", drawing)
        self.assertNotIn("a.py", su.tree(max_depth=1))

    def test_walk(self):
        walker = su.walk("src")
        self.assertFalse(isinstance(walker, list), "walk returns an iterator")
        self.assertEqual(next(walker), self.P("src/a.py"))
        self.assertEqual(list(walker), [self.P("src/sub/b.py")])
        self.assertEqual(list(su.walk(filter_func=lambda p: p.suffix == ".txt")), [self.P("notes.txt")])
        with self.assertRaises(ValueError):  # checked at the call, not when iterated
            su.walk("/etc")

    def test_copy_and_remove_tree(self):
        su.copy_tree("src", "backup/src")
        self.assertEqual(self.read("backup/src/sub/b.py"), self.read("src/sub/b.py"))
        with self.assertRaises(ValueError):
            su.copy_tree("src", "src/inner")
        self.assertEqual(su.remove_tree("backup", "*.py"), [self.p("backup/src/a.py"), self.p("backup/src/sub/b.py")])
        self.assertTrue(os.path.isdir(self.p("backup/src/sub")))
        self.assertEqual(su.remove_tree("backup"), [self.p("backup")])
        self.assertFalse(os.path.exists(self.p("backup")))
        with self.assertRaises(ValueError):
            su.remove_tree(self.root)


class Text(Workspace):
    def test_grep(self):
        self.assertEqual(su.grep("TODO", "src"), [(self.p("src/sub/b.py"), 2, "# TODO fix")])
        self.assertEqual(su.grep(r"print\('.'\)", "src/**/*.py"),
                         [(self.p("src/a.py"), 2, "print('a')"), (self.p("src/sub/b.py"), 1, "print('b')")])
        self.assertEqual(su.grep("(", ["src/a.py"], regex=False), [(self.p("src/a.py"), 2, "print('a')")])
        self.assertEqual(su.grep("THREE", "notes.txt", ignore_case=True), [(self.p("notes.txt"), 2, "three")])

    def test_sed_head_tail_wc(self):
        self.assertEqual(su.sed(r"(\w+) two", r"\1 2", "one two"), "one 2")
        self.assertEqual(su.head("notes.txt", 1), "one two\n")
        self.assertEqual(su.tail("notes.txt", 2), "three\nfour five six\n")
        self.assertEqual(su.tail("notes.txt", 0), "")
        self.assertEqual(su.wc("notes.txt"), {"lines": 3, "words": 6, "chars": 28})
        self.write("u.txt", "café ☕ 日本\n")
        self.assertEqual(su.wc("u.txt"), {"lines": 1, "words": 3, "chars": 10})
        self.assertEqual(su.grep("☕", "u.txt"), [(self.p("u.txt"), 1, "café ☕ 日本")])
        self.assertEqual(su.sed(r"hello", "goodbye", "Hello world, hello universe"), "Hello world, goodbye universe")
        with self.assertRaises(TypeError):
            su.sed("a", "b", None)

    def test_diff(self):
        self.write("new.txt", "one two\nTHREE\nfour five six\n")
        patch = su.diff("notes.txt", "new.txt")
        self.assertIn("-three\n+THREE\n", patch)
        self.assertTrue(patch.startswith("--- " + self.p("notes.txt")))
        self.assertEqual(su.diff("notes.txt", "notes.txt"), "")
        self.assertIn("-a\n+b\n", su.diff("a", "b", text=True))
        self.assertIn("+THREE", su.diff(file1="notes.txt", file2="new.txt"))


class Data(unittest.TestCase):
    ROWS = [{"n": "a", "g": 1, "v": 3}, {"n": "b", "g": 2, "v": 1}, {"n": "c", "g": 1, "v": 3}]

    def test_group_by(self):
        groups = su.group_by(self.ROWS, "g")
        self.assertEqual(list(groups), [1, 2])
        self.assertEqual([r["n"] for r in groups[1]], ["a", "c"])
        self.assertEqual(list(su.group_by(self.ROWS, ["g", "v"])), [(1, 3), (2, 1)])
        self.assertEqual(su.group_by(range(5), lambda x: x % 2), {0: [0, 2, 4], 1: [1, 3]})

    def test_filter_and_map(self):
        self.assertEqual(su.filter_by(self.ROWS, g=1), [self.ROWS[0], self.ROWS[2]])
        self.assertEqual(su.filter_by(self.ROWS, {"v": 1}), [self.ROWS[1]])
        self.assertEqual(su.filter_by(self.ROWS, lambda r: r["n"] > "a", v=lambda v: v > 2), [self.ROWS[2]])
        self.assertEqual(su.filter_by(self.ROWS, missing=1), [])
        self.assertEqual(su.map_items(self.ROWS, "n"), ["a", "b", "c"])
        self.assertEqual(su.map_items([(1, 2), (3, 4)], 1), [2, 4])
        self.assertEqual(su.map_items(self.ROWS, lambda r: r["v"] * 2), [6, 2, 6])

    def test_sort_is_stable(self):
        self.assertEqual([r["n"] for r in su.sort_by(self.ROWS, "v")], ["b", "a", "c"])
        self.assertEqual([r["n"] for r in su.sort_by(self.ROWS, "v", reverse=True)], ["a", "c", "b"])
        self.assertEqual([r["n"] for r in su.sort_by(self.ROWS, ["g", "n"], reverse=True)], ["b", "c", "a"])
        with self.assertRaises(KeyError):
            su.sort_by(self.ROWS, "nope")

    def test_objects_use_attributes(self):
        class Item:
            def __init__(self, size):
                self.size = size
        items = [Item(3), Item(1)]
        self.assertEqual([i.size for i in su.sort_by(items, "size")], [1, 3])

    def test_unique_and_chunk(self):
        self.assertEqual(su.unique([3, 1, 3, 2, 1]), [3, 1, 2])
        self.assertEqual(su.unique([{"a": 1}, {"a": 1}, [1], [1]]), [{"a": 1}, [1]])
        self.assertEqual(su.unique(self.ROWS, key="g"), [self.ROWS[0], self.ROWS[1]])
        chunks = su.chunk(range(5), 2)
        self.assertFalse(isinstance(chunks, list), "chunk returns an iterator")
        self.assertEqual(list(chunks), [[0, 1], [2, 3], [4]])
        self.assertEqual(list(su.chunk(iter(range(10)), size=3)), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
        self.assertEqual(su.unique(["apple", "Apricot", "banana", "Apple"], key=str.lower),
                         ["apple", "Apricot", "banana"])
        self.assertEqual(su.group_by(["cat", "dog", "bird"], len), {3: ["cat", "dog"], 4: ["bird"]})
        self.assertEqual(su.sort_by(["apple", "pie", "cherry", "date"], len), ["pie", "date", "apple", "cherry"])
        for size in (0, -1, 1.5, True):
            with self.assertRaises(ValueError):
                su.chunk([1], size)


class Formats(Workspace):
    def test_csv_json(self):
        text = su.csv_to_json("data.csv")
        self.assertIsInstance(text, str)
        self.assertIn('"name": "Ann"', text)
        self.assertIn('"age": "31"', text)
        self.assertEqual(json.loads(text)[1], {"name": "Bob", "city": "Rome", "age": "25"})
        self.assertIsNone(su.csv_to_json("data.csv", output="out/data.json"))
        self.assertEqual(self.read("out/data.json"), text)
        self.assertIsNone(su.json_to_csv("out/data.json", "back.csv"))
        self.assertEqual(self.read("back.csv"), self.read("data.csv"))
        self.write("p.json", json.dumps([{"name": "Alice", "age": 30}, {"name": "Zoë ☕", "age": 25}]))
        self.assertEqual(su.json_to_csv("p.json"), "name,age\nAlice,30\nZoë ☕,25\n")
        self.assertEqual(su.json_to_csv([{"a": 1}, {"b": [1, 2]}]), 'a,b\n1,\n,"[1, 2]"\n')
        self.write("u.csv", "ville,prix\nMünchen,3 €\n")
        self.assertIn('"ville": "München"', su.csv_to_json("u.csv"))

    def test_xml_to_dict(self):
        self.write("doc.xml", '<r id="7"><x>a</x><x>b</x><y k="v">t</y><z/></r>')
        expected = {"r": {"@id": "7", "x": ["a", "b"], "y": {"@k": "v", "#text": "t"}, "z": None}}
        self.assertEqual(su.xml_to_dict("doc.xml"), expected)
        self.assertEqual(su.xml_to_dict(self.read("doc.xml")), expected)
        self.assertEqual(su.xml_to_dict(xml_str='<root><item id="1">Value</item></root>'),
                         {"root": {"item": {"@id": "1", "#text": "Value"}}})

    @unittest.skipUnless(HAVE_YAML, "PyYAML is not importable on this host")
    def test_yaml(self):
        self.write("c.yaml", "name: demo\nitems:\n  - 1\n  - two\n")
        self.assertIsNone(su.yaml_to_json("c.yaml", "c.json"))
        self.assertEqual(json.loads(self.read("c.json")), {"name": "demo", "items": [1, "two"]})
        self.assertEqual(su.yaml_to_json("a: 1\nwhen: 2024-01-02\n"), '{\n  "a": 1,\n  "when": "2024-01-02"\n}')
        self.assertEqual(su.yaml_to_json("name: café ☕"), '{\n  "name": "café ☕"\n}')
        self.assertEqual(su.json_to_yaml("c.json"), "name: demo\nitems:\n- 1\n- two\n")
        self.assertEqual(su.json_to_yaml('{"k": [1, "日本"]}'), "k:\n- 1\n- 日本\n")
        self.assertIsNone(su.json_to_yaml({"k": "v"}, "k.yaml"))
        self.assertEqual(self.read("k.yaml"), "k: v\n")


class Shell(Workspace):
    def test_ls(self):
        self.assertEqual(su.ls(), ["data.csv", "notes.txt", "src"])
        self.assertIn(".hidden", su.ls(all=True))
        entry = su.ls("src", long=True)[1]
        self.assertEqual((entry["name"], entry["type"], entry["is_dir"]), ("sub", "dir", True))
        entry = su.ls("/app", long=True)[1]
        self.assertEqual(sorted(entry), ["is_dir", "modified", "name", "permissions", "size", "type"])
        self.assertEqual((entry["name"], entry["is_dir"], entry["size"], entry["type"]), ("notes.txt", False, 28, "file"))
        self.assertRegex(entry["permissions"], r"^-r[w-][x-][r-][w-][x-][r-][w-][x-]$")
        self.assertRegex(entry["modified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        self.assertEqual(su.ls("notes.txt"), ["notes.txt"])
        with self.assertRaises(FileNotFoundError):
            su.ls("nope")

    def test_cat_touch_mkdir_echo(self):
        self.assertEqual(su.cat("notes.txt", "src/a.py"), self.read("notes.txt") + self.read("src/a.py"))
        su.touch("empty")
        self.assertEqual(self.read("empty"), "")
        su.mkdir("x/y/z")
        self.assertTrue(os.path.isdir(self.p("x/y/z")))
        with self.assertRaises(FileNotFoundError):
            su.mkdir("q/r", parents=False)
        with redirect_stdout(io.StringIO()) as shown:
            self.assertEqual(su.echo("héllo ☕"), "héllo ☕")
        self.assertEqual(shown.getvalue(), "héllo ☕\n", "echo without a file prints")
        with redirect_stdout(io.StringIO()) as shown:
            su.echo("quiet", "q.txt")
        self.assertEqual(shown.getvalue(), "", "echo to a file prints nothing")
        su.echo("hi", "e.txt")
        su.echo("again\n", "e.txt", append=True)
        self.assertEqual(self.read("e.txt"), "hi\nagain\n")

    def test_rm_cp_mv(self):
        with self.assertRaises(IsADirectoryError):
            su.rm("src")
        with self.assertRaises(FileNotFoundError):
            su.rm("nope")
        self.assertFalse(su.rm("nope", force=True))
        self.assertEqual(su.cp("notes.txt", "src"), self.p("src/notes.txt"))
        with self.assertRaises(IsADirectoryError):
            su.cp("src", "src2")
        su.cp("src", "src2", recursive=True)
        self.assertEqual(self.read("src2/sub/b.py"), self.read("src/sub/b.py"))
        self.assertEqual(su.mv("src2", "moved"), self.p("moved"))
        self.assertFalse(os.path.exists(self.p("src2")))
        self.assertTrue(su.rm("moved", recursive=True))
        with self.assertRaises(ValueError):
            su.rm(self.root, recursive=True)


class State(Workspace):
    def test_state_round_trip(self):
        self.assertEqual(su.load_state(), {})
        self.assertEqual(su.load_state("s.json", default={"n": 0}), {"n": 0})
        self.assertEqual(su.save_state({"n": 1, "l": [1]}), self.p(".session_state.json"))
        self.assertEqual(su.update_state({"m": "café ☕"}), {"n": 1, "l": [1], "m": "café ☕"})
        self.assertEqual(su.load_state(), {"n": 1, "l": [1], "m": "café ☕"})
        self.assertEqual(self.read(".session_state.json"), '{\n  "n": 1,\n  "l": [\n    1\n  ],\n  "m": "café ☕"\n}\n')
        self.assertEqual(sorted(os.listdir(self.root))[:3], [".hidden", ".session_state.json", "data.csv"],
                         "no temporary file left")
        self.write("bad.json", "{nope")
        with self.assertRaises(ValueError):
            su.load_state("bad.json")
        with self.assertRaises(TypeError):
            su.save_state({"k": {(1, 2): 3}})

    def test_save_state_converts(self):
        with open(self.p("f.txt"), "w") as handle:
            su.save_state({"s": {3}, "b": b"hi", "d": datetime.date(2024, 1, 2), "p": pathlib.Path("/app/x"),
                           "t": (1, 2), "f": handle, "fn": len, "o": object()}, "conv.json")
        self.assertEqual(su.load_state("conv.json"),
                         {"s": [3], "b": "b64:aGk=", "d": "2024-01-02", "p": "/app/x", "t": [1, 2]})


class Jsonable(unittest.TestCase):
    """The conversion shared with the driver's auto-persist (SEED-SPEC 3.1)."""

    def test_rules(self):
        conv = _jsonable.to_json
        self.assertIsNone(conv(None))
        for kept in (True, 0, -3, 2.5, "café ☕ 日本"):
            self.assertEqual(conv(kept), kept)
        self.assertEqual(conv(pathlib.PurePosixPath("/app/a b")), "/app/a b")
        self.assertEqual(conv(datetime.datetime(2024, 1, 2, 3, 4, 5)), "2024-01-02T03:04:05")
        self.assertEqual(conv(datetime.date(2024, 1, 2)), "2024-01-02")
        self.assertEqual(conv(datetime.time(3, 4)), "03:04:00")
        self.assertEqual(conv({3, 1}), sorted(conv({3, 1})))
        self.assertEqual(conv(frozenset({"a"})), ["a"])
        self.assertEqual(conv(b"hi"), "b64:" + base64.b64encode(b"hi").decode())
        self.assertEqual(conv(bytearray(b"\xff")), "b64:/w==")
        self.assertEqual(conv((1, (2, 3))), [1, [2, 3]])
        self.assertEqual(conv({"a": {1: b"x"}, "n": None}), {"a": {1: "b64:eA=="}, "n": None})

    def test_skipped_values(self):
        conv, skip = _jsonable.to_json, _jsonable.SKIP
        for value in (os, len, lambda: 1, int, io.StringIO(), sys.stdout, object(), Exception("x")):
            self.assertIs(conv(value), skip, repr(value))
        self.assertEqual(conv([1, len, io.BytesIO(), {"f": sys.stderr, "k": 2}]), [1, {"k": 2}])

    def test_unwritable(self):
        with self.assertRaises(_jsonable.NotJsonable) as caught:
            _jsonable.to_json({"ok": 1, "bad": {(1, 2): 3}})
        self.assertIn("(1, 2)", str(caught.exception))
        loop = []
        loop.append(loop)
        with self.assertRaises(_jsonable.NotJsonable):
            _jsonable.to_json(loop)
        shared = [1]
        self.assertEqual(_jsonable.to_json([shared, shared]), [[1], [1]], "a shared value is no cycle")


class Signatures(unittest.TestCase):
    """Names, defaults and order of the original's parameters (SEED-SPEC 5.3)."""

    EXPECTED = {
        "find": "(pattern='*', path='/app', recursive=True)", "tree": "(path='/app', max_depth=None)",
        "walk": "(path='/app', filter_func=None)", "copy_tree": "(src, dst)",
        "remove_tree": "(path, pattern=None)", "grep": "(pattern, files, regex=True, ignore_case=False)",
        "sed": "(pattern, repl, text, count=0, flags=0)", "head": "(file, lines=10)", "tail": "(file, lines=10)",
        "wc": "(file)", "diff": "(file1, file2, context=3, text=False)", "group_by": "(items, key_func)",
        "filter_by": "(items, predicate=None, **fields)", "map_items": "(items, transform)",
        "sort_by": "(items, key_func, reverse=False)", "unique": "(items, key=None)", "chunk": "(items, size)",
        "csv_to_json": "(csv_file, output=None, delimiter=',')",
        "json_to_csv": "(json_file, output=None, delimiter=',')", "yaml_to_json": "(yaml_str, output=None)",
        "json_to_yaml": "(json_str, output=None)", "xml_to_dict": "(xml_str)",
        "ls": "(path='/app', all=False, long=False)", "cat": "(*files)", "touch": "(path)",
        "mkdir": "(path, parents=True)", "rm": "(path, recursive=False, force=False)",
        "cp": "(src, dst, recursive=False)", "mv": "(src, dst)", "echo": "(text, file=None, append=False)",
        "save_state": "(state, filename='.session_state.json')",
        "load_state": "(filename='.session_state.json', default=None)",
        "update_state": "(updates, filename='.session_state.json')",
    }

    def test_signatures(self):
        self.assertEqual(sorted(self.EXPECTED), sorted(su.__all__))
        for name, expected in self.EXPECTED.items():
            self.assertEqual(str(inspect.signature(getattr(su, name))), expected, name)


class Docs(unittest.TestCase):
    def test_every_public_function_has_a_docstring(self):
        self.assertIn("Keys.", su.__doc__)
        for name in su.__all__:
            self.assertTrue((getattr(su, name).__doc__ or "").strip(), name)


if __name__ == "__main__":
    unittest.main()
