#!/usr/bin/env bash
# tests/e2e/run.sh BINARY [CMOCKA_TEST...] - end-to-end tests of `llm-sandbox
# run` and, when given, cmocka binaries that drive the library against the
# real guests (zygote_test, session_test); each of their tests counts.
#
# Drives the real binary with real guests: good programs, every kind of bad
# CLI input the engine issue lists, hostile Python and JavaScript (escapes,
# bombs, loops), and the limits. Each check prints "ok" or "FAIL" with what
# it saw; the last line is "e2e: N passed, M failed". Exit 1 on any failure.
set -uo pipefail

BIN=$(realpath "$1")
. "$(dirname "$0")/lib.sh"

echo "== basic execution"
run --lang python -c 'import sys, json, sqlite3, zlib, decimal; print(json.dumps({"v": sys.version_info[:2]}))'
expect_eq "python runs with stdlib C modules" "$OUT|$RC" '{"v": [3, 11]}|0'
run --lang python -c 'import bz2, lzma, pyexpat, hashlib, unicodedata, _decimal; print(bz2.decompress(bz2.compress(b"x")), lzma.decompress(lzma.compress(b"y")), hashlib.sha256(b"").hexdigest()[:8])'
expect_eq "python bz2, lzma, hashlib" "$OUT" "b'x' b'y' e3b0c442"
run --lang javascript -c 'console.log([1,2,3].map(x => x * 2).join(","))'
expect_eq "javascript runs" "$OUT|$RC" "2,4,6|0"
run --lang js -c 'console.log((2.5).toFixed(0), (1.005).toFixed(2), (-2.5).toFixed(0), (1.45).toFixed(1))'
expect_eq "toFixed rounds as the spec says" "$OUT" "3 1.00 -3 1.4"
run --lang js -c 'console.error("to stderr"); console.warn("warn"); print("p"); console.info("i")'
expect_eq "console streams: stdout" "$OUT" $'p\ni'
expect_eq "console streams: stderr" "$ERR" $'to stderr\nwarn'
run --lang js -c 'Promise.resolve(5).then(v => console.log("job", v))'
expect_eq "pending promise jobs run" "$OUT" "job 5"
printf 'print("from file")\n' >"$T/script.py"
run "$T/script.py"
expect_eq "script file, language from extension" "$OUT|$RC" "from file|0"
OUT=$(printf 'print(6*7)' | "$BIN" run --lang python - 2>/dev/null); expect_eq "code from stdin" "$OUT" "42"
run --lang python -c 'import sys; sys.exit(3)'
expect_eq "exit status is the guest's" "$RC" "3"
run --lang python -c 'raise SystemExit("bye")'
expect_eq "SystemExit with a message" "$RC|$ERR" "1|bye"

