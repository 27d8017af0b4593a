#!/usr/bin/env bash
# tests/e2e/js_helpers.sh BINARY - end-to-end tests of the JavaScript
# guest's batteries, driven through the real `llm-sandbox run`: the file
# helpers on a --workspace folder, read-only /data and /external, path
# escapes, require() of every module in /data/js (ours and the npm ones,
# each doing one real thing), and the errors for unknown modules and Node
# built-ins; then parity with the original system (SEED-SPEC 3.2, 5.1,
# 5.2): its helper error texts, requireVendor, the API of csv-simple,
# json-utils, string-utils and sandbox-utils, non-ASCII names, and `_state`
# in `llm-sandbox session` (each exec a new process).
#
# Each check prints "ok" or "FAIL" with what it saw; the last line is
# "js-helpers: N passed, M failed". Exit 1 on any failure. Needs the built
# assets (make: the snapshot and build/assets/data) and jq.
# The JavaScript below sits in single quotes on purpose (SC2016), and one
# test feeds a typographic apostrophe to wordCount (SC1112).
# shellcheck disable=SC2016,SC1112
set -uo pipefail

BIN=$(realpath "$1")
. "$(dirname "$0")/lib.sh"

# jsrun WORKSPACE CODE [ARGS...] -> run JavaScript in WORKSPACE
jsrun() { local ws=$1 code=$2; shift 2; run --lang javascript --workspace "$ws" "$@" -c "$code"; }

WS=$T/ws && mkdir -p "$WS"
EXT=$T/external && mkdir -p "$EXT" && printf 'from the operator\n' >"$EXT/note.txt"

echo "== file helpers on the workspace"
jsrun "$WS" 'writeText("notes/a.txt", "héllo\nworld\n"); console.log(readText("/app/notes/a.txt").length)'
expect_eq "writeText creates folders; readText reads it back" "$OUT|$RC" "12|0"
expect_eq "the file is on the host, UTF-8" "$(cat "$WS/notes/a.txt")" $'héllo\nworld'
jsrun "$WS" 'appendText("notes/a.txt", "again\n"); console.log(JSON.stringify(readLines("notes/a.txt")))'
expect_eq "appendText + readLines (a final break gives a last '', as the original)" "$OUT" '["héllo","world","again",""]'
printf 'one\r\ntwo\r\nthree' >"$WS/crlf.txt"
jsrun "$WS" 'console.log(JSON.stringify(readLines("crlf.txt")))'
expect_eq "readLines splits on CRLF and LF" "$OUT" '["one","two","three"]'
jsrun "$WS" 'writeLines("out.txt", ["x", 2, "z"]); writeLines("semi.txt", ["a", "b"], ";"); writeLines("empty.txt", [])'
expect_eq "writeLines joins with no final break (original)" "$(od -An -tx1 "$WS/out.txt" | tr -d ' \n')" "780a320a7a"
expect_eq "writeLines with a custom lineEnding" "$(cat "$WS/semi.txt")" "a;b"
expect_eq "writeLines of nothing is an empty file" "$(stat -c %s "$WS/empty.txt")" "0"
jsrun "$WS" 'writeLines("round.txt", ["café ☕", "日本", ""]); console.log(JSON.stringify(readLines("round.txt")), JSON.stringify(readLines("empty.txt")))'
expect_eq "writeLines then readLines round trip; an empty file is ['']" "$OUT" '["café ☕","日本",""] [""]'
expect_eq "writeLines stores UTF-8 (17 bytes: café ☕, 日本, two breaks)" "$(stat -c %s "$WS/round.txt")" "17"
jsrun "$WS" 'writeJson("data/cfg.json", {name: "x", list: [1, 2]}); writeJson("flat.json", [1], 0); const v = readJson("data/cfg.json"); console.log(v.name, v.list[1])'
expect_eq "writeJson + readJson round trip" "$OUT|$RC" "x 2|0"
expect_eq "writeJson indents by 2" "$(sed -n 2p "$WS/data/cfg.json")" '  "name": "x",'
expect_eq "writeJson indent 0 is compact" "$(cat "$WS/flat.json")" "[1]"
printf '{broken' >"$WS/bad.json"
jsrun "$WS" 'readJson("bad.json")'
expect_match "readJson of bad JSON: Invalid JSON in P: why (original)" "$ERR" '^Error: Invalid JSON in bad.json: expecting property name'
jsrun "$WS" 'console.log(fileExists("notes/a.txt"), fileExists("notes"), fileExists("nope.txt"), fileSize("out.txt"), fileSize("nope.txt"))'
expect_eq "fileExists and fileSize (null when missing)" "$OUT" "true true false 5 null"
head -c 3000 /dev/urandom >"$WS/blob.bin"
printf '\x00\xff\x00\x80' >>"$WS/blob.bin"
jsrun "$WS" 'copyFile("blob.bin", "copies/blob2.bin"); mkdir("copies/sub"); copyFile("blob.bin", "copies/sub"); console.log(fileSize("copies/blob2.bin"))'
expect_eq "copyFile reports the size" "$OUT|$RC" "3004|0"
if cmp -s "$WS/blob.bin" "$WS/copies/blob2.bin" && cmp -s "$WS/blob.bin" "$WS/copies/sub/blob.bin"; then
  ok "copyFile is binary-safe (NUL and high bytes), also into a folder"
