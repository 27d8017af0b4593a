/*
 * owner.h - who owns a sandbox session of the MCP server (prefix
 * mcp_owner_): an owner is a hash of the caller's identity (the bearer
 * token when one is configured, else the Mcp-Session-Id, the client's
 * address for stateless requests, or the one stdio client), kept as the
 * owner label of the session's record (lsb_session_set_owner), so every
 * node sharing the sessions root, and any storage adapter, carries it.
 * Servers before that kept it in a file STORAGE/owners/<session id>; such
 * a file is moved into the record the first time the session is looked at.
 */
#ifndef LSB_MCP_OWNER_H
#define LSB_MCP_OWNER_H

#include <stdbool.h>
#include <stddef.h>

#include "llmsandbox.h"

#define MCP_OWNER_LEN      34         /* "o-" + 32 hex digits */
#define MCP_OWNER_RELEASED "released" /* set by reset_all_sessions: destroy soon */

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

/*
 * Session id's owner into out ("" when none), from its record
 * (lsb_session_owner_get: never waits for a run). A record without an
 * owner whose session has a legacy file legacy_dir/<id> takes that file's
 * owner, and the file is deleted (and legacy_dir with its last file). The
 * status of lsb_session_owner_get: LSB_OK, NO_SESSION, or STORAGE for a
 * damaged record (out then holds the owner it still names, else a legacy
 * file's, which stays until the record is whole again).
 */
lsb_status mcp_owner_get(lsb_sandbox *sb, const char *legacy_dir, const char *id,
                         char out[LSB_SESSION_OWNER_MAX + 1]);

/* Whether session id's owner (mcp_owner_get) is owner. */
bool mcp_owner_is(lsb_sandbox *sb, const char *legacy_dir, const char *id, const char *owner);

#endif
