/*
 * server.c - `llm-sandbox mcp`: read the settings, prepare the storage
 * folders and /external, open the sandbox and start its zygotes (before
 * any thread exists, so no fork inherits a held lock), then the worker
 * pools, the session expiry thread and the transport; on EOF or a signal,
 * stop in the reverse order.
 *
 * Invariants: the sandbox is configured before the first session call;
 * sessions idle longer than session_ttl are destroyed by the expiry
 * thread, never while a call of theirs is queued or running.
 */
#include "mcp/server.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcp/calls.h"
#include "mcp/external.h"
#include "mcp/http.h"
#include "mcp/log.h"
#include "mcp/stdio.h"
#include "sandbox/defaults.h"
#include "sandbox/workspace.h"

#define SERVER_ERR_MAX     (2 * PATH_MAX)
#define EXPIRY_MAX_SLEEP_S 30U

/* How often the stdio server looks whether its last calls are done. */
static const struct timespec drain_poll = {0, 20 * 1000 * 1000};

/* mkdir -p path; 0 or -1 with err. */
static int make_dirs(const char *path, char *err, size_t errlen) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "cannot create %s: %s", buf, strerror(errno));
                return -1;
            }
            if ((*p = c) == '\0') return 0;
        }
    }
}

/* out = chosen if set, else base + suffix; 0, or -1 when too long. */
static int pick_path(char out[PATH_MAX], const char *chosen, const char *base, const char *suffix) {
    int n = chosen[0] ? snprintf(out, PATH_MAX, "%s", chosen)
                      : snprintf(out, PATH_MAX, "%s%s", base, suffix);
    return n > 0 && n < PATH_MAX ? 0 : -1;
}

/* Fill the storage paths from the options and create the folders. */
static int prepare_dirs(mcp_server *srv, char *err, size_t errlen) {
    const mcp_options *o = &srv->opt;
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char base[PATH_MAX];
    if (state && state[0])
        snprintf(base, sizeof base, "%s", state);
    else
        snprintf(base, sizeof base, "%s/.local/state", home && home[0] ? home : "/tmp");
    if (pick_path(srv->storage_dir, o->storage_dir, base, "/" LSB_MCP_DIRNAME) ||
        pick_path(srv->sessions_root, o->sessions_root, srv->storage_dir, "/sessions") ||
        pick_path(srv->wheel_dir, o->wheel_dir, srv->storage_dir, "/wheels") ||
        pick_path(srv->outputs_dir, "", srv->storage_dir, "/outputs")) {
        snprintf(err, errlen, "the storage directory path is too long");
        return -1;
    }
    if (make_dirs(srv->storage_dir, err, errlen) || make_dirs(srv->sessions_root, err, errlen) ||
        make_dirs(srv->wheel_dir, err, errlen) || make_dirs(srv->outputs_dir, err, errlen))
        return -1;
    if (o->external_count > 0)
        return mcp_external_prepare(srv->storage_dir, o->external_files, o->external_count,
                                    (uint64_t)o->max_external_mb * LSB_MIB, srv->external_dir,
                                    sizeof srv->external_dir, err, errlen);
    return 0;
}