else bad "copyFile is binary-safe" "$(cmp "$WS/blob.bin" "$WS/copies/blob2.bin" 2>&1)"; fi
jsrun "$WS" 'const b = readBytes("blob.bin"); console.log(b.length, b[b.length - 3], b instanceof Uint8Array); writeBytes("bytes.bin", b.subarray(b.length - 4))'
expect_eq "readBytes gives a Uint8Array" "$OUT" "3004 255 true"
expect_eq "writeBytes writes the view, not its whole buffer" "$(od -An -tx1 "$WS/bytes.bin" | tr -d ' \n')" "00ff0080"
jsrun "$WS" 'console.log(listFiles("copies").join(), "|", listFiles("copies", {recursive: true}).join(), "|", listFiles().includes("notes"))'
expect_eq "listFiles, flat and recursive" "$OUT" "blob2.bin,sub | blob2.bin,sub,sub/blob.bin | true"
jsrun "$WS" 'mkdir("d1/d2/d3"); console.log(fileExists("d1/d2/d3")); mkdir("d1/d2/d3"); console.log("again ok")'
expect_eq "mkdir makes parents and accepts an existing folder" "$OUT|$RC" $'true\nagain ok|0'
jsrun "$WS" 'removeFile("out.txt"); try { removeFile("d1") } catch (e) { console.log(e.code) } removeFile("d1", {recursive: true}); console.log(fileExists("out.txt"), fileExists("d1"))'
expect_eq "removeFile: file, non-empty folder refused, recursive" "$OUT|$RC" $'ENOTEMPTY\nfalse false|0'
jsrun "$WS" 'writeText("gone.txt", "x"); console.log(removeFile("gone.txt"), removeFile("gone.txt"), removeFile("never/there.txt"))'
expect_eq "removeFile: true when removed, false when missing (as the original)" "$OUT|$RC" "true false false|0"
expect_eq "the removed files are gone on the host" "$([ -e "$WS/out.txt" ] || [ -e "$WS/d1" ] && echo left || echo gone)" "gone"
jsrun "$WS" 'readText("missing.txt")'
expect_match "a missing file: File not found: P, then Node's ENOENT text" "$ERR" "^Error: File not found: missing.txt \\(ENOENT: no such file or directory, open '/app/missing.txt'\\)"
expect_eq "a missing file fails the run" "$RC" "1"
jsrun "$WS" 'writeText("obj.txt", {a: 1})'
expect_match "writeText of an object points at writeJson" "$ERR" 'TypeError: writeText\(\): expected a string, got object \(use writeJson\(\)'

echo "== read-only mounts and path escapes"
jsrun "$WS" 'try { writeText("/data/x.txt", "no") } catch (e) { console.log(e.code + " " + e.message) }'
expect_eq "writing /data is refused: Cannot write file: P (EROFS ...)" "$OUT" "EROFS Cannot write file: /data/x.txt (EROFS: read-only file system, writeText '/data/x.txt': /data is read-only: write under /app)"
jsrun "$WS" 'console.log(readText("/external/note.txt").trim()); copyFile("/external/note.txt", "/external/copy.txt")' --external "$EXT"
expect_eq "/external is readable" "$(head -n 1 <<<"$OUT")" "from the operator"
expect_match "copying into /external is refused" "$ERR" "EROFS: read-only file system, copyFile '/external/copy.txt': /external is read-only: write under /app"
expect_eq "nothing was written into /external" "$(ls "$EXT")" "note.txt"
for helper in appendText writeJson writeLines removeFile mkdir; do
  case $helper in
  writeJson) call='writeJson("/data/js/x.json", {})' ;;
  writeLines) call='writeLines("/data/js/x.txt", ["a"])' ;;
  removeFile) call='removeFile("/data/js/vendored.json")' ;;
  mkdir) call='mkdir("/data/js/newdir")' ;;
  *) call="$helper(\"/data/js/x.txt\", \"a\")" ;;
  esac
  jsrun "$WS" "$call"
  expect_match "$helper on /data is read-only" "$ERR" "EROFS: .*/data is read-only: write under /app"
