/*
 * server.c - `llm-sandbox mcp`: read the settings, prepare the storage
 * folders and /external, open the sandbox and start its zygotes (before
 * any thread exists, so no fork inherits a held lock), then the worker
 * pools, the session expiry thread and the transport; on EOF or a signal,
 * stop in the reverse order.
 *
 * Invariants: the environment is scrubbed of secrets (secret.h) before
 * anything is forked; the sandbox is configured before the first session call;
 * each startup step reports its own exit status (64 for options and
 * --external-files, 70 for the rest), never guessed from a message; the
 * tool set is built from the settings before the first request.
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
#include "mcp/expiry.h"
#include "mcp/external.h"
#include "mcp/http.h"
#include "mcp/limits.h"
#include "mcp/log.h"
#include "mcp/secret.h"
#include "mcp/stdio.h"
#include "mcp/tools.h"
#include "mcp/tools_impl.h"
#include "util/fs.h"

#define SERVER_ERR_MAX    (2 * PATH_MAX)
#define SERVER_EXIT_OK    0
#define SERVER_EXIT_USAGE 64 /* bad options or --external-files (EX_USAGE) */
#define SERVER_EXIT_FAIL  70 /* startup failed (EX_SOFTWARE) */

/* Every tool the server offers, bound to the function that runs it. */
static const mcp_tool_binding tool_runs[] = {
    {"execute_code", mcp_tool_execute_code},
    {"create_session", mcp_tool_create_session},
    {"destroy_session", mcp_tool_destroy_session},
    {"list_runtimes", mcp_tool_list_runtimes},
    {"list_available_packages", mcp_tool_list_packages},
    {"install_package", mcp_tool_install_package},
    {"get_workspace_info", mcp_tool_workspace_info},
    {"reset_workspace", mcp_tool_reset_workspace},
    {"cancel_execution", mcp_tool_cancel_execution},
    {"get_metrics", mcp_tool_get_metrics},
    {"get_active_sessions", mcp_tool_active_sessions},
    {"reset_all_sessions", mcp_tool_reset_all_sessions},
};

/* How often the stdio server looks whether its last calls are done. */
static const struct timespec drain_poll = {0, 20 * 1000 * 1000};

/* out = chosen if set, else base + suffix; 0, or -1 when too long. */
static int pick_path(char out[PATH_MAX], const char *chosen, const char *base, const char *suffix) {
    int n = chosen[0] ? snprintf(out, PATH_MAX, "%s", chosen)
                      : snprintf(out, PATH_MAX, "%s%s", base, suffix);
    return n > 0 && n < PATH_MAX ? 0 : -1;
}

/* Fill the storage paths from the options and create the folders; 0, or
 * -1 with err. */
static int prepare_dirs(mcp_server *srv, char *err, size_t errlen) {
    const mcp_options *o = &srv->opt;
    char base[PATH_MAX] = "";
    if ((o->storage_dir[0] == '\0' && lsb_state_dir(base, sizeof base) != 0) ||
        pick_path(srv->storage_dir, o->storage_dir, base, "/" LSB_MCP_SUBDIR) ||
        pick_path(srv->sessions_root, o->sessions_root, srv->storage_dir, "/sessions") ||
        pick_path(srv->wheel_dir, o->wheel_dir, srv->storage_dir, "/wheels") ||
        pick_path(srv->outputs_dir, "", srv->storage_dir, "/outputs") ||
        pick_path(srv->owners_dir, "", srv->storage_dir, "/owners") ||
        pick_path(srv->protocol_dir, "", srv->storage_dir, "/protocol-sessions")) {
        snprintf(err, errlen, "the storage directory path is too long");
        return -1;
    }
    if (util_mkdir_p(srv->storage_dir, 0700, err, errlen) ||
        util_mkdir_p(srv->sessions_root, 0700, err, errlen) ||
        util_mkdir_p(srv->wheel_dir, 0700, err, errlen) ||
        util_mkdir_p(srv->outputs_dir, 0700, err, errlen) ||
        util_mkdir_p(srv->protocol_dir, 0700, err, errlen))
        return -1;
    return 0;
}

/* Copy the --external-files (if any) into their folder; 0, or -1 with
 * err. */
static int prepare_external(mcp_server *srv, char *err, size_t errlen) {
    const mcp_options *o = &srv->opt;
    if (o->external_count == 0) return 0;
    return mcp_external_prepare(srv->storage_dir, o->external_files, o->external_count,
                                (uint64_t)o->max_external_mb * LSB_MCP_MIB, srv->external_dir,
                                sizeof srv->external_dir, err, errlen);
}

/* Open the audit log the options name ("" stderr, "-" none); 0, or -1
 * with err. */
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

/* Open the sandbox, configure sessions and start the zygotes; 0, or -1
 * with err. */
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

/* Serve stdio until end of input or a signal, then wait for the calls
 * asked before the end. Returns 0, or 1 on a read error. */
