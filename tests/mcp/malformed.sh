#!/usr/bin/env bash
# tests/mcp/malformed.sh BINARY - hostile traffic against `llm-sandbox mcp`:
# malformed JSON-RPC, bad tool arguments, every HTTP-layer refusal (size,
# type, method, path, token, Origin, Host, session, rate), both protocol
# eras (2025 sessions and batches, 2026-07-28 stateless headers and
# _meta), floods of create_session and initialize, and the stdio
# transport's framing (blank, invalid and over-long lines).
#
# Every check asserts the HTTP status and, where there is a body, the
# JSON-RPC error code and message (or the tool result's isError and
# text). Servers listen on free loopback ports only, with their storage
# in the temporary folder; each section ends by checking the server
# process is still alive. Last line: "mcp-malformed: N passed, M failed".
set -uo pipefail

BIN=$(realpath "$1")
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"

TOKEN="malformed-test-token"
SERVER_PIDS=()
cleanup() {
    for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${SERVER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    chmod -R u+w "$T" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME ARGS... -> PORT and PID of an HTTP server (waits until
# /metrics answers); its stderr goes to $T/NAME.err. NO_TOKEN=1: no
# --auth-token (the Authorization header the helpers send is then ignored).
start_server() {
    local name=$1; shift
    local token=(--auth-token "$TOKEN")
    [ -n "${NO_TOKEN:-}" ] && token=()
    PORT=$(free_port)
    "$BIN" mcp --http "127.0.0.1:$PORT" --storage-dir "$T/$name" "${token[@]}" \
        --audit-log - "$@" >"$T/$name.out" 2>"$T/$name.err" &
    PID=$!
    SERVER_PIDS+=("$PID")
    for _ in $(seq 1 150); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
            "http://127.0.0.1:$PORT/metrics")" = 200 ] && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "server $name did not start:"; cat "$T/$name.err"
    return 1
}

# alive NAME PID: the section's closing check
section() { echo "== $1 (at ${SECONDS}s)"; }

alive() {
    if kill -0 "$2" 2>/dev/null; then ok "$1: server still alive"; else bad "$1: server died" "$(tail -5 "$T"/*.err)"; fi
}

AUTH=(-H "Authorization: Bearer $TOKEN")
JSONH=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
V26=(-H 'MCP-Protocol-Version: 2026-07-28')

# req METHOD URL BODY CURL_ARGS... -> CODE (HTTP status), J (the JSON
# body; for an SSE reply, the last event's data), HDR (headers, no CR).
# BODY may be @FILE; "" sends none.
req() {
    local method=$1 url=$2 body=$3; shift 3
    local data=()
    [ -n "$body" ] && data=(--data-binary "$body")
    CODE=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$method" "${data[@]}" "$@" "$url")
    HDR=$(tr -d '\r' <"$T/hdr")
    if grep -qi '^content-type: text/event-stream' <<<"$HDR"; then
        J=$(sed -n 's/^data: //p' "$T/body" | tail -1)
    else
        J=$(cat "$T/body")
    fi
    # shellcheck disable=SC2034 # read by lib.sh's expect_* in failure messages
    ERR="http $CODE; body ${J:0:300}"
}
# post BODY EXTRA_CURL_ARGS...: POST to $U with the token and JSON headers
post() { local body=$1; shift; req POST "$U" "$body" "${AUTH[@]}" "${JSONH[@]}" "$@"; }
# route BODY -> ROUTE: the 2026-07-28 routing headers of a request body
# (Mcp-Method, and Mcp-Name for a tools/call)
route() {
    local m n
    m=$(jq -r '.method // empty' <<<"$1" 2>/dev/null); n=$(jq -r '.params.name // empty' <<<"$1" 2>/dev/null)
    ROUTE=(-H "Mcp-Method: $m")
    [ -n "$n" ] && ROUTE+=(-H "Mcp-Name: $n")
}
# post26 BODY EXTRA...: a 2026-07-28 request, with the version header and
# the routing headers the body implies
post26() { local body=$1; shift; route "$body"; post "$body" "${V26[@]}" "${ROUTE[@]}" "$@"; }
# post26raw BODY EXTRA...: only the version header (routing headers as given)
post26raw() { local body=$1; shift; post "$body" "${V26[@]}" "$@"; }
# call_body ID TOOL ARGS_JSON [META]: a tools/call request
call_body() {
    printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s%s}}' \
        "$1" "$2" "$3" "${4:+,$4}"
}
jgetc() { jq -c "$1" <<<"$J" 2>/dev/null; }
hdr() { grep -i "^$1:" <<<"$HDR" | head -1 | cut -d: -f2- | sed 's/^ *//'; }

# expect_rpc NAME STATUS CODE [MESSAGE_REGEX]: an HTTP status and a
# JSON-RPC error
expect_rpc() {
    local got_code got_msg
    got_code=$(jget .error.code); got_msg=$(jget .error.message)
    if [ "$CODE" = "$2" ] && [ "$got_code" = "$3" ] && grep -qiE -- "${4:-.}" <<<"$got_msg"; then
        ok "$1"
    else
        bad "$1" "expected http $2, error $3 /${4:-.}/; got http $CODE, body ${J:0:400}"
    fi
}
# expect_tool_error NAME TYPE_OR_EMPTY TEXT_REGEX: HTTP 200 and a result
# with isError true whose text matches (and whose error type is TYPE)
expect_tool_error() {
    local is_err text type
    is_err=$(jget .result.isError); text=$(jget '.result.content[0].text')
    # the error type: error.type, or the original's session-limit error, whose
    # "error" is the string "session_limit_exceeded"
    type=$(jget '.result.structuredContent.error | if type == "object" then .type else . end')
    if [ "$CODE" = 200 ] && [ "$is_err" = true ] && grep -qE -- "$3" <<<"$text" &&
        { [ -z "$2" ] || [ "$type" = "$2" ]; }; then
        ok "$1"
    else
        bad "$1" "expected http 200, isError, ${2:-any} /$3/; got http $CODE, body ${J:0:400}"
    fi
}
# expect_status NAME STATUS
expect_status() {
    if [ "$CODE" = "$2" ]; then ok "$1"; else bad "$1" "expected http $2, got http $CODE; body ${J:0:300}"; fi
}

