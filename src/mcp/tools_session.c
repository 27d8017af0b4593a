/*
 * tools_session.c - the session tools: create_session, destroy_session,
 * get_workspace_info, reset_workspace, cancel_execution and
 * get_active_sessions; and the errors every tool gives about a session
 * (a malformed id, an unknown or expired one, a failed sandbox call).
 *
 * Invariants: an id is checked for form before any call; an unknown or
 * expired id is an error and creates nothing; the session count stays
 * within max_sessions (creation is serialised by the server lock, so
 * concurrent creates cannot overshoot); destroy and reset first cancel
 * the session's runs, so they never wait behind a long execution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp/expiry.h"
#include "mcp/gauges.h"
#include "mcp/metrics.h"
#include "mcp/tool_result.h"
#include "mcp/tools_impl.h"

#define SESSION_ERR_MAX 1024

/* See tools_impl.h. */
json_t *mcp_tool_unknown_session(mcp_server *srv, const char *id) {
    bool expired = mcp_expiry_was_expired(srv->expiry, id);
    return mcp_result_errorf(
        "UnknownSession",
        "Unknown session '%.128s': %s. Create one with create_session (and pass its session_id), "
        "or omit session_id to run in a fresh sandbox.",
        id,
        expired ? "it expired after being idle too long and was deleted"
                : "no session has this id");
}

/* See tools_impl.h. */
json_t *mcp_tool_status_error(mcp_server *srv, lsb_status st, const char *id, const char *err) {
    switch (st) {
    case LSB_ERR_NO_SESSION:
        return id ? mcp_tool_unknown_session(srv, id) : mcp_result_error("NotFound", err);
    case LSB_ERR_NOT_FOUND:
    case LSB_ERR_NO_PACKAGE: return mcp_result_error("NotFound", err);
    case LSB_ERR_INVALID: return mcp_result_error("InvalidRequest", err);
    case LSB_ERR_EXISTS: return mcp_result_error("SessionExists", err);
    case LSB_ERR_QUOTA: return mcp_result_error("QuotaExceeded", err);
    default: return mcp_result_errorf("SandboxError", "The sandbox failed: %s", err);
    }
}

/* See tools_impl.h. */
json_t *mcp_tool_check_session_id(const char *id) {
    char why[256];
    if (lsb_session_id_check(id, true, why, sizeof why) == 0) return NULL;
    return mcp_result_errorf("InvalidArguments", "session_id: %s", why);
}

/* create_session(language, session_id?, auto_persist_globals?) */
json_t *mcp_tool_create_session(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    const char *lang_name = json_string_value(json_object_get(call->args, "language"));
    json_t *persist = json_object_get(call->args, "auto_persist_globals");
    json_t *bad = call->session_id[0] ? mcp_tool_check_session_id(call->session_id) : NULL;
    if (bad != NULL) return bad;
    lsb_session_options o = {0};
    lsb_language_parse(lang_name, &o.language);
    o.id = call->session_id[0] ? call->session_id : NULL;
    o.allow_custom_id = true;
    o.auto_persist_globals = json_is_true(persist);
    char id[LSB_SESSION_ID_MAX + 1], err[SESSION_ERR_MAX];
    pthread_mutex_lock(&srv->lock);
    size_t existing = (size_t)mcp_gauges_sessions(srv);
    lsb_status st = existing >= srv->opt.max_sessions
                        ? LSB_ERR_QUOTA
                        : lsb_session_create(srv->sandbox, &o, id, err, sizeof err);
    pthread_mutex_unlock(&srv->lock);
    if (existing >= srv->opt.max_sessions) {
        mcp_metrics_reject(MCP_REJECT_LIMIT);
        return mcp_result_errorf("TooManySessions",
                                 "This server already holds %zu sessions (its limit is %u). "
                                 "Destroy one you no longer need with destroy_session, or reuse "
                                 "one (get_active_sessions lists them).",
                                 existing, srv->opt.max_sessions);
    }
    if (st != LSB_OK) return mcp_tool_status_error(srv, st, NULL, err);
    snprintf(call->session_id, sizeof call->session_id, "%s", id);
    lsb_session_info info = {0};
    if (lsb_session_info_get(srv->sandbox, id, &info, err, sizeof err) != LSB_OK)
        info.created_at = (double)time(NULL);
    char text[768];
    snprintf(text, sizeof text,
             "Created session %s for %s%s. Pass session_id \"%s\" to execute_code: variables and "
             "files in /app persist between calls, and a failed run leaves them unchanged. It is "
             "deleted after %u s without use.",
             id, lang_name,
             o.auto_persist_globals ? " with automatic global variable persistence" : "", id,
             srv->opt.session_ttl_s);
    return mcp_result_new(text,
                          json_pack("{s:s, s:s, s:s, s:f, s:b, s:s, s:i, s:o}", "session_id", id,
                                    "language", lang_name, "sandbox_session_id", id, "created_at",
                                    info.created_at, "auto_persist_globals", o.auto_persist_globals,
                                    "workspace", "/app", "expires_after_idle_s",
                                    (int)srv->opt.session_ttl_s, "limits",
                                    mcp_result_limits(&srv->opt)),
                          false);
}

