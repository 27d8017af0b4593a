/*
 * lifecycle.c - the public calls that create, describe, list, reset,
 * and destroy sessions, and configure the table
 * (lsb_sandbox_configure_sessions, lsb_session_create, _info_get, _ids,
 * _list, _reset, _destroy, _set_owner, _owner_get), and the recovery
 * counts; pruning is in prune.c.
 *
 * Each call finds the sandbox's table and works through table.h, so the
 * table itself never reaches back into the sandbox. Nothing here runs guest
 * code: executions are in exec.c and installs in install.c.
 *
 * A session whose record is damaged (unreadable or not a valid record) is
 * listed, flagged, with what is known without its record; info describes
 * it the same way but fails, and destroy removes it like any other (prune
 * goes by its age on disk). Every other call refuses it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/defaults.h"
#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/workspace.h"
#include "sandbox/zygote.h"
#include "session/live.h"
#include "session/record.h"
#include "session/table.h"
#include "util/clock.h"

#define SESS_CLOCK_SKEW_S 86400.0 /* a time set from outside may run ahead of ours by this */

/* See llmsandbox.h. */
lsb_status lsb_sandbox_configure_sessions(lsb_sandbox *sb, const lsb_sessions_config *c, char *err,
                                          size_t errlen) {
    lsb_status st = sess_table_configure(sandbox_sessions(sb), c, err, errlen);
    size_t n = 0;
    while (st == LSB_OK && c && c->preimports && c->preimports[n])
        n++;
    if (st == LSB_OK && c && c->preimports && sandbox_set_preimports(sb, c->preimports, n) != 0) {
        snprintf(err, errlen, "pre-imports must be at most %d module names like 'csv' or 'xml.dom'",
                 SANDBOX_MAX_PREIMPORTS);
        st = LSB_ERR_INVALID;
    }
    return st;
}

/* Fill a new session's info from options (id chosen); LSB_OK or INVALID. */
static lsb_status new_info(const lsb_session_options *o, const char *id, lsb_session_info *info,
                           char *err, size_t errlen) {
    memset(info, 0, sizeof *info);
    snprintf(info->id, sizeof info->id, "%s", id);
    if (lsb_language_name(o->language) == NULL || o->language > LSB_LANG_JAVASCRIPT) {
        snprintf(err, errlen, "unknown language %d", (int)o->language);
        return LSB_ERR_INVALID;
    }
    if (sess_record_owner_check(o->owner, err, errlen) != 0) return LSB_ERR_INVALID;
    snprintf(info->owner, sizeof info->owner, "%s", o->owner ? o->owner : "");
    info->language = o->language;
    info->auto_persist_globals = o->auto_persist_globals;
    info->created_at = info->last_used_at = util_unix_time();
    if (o->policy)
        info->policy = *o->policy;
    else
        lsb_policy_init(&info->policy);
    info->policy.workspace = info->policy.data_dir = info->policy.external_dir = NULL;
    info->policy.env = NULL;
    info->policy.env_count = 0;
    info->policy.on_output = NULL;
    info->policy.on_output_ctx = NULL;
    info->policy.inject_setup = true; /* per run, never stored (llmsandbox.h) */
    return policy_validate(&info->policy, err, errlen) == 0 ? LSB_OK : LSB_ERR_INVALID;
}

/* See llmsandbox.h. */
lsb_status lsb_session_create(lsb_sandbox *sb, const lsb_session_options *o,
                              char id_out[LSB_SESSION_ID_MAX + 1], char *err, size_t errlen) {
    char id[LSB_SESSION_ID_MAX + 1];
    lsb_session_info info;
    if (o == NULL) {
        snprintf(err, errlen, "lsb_session_create: no options");
        return LSB_ERR_INVALID;
    }
    if (o->id ? lsb_session_id_check(o->id, o->allow_custom_id, err, errlen) != 0
              : lsb_uuid_new(id) != 0)
        return LSB_ERR_INVALID;
    if (o->id) snprintf(id, sizeof id, "%s", o->id);
    lsb_status st = new_info(o, id, &info, err, errlen);
    if (st == LSB_OK) st = sess_table_create(sandbox_sessions(sb), &info, err, errlen);
    if (st == LSB_OK) snprintf(id_out, LSB_SESSION_ID_MAX + 1, "%s", id);
    return st;
}

