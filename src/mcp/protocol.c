/*
 * protocol.c - MCP on top of JSON-RPC: the initialize era (2025-11-25 and
 * the versions before it that a client may negotiate) and the stateless
 * era (2026-07-28: server/discover, the protocol version in each
 * request's _meta), for any transport.
 *
 * Invariants: every request gets exactly one response (or none when the
 * client cancelled it), every notification none; a batch is answered as
 * one array once all its requests are done, and is refused where the
 * negotiated version has no batches. Tools are found in the server's tool
 * set, never called by name from here.
 */
#include "mcp/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/calls.h"
#include "mcp/jsonrpc.h"
#include "mcp/log.h"
#include "mcp/metrics.h"
#include "mcp/schema.h"
#include "mcp/tool_result.h"
#include "mcp/tools.h"

/* Newest first; the first is the stateless era. */
static const char *const supported_versions[] = {MCP_VERSION_MODERN, MCP_VERSION_LATEST,
                                                 "2025-06-18", "2025-03-26", "2024-11-05"};
#define VERSION_COUNT (sizeof supported_versions / sizeof supported_versions[0])

#define LIST_TTL_MS 3600000 /* the tool list never changes while we run */

#define SERVER_TITLE "LLM WASM Sandbox"
#define SERVER_INSTRUCTIONS                                                                        \
    "Runs untrusted Python 3.11 and JavaScript (QuickJS) in a WebAssembly sandbox with hard "      \
    "limits on fuel (instructions), memory, time and output. Use execute_code for one-off runs; "  \
    "create_session first to keep variables and files (/app) between runs. There is no network "   \
    "and no subprocess. Failed runs come back with isError and guidance on what to change."

/* See protocol.h. */
bool mcp_proto_version_supported(const char *version) {
    for (size_t i = 0; i < VERSION_COUNT; i++)
        if (strcmp(version, supported_versions[i]) == 0) return true;
    return false;
}

/* The supported versions as a JSON array, newest first. */
static json_t *versions_json(void) {
    json_t *list = json_array();
    for (size_t i = 0; i < VERSION_COUNT; i++)
        json_array_append_new(list, json_string(supported_versions[i]));
    return list;
}

/* Whether a negotiated version still has JSON-RPC batches (they were
 * removed in 2025-06-18). */
static bool version_has_batches(const char *version) {
    return strcmp(version, "2025-03-26") == 0 || strcmp(version, "2024-11-05") == 0;
}

/* Refuse a request whose envelope, era, _meta or headers are wrong. */
static void request_reject(mcp_request *req, int code, const char *message, json_t *data) {
    mcp_request_fail_as(req, MCP_SEND_BAD_REQUEST, code, message, data);
}

/* ---- methods ---------------------------------------------------------------- */

/* The capabilities object both eras advertise. */
static json_t *server_capabilities(void) {
    return json_pack("{s:{s:b}, s:{}}", "tools", "listChanged", 0, "logging");
}

/* Our name, title and version, for initialize and server/discover. */
static json_t *server_info(void) {
    return json_pack("{s:s, s:s, s:s}", "name", MCP_SERVER_NAME, "title", SERVER_TITLE, "version",
                     LSB_VERSION);
}

/* initialize: negotiate a version of the initialize era. */
static void m_initialize(mcp_request *req, json_t *params) {
    const char *asked = json_string_value(json_object_get(params, "protocolVersion"));
    json_t *caps = json_object_get(params, "capabilities");
    if (asked == NULL || (caps != NULL && !json_is_object(caps))) {
        mcp_request_fail(req, MCP_RPC_INVALID_PARAMS,
                         "initialize needs params.protocolVersion (a string) and "
                         "params.capabilities (an object)",
                         NULL);
        return;
    }
    const char *version = MCP_VERSION_LATEST; /* the stateless era has no initialize */
    if (mcp_proto_version_supported(asked) && strcmp(asked, MCP_VERSION_MODERN) != 0)
        version = asked;
    snprintf(req->peer->version, sizeof req->peer->version, "%s", version);
    json_t *name = json_object_get(json_object_get(params, "clientInfo"), "name");
    if (json_is_string(name)) /* jansson strings are valid UTF-8; the cut keeps them so */
        mcp_peer_set_client(req->peer, json_string_value(name), json_string_length(name));
    mcp_logf(MCP_LOG_INFO, "initialize", "client '%s' asked for %s, got %s",
             req->peer->client[0] ? req->peer->client : "?", asked, version);
    mcp_request_answer(req, json_pack("{s:s, s:o, s:o, s:s}", "protocolVersion", version,
                                      "capabilities", server_capabilities(), "serverInfo",
                                      server_info(), "instructions", SERVER_INSTRUCTIONS));
}

