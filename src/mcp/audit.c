/*
 * audit.c - one JSON line per tool call, for operators: who called which
 * tool on which session, how big the request was, how it ended and what
 * it cost. The code is identified by its SHA-256 (nettle); the code and
 * output themselves are written only when --audit-content asks for them.
 */
#include "mcp/audit.h"

#include <nettle/base16.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/log.h"
#include "mcp/tools.h"
#include "util/json.h"

/* The hex SHA-256 of len bytes at data into hex (65 bytes). */
static void sha256_hex(const char *data, size_t len, char hex[65]) {
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, sizeof digest, digest);
    base16_encode_update(hex, sizeof digest, digest);
    hex[BASE16_ENCODE_LENGTH(sizeof digest)] = '\0';
}

/* Copy s into out (len bytes) keeping only characters that need no JSON
 * escape and say something (ASCII letters, digits, " ._:-/"); any other
 * byte becomes '?'. For the fallback line, which must never fail. */
static void plain_copy(const char *s, char *out, size_t len) {
    size_t n = 0;
    for (; s != NULL && s[0] != '\0' && n + 1 < len; s++) {
        unsigned char c = (unsigned char)*s;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    strchr(" ._:-/", c) != NULL;
        out[n++] = keep ? (char)c : '?';
    }
    out[n] = '\0';
}

/* What every plain line says of its call: the time and the call's client,
 * tool and session, each in plain ASCII (plain_copy). */
typedef struct plain_call {
    char ts[40], client[MCP_CLIENT_KEY_MAX], tool[64], sid[LSB_SESSION_ID_MAX + 1];
} plain_call;

/* Fill p from call, stamped now. */
static void plain_call_of(const mcp_call *call, plain_call *p) {
    mcp_log_timestamp(p->ts, sizeof p->ts);
    plain_copy(call->req->peer->key, p->client, sizeof p->client);
    plain_copy(call->tool->name, p->tool, sizeof p->tool);
    plain_copy(call->session_id, p->sid, sizeof p->sid);
}

/* The line of a call whose full line could not be built: what is known
 * for sure, in plain ASCII, and "audit_error" saying why. Never fails
 * (short of the log itself). */
static void audit_fallback(mcp_server *srv, const mcp_call *call, const char *outcome,
                           const char *why) {
    plain_call p;
    char name[64], out[32], line[1024];
    plain_call_of(call, &p);
    plain_copy(call->req->peer->client, name, sizeof name);
    plain_copy(outcome, out, sizeof out);
    snprintf(line, sizeof line,
             "{\"time\":\"%s\",\"event\":\"tool_call\",\"client\":\"%s\",\"client_name\":\"%s\","
             "\"tool\":\"%s\",\"session_id\":\"%s\",\"outcome\":\"%s\",\"fuel\":%llu,"
             "\"audit_error\":\"%s\"}",
             p.ts, p.client, name, p.tool, p.sid, out, (unsigned long long)call->fuel, why);
    mcp_log_line(srv->audit, line);
}

/* The full line of a call as JSON, or NULL when it cannot be built. */
static json_t *audit_line(const mcp_server *srv, const mcp_call *call, const json_t *result,
                          const char *outcome, bool is_error, double duration_ms) {
    char ts[40], hash[65] = "";
    mcp_log_timestamp(ts, sizeof ts);
    json_t *code = json_object_get(call->args, "code");
    char *args_text = util_json_dumps(call->args, JSON_COMPACT);
    size_t args_bytes = args_text ? strlen(args_text) : 0;
    free(args_text);
    if (json_is_string(code)) sha256_hex(json_string_value(code), json_string_length(code), hash);
    json_t *line = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:I, s:I, s:s?, s:s, s:b, s:I, s:f}",
                             "time", ts, "event", "tool_call", "client", call->req->peer->key,
                             "client_name", call->req->peer->client, "tool", call->tool->name,
                             "session_id", call->session_id[0] ? call->session_id : NULL,
                             "argument_bytes", (json_int_t)args_bytes, "code_bytes",
                             (json_int_t)(json_is_string(code) ? json_string_length(code) : 0),
                             "code_sha256", hash[0] ? hash : NULL, "outcome", outcome, "is_error",
                             is_error, "fuel", (json_int_t)call->fuel, "duration_ms", duration_ms);
    if (line != NULL && srv->opt.audit_content) {
        json_t *content = json_object_get(result, "content");
        if (code != NULL) json_object_set(line, "code", code);
        if (json_is_array(content))
            json_object_set(line, "result_text",
                            json_object_get(json_array_get(content, 0), "text"));
    }
    return line;
}

/* See audit.h. */
void mcp_audit_call(mcp_server *srv, const mcp_call *call, const json_t *result,
                    double duration_ms) {
    if (srv->audit == NULL) return;
    bool is_error = json_is_true(json_object_get(result, "isError"));
    const char *outcome = call->outcome[0] ? call->outcome : (is_error ? "error" : "success");
    json_t *line = audit_line(srv, call, result, outcome, is_error, duration_ms);
    bool built = line != NULL;
    char *text = built ? util_json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(line);
    if (text != NULL)
        mcp_log_line(srv->audit, text);
    else
        audit_fallback(srv, call, outcome,
                       built ? "the line could not be written as JSON"
                             : "the line could not be built (invalid text or out of memory)");
    free(text);
}

/* See audit.h. */
void mcp_audit_event(mcp_server *srv, const mcp_call *call, const char *event, const char *detail,
                     uint64_t total) {
    if (srv->audit == NULL) return;
    plain_call p;
    char text[256], line[1024];
    plain_call_of(call, &p);
    plain_copy(detail, text, sizeof text);
    snprintf(line, sizeof line,
             "{\"time\":\"%s\",\"event\":\"%s\",\"client\":\"%s\",\"tool\":\"%s\","
             "\"session_id\":\"%s\",\"detail\":\"%s\",\"total\":%llu}",
             p.ts, event, p.client, p.tool, p.sid, text, (unsigned long long)total);
    mcp_log_line(srv->audit, line);
}