OUT=$("$BIN" run --lang python -c 'import sys
print("first"); print("err", file=sys.stderr); print("second")' 2>&1)
expect_eq "stdout and stderr arrive in the order written" "$OUT" $'first\nerr\nsecond'
"$BIN" run --lang python -c 'import time; print("early", flush=True); time.sleep(4)' >"$T/live.txt" &
live_pid=$!
sleep 2
expect_eq "output streams while the code still runs" "$(cat "$T/live.txt")" "early"
wait $live_pid

# libmicrohttpd and GnuTLS cost every process ~3 ms before main; only
# `mcp --http` opens them (src/mcp/mhd.h).
expect_eq "a run does not load the HTTP stack" "$(ldd "$BIN" | grep -c 'microhttpd\|gnutls')" "0"
# and the seccomp filters were compiled at build time (tools/filters)
expect_eq "a run does not load libseccomp" "$(ldd "$BIN" | grep -c 'libseccomp')" "0"

echo "== UTF-8 everywhere"
WORD='café — 日本語 🎉'
run --lang python -c "print('$WORD')"
expect_eq "python prints non-ASCII text" "$OUT|$RC" "$WORD|0"
run --lang python -c "import sys; print('ошибка ✗', file=sys.stderr)"
expect_eq "python writes non-ASCII to stderr" "$ERR|$RC" "ошибка ✗|0"
run --lang python -c 'import sys, locale; print(sys.flags.utf8_mode, sys.stdout.encoding, sys.stderr.encoding, sys.getfilesystemencoding(), locale.getpreferredencoding(False))'
expect_eq "python is in UTF-8 mode: stdio, file names, open()" "$OUT" "1 utf-8 utf-8 utf-8 utf-8"
run --lang python -c 'import os; print(*(os.environ.get(k) for k in ("PYTHONUTF8", "LC_ALL", "PYTHONIOENCODING", "PYTHONHASHSEED", "LANG", "HOME")))'
expect_eq "python environment is the original's whitelist" "$OUT" "1 C.UTF-8 utf-8 0 C.UTF-8 /app"
run --lang python --env 'GRÜSSE=héllo wörld' -c 'import os; print(os.environ["GRÜSSE"])'
expect_eq "non-ASCII --env names and values" "$OUT" "héllo wörld"
run --lang python -c $'naïve = "ü"
def grüß(x): return x * 2
print(grüß(naïve))'
expect_eq "non-ASCII identifiers" "$OUT" "üü"
run --lang python -c 'raise ValueError("ça ne va pas ✗")'
expect_match "non-ASCII in a traceback" "$ERR" '^ValueError: ça ne va pas ✗$'
mkdir -p "$T/utf8ws"
run --lang python --workspace "$T/utf8ws" -c "open('/app/données.txt', 'w').write('$WORD'); import os; print(os.listdir('/app'), open('données.txt').read())"
expect_eq "python non-ASCII file name and content" "$OUT" "['données.txt'] $WORD"
expect_eq "the host sees the UTF-8 name and bytes" "$(cat "$T/utf8ws/données.txt" 2>&1)" "$WORD"
jrun --lang python -c "print('$WORD')"
expect_eq "json: non-ASCII stdout" "$(jget .stdout)" "$WORD"
run --lang javascript -c "console.log('$WORD'); console.error('ошибка'); console.log(process.env.LC_ALL, process.env.PYTHONUTF8)"
expect_eq "javascript prints non-ASCII text" "$OUT|$ERR" "$WORD"$'\nC.UTF-8 1|ошибка'
run --lang javascript --workspace "$T/utf8ws" -c "writeText('/app/ñandú.txt', '$WORD'); console.log(readText('/app/ñandú.txt'), listFiles('/app').sort().join(','))"
expect_eq "javascript non-ASCII file name and content" "$OUT" "$WORD données.txt,ñandú.txt"
expect_eq "the host sees the JS file" "$(cat "$T/utf8ws/ñandú.txt" 2>&1)" "$WORD"

echo "== tracebacks and results"
printf 'x = 1\ny = 2\nprint(x)\n1/0\n' >"$T/tb.py"
run "$T/tb.py"
expect_match "traceback names the user's line" "$ERR" 'File "tb.py", line 4'
expect_match "traceback shows the user's source line" "$ERR" '^    1/0$'
expect_match "traceback ends with the error" "$ERR" '^ZeroDivisionError: division by zero$'
expect_no_match "traceback hides the prelude" "$ERR" 'lsb-prelude|_execute'
expect_eq "exception exit status" "$RC" "1"
run --lang js -c $'let a = 1;\nlet b = 2;\nundefinedFn();'
expect_match "js error stack has the user's line 3" "$ERR" 'line 3|:3'
expect_match "js error names the type" "$ERR" 'ReferenceError'
jrun --lang python -c 'print("hi"); raise ValueError("bad value")'
expect_eq "json: success false on exception" "$(jget .success)|$(jget .exit_code)" "false|1"
expect_eq "json: error type and message" "$(jget .error.type)|$(jget .error.message)" "ValueError|bad value"
expect_eq "json: stdout kept" "$(jget '.stdout|@json')" '"hi\n"'
expect_eq "json: runtime and trap" "$(jget .runtime)|$(jget .trap_reason)" "python|null"
jrun --lang python -c 'print("ok")'
expect_eq "json: success" "$(jget .success)|$(jget .exit_code)|$(jget .error)" "true|0|null"
expect_match "json: fuel consumed is counted" "$(jget .fuel_consumed)" '^[1-9][0-9]*$'
expect_eq "json: fuel budget default" "$(jget .fuel_budget)" "5000000000"
expect_match "json: fuel analysis" "$(jget .fuel_analysis.status)" '^(efficient|moderate|warning|critical)$'
expect_eq "json: memory limit" "$(jget .memory_limit_bytes)" "134217728"
jrun --lang python -c 'print("stderr words", file=__import__("sys").stderr)'
expect_eq "success is not decided by stderr words" "$(jget .success)" "true"

echo "== determinism of fuel"
code='s = 0
for i in range(20000): s += i * i
print(s)'
jrun --lang python -c "$code"; f1=$(jget .fuel_consumed)
jrun --lang python -c "$code"; f2=$(jget .fuel_consumed)
expect_eq "same code, same fuel (python)" "$f1" "$f2"
jrun --lang js -c 'let s=0; for (let i=0;i<100000;i++) s+=i; console.log(s)'; f1=$(jget .fuel_consumed)
jrun --lang js -c 'let s=0; for (let i=0;i<100000;i++) s+=i; console.log(s)'; f2=$(jget .fuel_consumed)
expect_eq "same code, same fuel (js)" "$f1" "$f2"
# File metadata: the guest's inode numbers are the order it first saw each
# file (src/wasi/ident.h), not the host's, so a program that stats files
# sees the same numbers, and spends the same fuel on them, in every run.
# 40 new files, their stats, and a failed import (which stats the path
# entries), five times: one fuel count and one output.
code='import os
for i in range(40):
    open(f"f{i}.txt", "w").write("é" * i)
print(sum(os.stat(f"f{i}.txt").st_size for i in range(40)), os.stat("f3.txt").st_ino,
      os.stat(".").st_ino == os.stat("/app").st_ino)
try:
    import not_a_module_here
except ImportError as e:
    print(type(e).__name__)'
fuels=$(for i in 1 2 3 4 5; do jrun --lang python -c "$code"; echo "$(jget .fuel_consumed) $(jget .stdout | head -1)"; done | sort -u)
expect_eq "stat and a failed import: one fuel count in five runs" "$(wc -l <<<"$fuels")" "1"
expect_match "stat and a failed import: sizes and inode numbers" "$fuels" '^[1-9][0-9]* 1560 4 True$'

echo "== fuel counted up to a trap"
# Guest code keeps the counter in a register; a trap must hand it over, or
# the run would report only what was counted before its last host call.
loop='s = 0
for i in range(200000): s += i'
jrun --lang python -c "$loop"; f1=$(jget .fuel_consumed)
jrun --lang python -c "$loop
import faulthandler; faulthandler._sigabrt()"; f2=$(jget .fuel_consumed)
expect_eq "abort() in the guest is a trap" "$(jget .trap_reason)" "trap"
if [ "$f1" -gt 100000000 ] 2>/dev/null && [ "$f2" -ge "$f1" ] 2>/dev/null; then
  ok "a trapped run reports the fuel before the trap ($f2 >= $f1)"
else
  bad "a trapped run reports the fuel before the trap" "loop alone $f1, loop then abort $f2"
fi

echo "== bad CLI input"
run --lang python -c ''
expect_eq "empty code is a usage error" "$RC" "64"; expect_match "empty code message" "$ERR" 'empty'
run --lang python -c '   '
expect_eq "blank code is a usage error" "$RC" "64"
printf 'print(1)\0print(2)\n' >"$T/nul.py"; run "$T/nul.py"
expect_eq "NUL byte rejected" "$RC" "64"; expect_match "NUL message gives offset" "$ERR" 'NUL.*8'
printf 'print("\xff")\n' >"$T/utf.py"; run "$T/utf.py"
expect_eq "invalid UTF-8 rejected" "$RC" "64"; expect_match "UTF-8 message" "$ERR" 'UTF-8'
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$T/big.py"; run "$T/big.py"
expect_eq "10 MB source rejected" "$RC" "64"; expect_match "size message" "$ERR" 'limit'
run --lang cobol -c 'x'
expect_eq "unknown language" "$RC" "64"; expect_match "unknown language lists valid ones" "$ERR" 'python'
for f in 0 -5 abc 1.5; do run --lang python --fuel "$f" -c 'print(1)'; expect_eq "--fuel $f rejected" "$RC" "64"; done
run --lang python --memory 1MiB -c 'print(1)'
expect_match "memory below the guest's need: clear error" "$ERR" 'memory'
expect_no_match "memory below need is not a crash" "$RC" '^(0|1|13[0-9])$'
run --lang python --memory banana -c 'print(1)'; expect_eq "bad --memory rejected" "$RC" "64"
run --lang python --timeout 0 -c 'print(1)'; expect_eq "--timeout 0 rejected" "$RC" "64"
run --lang python --workspace "$T/missing" -c 'print(1)'
expect_eq "missing workspace rejected" "$RC" "64"; expect_match "missing workspace message" "$ERR" 'missing'
run --lang python --workspace "$T/script.py" -c 'print(1)'
expect_eq "workspace that is a file rejected" "$RC" "64"
run --lang python --env 'NOEQUALS' -c 'print(1)'; expect_eq "--env without = rejected" "$RC" "64"
run --lang python --memory 64MiB -c 'print(1)'; expect_eq "--memory 64MiB accepted" "$OUT" "1"
run --lang python --memory 128000000 -c 'print(1)'; expect_eq "--memory in bytes accepted" "$OUT" "1"

echo "== confinement (python)"
mkdir -p "$T/ws"
run --lang python --workspace "$T/ws" -c 'open("/etc/passwd")'
expect_match "open /etc/passwd fails" "$ERR" 'FileNotFoundError|PermissionError|OSError'
run --lang python --workspace "$T/ws" -c 'open("/app/../../etc/passwd")'
expect_match "open /app/../../etc/passwd fails" "$ERR" 'Error'
expect_no_match "no passwd content leaks" "$OUT$ERR" 'root:x:0'
run --lang python --workspace "$T/ws" -c 'import os; os.symlink("/", "/app/root"); print(os.listdir("/app/root"))'
expect_no_match "symlink to / cannot be followed" "$OUT" "'etc'|'usr'|'proc'"
run --lang python --workspace "$T/ws" -c 'print(open("/app/root/etc/passwd").read())'
expect_no_match "reading through the symlink fails" "$OUT" 'root:x:0'
ln -sfn /etc "$T/ws/hostlink"
run --lang python --workspace "$T/ws" -c 'print(open("/app/hostlink/passwd").read())'
expect_no_match "a host-planted symlink cannot be followed" "$OUT" 'root:x:0'
rm -f "$T/ws/hostlink" "$T/ws/root"
run --lang python -c 'import os; print(sorted(os.listdir("/")))'
expect_eq "os.listdir('/') shows only the mounts" "$OUT" "['app', 'data', 'external', 'usr']"
run --lang python -c 'import os; print(sorted(os.environ.items()))'
expect_eq "no host environment variables" "$OUT" "[('HOME', '/app'), ('LANG', 'C.UTF-8'), ('LC_ALL', 'C.UTF-8'), ('PYTHONHASHSEED', '0'), ('PYTHONIOENCODING', 'utf-8'), ('PYTHONUTF8', '1')]"
run --lang python --env FOO=bar --env X=1 -c 'import os; print(os.environ["FOO"], os.environ["X"])'
expect_eq "--env reaches os.environ" "$OUT" "bar 1"
run --lang python -c 'import socket; socket.socket()'
expect_match "socket.socket() fails" "$ERR" 'Error'
run --lang python -c 'import os; os.system("id")'
expect_match "os.system is unavailable" "$ERR" 'AttributeError|Error'
run --lang python -c 'import ctypes'
expect_match "ctypes is unavailable" "$ERR" 'ModuleNotFoundError|ImportError'
run --lang python -c 'open("/usr/local/lib/x", "w")'
expect_match "the stdlib mount is read-only" "$ERR" 'Error'
run --lang python --workspace "$T/ws" -c 'open("/app/made.txt", "w").write("hello"); print(open("made.txt").read())'
expect_eq "workspace is writable, cwd is /app" "$OUT|$(cat "$T/ws/made.txt")" "hello|hello"
mkdir -p "$T/ws/sub/deeper" && : >"$T/ws/sub/deeper/x.csv"
run --lang python --workspace "$T/ws" -c 'import os, glob; print(sorted(os.listdir("/app")), [w[0] for w in os.walk("/app")], glob.glob("/app/**/*.csv", recursive=True))'
expect_eq "listing the workspace (listdir, walk, glob)" "$OUT" "['made.txt', 'sub'] ['/app', '/app/sub', '/app/sub/deeper'] ['/app/sub/deeper/x.csv']"
rm -rf "$T/ws/sub"
jrun --lang python --workspace "$T/ws" -c 'open("/app/new.txt", "w").write("n"); open("/app/made.txt", "a").write("!")'
expect_eq "files_created" "$(jget '.files_created|join(",")')" "new.txt"
expect_eq "files_modified" "$(jget '.files_modified|join(",")')" "made.txt"

mkdir -p "$T/data" && echo "shared" >"$T/data/info.txt"
run --lang python --data "$T/data" --external "$T/data" -c 'print(open("/data/info.txt").read().strip(), open("/external/info.txt").read().strip())'
expect_eq "--data and --external are mounted" "$OUT" "shared shared"
run --lang python --data "$T/data" -c 'open("/data/info.txt", "w").write("x")'
expect_match "/data is read-only" "$ERR" 'Error'
expect_eq "/data content unchanged" "$(cat "$T/data/info.txt")" "shared"

echo "== limits (python)"
jrun --lang python --fuel 100000000 -c 'while True: pass'
expect_eq "infinite loop: out_of_fuel" "$(jget .trap_reason)|$(jget .success)" "out_of_fuel|false"
expect_eq "infinite loop: consumed the budget" "$(jget .fuel_consumed)" "100000000"
run --lang python --fuel 100000000 -c 'while True: pass'
expect_eq "out_of_fuel exit status" "$RC" "125"; expect_match "out_of_fuel reason line" "$ERR" 'fuel'
jrun --lang python -c 'bytearray(10**10)'
expect_match "bytearray(10**10): a clean error (wasm32: OverflowError)" "$(jget .error.type)|$(jget .success)" "^(MemoryError|OverflowError)\|false$"
jrun --lang python -c 'bytearray(10**9)'
expect_eq "bytearray(10**9) past the cap: MemoryExhausted" "$(jget .error.type)|$(jget .trap_reason)" "MemoryExhausted|memory"
jrun --lang python --memory 64MiB -c 'x = []
while True: x.append(bytearray(1 << 20))'
expect_eq "growing past --memory: memory trap" "$(jget .trap_reason)" "memory"
expect_match "memory peak stays under the cap" "$(jget '.memory_peak_bytes <= 67108864')" 'true'
start=$(date +%s)
jrun --lang python --timeout 1 -c 'import time; time.sleep(100)'
expect_eq "sleep under --timeout 1: timeout" "$(jget .trap_reason)" "timeout"
expect_match "timeout is prompt" "$(( $(date +%s) - start ))" '^[0-3]$'
run --lang python --timeout 1 -c 'import time; time.sleep(100)'
expect_eq "timeout exit status" "$RC" "124"
jrun --lang python -c 'def f(): return f()
f()'
expect_eq "unbounded recursion: RecursionError" "$(jget .error.type)" "RecursionError"
jrun --lang python --stdout-max 1000000 -c 'import sys
chunk = "x" * 1000000
for _ in range(100): sys.stdout.write(chunk)'
expect_eq "printing 100 MB: truncated" "$(jget .stdout_truncated)|$(jget '.stdout|length')" "true|1000000"
mkdir -p "$T/quota"
jrun --lang python --workspace "$T/quota" -c 'f = open("/app/big", "wb")
for _ in range(200): f.write(b"x" * (1 << 20))'
expect_match "writing past the quota fails" "$(jget .stderr)" 'OSError|quota|Disk'
expect_match "the quota held on disk" "$(( $(stat -c %s "$T/quota/big") <= 100 * 1024 * 1024 ))" '^1$'

echo "== limits and errors (javascript)"
jrun --lang js --fuel 100000000 -c 'while(true){}'
expect_eq "js infinite loop: out_of_fuel" "$(jget .trap_reason)" "out_of_fuel"
jrun --lang js -c 'new ArrayBuffer(2**31)'
expect_eq "js huge ArrayBuffer fails cleanly" "$(jget .success)|$(jget .exit_code)" "false|1"
expect_match "js out-of-memory is reported" "$(jget .stderr)" 'memory|RangeError'
jrun --lang js -c 'function f(){ return f(); } f()'
expect_eq "js unbounded recursion fails cleanly" "$(jget .success)" "false"
expect_match "js recursion reports stack overflow" "$(jget .stderr)$(jget .trap_reason)" 'stack|overflow'
jrun --lang js --memory 64MiB -c 'let s = "x"; while (true) s = s + s;'
expect_eq "js huge string concatenation fails cleanly" "$(jget .success)" "false"
jrun --lang js -c 'console.log(typeof process.env.HOME, Object.keys(process.env).sort().join(","))'
expect_eq "js environment is the safe set" "$(jget .stdout)" 'string HOME,LANG,LC_ALL,PYTHONHASHSEED,PYTHONIOENCODING,PYTHONUTF8'

echo "== a snapshot refuses assets it was not made with"
A="$T/other-assets"
mkdir -p "$A/data/site-packages" "$A/data/js"
for f in python-stdlib root python.snap quickjs.snap; do ln -s "$(readlink -f "$(dirname "$BIN")/assets/$f")" "$A/$f"; done
echo '[]' >"$A/data/site-packages/vendored.json"
run --assets "$A" --lang python -c 'print(1)'
expect_eq "other vendored packages: internal error 70" "$RC" "70"
expect_match "other vendored packages: says to rebuild" "$ERR" "rebuild with make"

echo "== a new snapshot records the pages a run writes (sandbox/prefault.h)"
B="$T/fresh-assets"
mkdir -p "$B"
for f in python-stdlib root data; do ln -s "$(readlink -f "$(dirname "$BIN")/assets/$f")" "$B/$f"; done
ln -s "$(readlink -f "$(dirname "$BIN")/assets/python.snap")" "$B/python.snap"
snap_err=$("$BIN" internal-snapshot quickjs "$B" "$B/quickjs.snap" "$(dirname "$0")/../../guest/js/prelude.js" 2>&1)
expect_eq "internal-snapshot quickjs succeeds" "$?" "0"
expect_match "it found the pages a run writes" "$snap_err" \
  "quickjs snapshot: a run writes [1-9][0-9]* of its pages first"
run --assets "$B" --lang javascript -c 'const s = "héllo wörld ✓"; console.log(s.toUpperCase(), [...s].length)'
expect_eq "a run on it, with the pages copied in first" "$RC|$OUT" "0|HÉLLO WÖRLD ✓ 13"
printf 'def run():\n    return 3\n' >"$T/bare-prelude.py" # every run fails: so does the probe
snap_err=$("$BIN" internal-snapshot python "$B" "$T/bare.snap" "$T/bare-prelude.py" 2>&1)
expect_eq "a snapshot whose probe cannot run is still written" "$?|$([ -s "$T/bare.snap" ] && echo yes)" "0|yes"
expect_match "and the build says no pages will be copied in" "$snap_err" \
  "warning: python snapshot: the probe run \(print\(1\)\) failed, so no pages are copied in"

echo "== the original system's result keys (error_guidance, fuel_analysis, metadata)"
jrun --lang python --fuel 100000 -c 'while True: pass'
expect_eq "infinite loop: metadata.trap_reason, error_type, status" \
  "$(jget .metadata.trap_reason)|$(jget .error_guidance.error_type)|$(jget .fuel_analysis.status)|$(jget .metadata.trapped)" \
  "out_of_fuel|OutOfFuel|exhausted|true"
expect_match "infinite loop: trap_message says all fuel consumed" "$(jget .metadata.trap_message)" "all fuel consumed"
expect_eq "infinite loop: concrete recommendation with commas" "$(jget '.error_guidance.actionable_guidance[-1]')" \
  $'\nConcrete recommendation: Increase fuel_budget from 100,000 to 200,000 instructions'
expect_eq "infinite loop: the original's exhausted wording" "$(jget .fuel_analysis.recommendation)" \
  "⚠️ Fuel budget exhausted! Increase to at least 1B instructions (current: 0B, consumed: 0.0B)"
expect_eq "metadata repeats error_guidance and fuel_analysis" \
  "$(jq -c '[.metadata.error_guidance == .error_guidance, .metadata.fuel_analysis == .fuel_analysis]' <<<"$J")" "[true,true]"
jrun --lang python -c "open('/etc/passwd')"
expect_eq "open('/etc/passwd'): PathRestriction" "$(jget .error_guidance.error_type)|$(jget .error.type)" \
  "PathRestriction|PathOutsideWorkspace"
expect_eq "open('/etc/passwd'): the detected path and example" \
  "$(jq -r '[(.error_guidance.actionable_guidance[] | select(startswith("\nDetected"))), .error_guidance.code_examples[0].before] | join("|")' <<<"$J")" \
  $'\nDetected invalid path: /etc/passwd|with open(\'/etc/passwd\', \'r\') as f:'
expect_eq "open('/etc/passwd'): proc_exit, as a non-zero exit" "$(jget .metadata.trap_reason)|$(jget .metadata.trap_message)" \
  "proc_exit|Exited with i32 exit status 1"
jrun --lang python -c "open('/external/none.csv')"
expect_eq "a missing /external file is no PathRestriction" "$(jget .error_guidance.error_type)" "FileNotFound"
jrun --lang python -c '[0]*10**9'
expect_eq "[0]*10**9: MemoryExhausted with the limit doubled" \
  "$(jget .error_guidance.error_type)|$(jget '.error_guidance.actionable_guidance[-1]')" \
  $'MemoryExhausted|\nConcrete recommendation: Increase memory_bytes to 268,435,456 bytes'
jrun --lang python -c 'import sys; sys.path.remove("/data/site-packages"); import humanize_not_here'
expect_eq "a package we do not ship: PackageNotInstalled" "$(jget .error_guidance.error_type)" "PackageNotInstalled"
jrun --lang js -c 'const [a, b] = 5'
expect_eq "js const [a,b] = 5: QuickJSTupleDestructuring" "$(jget .error_guidance.error_type)|$(jget .metadata.runtime)" \
  "QuickJSTupleDestructuring|javascript"
expect_eq "js: the line from the stack" "$(jq -r '.error_guidance.actionable_guidance[] | select(startswith("\nProblematic"))' <<<"$J")" \
  $'\nProblematic code: line 1'
jrun --lang js -c 'for (const x of 5) {}'
expect_eq "js for (const x of 5): QuickJSTupleDestructuring" "$(jget .error_guidance.error_type)" "QuickJSTupleDestructuring"
jrun --lang js -c 'console.log("café ☕ 日本")'
expect_eq "js success: no error_guidance, the original's efficient words" \
  "$(jq -r '[has("error_guidance"), (.metadata | has("error_guidance")), .fuel_analysis.recommendation, .stdout] | map(tostring) | join("|")' <<<"$J")" \
  'false|false|Fuel budget is appropriate for this workload|café ☕ 日本'
expect_eq "js metadata: runtime, fuel_budget, memory_limit_bytes" \
  "$(jq -c '.metadata | [.runtime, .fuel_budget, .memory_limit_bytes, .trapped, (.memory_pages > 0)]' <<<"$J")" \
  '["javascript",5000000000,134217728,false,true]'
jrun --lang python -c 'exit(3)'
expect_eq "exit(3): proc_exit, exit_code 3" \
  "$(jget .metadata.trap_reason)|$(jget .metadata.exit_code)|$(jget .metadata.trap_message)|$(jget .metadata.trapped)" \
  "proc_exit|3|Exited with i32 exit status 3|false"
jrun --lang python -c 'import sys; print("ok"); print("avertissement: café ☕ 日本", file=sys.stderr)'
expect_eq "non-ASCII stderr kept; python metadata has no runtime" \
  "$(jq -r '.stderr | rtrimstr("\n")' <<<"$J")|$(jq -r '.metadata | has("runtime")' <<<"$J")|$(jget .memory_used_bytes | grep -c '^[1-9]')" \
  'avertissement: café ☕ 日本|false|1'
jrun --lang python -c 'import openpyxl, jinja2; x = sum(range(3000))'
expect_eq "heavy imports are read from the code" "$(jget '.fuel_analysis.likely_causes[0]')" \
  "Heavy package imports detected: openpyxl, jinja2"
WS="$T/ws-orig"; mkdir -p "$WS"
jrun --lang python --workspace "$WS" -c 'print(1)'
expect_eq "workspace_path is the --workspace, absolute" "$(jget .workspace_path)" "$(realpath "$WS")"
jrun --lang python -c 'print(1)'
expect_eq "a one-shot temporary workspace: workspace_path null" "$(jget .workspace_path)" "null"
SR="$T/sessions-orig"
SID=$("$BIN" session --sessions-root "$SR" create --lang python 2>/dev/null)
J=$("$BIN" session --sessions-root "$SR" exec "$SID" --json -c "open('/etc/passwd')" 2>/dev/null)
expect_eq "session exec --json: the same keys, with its workspace and id" \
  "$(jget .error_guidance.error_type)|$(jget .metadata.session_id)|$(jget .workspace_path)" \
  "PathRestriction|$SID|$(realpath "$SR")/$SID/workspace"

echo "== fuel is deterministic (the reseeding must not change the cost)"
for lang in python javascript; do
  code='print(sum(range(100)))'; [ $lang = javascript ] && code='console.log(1 + 1)'
  n=$(for _ in $(seq 16); do "$BIN" run --json --lang $lang -c "$code" | jq -r .fuel_consumed; done | sort -u | wc -l)
  expect_eq "$lang: 16 runs of the same code, one fuel value" "$n" "1"
done

for lib_test in "${@:2}"; do
  echo "== $(basename "$lib_test") (library API, cmocka)"
  zout=$("$lib_test" "$(dirname "$BIN")/assets" 2>&1); zrc=$?
  echo "$zout" | grep -E '^\[ +(OK|FAILED|PASSED) +\]|^\[  ERROR|^\[   LINE' | sed 's/^/     /'
  zp=$(grep -oE '^\[  PASSED  \] [0-9]+' <<<"$zout" | grep -oE '[0-9]+$' | head -1)
  zf=$(grep -oE '^\[  FAILED  \] [0-9]+' <<<"$zout" | grep -oE '[0-9]+$' | head -1)
  passed=$((passed + ${zp:-0})); failed=$((failed + ${zf:-0}))
  if [ $zrc -ne 0 ] && [ "${zf:-0}" = 0 ]; then bad "$(basename "$lib_test") exited $zrc" "$zout"; fi
done

finish e2e
