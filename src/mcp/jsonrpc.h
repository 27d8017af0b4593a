/*
 * jsonrpc.h - JSON-RPC 2.0 messages for the MCP server (prefix mcp_rpc_):
 * parsing one inbound text, classifying it, and building responses.
 */
#ifndef LSB_MCP_JSONRPC_H
#define LSB_MCP_JSONRPC_H

#include <jansson.h>
#include <stddef.h>

/* JSON-RPC 2.0 and MCP error codes. */
#define MCP_RPC_PARSE_ERROR         (-32700)
#define MCP_RPC_INVALID_REQUEST     (-32600)
#define MCP_RPC_METHOD_NOT_FOUND    (-32601)
#define MCP_RPC_INVALID_PARAMS      (-32602)
#define MCP_RPC_INTERNAL_ERROR      (-32603)
#define MCP_RPC_HEADER_MISMATCH     (-32020) /* 2026-07-28: a header disagrees with the body */
#define MCP_RPC_MISSING_CAPABILITY  (-32021) /* 2026-07-28: a client capability is needed */
#define MCP_RPC_UNSUPPORTED_VERSION (-32022) /* 2026-07-28: protocol version not served */

typedef enum mcp_rpc_kind {
    MCP_RPC_REQUEST,      /* has method and id: answer exactly once */
    MCP_RPC_NOTIFICATION, /* has method, no id: never answered */
    MCP_RPC_RESPONSE,     /* a result or error sent to us: ignored, we send no requests */
    MCP_RPC_INVALID       /* answer with MCP_RPC_INVALID_REQUEST and why */
} mcp_rpc_kind;

/* One classified message; pointers borrow from the parsed value. */
typedef struct mcp_rpc_msg {
    mcp_rpc_kind kind;
    json_t *id;         /* string or number; NULL for notifications and bad ids */
    const char *method; /* NULL unless a request or notification */
    json_t *params;     /* an object, or NULL when absent */
    char why[160];      /* for MCP_RPC_INVALID */
} mcp_rpc_msg;

/* Parse text (exactly len bytes) into *out. Returns 0, or -1 with the
 * parser's complaint (line, column) in err. */
int mcp_rpc_parse(const char *text, size_t len, json_t **out, char *err, size_t errlen);

/* Classify one message (an element of a batch, or the whole body); never
 * fails: a malformed message is MCP_RPC_INVALID with the reason in why. */
void mcp_rpc_classify(json_t *value, mcp_rpc_msg *out);

/* {"jsonrpc":"2.0","id":id,"result":result}; steals result, copies id
 * (NULL: JSON null). NULL on OOM. */
json_t *mcp_rpc_result(json_t *id, json_t *result);

/* An error response with code and message (and data, stolen, or NULL);
 * id copied (NULL: JSON null). NULL on OOM. */
json_t *mcp_rpc_error(json_t *id, int code, const char *message, json_t *data);

/* A notification {"jsonrpc":"2.0","method":method,"params":params}
 * (params stolen). NULL on OOM. */
json_t *mcp_rpc_notification(const char *method, json_t *params);

/* Compact UTF-8 text of value (malloc'd, NUL-terminated, length in *len),
 * or NULL on OOM. */
char *mcp_rpc_dump(const json_t *value, size_t *len);

#endif
