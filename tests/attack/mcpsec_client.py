#!/usr/bin/env python3
"""tests/attack/mcpsec_client.py - a small MCP Streamable HTTP client for
tests/attack/mcpsec.sh: keep-alive connections, so a flood of 1,001
initialize requests takes seconds, not minutes.

  session PORT [TOKEN] [NAME]       initialize, notifications/initialized and
                                    tools/list; prints the Mcp-Session-Id
  call PORT SID TOOL ARGS [TOKEN]   one tools/call; prints "STATUS JSON"
  ping PORT SID [TOKEN]             prints "STATUS JSON"
  flood PORT N [TOKEN] [used]       N initializes (with "used": each followed
                                    by a ping, so the session counts as used);
                                    prints "STATUS COUNT" per status and the
                                    last refusal's message

A TOKEN of "-" means none.
"""
import http.client
import json
import sys
from collections import Counter


def headers(token, sid=None):
    h = {"Content-Type": "application/json",
         "Accept": "application/json, text/event-stream", "Host": "127.0.0.1"}
    if token and token != "-":
        h["Authorization"] = "Bearer " + token
    if sid:
        h["Mcp-Session-Id"] = sid
    return h


def post(conn, body, token, sid=None):
    """POST body; returns (status, session id header, JSON or None)."""
    conn.request("POST", "/mcp", json.dumps(body).encode(), headers(token, sid))
    r = conn.getresponse()
    data = r.read().decode("utf-8", "replace")
    if r.getheader("Content-Type", "").startswith("text/event-stream"):
        events = [l[6:] for l in data.splitlines() if l.startswith("data: ")]
        data = events[-1] if events else ""
    try:
        value = json.loads(data) if data else None
    except ValueError:
        value = None
    return r.status, r.getheader("Mcp-Session-Id"), value


def init_body(name="mcpsec"):
    return {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": name, "version": "1"}}}


def session(port, token, name="mcpsec"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, sid, _ = post(conn, init_body(name), token)
    if status != 200 or not sid:
        return None
    post(conn, {"jsonrpc": "2.0", "method": "notifications/initialized"}, token, sid)
    post(conn, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, token, sid)
    return sid


def flood(port, n, token, used):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    counts, last = Counter(), ""
    for _ in range(n):
        status, sid, value = post(conn, init_body("flood"), token)
        counts[status] += 1
        if status != 200:
            last = ((value or {}).get("error") or {}).get("message", "")
        elif used:
            post(conn, {"jsonrpc": "2.0", "id": 3, "method": "ping"}, token, sid)
    for status, count in sorted(counts.items()):
        print(status, count)
    print("last-refusal", last)


def main(argv):
    cmd, port = argv[1], int(argv[2])
    if cmd == "session":
        token = argv[3] if len(argv) > 3 else None
        print(session(port, token, argv[4] if len(argv) > 4 else "mcpsec") or "")
    elif cmd in ("call", "ping"):
        sid = argv[3]
        token = argv[6] if cmd == "call" and len(argv) > 6 else (
            argv[4] if cmd == "ping" and len(argv) > 4 else None)
        body = {"jsonrpc": "2.0", "id": 7, "method": "ping"} if cmd == "ping" else {
            "jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": argv[4], "arguments": json.loads(argv[5])}}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        status, _, value = post(conn, body, token, sid)
        print(status, json.dumps(value))
    elif cmd == "flood":
        flood(port, int(argv[3]), argv[4] if len(argv) > 4 else None,
              len(argv) > 5 and argv[5] == "used")


if __name__ == "__main__":
    main(sys.argv)
