/*
 * calls.c - tool calls in flight: two queues with their worker threads
 * (executions; the other session tools, so a slow run never delays
 * create_session), one registry of every queued or running call for
 * cancellation, and a ticker that sends progress notifications.
 *
 * Invariants: a call is in the registry from submit until its worker has
 * taken it out, and is answered only after that, so the ticker and the
 * cancel functions (which hold the lock) never touch an answered call.
 * Transport threads only queue and signal: they never wait for a guest.
 */
#include "mcp/calls.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp/audit.h"
#include "mcp/limits.h"
#include "mcp/log.h"
#include "mcp/metrics.h"
#include "mcp/tool_result.h"
#include "mcp/tools.h"
#include "util/clock.h"

typedef struct call_queue {
    mcp_call *head, *tail;
    size_t length;
    pthread_cond_t ready;
} call_queue;

struct mcp_calls {
    mcp_server *srv;
    pthread_mutex_t lock;
    call_queue exec, admin;
    mcp_call *registry; /* every queued or running call */
    uint64_t running;   /* executions (the exec pool's calls) running now */
    bool stopping;
    pthread_cond_t tick_wake;
    pthread_t *threads;
    size_t thread_count;
    pthread_t ticker;
};

/* See calls.h. */
void mcp_call_free(mcp_call *call) {
    if (call == NULL) return;
    lsb_cancel_free(call->cancel);
    json_decref(call->args);
    free(call);
}

/* Unlink call from the registry (lock held). */
static void registry_remove(mcp_calls *c, mcp_call *call) {
    if (call->prev)
        call->prev->next = call->next;
    else
        c->registry = call->next;
    if (call->next) call->next->prev = call->prev;
    call->next = call->prev = NULL;
}

/* Take the next call of q, waiting; NULL when stopping. */
static mcp_call *queue_take(mcp_calls *c, call_queue *q) {
    pthread_mutex_lock(&c->lock);
    while (q->head == NULL && !c->stopping)
        pthread_cond_wait(&q->ready, &c->lock);
    mcp_call *call = q->head;
    if (call != NULL) {
        q->head = call->queue_next;
        if (q->head == NULL) q->tail = NULL;
        q->length--;
        call->running = true;
        call->started_ms = util_now_ms();
        if (call->tool->cls == MCP_TOOL_EXEC) c->running++;
    }
    pthread_mutex_unlock(&c->lock);
    return call;
}

/* Audit, answer (unless the client cancelled the request: then no
 * response) and free a call that has run. */
static void finish(mcp_server *srv, mcp_call *call, json_t *result, double started_ms) {
    double ms = util_now_ms() - started_ms;
    mcp_audit_call(srv, call, result, ms);
    mcp_metrics_tool_done(call->tool->name, ms, json_is_true(json_object_get(result, "isError")));
    if (atomic_load(&call->protocol_cancelled)) {
        json_decref(result);
        mcp_request_drop(call->req);
    } else {
        mcp_request_answer(call->req, result);
    }
    call->req = NULL;
    mcp_call_free(call);
}

/* Tell the client (if it asked for logs) that a call starts and, when it
 * failed, how. */
static void log_call(mcp_call *call, json_t *result) {
    char text[256];
    if (result == NULL) {
        snprintf(text, sizeof text, "%s started%s%s after %.0f ms in the queue", call->tool->name,
                 call->session_id[0] ? " in session " : "", call->session_id,
                 call->started_ms - call->queued_ms);
        mcp_request_log(call->req, "debug", text);
    } else if (json_is_true(json_object_get(result, "isError"))) {
        snprintf(text, sizeof text, "%s failed (%s)", call->tool->name,
                 call->outcome[0] ? call->outcome : "error");
        mcp_request_log(call->req, "warning", text);
    }
}

