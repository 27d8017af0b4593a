#!/usr/bin/env bash
# tests/attack/mcpsec.sh BINARY - attack cases against the MCP server's
# own defences (issue 14): audit evasion through a client name, eviction
# of other clients' protocol sessions by an initialize flood, secrets in
# the children's environment and on the command line, the token file, the
# pile-up of cut outputs, and (issue 15) session ownership kept in the
# session record, on every node, with legacy owner files moved into it. Each case prints what it proves ("case:")
# before its checks; servers listen on free loopback ports with their
# storage in the temporary folder. Last line: "attack-mcpsec: N passed, M
# failed".
set -uo pipefail

BIN=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../e2e/lib.sh
. "$HERE/../e2e/lib.sh"
CLIENT=(python3 "$HERE/mcpsec_client.py")
ERR=""

SERVER_PIDS=()
cleanup() {
    for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${SERVER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    chmod -R u+w "$T" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

proves() { echo "case: $1"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_http NAME TOKEN ARGS... -> PORT, PID: an HTTP server (env from the
# caller's exported variables) whose stderr goes to $T/NAME.err; waits
# until /metrics answers (with TOKEN, "-" for none).
start_http() {
    local name=$1 token=$2; shift 2
    PORT=$(free_port)
    "$BIN" mcp --http "127.0.0.1:$PORT" --storage-dir "$T/$name" --audit-log "$T/$name.audit" \
        "$@" >"$T/$name.out" 2>"$T/$name.err" &
    PID=$!
    SERVER_PIDS+=("$PID")
    for _ in $(seq 1 150); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
            "http://127.0.0.1:$PORT/metrics")" = 200 ] && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "server $name did not start:"; cat "$T/$name.err"
    return 1
}

# stdio NAME ARGS... < MESSAGES -> $T/NAME.out (responses), $T/NAME.audit;
# the storage is $T/NAME, or $T/$STORE when STORE is set. The calls of one
# input run concurrently: what must come first goes in an earlier input.
stdio() {
    local name=$1; shift
    "$BIN" mcp --storage-dir "$T/${STORE:-$name}" --audit-log "$T/$name.audit" "$@" \
        >"$T/$name.out" 2>"$T/$name.err"
}

init_msg() { # NAME_JSON
    printf '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":%s,"version":"1"}}}\n' "$1"
}
call_msg() { # ID TOOL ARGS_JSON
    printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s}}\n' "$1" "$2" "$3"
}
# reply ID FILE: the response with that id
reply() { jq -c "select(.id == $1)" "$2" 2>/dev/null | head -1; }

# descendants PID: every process below PID
descendants() {
    local c
    for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done
}

# ===========================================================================
echo "== audit evasion"
proves "a client name cut mid-character (62 x 'a' + 'é') no longer hides the client's calls from the audit log"
NAME62="$(printf 'a%.0s' $(seq 62))é"
{ init_msg "\"$NAME62\""; echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  call_msg 2 execute_code '{"code":"print(\"café ☕ 日本\")","language":"python"}'
  call_msg 3 list_runtimes '{}'; } | stdio evade
expect_eq "the code ran" "$(reply 2 "$T/evade.out" | jq -r .result.structuredContent.stdout)" "café ☕ 日本"
expect_eq "two audit lines, one per tool call" "$(grep -c '"event":"tool_call"' "$T/evade.audit")" 2
line=$(grep '"tool":"execute_code"' "$T/evade.audit" | head -1)
expect_eq "the audit line names the client, cut before the 'é'" \
    "$(jq -r .client_name <<<"$line")" "$(printf 'a%.0s' $(seq 62))"
expect_eq "the line is the full one (hash, sizes), not the fallback" \
    "$(jq -r '[(.code_sha256 | length), .code_bytes, has("audit_error")] | @tsv' <<<"$line")" $'64\t25\tfalse'

proves "a non-ASCII client name that fits is audited whole"
{ init_msg '"café ☕ 日本"'; call_msg 2 execute_code '{"code":"1+1"}'; } | stdio evade2
expect_eq "client_name kept whole" "$(jq -r .client_name "$T/evade2.audit")" "café ☕ 日本"

proves "the same over HTTP: a Mcp-Session-Id whose client name is cut still gets audited"
start_http evadehttp - --rate-limit 0 || exit 1
SID=$("${CLIENT[@]}" session "$PORT" - "$NAME62")
read -r status body < <("${CLIENT[@]}" call "$PORT" "$SID" execute_code '{"code":"print(6*7)"}')
expect_eq "the call answers" "$status|$(jq -r .result.structuredContent.stdout <<<"$body")" "200|42"
sleep 0.2
expect_eq "and is audited under the cut name" \
    "$(jq -r 'select(.tool == "execute_code") | .client_name | length' "$T/evadehttp.audit")" 62

# ===========================================================================
echo "== initialize flood (no token: one key per address, the flooder shares A's)"
proves "1,001 bare initializes from client A's own address do not push out A's used session"
start_http flood - --rate-limit 0 || exit 1
FPORT=$PORT FPID=$PID
A=$("${CLIENT[@]}" session "$FPORT" - client-a)
read -r status body < <("${CLIENT[@]}" call "$FPORT" "$A" execute_code '{"code":"x = 1\nprint(\"A ☕\")"}')
expect_eq "A works before the flood" "$status|$(jq -r .result.structuredContent.stdout <<<"$body")" "200|A ☕"
out=$("${CLIENT[@]}" flood "$FPORT" 1001 -)
expect_eq "every flood initialize is answered 200 (it evicts only its own unused sessions)" \
    "$(grep -c '^200 1001$' <<<"$out")" 1
read -r status body < <("${CLIENT[@]}" call "$FPORT" "$A" execute_code '{"code":"print(\"A still ☕\")"}')
expect_eq "A's Mcp-Session-Id still works after the flood" \
    "$status|$(jq -r .result.structuredContent.stdout <<<"$body")" "200|A still ☕"
open=$(curl -s "http://127.0.0.1:$FPORT/metrics" | sed -n 's/^lsb_http_sessions //p')
if [ -n "$open" ] && [ "$open" -le 100 ]; then ok "the address holds at most 100 protocol sessions ($open)"
else bad "the address holds at most 100 protocol sessions" "lsb_http_sessions=$open"; fi

proves "a flood of used sessions fills only its own key's quota, then gets a clear 429, and A survives"
out=$("${CLIENT[@]}" flood "$FPORT" 150 - used)
expect_match "the initializes past the quota are refused with 429" "$out" '^429 [0-9]+$'
expect_match "the refusal says why and what to do" "$out" 'last-refusal Too Many Requests: this client already holds 100 protocol sessions in use; end unused ones with DELETE /mcp'
read -r status body < <("${CLIENT[@]}" ping "$FPORT" "$A")
expect_eq "A still answers ping" "$status|$(jq -c .result <<<"$body")" "200|{}"
alive_check() { if kill -0 "$2" 2>/dev/null; then ok "$1: server alive"; else bad "$1: server died" "$(tail -3 "$T"/*.err)"; fi; }
alive_check "initialize flood" "$FPID"

# ===========================================================================
echo "== secrets in the children (token in the environment)"
TOKEN="tok-env-$RANDOM-secret"
proves "LSB_MCP_AUTH_TOKEN and other host variables never reach a zygote, worker or session process"
LSB_MCP_AUTH_TOKEN=$TOKEN MCPSEC_OTHER_SECRET=hunter2-$RANDOM start_http envsrv "$TOKEN" --rate-limit 0 || exit 1
EPORT=$PORT EPID=$PID
S=$("${CLIENT[@]}" session "$EPORT" "$TOKEN" env-client)
read -r status body < <("${CLIENT[@]}" call "$EPORT" "$S" create_session '{"language":"python"}' "$TOKEN")
SESS=$(jq -r .result.structuredContent.session_id <<<"$body")
read -r status body < <("${CLIENT[@]}" call "$EPORT" "$S" execute_code \
    "{\"code\":\"import os\\nprint(sorted(os.environ))\",\"session_id\":\"$SESS\"}" "$TOKEN")
genv=$(jq -r .result.structuredContent.stdout <<<"$body")
expect_eq "a session run works" "$status|$(jq -r .result.isError <<<"$body")" "200|false"
expect_no_match "the guest's environment has no token" "$genv" 'LSB_MCP_AUTH_TOKEN|tok-env'
kids=$(descendants "$EPID")
nkids=$(grep -c . <<<"$kids")
if [ "$nkids" -ge 2 ]; then ok "the server has child processes to inspect ($nkids)"; else bad "children found" "$kids"; fi
leaks=0
for p in $EPID $kids; do
    [ -r "/proc/$p/environ" ] || continue
    if grep -aqE "LSB_MCP_AUTH_TOKEN|$TOKEN|MCPSEC_OTHER_SECRET|hunter2" "/proc/$p/environ"; then
        leaks=$((leaks + 1)); echo "     leak in $p: $(tr '\0' ' ' <"/proc/$p/environ" | head -c 200)"
    fi
done
expect_eq "no /proc/PID/environ of the server or its children holds a secret" "$leaks" 0
expect_match "what remains is the short list (PATH)" "$(tr '\0' '\n' <"/proc/$EPID/environ")" '^PATH='
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$EPORT/metrics")
expect_eq "the token from the environment is still enforced (200 with it)" "$code" 200
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EPORT/metrics")
expect_eq "and 401 without it" "$code" 401

# ===========================================================================
echo "== the token on the command line and in a file"
proves "--auth-token on the command line warns, and the value is wiped from /proc/PID/cmdline"
CTOKEN="tok-cmdline-$RANDOM"
start_http cmdline "$CTOKEN" --auth-token "$CTOKEN" || exit 1
expect_match "a warning names the better ways" "$(cat "$T/cmdline.err")" '"level":"warning".*--auth-token on the command line is visible to other users.*--auth-token-file'
expect_no_match "ps no longer shows the token" "$(tr '\0' ' ' <"/proc/$PID/cmdline")" "$CTOKEN"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CTOKEN" "http://127.0.0.1:$PORT/metrics")
expect_eq "the token still works" "$code" 200

proves "a token file readable by others is refused with a clear error"
FTOKEN="tok-file-$RANDOM-☕"
printf '%s\n' "$FTOKEN" >"$T/token"
chmod 644 "$T/token"
ERR=$("$BIN" mcp --http 127.0.0.1:1 --storage-dir "$T/tf" --auth-token-file "$T/token" 2>&1 </dev/null); RC=$?
expect_eq "exit 64" "$RC" 64
expect_match "the error names the file, the mode and the fix" "$ERR" "token file .*/token may be read or written by others \(mode 0644\): make it private with \`chmod 600"
proves "a private token file sets the token (first line), and beats LSB_MCP_AUTH_TOKEN"
chmod 600 "$T/token"
LSB_MCP_AUTH_TOKEN=env-token-loses start_http tokfile "$FTOKEN" --auth-token-file "$T/token" || exit 1
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FTOKEN" "http://127.0.0.1:$PORT/metrics")
expect_eq "the file's token is accepted" "$code" 200
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer env-token-loses" "http://127.0.0.1:$PORT/metrics")
expect_eq "the environment's token is not" "$code" 401
expect_no_match "no command-line warning for a file" "$(cat "$T/tokfile.err")" 'visible to other users'
printf '[security]\nauth_token_file = %s\n' "$T/token" >"$T/conf.ini"
start_http tokconf "$FTOKEN" --config "$T/conf.ini" || exit 1
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FTOKEN" "http://127.0.0.1:$PORT/metrics")
expect_eq "[security] auth_token_file in a config works too" "$code" 200
proves "bad token files and a token given twice are refused"
: >"$T/empty"; chmod 600 "$T/empty"
ERR=$("$BIN" mcp --http 127.0.0.1:1 --auth-token-file "$T/empty" 2>&1 </dev/null); RC=$?
expect_eq "an empty token file: exit 64" "$RC|$(grep -c 'is empty' <<<"$ERR")" "64|1"
ERR=$("$BIN" mcp --http 127.0.0.1:1 --auth-token-file "$T/missing" 2>&1 </dev/null); RC=$?
expect_eq "a missing token file: exit 64" "$RC|$(grep -c 'cannot read the token file' <<<"$ERR")" "64|1"
ERR=$("$BIN" mcp --http 127.0.0.1:1 --auth-token x --auth-token-file "$T/token" 2>&1 </dev/null); RC=$?
expect_eq "--auth-token with --auth-token-file: exit 64" "$RC|$(grep -c 'both set' <<<"$ERR")" "64|1"
expect_match "mcp --help documents --auth-token-file" "$("$BIN" mcp --help)" '--auth-token-file FILE +read the token from FILE'

# ===========================================================================
echo "== cut outputs pile-up"
proves "one-shot cut outputs stay under --max-outputs-size, the oldest deleted first"
BIG='{"code":"print(\"é\" * 300000)","language":"python"}' # 600,001 bytes of stdout
{ init_msg '"outputs"'; for i in $(seq 2 11); do call_msg "$i" execute_code "$BIG"; done; } |
    stdio outs --max-outputs-size 1MiB --workers 1 # one worker: the runs end in order
total=$(du -sb "$T/outs/outputs" | cut -f1)
nfiles=$(find "$T/outs/outputs" -type f | wc -l)
if [ "$total" -le 1048576 ] && [ "$nfiles" -ge 1 ]; then ok "outputs folder within 1 MiB after 10 cut runs ($total bytes, $nfiles files)"
else bad "outputs folder within 1 MiB" "$total bytes, $nfiles files"; fi
last=$(reply 11 "$T/outs.out" | jq -r .result.structuredContent.output_files.stdout)
expect_eq "the newest run's file is kept, whole" "$(wc -c <"$last" 2>/dev/null)" 600001
first=$(reply 2 "$T/outs.out" | jq -r .result.structuredContent.output_files.stdout)
if [ -n "$first" ] && [ ! -e "$first" ]; then ok "the oldest run's file was deleted"; else bad "oldest deleted" "$first"; fi
proves "an output larger than the whole cap is not kept, and the result says so"
{ init_msg '"outputs"'; call_msg 2 execute_code "$BIG"; } | stdio outs2 --max-outputs-size 100000
expect_match "the marker explains it" "$(reply 2 "$T/outs2.out" | jq -r .result.structuredContent.stdout)" \
    'the full stdout was not kept: 600001 bytes is over the server.s outputs cap of 100000 bytes'
expect_eq "nothing written" "$(find "$T/outs2/outputs" -type f | wc -l)" 0
proves "output files expire after --outputs-ttl"
mkdir -p "$T/outs3/outputs"
printf 'old' >"$T/outs3/outputs/0000000000000000-stdout.txt"
touch -d '-10 seconds' "$T/outs3/outputs/0000000000000000-stdout.txt"
{ init_msg '"outputs"'; call_msg 2 execute_code "$BIG"; } | stdio outs3 --outputs-ttl 5
expect_eq "the expired file is gone, the new one kept" \
    "$(find "$T/outs3/outputs" -type f -name '0000*' | wc -l)|$(find "$T/outs3/outputs" -type f | wc -l)" "0|1"
proves "a session's cut output is written in its workspace and counts there"
ERR=""
{ init_msg '"outputs"'; call_msg 2 create_session '{"language":"python","session_id":"out-s"}'; } |
    STORE=outs4 stdio outs4a
{ init_msg '"outputs"'; call_msg 3 execute_code '{"code":"print(\"é\" * 300000)","session_id":"out-s"}'; } |
    STORE=outs4 stdio outs4b
{ init_msg '"outputs"'; call_msg 4 get_workspace_info '{"session_id":"out-s"}'; } | STORE=outs4 stdio outs4c
expect_eq "its file is /app/outputs/execution-1-stdout.txt" \
    "$(reply 3 "$T/outs4b.out" | jq -r .result.structuredContent.output_files.stdout)" "/app/outputs/execution-1-stdout.txt"
wbytes=$(reply 4 "$T/outs4c.out" | jq -r .result.structuredContent.workspace_bytes)
if [ "${wbytes:-0}" -ge 600001 ]; then ok "the workspace counts it ($wbytes bytes)"; else bad "workspace counts the output" "$wbytes"; fi
expect_eq "nothing in the server's outputs folder" "$(find "$T/outs4/outputs" -type f | wc -l)" 0

# ===========================================================================
echo "== ownership in the session record (issue 15)"
proves "a session's owner is in its record (session.json), as a hash: every node sharing the sessions root, and any storage adapter, carries it; no owner files"
OTOKEN="jeton-proprietaire-$RANDOM" # ASCII: an HTTP header
start_http ownhttp "$OTOKEN" --auth-token "$OTOKEN" --rate-limit 0 || exit 1
OPORT=$PORT
S=$("${CLIENT[@]}" session "$OPORT" "$OTOKEN" owner-client)
read -r status body < <("${CLIENT[@]}" call "$OPORT" "$S" create_session '{"language":"python","session_id":"à-moi"}' "$OTOKEN")
expect_eq "an invalid id is refused (no session, no record)" "$(jq -r .result.structuredContent.error.type <<<"$body")" "InvalidArguments"
read -r status body < <("${CLIENT[@]}" call "$OPORT" "$S" create_session '{"language":"python","session_id":"own-1"}' "$OTOKEN")
expect_eq "create_session over HTTP" "$status|$(jq -r .result.structuredContent.session_id <<<"$body")" "200|own-1"
REC="$T/ownhttp/sessions/own-1/session.json"
OWNER=$(jq -r .owner "$REC" 2>/dev/null)
expect_match "session.json carries the owner, a hash" "$OWNER" '^o-[0-9a-f]{32}$'
expect_no_match "never the token itself" "$(cat "$REC")" "$OTOKEN"
expect_eq "no owners/ folder is made" "$([ -e "$T/ownhttp/owners" ] && echo made || echo none)" "none"
read -r status body < <("${CLIENT[@]}" call "$OPORT" "$S" execute_code '{"code":"open(\"v.txt\", \"w\").write(\"café ☕ 日本\")","session_id":"own-1"}' "$OTOKEN")
expect_eq "a run keeps the owner in the record" "$(jq -r .owner "$REC")|$(jq -r .execution_count "$REC")" "$OWNER|1"
proves "a second node on the same storage with the same token finds the session; one with another token does not"
start_http ownhttp2 "$OTOKEN" --auth-token "$OTOKEN" --rate-limit 0 --storage-dir "$T/ownhttp" || exit 1
S2=$("${CLIENT[@]}" session "$PORT" "$OTOKEN" owner-client-2)
read -r status body < <("${CLIENT[@]}" call "$PORT" "$S2" execute_code '{"code":"print(open(\"v.txt\").read())","session_id":"own-1"}' "$OTOKEN")
expect_eq "node 2, same token: runs in it (its file is there)" "$(jq -r .result.structuredContent.stdout <<<"$body")" "café ☕ 日本"
start_http ownhttp3 other-token --auth-token other-token --rate-limit 0 --storage-dir "$T/ownhttp" || exit 1
S3=$("${CLIENT[@]}" session "$PORT" other-token intruder)
read -r status body < <("${CLIENT[@]}" call "$PORT" "$S3" get_workspace_info '{"session_id":"own-1"}' other-token)
expect_match "node 3, another token: not found, in the unknown session's words" \
    "$(jq -r '.result.content[0].text' <<<"$body")" '^Session own-1 not found\. Create one'
read -r status body < <("${CLIENT[@]}" call "$PORT" "$S3" get_active_sessions '{}' other-token)
expect_eq "nor listed" "$(jq -c .result.structuredContent.sessions <<<"$body")" "[]"

proves "a legacy owner file (STORAGE/owners/<id>, from servers before) moves into the record on first access, then is deleted"
{ init_msg '"legacy"'; call_msg 2 create_session '{"language":"python","session_id":"legacy-mine"}'
  call_msg 3 create_session '{"language":"python","session_id":"legacy-theirs"}'; } | STORE=legacy stdio legacy1
MINE=$(jq -r .owner "$T/legacy/sessions/legacy-mine/session.json")
expect_match "stdio's owner is in the record" "$MINE" '^o-[0-9a-f]{32}$'
mkdir -p "$T/legacy/owners"
for s in legacy-mine legacy-theirs; do # as a server before this one left them
    jq 'del(.owner)' "$T/legacy/sessions/$s/session.json" >"$T/rec.new" && mv "$T/rec.new" "$T/legacy/sessions/$s/session.json"
done
printf '%s' "$MINE" >"$T/legacy/owners/legacy-mine"
printf 'o-00000000000000000000000000000000' >"$T/legacy/owners/legacy-theirs"
expect_eq "the records have no owner now" "$(cat "$T"/legacy/sessions/legacy-*/session.json | grep -c owner)" 0
{ init_msg '"legacy"'; call_msg 2 execute_code '{"code":"print(\"hérité ✓\")","session_id":"legacy-mine"}'; } |
    STORE=legacy stdio legacy2
expect_eq "its owner finds the legacy session" "$(reply 2 "$T/legacy2.out" | jq -r .result.structuredContent.stdout)" "hérité ✓"
expect_eq "whose record now names it, its file deleted" \
    "$(jq -r .owner "$T/legacy/sessions/legacy-mine/session.json")|$([ -e "$T/legacy/owners/legacy-mine" ] && echo kept || echo gone)" \
    "$MINE|gone"
{ init_msg '"legacy"'; call_msg 2 get_active_sessions '{}'; } | STORE=legacy stdio legacy3
expect_eq "another owner's legacy session is not listed" \
    "$(reply 2 "$T/legacy3.out" | jq -c '[.result.structuredContent.sessions[].session_id]')" '["legacy-mine"]'
expect_eq "but its owner moved into its record too, and the emptied owners/ folder is gone" \
    "$(jq -r .owner "$T/legacy/sessions/legacy-theirs/session.json")|$([ -e "$T/legacy/owners" ] && echo kept || echo gone)" \
    "o-00000000000000000000000000000000|gone"

echo "== sanitizers"
proves "no server of this suite hit an ASan/UBSan report (when BINARY is the ASan build)"
expect_no_match "no sanitizer report in any server's stderr" "$(cat "$T"/*.err 2>/dev/null)" 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer'

finish attack-mcpsec
