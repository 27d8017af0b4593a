/*
 * tools_owned.c - the tools over all of a caller's sessions:
 * get_active_sessions and reset_all_sessions, and get_metrics, whose
 * active session count is the caller's.
 *
 * Invariants: a caller only ever sees or ends the sessions it owns (all
 * of them when the server shares sessions); listing never waits for a
 * run (a busy session is listed as running, not asked for its info);
 * reset_all_sessions without cleanup_disk releases the sessions (their
 * ids are unknown at once, their processes end) and the expiry sweep
 * deletes their workspaces at its next pass, so no disk is left behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/gauges.h"
#include "mcp/metrics.h"
#include "mcp/owner.h"
#include "mcp/request.h"
#include "mcp/tool_result.h"
#include "mcp/tools_impl.h"
#include "util/json.h"

#define OWNED_ERR_MAX 1024

/* See tools_impl.h. */
int mcp_tool_owned_ids(mcp_call *call, char ***ids, size_t *count, char *err, size_t errlen) {
    mcp_server *srv = call->req->srv;
    if (lsb_session_ids(srv->sandbox, ids, count, err, errlen) != LSB_OK) return -1;
    size_t kept = 0;
    for (size_t i = 0; i < *count; i++) {
        if (mcp_tool_owns(call, (*ids)[i]))
            (*ids)[kept++] = (*ids)[i];
        else
            free((*ids)[i]);
    }
    *count = kept;
    return 0;
}

/* get_active_sessions() */
json_t *mcp_tool_active_sessions(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    json_t *list = json_array();
    char **ids = NULL, err[OWNED_ERR_MAX];
    size_t n = 0;
    if (mcp_tool_owned_ids(call, &ids, &n, err, sizeof err) != 0) {
        json_decref(list);
        return mcp_tool_status_error(call, LSB_ERR_STORAGE, NULL, err);
    }
    for (size_t i = 0; i < n; i++) {
        lsb_session_info info;
        lsb_status st = LSB_OK;
        if (mcp_calls_session_busy(srv->calls, ids[i])) /* do not wait for its run */
            json_array_append_new(list,
                                  json_pack("{s:s, s:b}", "session_id", ids[i], "running", 1));
        else if ((st = lsb_session_info_get(srv->sandbox, ids[i], &info, err, sizeof err)) ==
                 LSB_OK)
            json_array_append_new(list, mcp_tool_session_json(srv, &info));
        else if (st == LSB_ERR_STORAGE && info.damaged) /* listed, so it can be destroyed */
            json_array_append_new(list, json_pack("{s:s, s:b, s:o}", "session_id", ids[i],
                                                  "damaged", 1, "error", util_json_str(err)));
    }
    lsb_session_ids_free(ids, n);
    /* Expired sessions are destroyed (see expiry.c), so none is listed as
     * expired; the original's summary keeps its shape. */
    size_t active = json_array_size(list);
    char text[256];
    snprintf(text, sizeof text,
             "Active sessions: %zu active, 0 expired, %zu total (server limit %u). Details are in "
             "the structured content.",
             active, active, srv->opt.max_sessions);
    return mcp_result_new(text,
                          json_pack("{s:o, s:{s:I, s:i, s:I}, s:i}", "sessions", list, "summary",
                                    "active_count", (json_int_t)active, "expired_count", 0,
                                    "total_count", (json_int_t)active, "max_sessions",
                                    (int)srv->opt.max_sessions),
                          false);
}

/* End one session of the caller: destroy it now (cleanup), or release it
 * for the expiry sweep. Returns NULL, or the failure (malloc'd) to
 * report. */
