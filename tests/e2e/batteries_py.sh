#!/usr/bin/env bash
# tests/e2e/batteries_py.sh BINARY - end-to-end tests of the Python
# batteries: the vendored packages under /data, sandbox_utils and the wheel
# installer, all driven through the real `llm-sandbox run`.
#
# Each check prints "ok" or "FAIL" with what it saw; the last line is
# "batteries-py: N passed, M failed". Exit 1 on any failure. Needs the
# built assets (make), jq and python3 (3.11: the host-side unit tests in
# tests/python run first, and build the test wheels).
set -uo pipefail

BIN=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"

# pyrun WORKSPACE CODE -> run python in WORKSPACE with a generous budget
pyrun() { run --lang python --fuel 40000000000 --timeout 60 --workspace "$1" -c "$2"; }
# field KEY: the value of KEY in the JSON object the guest printed last
field() { tail -n 1 <<<"$OUT" | jq -c -r ".$1" 2>/dev/null; }

echo "== host-side unit tests (tests/python)"
UNIT=$(cd "$ROOT" && LSB_SITE_PACKAGES="$(dirname "$BIN")/assets/data/site-packages" \
  python3 -B -m unittest discover -s tests/python 2>&1); URC=$?
if [ $URC -eq 0 ]; then ok "tests/python: $(grep -E '^Ran ' <<<"$UNIT")"; else bad "tests/python" "$(tail -n 30 <<<"$UNIT")"; fi

echo "== vendored packages (/data/site-packages)"
CHECK=$(bash "$ROOT/scripts/check-vendored.sh" "$BIN" 2>&1)
while IFS= read -r line; do
  case "$line" in
  "ok   "*) ok "vendored ${line#ok   }" ;;
  "FAIL "*) bad "vendored ${line#FAIL }" "$(grep -A1 -F -- "$line" <<<"$CHECK" | tail -n 1)" ;;
  esac
done <<<"$CHECK"
expect_match "check-vendored.sh reports no failure" "$(tail -n 2 <<<"$CHECK")" 'check-vendored: [0-9]+ passed, 0 failed'

WS=$T/ws0 && mkdir -p "$WS"
pyrun "$WS" 'import sys; print("/data/site-packages" in sys.path)'
expect_eq "the prelude puts /data/site-packages on sys.path" "$OUT" "True"
pyrun "$WS" 'import json; v = json.load(open("/data/site-packages/vendored.json"))
names = {e["import"] for e in v}
keys = {tuple(sorted(e)) for e in v}
need = {"openpyxl", "et_xmlfile", "xlsxwriter", "PyPDF2", "odf", "tabulate", "jinja2", "markupsafe", "markdown",
        "dateutil", "attr", "attrs", "six", "certifi", "charset_normalizer", "idna", "urllib3", "tomli", "yaml",
        "sandbox_utils"}
print(sorted(need - names), keys)'
expect_eq "vendored.json lists every package with its four fields" "$OUT" \
  "[] {('debian', 'import', 'name', 'version')}"
pyrun "$WS" 'import json; v = {e["import"]: e for e in json.load(open("/data/site-packages/vendored.json"))}
print(v["yaml"]["name"], v["yaml"]["version"], v["yaml"]["debian"].split()[0], v["sandbox_utils"]["debian"])'
expect_match "vendored.json names pip name, version and Debian package" "$OUT" '^PyYAML 6\.0 python3-yaml None$'
pyrun "$WS" 'import os
native = [os.path.join(d, f) for d, _, fs in os.walk("/data") for f in fs if f.endswith((".so", ".pyd"))]
import markupsafe, yaml, jinja2
print(len(native), markupsafe.escape.__module__, yaml.__with_libyaml__, jinja2.escape.__module__ if hasattr(jinja2, "escape") else "-")'
expect_eq "no native files; pure fallbacks in use (markupsafe._native, yaml without libyaml)" "$OUT" \
  "0 markupsafe._native False -"
pyrun "$WS" 'import os, yaml, openpyxl, sandbox_utils
print(all(os.path.exists(m.__cached__) for m in (yaml, openpyxl, sandbox_utils)), yaml.__file__)'
expect_eq "vendored modules load from precompiled bytecode" "$OUT" "True /data/site-packages/yaml/__init__.py"
pyrun "$WS" 'import yaml
try:
    yaml.safe_load("a: [1")