/* server/discover: versions, capabilities and identity, in any era. */
static void m_discover(mcp_request *req, json_t *params) {
    (void)params;
    mcp_request_answer(
        req, json_pack("{s:o, s:o, s:o, s:s, s:i, s:s, s:{s:o}}", "supportedVersions",
                       versions_json(), "capabilities", server_capabilities(), "serverInfo",
                       server_info(), "instructions", SERVER_INSTRUCTIONS, "ttlMs", LIST_TTL_MS,
                       "cacheScope", "public", "_meta", MCP_META_SERVER_KEY, server_info()));
}

/* ping: an empty result. */
static void m_ping(mcp_request *req, json_t *params) {
    (void)params;
    mcp_request_answer(req, json_object());
}

/* logging/setLevel: the least level of notifications/message we send. */
static void m_set_level(mcp_request *req, json_t *params) {
    int level = mcp_request_log_level(json_string_value(json_object_get(params, "level")));
    if (level >= 0) {
        atomic_store(&req->peer->log_level, level);
        mcp_request_answer(req, json_object());
        return;
    }
    mcp_request_fail(req, MCP_RPC_INVALID_PARAMS,
                     "logging/setLevel needs params.level: one of debug, info, notice, warning, "
                     "error, critical, alert, emergency",
                     NULL);
}

/* tools/list: every tool; no pagination (the list is short and fixed). */
static void m_tools_list(mcp_request *req, json_t *params) {
    json_t *cursor = json_object_get(params, "cursor");
    if (cursor != NULL && !json_is_string(cursor)) {
        mcp_request_fail(req, MCP_RPC_INVALID_PARAMS, "params.cursor must be a string", NULL);
        return;
    }
    json_t *result = json_pack("{s:o}", "tools", mcp_tools_list(req->srv->tools));
    if (req->modern && result != NULL) { /* 2026-07-28 list results say how long they hold */
        json_object_set_new(result, "ttlMs", json_integer(LIST_TTL_MS));
        json_object_set_new(result, "cacheScope", json_string("public"));
    }
    mcp_request_answer(req, result);
}

/* The session_id and timeout a call declares, for cancellation and
 * progress. */
static void call_targets(mcp_call *call, json_t *args) {
    const char *sid = json_string_value(json_object_get(args, "session_id"));
    if (sid != NULL) snprintf(call->session_id, sizeof call->session_id, "%s", sid);
    json_t *t = json_object_get(args, "timeout");
    if (call->tool->cls == MCP_TOOL_EXEC)
        call->timeout_ms = json_is_number(t) ? (uint32_t)(json_number_value(t) * 1000.0)
                                             : call->req->srv->opt.default_timeout_s * 1000U;
}

/* Queue or run a call of tool with args (a reference, stolen); answers
 * req when the call cannot be made. */
static void start_call(mcp_request *req, const mcp_tool *tool, json_t *args) {
    mcp_call *call = calloc(1, sizeof *call);
    if (call == NULL || (call->cancel = lsb_cancel_new()) == NULL) {
        free(call);
        json_decref(args);
        mcp_request_fail(req, MCP_RPC_INTERNAL_ERROR, "out of memory or descriptors", NULL);
        return;
    }
    call->req = req;
    call->tool = tool;
    call->args = args;
    call_targets(call, call->args);
    if (tool->cls == MCP_TOOL_INLINE) {
        mcp_calls_run_inline(req->srv->calls, call);
        return;
    }
    if (mcp_calls_submit(req->srv->calls, call) != 0) {
        call->req = NULL;
        mcp_call_free(call);
        mcp_metrics_reject(MCP_REJECT_BUSY);
        mcp_request_answer(req, mcp_result_error("ServerBusy",
                                                 "The server's work queue is full; retry in a few "
                                                 "seconds."));
    }
}