/* See llmsandbox.h. */
lsb_status lsb_session_info_get(lsb_sandbox *sb, const char *id, lsb_session_info *out, char *err,
                                size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    lsb_status st;
    sess_damage damage;
    sess_entry *e = sess_table_acquire_any(t, id, out, &damage, &st, err, errlen);
    if (e == NULL) return st;
    sess_table_measure(t, id, out);
    sess_table_release(t, e);
    return damage == SESS_INTACT ? LSB_OK : LSB_ERR_STORAGE;
}

/* Order infos by id. */
static int info_cmp(const void *a, const void *b) {
    return strcmp(((const lsb_session_info *)a)->id, ((const lsb_session_info *)b)->id);
}

/* See llmsandbox.h. */
lsb_status lsb_session_ids(lsb_sandbox *sb, char ***ids, size_t *count, char *err, size_t errlen) {
    return sess_table_ids(sandbox_sessions(sb), ids, count, err, errlen);
}

/* See llmsandbox.h. */
void lsb_session_ids_free(char **ids, size_t count) {
    for (size_t i = 0; ids && i < count; i++)
        free(ids[i]);
    free(ids);
}

/* See llmsandbox.h. */
lsb_status lsb_session_list(lsb_sandbox *sb, lsb_session_info **out, size_t *count, char *err,
                            size_t errlen) {
    char **ids = NULL;
    size_t n = 0, kept = 0;
    *out = NULL;
    *count = 0;
    lsb_status st = lsb_session_ids(sb, &ids, &n, err, errlen);
    if (st != LSB_OK) return st;
    lsb_session_info *v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; v != NULL && i < n; i++) {
        char why[256];
        lsb_status st = lsb_session_info_get(sb, ids[i], &v[kept], why, sizeof why);
        if (st == LSB_OK || (st == LSB_ERR_STORAGE && v[kept].damaged)) kept++;
    }
    lsb_session_ids_free(ids, n);
    if (v == NULL) {
        snprintf(err, errlen, "out of memory");
        return LSB_ERR_SYSTEM;
    }
    qsort(v, kept, sizeof *v, info_cmp);
    *out = v;
    *count = kept;
    return LSB_OK;
}

/* Destroy session id (see llmsandbox.h). With idle_s < 0, unconditionally,
 * after waiting for a run of another process (a damaged record has no
 * timeout of its own: the default one). Otherwise only if it has been idle
 * for idle_s seconds, with one try at the lock (a session another process
 * is running is in use, not idle) and the record read again under it, as
 * that run may have just ended (a damaged one is idle since its files
 * changed). *destroyed says whether it went. */
static lsb_status destroy(lsb_sandbox *sb, const char *id, double idle_s, bool *destroyed,
                          char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    lsb_session_info info;
    lsb_status st;
    sess_damage damage;
    *destroyed = false;
    sess_entry *e = sess_table_acquire_any(t, id, &info, &damage, &st, err, errlen);
    if (e == NULL) return st;
    bool damaged = info.damaged, if_idle = idle_s >= 0;
    uint32_t wait_ms = if_idle ? 0 : damaged ? LSB_DEFAULT_TIMEOUT_MS : info.policy.timeout_ms;
    errno = 0;
    st = sess_table_lock_workspace(t, e, if_idle && !damaged ? &info : NULL,
                                   util_now_ms() + wait_ms, NULL, NULL, err, errlen);
    if (if_idle && st == LSB_ERR_WORKSPACE && errno == EWOULDBLOCK) {
        st = LSB_OK;
    } else if (st == LSB_OK) {
        double last = damaged ? sess_table_disk_age(t, id) : info.last_used_at;
        if ((!if_idle || util_unix_time() - last >= idle_s) &&
            (st = sess_table_remove(t, e, err, errlen)) == LSB_OK)
            *destroyed = true;
    }
    sess_table_release(t, e);
    return st;
}

/* See llmsandbox.h. */
lsb_status lsb_session_destroy(lsb_sandbox *sb, const char *id, char *err, size_t errlen) {
    bool destroyed;
    return destroy(sb, id, -1, &destroyed, err, errlen);
}

/* See llmsandbox.h. */
lsb_status lsb_session_destroy_idle(lsb_sandbox *sb, const char *id, double idle_s, bool *destroyed,
                                    char *err, size_t errlen) {
    return destroy(sb, id, idle_s < 0 ? 0 : idle_s, destroyed, err, errlen);
}