/* Open the audit log the options name ("" stderr, "-" none). */
static int open_audit(mcp_server *srv, char *err, size_t errlen) {
    const char *path = srv->opt.audit_log;
    if (strcmp(path, "-") == 0) return 0;
    if (path[0] == '\0') {
        srv->audit = stderr;
        return 0;
    }
    srv->audit = fopen(path, "ae");
    if (srv->audit == NULL) {
        snprintf(err, errlen, "cannot open the audit log %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* See server.h. */
bool mcp_server_was_expired(mcp_server *srv, const char *id) {
    bool found = false;
    pthread_mutex_lock(&srv->lock);
    for (unsigned i = 0; i < MCP_EXPIRED_MEMORY && !found; i++)
        found = strcmp(srv->expired[i], id) == 0;
    pthread_mutex_unlock(&srv->lock);
    return found;
}

/* Destroy one session if it has been idle longer than the TTL. */
static void expire_one(mcp_server *srv, const char *id) {
    lsb_session_info info;
    char err[SERVER_ERR_MAX];
    if (mcp_calls_session_busy(srv->calls, id) ||
        lsb_session_info_get(srv->sandbox, id, &info, err, sizeof err) != LSB_OK)
        return;
    double idle = (double)time(NULL) - info.last_used_at;
    if (idle < (double)srv->opt.session_ttl_s || mcp_calls_session_busy(srv->calls, id)) return;
    if (lsb_session_destroy(srv->sandbox, id, err, sizeof err) != LSB_OK) {
        mcp_logf(MCP_LOG_WARNING, "session_expiry", "cannot destroy %s: %s", id, err);
        return;
    }
    pthread_mutex_lock(&srv->lock);
    snprintf(srv->expired[srv->expired_next], sizeof srv->expired[0], "%s", id);
    srv->expired_next = (srv->expired_next + 1) % MCP_EXPIRED_MEMORY;
    pthread_mutex_unlock(&srv->lock);
    mcp_logf(MCP_LOG_INFO, "session_expired", "session %s was idle %.0f s and was destroyed", id,
             idle);
}

/* The expiry thread: every quarter TTL (at most 30 s) destroy idle
 * sessions and let the sandbox evict idle processes. */
static void *expiry_main(void *arg) {
    mcp_server *srv = arg;
    unsigned period = srv->opt.session_ttl_s / 4;
    if (period == 0) period = 1;
    if (period > EXPIRY_MAX_SLEEP_S) period = EXPIRY_MAX_SLEEP_S;
    pthread_mutex_lock(&srv->lock);
    while (!atomic_load(&srv->stopping)) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += period;
        pthread_cond_timedwait(&srv->expiry_wake, &srv->lock, &until);
        if (atomic_load(&srv->stopping)) break;
        pthread_mutex_unlock(&srv->lock);
        char **ids = NULL, err[SERVER_ERR_MAX];
        size_t n = 0;
        if (lsb_session_ids(srv->sandbox, &ids, &n, err, sizeof err) == LSB_OK) {
            for (size_t i = 0; i < n && !atomic_load(&srv->stopping); i++)
                expire_one(srv, ids[i]);
            lsb_session_ids_free(ids, n);
        }
        lsb_sandbox_evict_idle(srv->sandbox);
        pthread_mutex_lock(&srv->lock);
    }
    pthread_mutex_unlock(&srv->lock);
    return NULL;
}

/* Open the sandbox, configure sessions and start the zygotes. */
static int open_sandbox(mcp_server *srv, char *err, size_t errlen) {
    if (lsb_sandbox_open(&srv->sandbox, srv->opt.assets[0] ? srv->opt.assets : NULL, err, errlen) !=
        LSB_OK)
        return -1;
    lsb_sessions_config cfg = {0};
    cfg.root = srv->sessions_root;
    cfg.wheel_dir = srv->wheel_dir;
    cfg.external_dir = srv->external_dir[0] ? srv->external_dir : NULL;
    if (lsb_sandbox_configure_sessions(srv->sandbox, &cfg, err, errlen) != LSB_OK) return -1;
    return lsb_sandbox_start_zygotes(srv->sandbox, err, errlen) == LSB_OK ? 0 : -1;
}

/* An empty handler, so SIGUSR1 interrupts the stdio read. */
static void on_wake(int sig) { (void)sig; }

typedef struct signal_arg {
    mcp_server *srv;
    pthread_t main_thread;
    sigset_t set;
} signal_arg;

/* Wait for SIGINT/SIGTERM, then stop the server (stdio mode). */
static void *signal_main(void *arg) {
    signal_arg *a = arg;
    int sig = 0;
    sigwait(&a->set, &sig);
    if (sig == SIGUSR2) return NULL; /* the server is already stopping */
    mcp_logf(MCP_LOG_INFO, "shutdown", "signal %d: stopping", sig);
    atomic_store(&a->srv->stopping, true);
    pthread_kill(a->main_thread, SIGUSR1);
    return NULL;
}

/* Start the threads, serve, stop. Returns the exit status. */
static int serve(mcp_server *srv) {
    unsigned workers = srv->opt.workers;
    if (workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        workers = n > 0 ? (unsigned)n : 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* every thread below inherits this */
    struct sigaction wake = {0};
    wake.sa_handler = on_wake;
    sigaction(SIGUSR1, &wake, NULL);
    srv->calls = mcp_calls_new(srv, workers, LSB_MCP_ADMIN_WORKERS);
    if (srv->calls == NULL) return 1;
    srv->expiry_started = pthread_create(&srv->expiry_thread, NULL, expiry_main, srv) == 0;
    mcp_log_event(MCP_LOG_INFO, "ready",
                  json_pack("{s:s, s:i, s:s, s:s}", "transport", srv->opt.http ? "http" : "stdio",
                            "workers", (int)workers, "sessions_root", srv->sessions_root, "version",
                            LSB_VERSION));
    int status;
    if (srv->opt.http) {
        status = mcp_http_serve(srv);
    } else {
        signal_arg sa = {srv, pthread_self(), set};
        pthread_t sig_thread;
        bool sig_started = pthread_create(&sig_thread, NULL, signal_main, &sa) == 0;
        status = mcp_stdio_serve(srv);
        /* End of input: answer what was asked before it (`echo REQUEST |
         * llm-wasm-mcp` must get its result); a signal still cuts this short. */
        while (!atomic_load(&srv->stopping) && !mcp_calls_idle(srv->calls))
            nanosleep(&drain_poll, NULL);
        if (sig_started) {
            pthread_kill(sig_thread, SIGUSR2);
            pthread_join(sig_thread, NULL);
        }
    }
    atomic_store(&srv->stopping, true);
    pthread_mutex_lock(&srv->lock);
    pthread_cond_broadcast(&srv->expiry_wake);
    pthread_mutex_unlock(&srv->lock);
    if (srv->expiry_started) pthread_join(srv->expiry_thread, NULL);
    mcp_calls_stop(srv->calls);
    return status;
}

/* See server.h. */
int mcp_server_main(int argc, char **argv) {
    static mcp_server srv; /* large (expired ids); one per process */
    char err[SERVER_ERR_MAX] = "";
    mcp_opt_defaults(&srv.opt);
    if (mcp_opt_parse(&srv.opt, argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, "llm-sandbox mcp: %s\n", err);
        mcp_opt_free(&srv.opt);
        return 64;
    }
    if (srv.opt.help || srv.opt.version) {
        if (srv.opt.help)
            mcp_opt_print_help(stdout);
        else
            printf("llm-sandbox %s (MCP server)\n", LSB_VERSION);
        mcp_opt_free(&srv.opt);
        return 0;
    }
    mcp_log_set_level(srv.opt.log_level);
    pthread_mutex_init(&srv.lock, NULL);
    pthread_cond_init(&srv.expiry_wake, NULL);
    int status = 70;
    if (prepare_dirs(&srv, err, sizeof err) != 0 || open_audit(&srv, err, sizeof err) != 0 ||
        open_sandbox(&srv, err, sizeof err) != 0) {
        mcp_logf(MCP_LOG_ERROR, "startup", "%s", err);
        status = srv.external_dir[0] || strstr(err, "external") ? 66 : 70;
        if (strstr(err, "--external-files")) status = 64;
    } else {
        status = serve(&srv);
    }
    if (srv.sandbox) lsb_sandbox_close(srv.sandbox);
    if (srv.external_dir[0]) ws_remove_tree(srv.external_dir);
    if (srv.audit != NULL && srv.audit != stderr) fclose(srv.audit);
    mcp_opt_free(&srv.opt);
    return status;
}