/* Run one queued call and answer it. */
static void run_call(mcp_calls *c, mcp_call *call) {
    log_call(call, NULL);
    json_t *result = call->tool->run(call);
    log_call(call, result);
    pthread_mutex_lock(&c->lock);
    registry_remove(c, call);
    if (call->tool->cls == MCP_TOOL_EXEC) c->running--;
    pthread_mutex_unlock(&c->lock);
    finish(c->srv, call, result, call->queued_ms);
}

/* See calls.h. */
void mcp_calls_run_inline(mcp_calls *c, mcp_call *call) {
    double start = util_now_ms();
    finish(c->srv, call, call->tool->run(call), start);
}

typedef struct worker_arg {
    mcp_calls *calls;
    call_queue *queue;
} worker_arg;

/* A worker thread: run the calls of its queue until the pool stops. */
static void *worker_main(void *arg) {
    worker_arg *w = arg;
    mcp_call *call;
    while ((call = queue_take(w->calls, w->queue)) != NULL)
        run_call(w->calls, call);
    free(w);
    return NULL;
}

/* Send a progress notification for every running call that asked. */
static void send_progress(mcp_calls *c) {
    double now = util_now_ms();
    for (mcp_call *call = c->registry; call != NULL; call = call->next) {
        if (!call->running || call->req->progress_token == NULL) continue;
        double elapsed = (now - call->started_ms) / 1000.0;
        uint32_t limit_s = (call->timeout_ms + 999) / 1000; /* whole seconds, rounded up */
        char message[160];
        snprintf(message, sizeof message, "%s running for %.0f s (limit %u s)", call->tool->name,
                 elapsed, limit_s);
        json_t *params = json_pack("{s:O, s:f, s:s}", "progressToken", call->req->progress_token,
                                   "progress", elapsed, "message", message);
        if (params != NULL && limit_s > 0)
            json_object_set_new(params, "total", json_real((double)limit_s));
        mcp_request_notify(call->req, "notifications/progress", params);
    }
}

/* The progress thread: every interval, notify the calls that asked. */
static void *ticker_main(void *arg) {
    mcp_calls *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        util_cond_wait_ms(&c->tick_wake, &c->lock, LSB_MCP_PROGRESS_INTERVAL_MS);
        if (!c->stopping) send_progress(c);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Start count workers on q; 0 or -1. */
static int start_workers(mcp_calls *c, call_queue *q, unsigned count) {
    for (unsigned i = 0; i < count; i++) {
        worker_arg *w = malloc(sizeof *w);
        if (w == NULL) return -1;
        *w = (worker_arg){c, q};
        if (pthread_create(&c->threads[c->thread_count], NULL, worker_main, w) != 0) {
            free(w);
            return -1;
        }
        c->thread_count++;
    }
    return 0;
}

/* See calls.h. */
mcp_calls *mcp_calls_new(mcp_server *srv, unsigned exec_workers, unsigned admin_workers) {
    mcp_calls *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    c->srv = srv;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->exec.ready, NULL);
    pthread_cond_init(&c->admin.ready, NULL);
    c->threads = calloc(exec_workers + admin_workers, sizeof *c->threads);
    if (util_cond_init_monotonic(&c->tick_wake) != 0 || c->threads == NULL ||
        start_workers(c, &c->exec, exec_workers) != 0 ||
        start_workers(c, &c->admin, admin_workers) != 0 ||
        pthread_create(&c->ticker, NULL, ticker_main, c) != 0) {
        mcp_logf(MCP_LOG_ERROR, "startup", "cannot start the worker threads");
        mcp_calls_stop(c);
        return NULL;
    }
    return c;
}

