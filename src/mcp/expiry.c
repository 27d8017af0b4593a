/*
 * expiry.c - idle sessions of the MCP server are destroyed after
 * session_ttl seconds without use, by one thread that wakes every quarter
 * TTL (at most every LSB_MCP_EXPIRY_MAX_PERIOD_S) on the monotonic clock.
 *
 * Invariants: a session is never destroyed while a call of its is queued
 * or running (checked before and after reading its age); its owner, in
 * its record, goes with it (the library removes the record last, under
 * the session's locks) and stays if the destroy fails; the ids destroyed
 * are remembered with their owner (a ring of LSB_MCP_EXPIRED_MEMORY) so an
 * unknown-session error can tell that owner, and only it, that the
 * session expired. Sessions released by reset_all_sessions go at the next
 * sweep, whatever their age.
 */
#include "mcp/expiry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp/calls.h"
#include "mcp/limits.h"
#include "mcp/log.h"
#include "mcp/metrics.h"
#include "mcp/outputs.h"
#include "mcp/owner.h"
#include "util/clock.h"

#define EXPIRY_ERR_MAX 1024

struct mcp_expiry {
    mcp_server *srv;
    pthread_mutex_t lock; /* guards expired[], next and stopping */
    pthread_cond_t wake;
    char expired[LSB_MCP_EXPIRED_MEMORY][LSB_SESSION_ID_MAX + 1];
    char owners[LSB_MCP_EXPIRED_MEMORY][LSB_SESSION_OWNER_MAX + 1]; /* expired[i]'s owner */
    unsigned next;
    bool stopping;
    bool started;
    pthread_t thread;
};

/* See expiry.h. */
bool mcp_expiry_was_expired(mcp_expiry *e, const char *id, const char *owner) {
    bool found = false;
    if (e == NULL) return false;
    pthread_mutex_lock(&e->lock);
    for (unsigned i = 0; i < LSB_MCP_EXPIRED_MEMORY && !found; i++)
        found =
            strcmp(e->expired[i], id) == 0 && (owner == NULL || strcmp(e->owners[i], owner) == 0);
    pthread_mutex_unlock(&e->lock);
    return found;
}

/* Remember that id (owned by owner) expired. */
static void remember(mcp_expiry *e, const char *id, const char *owner) {
    pthread_mutex_lock(&e->lock);
    snprintf(e->expired[e->next], sizeof e->expired[0], "%s", id);
    snprintf(e->owners[e->next], sizeof e->owners[0], "%s", owner);
    e->next = (e->next + 1) % LSB_MCP_EXPIRED_MEMORY;
    pthread_mutex_unlock(&e->lock);
}

/* Destroy one session if it has been idle longer than the TTL, or was
 * released. A session whose record is damaged is idle since its files
 * last changed on disk (lsb_session_info.damaged), so it expires too. */
static void expire_one(mcp_expiry *e, const char *id) {
    mcp_server *srv = e->srv;
    lsb_session_info info;
    char err[EXPIRY_ERR_MAX], owner[LSB_SESSION_OWNER_MAX + 1];
    if (mcp_calls_session_busy(srv->calls, id)) return;
    lsb_status st = lsb_session_info_get(srv->sandbox, id, &info, err, sizeof err);
    if (st != LSB_OK && !(st == LSB_ERR_STORAGE && info.damaged)) return;
    mcp_owner_get(srv->sandbox, srv->owners_dir, id, owner);
    bool released = strcmp(owner, MCP_OWNER_RELEASED) == 0;
    double idle = (double)time(NULL) - info.last_used_at;
    if ((!released && idle < (double)srv->opt.session_ttl_s) ||
        mcp_calls_session_busy(srv->calls, id))
        return;
    /* judged again under the session's locks: another node may have run it since */
    bool destroyed = false;
    st = lsb_session_destroy_idle(srv->sandbox, id, released ? 0 : srv->opt.session_ttl_s,
                                  &destroyed, err, sizeof err);
    if (st != LSB_OK && st != LSB_ERR_NO_SESSION) /* gone: another node's sweep took it */
        mcp_logf(MCP_LOG_WARNING, "session_expiry", "cannot destroy %s: %s", id, err);
    if (st != LSB_OK || !destroyed) return; /* gone, or used again meanwhile */
    mcp_metrics_session(false);
    if (released) {
        mcp_logf(MCP_LOG_INFO, "session_released", "released session %s was destroyed", id);
        return;
    }
    remember(e, id, owner);
    mcp_logf(MCP_LOG_INFO, "session_expired", "session %s was idle %.0f s and was destroyed", id,
             idle);
}

/* One sweep: every stored session past its TTL goes, then idle live
 * processes are evicted, then expired one-shot output files. */
static void sweep(mcp_expiry *e) {
    mcp_server *srv = e->srv;
    char **ids = NULL, err[EXPIRY_ERR_MAX];
    size_t n = 0;
    if (lsb_session_ids(srv->sandbox, &ids, &n, err, sizeof err) == LSB_OK) {
        for (size_t i = 0; i < n && !atomic_load(&srv->stopping); i++)
            expire_one(e, ids[i]);
        lsb_session_ids_free(ids, n);
    }
    lsb_sandbox_evict_idle(srv->sandbox);
    mcp_outputs_prune(srv->outputs_dir, srv->opt.max_outputs_bytes, srv->opt.outputs_ttl_s);
}

/* The expiry thread: sweep every period until stopped. */
static void *expiry_main(void *arg) {
    mcp_expiry *e = arg;
    unsigned period = e->srv->opt.session_ttl_s / 4;
    if (period == 0) period = 1;
    if (period > LSB_MCP_EXPIRY_MAX_PERIOD_S) period = LSB_MCP_EXPIRY_MAX_PERIOD_S;
    pthread_mutex_lock(&e->lock);
    while (!e->stopping) {
        util_cond_wait_ms(&e->wake, &e->lock, period * 1000.0);
        if (e->stopping) break;
        pthread_mutex_unlock(&e->lock);
        sweep(e);
        pthread_mutex_lock(&e->lock);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

/* See expiry.h. */
mcp_expiry *mcp_expiry_start(mcp_server *srv) {
    mcp_expiry *e = calloc(1, sizeof *e);
    if (e == NULL) return NULL;
    e->srv = srv;
    pthread_mutex_init(&e->lock, NULL);
    if (util_cond_init_monotonic(&e->wake) != 0) {
        pthread_mutex_destroy(&e->lock);
        free(e);
        return NULL;
    }
    e->started = pthread_create(&e->thread, NULL, expiry_main, e) == 0;
    if (!e->started) mcp_logf(MCP_LOG_WARNING, "startup", "cannot start the session expiry thread");
    return e;
}

/* See expiry.h. */
void mcp_expiry_stop(mcp_expiry *e) {
    if (e == NULL) return;
    pthread_mutex_lock(&e->lock);
    e->stopping = true;
    pthread_cond_broadcast(&e->wake);
    pthread_mutex_unlock(&e->lock);
    if (e->started) pthread_join(e->thread, NULL);
    pthread_cond_destroy(&e->wake);
    pthread_mutex_destroy(&e->lock);
    free(e);
}