/* tools/call: check the arguments, then run inline or queue on a pool. */
static void m_tools_call(mcp_request *req, json_t *params) {
    const char *name = json_string_value(json_object_get(params, "name"));
    json_t *args = json_object_get(params, "arguments");
    if (name == NULL || (args != NULL && !json_is_object(args))) {
        mcp_request_fail(req, MCP_RPC_INVALID_PARAMS,
                         "tools/call needs params.name (a string) and params.arguments (an object)",
                         NULL);
        return;
    }
    const mcp_tool *tool = mcp_tools_find(req->srv->tools, name);
    if (tool == NULL) {
        char msg[256];
        snprintf(msg, sizeof msg, "Unknown tool: '%.100s' (tools/list shows the tools)", name);
        mcp_request_fail(req, MCP_RPC_INVALID_PARAMS, msg, NULL);
        return;
    }
    mcp_metrics_tool(tool->name);
    args = args ? json_incref(args) : json_object();
    char why[512];
    const char *bad = mcp_schema_check(tool->schema, tool->name, args, why, sizeof why);
    if (bad != NULL) {
        json_decref(args);
        mcp_metrics_reject(MCP_REJECT_LIMIT);
        mcp_request_answer(req, mcp_result_error("InvalidArguments", bad));
        return;
    }
    start_call(req, tool, args);
}

typedef struct method_entry {
    const char *name;
    void (*fn)(mcp_request *req, json_t *params);
} method_entry;

static const method_entry method_table[] = {
    {"initialize", m_initialize},
    {"server/discover", m_discover},
    {"ping", m_ping},
    {"logging/setLevel", m_set_level},
    {"tools/list", m_tools_list},
    {"tools/call", m_tools_call},
};

/* ---- dispatch ------------------------------------------------------------ */

/* Answer req with the 2026-07-28 "unsupported version" error. */
static void fail_version(mcp_request *req, json_t *requested) {
    request_reject(req, MCP_RPC_UNSUPPORTED_VERSION, "Unsupported protocol version",
                   json_pack("{s:o, s:O}", "supported", versions_json(), "requested", requested));
}

/* The stateless era's checks of a request carrying a _meta version:
 * version known, header equal, capabilities present. 0, or -1 after
 * answering with the error. */
static int check_modern(mcp_request *req, json_t *meta, json_t *v, const mcp_inbound *in) {
    const char *version = json_string_value(v);
    /* The header is checked first: a disagreement is a -32020 whatever the
     * versions are; only when they agree does an unknown version give -32022. */
    bool missing = in->http && in->header_version == NULL && version != NULL &&
                   strcmp(version, MCP_VERSION_MODERN) == 0;
    if (missing || (in->header_version != NULL &&
                    (version == NULL || strcmp(in->header_version, version) != 0))) {
        request_reject(
            req, MCP_RPC_HEADER_MISMATCH,
            "The MCP-Protocol-Version header must equal the protocol version in "
            "params._meta",
            json_pack("{s:{s:s?, s:O}}", "mismatch", "header", in->header_version, "body", v));
        return -1;
    }
    if (version == NULL || !mcp_proto_version_supported(version)) {
        fail_version(req, v);
        return -1;
    }
    if (strcmp(version, MCP_VERSION_MODERN) != 0) return 0; /* an older version, named in _meta */
    if (!json_is_object(json_object_get(meta, MCP_META_CAPS_KEY))) {
        request_reject(req, MCP_RPC_INVALID_PARAMS,
                       "params._meta needs \"" MCP_META_CAPS_KEY "\" (an object)", NULL);
        return -1;
    }
    req->modern = true;
    /* without a (known) logLevel in _meta: no log notifications (-1) */
    req->log_level =
        mcp_request_log_level(json_string_value(json_object_get(meta, MCP_META_LEVEL_KEY)));
    return 0;
}

