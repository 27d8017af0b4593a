#!/usr/bin/env bash
# tests/e2e/sessions_cli.sh BINARY - end-to-end tests of `llm-sandbox session`.
#
# Drives the real binary, one process per command, against a temporary
# sessions root: create (UUIDs, custom ids, bad ids), exec in Python and
# JavaScript, state kept (or not) across processes, file round trips with
# binary data, path escapes, isolation between sessions, reset, destroy,
# glob listings, --no-overwrite, folders, adoption of legacy workspaces,
# prune (with skipped and failed sessions), install, the JSON forms and
# the exit statuses. Each check prints
# "ok" or "FAIL" with what it saw; the last line is
# "sessions-cli: N passed, M failed". Exit 1 on any failure.
set -uo pipefail

BIN=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
ROOT="$T/sessions"
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
NOSUCH=00000000-0000-4000-8000-000000000000

# sx ARGS... -> $OUT (stdout), $ERR (stderr), $RC for `session --sessions-root ROOT ARGS`
sx() {
  OUT=$("$BIN" session --sessions-root "$ROOT" "$@" 2>"$T/stderr"); RC=$?
  ERR=$(cat "$T/stderr")
}
# sxin INPUT ARGS... -> like sx, with INPUT on standard input
sxin() {
  local input=$1; shift
  OUT=$(printf '%s' "$input" | "$BIN" session --sessions-root "$ROOT" "$@" 2>"$T/stderr"); RC=$?
  ERR=$(cat "$T/stderr")
}
# jx ARGS... -> like sx with --json; J is the JSON document
jx() { sx "$@" --json; J=$OUT; }
# the ids of every session, one per line, sorted
session_ids() { "$BIN" session list --json --sessions-root "$ROOT" | jq -r '.sessions[].id' | sort; }
# everything under the sessions root, for "nothing was created" checks
root_listing() { (cd "$ROOT" 2>/dev/null && find . | sort); }

echo "== create"
sx create
expect_match "create prints a UUID" "$OUT" "$UUID_RE"
expect_eq "create exits 0" "$RC" "0"
PY=$OUT
sx create --lang javascript
JS=$OUT
expect_match "create --lang javascript" "$JS" "$UUID_RE"
sx create --id my-sess_1 --custom-id
expect_eq "create a custom id" "$OUT|$RC" "my-sess_1|0"
sx create --id 123e4567-e89b-42d3-a456-426614174000
expect_eq "create a given UUID without --custom-id" "$OUT|$RC" "123e4567-e89b-42d3-a456-426614174000|0"
sx create --id my-sess_1 --custom-id
expect_eq "a taken id: exit 73" "$RC" "73"
expect_match "a taken id: says so" "$ERR" "already exists"
before_ids=$(session_ids); before_root=$(root_listing)
long=$(printf 'a%.0s' $(seq 129))
for id in 'bad id' '../escape' 'a/b' '.' '..' 'semi;colon' "$long" 'ünïcode'; do
  sx create --id "$id" --custom-id
  expect_eq "bad custom id '${id:0:20}' is rejected with 64" "$RC" "64"
done
sx create --id not-a-uuid
expect_eq "a non-UUID id needs --custom-id (64)" "$RC" "64"
expect_match "the library's reason is shown" "$ERR" 'id'
expect_eq "bad ids created no session" "$(session_ids)" "$before_ids"
expect_eq "bad ids created nothing under the root" "$(root_listing)" "$before_root"
expect_eq "no file escaped the root" "$(ls -A "$T" | sort | tr '\n' ' ')" "sessions stderr "
jx create --auto-persist
AP=$(jget .session.id)
expect_eq "create --json: ok and language" "$(jget .ok)|$(jget .session.language)" "true|python"
expect_match "create --json: a UUID" "$AP" "$UUID_RE"
expect_eq "create --json: auto-persist and limits" \
  "$(jget .session.auto_persist_globals)|$(jget .session.limits.fuel)" "true|5000000000"
jx create --fuel 123456789 --memory 64MiB --quota-files 77
expect_eq "create stores the limits" \
  "$(jget .session.limits.fuel)|$(jget .session.limits.memory_bytes)|$(jget .session.limits.quota_files)" \
  "123456789|67108864|77"
LIM=$(jget .session.id)
sx create --fuel 0
expect_eq "create --fuel 0: 64" "$RC" "64"

