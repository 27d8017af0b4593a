/*
 * exec.c - running code in a session (the public lsb_session_execute, and
 * sess_exec_run for install.c).
 *
 * An execution brings the session live if no process holds it (forked from
 * the language's zygote, which then must restore the durable state), runs
 * the code there (live.c), and updates the record. A failed run leaves
 * the process from before the run in charge, and the result says so.
 */
#include "session/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/defaults.h"
#include "sandbox/execute.h"
#include "sandbox/ipc.h"
#include "sandbox/policy.h"
#include "sandbox/report.h"
#include "sandbox/sandbox.h"
#include "sandbox/workspace.h"
#include "session/evict.h"
#include "session/record.h"
#include "util/clock.h"

#define EXEC_OPTIONS_MAX 512
#define EXEC_WARNING_MAX 256

/* The mounts and quotas a session process is bound to. */
static worker_request bind_request(lsb_sandbox *sb, const lsb_session_info *info, const char *ws) {
    return (worker_request){
        .quota_bytes = info->policy.quota_bytes,
        .quota_files = info->policy.quota_files,
        .stdlib_dir = sandbox_stdlib_dir(sb),
        .workspace = ws,
        .data_dir = sandbox_data_dir(sb),
        .external_dir = sess_table_external_dir(sandbox_sessions(sb)),
        .root_dir = sandbox_root_dir(sb),
    };
}

/* Bring e live if no process holds it; LSB_OK or SYSTEM with err. */
static lsb_status go_live(lsb_sandbox *sb, sess_entry *e, const lsb_session_info *info,
                          const char *ws, char *err, size_t errlen) {
    if (e->live.pid > 0) return LSB_OK;
    /* Both zygotes start together, before sess_evict_make_room may start the
     * reaper thread: a zygote is forked from this process, and a fork is
     * only safe while no other thread of ours can hold a lock. */
    if (lsb_sandbox_start_zygotes(sb, err, errlen) != LSB_OK) return LSB_ERR_SYSTEM;
    zyg_zygote *z = sandbox_zygote(sb, info->language);
    sess_evict_make_room(sandbox_sessions(sb));
    worker_request bind = bind_request(sb, info, ws);
    if (sess_live_start(&e->live, z, &bind, err, errlen) != 0) return LSB_ERR_SYSTEM;
    e->restore_pending = true;
    e->rescan = false;
    return LSB_OK;
}

/* Everything one session run needs besides the entry. */
typedef struct sess_job {
    const char *code, *filename;
    size_t code_len;
    bool scratch;
    lsb_policy policy;
    char ws[PATH_MAX];
} sess_job;

/* This run's LSB_REQ_OPTIONS text into buf (see lsb_abi.h). */
static void run_options(const sess_entry *e, const lsb_session_info *info, const sess_job *job,
                        char *buf, size_t len) {
    bool scratch = job->scratch;
    int n = snprintf(buf, len, "%s=%s\n", LSB_OPT_SITE_DIR, LSB_SITE_DIR_GUEST);
    if (scratch) n += snprintf(buf + n, len - (size_t)n, "%s=1\n", LSB_OPT_SCRATCH);
    if (!job->policy.inject_setup)
        n += snprintf(buf + n, len - (size_t)n, "%s", EXEC_OPT_NO_INJECT_SETUP);
    if (info->auto_persist_globals && !scratch)
        n += snprintf(buf + n, len - (size_t)n, "%s=%s\n%s=%llu\n", LSB_OPT_STATE_FILE,
                      LSB_STATE_FILE_GUEST, LSB_OPT_STATE_MAX,
                      (unsigned long long)LSB_STATE_MAX_BYTES);
    if (info->auto_persist_globals && e->restore_pending && !scratch)
        snprintf(buf + n, len - (size_t)n, "%s=1\n", LSB_OPT_RESTORE);
}

/* Append a copy of text to r's warnings (dropped on OOM). */
static void add_warning(lsb_result *r, const char *text) {
    char **grown = realloc(r->warnings, (r->warnings_count + 1) * sizeof *grown);
    if (grown == NULL) return;
    r->warnings = grown;
    if ((grown[r->warnings_count] = strdup(text)) != NULL) r->warnings_count++;
}

/* The limits of this run: the session's, overridden by policy if given. */
static int run_policy(const lsb_session_info *info, const lsb_policy *policy, lsb_policy *out,
                      char *err, size_t errlen) {
    *out = info->policy;
    if (policy != NULL) {
        out->fuel = policy->fuel;
        out->memory_bytes = policy->memory_bytes;
        out->timeout_ms = policy->timeout_ms;
        out->stdout_max = policy->stdout_max;
        out->stderr_max = policy->stderr_max;
        out->env = policy->env;
        out->env_count = policy->env_count;
        out->on_output = policy->on_output;
        out->on_output_ctx = policy->on_output_ctx;
        out->cancel = policy->cancel;
    }
    out->inject_setup = policy == NULL || policy->inject_setup; /* per run, never stored */
    return policy_validate(out, err, errlen);
}

