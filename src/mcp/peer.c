/*
 * peer.c - MCP peers: created with a random UUID v4 (the Mcp-Session-Id
 * an HTTP client echoes), shared by reference between the transport and
 * the requests in flight, freed by the last reference.
 */
#include "mcp/peer.h"

#include <stdio.h>
#include <stdlib.h>

#include "llmsandbox.h"
#include "util/clock.h"

/* See peer.h. */
mcp_peer *mcp_peer_new(const char *client_key) {
    mcp_peer *p = calloc(1, sizeof *p);
    char id[LSB_SESSION_ID_MAX + 1];
    if (p == NULL || lsb_uuid_new(id) != 0) {
        free(p);
        return NULL;
    }
    snprintf(p->id, sizeof p->id, "%.*s", MCP_PEER_ID_LEN, id);
    snprintf(p->key, sizeof p->key, "%s", client_key ? client_key : "unknown");
    atomic_init(&p->refs, 1);
    atomic_init(&p->log_level, -1); /* no log notifications before logging/setLevel */
    mcp_peer_touch(p);
    return p;
}

/* See peer.h. */
void mcp_peer_touch(mcp_peer *p) { atomic_store(&p->last_used, util_now_ms()); }

/* See peer.h. */
void mcp_peer_ref(mcp_peer *p) { atomic_fetch_add(&p->refs, 1); }

/* See peer.h. */
void mcp_peer_unref(mcp_peer *p) {
    if (p != NULL && atomic_fetch_sub(&p->refs, 1) == 1) free(p);
}