echo "== exec"
sx exec "$PY" -c 'print(6 * 7)'
expect_eq "python exec" "$OUT|$RC" "42|0"
sx exec "$JS" -c 'console.log([1, 2, 3].map(x => x * 2).join(","))'
expect_eq "javascript exec (language from the session)" "$OUT|$RC" "2,4,6|0"
sx exec "$PY" -c 'import sys; sys.exit(3)'
expect_eq "exit status is the guest's" "$RC" "3"
sx exec "$PY" -c 'raise ValueError("bad")'
expect_eq "uncaught exception: 1" "$RC" "1"
expect_match "traceback on stderr" "$ERR" "ValueError: bad"
sxin 'print(1 + 1)' exec "$PY" -
expect_eq "code from standard input" "$OUT" "2"
printf 'print("from file")\n' >"$T/job.py"
sx exec "$PY" "$T/job.py"
expect_eq "code from a file" "$OUT" "from file"
sx exec "$PY" --fuel 100000000 -c 'while True: pass'
expect_eq "out of fuel: 125" "$RC" "125"
expect_match "out of fuel: reason" "$ERR" "fuel"
sx exec "$PY" --timeout 1 -c 'import time; time.sleep(30)'
expect_eq "timeout: 124" "$RC" "124"
jx exec "$PY" -c 'print("hi")'
expect_eq "exec --json: the result object" "$(jget .success)|$(jget .stdout)|$(jget .session_id)" "true|hi|$PY"
expect_eq "exec --json: runtime" "$(jget .runtime)" "python"
jx exec "$LIM" -c 'while True: pass'
expect_eq "exec uses the session's stored fuel" "$(jget .trap_reason)|$(jget .fuel_budget)" "out_of_fuel|123456789"
jx exec "$LIM" --fuel 200000000 -c 'print(1)'
expect_eq "exec --fuel overrides it for one run" "$(jget .fuel_budget)" "200000000"
sx exec "$PY" --env GREETING=hello -c 'import os; print(os.environ["GREETING"])'
expect_eq "exec --env" "$OUT" "hello"
sx exec "$PY" -c ''
expect_eq "empty code: 64" "$RC" "64"
"$BIN" session --sessions-root "$ROOT" exec "$PY" -c 'import time; print("early", flush=True); time.sleep(3)' >"$T/live.txt" 2>/dev/null &
live_pid=$!
sleep 1.5
expect_eq "exec output streams while the code runs" "$(cat "$T/live.txt")" "early"
wait $live_pid

echo "== state across processes"
sx exec "$AP" -c 'x = 41'
expect_eq "auto-persist: first exec" "$RC" "0"
sx exec "$AP" -c 'print(x + 1)'
expect_eq "auto-persist: the next process sees x" "$OUT|$RC" "42|0"
sx exec "$AP" -c 'x = 1000
raise RuntimeError("fail after assigning")'
expect_eq "a failing exec exits 1" "$RC" "1"
sx exec "$AP" -c 'print(x)'
expect_eq "a failing exec leaves the state unchanged" "$OUT" "41"
sx exec "$AP" --fuel 100000000 -c 'x = 7
while True: pass'
expect_eq "a trapped exec exits 125" "$RC" "125"
sx exec "$AP" -c 'print(x)'
expect_eq "a trapped exec leaves the state unchanged" "$OUT" "41"
sx exec "$PY" -c 'y = 41
open("keep.txt", "w").write("kept")'
sx exec "$PY" -c 'print(y)'
expect_eq "without auto-persist the next exec starts empty" "$RC" "1"
expect_match "without auto-persist: NameError" "$ERR" "NameError"
sx exec "$PY" -c 'print(open("keep.txt").read())'
expect_eq "without auto-persist files stay" "$OUT" "kept"

