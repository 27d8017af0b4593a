/*
 * tools_session.c - the tools on one session: create_session,
 * destroy_session, get_workspace_info, reset_workspace and
 * cancel_execution; and the checks and errors every tool gives about a
 * session (a malformed id, one the caller does not own, an unknown or
 * expired one, the session limit, a failed sandbox call).
 *
 * Invariants: an id is checked for form, then for its owner, before any
 * call; a session of another owner is "not found", in the same words as
 * one that does not exist; an unknown or expired id is an error and
 * creates nothing; the session count stays within max_sessions (creations
 * are serialised by the server lock, so concurrent creates cannot
 * overshoot); a session's owner is in its record from its creation on;
 * destroy and reset first cancel the session's runs, so they never wait
 * behind a long execution.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp/expiry.h"
#include "mcp/gauges.h"
#include "mcp/metrics.h"
#include "mcp/owner.h"
#include "mcp/tool_result.h"
#include "mcp/tools_impl.h"
#include "util/clock.h"
#include "util/lock.h"

#define SESSION_ERR_MAX        1024
#define SESSION_CREATE_LOCK    "create.lock" /* in the storage dir */
#define SESSION_CREATE_WAIT_MS 10000.0       /* counting and creating take milliseconds */

/* See tools_impl.h. */
bool mcp_tool_owns(mcp_call *call, const char *id) {
    mcp_server *srv = call->req->srv;
    char owner[LSB_SESSION_OWNER_MAX + 1];
    mcp_owner_get(srv->sandbox, srv->owners_dir, id, owner);
    if (strcmp(owner, MCP_OWNER_RELEASED) == 0) return false;
    if (srv->opt.share_sessions) return true;
    const char *mine = call->req->peer->owner;
    return owner[0] != '\0' && mine[0] != '\0' && strcmp(owner, mine) == 0;
}

/* See tools_impl.h. */
json_t *mcp_tool_unknown_session(mcp_call *call, const char *id) {
    mcp_server *srv = call->req->srv;
    bool expired = mcp_expiry_was_expired(srv->expiry, id,
                                          srv->opt.share_sessions ? NULL : call->req->peer->owner);
    return mcp_result_errorf(
        "UnknownSession",
        "Session %.128s not found%s. Create one with create_session (and pass its session_id), "
        "or omit session_id to run in a fresh sandbox.",
        id, expired ? ": it expired after being idle too long and was deleted" : "");
}

/* See tools_impl.h. */
json_t *mcp_tool_status_error(mcp_call *call, lsb_status st, const char *id, const char *err) {
    switch (st) {
    case LSB_ERR_NO_SESSION:
        return id ? mcp_tool_unknown_session(call, id) : mcp_result_error("NotFound", err);
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

/* See tools_impl.h. */
json_t *mcp_tool_check_session(mcp_call *call, const char *id) {
    json_t *bad = mcp_tool_check_session_id(id);
    if (bad == NULL && !mcp_tool_owns(call, id)) bad = mcp_tool_unknown_session(call, id);
    return bad;
}

/* Take the creation lock of the storage dir (STORAGE/create.lock), which
 * every node sharing it takes around counting and creating, so that
 * max_sessions holds for them together. 0, or -1 with err. */
static int lock_creation(mcp_server *srv, util_lock *l, char *err, size_t errlen) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/" SESSION_CREATE_LOCK, srv->storage_dir) >=
        (int)sizeof path) {
        snprintf(err, errlen, "the storage directory path is too long");
        return -1;
    }
    if (util_lock_take(l, path, util_now_ms() + SESSION_CREATE_WAIT_MS, NULL, NULL) == 0) return 0;
    snprintf(err, errlen, "cannot take the session creation lock %.600s: %s", path,
             errno == EWOULDBLOCK ? "another node held it too long" : strerror(errno));
    return -1;
}

/* Create the session o (its record naming the caller as its owner) under
 * the server lock and the nodes' creation lock, within max_sessions. Returns the error result, or
 * NULL with the id in id. */