/*
 * Decide the request's era from params._meta and the MCP-Protocol-Version
 * header, and check what that era requires. Sets req->modern,
 * req->log_level and req->progress_token. Returns 0, or -1 after
 * answering with the error.
 */
static int check_era(mcp_request *req, const char *method, json_t *params, const mcp_inbound *in) {
    json_t *meta = json_object_get(params, "_meta");
    if (meta != NULL && !json_is_object(meta)) {
        request_reject(req, MCP_RPC_INVALID_PARAMS, "params._meta must be an object", NULL);
        return -1;
    }
    json_t *token = json_object_get(meta, "progressToken");
    if (json_is_string(token) || json_is_integer(token)) req->progress_token = json_incref(token);
    req->log_level = atomic_load(&req->peer->log_level);
    json_t *v = json_object_get(meta, MCP_META_VERSION_KEY);
    if (v != NULL) return check_modern(req, meta, v, in);
    bool header_modern = in->header_version && strcmp(in->header_version, MCP_VERSION_MODERN) == 0;
    if (header_modern || strcmp(method, "server/discover") == 0) {
        request_reject(
            req, MCP_RPC_INVALID_PARAMS,
            "Protocol 2026-07-28 requests carry params._meta with \"" MCP_META_VERSION_KEY
            "\" and \"" MCP_META_CAPS_KEY "\"",
            NULL);
        return -1;
    }
    if (in->header_version != NULL && !mcp_proto_version_supported(in->header_version)) {
        json_t *requested = json_string(in->header_version);
        fail_version(req, requested);
        json_decref(requested);
        return -1;
    }
    return 0;
}

/* Methods the stateless era removed. */
static bool removed_in_modern(const char *method) {
    static const char *const removed[] = {"initialize", "ping", "logging/setLevel",
                                          "resources/subscribe", "resources/unsubscribe"};
    for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++)
        if (strcmp(method, removed[i]) == 0) return true;
    return false;
}

/* Answer one request. */
static void handle_request(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, mcp_exchange *x,
                           const mcp_rpc_msg *m) {
    mcp_request *req = mcp_request_new(srv, peer, x, m->id);
    if (req == NULL) return; /* answered: out of memory */
    json_t *params = m->params;
    if (check_era(req, m->method, params, in) != 0) return;
    mcp_peer_touch(peer);
    for (size_t i = 0; i < sizeof method_table / sizeof method_table[0]; i++) {
        if (req->modern && removed_in_modern(m->method)) break;
        if (strcmp(m->method, method_table[i].name) == 0) {
            method_table[i].fn(req, params);
            return;
        }
    }
    char msg[200];
    snprintf(msg, sizeof msg, "Method not found: '%.80s'%s", m->method,
             req->modern && removed_in_modern(m->method) ? " (removed in protocol 2026-07-28)"
                                                         : "");
    mcp_request_fail_as(req, req->modern ? MCP_SEND_NO_METHOD : MCP_SEND_ERROR,
                        MCP_RPC_METHOD_NOT_FOUND, msg, NULL);
}

/* Act on one notification (never answered). */
static void handle_notification(mcp_server *srv, mcp_peer *peer, const mcp_rpc_msg *m) {
    if (strcmp(m->method, "notifications/initialized") == 0) {
        atomic_store(&peer->initialized, true);
    } else if (strcmp(m->method, "notifications/cancelled") == 0) {
        json_t *id = json_object_get(m->params, "requestId");
        if (id != NULL && srv->calls != NULL && mcp_calls_cancel_request(srv->calls, peer, id))
            mcp_logf(MCP_LOG_INFO, "cancelled", "client %s cancelled a request", peer->key);
    }
    /* Other notifications (progress, roots/list_changed, ...) need nothing. */
}