static char *end_session(mcp_call *call, const char *id, bool cleanup) {
    mcp_server *srv = call->req->srv;
    char err[OWNED_ERR_MAX], *failure = NULL;
    mcp_calls_cancel_session(srv->calls, id);
    if (!cleanup) {
        lsb_session_set_owner(srv->sandbox, id, MCP_OWNER_RELEASED, err, sizeof err);
        lsb_session_evict(srv->sandbox, id, err, sizeof err);
        return NULL;
    }
    lsb_status st = lsb_session_destroy(srv->sandbox, id, err, sizeof err);
    if (st == LSB_OK) mcp_metrics_session(false);
    if (st != LSB_OK) {
        size_t len = strlen(id) + strlen(err) + 3;
        failure = malloc(len);
        if (failure != NULL) snprintf(failure, len, "%s: %s", id, err);
        /* released, so the expiry sweep tries again */
        lsb_session_set_owner(srv->sandbox, id, MCP_OWNER_RELEASED, err, sizeof err);
    }
    return failure;
}

/* See tools_impl.h. */
size_t mcp_tool_release_owner(mcp_server *srv, const char *owner) {
    char **ids = NULL, err[OWNED_ERR_MAX];
    size_t n = 0, released = 0;
    if (owner[0] == '\0' || lsb_session_ids(srv->sandbox, &ids, &n, err, sizeof err) != LSB_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!mcp_owner_is(srv->sandbox, srv->owners_dir, ids[i], owner)) continue;
        /* nobody can take its result now; and releasing waits for no run */
        mcp_calls_cancel_session(srv->calls, ids[i]);
        if (lsb_session_set_owner(srv->sandbox, ids[i], MCP_OWNER_RELEASED, err, sizeof err) ==
            LSB_OK)
            released++;
    }
    lsb_session_ids_free(ids, n);
    return released;
}

/* reset_all_sessions(cleanup_disk?) */
json_t *mcp_tool_reset_all_sessions(mcp_call *call) {
    bool cleanup = json_is_true(json_object_get(call->args, "cleanup_disk"));
    char **ids = NULL, err[OWNED_ERR_MAX];
    size_t n = 0;
    if (mcp_tool_owned_ids(call, &ids, &n, err, sizeof err) != 0)
        return mcp_tool_status_error(call, LSB_ERR_STORAGE, NULL, err);
    json_t *errors = json_array();
    for (size_t i = 0; i < n; i++) {
        char *failure = end_session(call, ids[i], cleanup);
        if (failure != NULL) json_array_append_new(errors, json_string(failure));
        free(failure);
    }
    lsb_session_ids_free(ids, n);
    size_t failed = json_array_size(errors);
    char text[256];
    if (failed == 0)
        snprintf(text, sizeof text, "Reset %zu sessions successfully", n);
    else
        snprintf(text, sizeof text, "Reset %zu sessions with %zu disk cleanup errors", n, failed);
    if (failed == 0) {
        json_decref(errors);
        errors = json_null();
    }
    return mcp_result_new(text,
                          json_pack("{s:I, s:b, s:o}", "cleared_count", (json_int_t)n,
                                    "disk_cleanup", cleanup, "disk_errors", errors),
                          false);
}

/* get_metrics(): the server's counters, with the caller's sessions as
 * the active count (another client's sessions are not its business). */
json_t *mcp_tool_get_metrics(mcp_call *call) {
    mcp_gauges g;
    char **ids = NULL, err[512];
    size_t mine = 0;
    mcp_gauges_read(call->req->srv, &g);
    if (mcp_tool_owned_ids(call, &ids, &mine, err, sizeof err) == 0)
        lsb_session_ids_free(ids, mine);
    g.sessions = mine;
    json_t *m = mcp_metrics_json(&g);
    if (m == NULL) return NULL;
    json_object_set_new(m, "server",
                        json_pack("{s:s, s:s}", "version", LSB_VERSION, "name", MCP_SERVER_NAME));
    json_t *calls = json_object_get(json_object_get(m, "tool_executions"), "total_count");
    char text[256];
    snprintf(text, sizeof text, "MCP Server v%s: %lld tool executions, %zu active sessions",
             LSB_VERSION, (long long)json_integer_value(calls), mine);
    return mcp_result_new(text, m, false);
}