/* The session_id argument after its form check; NULL with *bad set. */
static const char *session_arg(mcp_call *call, json_t **bad) {
    *bad = mcp_tool_check_session_id(call->session_id);
    return *bad ? NULL : call->session_id;
}

/* destroy_session(session_id) */
json_t *mcp_tool_destroy_session(mcp_call *call) {
    json_t *bad;
    const char *id = session_arg(call, &bad);
    if (id == NULL) return bad;
    char err[SESSION_ERR_MAX];
    unsigned stopped = mcp_calls_cancel_session(call->req->srv->calls, id);
    lsb_status st = lsb_session_destroy(call->req->srv->sandbox, id, err, sizeof err);
    if (st != LSB_OK) return mcp_tool_status_error(call->req->srv, st, id, err);
    char text[256];
    snprintf(text, sizeof text, "Destroyed session %s%s.", id,
             stopped ? " (its running execution was stopped)" : "");
    return mcp_result_new(text, json_pack("{s:s, s:b}", "session_id", id, "destroyed", 1), false);
}

/* reset_workspace(session_id) */
json_t *mcp_tool_reset_workspace(mcp_call *call) {
    json_t *bad;
    const char *id = session_arg(call, &bad);
    if (id == NULL) return bad;
    char err[SESSION_ERR_MAX];
    mcp_calls_cancel_session(call->req->srv->calls, id);
    lsb_status st = lsb_session_reset(call->req->srv->sandbox, id, err, sizeof err);
    if (st != LSB_OK) return mcp_tool_status_error(call->req->srv, st, id, err);
    char text[256];
    snprintf(text, sizeof text,
             "Reset session %s: /app is empty and its variables are gone; the session stays.", id);
    return mcp_result_new(text, json_pack("{s:s, s:b}", "session_id", id, "reset", 1), false);
}

/* Whether a session id is stored, asked of the storage adapter (which,
 * unlike lsb_session_info_get, never waits for the session's run). */
static bool session_stored(mcp_server *srv, const char *id) {
    char **ids = NULL, err[SESSION_ERR_MAX];
    size_t n = 0;
    bool found = false;
    if (lsb_session_ids(srv->sandbox, &ids, &n, err, sizeof err) != LSB_OK) return false;
    for (size_t i = 0; i < n && !found; i++)
        found = strcmp(ids[i], id) == 0;
    lsb_session_ids_free(ids, n);
    return found;
}

/* cancel_execution(session_id): never blocks (inline). */
json_t *mcp_tool_cancel_execution(mcp_call *call) {
    json_t *bad;
    const char *id = session_arg(call, &bad);
    if (id == NULL) return bad;
    mcp_server *srv = call->req->srv;
    unsigned n = mcp_calls_cancel_session(srv->calls, id);
    if (n == 0 && !session_stored(srv, id)) return mcp_tool_unknown_session(srv, id);
    char text[256];
    if (n > 0)
        snprintf(text, sizeof text,
                 "Cancelled %u execution(s) of session %s; its variables are as they were before "
                 "that run.",
                 n, id);
    else
        snprintf(text, sizeof text, "Nothing was running in session %s.", id);
    return mcp_result_new(text, json_pack("{s:s, s:i}", "session_id", id, "cancelled", (int)n),
                          false);
}

