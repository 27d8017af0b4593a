/*
 * owner.h - who owns a sandbox session of the MCP server (prefix
 * mcp_owner_): an owner is a hash of the caller's identity (the bearer
 * token when one is configured, else the Mcp-Session-Id, the client's
 * address for stateless requests, or the one stdio client), and each
 * session's owner is recorded in a small file under STORAGE/owners/.
 */
#ifndef LSB_MCP_OWNER_H
#define LSB_MCP_OWNER_H

#include <stdbool.h>
#include <stddef.h>

#define MCP_OWNER_LEN      34         /* "o-" + 32 hex digits */
#define MCP_OWNER_RELEASED "released" /* recorded by reset_all_sessions: destroy soon */

/* What a caller's identity is. */
typedef enum mcp_owner_kind {
    MCP_OWNER_TOKEN,     /* the HTTP bearer token (secret: the token) */
    MCP_OWNER_PROTOCOL,  /* an HTTP protocol session (secret: Mcp-Session-Id) */
    MCP_OWNER_STATELESS, /* a stateless HTTP request (secret: the client key) */
    MCP_OWNER_STDIO      /* the stdio client (no secret) */
} mcp_owner_kind;

/* The owner name of an identity: "o-" and the first 16 bytes of
 * SHA-256(kind ":" secret) in hex, so no token or session id is ever
 * stored. out holds MCP_OWNER_LEN + 1 bytes. Never fails. */
void mcp_owner_derive(mcp_owner_kind kind, const char *secret, char out[MCP_OWNER_LEN + 1]);

/* Record owner (an owner name or MCP_OWNER_RELEASED) for session id in
 * dir, atomically (a temporary file renamed over the old one). Returns
 * 0, or -1 with the reason in err. */
int mcp_owner_record(const char *dir, const char *id, const char *owner, char *err, size_t errlen);

/* Read session id's owner from dir into out (MCP_OWNER_LEN + 1 bytes).
 * Returns 0, or -1 when there is no readable record (out is then ""). */
int mcp_owner_read(const char *dir, const char *id, char out[MCP_OWNER_LEN + 1]);

/* Whether session id's record in dir names owner. */
bool mcp_owner_is(const char *dir, const char *id, const char *owner);

/* Delete session id's record from dir (a missing one is fine). */
void mcp_owner_forget(const char *dir, const char *id);

#endif