done
jsrun "$WS" 'writeText("../../etc/evil.txt", "x")'
expect_match "a relative escape is caught as outside /app" "$ERR" "EROFS: .*'/etc/evil.txt'.*write under /app"
jsrun "$WS" 'console.log(readText("/app/../../etc/passwd"))'
expect_no_match "reading /etc/passwd through .. leaks nothing" "$OUT" 'root:'
expect_eq "reading outside the mounts fails" "$RC" "1"
ln -sfn /etc "$WS/etclink"
jsrun "$WS" 'console.log(readText("etclink/passwd"))'
expect_no_match "a host-planted symlink cannot be followed" "$OUT" 'root:'
jsrun "$WS" 'copyFile("etclink/passwd", "stolen.txt")'
expect_eq "copyFile through the symlink copies nothing" "$([ -e "$WS/stolen.txt" ] && echo copied || echo none)|$RC" "none|1"
rm -f "$WS/etclink"
jsrun "$WS" 'console.log(listFiles("/").join())'
expect_eq "listFiles('/') shows only the mounts" "$OUT" "app,data,external,usr"

echo "== require() and /data/js"
jsrun "$WS" 'console.log(JSON.stringify(readJson("/data/js/vendored.json").map((m) => m.name)))'
expect_eq "vendored.json lists our modules and the npm ones" "$OUT" \
  '["csv-simple","dayjs","json-utils","lodash","marked","papaparse","sandbox-utils","string-utils"]'
jsrun "$WS" 'console.log(readJson("/data/js/vendored.json").every((m) => m.name && m.version && m.source))'
expect_eq "vendored.json entries have name, version, source" "$OUT" "true"
jsrun "$WS" 'const _ = require("lodash"); console.log(JSON.stringify(_.chunk([1, 2, 3, 4, 5], 2)), _.uniq([3, 1, 3]).join(), _.camelCase("foo bar"))'
expect_eq "lodash chunk/uniq/camelCase" "$OUT|$RC" "[[1,2],[3,4],[5]] 3,1 fooBar|0"
jsrun "$WS" 'const dayjs = require("dayjs"); const utc = require("dayjs/plugin/utc"); dayjs.extend(utc); console.log(dayjs.utc("2024-02-28T10:05:00Z").add(1, "day").format("YYYY-MM-DD HH:mm ddd"))'
expect_eq "dayjs formatting with the utc plugin (leap day)" "$OUT|$RC" "2024-02-29 10:05 Thu|0"
jsrun "$WS" 'const Papa = require("papaparse"); const r = Papa.parse("name,qty\nann,2\n\"b, c\",3\n", {header: true, dynamicTyping: true, skipEmptyLines: true}); console.log(JSON.stringify(r.data), r.errors.length)'
expect_eq "papaparse parses quoted CSV with headers" "$OUT|$RC" '[{"name":"ann","qty":2},{"name":"b, c","qty":3}] 0|0'
jsrun "$WS" 'const { marked } = require("marked"); console.log(marked.parse("# Title\n\nSome *emphasis* and `code`.\n\n- one\n- two\n"))'
expect_eq "marked renders Markdown to HTML" "$OUT|$RC" \
  $'<h1>Title</h1>\n<p>Some <em>emphasis</em> and <code>code</code>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>|0'
jsrun "$WS" 'const csv = require("csv-simple"); const rows = [{id: 1, text: "a, \"quoted\"\nline"}, {id: 2, text: "plain"}];
csv.writeCsv("t.csv", rows); const back = csv.readCsv("t.csv", {header: true, typed: true}); console.log(JSON.stringify(back) === JSON.stringify(rows), readLines("t.csv")[0])'
expect_eq "csv-simple round trip through a file (quotes, newline)" "$OUT|$RC" "true id,text|0"
jsrun "$WS" 'const j = require("json-utils"); const o = {}; j.set(o, "a.b[1].c", 5); const v = j.validate({id: "x"}, {type: "object", required: ["id", "n"], properties: {id: {type: "integer"}}});
console.log(j.get(o, "a.b[1].c"), j.has(o, "a.b"), JSON.stringify(j.merge({a: {x: 1}}, {a: {y: 2}})), v.errors.join("; "))'
expect_eq "json-utils get/set/has/merge/validate" "$OUT" \
  '5 true {"a":{"x":1,"y":2}} $: missing required property "n"; $.id: expected integer, got string'
