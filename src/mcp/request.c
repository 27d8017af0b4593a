/*
 * request.c - the answers to one inbound text. An exchange counts the
 * requests of the text still unanswered, plus one while the protocol
 * dispatches it; the answer that brings the count to zero sends the final
 * message (the one response, the batch array, or nothing) and frees it.
 *
 * Invariants: every request gets exactly one answer, even out of memory
 * (then a preformatted JSON-RPC internal error goes out); a notification
 * tied to a request is sent before that request's answer is counted, so
 * it always precedes the final message.
 */
#include "mcp/request.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/jsonrpc.h"

#define LOG_LEVEL_COUNT   8
#define LOG_LEVEL_DEFAULT 1 /* info */

/* Sent when an answer could not be built for lack of memory. */
static const char oom_reply[] =
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"out of memory\"}}";
static const char oom_batch_reply[] =
    "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"out of "
    "memory\"}}]";

static const char *const log_levels[LOG_LEVEL_COUNT] = {"debug", "info",     "notice", "warning",
                                                        "error", "critical", "alert",  "emergency"};

struct mcp_exchange {
    mcp_out out;
    pthread_mutex_t lock;
    int pending; /* unanswered requests, plus one while the handler runs */
    bool batch;
    bool lost;          /* an answer could not be built (out of memory) */
    json_t *responses;  /* array (batch) */
    json_t *single;     /* the one response (not a batch) */
    mcp_send_kind kind; /* what single is (a batch is always a result) */
};

/* Send the final message of x (every answer is in) and free x. */
static void exchange_finish(mcp_exchange *x) {
    json_t *final = x->batch ? (json_array_size(x->responses) ? x->responses : NULL) : x->single;
    size_t len = 0;
    char *text = final ? mcp_rpc_dump(final, &len) : NULL;
    mcp_send_kind kind = x->batch ? MCP_SEND_RESULT : x->kind;
    if (text != NULL) {
        x->out.send(x->out.ctx, text, len, kind);
    } else if (final != NULL || x->lost) {
        const char *oom = x->batch ? oom_batch_reply : oom_reply;
        x->out.send(x->out.ctx, oom, strlen(oom), x->batch ? MCP_SEND_RESULT : MCP_SEND_ERROR);
    } else {
        x->out.send(x->out.ctx, NULL, 0, kind);
    }
    free(text);
    json_decref(x->responses);
    json_decref(x->single);
    pthread_mutex_destroy(&x->lock);
    free(x);
}

/* Record one answer (or NULL) of the given kind; expected says a response
 * was due, so a NULL one was lost to lack of memory. The last answer
 * sends the final message and frees x. */
static void exchange_put(mcp_exchange *x, json_t *response, mcp_send_kind kind, bool expected) {
    pthread_mutex_lock(&x->lock);
    if (response != NULL && x->batch) {
        if (json_array_append_new(x->responses, response) != 0) x->lost = true;
    } else if (response != NULL) {
        x->single = response;
        x->kind = kind;
    } else if (expected) {
        x->lost = true;
    }
    bool last = --x->pending == 0;
    pthread_mutex_unlock(&x->lock);
    if (last) exchange_finish(x);
}

/* Count one more answer due on x. */
static void exchange_hold(mcp_exchange *x) {
    pthread_mutex_lock(&x->lock);
    x->pending++;
    pthread_mutex_unlock(&x->lock);
}

/* See request.h. */
mcp_exchange *mcp_request_open(const mcp_out *out) {
    mcp_exchange *x = calloc(1, sizeof *x);
    if (x == NULL) {
        out->send(out->ctx, oom_reply, strlen(oom_reply), MCP_SEND_ERROR);
        return NULL;
    }
    x->out = *out;
    x->pending = 1;
    x->kind = MCP_SEND_RESULT;
    pthread_mutex_init(&x->lock, NULL);
    return x;
}

/* See request.h. */
void mcp_request_batch(mcp_exchange *x) {
    x->batch = true;
    x->responses = json_array();
    if (x->responses == NULL) x->lost = true;
}

/* See request.h. */
void mcp_request_close(mcp_exchange *x) { exchange_put(x, NULL, MCP_SEND_RESULT, false); }

/* See request.h. */
void mcp_request_reply(mcp_exchange *x, json_t *response, mcp_send_kind kind) {
    exchange_hold(x);
    exchange_put(x, response, kind, true);
}

/* See request.h. */
mcp_request *mcp_request_new(mcp_server *srv, mcp_peer *peer, mcp_exchange *x, json_t *id) {
    exchange_hold(x);
    mcp_request *req = calloc(1, sizeof *req);
    if (req != NULL) req->id = json_deep_copy(id);
    if (req == NULL || req->id == NULL) {
        free(req);
        exchange_put(x, mcp_rpc_error(id, MCP_RPC_INTERNAL_ERROR, "out of memory", NULL),
                     MCP_SEND_ERROR, true);
        return NULL;
    }
    req->srv = srv;
    req->peer = peer;
    mcp_peer_ref(peer);
    req->x = x;
    return req;
}

/* Free a request context (its peer reference, id and token). */
static void request_free(mcp_request *req) {
    mcp_peer_unref(req->peer);
    json_decref(req->id);
    json_decref(req->progress_token);
    free(req);
}

/* See request.h. */
void mcp_request_drop(mcp_request *req) {
    mcp_exchange *x = req->x;
    request_free(req);
    exchange_put(x, NULL, MCP_SEND_RESULT, false);
}

/* See request.h. A NULL result (out of memory) is an answer lost: the
 * preformatted internal error goes out instead of nothing. */
void mcp_request_answer(mcp_request *req, json_t *result) {
    json_t *response = NULL;
    if (result != NULL) {
        if (req->modern && json_is_object(result))
            json_object_set_new(result, "resultType", json_string("complete"));
        response = mcp_rpc_result(req->id, result);
    }
    mcp_exchange *x = req->x;
    request_free(req);
    exchange_put(x, response, MCP_SEND_RESULT, true);
}

/* See request.h. */
void mcp_request_fail_as(mcp_request *req, mcp_send_kind kind, int code, const char *message,
                         json_t *data) {
    json_t *response = mcp_rpc_error(req->id, code, message, data);
    mcp_exchange *x = req->x;
    request_free(req);
    exchange_put(x, response, kind, true);
}

/* See request.h. */
void mcp_request_fail(mcp_request *req, int code, const char *message, json_t *data) {
    mcp_request_fail_as(req, MCP_SEND_ERROR, code, message, data);
}

/* See request.h. */
void mcp_request_notify(mcp_request *req, const char *method, json_t *params) {
    json_t *n = mcp_rpc_notification(method, params);
    size_t len = 0;
    char *text = n ? mcp_rpc_dump(n, &len) : NULL;
    if (text != NULL) req->x->out.send(req->x->out.ctx, text, len, MCP_SEND_NOTIFICATION);
    free(text);
    json_decref(n);
}

/* See request.h. */
int mcp_request_log_level(const char *name) {
    for (int i = 0; name != NULL && i < LOG_LEVEL_COUNT; i++)
        if (strcmp(name, log_levels[i]) == 0) return i;
    return -1;
}

/* See request.h. */
void mcp_request_log(mcp_request *req, const char *level, const char *text) {
    int have = mcp_request_log_level(level);
    if (have < 0) have = LOG_LEVEL_DEFAULT;
    if (req->log_level < 0 || have < req->log_level) return;
    mcp_request_notify(
        req, "notifications/message",
        json_pack("{s:s, s:s, s:s}", "level", level, "logger", MCP_SERVER_NAME, "data", text));
}
