/*
 * execute.c - lsb_execute: the parent side of a one-shot run.
 *
 * The parent validates everything from the caller, prepares the workspace,
 * starts a child (directly, or forked from a zygote when one is running),
 * and has report.c read the child's channel until EOF or the deadline (then
 * SIGKILL) and turn what it saw into an lsb_result. The child is treated
 * as hostile: its frames are checked and its output capped again there.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "llmsandbox.h"
#include "sandbox/channel.h"
#include "sandbox/defaults.h"
#include "sandbox/execute.h"
#include "sandbox/ipc.h"
#include "sandbox/policy.h"
#include "sandbox/report.h"
#include "sandbox/sandbox.h"
#include "sandbox/tether.h"
#include "sandbox/worker.h"
#include "sandbox/workspace.h"
#include "sandbox/zygote.h"
#include "util/clock.h"
#include "util/fs.h"

#define EXEC_ERR_MAX 1024

/* See execute.h. */
int exec_check_code(const char *code, size_t len, char *err, size_t errlen) {
    if (code == NULL || len == 0) {
        snprintf(err, errlen, "the code is empty");
        return -1;
    }
    if (len > LSB_MAX_CODE_BYTES) {
        snprintf(err, errlen, "the code is %zu bytes; the limit is %llu", len,
                 (unsigned long long)LSB_MAX_CODE_BYTES);
        return -1;
    }
    const char *nul = memchr(code, '\0', len);
    if (nul != NULL) {
        snprintf(err, errlen, "the code contains a NUL byte at offset %zu", (size_t)(nul - code));
        return -1;
    }
    return 0;
}

/* See execute.h. */
char *exec_env_block(const lsb_policy *policy, size_t *len) {
    size_t total = 0;
    for (size_t i = 0; i < policy->env_count; i++)
        total += strlen(policy->env[i]) + 1;
    char *block = malloc(total + 1);
    if (block == NULL) return NULL;
    char *p = block;
    for (size_t i = 0; i < policy->env_count; i++) {
        size_t n = strlen(policy->env[i]) + 1;
        memcpy(p, policy->env[i], n);
        p += n;
    }
    *len = total;
    return block;
}

/* The child half of a direct (zygote-less) execution. Never returns. */
static _Noreturn void run_child(const lsb_sandbox *sb, lsb_language lang, const worker_request *req,
                                int out_fd) {
    char err[EXEC_ERR_MAX] = "";
    worker_instance w;
    util_close_fds_except(out_fd);
    out_fd = util_detach_stdio(out_fd, false); /* never the host's stdio */
    if (worker_prepare(&w, sandbox_guest(lang), sandbox_snapshot_path(sb, lang), err, sizeof err) !=
        0) {
        chan_send(out_fd, CHAN_FAIL, err, strlen(err));
        _exit(1);
    }
    worker_run(&w, req, out_fd);
}

/* Wait for a direct child and return its wait status. */
static int reap(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

/* Start the child that runs req; 0 with child set, or -1 with err.
 * *from_zygote says who must reap it: its zygote, or us. Our own child's
 * pid stays its own until we reap it, so its pidfd needs no check. */
static int start_child(lsb_sandbox *sb, lsb_language lang, const worker_request *req, int out_fd,
                       zyg_child *child, bool *from_zygote, char *err, size_t errlen) {
    zyg_zygote *z = sandbox_zygote(sb, lang);
    *from_zygote = z != NULL;
    if (z != NULL) return zyg_spawn(z, req, out_fd, child, err, errlen);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork failed: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        tether_to_parent(parent); /* this thread waits for the child, so it outlives it */
        run_child(sb, lang, req, out_fd);
    }
    *child = (zyg_child){.pid = pid, .pidfd = (int)syscall(SYS_pidfd_open, pid, 0)};
    if (child->pidfd >= 0) return 0;
    snprintf(err, errlen, "cannot hold the run process: %s", strerror(errno));
    kill(pid, SIGKILL); /* not reaped yet, so still ours */
    reap(pid);
    return -1;
}

/* Everything lsb_execute needs to undo. */
typedef struct exec_state {
    char temp_ws[PATH_MAX];
    int temp_lock; /* holds temp_ws's flock while it exists */
    char *env;
    ws_listing before;
    chan_collect chan;
    util_lock lock; /* the caller's workspace, held for the whole run */
} exec_state;

/* util_lock_stop_fn over an lsb_cancel (NULL: never): whether it fired. */
static bool cancel_fired(const void *cancel) {
    return cancel != NULL && lsb_cancel_fired((const lsb_cancel *)cancel);
}

