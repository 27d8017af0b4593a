/*
 * gauges.c - the gauges of the MCP server's metrics, read at export time
 * (/metrics and get_metrics) from the sandbox, the worker pools and the
 * HTTP transport. Kept apart from metrics.c, which only counts, so the
 * protocol and its tests can count without linking the sandbox.
 *
 * Invariants: reading never waits for a session's run: sessions are
 * counted through the storage adapter and live processes by the library.
 */
#include "mcp/gauges.h"

#include <string.h>

#include "mcp/calls.h"

#define GAUGES_ERR_MAX 512

/* See gauges.h. */
uint64_t mcp_gauges_sessions(mcp_server *srv) {
    char **ids = NULL, err[GAUGES_ERR_MAX];
    size_t n = 0;
    if (lsb_session_ids(srv->sandbox, &ids, &n, err, sizeof err) != LSB_OK) return 0;
    lsb_session_ids_free(ids, n);
    return n;
}

/* See gauges.h. */
void mcp_gauges_read(mcp_server *srv, mcp_gauges *g) {
    memset(g, 0, sizeof *g);
    g->sessions = mcp_gauges_sessions(srv);
    g->live_sessions = lsb_sandbox_live_sessions(srv->sandbox);
    mcp_calls_counts(srv->calls, &g->running, &g->queued);
    g->http_sessions = atomic_load(&srv->http_sessions);
    lsb_recovery_counts rc;
    lsb_recovery_counts_get(&rc);
    g->zygote_restarts = rc.zygote_restarts;
    g->sessions_lost = rc.sessions_lost;
}
