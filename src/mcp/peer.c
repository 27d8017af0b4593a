/*
 * peer.c - MCP peers: created with a random UUID v4 (the Mcp-Session-Id
 * an HTTP client echoes), shared by reference between the transport and
 * the requests in flight, freed by the last reference; and the HTTP
 * transport's table of them.
 *
 * Invariants of the table (see peer.h): a flood of initialize calls from
 * one client can only push out that client's own unused or long-idle
 * sessions; a session another reference holds (a request or a running
 * call) is never dropped, not even by the TTL; the table never holds
 * more than cap sessions, nor more than per_key for one key.
 */
#include "mcp/peer.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmsandbox.h"

#define PEER_SWEEP_MS 60000.0 /* how often the store's expired files are removed */
#include "mcp/peer_store.h"
#include "util/clock.h"
#include "util/utf8.h"

/* See peer.h. */
mcp_peer *mcp_peer_new(const char *client_key) {
    char id[LSB_SESSION_ID_MAX + 1];
    return lsb_uuid_new(id) == 0 ? mcp_peer_new_with_id(id, client_key) : NULL;
}

/* See peer.h. */
mcp_peer *mcp_peer_new_with_id(const char *id, const char *client_key) {
    mcp_peer *p = calloc(1, sizeof *p);
    if (p == NULL) return NULL;
    snprintf(p->id, sizeof p->id, "%.*s", MCP_PEER_ID_LEN, id);
    snprintf(p->key, sizeof p->key, "%s", client_key ? client_key : "unknown");
    atomic_init(&p->refs, 1);
    atomic_init(&p->log_level, -1); /* no log notifications before logging/setLevel */
    atomic_init(&p->requests, 0);
    atomic_init(&p->last_used, util_now_ms());
    atomic_init(&p->stored_ms, util_now_ms());
    return p;
}

/* See peer.h. */
void mcp_peer_set_client(mcp_peer *p, const char *name, size_t len) {
    size_t keep = utf8_floor(name, len, sizeof p->client - 1);
    memcpy(p->client, name, keep);
    p->client[keep] = '\0';
}

/* See peer.h. */
void mcp_peer_touch(mcp_peer *p) {
    atomic_fetch_add(&p->requests, 1);
    atomic_store(&p->last_used, util_now_ms());
}

/* See peer.h. */
void mcp_peer_ref(mcp_peer *p) { atomic_fetch_add(&p->refs, 1); }

/* See peer.h. */
void mcp_peer_unref(mcp_peer *p) {
    if (p != NULL && atomic_fetch_sub(&p->refs, 1) == 1) free(p);
}

/* ---- the table ------------------------------------------------------------ */

struct mcp_peer_table {
    pthread_mutex_t lock;
    mcp_peer **v;
    size_t count, cap, per_key;
    double ttl_ms, idle_evict_ms;
    atomic_uint_fast64_t *gauge;
    char store[PATH_MAX]; /* where sessions are kept on disk (peer_store.h); "" for none */
    double swept_ms;      /* when the store was last swept */
};

/* Whether something besides the table holds p (lock held): a request in
 * flight, a running call, or the POST that is initializing it. */
static bool peer_busy(mcp_peer *p) { return atomic_load(&p->refs) > 1; }

/* Forget slot i (lock held), dropping the table's reference; its file
 * goes too unless another node used it within keep_s seconds. */
static void table_drop(mcp_peer_table *t, size_t i, uint32_t keep_s) {
    mcp_peer *p = t->v[i];
    t->v[i] = t->v[--t->count];
    if (t->store[0] && !mcp_peer_store_fresh(t->store, p->id, keep_s))
        mcp_peer_store_forget(t->store, p->id);
    mcp_peer_unref(p);
}

/* Drop the sessions idle past the TTL that nothing else holds (their
 * files stay while another node keeps them in use). */
static void table_expire(mcp_peer_table *t, double now) {
    for (size_t i = 0; i < t->count;) {
        mcp_peer *p = t->v[i];
        if (!peer_busy(p) && now - atomic_load(&p->last_used) > t->ttl_ms)
            table_drop(t, i, (uint32_t)(t->ttl_ms / 1000));
        else
            i++;
    }
}

