/*
 * zygote.c - the zygote process and its request protocol (see zygote.h).
 *
 * Protocol on a SOCK_STREAM socketpair (framing in wire.c): the requester
 * sends a zyg_wire header, with one descriptor attached (a run's output
 * pipe, or a session's control socket), then the strings it announces; the
 * zygote answers with the forked child's pid (int32, or -1). The zygote
 * validates every length before allocating, and a requester mutex keeps one
 * request on the wire at a time. The zygote is a child subreaper, so the
 * session processes that outlive their parents (sessproc.c) are reaped by
 * it, and it runs the configured pre-imports once before serving.
 */
#include "sandbox/zygote.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
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
#include "sandbox/fdio.h"
#include "sandbox/sessproc.h"
#include "sandbox/wire.h"
#include "util/fs.h"

#define ZYG_STRINGS    9
#define ZYG_MAX_STRING ((uint32_t)LSB_MAX_CODE_BYTES + 1)

/* What a request asks the zygote to fork. */
typedef enum zyg_kind {
    ZYG_KIND_RUN = 0,    /* a one-shot execution; the fd is its output pipe */
    ZYG_KIND_SESSION = 1 /* a live session process; the fd is its control socket */
} zyg_kind;

struct zyg_zygote {
    pid_t pid;
    int sock;
    pthread_mutex_t lock; /* one request on the wire; guards pid and sock */
    const guest_module *mod;
    char snapshot[PATH_MAX]; /* to start it again if it dies */
    worker_request warm;     /* mounts and code of the pre-imports (strings owned) */
};

/* Fixed-size part of a request; lengths of ZYG_STRINGS strings follow:
 * code, filename, env, stdlib, workspace, data, external, root, options. */
typedef struct zyg_wire {
    uint64_t fuel, memory_bytes, stdout_max, stderr_max, quota_bytes, quota_files;
    uint32_t len[ZYG_STRINGS];
    uint32_t kind; /* zyg_kind */
} zyg_wire;

/* The request a zygote's child works on, rebuilt from the wire. */
static worker_request request_from_wire(const zyg_wire *wire, const char **s) {
    return (worker_request){
        .code = s[0],
        .code_len = s[0] ? wire->len[0] : 0,
        .filename = s[1],
        .env_block = s[2],
        .env_len = s[2] ? wire->len[2] : 0,
        .fuel = wire->fuel,
        .memory_bytes = wire->memory_bytes,
        .stdout_max = wire->stdout_max,
        .stderr_max = wire->stderr_max,
        .quota_bytes = wire->quota_bytes,
        .quota_files = wire->quota_files,
        .stdlib_dir = s[3],
        .workspace = s[4],
        .data_dir = s[5],
        .external_dir = s[6],
        .root_dir = s[7],
        .options = s[8],
        .options_len = s[8] ? wire->len[8] : 0,
    };
}

/* In the forked child: become a one-shot run or a session. Never returns. */
static _Noreturn void child_main(worker_instance *w, int sock, const zyg_wire *wire, int fd,
                                 const char **s) {
    close(sock);
    util_close_fds_except(fd);
    worker_request req = request_from_wire(wire, s);
    if (wire->kind == ZYG_KIND_SESSION) sessproc_main(w, &req, fd);
    if (req.code == NULL || req.filename == NULL) _exit(1);
    worker_run(w, &req, fd);
}