/* Prepare the workspace and request; 0 or an lsb_status with err. */
static lsb_status prepare(lsb_sandbox *sb, const char *code, size_t code_len, const char *filename,
                          const lsb_policy *policy, exec_state *st, worker_request *req, char *err,
                          size_t errlen) {
    if (exec_check_code(code, code_len, err, errlen) != 0 ||
        policy_validate(policy, err, errlen) != 0)
        return LSB_ERR_INVALID;
    const char *ws = policy->workspace;
    if (ws == NULL) {
        if (ws_make_temp(st->temp_ws, sizeof st->temp_ws, &st->temp_lock) != 0) {
            snprintf(err, errlen, "cannot create a temporary workspace: %s", strerror(errno));
            return LSB_ERR_WORKSPACE;
        }
        ws = st->temp_ws;
    }
    struct stat sst;
    if (stat(ws, &sst) != 0 || !S_ISDIR(sst.st_mode)) {
        snprintf(err, errlen, "workspace %s is not a directory", ws);
        return LSB_ERR_WORKSPACE;
    }
    /* runs of one workspace, in any process, take turns (each then starts
     * from the real usage); this one waits at most its own timeout */
    if (policy->workspace != NULL && ws_lock(ws, &st->lock, util_now_ms() + policy->timeout_ms,
                                             cancel_fired, policy->cancel, err, errlen) != 0)
        return LSB_ERR_WORKSPACE;
    if ((st->env = exec_env_block(policy, &req->env_len)) == NULL ||
        ws_scan(ws, policy->quota_files, &st->before) != 0) {
        snprintf(err, errlen, "cannot read workspace %s: %s", ws, strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    *req = (worker_request){
        .code = code,
        .code_len = code_len,
        .filename = filename ? filename : "<string>",
        .env_block = st->env,
        .env_len = req->env_len,
        .fuel = policy->fuel,
        .memory_bytes = policy->memory_bytes,
        .timeout_ms = policy->timeout_ms,
        .stdout_max = policy->stdout_max,
        .stderr_max = policy->stderr_max,
        .options = policy->inject_setup ? NULL : EXEC_OPT_NO_INJECT_SETUP,
        .options_len = policy->inject_setup ? 0 : strlen(EXEC_OPT_NO_INJECT_SETUP),
        .quota_bytes = policy->quota_bytes,
        .quota_files = policy->quota_files,
        .stdlib_dir = sandbox_stdlib_dir(sb),
        .workspace = ws,
        .data_dir = policy->data_dir ? policy->data_dir : sandbox_data_dir(sb),
        .external_dir = policy->external_dir,
        .root_dir = sandbox_root_dir(sb),
    };
    return LSB_OK;
}

/* Run the child and gather its report into result; 0 or an lsb_status. */
static lsb_status run(lsb_sandbox *sb, lsb_language lang, const lsb_policy *policy,
                      const worker_request *req, exec_state *st, lsb_result *result, char *err,
                      size_t errlen) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe failed: %s", strerror(errno));
        return LSB_ERR_SYSTEM;
    }
    double start = util_now_ms();
    bool from_zygote;
    zyg_child child;
    int started = start_child(sb, lang, req, fds[1], &child, &from_zygote, err, errlen);
    close(fds[1]);
    if (started != 0) {
        close(fds[0]);
        return LSB_ERR_SYSTEM;
    }
    chan_collect_init(&st->chan, policy->stdout_max, policy->stderr_max);
    st->chan.sink = policy->on_output;
    st->chan.sink_ctx = policy->on_output_ctx;
    report_stop stop =
        report_collect(fds[0], child.pidfd, start + policy->timeout_ms, policy->cancel, &st->chan);
    close(fds[0]);
    if (child.pidfd >= 0) close(child.pidfd);
    int status = from_zygote ? 0 : reap(child.pid); /* the zygote reaps its own children */
    if (st->chan.fail[0] && !st->chan.done) {
        snprintf(err, errlen, "%s", st->chan.fail);
        return LSB_ERR_INVALID;
    }
    result->duration_ms = util_now_ms() - start;
    result->runtime = lang;
    report_classify(result, &st->chan, stop, status);
    report_fill(result, &st->chan, policy);
    report_files(req->workspace, &st->before, policy->quota_files, result);
    return LSB_OK;
}

/* Remove the temporary workspace path; a failure is said in the result's
 * warnings (the run itself is over and its result stands). */
static void remove_temp(const char *path, lsb_result *result, lsb_status rc) {
    if (ws_remove_tree(path) == 0 || rc != LSB_OK) return;
    char text[PATH_MAX + 128];
    snprintf(text, sizeof text, "the temporary workspace %s could not be removed: %s", path,
             strerror(errno));
    char **grown = realloc(result->warnings, (result->warnings_count + 1) * sizeof *grown);
    if (grown == NULL) return;
    result->warnings = grown;
    if ((grown[result->warnings_count] = strdup(text)) != NULL) result->warnings_count++;
}

/* See llmsandbox.h. */
lsb_status lsb_execute(lsb_sandbox *sb, lsb_language lang, const char *code, size_t code_len,
                       const char *filename, const lsb_policy *policy, lsb_result *result,
                       char *err, size_t errlen) {
    memset(result, 0, sizeof *result);
    if (sb == NULL || policy == NULL || sandbox_guest(lang) == NULL) {
        snprintf(err, errlen, "lsb_execute: invalid sandbox, policy or language");
        return LSB_ERR_INVALID;
    }
    exec_state st = {.lock.fd = -1, .temp_lock = -1};
    worker_request req = {0};
    lsb_status rc = prepare(sb, code, code_len, filename, policy, &st, &req, err, errlen);
    if (rc == LSB_OK) rc = run(sb, lang, policy, &req, &st, result, err, errlen);
    if (rc == LSB_OK) { /* for the fuel analysis and workspace_path; NULL if out of memory */
        result->code = strndup(code, code_len);
        result->workspace_path = policy->workspace ? realpath(policy->workspace, NULL) : NULL;
    }
    if (rc != LSB_OK) lsb_result_free(result);
    chan_collect_free(&st.chan);
    ws_listing_free(&st.before);
    free(st.env);
    if (st.temp_ws[0]) remove_temp(st.temp_ws, result, rc);
    if (st.temp_lock >= 0) close(st.temp_lock);
    util_lock_release(&st.lock, true);
    return rc;
}