# ===========================================================================
section "starting the servers"
start_server main --max-body-size 64KiB --max-sessions 50 --max-code-size 1KiB --workers 2 \
    --rate-limit 1000000 --rate-burst 100000 || exit 1
MAIN_PORT=$PORT MAIN_PID=$PID
U="http://127.0.0.1:$MAIN_PORT/mcp"
start_server rate --rate-limit 60 --rate-burst 5 --workers 1 || exit 1
RATE_PORT=$PORT RATE_PID=$PID

init_body() {
    printf '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},"clientInfo":{"name":"malformed","version":"1"}}}' "$1"
}
# initialize VERSION -> SID
initialize() {
    post "$(init_body "$1")"
    SID=$(hdr Mcp-Session-Id)
    [ -n "$SID" ] && req POST "$U" '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
        "${AUTH[@]}" "${JSONH[@]}" -H "Mcp-Session-Id: $SID" -H "MCP-Protocol-Version: $1"
}
initialize 2025-11-25
S25=$SID
expect_match "initialize gives an Mcp-Session-Id" "$S25" '^[0-9a-f-]{36}$'
S=(-H "Mcp-Session-Id: $S25" -H 'MCP-Protocol-Version: 2025-11-25')

# ===========================================================================
section "JSON-RPC envelope"
post '{bad json' "${S[@]}"
expect_rpc "invalid JSON: 400 -32700" 400 -32700 'Parse error'
post '' "${S[@]}"
expect_rpc "empty body: 400 -32700" 400 -32700 'Parse error'
post $'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xff\xfe"}}' "${S[@]}"
expect_rpc "invalid UTF-8: 400 -32700" 400 -32700 'Parse error'
post '{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}' "${S[@]}"
expect_rpc "duplicate keys: 400 -32700" 400 -32700 'Parse error'
printf '%.0s[' $(seq 1 20000) >"$T/deep.json"
post "@$T/deep.json" "${S[@]}"
expect_rpc "20000-deep nesting: 400 -32700" 400 -32700 'Parse error'
post '5' "${S[@]}"
expect_rpc "a number: 400 -32600" 400 -32600 'JSON object'
post '"hello"' "${S[@]}"
expect_rpc "a string: 400 -32600" 400 -32600 'JSON object'
post 'null' "${S[@]}"
expect_rpc "null: 400 -32600" 400 -32600 'JSON object'
post '{"id":1,"method":"ping"}' "${S[@]}"
expect_rpc "missing jsonrpc: 400 -32600" 400 -32600 'jsonrpc'
post '{"jsonrpc":"1.0","id":1,"method":"ping"}' "${S[@]}"
expect_rpc "jsonrpc 1.0: 400 -32600" 400 -32600 'jsonrpc'
expect_eq "jsonrpc 1.0: the id is echoed" "$(jget .id)" 1
post '{"jsonrpc":2.0,"id":1,"method":"ping"}' "${S[@]}"
expect_rpc "jsonrpc as a number: 400 -32600" 400 -32600 'jsonrpc'
post '{"jsonrpc":"2.0","id":1,"method":7}' "${S[@]}"
expect_rpc "method not a string: 400 -32600" 400 -32600 'method'
post '{"jsonrpc":"2.0","id":1}' "${S[@]}"
expect_rpc "no method, no result: 400 -32600" 400 -32600 'method'
post '{"jsonrpc":"2.0","id":null,"method":"ping"}' "${S[@]}"
expect_rpc "id null: 400 -32600" 400 -32600 '"id"'
post '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}' "${S[@]}"
expect_rpc "id an object: 400 -32600" 400 -32600 '"id"'
post '{"jsonrpc":"2.0","id":1,"method":"ping","params":[1,2]}' "${S[@]}"
expect_rpc "params an array: 400 -32600" 400 -32600 'params'
post '{"jsonrpc":"2.0","id":1,"method":"ping","params":"x"}' "${S[@]}"
expect_rpc "params a string: 400 -32600" 400 -32600 'params'
post '{"jsonrpc":"2.0","id":"abc","method":"no/such/method"}' "${S[@]}"
expect_rpc "unknown method: 200 -32601" 200 -32601 'no/such/method'
expect_eq "unknown method: the string id is echoed" "$(jget .id)" abc
post '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}' "${S[@]}"
expect_rpc "unknown tool: 200 -32602" 200 -32602 'no_such_tool'
post '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"arguments":{}}}' "${S[@]}"
expect_rpc "tools/call without a name: 200 -32602" 200 -32602 'params.name'
post '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"execute_code","arguments":[1]}}' "${S[@]}"
expect_rpc "tools/call with array arguments: 200 -32602" 200 -32602 'arguments'
post '{"jsonrpc":"2.0","id":10,"method":"ping"}' "${S[@]}"
expect_eq "ping still answers after all that" "$CODE|$(jgetc .result)" "200|{}"
post '{"jsonrpc":"2.0","id":11,"method":"ping","params":{"_meta":5}}' "${S[@]}"
expect_rpc "_meta not an object: -32602" 400 -32602 '_meta'
alive envelope "$MAIN_PID"

