/*
 * protocol.h - MCP over JSON-RPC, independent of the transport (prefix
 * mcp_proto_): the two protocol eras and method dispatch. The tools it
 * offers come from the server's tool set (srv->tools), given at startup.
 */
#ifndef LSB_MCP_PROTOCOL_H
#define LSB_MCP_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcp/peer.h"
#include "mcp/request.h"
#include "mcp/server.h"

#define MCP_VERSION_MODERN   "2026-07-28" /* stateless: _meta on every request */
#define MCP_VERSION_LATEST   "2025-11-25" /* newest initialize-era version */
#define MCP_META_VERSION_KEY "io.modelcontextprotocol/protocolVersion"
#define MCP_META_CAPS_KEY    "io.modelcontextprotocol/clientCapabilities"
#define MCP_META_LEVEL_KEY   "io.modelcontextprotocol/logLevel"
#define MCP_META_SERVER_KEY  "io.modelcontextprotocol/serverInfo"

/* What the transport knows about an inbound message. */
typedef struct mcp_inbound {
    const char *client_key;     /* "stdio", "ip:1.2.3.4", "token:ab12..." */
    bool http;                  /* headers exist: a 2026-07-28 request must send them */
    const char *header_version; /* MCP-Protocol-Version header, or NULL */
} mcp_inbound;

/*
 * Handle one inbound text (a message or, where the era allows, a batch)
 * from peer. Everything it produces goes to out, the last call with a
 * final kind; that call may happen before this returns or later on a
 * worker. A text that is not JSON is answered with a parse error; out of
 * memory, with a JSON-RPC internal error.
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
    char id[96];    /* the request id as JSON text, or "" (also when too long) */
    bool has_meta_version;
} mcp_peek;

/* Fill out from a parsed body; never fails (unknown facts stay empty). */
void mcp_proto_peek(const json_t *value, mcp_peek *out);

/* Whether version is one this server speaks. */
bool mcp_proto_version_supported(const char *version);

#endif