echo "== files"
sxin 'hello' write "$PY" data/in.txt
expect_eq "write from standard input" "$RC" "0"
sx read "$PY" data/in.txt
expect_eq "read it back" "$OUT|$RC" "hello|0"
sx read "$PY" /app/data/in.txt
expect_eq "read by absolute /app path" "$OUT" "hello"
sx exec "$PY" -c 'print(open("/app/data/in.txt").read())'
expect_eq "the guest sees a written file" "$OUT" "hello"
{ printf '\0\377\001binary\n\0'; head -c 70000 /dev/urandom; } >"$T/blob.bin"
sx write "$PY" blob.bin "$T/blob.bin"
expect_eq "write binary from a file" "$RC" "0"
"$BIN" session --sessions-root "$ROOT" read "$PY" blob.bin >"$T/back.bin"
if cmp -s "$T/blob.bin" "$T/back.bin"; then ok "binary round trip is byte-exact"; else bad "binary round trip" "$(cmp "$T/blob.bin" "$T/back.bin" 2>&1)"; fi
jx read "$PY" blob.bin
jq -r .content <<<"$J" | base64 -d >"$T/back64.bin" 2>/dev/null
expect_eq "read --json of binary: base64" "$(jget .encoding)|$(jget .size)" "base64|$(stat -c %s "$T/blob.bin")"
if cmp -s "$T/blob.bin" "$T/back64.bin"; then ok "read --json base64 decodes to the bytes"; else bad "read --json base64" "differs"; fi
jx read "$PY" data/in.txt
expect_eq "read --json of text" "$(jget .encoding)|$(jget .content)|$(jget .path)" "utf-8|hello|data/in.txt"
sx exec "$PY" -c 'd = open("/app/blob.bin", "rb").read(); print(len(d), d[:3])'
expect_eq "the guest reads the binary file" "$OUT" "$(stat -c %s "$T/blob.bin") b'\\x00\\xff\\x01'"
printf 'new' | "$BIN" session --sessions-root "$ROOT" write "$PY" data/in.txt - >/dev/null
sx read "$PY" data/in.txt
expect_eq "write - replaces the file" "$OUT" "new"
sx files "$PY"
expect_match "files lists a nested file" "$OUT" ' data/in\.txt$'
expect_match "files lists folders with a slash" "$OUT" ' data/$'
expect_match "files lists the guest's file" "$OUT" ' keep\.txt$'
jx files "$PY"
expect_eq "files --json" "$(jq -r '[.files[] | select(.is_dir | not) | .path] | sort | join(",")' <<<"$J")" "blob.bin,data/in.txt,keep.txt"
expect_eq "files --json sizes" "$(jq -r '.files[] | select(.path == "keep.txt") | .size' <<<"$J")" "4"
jx files "$PY" data
expect_eq "files PATH lists only that folder" "$(jq -r '[.files[].path] | join(",")' <<<"$J")" "data/in.txt"
jx files "$AP"
expect_no_match "files hides /app/.lsb" "$(jq -r '.files[].path' <<<"$J")" '^\.lsb'
jx files "$AP" --all
expect_match "files --all shows the state file" "$(jq -r '.files[] | select(.is_system) | .path' <<<"$J")" '^\.lsb/state\.json$'
sx rm "$PY" blob.bin
expect_eq "rm a file" "$RC" "0"
sx read "$PY" blob.bin
expect_eq "a removed file cannot be read (66)" "$RC" "66"
sx read "$PY" never-there.txt
expect_eq "reading a missing file: 66" "$RC" "66"
expect_no_match "a missing file is not a missing session" "$ERR" "no session"
sx rm "$PY" data
expect_match "rm of a folder without -r fails" "$RC" '^(64|66|70|73|74)$'
sx read "$PY" data/in.txt
expect_eq "a refused rm removed nothing" "$OUT" "new"
sx rm "$PY" data -r
expect_eq "rm -r a folder" "$RC" "0"
jx files "$PY"
expect_eq "the folder is gone" "$(jq -r '[.files[].path] | sort | join(",")' <<<"$J")" "keep.txt"

echo "== UTF-8 in sessions"
WORD='café — 日本語 🎉'
sxin "$WORD" write "$PY" "données/ñ.txt"
expect_eq "write to a non-ASCII path" "$RC" "0"
sx read "$PY" "données/ñ.txt"
expect_eq "read it back byte for byte" "$OUT" "$WORD"
sx exec "$PY" -c "import os; t = open('données/ñ.txt').read(); print(t == '$WORD', os.listdir('données')); open('données/ü.txt', 'w').write('ü' + t)"
expect_eq "the guest reads and writes non-ASCII names and text" "$OUT|$RC" "True ['ñ.txt']|0"
sx read "$PY" "données/ü.txt"
expect_eq "the host reads what the guest wrote" "$OUT" "ü$WORD"
jx files "$PY" données
expect_eq "files --json lists non-ASCII paths" "$(jq -r '[.files[].path] | sort | join(",")' <<<"$J")" "données/ñ.txt,données/ü.txt"
jx read "$PY" "données/ñ.txt"
expect_eq "read --json of non-ASCII text is utf-8" "$(jget .encoding)|$(jget .content)" "utf-8|$WORD"
sx exec "$PY" -c "print('$WORD'); raise ValueError('ça ✗')"
expect_eq "exec prints non-ASCII and fails with it" "$OUT|$RC" "$WORD|1"
expect_match "the traceback keeps the text" "$ERR" 'ValueError: ça ✗'
sx rm "$PY" données -r
expect_eq "rm -r a non-ASCII folder" "$RC" "0"

echo "== info and list"
sx info "$PY"
expect_match "info names the session" "$OUT" "^id +$PY$"
expect_match "info shows the language" "$OUT" "^language +python$"
jx info "$PY"
expect_eq "info --json" "$(jget .ok)|$(jget .command)|$(jget .session.id)|$(jget .session.language)" "true|info|$PY|python"
expect_match "info --json counts executions" "$(jget .session.execution_count)" '^[1-9][0-9]*$'
expect_match "info --json workspace bytes" "$(jget .session.workspace_bytes)" '^[1-9][0-9]*$'
jx info "$JS"
expect_eq "info of the JS session" "$(jget .session.language)" "javascript"
sx list
expect_match "list shows a session" "$OUT" "^$PY "
expect_match "list shows the custom id" "$OUT" "^my-sess_1 "
jx list
expect_eq "list --json has every session" "$(jq -r '[.sessions[].id] | sort | join(" ")' <<<"$J")" \
  "$(printf '%s\n' "$PY" "$JS" my-sess_1 123e4567-e89b-42d3-a456-426614174000 "$AP" "$LIM" | sort | tr '\n' ' ' | sed 's/ $//')"
