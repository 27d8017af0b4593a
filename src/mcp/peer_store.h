/*
 * peer_store.h - HTTP protocol sessions kept on disk (prefix
 * mcp_peer_store_), so that every server sharing one storage directory
 * (several nodes behind a load balancer, or this server after a restart)
 * knows every Mcp-Session-Id any of them issued.
 *
 * One file per session, DIR/<id>.json, holds what initialize negotiated:
 * the protocol version, the client's name and its log level. The owner is
 * not stored: it is derived again from the id (or the token) on every
 * node. A session's file is written when its initialize succeeds,
 * touched (its modification time) while it is used, and removed by DELETE,
 * by an eviction, or once it has been idle on every node for the TTL.
 */
#ifndef LSB_MCP_PEER_STORE_H
#define LSB_MCP_PEER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/peer.h"

#define MCP_PEER_STORE_TOUCH_S 10 /* a used session's file is touched at most this often */

/* Whether id has the shape this server issues (a lowercase UUID), so it
 * may name a file. Everything else is unknown without touching the disk. */
bool mcp_peer_store_id_ok(const char *id);

/* Write p's file in dir (atomically: a temporary file renamed into
 * place). 0, or -1 with the reason in err. */
int mcp_peer_store_save(const char *dir, const mcp_peer *p, char *err, size_t errlen);

/* What a stored session holds: what its initialize negotiated. */
typedef struct mcp_peer_record {
    char version[sizeof(((mcp_peer *)0)->version)];
    char client[sizeof(((mcp_peer *)0)->client)];
    int log_level; /* -1 for none */
} mcp_peer_record;

/* Read session id's file in dir into out. 0, or -1 when id is not of our
 * shape, has no file, or the file is not a valid record. */
int mcp_peer_store_load(const char *dir, const char *id, mcp_peer_record *out);

/* Mark id's file as used now. 0, or -1 when it is gone (another node
 * ended the session) or cannot be touched. */
int mcp_peer_store_touch(const char *dir, const char *id);

/* Remove id's file (a missing one is fine). */
void mcp_peer_store_forget(const char *dir, const char *id);

/* Whether id's file was used within the last ttl_s seconds (on any node). */
bool mcp_peer_store_fresh(const char *dir, const char *id, uint32_t ttl_s);

/* Remove the files in dir idle for more than ttl_s seconds, and temporary
 * files a killed writer left; returns how many were removed. */
size_t mcp_peer_store_sweep(const char *dir, uint32_t ttl_s);

#endif
