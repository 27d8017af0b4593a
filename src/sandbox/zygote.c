/*
 * zygote.c - the zygote process and its request protocol (see zygote.h).
 *
 * Protocol on a SOCK_STREAM socketpair: the requester sends one request
 * (encoded by ipc.c, which checks every length before allocating), with
 * one descriptor attached (a run's output pipe, or a session's control
 * socket); the zygote answers with the forked child's pid (int32, or -1).
 * The requester then holds the child by a pidfd, taken only once the
 * kernel confirmed the child's parent is this zygote (kin.h): the zygote
 * reaps its children at once, so a bare pid could be recycled.
 * A requester mutex keeps one request on the wire at a time. The zygote is a child subreaper, so
 * the session processes that outlive their parents (session/proc.c) are reaped by it, and it runs
 * the configured pre-imports once before serving. It exits when the requester's end of the socket
 * closes, and dies with its parent when the main thread started it; every child it forks is tied
 * to it (tether.h), so nothing it started outlives it.
 *
 * Filters: the pre-imports are the operator's code (configured by whoever
 * runs the server or embeds the library, module names only, resolved from
 * the read-only stdlib and /data) and run before any filter. Then, before
 * it tells the requester it is ready, so before any request (whose code,
 * environment and options come from clients) can reach it, the zygote
 * installs its own filter (zygote_filter.h); each child adds its stricter
 * profile (lockdown.h) before it runs anything a client sent.
 *
 * Stdio: from the fork on, the zygote's fds 0 and 1 are /dev/null; it keeps
 * the host's stderr only while it starts (worker_prepare and the operator's
 * pre-imports, whose messages and output go there), and points fd 2 at
 * /dev/null too before it serves its first request. So no session process
 * or run child, all forked from it, ever holds the host's stdin, stdout
 * (the `mcp` protocol pipe) or stderr; their output travels over their own
 * channel or control socket.
 */
#include "sandbox/zygote.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/channel.h"
#include "sandbox/defaults.h"
#include "sandbox/ipc.h"
#include "sandbox/kin.h"
#include "sandbox/lockdown.h"
#include "sandbox/tether.h"
#include "sandbox/zygote_filter.h"
#include "util/fs.h"

struct zyg_zygote {
    pid_t pid;
    int sock;
    pthread_mutex_t lock; /* one request on the wire; guards pid and sock */
    const guest_module *mod;
    char snapshot[PATH_MAX]; /* to start it again if it dies */
    worker_request warm;     /* mounts and code of the pre-imports (strings owned) */
};

/* The session process loop (zyg_set_session_main); NULL until registered. */
static zyg_session_main session_main;

/* See zygote.h. */
void zyg_set_session_main(zyg_session_main fn) { session_main = fn; }

/* In the forked child: become a one-shot run or a session. Never returns. */
static _Noreturn void child_main(worker_instance *w, int sock, const ipc_request *r) {
    close(sock);
    util_close_fds_except(r->fd);
    if (r->kind == IPC_KIND_SESSION) {
        if (session_main != NULL) session_main(w, &r->req, r->fd);
        _exit(1);
    }
    if (r->req.code == NULL || r->req.filename == NULL) _exit(1);
    worker_run(w, &r->req, r->fd);
}

/* Serve requests until the requester closes the socket. Never returns. */
static _Noreturn void zygote_main(worker_instance *w, int sock) {
    pid_t self = getpid();
    signal(SIGCHLD, SIG_IGN); /* children are reaped automatically */
    for (;;) {
        ipc_request r;
        int rc = ipc_recv_request(sock, &r);
        if (rc == -1) _exit(0);
        pid_t pid = rc == 0 ? fork() : -1;
        if (pid == 0) {
            tether_to_parent(self); /* runs and sessions die with their zygote */
            child_main(w, sock, &r);
        }
        ipc_request_free(&r);
        close(r.fd);
        int32_t reply = (int32_t)pid;
        if (ipc_send_all(sock, &reply, sizeof reply) != 0 || rc != 0) _exit(0);
    }
}

/*
 * Run the pre-imports (z->warm.code) once in the zygote, before it serves,
 * so every child inherits the imported modules. The mounts are bound for
 * this run only and closed again; output goes to our stderr. A failure is
 * reported there and otherwise ignored: the zygote still works, only slower.
 */