/* Serve requests until the requester closes the socket. Never returns. */
static _Noreturn void zygote_main(worker_instance *w, int sock) {
    signal(SIGCHLD, SIG_IGN); /* children are reaped automatically */
    for (;;) {
        zyg_wire wire;
        int fd = -1;
        if (wire_recv_header(sock, &wire, sizeof wire, &fd) != 0) _exit(0);
        const char *s[ZYG_STRINGS];
        char *strings = wire_recv_strings(sock, wire.len, ZYG_STRINGS, ZYG_MAX_STRING, s);
        pid_t pid = strings ? fork() : -1;
        if (pid == 0) child_main(w, sock, &wire, fd, s);
        free(strings);
        close(fd);
        int32_t reply = (int32_t)pid;
        if (wire_send_all(sock, &reply, sizeof reply) != 0 || strings == NULL) _exit(0);
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
    pid_t pid = fork();
    if (pid == 0) {
        worker_instance w;
        char why[512] = "";
        util_close_fds_except(sv[1]);
        prctl(PR_SET_CHILD_SUBREAPER, 1); /* orphaned session processes come to us */
        int32_t ready = worker_prepare(&w, z->mod, z->snapshot, why, sizeof why) == 0 ? 0 : -1;
        if (ready == 0) preimport(&w, &z->warm);
        if (wire_send_all(sv[1], &ready, sizeof ready) != 0 || ready != 0) {
            if (ready != 0) fprintf(stderr, "llm-sandbox: zygote: %s\n", why);
            _exit(1);
        }
        zygote_main(&w, sv[1]);
    }
    close(sv[1]);
    int32_t ready = -1;
    if (pid < 0 || fdio_read_all(sv[0], &ready, sizeof ready) != 0 || ready != 0) {
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
static pid_t spawn_locked(zyg_zygote *z, const worker_request *req, zyg_kind kind, int fd) {
    const char *s[ZYG_STRINGS] = {req->code,         req->filename,  req->env_block,
                                  req->stdlib_dir,   req->workspace, req->data_dir,
                                  req->external_dir, req->root_dir,  req->options};
    size_t lens[ZYG_STRINGS] = {req->code_len, SIZE_MAX, req->env_len, SIZE_MAX,        SIZE_MAX,
                                SIZE_MAX,      SIZE_MAX, SIZE_MAX,     req->options_len};
    zyg_wire wire = {.fuel = req->fuel,
                     .memory_bytes = req->memory_bytes,
                     .stdout_max = req->stdout_max,
                     .stderr_max = req->stderr_max,
                     .quota_bytes = req->quota_bytes,
                     .quota_files = req->quota_files,
                     .kind = kind};
    for (int i = 0; i < ZYG_STRINGS; i++)
        wire.len[i] = wire_len(s[i], lens[i]);
    if (wire_send_header(z->sock, &wire, sizeof wire, fd) != 0 ||
        wire_send_strings(z->sock, s, wire.len, ZYG_STRINGS) != 0)
        return -1;
    int32_t pid = -1;
    if (fdio_read_all(z->sock, &pid, sizeof pid) != 0) return -1;
    return pid;
}

/* Have the zygote fork a child of kind; restart a dead zygote once. */
static pid_t spawn(zyg_zygote *z, const worker_request *req, zyg_kind kind, int fd, char *err,
                   size_t errlen) {
    if (req->code_len > LSB_MAX_CODE_BYTES || req->env_len > LSB_MAX_ENV_BYTES) {
        snprintf(err, errlen, "request too large for the zygote");
        return -1;
    }
    char why[256] = "it stopped answering";
    pthread_mutex_lock(&z->lock);
    pid_t pid = z->pid > 0 ? spawn_locked(z, req, kind, fd) : -1;
    if (pid <= 0) { /* the zygote died or broke the protocol: replace it, once per call */
        if (z->pid > 0) {
            kill(z->pid, SIGKILL);
            stop_process(z);
        }
        z->pid = -1;
        if (start_process(z, why, sizeof why) == 0)
            pid = spawn_locked(z, req, kind, fd);
        else
            z->pid = -1;
    }
    pthread_mutex_unlock(&z->lock);
    if (pid <= 0) snprintf(err, errlen, "the %s zygote failed: %s", z->mod->name, why);
    return pid <= 0 ? -1 : pid;
}

pid_t zyg_spawn(zyg_zygote *z, const worker_request *req, int out_fd, char *err, size_t errlen) {
    return spawn(z, req, ZYG_KIND_RUN, out_fd, err, errlen);
}

pid_t zyg_spawn_session(zyg_zygote *z, const worker_request *req, int ctl, char *err,
                        size_t errlen) {
    return spawn(z, req, ZYG_KIND_SESSION, ctl, err, errlen);
}

void zyg_stop(zyg_zygote *z) {
    if (z == NULL) return;
    if (z->pid > 0) stop_process(z);
    warm_free(&z->warm);
    pthread_mutex_destroy(&z->lock);
    free(z);
}