LSB_SESSIONS_ROOT="$ROOT" "$BIN" session list >"$T/envlist.txt" 2>&1
expect_match "\$LSB_SESSIONS_ROOT picks the root" "$(cat "$T/envlist.txt")" "^$PY "
OUT=$("$BIN" session list --json --sessions-root "$T/other-root" 2>&1)
expect_eq "another root has no sessions" "$(jq -r '.sessions | length' <<<"$OUT")" "0"

echo "== host file API parity (patterns, no-overwrite, folders)"
sx create
GL=$OUT
for f in top.json a/b/c.json "données/café.txt" data/q.csv data/x/y/z.csv other/data/w.csv .hidden.json; do
  sxin 1 write "$GL" "$f" >/dev/null
done
sx files "$GL" --pattern '*.json'
expect_eq "--pattern '*.json' matches at any depth, files only" "$(awk '{print $NF}' <<<"$OUT" | paste -sd,)" ".hidden.json,a/b/c.json,top.json"
jx files "$GL" --pattern 'data/**/*.csv'
expect_eq "--pattern with ** matches nested folders" "$(jq -r '[.files[].path] | join(",")' <<<"$J")|$(jget .pattern)" "data/q.csv,data/x/y/z.csv,other/data/w.csv|data/**/*.csv"
jx files "$GL" --pattern 'caf?.txt'
expect_eq "--pattern '?' is one non-ASCII character" "$(jq -r '[.files[].path] | join(",")' <<<"$J")" "données/café.txt"
jx files "$GL" --pattern 'données/**'
expect_eq "--pattern with a final ** and a non-ASCII folder" "$(jq -r '[.files[].path] | join(",")' <<<"$J")" "données/café.txt"
jx files "$GL" data --pattern '*.csv'
expect_eq "--pattern below PATH" "$(jq -r '[.files[].path] | join(",")' <<<"$J")" "data/q.csv,data/x/y/z.csv"
jx files "$GL" --pattern 'data'
expect_eq "--pattern never lists folders" "$(jq -r '.files | length' <<<"$J")" "0"
jx files "$GL" --pattern '../*'
expect_eq "--pattern with '..' is refused (64)" "$RC|$(jget .ok)|$(jget .error.code)" "64|false|invalid"
sx files "$GL" --pattern '/etc/*'
expect_eq "an absolute --pattern is refused (64)" "$RC" "64"
sxin '' write "$GL" vide.txt
sxin 'x' write "$GL" vide.txt --no-overwrite
expect_eq "--no-overwrite refuses an existing empty file (73)" "$RC" "73"
expect_match "--no-overwrite says why" "$ERR" "File 'vide.txt' already exists\. Set overwrite=True to replace\."
sx read "$GL" vide.txt
expect_eq "the empty file is unchanged" "$OUT|$RC" "|0"
jx write "$GL" "données/café.txt" --no-overwrite </dev/null
expect_eq "--no-overwrite refuses a non-empty file, JSON code exists" "$RC|$(jget .error.code)" "73|exists"
sx read "$GL" "données/café.txt"
expect_eq "the refused write changed nothing" "$OUT" "1"
sxin 'neuf ☕' write "$GL" "données/neuf.txt" --no-overwrite
sx read "$GL" "données/neuf.txt"
expect_eq "--no-overwrite writes a new file" "$OUT" "neuf ☕"
sx read "$GL" données
expect_eq "reading a folder fails with 64" "$RC" "64"
expect_match "reading a folder says it is one" "$ERR" "'données' is a directory, not a file"
sx rm "$GL" data
expect_eq "rm of a folder without -r: 64" "$RC" "64"
expect_match "rm of a folder names recursive and -r" "$ERR" "Cannot delete directory 'data' without recursive=True \(use -r\)"
for p in . /app ./ data/..; do
  sx rm "$GL" "$p" -r
  expect_match "rm -r '$p' (the workspace itself) is refused" "$RC|$ERR" "^64\|.*workspace \(/app\) itself"
done
sx read "$GL" top.json
expect_eq "the workspace survived" "$OUT" "1"
OUT=$("$BIN" session files --help)
expect_match "files --help documents --pattern" "$OUT" "--pattern GLOB"
OUT=$("$BIN" session write --help)
expect_match "write --help documents --no-overwrite" "$OUT" "--no-overwrite"

echo "== path escapes"
before_root=$(root_listing); before_tmp=$(find "$T" | sort)
for p in ../x ../../x ../../../etc/passwd /etc/passwd /app/../../etc/passwd /tmp/x /appx/y data/../../x /app/../x; do
  sxin 'x' write "$PY" "$p"
  expect_eq "write '$p' is refused (64)" "$RC" "64"
  sx read "$PY" "$p"
  expect_eq "read '$p' is refused (64)" "$RC" "64"
  expect_no_match "read '$p' leaks nothing" "$OUT" 'root:x:0'