/* See llmsandbox.h. */
lsb_status lsb_session_reset(lsb_sandbox *sb, const char *id, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    lsb_session_info info;
    lsb_status st;
    char ws[PATH_MAX];
    sess_entry *e = sess_table_acquire(t, id, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = sess_table_lock_workspace(t, e, &info, util_now_ms() + info.policy.timeout_ms, NULL, NULL,
                                   err, errlen);
    if (st != LSB_OK) {
        sess_table_release(t, e);
        return st;
    }
    sess_live_stop(&e->live);
    int fd = sess_table_workspace(t, id, ws, sizeof ws) == 0
                 ? open(ws, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                 : -1;
    if (fd < 0 || ws_empty_dir(fd) != 0) {
        snprintf(err, errlen, "cannot empty the workspace of session '%s': %s", id,
                 strerror(errno));
        st = LSB_ERR_WORKSPACE;
    }
    info.last_used_at = util_unix_time();
    info.execution_count = 0; /* as the original's reset_workspace */
    if (st == LSB_OK) st = sess_table_save(t, &info, err, errlen);
    sess_table_release(t, e);
    return st;
}

/* A change to a session record, applied by update_record. */
typedef void (*record_change)(lsb_session_info *info, const void *ctx);

/* Change session id's record with change(info, ctx) under the session's
 * locks, the record read again under them, so another process's update
 * goes first and is kept; then save it. */
static lsb_status update_record(lsb_sandbox *sb, const char *id, record_change change,
                                const void *ctx, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    lsb_session_info info;
    lsb_status st;
    sess_entry *e = sess_table_acquire(t, id, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = sess_table_lock_workspace(t, e, &info, util_now_ms() + info.policy.timeout_ms, NULL, NULL,
                                   err, errlen);
    if (st == LSB_OK) {
        change(&info, ctx);
        st = sess_table_save(t, &info, err, errlen);
    }
    sess_table_release(t, e);
    return st;
}

/* record_change: the owner label ctx (NULL: none). */
static void change_owner(lsb_session_info *info, const void *ctx) {
    snprintf(info->owner, sizeof info->owner, "%s", ctx ? (const char *)ctx : "");
}

/* See llmsandbox.h. */
lsb_status lsb_session_set_owner(lsb_sandbox *sb, const char *id, const char *owner, char *err,
                                 size_t errlen) {
    if (sess_record_owner_check(owner, err, errlen) != 0) return LSB_ERR_INVALID;
    return update_record(sb, id, change_owner, owner, err, errlen);
}

/* record_change: the two times of ctx (a double[2]; a negative one is kept). */
static void change_times(lsb_session_info *info, const void *ctx) {
    const double *times = ctx;
    if (times[0] >= 0) info->created_at = times[0];
    if (times[1] >= 0) info->last_used_at = times[1];
}

/* See llmsandbox.h. */
lsb_status lsb_session_set_times(lsb_sandbox *sb, const char *id, double created_at,
                                 double last_used_at, char *err, size_t errlen) {
    const double times[2] = {created_at, last_used_at},
                 latest = util_unix_time() + SESS_CLOCK_SKEW_S;
    for (int i = 0; i < 2; i++)
        if (!isfinite(times[i]) || times[i] > latest) {
            snprintf(err, errlen, "a session time must be a Unix time no later than now (got %g)",
                     times[i]);
            return LSB_ERR_INVALID;
        }
    return update_record(sb, id, change_times, times, err, errlen);
}

/* See llmsandbox.h. */
lsb_status lsb_session_owner_get(lsb_sandbox *sb, const char *id,
                                 char out[LSB_SESSION_OWNER_MAX + 1], char *err, size_t errlen) {
    lsb_session_info info;
    lsb_status st = sess_table_peek(sandbox_sessions(sb), id, &info, err, errlen);
    snprintf(out, LSB_SESSION_OWNER_MAX + 1, "%s",
             st == LSB_OK || st == LSB_ERR_STORAGE ? info.owner : "");
    return st;
}

/* See llmsandbox.h. */
void lsb_recovery_counts_get(lsb_recovery_counts *out) {
    out->zygote_restarts = zyg_restarts();
    out->sessions_lost = sess_live_losses();
}
