/*
 * http_conns.c - deadlines for the HTTP front's connections, against
 * slowloris: a new connection's request headers must be complete within
 * LSB_MCP_HEADER_DEADLINE_S; a kept-alive one's next headers within the
 * idle timeout; a body within LSB_MCP_BODY_GRACE_S plus one second per
 * LSB_MCP_BODY_MIN_RATE bytes received. libmicrohttpd has only an idle
 * timeout, which a client sending a byte now and then never trips.
 *
 * Invariants: a connection is in the list from libmicrohttpd's STARTED
 * notification to its CLOSED one, which comes before the socket is
 * closed, so a socket shut down under the lock is still this
 * connection's. A connection being answered has no deadline here.
 */
#include "mcp/http_conns.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "mcp/limits.h"
#include "mcp/log.h"
#include "mcp/mhd.h"
#include "util/clock.h"

typedef enum conn_phase { CONN_HEADERS, CONN_BODY, CONN_ANSWERING } conn_phase;

typedef struct conn {
    struct conn *prev, *next;
    mcp_conns *owner;
    int fd;
    conn_phase phase;
    bool reused; /* kept alive after a request: its next headers wait for the idle timeout */
    bool cut;    /* shut down already */
    double since_ms;
    size_t body_bytes;
} conn;

struct mcp_conns {
    pthread_mutex_t lock;
    conn *head;
    double idle_ms;
};

/* See http_conns.h. */
mcp_conns *mcp_conns_new(uint32_t idle_timeout_s) {
    mcp_conns *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    pthread_mutex_init(&t->lock, NULL);
    t->idle_ms = idle_timeout_s * 1000.0;
    return t;
}

/* See http_conns.h. */
void mcp_conns_free(mcp_conns *t) {
    if (t == NULL) return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* Link a record for c (its headers due from now); NULL on OOM, when the
 * connection simply goes untracked. */
static conn *track(mcp_conns *t, struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci =
        mcp_mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    conn *k = calloc(1, sizeof *k);
    if (k == NULL || ci == NULL) {
        free(k);
        return NULL;
    }
    k->owner = t;
    k->fd = ci->connect_fd;
    k->since_ms = util_now_ms();
    pthread_mutex_lock(&t->lock);
    k->next = t->head;
    if (t->head) t->head->prev = k;
    t->head = k;
    pthread_mutex_unlock(&t->lock);
    return k;
}

/* See http_conns.h. */
void mcp_conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code) {
    mcp_conns *t = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = track(t, c);
        return;
    }
    conn *k = *socket_context;
    if (k == NULL) return;
    pthread_mutex_lock(&t->lock);
    if (k->prev)
        k->prev->next = k->next;
    else
        t->head = k->next;
    if (k->next) k->next->prev = k->prev;
    pthread_mutex_unlock(&t->lock);
    free(k);
    *socket_context = NULL;
}

/* Move c's record to phase (from now); reused marks a kept-alive one. */
static void set_phase(struct MHD_Connection *c, conn_phase phase, bool reused) {
    const union MHD_ConnectionInfo *ci =
        mcp_mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn *k = ci ? ci->socket_context : NULL;
    if (k == NULL) return;
    pthread_mutex_lock(&k->owner->lock);
    k->phase = phase;
    k->reused = reused;
    k->since_ms = util_now_ms();
    k->body_bytes = 0;
    pthread_mutex_unlock(&k->owner->lock);
}

/* See http_conns.h. */
void mcp_conns_body_started(struct MHD_Connection *c) { set_phase(c, CONN_BODY, false); }

/* See http_conns.h. */
void mcp_conns_answering(struct MHD_Connection *c) { set_phase(c, CONN_ANSWERING, false); }

/* See http_conns.h. */
void mcp_conns_request_done(struct MHD_Connection *c) { set_phase(c, CONN_HEADERS, true); }

/* See http_conns.h. */
void mcp_conns_body_bytes(struct MHD_Connection *c, size_t n) {
    const union MHD_ConnectionInfo *ci =
        mcp_mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn *k = ci ? ci->socket_context : NULL;
    if (k == NULL) return;
    pthread_mutex_lock(&k->owner->lock);
    k->body_bytes += n;
    pthread_mutex_unlock(&k->owner->lock);
}

/* When k's current phase must end (ms), or a negative number for never. */
static double deadline_ms(const mcp_conns *t, const conn *k) {
    switch (k->phase) {
    case CONN_HEADERS:
        return k->since_ms + (k->reused ? t->idle_ms : LSB_MCP_HEADER_DEADLINE_S * 1000.0);
    case CONN_BODY:
        return k->since_ms + LSB_MCP_BODY_GRACE_S * 1000.0 +
               (double)k->body_bytes * 1000.0 / LSB_MCP_BODY_MIN_RATE;
    case CONN_ANSWERING: break;
    }
    return -1;
}

/* See http_conns.h. */
size_t mcp_conns_sweep(mcp_conns *t, double now_ms) {
    size_t cut = 0;
    pthread_mutex_lock(&t->lock);
    for (conn *k = t->head; k != NULL; k = k->next) {
        double due = deadline_ms(t, k);
        if (k->cut || due < 0 || now_ms <= due) continue;
        shutdown(k->fd, SHUT_RDWR);
        k->cut = true;
        cut++;
    }
    pthread_mutex_unlock(&t->lock);
    if (cut > 0)
        mcp_logf(MCP_LOG_DEBUG, "slow_clients", "closed %zu connections past their deadline", cut);
    return cut;
}