/* The slot of session id (lock held), or t->count when it is not held. */
static size_t peer_index(const mcp_peer_table *t, const char *id) {
    size_t i = 0;
    while (i < t->count && strcmp(t->v[i]->id, id) != 0)
        i++;
    return i;
}

/* The slot of key's least recently used evictable session, or t->count
 * when none is; *held receives how many sessions key has. */
static size_t table_victim(mcp_peer_table *t, const char *key, double now, size_t *held) {
    size_t victim = t->count;
    *held = 0;
    for (size_t i = 0; i < t->count; i++) {
        mcp_peer *p = t->v[i];
        if (strcmp(p->key, key) != 0) continue;
        (*held)++;
        double idle = now - atomic_load(&p->last_used);
        bool unused = atomic_load(&p->requests) <= 1; /* nothing after initialize */
        if (peer_busy(p) || (!unused && idle <= t->idle_evict_ms)) continue;
        if (victim == t->count ||
            atomic_load(&p->last_used) < atomic_load(&t->v[victim]->last_used))
            victim = i;
    }
    return victim;
}

/* See peer.h. */
mcp_peer_table *mcp_peer_table_new(size_t cap, size_t per_key, uint32_t ttl_s,
                                   uint32_t idle_evict_s, atomic_uint_fast64_t *gauge) {
    mcp_peer_table *t = calloc(1, sizeof *t);
    if (t == NULL || (t->v = calloc(cap ? cap : 1, sizeof *t->v)) == NULL) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->cap = cap;
    t->per_key = per_key;
    t->ttl_ms = ttl_s * 1000.0;
    t->idle_evict_ms = idle_evict_s * 1000.0;
    t->gauge = gauge;
    return t;
}

/* See peer.h. */
void mcp_peer_table_free(mcp_peer_table *t) {
    if (t == NULL) return;
    for (size_t i = 0; i < t->count; i++)
        mcp_peer_unref(t->v[i]);
    pthread_mutex_destroy(&t->lock);
    free(t->v);
    free(t);
}

/* See peer.h. */
mcp_peer_admit mcp_peer_table_add(mcp_peer_table *t, mcp_peer *peer) {
    pthread_mutex_lock(&t->lock);
    double now = util_now_ms();
    table_expire(t, now);
    size_t held = 0, victim = table_victim(t, peer->key, now, &held);
    mcp_peer_admit verdict = MCP_PEER_ADDED;
    if (peer_index(t, peer->id) < t->count) {
        verdict = MCP_PEER_EXISTS;
    } else if (held >= t->per_key || t->count >= t->cap) {
        if (victim < t->count) /* its file stays if another node uses it */
            table_drop(t, victim, 2 * MCP_PEER_STORE_TOUCH_S);
        else
            verdict = held >= t->per_key ? MCP_PEER_KEY_FULL : MCP_PEER_TABLE_FULL;
    }
    if (verdict == MCP_PEER_ADDED) {
        mcp_peer_ref(peer);
        t->v[t->count++] = peer;
    }
    if (t->gauge != NULL) atomic_store(t->gauge, t->count);
    bool sweep = t->store[0] && now - t->swept_ms > PEER_SWEEP_MS;
    if (sweep) t->swept_ms = now;
    pthread_mutex_unlock(&t->lock);
    if (sweep) mcp_peer_store_sweep(t->store, (uint32_t)(t->ttl_ms / 1000));
    return verdict;
}

/* See peer.h. */
void mcp_peer_table_set_store(mcp_peer_table *t, const char *dir) {
    snprintf(t->store, sizeof t->store, "%s", dir ? dir : "");
}

/* See peer.h. */
const char *mcp_peer_table_store(const mcp_peer_table *t) { return t->store[0] ? t->store : NULL; }

/* See peer.h. */
mcp_peer *mcp_peer_table_get(mcp_peer_table *t, const char *id, bool remove) {
    mcp_peer *found = NULL;
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->count && found == NULL; i++) {
        if (strcmp(t->v[i]->id, id) != 0) continue;
        found = t->v[i];
        if (remove)
            t->v[i] = t->v[--t->count]; /* the table's reference goes to the caller */
        else
            mcp_peer_ref(found);
    }
    if (t->gauge != NULL) atomic_store(t->gauge, t->count);
    pthread_mutex_unlock(&t->lock);
    return found;
}
