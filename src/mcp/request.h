/*
 * request.h - answering MCP messages (prefix mcp_request_): the exchange
 * that gathers the answers to one inbound text (a message or a batch) and
 * sends them to its transport, and the request contexts tools answer
 * through (results, errors, progress and log notifications).
 */
#ifndef LSB_MCP_REQUEST_H
#define LSB_MCP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcp/peer.h"
#include "mcp/server.h"

#define MCP_SERVER_NAME "llm-wasm-sandbox" /* serverInfo.name, and the logger of log notes */

/* What one message sent to a transport is. The final message (always the
 * last, exactly once) says how the inbound text went, so a transport with
 * a status line can choose it without reading the JSON again. */
typedef enum mcp_send_kind {
    MCP_SEND_NOTIFICATION, /* tied to a request (progress, log); not final */
    MCP_SEND_RESULT,       /* final: a result, a batch, or nothing to send */
    MCP_SEND_ERROR,        /* final: a JSON-RPC error about the call (in-band) */
    MCP_SEND_BAD_REQUEST,  /* final: the message itself is malformed (envelope,
                              JSON, era, _meta or version headers) */
    MCP_SEND_NO_METHOD     /* final: a 2026-07-28 request for an unknown method */
} mcp_send_kind;

/* Where messages for one inbound text go. send is called from any
 * thread: zero or more times with MCP_SEND_NOTIFICATION, then exactly once
 * with a final kind and the response (json NULL when there is none: only
 * notifications, or the request was cancelled). ctx must live until that
 * final call. */
typedef struct mcp_out {
    void (*send)(void *ctx, const char *json, size_t len, mcp_send_kind kind);
    void *ctx;
} mcp_out;

typedef struct mcp_exchange mcp_exchange;

/* One request being answered; tools receive it. */
typedef struct mcp_request {
    mcp_server *srv;
    mcp_peer *peer; /* referenced; never NULL (stateless requests get a transient one) */
    mcp_exchange *x;
    json_t *id;             /* a copy */
    json_t *progress_token; /* params._meta.progressToken (copy), or NULL */
    bool modern;            /* 2026-07-28 request: results carry resultType */
    int log_level;          /* least level of notifications/message; -1: send none */
} mcp_request;

/* An exchange for one inbound text, held by its caller until it has
 * dispatched everything (mcp_request_close). On out of memory it sends a
 * final JSON-RPC "out of memory" error at once and returns NULL. */
mcp_exchange *mcp_request_open(const mcp_out *out);

/* Make x a batch: its final message is the array of the answers (or
 * nothing when none). Call before any answer. */
void mcp_request_batch(mcp_exchange *x);

/* Drop the caller's hold on x; the last answer sends the final message. */
void mcp_request_close(mcp_exchange *x);

/* Answer at once a message that is not a request (a malformed one):
 * response (stolen; NULL sends nothing for it) of the given kind. */
void mcp_request_reply(mcp_exchange *x, json_t *response, mcp_send_kind kind);

/* A request context on x for the request id (copied) from peer
 * (referenced). On out of memory it answers the request with a JSON-RPC
 * internal error itself and returns NULL. */
mcp_request *mcp_request_new(mcp_server *srv, mcp_peer *peer, mcp_exchange *x, json_t *id);

/* Answer req with a result (stolen; resultType added for modern
 * requests); a NULL result (out of memory) sends an internal error.
 * Frees req. */
void mcp_request_answer(mcp_request *req, json_t *result);

/* End req with no response (the client cancelled it). Frees req. */
void mcp_request_drop(mcp_request *req);

/* Answer req with a JSON-RPC error (data stolen). Frees req. */
void mcp_request_fail(mcp_request *req, int code, const char *message, json_t *data);

/* The same with the kind the transport sees (MCP_SEND_BAD_REQUEST for a
 * malformed request, MCP_SEND_NO_METHOD for an unknown stateless one). */
void mcp_request_fail_as(mcp_request *req, mcp_send_kind kind, int code, const char *message,
                         json_t *data);

/* Send a notification tied to req (progress, log): not the final
 * message. params is stolen; nothing is sent when it cannot be built. */
void mcp_request_notify(mcp_request *req, const char *method, json_t *params);

/* Send notifications/message to req's peer if level passes its
 * logging/setLevel threshold. */
void mcp_request_log(mcp_request *req, const char *level, const char *text);

/* The index of an MCP log level name ("debug" 0 ... "emergency" 7), or -1
 * for NULL or an unknown name. */
int mcp_request_log_level(const char *name);

#endif