static void preimport(worker_instance *w, const worker_request *warm) {
    char why[256] = "";
    if (warm->code == NULL) return;
    if (worker_bind(w, warm, why, sizeof why) != 0) {
        fprintf(stderr, "llm-sandbox: zygote pre-imports skipped: %s\n", why);
        return;
    }
    if (!worker_execute(w, warm, -1))
        fprintf(stderr, "llm-sandbox: zygote pre-imports failed (see above)\n");
    wasi_free(&w->wasi);
}

/* Fork a zygote process for z; 0 with its pid and sock set, or -1 with err. */
static int start_process(zyg_zygote *z, char *err, size_t errlen) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "socketpair failed: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    bool tie = tether_main_thread();
    pid_t pid = fork();
    if (pid == 0) {
        worker_instance w;
        char why[512] = "";
        if (tie) tether_to_parent(parent);
        util_close_fds_except(sv[1]);
        sv[1] = util_detach_stdio(sv[1], true); /* stderr until it serves */
        prctl(PR_SET_CHILD_SUBREAPER, 1);       /* orphaned session processes come to us */
        int32_t ready = -1;
        lockdown_prepare(); /* Landlock probed once here; its children inherit the answer */
        if (worker_prepare(&w, z->mod, z->snapshot, why, sizeof why) == 0) ready = 0;
        if (ready == 0) preimport(&w, &z->warm); /* the operator's code: trusted, unfiltered */
        if (ready == 0 && zyg_filter_apply(why, sizeof why) != 0) ready = -1; /* before requests */
        if (ipc_send_all(sv[1], &ready, sizeof ready) != 0 || ready != 0) {
            if (ready != 0) fprintf(stderr, "llm-sandbox: zygote: %s\n", why);
            _exit(1);
        }
        util_detach_stdio(sv[1], false); /* its children inherit /dev/null only */
        zygote_main(&w, sv[1]);
    }
    close(sv[1]);
    int32_t ready = -1;
    if (pid < 0 || ipc_read_all(sv[0], &ready, sizeof ready) != 0 || ready != 0) {
        snprintf(err, errlen, "the %s zygote failed to start%s", z->mod->name,
                 pid < 0 ? " (fork failed)" : "; see stderr");
        close(sv[0]);
        if (pid > 0) waitpid(pid, NULL, 0);
        return -1;
    }
    z->pid = pid;
    z->sock = sv[0];
    return 0;
}

/* End the zygote process of z (it exits when its socket closes). */
static void stop_process(zyg_zygote *z) {
    close(z->sock);
    while (waitpid(z->pid, NULL, 0) < 0 && errno == EINTR) {
    }
}

/* Free the strings of z->warm. */
static void warm_free(worker_request *warm) {
    free((char *)warm->code);
    free((char *)warm->filename);
    free((char *)warm->stdlib_dir);
    free((char *)warm->data_dir);
    free((char *)warm->root_dir);
    free((char *)warm->options);
    memset(warm, 0, sizeof *warm);
}

/* Copy the pre-import request (its strings too) into z; 0, or -1 on OOM. */
static int warm_copy(zyg_zygote *z, const worker_request *warm) {
    if (warm == NULL || warm->code == NULL) return 0;
    z->warm = *warm;
    z->warm.code = strdup(warm->code);
    z->warm.filename = strdup(warm->filename ? warm->filename : "<pre-import>");
    z->warm.stdlib_dir = warm->stdlib_dir ? strdup(warm->stdlib_dir) : NULL;
    z->warm.data_dir = warm->data_dir ? strdup(warm->data_dir) : NULL;
    z->warm.root_dir = warm->root_dir ? strdup(warm->root_dir) : NULL;
    z->warm.options = warm->options ? strdup(warm->options) : NULL;
    z->warm.workspace = z->warm.external_dir = z->warm.env_block = NULL;
    z->warm.env_len = 0;
    z->warm.code_len = strlen(warm->code);
    z->warm.options_len = warm->options ? strlen(warm->options) : 0;
    bool ok = z->warm.code && z->warm.filename && (!warm->stdlib_dir || z->warm.stdlib_dir) &&
              (!warm->data_dir || z->warm.data_dir) && (!warm->root_dir || z->warm.root_dir) &&
              (!warm->options || z->warm.options);
    return ok ? 0 : -1;
}

