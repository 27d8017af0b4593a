/*
 * expiry.h - session expiry of the MCP server (prefix mcp_expiry_): a
 * thread destroys sessions idle longer than session_ttl, and remembers
 * the ids it destroyed so a later call can say "it expired".
 */
#ifndef LSB_MCP_EXPIRY_H
#define LSB_MCP_EXPIRY_H

#include <stdbool.h>

#include "mcp/server.h"

/* Start the expiry thread of srv (srv->sandbox and srv->calls ready):
 * every quarter TTL (at most LSB_MCP_EXPIRY_MAX_PERIOD_S) it destroys the
 * sessions idle past the TTL and those reset_all_sessions released (with
 * their owner records), and lets the sandbox evict idle processes.
 * NULL when out of memory; when the thread cannot start, sessions simply
 * never expire (logged). */
mcp_expiry *mcp_expiry_start(mcp_server *srv);

/* Stop the thread (it finishes the session it is on) and free e; NULL is
 * ignored. */
void mcp_expiry_stop(mcp_expiry *e);

/* Whether id was destroyed by expiry (among the last
 * LSB_MCP_EXPIRED_MEMORY) while owner owned it (any owner when owner is
 * NULL); false for a NULL e. */
bool mcp_expiry_was_expired(mcp_expiry *e, const char *id, const char *owner);

#endif