# ===========================================================================
section "tool arguments"
post "$(call_body 1 execute_code '{"code":5}')" "${S[@]}"
expect_tool_error "code: 5" InvalidArguments "'code'.*string"
post "$(call_body 1 execute_code '{"code":"print(1)","timeout":"x"}')" "${S[@]}"
expect_tool_error "timeout: \"x\"" InvalidArguments "'timeout'.*integer"
post "$(call_body 1 execute_code '{"code":"print(1)","timeout":0}')" "${S[@]}"
expect_tool_error "timeout: 0" InvalidArguments "^Invalid timeout value: argument 'timeout' must be between 1 and 300"
post "$(call_body 1 execute_code '{"code":"print(1)","timeout":301}')" "${S[@]}"
expect_tool_error "timeout: 301" InvalidArguments "'timeout'.*between 1 and 300"
post "$(call_body 1 execute_code '{"code":"print(1)","timeout":-1e308}')" "${S[@]}"
expect_tool_error "timeout: -1e308" InvalidArguments "'timeout'"
post "$(call_body 1 execute_code '{"code":"print(1)","session_id":"a/b"}')" "${S[@]}"
expect_tool_error "session_id with '/'" InvalidArguments "session_id"
post "$(call_body 1 execute_code '{"code":"print(1)","session_id":"../../etc"}')" "${S[@]}"
expect_tool_error "session_id '../../etc'" InvalidArguments "session_id"
post "$(call_body 1 get_workspace_info '{"session_id":"x/../../y"}')" "${S[@]}"
expect_tool_error "get_workspace_info session_id with '/'" InvalidArguments "session_id"
post "$(call_body 1 execute_code '{"code":"print(1)","session_id":"no-such-session"}')" "${S[@]}"
expect_tool_error "unknown session_id" UnknownSession "no-such-session"
post "$(call_body 1 execute_code '{"code":""}')" "${S[@]}"
expect_tool_error "empty code" InvalidArguments "'code'"
post "$(call_body 1 execute_code '{}')" "${S[@]}"
expect_tool_error "missing code" InvalidArguments "missing required argument 'code'"
post "$(call_body 1 execute_code '{"code":"print(1)","language":"ruby"}')" "${S[@]}"
expect_tool_error "language ruby" InvalidArguments '^Unsupported language: ruby\. Supported: python, javascript$'
post "$(call_body 1 execute_code '{"code":"print(1)","shell":true}')" "${S[@]}"
expect_tool_error "unknown argument" InvalidArguments "unknown argument 'shell'"
post "$(call_body 1 execute_code '{"code":"print(1)\u0000import os"}')" "${S[@]}"
expect_tool_error "NUL byte in code" "" "."
head -c 2000 /dev/zero | tr '\0' '#' >"$T/code2k"
post "$(call_body 1 execute_code "{\"code\":\"$(cat "$T/code2k")\"}")" "${S[@]}"
expect_tool_error "code over --max-code-size 1KiB" CodeTooLarge "2000 bytes"
post "$(call_body 1 create_session '{"language":"python","session_id":"../x"}')" "${S[@]}"
expect_tool_error "create_session id '../x'" InvalidArguments "session_id"
post "$(call_body 1 create_session '{"language":"cobol"}')" "${S[@]}"
expect_tool_error "create_session language cobol" InvalidArguments '^Unsupported language: cobol\. Supported: python, javascript$'
post "$(call_body 1 install_package '{"package":"../../etc/passwd.whl","session_id":"abc"}')" "${S[@]}"
expect_tool_error "install_package with a path" "" "paths are not accepted|session"
post "$(call_body 12 execute_code '{"code":"print(6*7)"}')" "${S[@]}"
expect_eq "a good call still runs" "$CODE|$(jget .result.isError)|$(jget .result.structuredContent.stdout)" '200|false|42'
alive arguments "$MAIN_PID"