jsrun "$WS" 'const s = require("string-utils"); console.log(s.slugify("Crème Brûlée: 2 ways!"), s.snakeCase("parseHTTPResponse"), s.kebabCase("Hello World"), s.truncate("abcdefghij", 6), s.wordCount("It’s one, two."))'
expect_eq "string-utils slugify/cases/truncate/wordCount" "$OUT" "creme-brulee-2-ways parse_http_response hello-world abc... 3"
jsrun "$WS" 'const u = require("sandbox-utils"); writeText("logs/a.log", "ok\nERROR one\n"); writeText("logs/b.log", "error two\n"); console.log(JSON.stringify(u.grep(/error/i, "logs").map((m) => m.file + ":" + m.line)), u.wc("logs/a.log").lines, u.find("logs", "*.log").length)'
expect_eq "sandbox-utils grep/wc/find" "$OUT" '["/app/logs/a.log:2","/app/logs/b.log:1"] 2 2'
jsrun "$WS" 'console.log(requireVendor("lodash") === require("lodash"), typeof requireVendor("marked").marked)'
expect_eq "requireVendor loads the same cached module" "$OUT" "true function"
printf 'module.exports = { twice: (x) => 2 * x, cfg: require("./cfg.json"), me: __filename };\n' >"$WS/mine.js"
printf '{"k": 7}\n' >"$WS/cfg.json"
jsrun "$WS" 'const m = require("./mine"); console.log(m.twice(21), m.cfg.k, m.me, require.main === module)'
expect_eq "require of a workspace file, a .json inside it, __filename" "$OUT" "42 7 /app/mine.js true"

echo "== module errors"
jsrun "$WS" 'require("left-pad")'
expect_match "unknown module: Node's message" "$ERR" "Error: Cannot find module 'left-pad'"
expect_match "unknown module: lists what is available" "$ERR" 'Available modules \(/data/js\): csv-simple, dayjs, json-utils, lodash, marked, papaparse, sandbox-utils, string-utils'
expect_eq "unknown module fails the run" "$RC" "1"
for builtin in fs path http child_process node:fs; do
  jsrun "$WS" "require('$builtin')"
  expect_match "require('$builtin') says built-ins do not exist here" "$ERR" \
    "Cannot find module '$builtin': Node.js built-in modules do not exist in this sandbox"
done
expect_match "the built-in error points at the file helpers" "$ERR" 'readText, writeText, appendText, readJson, writeJson'
jsrun "$WS" 'require("./nowhere")'
expect_match "a missing relative module says so" "$ERR" "Error: Cannot find module './nowhere'"
expect_match "a missing relative module lists where it looked" "$ERR" "Looked for: /app/nowhere, /app/nowhere.js"
jsrun "$WS" 'requireVendor("./mine")'
expect_match "requireVendor takes names only" "$ERR" "TypeError: requireVendor\('./mine'\): give a library name"
jsrun "$WS" 'require("lodash/../../../app/mine")'
expect_match "a bare name cannot climb out of /data/js" "$ERR" "Cannot find module 'lodash/../../../app/mine'"