except yaml.YAMLError as exc:
    import traceback; print("".join(traceback.format_exception(exc)).count("/data/site-packages/yaml/"))'
expect_match "tracebacks name files under /data/site-packages" "$OUT" '^[1-9][0-9]*$'
pyrun "$WS" 'import certifi, os; print(certifi.where(), os.path.getsize(certifi.where()) > 100000)'
expect_eq "certifi.where() is a real CA bundle inside the sandbox" "$OUT" \
  "/data/site-packages/certifi/cacert.pem True"

for target in /data/new.txt /data/site-packages/yaml/__init__.py; do
  pyrun "$WS" "open('$target', 'a').write('x')"
  expect_eq "writing $target fails" "$RC" "1"
  expect_match "writing $target gives a clear error" "$ERR" \
    "(PermissionError|OSError): \[Errno [0-9]+\] (Read-only file system|Permission denied|Operation not permitted)"
done
pyrun "$WS" 'import os
try:
    os.remove("/data/site-packages/six.py")
except OSError as exc:
    print(type(exc).__name__)
print(os.path.exists("/data/site-packages/six.py"))'
expect_match "removing a vendored file fails, the file stays" "$OUT" $'Error\nTrue$'

echo "== sandbox_utils"
WS=$T/ws && mkdir -p "$WS/data/sub" "$WS/src"
printf 'name,city,age\nAnn,Oslo,31\nBob,Rome,25\nCid,Oslo,40\n' >"$WS/data/people.csv"
printf 'x,y\n1,2\n' >"$WS/data/sub/more.csv"
printf 'import os\nprint("a")  # TODO\n' >"$WS/src/a.py"
printf 'one two\nthree\nfour five six\n' >"$WS/notes.txt"
printf '<cat id="7"><item>a</item><item>b</item><empty/></cat>' >"$WS/doc.xml"
printf 'name: demo\nitems:\n  - 1\n  - two\n' >"$WS/conf.yaml"
echo "h" >"$WS/.hidden"
echo "secret" >"$T/outside.txt"

pyrun "$WS" 'import json, os; from sandbox_utils import *
copy_tree("src", "backup/src")
s = lambda paths: [str(p) for p in paths]
print(json.dumps({"find": s(find("*.csv")), "find_flat": s(find("*.csv", "/app/data", recursive=False)),
  "find_type": type(find("*.csv")[0]).__name__, "rel": [p.relative_to("/app/data").as_posix() for p in find("*.csv", "data")],
  "walk": s(walk("src")), "walk_type": type(walk()).__name__, "walk_suffix": s(walk(filter_func=lambda p: p.suffix == ".py")),
  "tree": tree("data"), "removed": remove_tree("backup", "*.py"),
  "backup_left": sorted(os.listdir("/app/backup/src"))}))'
expect_eq "find (recursive and flat)" "$(field find)|$(field find_flat)" \
  '["/app/data/people.csv","/app/data/sub/more.csv"]|["/app/data/people.csv"]'
expect_eq "find returns pathlib Paths" "$(field find_type)|$(field rel)" 'PosixPath|["people.csv","sub/more.csv"]'
expect_eq "walk is an iterator of Paths; filter_func gets a Path" "$(field walk)|$(field walk_type)|$(field walk_suffix)" \
  '["/app/src/a.py"]|generator|["/app/backup/src/a.py","/app/src/a.py"]'
expect_eq "tree" "$(field tree)" $'/app/data\n|-- sub/\n|   `-- more.csv\n`-- people.csv'
expect_eq "copy_tree, then remove_tree with a pattern" "$(field removed)|$(field backup_left)" '["/app/backup/src/a.py"]|[]'
if [ -d "$WS/backup/src" ] && [ ! -e "$WS/backup/src/a.py" ]; then ok "remove_tree kept the folders, on the host too"
else bad "remove_tree kept the folders" "$(ls -R "$WS/backup")"; fi
pyrun "$WS" 'from sandbox_utils import remove_tree; print(remove_tree("backup"))'
expect_eq "remove_tree removes a whole folder" "$OUT|$([ -e "$WS/backup" ] && echo still-there)" "['/app/backup']|"