# ===========================================================================
section "HTTP layer"
head -c $((70 * 1024)) /dev/zero | tr '\0' ' ' >"$T/big.json"
post "@$T/big.json" "${S[@]}"
expect_rpc "70 KiB body over the 64 KiB cap: 413" 413 -32600 'Payload Too Large'
post "@$T/big.json" "${S[@]}" -H 'Transfer-Encoding: chunked'
expect_rpc "chunked body over the cap: 413" 413 -32600 'Payload Too Large'
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${AUTH[@]}" "${S[@]}" -H 'Content-Type: text/plain'
expect_rpc "Content-Type text/plain: 415" 415 -32600 'Content-Type'
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${AUTH[@]}" "${S[@]}" -H 'Content-Type:'
expect_rpc "no Content-Type: 415" 415 -32600 'Content-Type'
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H 'Content-Type: application/json; charset=utf-8'
expect_eq "Content-Type with charset is accepted" "$CODE|$(jgetc .result)" "200|{}"
req GET "$U" "" "${AUTH[@]}" -H 'Accept: text/event-stream'
expect_rpc "GET /mcp: 405" 405 -32600 'Method Not Allowed'
expect_match "GET /mcp: Allow header" "$(hdr Allow)" 'POST'
req PUT "$U" '{}' "${AUTH[@]}" "${JSONH[@]}"
expect_rpc "PUT /mcp: 405" 405 -32600 'Method Not Allowed'
req PATCH "$U" '{}' "${AUTH[@]}" "${JSONH[@]}"
expect_status "PATCH /mcp: 405" 405
req POST "http://127.0.0.1:$MAIN_PORT/nope" '{}' "${AUTH[@]}" "${JSONH[@]}"
expect_rpc "unknown path: 404" 404 -32600 'Not Found'
req POST "$U/" '{}' "${AUTH[@]}" "${JSONH[@]}"
expect_status "/mcp/ (trailing slash): 404" 404
req POST "http://127.0.0.1:$MAIN_PORT/metrics" '{}' "${AUTH[@]}" "${JSONH[@]}"
expect_status "POST /metrics: 405" 405
req GET "http://127.0.0.1:$MAIN_PORT/metrics" "" "${AUTH[@]}"
expect_eq "GET /metrics: 200" "$CODE" 200
expect_match "GET /metrics: Prometheus text" "$J" '^lsb_rejections_total\{reason='
req GET "http://127.0.0.1:$MAIN_PORT/metrics" ""
expect_status "GET /metrics without the token: 401" 401
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${JSONH[@]}" "${S[@]}"
expect_rpc "no token: 401" 401 -32600 'Unauthorized'
expect_match "no token: WWW-Authenticate" "$(hdr WWW-Authenticate)" '^Bearer'
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${JSONH[@]}" "${S[@]}" -H 'Authorization: Bearer wrong'
expect_rpc "wrong token: 401" 401 -32600 'Unauthorized'
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${JSONH[@]}" "${S[@]}" -H "Authorization: Bearer ${TOKEN}x"
expect_status "token with a suffix: 401" 401
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${JSONH[@]}" "${S[@]}" -H "Authorization: Bearer ${TOKEN:0:10}"
expect_status "token prefix: 401" 401
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${JSONH[@]}" "${S[@]}" -H "Authorization: Basic $TOKEN"
expect_status "Basic instead of Bearer: 401" 401
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H 'Origin: http://evil.example.com'
expect_rpc "Origin evil.example.com: 403" 403 -32600 'Origin'
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H 'Origin: http://localhost.evil.example.com'
expect_status "Origin localhost.evil.example.com: 403" 403
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H 'Origin: null'
expect_status "Origin null: 403" 403
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H 'Host: evil.example.com'
expect_rpc "Host evil.example.com: 403" 403 -32600 'Host'
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H 'Host: 127.0.0.1.evil.example.com'
expect_status "Host 127.0.0.1.evil.example.com: 403" 403
post "$(init_body 2025-11-25)" -H 'Host: evil.example.com' -H 'Origin: http://evil.example.com'
expect_status "initialize with Host and Origin evil (conformance dns-rebinding): 403" 403
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H "Origin: http://localhost:$MAIN_PORT"
expect_eq "Origin http://localhost:PORT: 200" "$CODE|$(jgetc .result)" "200|{}"
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H "Origin: http://127.0.0.1:$MAIN_PORT" -H "Host: localhost:$MAIN_PORT"
expect_eq "Origin 127.0.0.1 and Host localhost: 200" "$CODE|$(jgetc .result)" "200|{}"
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${S[@]}" -H "Origin: http://[::1]:$MAIN_PORT"
expect_eq "Origin http://[::1]:PORT: 200" "$CODE" 200
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${AUTH[@]}" "${JSONH[@]}" "${S[@]}" -0 -H 'Host:'
expect_status "HTTP/1.0 without a Host header: 403" 403
req POST "$U" '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${AUTH[@]}" "${JSONH[@]}" "${S[@]}" \
    -H "X-Filler: $(head -c 100000 /dev/zero | tr '\0' a)"
if [[ "$CODE" =~ ^4[0-9][0-9]$ ]]; then ok "a 100 kB header: refused with $CODE"; else bad "a 100 kB header: refused with 4xx" "http $CODE"; fi
alive "HTTP layer" "$MAIN_PID"

# ===========================================================================
section "sessions (2025 era)"
post '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H 'MCP-Protocol-Version: 2025-11-25'
expect_rpc "no Mcp-Session-Id: 400" 400 -32600 'Mcp-Session-Id'
post '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H 'Mcp-Session-Id: 00000000-0000-4000-8000-000000000000'
expect_rpc "unknown Mcp-Session-Id: 404" 404 -32600 'Mcp-Session-Id'
post '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H 'Mcp-Session-Id: ../../etc/passwd'
expect_status "Mcp-Session-Id with a path: 404" 404
initialize 2025-11-25
SDEL=$SID
post '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "Mcp-Session-Id: $SDEL"
expect_eq "a new session works" "$CODE|$(jget '.result.tools | length > 5')" "200|true"
req DELETE "$U" "" "${AUTH[@]}" -H "Mcp-Session-Id: $SDEL"
expect_status "DELETE the session: 204" 204
post '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "Mcp-Session-Id: $SDEL"
expect_rpc "reuse after DELETE: 404" 404 -32600 'Mcp-Session-Id'
req DELETE "$U" "" "${AUTH[@]}" -H "Mcp-Session-Id: $SDEL"
expect_status "DELETE it again: 404" 404
req DELETE "$U" "" "${AUTH[@]}"
expect_status "DELETE without Mcp-Session-Id: 400" 400
post '{"jsonrpc":"2.0","method":"notifications/initialized"}' "${S[@]}"
expect_eq "notification-only POST: 202, no body" "$CODE|$J" "202|"
post '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12345}}' "${S[@]}"
expect_eq "cancel of an unknown request: 202" "$CODE|$J" "202|"
post '{"jsonrpc":"2.0","id":99,"result":{}}' "${S[@]}"
expect_eq "a response object POSTed: 202" "$CODE|$J" "202|"
post '{"jsonrpc":"2.0","id":99,"error":{"code":1,"message":"x"}}' "${S[@]}"
expect_eq "an error response POSTed: 202" "$CODE|$J" "202|"
post '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]' "${S[@]}"
expect_rpc "a batch on 2025-11-25: 400 -32600" 400 -32600 'batch'
initialize 2025-03-26
S03=(-H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-03-26')
post '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":"two","method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/progress","params":{}}]' "${S03[@]}"
expect_eq "a batch on 2025-03-26: an array of 2 responses" \
    "$CODE|$(jgetc '[.[].id] | sort_by(tostring)')|$(jgetc '[.[] | select(.id == 1)][0].result')" '200|[1,"two"]|{}'
post '[{"jsonrpc":"2.0","id":1,"method":"ping"},5,{"jsonrpc":"2.0","id":3,"method":"nope"}]' "${S03[@]}"
expect_eq "a batch with an invalid member: 3 answers" \
    "$(jgetc '[.[] | (.error.code // 0)] | sort')" '[-32601,-32600,0]'
post '[]' "${S03[@]}"
expect_rpc "an empty batch: 400 -32600" 400 -32600 'empty batch'
post '[{"jsonrpc":"2.0","method":"notifications/initialized"}]' "${S03[@]}"
expect_eq "a batch of notifications only: 202" "$CODE|$J" "202|"
post "$(init_body 1999-01-01)"
expect_eq "initialize with an unknown version gets 2025-11-25" "$CODE|$(jget .result.protocolVersion)" "200|2025-11-25"
post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
expect_rpc "initialize without protocolVersion: -32602" 200 -32602 'protocolVersion'
alive sessions "$MAIN_PID"

# ===========================================================================
section "stateless requests (2026-07-28)"
post26 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$META}}"
expect_eq "server/discover: 200, resultType complete" "$CODE|$(jget .result.resultType)" "200|complete"
expect_eq "server/discover: supportedVersions has 2026-07-28" \
    "$(jget '.result.supportedVersions | index("2026-07-28") != null')" true
