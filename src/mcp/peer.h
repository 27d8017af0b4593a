/*
 * peer.h - the protocol state of one MCP client (prefix mcp_peer_): the
 * stdio connection, or one Mcp-Session-Id of the HTTP transport; and the
 * HTTP transport's table of live protocol sessions.
 */
#ifndef LSB_MCP_PEER_H
#define LSB_MCP_PEER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/owner.h"

#define MCP_PEER_ID_LEN    36
#define MCP_CLIENT_KEY_MAX 80

/* One client; reference counted, shared by the requests in flight. */
typedef struct mcp_peer {
    char id[MCP_PEER_ID_LEN + 1];  /* Mcp-Session-Id; "" on stdio */
    char version[16];              /* negotiated by initialize; "" before */
    char client[64];               /* clientInfo.name, cut on a character boundary */
    char key[MCP_CLIENT_KEY_MAX];  /* who, for audit, rate limits and the session table */
    char owner[MCP_OWNER_LEN + 1]; /* whose sandbox sessions it sees (owner.h); set by the
                                      transport before the peer is shared */
    atomic_bool initialized;       /* notifications/initialized arrived */
    atomic_int log_level;          /* least level of notifications/message; -1 none */
    atomic_int refs;
    atomic_uint requests;     /* requests handled, initialize included */
    _Atomic double last_used; /* util_now_ms() of its last request: an age on
                                 the monotonic clock, like every duration */
    _Atomic double stored_ms; /* util_now_ms() when its file (peer_store.h) was last
                                 written or touched */
} mcp_peer;

/* A new peer with a random (UUID v4) id, one reference held by the
 * caller. NULL when out of memory or when no random bytes can be had. */
mcp_peer *mcp_peer_new(const char *client_key);

/* A new peer with the given id (for one loaded from peer_store.h), one
 * reference held by the caller; NULL when out of memory. */
mcp_peer *mcp_peer_new_with_id(const char *id, const char *client_key);

/* Keep name (len bytes of valid UTF-8, e.g. clientInfo.name) as p's
 * client name, cut to fit on a character boundary so it stays valid. */
void mcp_peer_set_client(mcp_peer *p, const char *name, size_t len);

/* Mark p as used now by one more request (for the idle expiry of HTTP
 * protocol sessions, and to tell a used session from a bare initialize). */
void mcp_peer_touch(mcp_peer *p);

/* Take one more reference on p. */
void mcp_peer_ref(mcp_peer *p);

/* Drop one reference; the last frees p. NULL is ignored. */
void mcp_peer_unref(mcp_peer *p);

/* ---- the table of live protocol sessions (HTTP) ---------------------------
 *
 * Each session counts against its peer's key (the client: its token when
 * the server has one, else its address). The table never evicts another
 * key's session, and never one in use (a request or call of it still
 * holds a reference). To make room for a new session of a key it drops,
 * least recently used first, the key's sessions that are idle and either
 * did nothing after their initialize or have been idle longer than the
 * idle-evict age; when none qualifies it refuses the new one. Sessions
 * idle past the TTL expire (unless in use). */

typedef struct mcp_peer_table mcp_peer_table;

/* Why mcp_peer_table_add refused, or that it did not. */
typedef enum mcp_peer_admit {
    MCP_PEER_ADDED,      /* kept under its id */
    MCP_PEER_EXISTS,     /* the table already holds a session of that id (not added) */
    MCP_PEER_KEY_FULL,   /* the key holds per_key sessions, none evictable */
    MCP_PEER_TABLE_FULL, /* the table holds cap sessions, none of the key evictable */
    MCP_PEER_NO_MEMORY
} mcp_peer_admit;

/* A table of at most cap sessions, per_key of them per key; ttl_s and
 * idle_evict_s as described above. gauge (may be NULL) always holds the
 * count. NULL when out of memory. */
mcp_peer_table *mcp_peer_table_new(size_t cap, size_t per_key, uint32_t ttl_s,
                                   uint32_t idle_evict_s, atomic_uint_fast64_t *gauge);

/* Free t and drop its references. NULL is ignored. */
void mcp_peer_table_free(mcp_peer_table *t);

/* Keep peer (one more reference) under its id and key, making room as
 * described above. */
mcp_peer_admit mcp_peer_table_add(mcp_peer_table *t, mcp_peer *peer);

/* Keep the table's sessions in dir too (peer_store.h): then a dropped
 * session's file is removed unless another node still uses it, and the
 * store is swept of expired files now and then. NULL or "" for none. */
void mcp_peer_table_set_store(mcp_peer_table *t, const char *dir);

/* The store directory, or NULL when the table keeps none. */
const char *mcp_peer_table_store(const mcp_peer_table *t);

/* The peer of id with a reference for the caller, or NULL; with remove,
 * the table's own reference is handed over instead (it forgets id). */
mcp_peer *mcp_peer_table_get(mcp_peer_table *t, const char *id, bool remove);

#endif