pyrun "$WS" 'import json; from sandbox_utils import *
echo(sed(r"three", "THREE", cat("notes.txt")), "notes2.txt")
print(json.dumps({"grep": grep("TODO|three", ["src/*.py", "notes.txt"]), "plain": grep("(", "src", regex=False),
  "head": head("notes.txt", 1), "tail": tail("notes.txt", 1), "wc": wc("notes.txt"),
  "diff": diff("notes.txt", "notes2.txt")}))'
expect_eq "grep (regex, globs, lists)" "$(field grep)" \
  '[["/app/src/a.py",2,"print(\"a\")  # TODO"],["/app/notes.txt",2,"three"]]'
expect_eq "grep (plain text in a folder)" "$(field plain)" '[["/app/src/a.py",2,"print(\"a\")  # TODO"]]'
expect_eq "head and tail" "$(field head)|$(field tail)" "one two|four five six"
expect_eq "wc" "$(field wc)" '{"lines":3,"words":6,"chars":28}'
expect_match "sed + echo wrote a file, diff shows the change" "$(field diff)" $'^--- /app/notes.txt\n\\+\\+\\+ /app/notes2.txt\n@@.*\n one two\n-three\n\\+THREE'

pyrun "$WS" 'import json; from sandbox_utils import *
rows = json.loads(csv_to_json("data/people.csv"))
print(json.dumps({"group": {k: len(v) for k, v in group_by(rows, "city").items()},
  "filter": map_items(filter_by(rows, city="Oslo", age=lambda a: int(a) > 35), "name"),
  "sort": map_items(sort_by(rows, lambda r: int(r["age"]), reverse=True), "name"),
  "stable": map_items(sort_by(rows, "city"), "name"),
  "unique": unique([3, 1, 3, {"a": 1}, {"a": 1}]), "unique_key": map_items(unique(rows, "city"), "name"),
  "chunk": list(chunk(range(5), 2)), "chunk_type": type(chunk([1], 1)).__name__}))'
expect_eq "group_by keeps first-seen order" "$(field group)" '{"Oslo":2,"Rome":1}'
expect_eq "filter_by with a value and a callable" "$(field filter)" '["Cid"]'
expect_eq "sort_by with a callable, reversed" "$(field sort)" '["Cid","Ann","Bob"]'
expect_eq "sort_by is stable" "$(field stable)" '["Ann","Cid","Bob"]'
expect_eq "unique keeps order, handles dicts and keys" "$(field unique)|$(field unique_key)" '[3,1,{"a":1}]|["Ann","Bob"]'
expect_eq "chunk is an iterator of lists" "$(field chunk)|$(field chunk_type)" '[[0,1],[2,3],[4]]|generator'

pyrun "$WS" 'import json; from sandbox_utils import *
print(json.dumps({"none": [csv_to_json("data/people.csv", "out/people.json"), json_to_csv("out/people.json", "out/people.csv"),
  yaml_to_json("conf.yaml", "out/conf.json"), json_to_yaml({"k": [1, "v"]}, "out/k.yaml")],
  "xml": xml_to_dict("doc.xml"), "xml_text": xml_to_dict("<a x=\"1\">t</a>"),
  "yaml": json.loads(yaml_to_json("conf.yaml")), "yaml_text": yaml_to_json("a: café ☕"), "to_yaml": json_to_yaml("{\"k\": [\"日本\"]}")}))'
expect_eq "the converters return None when they write output" "$(field none)" '[null,null,null,null]'
expect_eq "csv_to_json wrote JSON on the host" "$(jq -c '.[1]' "$WS/out/people.json" 2>&1)" '{"name":"Bob","city":"Rome","age":"25"}'
expect_eq "json_to_csv round trip" "$(cat "$WS/out/people.csv")" "$(cat "$WS/data/people.csv")"
expect_eq "xml_to_dict (@attributes, repeated tags, empty)" "$(field xml)|$(field xml_text)" \
  '{"cat":{"@id":"7","item":["a","b"],"empty":null}}|{"a":{"@x":"1","#text":"t"}}'