/* Handle one message of a body (the body itself, or a batch element). */
static void handle_one(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, mcp_exchange *x,
                       json_t *value) {
    mcp_rpc_msg m;
    mcp_rpc_classify(value, &m);
    switch (m.kind) {
    case MCP_RPC_REQUEST: handle_request(srv, peer, in, x, &m); break;
    case MCP_RPC_NOTIFICATION: handle_notification(srv, peer, &m); break;
    case MCP_RPC_RESPONSE: break; /* we send no requests, so nothing awaits it */
    case MCP_RPC_INVALID:
        mcp_metrics_reject(MCP_REJECT_PROTOCOL);
        mcp_request_reply(x, mcp_rpc_error(m.id, MCP_RPC_INVALID_REQUEST, m.why, NULL),
                          MCP_SEND_BAD_REQUEST);
        break;
    }
}

/* Handle a JSON array: a batch where the peer's version allows one. */
static void handle_batch(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, mcp_exchange *x,
                         json_t *array) {
    const char *refusal = NULL;
    if (json_array_size(array) == 0)
        refusal = "Invalid Request: an empty batch";
    else if (!version_has_batches(peer->version))
        refusal = "Invalid Request: JSON-RPC batches are not part of this protocol version "
                  "(only 2025-03-26 and earlier have them); send one message per request";
    if (refusal != NULL) {
        mcp_metrics_reject(MCP_REJECT_PROTOCOL);
        mcp_request_reply(x, mcp_rpc_error(NULL, MCP_RPC_INVALID_REQUEST, refusal, NULL),
                          MCP_SEND_BAD_REQUEST);
        return;
    }
    mcp_request_batch(x);
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v) handle_one(srv, peer, in, x, v);
}

/* Dispatch a parsed body on x, then drop the caller's hold on x. */
static void dispatch(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, mcp_exchange *x,
                     json_t *value) {
    if (json_is_array(value))
        handle_batch(srv, peer, in, x, value);
    else
        handle_one(srv, peer, in, x, value);
    mcp_request_close(x);
}

/* See protocol.h. */
void mcp_proto_handle_value(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, json_t *value,
                            const mcp_out *out) {
    mcp_exchange *x = mcp_request_open(out);
    if (x != NULL) dispatch(srv, peer, in, x, value);
}

/* See protocol.h. */
void mcp_proto_handle(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, const char *text,
                      size_t len, const mcp_out *out) {
    mcp_exchange *x = mcp_request_open(out);
    if (x == NULL) return;
    json_t *value = NULL;
    char err[256];
    if (mcp_rpc_parse(text, len, &value, err, sizeof err) != 0) {
        mcp_metrics_reject(MCP_REJECT_PROTOCOL);
        mcp_request_reply(x, mcp_rpc_error(NULL, MCP_RPC_PARSE_ERROR, err, NULL),
                          MCP_SEND_BAD_REQUEST);
        mcp_request_close(x);
        return;
    }
    dispatch(srv, peer, in, x, value);
    json_decref(value);
}

/* See protocol.h. */
void mcp_proto_peek(const json_t *v, mcp_peek *out) {
    memset(out, 0, sizeof *out);
    out->batch = json_is_array(v);
    if (!json_is_object(v)) return;
    out->object = true;
    const char *method = json_string_value(json_object_get(v, "method"));
    json_t *params = json_object_get(v, "params"), *id = json_object_get(v, "id");
    const char *name = json_string_value(json_object_get(params, "name"));
    out->response = method == NULL;
    snprintf(out->method, sizeof out->method, "%s", method ? method : "");
    snprintf(out->name, sizeof out->name, "%s", name ? name : "");
    out->has_meta_version =
        json_is_string(json_object_get(json_object_get(params, "_meta"), MCP_META_VERSION_KEY));
    char *id_text = json_is_string(id) || json_is_number(id) ? mcp_rpc_dump(id, NULL) : NULL;
    if (id_text != NULL && strlen(id_text) < sizeof out->id)
        memcpy(out->id, id_text, strlen(id_text) + 1);
    free(id_text);
}