echo "== the original's helper error texts and sandbox-utils (SEED-SPEC 5.1)"
WS2=$T/ws2 && mkdir -p "$WS2" && printf 'x' >"$WS2/blocker.txt" && printf '[1,' >"$WS2/half.json"
# each line: what the call threw, as "code|message" (first line of the message)
jsrun "$WS2" 'const t = (f) => { try { f(); console.log("no error") } catch (e) { console.log((e.code || e.name) + "|" + e.message.split("\n")[0]) } };
t(() => readJson("missing.json")); t(() => readLines("/app/none.txt")); t(() => readJson("half.json"));
t(() => writeText("blocker.txt/x.txt", "a")); t(() => appendText("/data/x.txt", "a")); t(() => writeJson("/external/x.json", {}));
t(() => writeLines("/data/l.txt", ["a"])); t(() => listFiles("nodir")); t(() => copyFile("nope.txt", "c.txt"));
t(() => copyFile("blocker.txt", "/data/c.txt")); mkdir("full/sub"); t(() => removeFile("full"));
console.log(fileSize("nope"), fileSize(42), fileSize(), fileSize("blocker.txt"))'
expect_eq "readJson of a missing file" "$(sed -n 1p <<<"$OUT")" "ENOENT|File not found: missing.json (ENOENT: no such file or directory, open '/app/missing.json')"
expect_eq "readLines of a missing file keeps the path as given" "$(sed -n 2p <<<"$OUT")" "ENOENT|File not found: /app/none.txt (ENOENT: no such file or directory, open '/app/none.txt')"
expect_match "readJson of bad JSON" "$(sed -n 3p <<<"$OUT")" '^Error\|Invalid JSON in half.json: '
expect_match "writeText blocked by a file: Cannot write file: P" "$(sed -n 4p <<<"$OUT")" '^E[A-Z]+\|Cannot write file: blocker.txt/x.txt \('
expect_match "appendText on /data: Cannot write file: P" "$(sed -n 5p <<<"$OUT")" '^EROFS\|Cannot write file: /data/x.txt \(EROFS'
expect_match "writeJson on /external: Cannot write file: P" "$(sed -n 6p <<<"$OUT")" '^EROFS\|Cannot write file: /external/x.json \(EROFS'
expect_match "writeLines on /data: Cannot write file: P" "$(sed -n 7p <<<"$OUT")" '^EROFS\|Cannot write file: /data/l.txt \('
expect_eq "listFiles of a missing folder: Cannot read directory P: why" "$(sed -n 8p <<<"$OUT")" "ENOENT|Cannot read directory nodir: ENOENT: no such file or directory, scandir '/app/nodir'"
expect_match "copyFile of a missing source: File not found: src" "$(sed -n 9p <<<"$OUT")" '^ENOENT\|File not found: nope.txt \('
expect_match "copyFile to /data: Cannot write file: dest" "$(sed -n 10p <<<"$OUT")" '^EROFS\|Cannot write file: /data/c.txt \('
expect_match "removeFile of a non-empty folder: Cannot remove file P: why" "$(sed -n 11p <<<"$OUT")" '^ENOTEMPTY\|Cannot remove file full: ENOTEMPTY'
expect_eq "fileSize is null on any error" "$(sed -n 12p <<<"$OUT")|$RC" "null null null 1|0"
jsrun "$WS2" 'requireVendor("no-such-pkg")'
expect_match "requireVendor of a missing package: Vendor package not found: NAME" "$ERR" '^Error: Vendor package not found: no-such-pkg$'
expect_match "...then require()'s message and the list" "$ERR" "^Cannot find module 'no-such-pkg'"
expect_match "...and what is available" "$ERR" '^Available modules \(/data/js\): csv-simple, dayjs'
expect_eq "a missing vendor package fails the run" "$RC" "1"
jsrun "$WS2" 'try { requireVendor("fs") } catch (e) { console.log(e.code, e.message.split("\n")[0]) }'
expect_eq "requireVendor of a Node built-in says so too" "$OUT" "MODULE_NOT_FOUND Vendor package not found: fs"
jsrun "$WS2" 'console.log(typeof requireVendor("csv-simple").parse, typeof requireVendor("json-utils").validate, typeof requireVendor("string-utils").isPalindrome, typeof requireVendor("sandbox-utils").readJson, requireVendor("csv-simple.js") === requireVendor("csv-simple"))'
expect_eq "requireVendor of our four packages (and the original's file name)" "$OUT|$RC" "function function function function true|0"
jsrun "$WS2" 'const su = requireVendor("sandbox-utils");
const names = ["readJson", "writeJson", "readText", "writeText", "fileExists", "readLines", "writeLines", "appendText", "fileSize", "listFiles", "copyFile", "removeFile"];
console.log(names.filter((n) => su[n] !== globalThis[n]).join() || "all 12", typeof su.grep, typeof su.find);
su.writeJson("su/ß.json", {w: "café ☕ 日本"}); su.writeLines("su/l.txt", ["a", "b"]); su.appendText("su/l.txt", "\nc");
console.log(su.readJson("su/ß.json").w, su.readLines("su/l.txt").join("+"), su.fileExists("su/l.txt"), su.fileSize("su/l.txt"), su.listFiles("su").join());
su.copyFile("su/l.txt", "su/m.txt"); console.log(su.readText("su/m.txt") === "a\nb\nc", su.removeFile("su/m.txt"), su.removeFile("su/m.txt"), JSON.stringify(su.head("su/l.txt", 2)))'
expect_eq "sandbox-utils has the original's 12 helpers and ours" "$(sed -n 1p <<<"$OUT")" "all 12 function function"
expect_eq "sandbox-utils helpers work" "$(sed -n 2p <<<"$OUT")" "café ☕ 日本 a+b+c true 5 l.txt,ß.json"
expect_eq "sandbox-utils copyFile/removeFile/head" "$(sed -n 3p <<<"$OUT")|$RC" 'true true false ["a","b"]|0'

