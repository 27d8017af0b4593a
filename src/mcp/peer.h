/*
 * peer.h - the protocol state of one MCP client (prefix mcp_peer_): the
 * stdio connection, or one Mcp-Session-Id of the HTTP transport.
 */
#ifndef LSB_MCP_PEER_H
#define LSB_MCP_PEER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "mcp/owner.h"

#define MCP_PEER_ID_LEN    36
#define MCP_CLIENT_KEY_MAX 80

/* One client; reference counted, shared by the requests in flight. */
typedef struct mcp_peer {
    char id[MCP_PEER_ID_LEN + 1];  /* Mcp-Session-Id; "" on stdio */
    char version[16];              /* negotiated by initialize; "" before */
    char client[64];               /* clientInfo.name */
    char key[MCP_CLIENT_KEY_MAX];  /* who, for audit and rate limits */
    char owner[MCP_OWNER_LEN + 1]; /* whose sandbox sessions it sees (owner.h); set by the
                                      transport before the peer is shared */
    atomic_bool initialized;       /* notifications/initialized arrived */
    atomic_int log_level;          /* least level of notifications/message; -1 none */
    atomic_int refs;
    _Atomic double last_used; /* util_now_ms() of its last request: an age on
                                 the monotonic clock, like every duration */
} mcp_peer;

/* A new peer with a random (UUID v4) id, one reference held by the
 * caller. NULL when out of memory or when no random bytes can be had. */
mcp_peer *mcp_peer_new(const char *client_key);

/* Mark p as used now (for the idle expiry of HTTP protocol sessions). */
void mcp_peer_touch(mcp_peer *p);

/* Take one more reference on p. */
void mcp_peer_ref(mcp_peer *p);

/* Drop one reference; the last frees p. NULL is ignored. */
void mcp_peer_unref(mcp_peer *p);

#endif