/* See calls.h. */
int mcp_calls_submit(mcp_calls *c, mcp_call *call) {
    call_queue *q = call->tool->cls == MCP_TOOL_EXEC ? &c->exec : &c->admin;
    pthread_mutex_lock(&c->lock);
    if (q->length >= LSB_MCP_QUEUE_MAX || c->stopping) {
        pthread_mutex_unlock(&c->lock);
        return -1;
    }
    call->queued_ms = util_now_ms();
    call->next = c->registry;
    if (c->registry) c->registry->prev = call;
    c->registry = call;
    if (q->tail)
        q->tail->queue_next = call;
    else
        q->head = call;
    q->tail = call;
    q->length++;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* Whether two request ids are the same JSON value. */
static bool same_id(const json_t *a, const json_t *b) { return a && b && json_equal(a, b); }

/* See calls.h. */
bool mcp_calls_cancel_request(mcp_calls *c, const mcp_peer *peer, const json_t *id) {
    bool found = false;
    pthread_mutex_lock(&c->lock);
    for (mcp_call *call = c->registry; call != NULL; call = call->next) {
        const mcp_peer *p = call->req->peer;
        bool same_peer = p == peer || (strcmp(p->key, peer->key) == 0 && call->req->modern);
        if (same_peer && same_id(call->req->id, id)) {
            atomic_store(&call->protocol_cancelled, true);
            lsb_cancel_fire(call->cancel);
            found = true;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return found;
}

/* See calls.h. */
unsigned mcp_calls_cancel_session(mcp_calls *c, const char *session_id) {
    unsigned n = 0;
    pthread_mutex_lock(&c->lock);
    for (mcp_call *call = c->registry; call != NULL; call = call->next) {
        if (call->tool->cls == MCP_TOOL_EXEC && strcmp(call->session_id, session_id) == 0) {
            lsb_cancel_fire(call->cancel);
            n++;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* See calls.h. */
void mcp_calls_cancel_all(mcp_calls *c) {
    pthread_mutex_lock(&c->lock);
    for (mcp_call *call = c->registry; call != NULL; call = call->next)
        lsb_cancel_fire(call->cancel);
    pthread_mutex_unlock(&c->lock);
}

/* See calls.h. */
bool mcp_calls_idle(mcp_calls *c) {
    pthread_mutex_lock(&c->lock);
    bool idle = c->registry == NULL;
    pthread_mutex_unlock(&c->lock);
    return idle;
}

/* See calls.h. */
bool mcp_calls_session_busy(mcp_calls *c, const char *session_id) {
    bool busy = false;
    pthread_mutex_lock(&c->lock);
    for (mcp_call *call = c->registry; call != NULL && !busy; call = call->next)
        busy = call->tool->cls == MCP_TOOL_EXEC && strcmp(call->session_id, session_id) == 0;
    pthread_mutex_unlock(&c->lock);
    return busy;
}

/* See calls.h. */
void mcp_calls_counts(mcp_calls *c, uint64_t *running, uint64_t *queued) {
    pthread_mutex_lock(&c->lock);
    *running = c->running;
    *queued = c->exec.length;
    pthread_mutex_unlock(&c->lock);
}

/* See calls.h. */
void mcp_calls_stop(mcp_calls *c) {
    if (c == NULL) return;
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    for (mcp_call *call = c->registry; call != NULL; call = call->next)
        lsb_cancel_fire(call->cancel);
    pthread_cond_broadcast(&c->exec.ready);
    pthread_cond_broadcast(&c->admin.ready);
    pthread_cond_broadcast(&c->tick_wake);
    pthread_mutex_unlock(&c->lock);
    for (size_t i = 0; i < c->thread_count; i++)
        pthread_join(c->threads[i], NULL);
    if (c->ticker) pthread_join(c->ticker, NULL);
    /* Calls still queued were never started: answer them as cancelled. */
    call_queue *queues[2] = {&c->exec, &c->admin};
    for (int q = 0; q < 2; q++) {
        for (mcp_call *call = queues[q]->head, *next; call != NULL; call = next) {
            next = call->queue_next;
            mcp_request_answer(call->req,
                               mcp_result_error("ServerStopping", "The server is shutting down."));
            call->req = NULL;
            mcp_call_free(call);
        }
    }
    free(c->threads);
    free(c);
}