/* One session as JSON (from its info). */
static json_t *session_json(mcp_server *srv, const lsb_session_info *info) {
    double idle = (double)time(NULL) - info->last_used_at;
    double left = (double)srv->opt.session_ttl_s - idle;
    return json_pack("{s:s, s:s, s:f, s:f, s:I, s:b, s:b, s:b, s:I, s:I, s:i}", "session_id",
                     info->id, "language", lsb_language_name(info->language), "created_at",
                     info->created_at, "last_used_at", info->last_used_at, "execution_count",
                     (json_int_t)info->execution_count, "auto_persist_globals",
                     info->auto_persist_globals, "is_expired", 0, "running",
                     mcp_calls_session_busy(srv->calls, info->id), "workspace_bytes",
                     (json_int_t)info->workspace_bytes, "workspace_files",
                     (json_int_t)info->workspace_files, "expires_in_s", left > 0 ? (int)left : 0);
}

/* get_workspace_info(session_id, include_system_files?) */
json_t *mcp_tool_workspace_info(mcp_call *call) {
    json_t *bad;
    const char *id = session_arg(call, &bad);
    if (id == NULL) return bad;
    mcp_server *srv = call->req->srv;
    bool system = json_is_true(json_object_get(call->args, "include_system_files"));
    lsb_session_info info;
    lsb_file_entry *files = NULL;
    size_t count = 0;
    char err[SESSION_ERR_MAX];
    lsb_status st = lsb_session_info_get(srv->sandbox, id, &info, err, sizeof err);
    if (st == LSB_OK)
        st = lsb_session_file_list(srv->sandbox, id, NULL, system, &files, &count, err, sizeof err);
    if (st != LSB_OK) return mcp_tool_status_error(srv, st, id, err);
    json_t *list = json_array(), *s = session_json(srv, &info);
    size_t text_cap = 4096 + count * 96, n = 0;
    char *text = malloc(text_cap);
    if (text != NULL)
        n = (size_t)snprintf(
            text, text_cap, "Session %s (%s): %llu runs, %llu bytes in %llu files under /app%s\n",
            id, lsb_language_name(info.language), (unsigned long long)info.execution_count,
            (unsigned long long)info.workspace_bytes, (unsigned long long)info.workspace_files,
            count ? ":" : ".");
    for (size_t i = 0; i < count; i++) {
        json_array_append_new(list, json_pack("{s:s, s:I, s:f, s:b, s:b}", "path", files[i].path,
                                              "size", (json_int_t)files[i].size, "mtime",
                                              files[i].mtime, "is_dir", files[i].is_dir,
                                              "is_system", files[i].is_system));
        if (text != NULL && n < text_cap)
            n += (size_t)snprintf(text + n, text_cap - n, "  /app/%s%s %llu bytes\n", files[i].path,
                                  files[i].is_dir ? "/" : "", (unsigned long long)files[i].size);
    }
    lsb_file_list_free(files, count);
    json_object_set_new(s, "files", list);
    json_object_set_new(s, "quota_bytes", json_integer((json_int_t)info.policy.quota_bytes));
    json_object_set_new(s, "quota_files", json_integer((json_int_t)info.policy.quota_files));
    json_t *result = mcp_result_new(text ? text : "", s, false);
    free(text);
    return result;
}

/* get_active_sessions() */
json_t *mcp_tool_active_sessions(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    json_t *list = json_array();
    char **ids = NULL, err[SESSION_ERR_MAX];
    size_t n = 0;
    if (lsb_session_ids(srv->sandbox, &ids, &n, err, sizeof err) != LSB_OK)
        return mcp_tool_status_error(srv, LSB_ERR_STORAGE, NULL, err);
    for (size_t i = 0; i < n; i++) {
        lsb_session_info info;
        if (mcp_calls_session_busy(srv->calls, ids[i])) /* do not wait for its run */
            json_array_append_new(list,
                                  json_pack("{s:s, s:b}", "session_id", ids[i], "running", 1));
        else if (lsb_session_info_get(srv->sandbox, ids[i], &info, err, sizeof err) == LSB_OK)
            json_array_append_new(list, session_json(srv, &info));
    }
    lsb_session_ids_free(ids, n);
    /* Expired sessions are destroyed (see expiry.c), so none is listed as
     * expired; the original's summary keeps its shape. */
    size_t active = json_array_size(list);
    char text[256];
    snprintf(text, sizeof text,
             "Active sessions: %zu active, 0 expired, %zu total (limit %u). Details are in the "
             "structured content.",
             active, active, srv->opt.max_sessions);
    return mcp_result_new(text,
                          json_pack("{s:o, s:{s:I, s:i, s:I}, s:i}", "sessions", list, "summary",
                                    "active_count", (json_int_t)active, "expired_count", 0,
                                    "total_count", (json_int_t)active, "max_sessions",
                                    (int)srv->opt.max_sessions),
                          false);
}