static int serve_stdio(mcp_server *srv, const sigset_t *set) {
    signal_arg sa = {srv, pthread_self(), *set};
    pthread_t sig_thread;
    bool sig_started = pthread_create(&sig_thread, NULL, signal_main, &sa) == 0;
    int status = mcp_stdio_serve(srv);
    /* End of input: answer what was asked before it (`echo REQUEST |
     * llm-wasm-mcp` must get its result); a signal still cuts this short. */
    while (!atomic_load(&srv->stopping) && !mcp_calls_idle(srv->calls))
        nanosleep(&drain_poll, NULL);
    if (sig_started) {
        pthread_kill(sig_thread, SIGUSR2);
        pthread_join(sig_thread, NULL);
    }
    return status;
}

/* Block the stop signals in every thread started from now on (into set),
 * and let SIGUSR1 interrupt the stdio read. */
static void block_signals(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    struct sigaction wake = {0};
    wake.sa_handler = on_wake;
    sigaction(SIGUSR1, &wake, NULL);
}

/* Start the threads, serve, stop. Returns the exit status: 0, or 1 when
 * the worker threads cannot start or the transport fails. */
static int serve(mcp_server *srv) {
    unsigned workers = srv->opt.workers;
    if (workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        workers = n > 0 ? (unsigned)n : 1;
    }
    sigset_t set;
    block_signals(&set);
    srv->calls = mcp_calls_new(srv, workers, LSB_MCP_ADMIN_WORKERS);
    if (srv->calls == NULL) return 1;
    srv->expiry = mcp_expiry_start(srv);
    mcp_log_event(MCP_LOG_INFO, "ready",
                  json_pack("{s:s, s:i, s:s, s:s}", "transport", srv->opt.http ? "http" : "stdio",
                            "workers", (int)workers, "sessions_root", srv->sessions_root, "version",
                            LSB_VERSION));
    int status = srv->opt.http ? mcp_http_serve(srv) : serve_stdio(srv, &set);
    atomic_store(&srv->stopping, true);
    mcp_expiry_stop(srv->expiry);
    srv->expiry = NULL;
    mcp_calls_stop(srv->calls);
    return status;
}

/* Every startup step before serving, each with its own exit status:
 * folders, /external, the audit log, the sandbox, the tool set. Returns
 * 0, or the exit status with the reason in err. */
static int start(mcp_server *srv, mcp_toolset **tools, char *err, size_t errlen) {
    if (prepare_dirs(srv, err, errlen) != 0) return SERVER_EXIT_FAIL;
    if (prepare_external(srv, err, errlen) != 0) return SERVER_EXIT_USAGE;
    if (open_audit(srv, err, errlen) != 0) return SERVER_EXIT_FAIL;
    if (open_sandbox(srv, err, errlen) != 0) return SERVER_EXIT_FAIL;
    *tools = mcp_tools_new(&srv->opt, tool_runs, sizeof tool_runs / sizeof tool_runs[0]);
    if (*tools == NULL) {
        snprintf(err, errlen, "out of memory building the tool schemas");
        return SERVER_EXIT_FAIL;
    }
    srv->tools = *tools;
    return SERVER_EXIT_OK;
}

/* Parse the options, and answer --help and --version. Returns 0 to go
 * on, or 1 when the program is done with *status (64 for a bad option). */
static int read_options(mcp_server *srv, int argc, char **argv, int *status) {
    char err[SERVER_ERR_MAX] = "";
    mcp_opt_defaults(&srv->opt);
    if (mcp_opt_parse(&srv->opt, argc, argv, err, sizeof err) != 0 ||
        mcp_secret_load(&srv->opt, err, sizeof err) != 0) {
        fprintf(stderr, "llm-sandbox mcp: %s\n", err);
        *status = SERVER_EXIT_USAGE;
        return 1;
    }
    if (!srv->opt.help && !srv->opt.version) return 0;
    if (srv->opt.help)
        mcp_opt_print_help(stdout);
    else
        printf("llm-sandbox %s (MCP server)\n", LSB_VERSION);
    *status = SERVER_EXIT_OK;
    return 1;
}

/* See server.h. */
int mcp_server_main(int argc, char **argv) {
    static mcp_server srv; /* one per process */
    char err[SERVER_ERR_MAX] = "";
    int status = SERVER_EXIT_OK;
    if (read_options(&srv, argc, argv, &status) != 0) {
        mcp_opt_free(&srv.opt);
        return status;
    }
    mcp_log_set_level(srv.opt.log_level);
    if (mcp_secret_on_command_line(argc, argv))
        mcp_logf(MCP_LOG_WARNING, "security",
                 "--auth-token on the command line is visible to other users (ps, "
                 "/proc/PID/cmdline): use --auth-token-file FILE or LSB_MCP_AUTH_TOKEN instead");
    /* Before any zygote is forked: the children inherit nothing secret. */
    mcp_secret_scrub(argc, argv);
    pthread_mutex_init(&srv.lock, NULL);
    mcp_toolset *tools = NULL;
    status = start(&srv, &tools, err, sizeof err);
    if (status != SERVER_EXIT_OK)
        mcp_logf(MCP_LOG_ERROR, "startup", "%s", err);
    else
        status = serve(&srv);
    if (srv.sandbox) lsb_sandbox_close(srv.sandbox);
    if (srv.external_dir[0]) mcp_external_remove(srv.external_dir);
    if (srv.audit != NULL && srv.audit != stderr) fclose(srv.audit);
    mcp_tools_free(tools);
    mcp_opt_free(&srv.opt);
    return status;
}