expect_eq "yaml_to_json (vendored PyYAML)" "$(field yaml)|$(jq -c . "$WS/out/conf.json" 2>&1)" \
  '{"name":"demo","items":[1,"two"]}|{"name":"demo","items":[1,"two"]}'
expect_eq "yaml_to_json and json_to_yaml of text" "$(field yaml_text)|$(field to_yaml)" $'{\n  "a": "café ☕"\n}|k:\n- 日本'
expect_eq "json_to_yaml" "$(cat "$WS/out/k.yaml")" $'k:\n- 1\n- v'

pyrun "$WS" 'import json; from sandbox_utils import *
mkdir("sh/a/b"); touch("sh/a/b/empty"); echo("hello", "sh/e.txt"); echo("more", "sh/e.txt", append=True)
cp("sh/e.txt", "sh/a"); cp("sh/a", "sh/copy", recursive=True); mv("sh/copy", "sh/moved"); rm("sh/a/e.txt")
print(json.dumps({"ls": ls("sh"), "hidden": [".hidden" in ls(all=True), ".hidden" in ls()],
  "long": ls("sh", long=True), "cat": cat("sh/e.txt", "sh/moved/e.txt"), "force": rm("nope", force=True)}))'
expect_eq "ls, ls(all=True)" "$(field ls)|$(field hidden)" '["a","e.txt","moved"]|[true,false]'
expect_eq "ls(long=True) entries: name, is_dir, size, type, permissions" \
  "$(field 'long | map([.name, .is_dir, .type, .permissions] | join(" ")) | join(",")')|$(field 'long[1].size')" \
  "a true dir drwx------,e.txt false file -rw-------,moved true dir drwx------|11"
expect_match "ls(long=True) modified is ISO 8601 UTC" "$(field 'long[0].modified')" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\+00:00$'
expect_eq "echo, cat, cp into a folder" "$(field cat)" $'hello\nmore\nhello\nmore'
expect_eq "mkdir, touch, cp -r, mv, rm on the host" \
  "$(cd "$WS/sh" && find . | LC_ALL=C sort | paste -sd' ')" ". ./a ./a/b ./a/b/empty ./e.txt ./moved ./moved/b ./moved/b/empty ./moved/e.txt"
expect_eq "rm(force=True) of a missing file" "$(field force)" "false"
pyrun "$WS" 'from sandbox_utils import rm
try:
    rm("sh")
except IsADirectoryError as exc:
    print("refused:", exc)'
expect_match "rm of a folder needs recursive=True" "$OUT" "^refused: .*recursive=True"

pyrun "$WS" 'from sandbox_utils import *; save_state({"step": 1}); update_state({"seen": ["a"]})'
pyrun "$WS" 'from sandbox_utils import *; print(load_state(), load_state("none.json", default={"d": 1}))'
expect_eq "state persists between runs" "$OUT" "{'step': 1, 'seen': ['a']} {'d': 1}"
expect_eq "save_state writes .session_state.json with indent 2" "$(cat "$WS/.session_state.json")" \
  $'{\n  "step": 1,\n  "seen": [\n    "a"\n  ]\n}'
pyrun "$WS" 'import datetime; from sandbox_utils import *
save_state({"s": {2}, "b": b"hi", "d": datetime.date(2024, 1, 2), "t": (1,), "f": open("/app/notes.txt"), "n": "café ☕"}, "conv.json")
print(load_state("conv.json"))'
expect_eq "save_state converts like auto-persist" "$OUT" "{'s': [2], 'b': 'b64:aGk=', 'd': '2024-01-02', 't': [1], 'n': 'café ☕'}"

mkdir -p "$WS/données ☕"
printf 'ligne café ☕\n日本語 second\n' >"$WS/données ☕/résumé.txt"
pyrun "$WS" 'import json; from sandbox_utils import *
f = "données ☕/résumé.txt"
echo("Zoë,☕\nnaïve,日本", "données ☕/ünï.csv")
print(json.dumps({"find": [str(p) for p in find("*.txt", "données ☕")], "grep": grep("☕", f), "head": head(f, 1),
  "wc": wc(f), "tree": tree("données ☕"), "ls": ls("données ☕"), "csv": json.loads(csv_to_json("données ☕/ünï.csv")),
  "cat": cat(f)}, ensure_ascii=False))'