int zyg_start(zyg_zygote **out, const guest_module *mod, const char *snapshot_path,
              const worker_request *warm, char *err, size_t errlen) {
    *out = NULL;
    zyg_zygote *z = calloc(1, sizeof *z);
    if (z == NULL || snprintf(z->snapshot, sizeof z->snapshot, "%s", snapshot_path) >= PATH_MAX ||
        warm_copy(z, warm) != 0) {
        if (z != NULL) warm_free(&z->warm);
        free(z);
        snprintf(err, errlen, "out of memory or snapshot path too long");
        return -1;
    }
    z->mod = mod;
    if (start_process(z, err, errlen) != 0) {
        warm_free(&z->warm);
        free(z);
        return -1;
    }
    pthread_mutex_init(&z->lock, NULL);
    *out = z;
    return 0;
}

/* Send one request of kind with fd attached and read back the pid; the
 * caller holds z->lock. */
static pid_t spawn_locked(zyg_zygote *z, const worker_request *req, ipc_kind kind, int fd) {
    int32_t pid = -1;
    if (ipc_send_request(z->sock, req, kind, fd) != 0 ||
        ipc_read_all(z->sock, &pid, sizeof pid) != 0)
        return -1;
    return pid;
}

/* Take a pidfd on the child the zygote (pid zygote) named; 0 with child
 * set (pidfd -1 if it already ended), or -1 with err. */
static int hold_child(pid_t pid, pid_t zygote, zyg_child *child, char *err, size_t errlen) {
    char why[160] = "";
    int fd = kin_open_child(pid, zygote, -1, why, sizeof why);
    if (fd == KIN_STRANGER) {
        snprintf(err, errlen, "the zygote's answer was refused: %s", why);
        return -1;
    }
    *child = (zyg_child){.pid = pid, .pidfd = fd >= 0 ? fd : -1};
    return 0;
}

static atomic_uint_fast64_t zyg_restart_count; /* see zyg_restarts */

/* See zygote.h. */
uint64_t zyg_restarts(void) { return atomic_load(&zyg_restart_count); }

/* Have the zygote fork a child of kind; restart a dead zygote once. */
static int spawn(zyg_zygote *z, const worker_request *req, ipc_kind kind, int fd, zyg_child *child,
                 char *err, size_t errlen) {
    if (req->code_len > LSB_MAX_CODE_BYTES || req->env_len > LSB_MAX_ENV_BYTES) {
        snprintf(err, errlen, "request too large for the zygote");
        return -1;
    }
    char why[256] = "it stopped answering";
    pthread_mutex_lock(&z->lock);
    pid_t pid = z->pid > 0 ? spawn_locked(z, req, kind, fd) : -1;
    if (pid <= 0) { /* the zygote died or broke the protocol: replace it, once per call */
        atomic_fetch_add(&zyg_restart_count, 1);
        if (z->pid > 0) {
            kill(z->pid, SIGKILL); /* our own child, not yet reaped: its pid is its own */
            stop_process(z);
        }
        z->pid = -1;
        if (start_process(z, why, sizeof why) == 0)
            pid = spawn_locked(z, req, kind, fd);
        else
            z->pid = -1;
    }
    int rc = pid > 0 ? hold_child(pid, z->pid, child, err, errlen) : -1;
    pthread_mutex_unlock(&z->lock);
    if (pid <= 0) snprintf(err, errlen, "the %s zygote failed: %s", z->mod->name, why);
    return rc;
}

int zyg_spawn(zyg_zygote *z, const worker_request *req, int out_fd, zyg_child *child, char *err,
              size_t errlen) {
    return spawn(z, req, IPC_KIND_RUN, out_fd, child, err, errlen);
}

int zyg_spawn_session(zyg_zygote *z, const worker_request *req, int ctl, zyg_child *child,
                      char *err, size_t errlen) {
    return spawn(z, req, IPC_KIND_SESSION, ctl, child, err, errlen);
}

void zyg_stop(zyg_zygote *z) {
    if (z == NULL) return;
    if (z->pid > 0) stop_process(z);
    warm_free(&z->warm);
    pthread_mutex_destroy(&z->lock);
    free(z);
}