echo "== csv-simple, json-utils, string-utils: the original's API (SEED-SPEC 5.2)"
jsrun "$WS2" 'const csv = requireVendor("csv-simple");
console.log(JSON.stringify(csv.parse("name,city\r\nAnn,\"Paris, FR\"\r\n\r\n\"Bé \"\"B\"\"\"\nCé,日本,extra\n")));
console.log(JSON.stringify(csv.parse("a;b\n1;2", {delimiter: ";", headers: false})), JSON.stringify(csv.parse("a,b\n1,2", {header: false})));
console.log(JSON.stringify(csv.parse("a,b\n1,\x27x,y\x27", {quote: "\x27"})), JSON.stringify(csv.parse("1,2", {headers: ["x", "y"]})), JSON.stringify(csv.parse("")));
console.log(JSON.stringify(csv.parse("n,ok\n0,true\n,x", {typed: true})));'
expect_eq "parse: objects by default, quotes, CRLF, empty lines skipped, missing cells ''" "$(sed -n 1p <<<"$OUT")" \
  '[{"name":"Ann","city":"Paris, FR"},{"name":"Bé \"B\"","city":""},{"name":"Cé","city":"日本"}]'
expect_eq "parse: headers:false (and our header:false) give arrays" "$(sed -n 2p <<<"$OUT")" '[["a","b"],["1","2"]] [["a","b"],["1","2"]]'
expect_eq "parse: quote option, a headers array, empty text" "$(sed -n 3p <<<"$OUT")" '[{"a":"1","b":"x,y"}] [{"x":"1","y":"2"}] []'
expect_eq "parse: our typed option" "$(sed -n 4p <<<"$OUT")|$RC" '[{"n":0,"ok":true},{"n":null,"ok":"x"}]|0'
jsrun "$WS2" 'const csv = requireVendor("csv-simple"); const j = (x) => console.log(JSON.stringify(x));
j(csv.stringify([{a: 0, b: false, c: null}, {a: "x,y", b: "q\"", c: "l1\nl2"}]));
j(csv.stringify([{a: 1, b: 2}], {headers: false})); j(csv.stringify([{a: 1, b: 2}], {columns: ["b"]}));
j(csv.stringify([[1, 2], [3, undefined]], {headers: ["x", "y"]})); j(csv.stringify([[1, 2]]));
j(csv.stringify([])); j(csv.stringify([{a: "x;y", b: "p|q"}], {delimiter: ";", quote: "|"})); j(csv.stringify([{a: 1}, {b: "日本"}]));
const rows = [{id: "1", t: "café ☕, \"日本\"\nx"}]; console.log(JSON.stringify(csv.parse(csv.stringify(rows))) === JSON.stringify(rows))'
expect_eq "stringify: header from keys, quoting, 0 and false kept, null empty, no final newline" "$(sed -n 1p <<<"$OUT")" \
  '"a,b,c\n0,false,\n\"x,y\",\"q\"\"\",\"l1\nl2\""'
expect_eq "stringify: headers:false omits the header" "$(sed -n 2p <<<"$OUT")" '"1,2"'
expect_eq "stringify: columns picks and orders" "$(sed -n 3p <<<"$OUT")" '"b\n2"'
expect_eq "stringify: arrays with a legacy headers array" "$(sed -n 4p <<<"$OUT")" '"x,y\n1,2\n3,"'
expect_eq "stringify: arrays without headers" "$(sed -n 5p <<<"$OUT")" '"1,2"'
expect_eq "stringify: empty input is ''" "$(sed -n 6p <<<"$OUT")" '""'
expect_eq "stringify: delimiter and quote options" "$(sed -n 7p <<<"$OUT")" '"a;b\n|x;y|;|p||q|"'
expect_eq "stringify: keys of later records are added (ours)" "$(sed -n 8p <<<"$OUT")" '"a,b\n1,\n,日本"'
expect_eq "stringify then parse round-trips" "$(sed -n 9p <<<"$OUT")|$RC" "true|0"

jsrun "$WS2" 'const ju = requireVendor("json-utils"); const j = (x) => console.log(JSON.stringify(x));
const data = {users: [{name: "Zoë", age: 30, tags: ["a"]}]};
j([ju.get(data, "users.0.name"), ju.get(data, "users.0.tags.0"), ju.get(data, "users.1.name", "none"), ju.get(data, "users.0.x.y", 0)]);
const o = {}; ju.set(o, "a.b.c", "日本"); ju.set(o, "a.d", 1); j(o); try { ju.set(5, "a", 1) } catch (e) { console.log(e.constructor.name) }
const schema = {type: "object", properties: {name: {type: "string", required: true}, age: {type: "number"},
  role: {enum: ["admin", "user"]}, tags: {type: "array", items: {type: "string"}}}};