expect_eq "non-ASCII names: find, ls, tree" "$(field find)|$(field ls)|$(field tree)" \
  $'["/app/données ☕/résumé.txt"]|["résumé.txt","ünï.csv"]|/app/données ☕\n|-- résumé.txt\n`-- ünï.csv'
expect_eq "non-ASCII contents: grep, head, wc, cat, csv_to_json" \
  "$(field grep)|$(field head)|$(field wc)|$(field csv)" \
  $'[["/app/données ☕/résumé.txt",1,"ligne café ☕"]]|ligne café ☕|{"lines":2,"words":5,"chars":24}|[{"Zoë":"naïve","☕":"日本"}]'
pyrun "$WS" 'from sandbox_utils import echo; r = echo("héllo ☕"); print(repr(r))'
expect_eq "echo without a file prints and returns the text" "$OUT" $'héllo ☕\n\'héllo ☕\''
printf '[{"name": "Alice", "age": 30}]' >"$WS/p.json"
pyrun "$WS" 'from sandbox_utils import csv_to_json, json_to_csv, echo
echo("name,age\nAlice,30", "p.csv"); print(csv_to_json("p.csv")); print(json_to_csv("p.json"))'
expect_eq "csv_to_json and json_to_csv text (the original examples)" "$OUT" $'[\n  {\n    "name": "Alice",\n    "age": "30"\n  }\n]\nname,age\nAlice,30'
pyrun "$WS" 'from sandbox_utils import sed, diff, echo
print(sed(r"hello", "goodbye", "Hello world, hello universe"))
echo("Line 1\nLine 2\nLine 3", "f1.txt"); echo("Line 1\nLine 2 modified\nLine 3", "f2.txt"); print(diff("/app/f1.txt", "/app/f2.txt"))'
expect_eq "sed is case-sensitive; diff is unified" "$OUT" $'Hello world, goodbye universe\n--- /app/f1.txt\n+++ /app/f2.txt\n@@ -1,3 +1,3 @@\n Line 1\n-Line 2\n+Line 2 modified\n Line 3'
pyrun "$WS" 'from sandbox_utils import ls
for p in ("/etc", "/app/../../etc"):
    try:
        ls(p)
    except ValueError as e:
        print(str(e).split(" is outside")[0])'
expect_eq "escapes say 'Path must be within /app'" "$OUT" $'Path must be within /app: \'/etc\'\nPath must be within /app: \'/app/../../etc\''


ln -s "$T/outside.txt" "$WS/evil"
ln -s / "$WS/rootlink"
pyrun "$WS" 'import sandbox_utils as su
calls = {"cat": su.cat, "ls": su.ls, "rm": lambda p: su.rm(p, recursive=True), "echo": lambda p: su.echo("x", p),
         "find": lambda p: su.find("*", p), "grep": lambda p: su.grep("x", p), "save_state": lambda p: su.save_state({}, p),
         "cp": lambda p: su.cp("notes.txt", p), "csv_to_json": su.csv_to_json}
for path in ["../x", "/etc/passwd", "/data/x", "evil", "rootlink/etc/passwd", "data/../../x"]:
    outcome = set()
    for name, call in calls.items():
        try:
            call(path)
            outcome.add(name + " did not raise")
        except ValueError as exc:
            outcome.add("ValueError" if repr(path) in str(exc) and "under /app" in str(exc) else "unclear: " + str(exc))
        except Exception as exc:
            outcome.add(name + " raised " + type(exc).__name__)
    print(path, sorted(outcome))'
expect_eq "every path escape raises a ValueError naming the path" "$OUT" "../x ['ValueError']
/etc/passwd ['ValueError']
/data/x ['ValueError']
evil ['ValueError']
rootlink/etc/passwd ['ValueError']
data/../../x ['ValueError']"
expect_eq "the symlink's target outside is untouched" "$(cat "$T/outside.txt")" "secret"
pyrun "$WS" 'import sandbox_utils; print(sandbox_utils.cat("/data/x"))'
expect_match "the escape error tells what to do" "$ERR" "^ValueError: Path must be within /app: '/data/x' is outside it .*use a relative path"
pyrun "$WS" 'import sandbox_utils as su
print(all((getattr(su, n).__doc__ or "").strip() for n in su.__all__), len(su.__all__), "Keys." in su.__doc__)'
expect_eq "every public function has a docstring" "$OUT" "True 33 True"

