/*
 * calls.h - tool calls in flight (prefix mcp_calls_): two worker pools
 * (executions, and the other session tools), a registry for cancellation
 * by request or by session, and the progress ticker.
 */
#ifndef LSB_MCP_CALLS_H
#define LSB_MCP_CALLS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "llmsandbox.h"
#include "mcp/peer.h"
#include "mcp/request.h"
#include "mcp/server.h"

struct mcp_tool;

typedef struct mcp_call {
    mcp_request *req;
    const struct mcp_tool *tool;
    json_t *args;                            /* the validated arguments (a reference) */
    lsb_cancel *cancel;                      /* fired by cancellation */
    char session_id[LSB_SESSION_ID_MAX + 1]; /* args.session_id, or "" */
    uint32_t timeout_ms;          /* execute_code's limit, from its arguments; 0 for other tools */
    double queued_ms, started_ms; /* monotonic */
    bool running;
    char outcome[24];               /* for the audit log: "success", "error", "timeout", ... */
    uint64_t fuel;                  /* fuel the call's execution consumed */
    atomic_bool protocol_cancelled; /* notifications/cancelled: send no response */
    struct mcp_call *next, *prev;   /* registry */
    struct mcp_call *queue_next;
} mcp_call;

/* Start exec_workers + admin_workers threads and the progress ticker.
 * NULL on failure (message logged; nothing is left running). */
mcp_calls *mcp_calls_new(mcp_server *srv, unsigned exec_workers, unsigned admin_workers);

/* Queue call on the pool its tool belongs to; the call is answered and
 * freed by a worker. Returns 0, or -1 when the queue is full (the caller
 * still owns call). */
int mcp_calls_submit(mcp_calls *c, mcp_call *call);

/* Run an inline tool's call now, on this thread, then audit, answer and
 * free it. Never fails: a failed tool answers with its error result. */
void mcp_calls_run_inline(mcp_calls *c, mcp_call *call);

/* notifications/cancelled: fire the call with request id from peer (or
 * from a stateless request with the same client key when peer has no
 * id). Its response is suppressed. Returns whether one was found. */
bool mcp_calls_cancel_request(mcp_calls *c, const mcp_peer *peer, const json_t *id);

/* cancel_execution: fire every queued or running call of a session;
 * returns how many. Their responses still go out (as cancelled runs). */
unsigned mcp_calls_cancel_session(mcp_calls *c, const char *session_id);

/* Fire every queued or running call (shutdown); their responses still go
 * out. */
void mcp_calls_cancel_all(mcp_calls *c);

/* Whether no call is queued or running. */
bool mcp_calls_idle(mcp_calls *c);

/* Whether a call of the session is queued or running. */
bool mcp_calls_session_busy(mcp_calls *c, const char *session_id);

/* Executions running and waiting for a worker, for metrics. */
void mcp_calls_counts(mcp_calls *c, uint64_t *running, uint64_t *queued);

/* Cancel everything, wait for the workers, answer the calls never
 * started with a ServerStopping error, and free c (NULL is ignored). */
void mcp_calls_stop(mcp_calls *c);

/* Free a call that was never submitted (or after it was answered); NULL
 * is ignored. */
void mcp_call_free(mcp_call *call);

#endif