j(ju.validate({name: "Ann", age: 3, role: "user", tags: ["x"]}, schema));
const bad = ju.validate({age: "old", role: "root", tags: ["x", 2]}, schema); j([bad.valid, bad.errors.length]); console.log(bad.errors.join("; "));
j([ju.validate([1], {type: "array"}).valid, ju.validate({}, {type: "array"}).valid, ju.validate({}, {required: ["id"]}).valid]);
const src = {a: {b: [1, {c: 2}]}}; const c = ju.clone(src); c.a.b[1].c = 9; j([src.a.b[1].c, c.a.b[1].c]);
j(ju.merge({a: {x: 1, y: {z: 1}}, k: [1]}, {a: {y: {w: 2}}, k: [2]})); j([ju.has(data, "users.0.age"), ju.has(data, "users.0.zip")])'
expect_eq "json-utils get: dotted paths with numeric segments, defaults" "$(sed -n 1p <<<"$OUT")" '["Zoë","a","none",0]'
expect_eq "json-utils set creates intermediates" "$(sed -n 2p <<<"$OUT")" '{"a":{"b":{"c":"日本"},"d":1}}'
expect_eq "json-utils set on a non-object throws" "$(sed -n 3p <<<"$OUT")" "TypeError"
expect_eq "validate: a valid object" "$(sed -n 4p <<<"$OUT")" '{"valid":true,"errors":[]}'
expect_eq "validate: four problems found" "$(sed -n 5p <<<"$OUT")" '[false,4]'
expect_eq "validate: per-property required, type, enum, items" "$(sed -n 6p <<<"$OUT")" \
  '$: missing required property "name"; $.age: expected number, got string; $.role: must be one of ["admin","user"]; $.tags[1]: expected string, got integer'
expect_eq "validate: type array, JSON-Schema required lists" "$(sed -n 7p <<<"$OUT")" '[true,false,false]'
expect_eq "clone is deep" "$(sed -n 8p <<<"$OUT")" '[2,9]'
expect_eq "merge is deep; arrays replace" "$(sed -n 9p <<<"$OUT")" '{"a":{"x":1,"y":{"z":1,"w":2}},"k":[2]}'
expect_eq "has (ours)" "$(sed -n 10p <<<"$OUT")|$RC" '[true,false]|0'

jsrun "$WS2" 'const s = requireVendor("string-utils"); const j = (x) => console.log(JSON.stringify(x));
j([s.slugify("Hello World!"), s.slugify("Hello World", "_"), s.slugify("Café ☕ au lait")]);
j([s.truncate("Hello World", 8), s.truncate("Hello World", 8, "…"), s.truncate("hi", 8), s.truncate("hello world", 9).length]);
j([s.capitalize("hELLO"), s.camelCase("hello world-foo_bar"), s.snakeCase("helloWorld Foo"), s.kebabCase("Hello World")]);
j([s.pad("7", 3, "0", "left"), s.pad("ab", 6, "*", "both"), s.pad("x", 3), s.pad("x", 3, "-", "right"), s.pad("x", 3, "-", "end"), s.pad("x", 3, "-", "start")]);
j([s.clean("  a\t\n  b\u0007c  "), s.count("Banana bAN", "an"), s.count("Banana bAN", "an", false), s.reverse("café ☕ 日本")]);
j([s.isPalindrome("Never odd or even"), s.isPalindrome("Abba", false), s.isPalindrome("ab a", true, false), s.isPalindrome("A man, a plan, a canal: Panama")]);
j([s.words("Hello, wörld_1 x!"), s.wordCount("one two  three"), s.words("")]);
j([s.upperFirst("élan"), s.lowerFirst("ABC"), s.padStart("5", 3, "0"), s.padEnd("5", 3, "."), s.trim("  x  "), s.trim("--a-b--", "-"), s.trimStart("xxa", "x"), s.trimEnd("axx", "x")]);
j([s.split(" a  b\tc "), s.split("a,b,c", ","), s.split("a,b,c", ",", 2), s.split(""), s.join(["a", null, 1]), s.join(["x", "y"], ", "), s.join(s.split("  café   ☕  "))]);
try { s.pad("x", 3, " ", "middle") } catch (e) { console.log(e.constructor.name) }'
expect_eq "slugify with a separator" "$(sed -n 1p <<<"$OUT")" '["hello-world","hello_world","cafe-au-lait"]'
expect_eq "truncate: total length = len" "$(sed -n 2p <<<"$OUT")" '["Hello...","Hello W…","hi",9]'
expect_eq "capitalize and case conversions" "$(sed -n 3p <<<"$OUT")" '["Hello","helloWorldFooBar","hello_world_foo","hello-world"]'
expect_eq "pad right/left/both (original) and end/start (ours)" "$(sed -n 4p <<<"$OUT")" '["007","**ab**","x  ","x--","x--","--x"]'
expect_eq "clean, count (case-sensitive by default), reverse" "$(sed -n 5p <<<"$OUT")" '["a bc",2,3,"本日 ☕ éfac"]'
expect_eq "isPalindrome: case and spaces ignored by default, punctuation not" "$(sed -n 6p <<<"$OUT")" '[true,false,false,false]'
expect_eq "words and wordCount" "$(sed -n 7p <<<"$OUT")" '[["Hello","wörld_1","x"],3,[]]'
expect_eq "upperFirst, lowerFirst, padStart, padEnd, trim (advertised by the original)" "$(sed -n 8p <<<"$OUT")" \
  '["Élan","aBC","005","5..","x","a-b","a","a"]'