done
sx rm "$PY" ../x
expect_eq "rm ../x is refused (64)" "$RC" "64"
sx files "$PY" ../
expect_eq "files ../ is refused (64)" "$RC" "64"
expect_eq "escapes created nothing" "$(root_listing)" "$before_root"
expect_eq "nothing escaped into the temp folder" "$(find "$T" | sort)" "$before_tmp"
sx exec "$PY" -c 'import os; os.symlink("/etc", "/app/guestlink")'
expect_match "the guest cannot make a symlink out of /app" "$ERR" 'PermissionError|OSError'
ws=$(dirname "$(find "$ROOT" -name keep.txt -path "*$PY*" | head -1)")
ln -s /etc "$ws/hostlink"
sx read "$PY" hostlink/passwd
expect_match "reading through a host symlink out of /app fails" "$RC" '^(64|66)$'
expect_no_match "reading through it leaks nothing" "$OUT" 'root:x:0'
sxin 'x' write "$PY" hostlink/evil
expect_match "writing through it fails" "$RC" '^(64|66)$'
expect_eq "no file was written outside" "$(ls /etc/evil 2>/dev/null)" ""
sx files "$PY" hostlink
expect_match "listing through it fails" "$RC" '^(64|66)$'
rm -f "$ws/hostlink"

echo "== isolation"
sxin 'A-only' write "$PY" secret.txt
sx read "$JS" secret.txt
expect_eq "another session cannot read the file" "$RC" "66"
sx exec "$AP" -c 'import os; print(sorted(os.listdir("/app")))'
expect_no_match "another session's /app does not show it" "$OUT" "secret"
sx exec "$AP" -c "print(open('/app/../$PY/secret.txt').read())"
expect_no_match "nor can its code reach it" "$OUT" "A-only"

echo "== quota"
sx create --quota-bytes 1MiB
Q=$OUT
head -c $((2 * 1024 * 1024)) /dev/zero >"$T/big.bin"
sx write "$Q" big.bin "$T/big.bin"
expect_eq "a write past the quota: 73" "$RC" "73"
jx files "$Q"
expect_eq "the refused write left nothing" "$(jq -r '.files | length' <<<"$J")" "0"
sx exec "$Q" -c 'open("/app/big", "wb").write(b"x" * (2 << 20))'
expect_match "the guest hits the same quota" "$ERR" 'OSError|quota|Disk'

