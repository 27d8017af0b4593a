/*
 * jsonrpc.c - JSON-RPC 2.0 framing for the MCP server: parse a message,
 * sort it into request, notification, response or invalid, and build the
 * response objects.
 *
 * Invariants: every inbound text goes through mcp_rpc_parse (duplicate
 * keys refused, NUL bytes kept so the tool can explain them, depth capped
 * by jansson) and mcp_rpc_classify, which checks the envelope exactly as
 * JSON-RPC 2.0 and MCP define it: "jsonrpc" is "2.0", a method is a
 * string, an id is a string or a number (never null; a fraction is kept
 * as given, but only one that the dump's RPC_REAL_DIGITS write back
 * exactly, so every answer echoes its id), params is an object when present.
 */
#include "mcp/jsonrpc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define RPC_REAL_DIGITS 12 /* significant digits of a real in what we send */

/* See jsonrpc.h. */
int mcp_rpc_parse(const char *text, size_t len, json_t **out, char *err, size_t errlen) {
    json_error_t e;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &e);
    if (*out != NULL) return 0;
    snprintf(err, errlen, "Parse error: %s (line %d, column %d)", e.text, e.line, e.column);
    return -1;
}

/* Whether v may be a request id: a string, an integer, or a real number
 * that mcp_rpc_dump writes back exactly (an answer must echo its id; a
 * real of more digits would come back rounded, so it is refused). */
static int valid_id(const json_t *v) {
    if (json_is_string(v) || json_is_integer(v)) return 1;
    if (!json_is_real(v)) return 0;
    char text[64];
    snprintf(text, sizeof text, "%.*g", RPC_REAL_DIGITS, json_real_value(v));
    return strtod(text, NULL) == json_real_value(v);
}

/* See jsonrpc.h. */
void mcp_rpc_classify(json_t *value, mcp_rpc_msg *out) {
    memset(out, 0, sizeof *out);
    out->kind = MCP_RPC_INVALID;
    if (!json_is_object(value)) {
        snprintf(out->why, sizeof out->why, "Invalid Request: a message must be a JSON object");
        return;
    }
    json_t *id = json_object_get(value, "id");
    if (valid_id(id)) out->id = id;
    const char *version = json_string_value(json_object_get(value, "jsonrpc"));
    if (version == NULL || strcmp(version, "2.0") != 0) {
        snprintf(out->why, sizeof out->why, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
        return;
    }
    json_t *method = json_object_get(value, "method");
    if (method == NULL) {
        if (out->id != NULL &&
            (json_object_get(value, "result") != NULL || json_object_get(value, "error") != NULL))
            out->kind = MCP_RPC_RESPONSE;
        else
            snprintf(out->why, sizeof out->why, "Invalid Request: \"method\" is missing");
        return;
    }
    if (!json_is_string(method)) {
        snprintf(out->why, sizeof out->why, "Invalid Request: \"method\" must be a string");
        return;
    }
    if (id != NULL && out->id == NULL) {
        snprintf(out->why, sizeof out->why,
                 "Invalid Request: \"id\" must be a string or a number of at most 12 "
                 "significant digits (MCP forbids null)");
        return;
    }
    json_t *params = json_object_get(value, "params");
    if (params != NULL && !json_is_object(params)) {
        snprintf(out->why, sizeof out->why, "Invalid Request: \"params\" must be an object");
        return;
    }
    out->method = json_string_value(method);
    out->params = params;
    out->kind = out->id != NULL ? MCP_RPC_REQUEST : MCP_RPC_NOTIFICATION;
}

/* The envelope {"jsonrpc":"2.0","id":id}, id copied (JSON null for NULL). */
static json_t *envelope(json_t *id) {
    json_t *m = json_object();
    if (m == NULL || json_object_set_new(m, "jsonrpc", json_string("2.0")) != 0 ||
        json_object_set_new(m, "id", id != NULL ? json_deep_copy(id) : json_null()) != 0)
        return json_decref(m), NULL; /* out of memory: never a message without a field */
    return m;
}

/* See jsonrpc.h. */
json_t *mcp_rpc_result(json_t *id, json_t *result) {
    json_t *m = envelope(id);
    if (m == NULL || result == NULL) {
        json_decref(m);
        json_decref(result);
        return NULL;
    }
    if (json_object_set_new(m, "result", result) != 0) return json_decref(m), NULL;
    return m;
}

/* See jsonrpc.h. */
json_t *mcp_rpc_error(json_t *id, int code, const char *message, json_t *data) {
    json_t *m = envelope(id), *e = json_object();
    if (m == NULL || e == NULL) {
        json_decref(m);
        json_decref(e);
        json_decref(data);
        return NULL;
    }
    bool ok = json_object_set_new(e, "code", json_integer(code)) == 0 &&
              json_object_set_new(e, "message", json_string(message)) == 0;
    if (data != NULL && json_object_set_new(e, "data", data) != 0) ok = false;
    if (json_object_set_new(m, "error", e) != 0 || !ok) return json_decref(m), NULL;
    return m;
}

/* See jsonrpc.h. */
json_t *mcp_rpc_notification(const char *method, json_t *params) {
    json_t *m = json_object();
    if (m == NULL) {
        json_decref(params);
        return NULL;
    }
    bool ok = json_object_set_new(m, "jsonrpc", json_string("2.0")) == 0 &&
              json_object_set_new(m, "method", json_string(method)) == 0;
    if (params != NULL && json_object_set_new(m, "params", params) != 0) ok = false;
    return ok ? m : (json_decref(m), NULL);
}

/* See jsonrpc.h. */
char *mcp_rpc_dump(const json_t *value, size_t *len) {
    char *text = util_json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY |
                                            JSON_REAL_PRECISION(RPC_REAL_DIGITS));
    if (text != NULL && len != NULL) *len = strlen(text);
    return text;
}