/* Run job on the live process of e (starting it first); fills r. */
static lsb_status run_live(lsb_sandbox *sb, sess_entry *e, const lsb_session_info *info,
                           const sess_job *job, lsb_result *r, sess_live_outcome *out, char *err,
                           size_t errlen) {
    char options[EXEC_OPTIONS_MAX];
    size_t env_len = 0;
    char *env = exec_env_block(&job->policy, &env_len);
    if (env == NULL) {
        snprintf(err, errlen, "out of memory");
        return LSB_ERR_SYSTEM;
    }
    lsb_status st = LSB_ERR_SYSTEM;
    for (int attempt = 0; attempt < 2; attempt++) { /* a process found dead is replaced once */
        st = go_live(sb, e, info, job->ws, err, errlen);
        if (st != LSB_OK) break;
        run_options(e, info, job, options, sizeof options);
        worker_request req = {.code = job->code,
                              .code_len = job->code_len,
                              .filename = job->filename ? job->filename : "<string>",
                              .env_block = env,
                              .env_len = env_len,
                              .options = options,
                              .options_len = strlen(options),
                              .rescan_quota = e->rescan,
                              .fuel = job->policy.fuel,
                              .memory_bytes = job->policy.memory_bytes,
                              .stdout_max = job->policy.stdout_max,
                              .stderr_max = job->policy.stderr_max};
        memset(r, 0, sizeof *r);
        st = sess_live_run(&e->live, &req, &job->policy, r, out, err, errlen);
        if (st == LSB_OK || !out->lost || attempt == 1) break;
        lsb_result_free(r);
    }
    free(env);
    return st;
}

/* After a run: the session's bookkeeping and the result's session fields. */
static void after_run(lsb_sandbox *sb, sess_entry *e, lsb_session_info *info,
                      const sess_live_outcome *out, lsb_result *r) {
    char why[EXEC_WARNING_MAX];
    /* A run that did not commit left its files on disk, but its quota
     * usage died with its process: the next run re-measures the workspace
     * before it starts, so the quota counts what is on disk. */
    e->rescan = !out->committed;
    if (out->committed) e->restore_pending = false;
    if (out->lost)
        add_warning(r, "the session process ended after this run; the next run re-materialises "
                       "the session from its saved state");
    else if (!r->success)
        add_warning(r, "the run failed, so the session's variables are as they were before it; "
                       "files it wrote stay");
    e->last_used_ms = util_now_ms();
    info->execution_count++;
    info->last_used_at = util_unix_time();
    if (sess_table_save(sandbox_sessions(sb), info, why, sizeof why) != LSB_OK) add_warning(r, why);
    r->session_id = strdup(info->id);
    r->runtime = info->language;
}

/* Run job in locked session e (with record info); fills result. */
static lsb_status session_run(lsb_sandbox *sb, sess_entry *e, lsb_session_info *info, sess_job *job,
                              lsb_result *result, char *err, size_t errlen) {
    ws_listing before = {0};
    sess_live_outcome out;
    if (sess_table_workspace(sandbox_sessions(sb), info->id, job->ws, sizeof job->ws) != 0 ||
        ws_scan(job->ws, job->policy.quota_files, &before) != 0) {
        snprintf(err, errlen, "cannot read the workspace of session '%s'", info->id);
        return LSB_ERR_WORKSPACE;
    }
    lsb_status st = run_live(sb, e, info, job, result, &out, err, errlen);
    if (st == LSB_OK) {
        report_files(job->ws, &before, job->policy.quota_files, result);
        result->code = strndup(job->code, job->code_len); /* NULL if out of memory */
        result->workspace_path = realpath(job->ws, NULL);
        after_run(sb, e, info, &out, result);
    } else {
        e->rescan = true; /* whatever the run did on disk is counted next time */
        lsb_result_free(result);
    }
    ws_listing_free(&before);
    return st;
}

/* See exec.h. */
bool sess_exec_cancelled(const void *cancel) {
    return cancel != NULL && lsb_cancel_fired((const lsb_cancel *)cancel);
}

/* See exec.h. */
lsb_status sess_exec_run(lsb_sandbox *sb, sess_entry *e, lsb_session_info *info, const char *code,
                         size_t code_len, const char *filename, bool scratch,
                         const lsb_policy *policy, lsb_result *result, char *err, size_t errlen) {
    sess_job job = {.code = code, .code_len = code_len, .filename = filename, .scratch = scratch};
    memset(result, 0, sizeof *result);
    if (run_policy(info, policy, &job.policy, err, errlen) != 0) return LSB_ERR_INVALID;
    /* another run of this workspace, in any process, finishes first; this
     * one waits for it at most its own timeout */
    lsb_status st = sess_table_lock_workspace(sandbox_sessions(sb), e, info,
                                              util_now_ms() + job.policy.timeout_ms,
                                              sess_exec_cancelled, job.policy.cancel, err, errlen);
    if (st != LSB_OK) return st;
    return session_run(sb, e, info, &job, result, err, errlen);
}

/* See llmsandbox.h. */
lsb_status lsb_session_execute(lsb_sandbox *sb, const char *id, const char *code, size_t code_len,
                               const char *filename, const lsb_policy *policy, lsb_result *result,
                               char *err, size_t errlen) {
    lsb_session_info info;
    lsb_status st;
    memset(result, 0, sizeof *result);
    if (exec_check_code(code, code_len, err, errlen) != 0) return LSB_ERR_INVALID;
    sess_table *t = sandbox_sessions(sb);
    sess_entry *e = sess_table_acquire(t, id, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = sess_exec_run(sb, e, &info, code, code_len, filename, false, policy, result, err, errlen);
    sess_table_release(t, e);
    return st;
}
