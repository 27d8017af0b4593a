/*
 * peer.c - MCP peers: created with a random UUID v4 (the Mcp-Session-Id
 * an HTTP client echoes), shared by reference between the transport and
 * the requests in flight, freed by the last reference.
 */
#include "mcp/peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

/* See peer.h. */
mcp_peer *mcp_peer_new(const char *client_key) {
    mcp_peer *p = calloc(1, sizeof *p);
    unsigned char r[16];
    if (p == NULL || getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        free(p);
        return NULL;
    }
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(p->id, sizeof p->id,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
             r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
             r[15]);
    snprintf(p->key, sizeof p->key, "%s", client_key ? client_key : "unknown");
    atomic_init(&p->refs, 1);
    atomic_init(&p->log_level, -1); /* no log notifications before logging/setLevel */
    atomic_init(&p->last_used, (double)time(NULL));
    return p;
}

/* See peer.h. */
void mcp_peer_ref(mcp_peer *p) { atomic_fetch_add(&p->refs, 1); }

/* See peer.h. */
void mcp_peer_unref(mcp_peer *p) {
    if (p != NULL && atomic_fetch_sub(&p->refs, 1) == 1) free(p);
}