expect_eq "server/discover: no Mcp-Session-Id" "$(hdr Mcp-Session-Id)" ""
post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$META}}" -H 'Mcp-Method: server/discover'
expect_rpc "server/discover without the version header: 400 -32020" 400 -32020 'MCP-Protocol-Version'
post26 '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}'
expect_rpc "missing _meta: 400 -32602" 400 -32602 '_meta'
post26 '{"jsonrpc":"2.0","id":1,"method":"server/discover"}'
expect_rpc "no params at all: 400 -32602" 400 -32602 '_meta'
post '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}'
expect_rpc "server/discover with no _meta and no header: 400 -32602" 400 -32602 '_meta'
post26 '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}'
expect_rpc "missing clientCapabilities: 400 -32602" 400 -32602 'clientCapabilities'
post '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}}' -H 'MCP-Protocol-Version: v999.0.0' -H 'Mcp-Method: server/discover'
expect_rpc "version v999: 400 -32022" 400 -32022 'version'
expect_eq "version v999: data.supported and data.requested" \
    "$(jget '.error.data.supported | index("2026-07-28") != null')|$(jget .error.data.requested)" "true|v999.0.0"
post26 '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25","io.modelcontextprotocol/clientCapabilities":{}}}}'
expect_rpc "header 2026-07-28, _meta 2025-11-25: 400 -32020" 400 -32020 'MCP-Protocol-Version'
# conformance 0.2.0-alpha's sep-2575-http-server-header-mismatch-400 sends exactly this:
post26 '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"v999.0.0","io.modelcontextprotocol/clientCapabilities":{}}}}'
expect_rpc "header 2026-07-28, _meta v999.0.0: 400 -32020 (conformance)" 400 -32020 '.'
post "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{$META}}" -H 'MCP-Protocol-Version: 2025-11-25' -H 'Mcp-Method: tools/list'
expect_rpc "header 2025-11-25, _meta 2026-07-28: 400 -32020" 400 -32020 'MCP-Protocol-Version'
post26raw "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{$META}}" -H 'Mcp-Method: tools/call'
expect_rpc "Mcp-Method header mismatch: 400 -32020" 400 -32020 'Mcp-Method'
post26raw "$(call_body 4 execute_code '{"code":"print(1)"}' "$META")" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: create_session'
expect_rpc "Mcp-Name header mismatch: 400 -32020" 400 -32020 'Mcp-Name'
post26raw "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{$META}}"
expect_rpc "no Mcp-Method header: 400 -32020" 400 -32020 'Mcp-Method'
post26raw "$(call_body 4 execute_code '{"code":"print(1)"}' "$META")" -H 'Mcp-Method: tools/call'
expect_rpc "tools/call without Mcp-Name: 400 -32020" 400 -32020 'Mcp-Name'
post26raw "$(call_body 4 execute_code '{"code":"print(1)"}' "$META")" -H 'Mcp-Method:  tools/call ' -H 'Mcp-Name: execute_code'
expect_eq "routing headers with surrounding whitespace are accepted" "$CODE|$(jget .result.isError)" "200|false"
post26 "$(call_body 5 execute_code '{"code":"print(6*7)"}' "$META")"
expect_eq "stateless execute_code: 200, stdout 42, resultType" \
    "$CODE|$(jget .result.isError)|$(jget .result.structuredContent.stdout)|$(jget .result.resultType)|$(jget .id)" \
    '200|false|42|complete|5'
post26 "$(call_body 6 execute_code '{"code":"console.log([1,2].map(x=>x*3).join())","language":"javascript"}' "$META")"
expect_eq "stateless javascript" "$CODE|$(jget .result.structuredContent.stdout)" '200|3,6'
post26 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{$META}}"
expect_eq "stateless tools/list has ttlMs and cacheScope" \
    "$CODE|$(jget '.result.ttlMs >= 0')|$(jget .result.cacheScope)" "200|true|public"