expect_eq "split and join (advertised by the original)" "$(sed -n 9p <<<"$OUT")" \
  '[["a","b","c"],["a","b","c"],["a","b"],[],"a  1","x, y","café ☕"]'
expect_eq "pad with an unknown direction throws" "$(sed -n 10p <<<"$OUT")|$RC" "TypeError|0"

echo "== non-ASCII names and text"
jsrun "$WS2" 'const w = "café ☕ 日本"; writeText("données ☕/日本.txt", w); appendText("données ☕/日本.txt", "\n" + w);
console.log(readText("/app/données ☕/日本.txt") === w + "\n" + w, listFiles("données ☕").join(), fileSize("données ☕/日本.txt"), fileExists("données ☕/日本.txt"));
copyFile("données ☕/日本.txt", "ünï.txt"); console.log(readText("ünï.txt").split("\n")[1])'
expect_eq "non-ASCII file names and contents round trip in the guest" "$OUT|$RC" $'true 日本.txt 33 true\ncafé ☕ 日本|0'
expect_eq "the host sees the same name and bytes" "$(cat "$WS2/données ☕/日本.txt")" $'café ☕ 日本\ncafé ☕ 日本'

echo "== std and os (the original's qjs --std globals)"
jsrun "$WS2" 'console.log(typeof std, typeof os)'
expect_eq "std and os are not globals here (use the file helpers)" "$OUT" "undefined undefined"

echo "== _state (SEED-SPEC 3.2)"
ROOT=$T/sessions
# sx ARGS... -> $OUT, $ERR, $RC of `session --sessions-root ROOT ARGS`
sx() { OUT=$("$BIN" session --sessions-root "$ROOT" "$@" 2>"$T/stderr"); RC=$?; ERR=$(cat "$T/stderr"); }
sx create --lang js --auto-persist --json
SID=$(jq -r .session.id <<<"$OUT")
BUMP='_state.counter = (_state.counter || 0) + 1; console.log(_state.counter); var total = (typeof total === "number" ? total : 0) + 10; console.log(total)'
got=""
for _ in 1 2 3; do sx exec "$SID" -c "$BUMP"; got="$got$(tr '\n' ' ' <<<"$OUT")"; done
expect_eq "_state counts 1, 2, 3 over three execs (each a new process); top-level var too" "$got|$RC" "1 10 2 20 3 30 |0"
sx exec "$SID" -c 'console.log(JSON.stringify(_state), Object.keys(globalThis).includes("_state"))'
expect_eq "_state is a plain global object" "$OUT" '{"counter":3} true'
sx exec "$SID" -c '_state.word = "café ☕ 日本"; _state.nested = {list: [1, null, true], empty: {}}; _state.f = () => 1'
sx exec "$SID" -c 'console.log(_state.word, JSON.stringify(_state.nested), typeof _state.f)'
expect_eq "_state round-trips nested JSON and UTF-8; functions are dropped" "$OUT" 'café ☕ 日本 {"list":[1,null,true],"empty":{}} undefined'
sx exec "$SID" -c '_state.counter = 100; throw new Error("boom")'
expect_eq "a failing exec fails" "$RC" "1"
sx exec "$SID" -c 'console.log(_state.counter)'
expect_eq "a failing exec saves nothing" "$OUT" "3"
sx exec "$SID" --json -c 'console.log(typeof _state)'
expect_eq "session exec --json: _state exists" "$(jq -r .stdout <<<"$OUT")" "object"
sx destroy "$SID"
sx create --lang js --json
SID=$(jq -r .session.id <<<"$OUT")
sx exec "$SID" -c 'console.log(typeof _state)'
expect_eq "no _state in a session without auto-persist" "$OUT|$RC" "undefined|0"
sx destroy "$SID"
OUT=$("$BIN" run --lang js --json -c 'console.log(typeof _state)' 2>/dev/null)
expect_eq "no _state in a one-shot run" "$(jq -r .stdout <<<"$OUT")" "undefined"

finish js-helpers
