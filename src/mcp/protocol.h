/*
 * protocol.h - MCP over JSON-RPC, independent of the transport (prefix
 * mcp_proto_): peers, the two protocol eras, method dispatch and the
 * request contexts tools answer through.
 */
#ifndef LSB_MCP_PROTOCOL_H
#define LSB_MCP_PROTOCOL_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcp/server.h"

#define MCP_VERSION_MODERN   "2026-07-28" /* stateless: _meta on every request */
#define MCP_VERSION_LATEST   "2025-11-25" /* newest initialize-era version */
#define MCP_META_VERSION_KEY "io.modelcontextprotocol/protocolVersion"
#define MCP_META_CAPS_KEY    "io.modelcontextprotocol/clientCapabilities"
#define MCP_META_LEVEL_KEY   "io.modelcontextprotocol/logLevel"
#define MCP_META_SERVER_KEY  "io.modelcontextprotocol/serverInfo"
#define MCP_PEER_ID_LEN      36
#define MCP_CLIENT_KEY_MAX   80

/* The protocol state of one client: the stdio connection, or one
 * Mcp-Session-Id of the HTTP transport. Reference counted. */
typedef struct mcp_peer {
    char id[MCP_PEER_ID_LEN + 1]; /* Mcp-Session-Id; "" on stdio */
    char version[16];             /* negotiated by initialize; "" before */
    char client[64];              /* clientInfo.name */
    char key[MCP_CLIENT_KEY_MAX]; /* who, for audit and rate limits */
    atomic_bool initialized;      /* notifications/initialized arrived */
    atomic_int log_level;         /* least level of notifications/message; -1 none */
    atomic_int refs;
    _Atomic double last_used; /* wall seconds */
} mcp_peer;

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

/* What the transport knows about an inbound message. */
typedef struct mcp_inbound {
    const char *client_key;     /* "stdio", "ip:1.2.3.4", "token:ab12..." */
    bool http;                  /* headers exist: a 2026-07-28 request must send them */
    const char *header_version; /* MCP-Protocol-Version header, or NULL */
} mcp_inbound;

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

/* A new peer with a random id, one reference held by the caller. */
mcp_peer *mcp_peer_new(const char *client_key);
void mcp_peer_ref(mcp_peer *p);
void mcp_peer_unref(mcp_peer *p);

/*
 * Handle one inbound text (a message or, where the era allows, a batch)
 * from peer. Everything it produces goes to out, the last call with a
 * final kind; that call may happen before this returns or later on a
 * worker. A text that is not JSON is answered with a parse error.
 */
void mcp_proto_handle(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, const char *text,
                      size_t len, const mcp_out *out);

/* The same for a body the transport has parsed already (borrowed). */
void mcp_proto_handle_value(mcp_server *srv, mcp_peer *peer, const mcp_inbound *in, json_t *value,
                            const mcp_out *out);

/* Facts the HTTP transport needs before it picks a peer: the method,
 * params.name, whether _meta names a protocol version, and the id. */
typedef struct mcp_peek {
    bool batch, object, response;
    char method[64];
    char name[160]; /* params.name (tools/call), or "" */
    char id[96];    /* the request id as JSON text, or "" */
    bool has_meta_version;
} mcp_peek;
void mcp_proto_peek(const json_t *value, mcp_peek *out);

/* Whether version is one this server speaks. */
bool mcp_proto_version_supported(const char *version);

/* Answer req with a result (stolen; resultType added for modern
 * requests) or, when result is NULL, with no response. Frees req. */
void mcp_request_answer(mcp_request *req, json_t *result);

/* Answer req with a JSON-RPC error (data stolen). Frees req. */
void mcp_request_fail(mcp_request *req, int code, const char *message, json_t *data);

/* Send a notification tied to req (progress, log): not the final
 * message. params is stolen. */
void mcp_request_notify(mcp_request *req, const char *method, json_t *params);

/* Send notifications/message to req's peer if level passes its
 * logging/setLevel threshold. */
void mcp_request_log(mcp_request *req, const char *level, const char *text);

#endif