static json_t *create_owned(mcp_call *call, const lsb_session_options *o,
                            char id[LSB_SESSION_ID_MAX + 1]) {
    mcp_server *srv = call->req->srv;
    char err[SESSION_ERR_MAX];
    json_t *failure = NULL;
    pthread_mutex_lock(&srv->lock);
    util_lock nodes = {.fd = -1};
    size_t existing = 0;
    if (lock_creation(srv, &nodes, err, sizeof err) != 0) {
        failure = mcp_result_errorf("SandboxError", "The sandbox failed: %s", err);
    } else if ((existing = (size_t)mcp_gauges_sessions(srv)) >= srv->opt.max_sessions) {
        mcp_metrics_reject(MCP_REJECT_LIMIT);
        failure = mcp_result_session_limit(&srv->opt, existing);
    } else {
        lsb_status st = lsb_session_create(srv->sandbox, o, id, err, sizeof err);
        if (st != LSB_OK)
            failure = mcp_tool_status_error(call, st, NULL, err);
        else
            mcp_metrics_session(true);
    }
    util_lock_release(&nodes, false);
    pthread_mutex_unlock(&srv->lock);
    return failure;
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
    o.owner = call->req->peer->owner;
    char id[LSB_SESSION_ID_MAX + 1], err[SESSION_ERR_MAX];
    if ((bad = create_owned(call, &o, id)) != NULL) return bad;
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

/* The session_id argument after its form and owner checks; NULL with
 * *bad set. */
static const char *session_arg(mcp_call *call, json_t **bad) {
    *bad = mcp_tool_check_session(call, call->session_id);
    return *bad ? NULL : call->session_id;
}

/* destroy_session(session_id): the owner goes with the record, which the
 * library removes last, under the session's locks (a call waiting on them
 * then finds no session); a failed destroy keeps it, owner and all. */
json_t *mcp_tool_destroy_session(mcp_call *call) {
    json_t *bad;
    const char *id = session_arg(call, &bad);
    if (id == NULL) return bad;
    mcp_server *srv = call->req->srv;
    char err[SESSION_ERR_MAX];
    unsigned stopped = mcp_calls_cancel_session(srv->calls, id);
    lsb_status st = lsb_session_destroy(srv->sandbox, id, err, sizeof err);
    if (st != LSB_OK) return mcp_tool_status_error(call, st, id, err);
    mcp_metrics_session(false);
    char text[256];
    snprintf(text, sizeof text, "Destroyed session %s%s", id,
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
    if (st == LSB_ERR_NO_SESSION) return mcp_tool_unknown_session(call, id);
    if (st != LSB_OK)
        return mcp_result_errorf("SandboxError", "Failed to reset session %s: %s", id, err);
    char text[256];
    snprintf(text, sizeof text, "Reset workspace session %s", id);
    return mcp_result_new(text, json_pack("{s:s, s:b}", "session_id", id, "reset", 1), false);
}

/* cancel_execution(session_id): never blocks (inline). */
json_t *mcp_tool_cancel_execution(mcp_call *call) {
    json_t *bad;
    const char *id = session_arg(call, &bad);
    if (id == NULL) return bad;
    unsigned n = mcp_calls_cancel_session(call->req->srv->calls, id);
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

/* See tools_impl.h. */
json_t *mcp_tool_session_json(mcp_server *srv, const lsb_session_info *info) {
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

/* The original's file lists of a workspace listing: "files" (the
 * client's files, as paths relative to /app) and, when system is set,
 * "system_files" (those in /app/.lsb), plus ours: "file_entries" with
 * sizes, times and folders. Sets them on s; returns the client files'
 * count in *client and the system files' in *sys. */
static void file_lists(json_t *s, const lsb_file_entry *files, size_t count, bool system,
                       size_t *client, size_t *sys) {
    json_t *mine = json_array(), *theirs = json_array(), *entries = json_array();
    for (size_t i = 0; i < count; i++) {
        const lsb_file_entry *f = &files[i];
        json_array_append_new(entries, json_pack("{s:s, s:I, s:f, s:b, s:b}", "path", f->path,
                                                 "size", (json_int_t)f->size, "mtime", f->mtime,
                                                 "is_dir", f->is_dir, "is_system", f->is_system));
        if (!f->is_dir) json_array_append_new(f->is_system ? theirs : mine, json_string(f->path));
    }
    *client = json_array_size(mine);
    *sys = json_array_size(theirs);
    json_object_set_new(s, "files", mine);
    if (system)
        json_object_set_new(s, "system_files", theirs);
    else
        json_decref(theirs);
    json_object_set_new(s, "file_entries", entries);
}

/* The text of get_workspace_info: the original's sentence, then one line
 * per entry. NULL when out of memory. */
static char *workspace_text(const char *id, const lsb_session_info *info,
                            const lsb_file_entry *files, size_t count, bool system, size_t client,
                            size_t sys) {
    size_t cap = 1024 + count * (PATH_MAX / 16), n;
    char *text = malloc(cap);
    if (text == NULL) return NULL;
    n = (size_t)snprintf(text, cap, "Session %s: %s, %llu executions, %zu files", id,
                         lsb_language_name(info->language),
                         (unsigned long long)info->execution_count, client);
    if (system) n += (size_t)snprintf(text + n, cap - n, " (%zu system)", sys);
    for (size_t i = 0; i < count && n < cap; i++)
        n += (size_t)snprintf(text + n, cap - n, "\n  /app/%s%s %llu bytes", files[i].path,
                              files[i].is_dir ? "/" : "", (unsigned long long)files[i].size);
    return text;
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
    size_t count = 0, client = 0, sys = 0;
    char err[SESSION_ERR_MAX];
    lsb_status st = lsb_session_info_get(srv->sandbox, id, &info, err, sizeof err);
    if (st == LSB_OK)
        st = lsb_session_file_list(srv->sandbox, id, NULL, system, &files, &count, err, sizeof err);
    if (st != LSB_OK) return mcp_tool_status_error(call, st, id, err);
    json_t *s = mcp_tool_session_json(srv, &info);
    json_object_set_new(s, "workspace_id", json_string(id));
    json_object_set_new(s, "sandbox_session_id", json_string(id));
    json_object_set_new(s, "variables", json_array());
    json_object_set_new(s, "imports", json_array());
    json_object_set_new(s, "quota_bytes", json_integer((json_int_t)info.policy.quota_bytes));
    json_object_set_new(s, "quota_files", json_integer((json_int_t)info.policy.quota_files));
    file_lists(s, files, count, system, &client, &sys);
    char *text = workspace_text(id, &info, files, count, system, client, sys);
    lsb_file_list_free(files, count);
    json_t *result = mcp_result_new(text ? text : "", s, false);
    free(text);
    return result;
}