echo "== install"
mkdir -p "$T/wheels"
python3 - "$T/wheels" <<'PYEOF'
import base64, hashlib, sys, zipfile
out = sys.argv[1] + "/lsb_hello-1.0-py3-none-any.whl"
files = {
    "lsb_hello/__init__.py": "GREETING = 'hello from a wheel'\n",
    "lsb_hello-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: lsb-hello\nVersion: 1.0\n",
    "lsb_hello-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
with zipfile.ZipFile(out, "w") as z:
    for name, text in files.items():
        data = text.encode()
        z.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append("lsb_hello-1.0.dist-info/RECORD,,")
    z.writestr("lsb_hello-1.0.dist-info/RECORD", "\n".join(record) + "\n")
PYEOF
sx install "$PY" "$T/wheels/lsb_hello-1.0-py3-none-any.whl"
expect_eq "install a wheel file" "$RC" "0"
expect_match "install names what it installed" "$OUT" "lsb.hello 1\.0"
sx exec "$PY" -c 'import lsb_hello; print(lsb_hello.GREETING)'
expect_eq "the session imports it" "$OUT" "hello from a wheel"
jx install "$AP" lsb_hello --wheel-dir "$T/wheels"
expect_eq "install by name from --wheel-dir (--json)" "$(jget .ok)|$(jget .version)" "true|1.0"
sx exec "$LIM" --fuel 1000000000 -c 'import lsb_hello'
expect_eq "another session cannot import it" "$RC" "1"
sx install "$PY" no-such-project --wheel-dir "$T/wheels"
expect_eq "an unknown name: 66" "$RC" "66"
expect_match "an unknown name: says which" "$ERR" "no-such-project"
printf 'not a zip' >"$T/wheels/broken-1.0-cp311-cp311-linux_x86_64.whl"
sx install "$PY" "$T/wheels/broken-1.0-cp311-cp311-linux_x86_64.whl"
expect_eq "a platform wheel: 64" "$RC" "64"
expect_match "a platform wheel: says why" "$ERR" "platform wheel"
printf 'sdist' >"$T/wheels/lsb_src-1.0.tar.gz"
sx install "$PY" "$T/wheels/lsb_src-1.0.tar.gz"
expect_eq "an sdist: 64" "$RC" "64"
expect_match "an sdist: says why" "$ERR" "source distribution"
python3 - "$T/wheels" <<'PYEOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1] + "/lsb_native-1.0-py3-none-any.whl", "w") as z:
    z.writestr("lsb_native/__init__.py", "")
    z.writestr("lsb_native/_speed.cpython-311-x86_64-linux-gnu.so", b"\x7fELF")
    z.writestr("lsb_native-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: lsb-native\nVersion: 1.0\n")
    z.writestr("lsb_native-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("lsb_native-1.0.dist-info/RECORD", "")
PYEOF
sx install "$PY" "$T/wheels/lsb_native-1.0-py3-none-any.whl"
expect_eq "a wheel with native files: 64" "$RC" "64"
expect_match "a wheel with native files: says why" "$ERR" "native|\\.so"
sx exec "$PY" -c 'import os; print(sorted(os.listdir("/app/.lsb/site-packages")))'
expect_no_match "a refused wheel leaves nothing installed" "$OUT" "lsb_native"

echo "== reset"
sx reset "$AP"
expect_eq "reset exits 0" "$RC" "0"
jx info "$AP"
expect_eq "reset counts executions from 0 again" "$(jget .session.execution_count)" "0"
sx exec "$AP" -c 'print(x)'
expect_eq "after reset the state is gone" "$RC" "1"
jx files "$AP" --all
expect_eq "after reset the workspace is empty" "$(jq -r '[.files[].path | select(startswith(".lsb/state"))] | length' <<<"$J")" "0"
jx info "$AP"
expect_eq "after reset the session and its settings stay" "$(jget .session.id)|$(jget .session.auto_persist_globals)" "$AP|true"
sx exec "$AP" -c 'x = 5'
sx exec "$AP" -c 'print(x)'
expect_eq "after reset auto-persist still works" "$OUT" "5"

echo "== destroy"
sx destroy "$JS"
expect_eq "destroy exits 0" "$RC" "0"
before_root=$(root_listing)
sx exec "$JS" -c 'console.log(1)'
expect_eq "exec after destroy: 66" "$RC" "66"
expect_eq "exec after destroy: the message" "$ERR" "llm-sandbox: no session '$JS' (list them with 'llm-sandbox session list')"
expect_eq "exec after destroy created nothing" "$(root_listing)" "$before_root"
expect_no_match "list no longer shows it" "$(session_ids)" "^$JS$"
sx info "$JS"
expect_eq "info after destroy: 66" "$RC" "66"
sx destroy "$JS"
expect_eq "destroy twice: 66" "$RC" "66"
sx info "$NOSUCH"; expect_eq "info of an unknown session: 66" "$RC" "66"
sx files "$NOSUCH"; expect_eq "files of an unknown session: 66" "$RC" "66"
sx read "$NOSUCH" x; expect_eq "read in an unknown session: 66" "$RC" "66"
expect_match "read in an unknown session: says which" "$ERR" "no session '$NOSUCH'"
sx rm "$NOSUCH" x; expect_eq "rm in an unknown session: 66" "$RC" "66"
sx reset "$NOSUCH"; expect_eq "reset of an unknown session: 66" "$RC" "66"
sx install "$NOSUCH" "$T/wheels/lsb_hello-1.0-py3-none-any.whl"
expect_eq "install into an unknown session: 66" "$RC" "66"
sxin 'x' write "$NOSUCH" f.txt
expect_eq "write to an unknown session: 66" "$RC" "66"
expect_eq "nothing was created for the unknown session" "$(root_listing)" "$before_root"
before_root=$(root_listing)
for id in 'bad id!' '../x' '' "$long"; do
  sx exec "$id" -c 'print(1)'
  expect_eq "exec with a bad id '${id:0:20}': 64" "$RC" "64"
done
sx info '../../etc'
expect_match "a bad id: the library's reason" "$RC|$ERR" "^64\|llm-sandbox: .*'\.\./\.\./etc'"
expect_eq "bad ids created nothing" "$(root_listing)" "$before_root"
jx exec "$NOSUCH" -c 'print(1)'
expect_eq "exec --json of an unknown session" "$RC|$(jget .ok)|$(jget .error.code)" "66|false|not_found"
expect_eq "--json failures keep stderr empty" "$ERR" ""

echo "== JSON forms and usage errors"
jx info
expect_eq "a usage error with --json is JSON" "$RC|$(jget .ok)|$(jget .error.code)|$(jget .command)" "64|false|usage|info"
jx create --id 'bad id' --custom-id
expect_eq "a bad id with --json" "$RC|$(jget .ok)|$(jget .error.code)" "64|false|invalid"
for args in "list" "info $PY" "files $PY" "read $PY keep.txt" "rm $PY keep.txt" "reset $PY"; do
  # shellcheck disable=SC2086
  jx $args
  if jq -e '.ok == true and (.command | type == "string")' <<<"$J" >/dev/null 2>&1; then ok "--json of '${args%% *}' parses"; else bad "--json of '${args%% *}'" "$J"; fi
done
sx bogus
expect_eq "unknown subcommand: 64" "$RC" "64"
sx info "$PY" extra
expect_eq "too many arguments: 64" "$RC" "64"
sx prune --older-than soon
expect_eq "bad duration: 64" "$RC" "64"
OUT=$("$BIN" session --help); RC=$?
expect_eq "session --help exits 0" "$RC" "0"
expect_match "session --help documents 73 and 74" "$OUT" '^  74 '
for c in create exec info files read write rm reset destroy list prune install; do
  OUT=$("$BIN" session "$c" --help 2>&1); RC=$?
  expect_match "session $c --help" "$RC|$OUT" "^0\|Usage: llm-sandbox session $c"
done

echo "== legacy workspaces (adoption)"
mkdir -p "$ROOT/ancien/données" "$ROOT/ancien-js/workspace/d"
printf 'héllo' >"$ROOT/ancien/données/café.txt"
printf '{"session_id": "ancien"}' >"$ROOT/ancien/.metadata.json"
printf '42' >"$ROOT/ancien-js/workspace/d/n.txt"
sx info ancien
expect_eq "a folder without a record is no session yet (66)" "$RC" "66"
jx create --id ancien --custom-id
expect_eq "create adopts a record-less folder" "$RC|$(jget .session.id)|$(jget .session.language)" "0|ancien|python"
sx exec ancien -c "print(open('/app/données/café.txt').read())"
expect_eq "the adopted files are the session's /app" "$OUT" "héllo"
jx files ancien
expect_eq "the adopted workspace lists its files" "$(jq -r '[.files[] | select(.is_dir | not) | .path] | join(",")' <<<"$J")" ".metadata.json,données/café.txt"
jx create --id ancien-js --custom-id --lang javascript
expect_eq "create adopts our own layout, language from --lang" "$RC|$(jget .session.language)|$(jget .session.workspace_bytes)" "0|javascript|2"
sx read ancien-js d/n.txt
expect_eq "its files are kept" "$OUT" "42"
sx create --id ancien --custom-id
expect_eq "a folder with a record is still taken (73)" "$RC" "73"
expect_match "and says so" "$ERR" "already exists"

echo "== prune"
LOCKED=$(session_ids | head -1)
sxin 'k' write "$LOCKED" keep/locked.txt
sleep 3
sx create
FRESH=$OUT
# keep FRESH (and the damaged record, which is as old as its files) well
# inside the 2s however slow the checks in between are
touch_fresh() {
  "$BIN" session --sessions-root "$ROOT" exec "$FRESH" -c 'pass' >/dev/null 2>&1
  [ ! -f "$ROOT/damaged-1/session.json" ] || touch "$ROOT/damaged-1/session.json"
}
old_count=$(($(session_ids | wc -l) - 1))
# skipped: a damaged record while its files are young, a folder without a record whatever its age
sx create --id damaged-1 --custom-id
sxin 'gardé' write damaged-1 "données/café.txt"
printf '{oops' >"$ROOT/damaged-1/session.json"
mkdir -p "$ROOT/vieux-dossier/sub"
printf 'x' >"$ROOT/vieux-dossier/sub/é.txt"
touch_fresh
jx prune --older-than 2s --dry-run
expect_eq "prune --dry-run lists the old sessions" "$(jget .ok)|$(jget .dry_run)|$(jget .sessions)|$(jq '.deleted_sessions | length' <<<"$J")" "true|true|$old_count|$old_count"
expect_eq "prune --dry-run reclaims 0, like the original" "$(jget .reclaimed_bytes)" "0"
expect_match "prune --dry-run reports the bytes it would free" "$(jget .bytes)" '^[1-9][0-9]*$'
expect_eq "prune skips the damaged record and the record-less folder" "$(jq -r '.skipped_sessions | join(",")' <<<"$J")" "damaged-1,vieux-dossier"
expect_match "prune says why it skipped" "$(jq -r '.skipped_reasons["damaged-1"]' <<<"$J")|$(jq -r '.skipped_reasons["vieux-dossier"]' <<<"$J")" "unusable.*\|no session record"
expect_eq "prune --dry-run summary" "$(jget .summary)" "Would prune $old_count sessions (2 skipped), reclaimed 0 B"
expect_eq "prune --json has every field" "$(jq -r 'keys_unsorted | join(",")' <<<"$J")" "ok,command,deleted_sessions,skipped_sessions,skipped_reasons,errors,reclaimed_bytes,dry_run,summary,sessions,bytes,older_than_s"
expect_eq "prune --dry-run deletes nothing" "$(session_ids | wc -l)" "$((old_count + 2))"
touch_fresh
sx prune --older-than 2s --dry-run
expect_eq "prune --dry-run prints the summary line" "$OUT" "Would prune $old_count sessions (2 skipped), reclaimed 0 B"
if chattr +i "$ROOT/$LOCKED/workspace/keep/locked.txt" 2>/dev/null; then
  touch_fresh
  jx prune --older-than 2s
  expect_eq "a session that cannot be deleted is an error" "$(jq -r '.errors | keys | join(",")' <<<"$J")|$(jq '.deleted_sessions | length' <<<"$J")" "$LOCKED|$((old_count - 1))"
  expect_match "the error says why" "$(jq -r --arg id "$LOCKED" '.errors[$id]' <<<"$J")" "cannot delete the workspace"
  expect_match "prune summary with skips and an error" "$(jget .summary)" "^Pruned $((old_count - 1)) sessions \(2 skipped, 1 error\), reclaimed [0-9.]+ (B|KB|MB)$"
  expect_match "reclaimed bytes are counted" "$(jget .reclaimed_bytes)" '^[1-9][0-9]*$'
  expect_eq "the failed session is still listed" "$(session_ids | grep -cx "$LOCKED")" "1"
  chattr -i "$ROOT/$LOCKED/workspace/keep/locked.txt"
  touch_fresh
  sx prune --older-than 2s
  expect_match "a later prune finishes the job" "$OUT" "^Pruned 1 sessions \(2 skipped\), reclaimed [0-9]+ B$"
else
  echo "skip (chattr +i unavailable): the error case is covered by session_test"
  touch_fresh
  sx prune --older-than 2s
  expect_match "prune prints the summary line" "$OUT" "^Pruned $old_count sessions \(2 skipped\), reclaimed "
fi
expect_eq "prune deleted the old sessions only" "$(session_ids)" "$(printf '%s\n' "$FRESH" damaged-1 | sort)"
expect_eq "the damaged session's files are still on disk" "$(cat "$ROOT/damaged-1/workspace/données/café.txt")" "gardé"
expect_eq "the record-less folder is still on disk" "$(cat "$ROOT/vieux-dossier/sub/é.txt")" "x"
touch_fresh
jx prune --older-than 1d
expect_eq "prune of recent sessions removes none" "$(jget .sessions)|$(jget .summary)" "0|Pruned 0 sessions (2 skipped), reclaimed 0 B"
sx exec "$FRESH" -c 'print("still here")'
expect_eq "the fresh session still works" "$OUT" "still here"

echo "== a damaged record: listed, described, pruned by its files' age, destroyed"
sx list
expect_match "list shows the damaged session" "$OUT" "^damaged-1 +\(damaged\) "
jx list
expect_eq "list --json flags it, with its files' size" \
  "$(jq -r '.sessions[] | select(.id == "damaged-1") | "\(.damaged)|\(.language)|\(.limits)|\(.workspace_bytes)"' <<<"$J")" \
  "true|null|null|6"
expect_eq "the healthy one is not flagged" "$(jq -r --arg id "$FRESH" '.sessions[] | select(.id == $id) | .damaged' <<<"$J")" "null"
sx info damaged-1
expect_match "info of a damaged session fails and says why" "$RC|$ERR" "^[1-9][0-9]*\|.*unusable: invalid JSON"
sx exec damaged-1 -c 'print(1)'
expect_match "exec refuses it" "$RC|$ERR" "^[1-9][0-9]*\|.*unusable"
touch -d '2 hours ago' "$ROOT/damaged-1/session.json" "$ROOT/damaged-1/workspace" "$ROOT/damaged-1"
jx prune --older-than 1h --dry-run
expect_eq "prune --dry-run would delete it once its files are old" \
  "$(jq -r '.deleted_sessions | join(",")' <<<"$J")|$(jq -r '.skipped_sessions | join(",")' <<<"$J")|$(jget .bytes)" \
  "damaged-1|vieux-dossier|6"
expect_eq "and deletes nothing" "$(cat "$ROOT/damaged-1/workspace/données/café.txt")" "gardé"
jx prune --older-than 1h
expect_eq "prune deletes it, workspace and all" \
  "$(jq -r '.deleted_sessions | join(",")' <<<"$J")|$(jget .reclaimed_bytes)|$([ -e "$ROOT/damaged-1" ] && echo kept || echo gone)" \
  "damaged-1|6|gone"
expect_eq "the record-less folder stays" "$(cat "$ROOT/vieux-dossier/sub/é.txt")" "x"
sx create --id damaged-2 --custom-id
sxin '日本' write damaged-2 "n.txt"
printf '\0\1' >"$ROOT/damaged-2/session.json"
sx destroy damaged-2
expect_eq "destroy removes a damaged session" "$RC|$([ -e "$ROOT/damaged-2" ] && echo kept || echo gone)" "0|gone"
sx destroy damaged-2
expect_eq "and then it is unknown" "$RC" "66"

echo "== the workspace lock"
sx create --id verrou-1 --custom-id
sxin 'café ☕ 日本' write verrou-1 "a/b.txt"
expect_eq "a change leaves the lock file next to the workspace" \
  "$([ -f "$ROOT/verrou-1/.workspace.lock" ] && echo yes)" "yes"
rm "$ROOT/verrou-1/session.json"
sx create --id verrou-1 --custom-id
expect_eq "a record-less folder with a lock file is adopted in place" \
  "$RC|$(cat "$ROOT/verrou-1/workspace/a/b.txt")" "0|café ☕ 日本"
sx destroy verrou-1
expect_eq "destroy removes the lock file with the folder" \
  "$RC|$([ -e "$ROOT/verrou-1" ] && echo kept || echo gone)" "0|gone"

finish sessions-cli