echo "== auto-persist conversions (SEED-SPEC 3.1; each session exec is a new process, restored from disk)"
SR=$T/sessions
# sess ARGS... -> $OUT, $ERR, $RC of `$BIN session --sessions-root $SR ARGS...`
sess() {
  OUT=$("$BIN" session --sessions-root "$SR" "$@" 2>"$T/stderr"); RC=$?
  ERR=$(cat "$T/stderr")
}
sess create --lang python --auto-persist --json
SID=$(jq -r .session.id <<<"$OUT")
sess exec "$SID" --json -c 'import datetime, pathlib
s = {3, 1}; b = b"hi"; d = datetime.date(2024, 1, 2); p = pathlib.Path("/app/x"); t = (1, 2)
f = open("/app/f.txt", "w")
nested = {"when": datetime.datetime(2024, 1, 2, 3, 4, 5), "tags": {"a"}, "fh": f, "fn": len, "raw": bytearray(b"\x00")}
name = "café ☕ 日本"; items = [1, print, f, (2, 3), datetime.time(4, 5)]; keys = {1: "one"}
bad = {(1, 2): "tuple key"}; json = "mine"; base64 = 64; Path = "not pathlib"'
expect_eq "run 1 succeeds" "$RC|$(jq -r .success <<<"$OUT")" "0|true"
expect_eq "a global JSON cannot hold is skipped with one warning naming it" \
  "$(jq -r '[.warnings[] | select(test("global .bad. was not saved.*\\(1, 2\\)"))] | length' <<<"$OUT")" "1"
sess exec "$SID" -c 'print(s, b, d, p, t, sep=" | ")
print("f" in globals(), "bad" in globals(), "datetime" in globals(), "pathlib" in globals())
print(nested); print(name, items, keys, json, base64, Path)'
expect_eq "run 2 sees the converted globals (set->list, bytes->b64, date/path->str, tuple->list)" "$(sed -n 1p <<<"$OUT")" \
  "[1, 3] | b64:aGk= | 2024-01-02 | /app/x | [1, 2]"
expect_eq "open files, the unwritable global and modules are not restored" "$(sed -n 2p <<<"$OUT")" "False False False False"
expect_eq "nested values are converted, I/O objects and functions inside dropped" "$(sed -n 3p <<<"$OUT")" \
  "{'when': '2024-01-02T03:04:05', 'tags': ['a'], 'raw': 'b64:AA=='}"
expect_eq "text unchanged, lists cleaned, int keys as strings, user globals named json/base64/Path kept" \
  "$(sed -n 4p <<<"$OUT")" "café ☕ 日本 [1, [2, 3], '04:05:00'] {'1': 'one'} mine 64 not pathlib"
expect_eq "the state file is JSON of the converted globals" \
  "$(jq -c '{s, b, p, t, name}' "$SR/$SID/workspace/.lsb/state.json" 2>&1)" \
  '{"s":[1,3],"b":"b64:aGk=","p":"/app/x","t":[1,2],"name":"café ☕ 日本"}'
sess create --lang python --auto-persist --json
SID2=$(jq -r .session.id <<<"$OUT")
sess exec "$SID2" -c 'counter = 0; data = []'
sess exec "$SID2" -c "counter += 1; data.append('item'); print(counter, data)"
expect_eq "the original's example: counter and data persist" "$RC|$OUT" "0|1 ['item']"