for m in ping initialize logging/setLevel resources/subscribe unknown/method; do
    post26 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$m\",\"params\":{$META}}"
    expect_rpc "$m in 2026 mode: 404 -32601" 404 -32601 'not found'
done
alive stateless "$MAIN_PID"

# ===========================================================================
section "rate limit (--rate-limit 60 --rate-burst 5)"
R="http://127.0.0.1:$RATE_PORT/mcp"
DISC="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$META}}"
DISCH=("${V26[@]}" -H 'Mcp-Method: server/discover')
curl -s --no-progress-meter -Z --parallel-max 20 -o /dev/null -w '%{http_code} %header{retry-after}\n' \
    "${AUTH[@]}" "${JSONH[@]}" "${DISCH[@]}" --data-binary "$DISC" "$R?n=[1-20]" >"$T/rate.txt"
n429=$(grep -c '^429' "$T/rate.txt")
n200=$(grep -c '^200' "$T/rate.txt")
expect_eq "20 quick requests: all answered 200 or 429" "$((n429 + n200))" 20
if [ "$n429" -ge 10 ] && [ "$n200" -ge 1 ]; then ok "burst of 20: $n200 served, $n429 refused with 429"
else bad "burst of 20: expected >= 10 refused and >= 1 served" "$(sort "$T/rate.txt" | uniq -c)"; fi
bad_retry=$(awk '$1 == 429 && !($2 ~ /^[0-9]+$/ && $2 >= 1)' "$T/rate.txt" | head -3)
expect_eq "every 429 has Retry-After: an integer >= 1" "$bad_retry" ""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    req POST "$R" "$DISC" "${AUTH[@]}" "${JSONH[@]}" "${DISCH[@]}"
    [ "$CODE" = 429 ] && break
done
expect_rpc "a 429 body is a JSON-RPC error" 429 -32600 'Too Many Requests'
wait_s=$(hdr Retry-After)
sleep "$((wait_s > 3 ? 3 : wait_s))"
req POST "$R" "$DISC" "${AUTH[@]}" "${JSONH[@]}" "${DISCH[@]}"
expect_eq "after Retry-After, served again" "$CODE" 200
alive "rate limit" "$RATE_PID"

# ===========================================================================
section "1,000 create_session calls (--max-sessions 50)"
mkdir -p "$T/cs"
start=$EPOCHREALTIME
curl -s --no-progress-meter -Z --parallel-max 8 -o "$T/cs/#1.json" "${AUTH[@]}" "${JSONH[@]}" -H 'MCP-Protocol-Version: 2026-07-28' \
    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: create_session' \
    --data-binary "$(call_body 1 create_session '{"language":"python"}' "$META")" "$U?n=[1-1000]"