echo "== inject_setup=False (--no-inject-setup)"
WS=$T/inject && mkdir -p "$WS"
run --no-inject-setup -c 'import tabulate'
expect_eq "a vendored import fails without /data/site-packages" "$RC" "1"
expect_match "... with ModuleNotFoundError naming it" "$ERR" "^ModuleNotFoundError: No module named 'tabulate'$"
run --no-inject-setup -c 'import sandbox_utils'
expect_match "sandbox_utils (vendored too) is not importable either" "$ERR" "No module named 'sandbox_utils'"
run --no-inject-setup -c 'import sys, json, csv, datetime, zoneinfo, yaml' 
expect_match "warm-imported vendored modules are hidden as well" "$ERR" "No module named 'yaml'"
run --no-inject-setup -c 'import sys, json, csv, datetime, re, collections; print("/data/site-packages" in sys.path, json.dumps("é"))'
expect_eq "the standard library still imports" "$RC|$OUT" '0|False "\u00e9"'
run --no-inject-setup -c 'import sys; sys.path.insert(0, "/data/site-packages"); import tabulate; print(tabulate.tabulate([["café", 1]]))'
expect_eq "sys.path.insert(0, '/data/site-packages') brings them back" "$RC|$(sed -n 2p <<<"$OUT")" "0|café  1"
run -c 'import tabulate, sys; print("/data/site-packages" in sys.path)'
expect_eq "without the flag the vendored packages are there" "$RC|$OUT" "0|True"
sess create --lang python --json
SID3=$(jq -r .session.id <<<"$OUT")
sess exec "$SID3" --no-inject-setup -c 'import tabulate'
expect_eq "session exec --no-inject-setup hides them too" "$RC|$(grep Error <<<"$ERR")" \
  "1|ModuleNotFoundError: No module named 'tabulate'"
sess exec "$SID3" -c 'import tabulate; print("ok")'
expect_eq "the session's next exec has them again" "$RC|$OUT" "0|ok"
run --lang js --no-inject-setup -c 'console.log(typeof readText, typeof requireVendor)'
expect_eq "JavaScript: --no-inject-setup has no effect" "$RC|$OUT" "0|function function"

echo "== _lsb_wheel"
WS=$T/wheel && mkdir -p "$WS/.lsb/incoming"
CASES=$(python3 "$ROOT/tests/python/wheels.py" "$WS/.lsb/incoming") || bad "building test wheels" "$CASES"
SITE=/app/.lsb/site-packages
# install FILE -> $OUT is the installer's JSON line
install() { pyrun "$WS" "import _lsb_wheel; _lsb_wheel.main('/app/.lsb/incoming/$1', '$SITE')"; }
install demo_pkg-1.0-py3-none-any.whl
expect_eq "a good wheel installs" "$RC|$OUT" '0|{"ok": true, "name": "demo-pkg", "version": "1.0", "files": 5}'
pyrun "$WS" "import sys; sys.path.insert(0, '$SITE'); import demo_pkg; print(demo_pkg.VALUE, demo_pkg.__file__)"
expect_eq "the installed package imports" "$OUT" "1.0 $SITE/demo_pkg/__init__.py"
install demo_pkg-2.0-py2.py3-none-any.whl
expect_eq "a newer version installs" "$(field ok)|$(field version)" "true|2.0"
pyrun "$WS" "import sys; sys.path.insert(0, '$SITE'); import demo_pkg, demo_pure; print(demo_pkg.VALUE, demo_pure.P)"
expect_eq "it replaced the old one; .data/purelib is installed" "$OUT" "2.0 purelib"
expect_eq "one version's metadata remains" "$(cd "$WS/.lsb/site-packages" && ls -d ./*.dist-info)" "./demo_pkg-2.0.dist-info"
expect_eq "no staging folders are left" "$(find "$WS/.lsb" -maxdepth 1 -name '.wheel-*')" ""
before=$(cd "$WS/.lsb/site-packages" && find . | LC_ALL=C sort)
while IFS=$'\t' read -r file reason; do
  [ -n "$reason" ] || continue
  install "$file"
  if [ "$RC" = 0 ] && [ "$(field ok)" = false ] && grep -qE -- "$reason" <<<"$(field reason)" &&
    [ "$(wc -l <<<"$OUT")" = 1 ]; then
    ok "refused $file: $(field reason | cut -c1-90)"
  else
    bad "refused $file with /$reason/" "rc $RC, output [$OUT], stderr [$ERR]"
  fi
done <<<"$CASES"
expect_eq "refusals left site-packages as it was" "$(cd "$WS/.lsb/site-packages" && find . | LC_ALL=C sort)" "$before"
install missing.whl
expect_match "a missing wheel is refused" "$(field ok)|$(field reason)" '^false\|.*does not exist'

finish batteries-py