secs=$(python3 -c "print(f'{$EPOCHREALTIME - $start:.1f}')")
jq -r '[.result.isError, (.result.structuredContent.error | if type == "object" then .type else . end) // ""] | map(tostring) | join(" ")' \
    "$T"/cs/*.json >"$T/cs.txt" 2>&1
created=$(grep -c '^false $' "$T/cs.txt") refused=$(grep -c '^true session_limit_exceeded$' "$T/cs.txt")
other=$((1000 - created - refused))
[ "$other" -gt 0 ] && echo "     other answers: $(grep -v '^false $\|^true session_limit_exceeded$' "$T/cs.txt" | sort | uniq -c | head -5)"
echo "     1000 create_session in ${secs}s"
expect_eq "exactly 50 sessions created" "$created" 50
expect_eq "950 refused with session_limit_exceeded" "$refused" 950
expect_eq "no other answers" "$other" 0
post26 "$(call_body 1 get_active_sessions '{}' "$META")"
expect_eq "get_active_sessions lists 50" "$(jget '.result.structuredContent.sessions | length')" 50
victim=$(jq -r .result.structuredContent.session_id "$(grep -l '"isError":false' "$T"/cs/*.json | head -1)")
post26 "$(call_body 1 execute_code "{\"code\":\"x = 41\",\"session_id\":\"$victim\"}" "$META")"
post26 "$(call_body 1 execute_code "{\"code\":\"print(x + 1)\",\"session_id\":\"$victim\"}" "$META")"
expect_eq "a created session runs and keeps state" "$(jget .result.structuredContent.stdout)" 42
post26 "$(call_body 1 destroy_session "{\"session_id\":\"$victim\"}" "$META")"
expect_eq "destroy_session frees a place" "$(jget .result.isError)" false
post26 "$(call_body 1 create_session '{"language":"javascript"}' "$META")"
expect_eq "then create_session succeeds again" "$(jget .result.isError)" false
post26 "$(call_body 1 create_session '{"language":"javascript"}' "$META")"
expect_tool_error "and the next is refused again" session_limit_exceeded '^Maximum sessions \(50\) reached\. Destroy existing sessions first\.$'
expect_eq "the limit error has the original's fields" \
    "$(jgetc '.result.structuredContent | [.active_sessions, .max_sessions, (.hint | test("destroy_session"))]')" '[50,50,true]'
post26 "$(call_body 1 execute_code '{"code":"print(2**10)"}' "$META")"
expect_eq "execute_code still answers" "$CODE|$(jget .result.structuredContent.stdout)" '200|1024'
alive "create_session flood" "$MAIN_PID"

# ===========================================================================
section "1,000 initialize requests"
start=$EPOCHREALTIME
curl -s --no-progress-meter -Z --parallel-max 8 -o /dev/null -w '%{http_code} %header{mcp-session-id}\n' "${AUTH[@]}" "${JSONH[@]}" \
    --data-binary "$(init_body 2025-11-25)" "$U?n=[1-1000]" >"$T/init.txt"
secs=$(python3 -c "print(f'{$EPOCHREALTIME - $start:.1f}')")
echo "     1000 initialize in ${secs}s"
expect_eq "1000 initialize: all 200" "$(grep -c '^200 ' "$T/init.txt")" 1000
expect_eq "1000 distinct Mcp-Session-Ids" "$(awk '{print $2}' "$T/init.txt" | sort -u | grep -c .)" 1000
last=$(tail -1 "$T/init.txt" | awk '{print $2}')
post '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "Mcp-Session-Id: $last"
expect_eq "the newest session answers ping" "$CODE|$(jgetc .result)" "200|{}"
req GET "http://127.0.0.1:$MAIN_PORT/metrics" "" "${AUTH[@]}"
open=$(sed -n 's/^lsb_http_sessions //p' <<<"$J")
if [ -n "$open" ] && [ "$open" -le 1000 ]; then ok "open protocol sessions capped: $open <= 1000"
else bad "open protocol sessions capped" "lsb_http_sessions=$open"; fi
post "$(init_body 2025-11-25)"
expect_eq "a fresh initialize still works" "$CODE|$(jget .result.protocolVersion)" "200|2025-11-25"
post26 "$(call_body 1 execute_code '{"code":"print(3*3)"}' "$META")"
expect_eq "execute_code still answers" "$CODE|$(jget .result.structuredContent.stdout)" '200|9'
alive "initialize flood" "$MAIN_PID"

# ===========================================================================
section "connection cap (--max-connections 4, held by stalled clients)"
start_server conncap --max-connections 4 --workers 1 || exit 1
CAP_PID=$PID CAP_URL="http://127.0.0.1:$PORT/mcp"
# four clients that send half a request and stall (slowloris)
python3 - "$PORT" <<'PY' &
import socket, sys, time
held = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(4)]
for s in held: s.send(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
time.sleep(6)
PY
stall_pid=$!
sleep 1
DISC_BODY="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$META}}"
CODE=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "${AUTH[@]}" "${JSONH[@]}" "${V26[@]}" \
    -H 'Mcp-Method: server/discover' --data-binary "$DISC_BODY" "$CAP_URL")
echo "     while 4 stalled clients hold every connection, a new request got: http $CODE (000: no answer in 3 s)"
wait "$stall_pid"
req POST "$CAP_URL" "$DISC_BODY" "${AUTH[@]}" "${JSONH[@]}" "${V26[@]}" -H 'Mcp-Method: server/discover'
expect_eq "once the stalled clients leave, requests are served" "$CODE|$(jget .result.resultType)" "200|complete"
alive "connection cap" "$CAP_PID"

# ===========================================================================
section "stdio transport"
IN="$T/stdio.in"
{
    echo '{bad json'
    echo ''
    echo '   '
    printf '{"jsonrpc":"2.0","id":100,"method":"tools/call","params":{"name":"execute_code","arguments":{"code":"'
    head -c $((11 * 1024 * 1024)) /dev/zero | tr '\0' '#'
    printf '"}}}\n'
    init_body 2025-11-25; echo
    echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
    echo '{"jsonrpc":"2.0","id":2,"method":"ping"}'
    echo '5'
    echo '[]'
    printf '{"jsonrpc":"2.0","id":3,"method":"ping"}\r\n'
    # guest output of every kind must stay out of the protocol stream
    call_body 4 execute_code '{"code":"import os, sys\nprint(\"out\")\nprint(\"err\", file=sys.stderr)\nos.write(1, b\"raw1\\n\")\nos.write(2, b\"raw2\\n\")"}'; echo
    call_body 5 execute_code '{"code":"console.log(\"js\"); console.error(\"jserr\")","language":"javascript"}'; echo
    printf '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"execute_code","arguments":{"code":"'
    head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' '#'
    printf '"}}}\n'
    printf '{"jsonrpc":"2.0","id":7,"method":"ping"}' # the last line, without a newline
} >"$IN"
timeout 120 "$BIN" mcp --storage-dir "$T/stdio" <"$IN" >"$T/stdio.out" 2>"$T/stdio.err"
rc=$?
expect_eq "stdio server exits 0 at end of input" "$rc" 0
non_json=$(python3 -c '
import json, sys
bad = []
for i, line in enumerate(open(sys.argv[1], "rb").read().split(b"\n")[:-1]):
    try:
        if not isinstance(json.loads(line), (dict, list)): bad.append(i)
    except Exception: bad.append(i)
print(len(bad))' "$T/stdio.out")
expect_eq "stdout: every line is a JSON message" "$non_json" 0
expect_eq "stdout: ends with a newline" "$(tail -c1 "$T/stdio.out" | od -An -c | tr -d ' ')" '\n'
non_json_err=$(python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1], "rb").read().split(b"\n") if l.strip()]
bad = 0
for l in lines:
    try: json.loads(l)
    except Exception: bad += 1
print(f"{len(lines)} {bad}")' "$T/stdio.err")
if [ "${non_json_err#* }" = 0 ] && [ "${non_json_err% *}" -ge 1 ]; then ok "stderr: JSON log lines only (${non_json_err% *})"
else bad "stderr: JSON log lines only" "lines, non-JSON: $non_json_err; $(head -c 300 "$T/stdio.err")"; fi
J=$(cat "$T/stdio.out")
byid() { jq -c --argjson id "$1" "select(type == \"object\" and .id == \$id) | $2" <<<"$J" | head -1; }
expect_eq "stdio: 11 messages answered" "$(grep -c . "$T/stdio.out")" 11
expect_eq "stdio: invalid line -> -32700" "$(jq -c 'select(.error.code == -32700) | .id' <<<"$J" | head -1)" null
expect_match "stdio: 11 MiB line -> -32600 and dropped" "$(jq -r 'select(.error.code == -32600) | .error.message' <<<"$J")" 'longer than 10485760'
expect_eq "stdio: the 11 MiB request got no other answer" "$(byid 100 .)" ""
expect_eq "stdio: initialize after the long line" "$(byid 1 .result.protocolVersion)" '"2025-11-25"'
expect_eq "stdio: ping" "$(byid 2 .result)" '{}'
expect_eq "stdio: CRLF line" "$(byid 3 .result)" '{}'
expect_eq "stdio: line without a final newline" "$(byid 7 .result)" '{}'
expect_eq "stdio: '5' and '[]' -> -32600" "$(jq -c 'select(.error.code == -32600) | .error.message' <<<"$J" | grep -c 'JSON object\|empty batch')" 2
expect_eq "stdio: python guest output captured" "$(byid 4 .result.structuredContent.stdout)" '"out\nraw1\n"'
expect_eq "stdio: python guest stderr captured" "$(byid 4 .result.structuredContent.stderr)" '"err\nraw2\n"'
expect_eq "stdio: javascript guest output captured" "$(byid 5 '[.result.structuredContent.stdout, .result.structuredContent.stderr]')" '["js\n","jserr\n"]'
expect_eq "stdio: code over 1 MiB -> CodeTooLarge" "$(byid 6 .result.structuredContent.error.type)" '"CodeTooLarge"'
expect_no_match "stdio: no guest text outside results" "$(grep -v '^{' "$T/stdio.out")" 'out|raw|js'

section "idle sessions expire by themselves"
start_server expiry --session-ttl 1 --workers 1 || exit 1
U="http://127.0.0.1:$PORT/mcp"
EXPIRY_PID=$PID
post26 "$(call_body 1 create_session '{"language":"python","session_id":"short-lived"}' "$META")"
expect_eq "expiry: a session is created" "$(jgetc .result.structuredContent.session_id)" '"short-lived"'
sleep 3.5 # TTL 1 s; the expiry thread wakes every second
post26 "$(call_body 2 get_active_sessions '{}' "$META")"
expect_eq "expiry: the idle session is gone" "$(jgetc '.result.structuredContent.sessions | length')" 0
post26 "$(call_body 3 execute_code '{"code":"print(1)","session_id":"short-lived"}' "$META")"
expect_tool_error "expiry: its id is reported as expired" UnknownSession 'expired after being idle'
alive "expiry" "$EXPIRY_PID"

section "sessions belong to their client (no token)"
NO_TOKEN=1 start_server owners --workers 1 || exit 1
OWNERS_PID=$PID
U="http://127.0.0.1:$PORT/mcp"
post26 "$(call_body 1 create_session '{"language":"python","session_id":"stateless-owned"}' "$META")"
expect_eq "owners: a stateless client creates a session" "$(jgetc .result.structuredContent.session_id)" '"stateless-owned"'
post26 "$(call_body 2 execute_code '{"code":"x = \"même adresse ✓\"","session_id":"stateless-owned"}' "$META")"
post26 "$(call_body 3 execute_code '{"code":"print(x)","session_id":"stateless-owned"}' "$META")"
expect_eq "owners: stateless requests from one address are one client" "$(jget .result.structuredContent.stdout)" 'même adresse ✓'
initialize 2025-11-25
SO=(-H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25')
post "$(call_body 4 get_workspace_info '{"session_id":"stateless-owned"}')" "${SO[@]}"
expect_tool_error "owners: a protocol session does not see it" UnknownSession '^Session stateless-owned not found'
post "$(call_body 5 get_active_sessions '{}')" "${SO[@]}"
expect_eq "owners: nor list it" "$(jgetc '.result.structuredContent.sessions')" '[]'
post "$(call_body 6 destroy_session '{"session_id":"stateless-owned"}')" "${SO[@]}"
expect_tool_error "owners: nor destroy it" UnknownSession '^Session stateless-owned not found'
post "$(call_body 7 reset_all_sessions '{"cleanup_disk":true}')" "${SO[@]}"
expect_eq "owners: reset_all_sessions clears none of it" "$(jgetc '.result.structuredContent')" '{"cleared_count":0,"disk_cleanup":true,"disk_errors":null}'
post26 "$(call_body 8 execute_code '{"code":"print(x)","session_id":"stateless-owned"}' "$META")"
expect_eq "owners: its owner still runs in it" "$(jget .result.structuredContent.stdout)" 'même adresse ✓'
expect_match "owners: the owner is recorded in the session record as a hash, not an address or id" \
    "$(jq -r .owner "$T/owners/sessions/stateless-owned/session.json")" '^o-[0-9a-f]{32}$'
alive "owners" "$OWNERS_PID"

section "stdio end of input"
# A pipe that closes right after its request still gets the answer.
piped=$(echo '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"execute_code","arguments":{"code":"import time; time.sleep(0.5); print(2**10)"}}}' |
    timeout 60 "$BIN" mcp --storage-dir "$T/piped" --audit-log - 2>>"$T/piped.err")
expect_eq "stdio: a call asked before end of input is answered" \
    "$(jq -c '.result.structuredContent.stdout' <<<"$piped")" '"1024\n"'

section "final"
alive "end" "$MAIN_PID"
alive "end (rate server)" "$RATE_PID"

# Under ASan/UBSan (scripts/test.sh runs this file on build-asan too), any
# report lands in a server's stderr; stop the servers cleanly and look.
section "sanitizers"
for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
for p in "${SERVER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
expect_no_match "no sanitizer report in any server's stderr" \
    "$(grep -h -A3 'Sanitizer\|runtime error:' "$T"/*.err | head -20)" 'Sanitizer|runtime error'
finish mcp-malformed
