/*
 * zygote.c - the zygote process and its request protocol (see zygote.h).
 *
 * Protocol on a SOCK_STREAM socketpair: the requester sends a zyg_wire
 * header, with the output pipe attached as SCM_RIGHTS, then the strings it
 * announces; the zygote answers with the forked child's pid (int32, or -1).
 * The zygote validates every length before allocating, and a requester
 * mutex keeps one request on the wire at a time.
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
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/channel.h"
#include "sandbox/defaults.h"
#include "sandbox/fdio.h"
#include "sandbox/sandbox.h"

#define ZYG_STRINGS     8
#define ZYG_NULL_STRING UINT32_MAX
#define ZYG_MAX_STRING  (LSB_MAX_CODE_BYTES + 1)

struct zyg_zygote {
    pid_t pid;
    int sock;
    pthread_mutex_t lock; /* one request on the wire; guards pid and sock */
    const guest_module *mod;
    char snapshot[PATH_MAX]; /* to start it again if it dies */
};

/* Fixed-size part of a request; lengths of ZYG_STRINGS strings follow. */
typedef struct zyg_wire {
    uint64_t fuel, memory_bytes, stdout_max, stderr_max, quota_bytes, quota_files;
    uint32_t len[ZYG_STRINGS]; /* ZYG_NULL_STRING for NULL */
    uint32_t reserved;
} zyg_wire;

/* Send exactly len bytes on a socket; 0 or -1. Unlike fdio_write_all it uses
 * MSG_NOSIGNAL, so a dead peer is an error here, not a SIGPIPE that would kill
 * the embedding server. */
static int send_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Send the header with fd attached. */
static int send_header(int sock, const zyg_wire *wire, int fd) {
    char control[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {(void *)wire, sizeof *wire};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    ssize_t n;
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof *wire ? 0 : -1;
}

/* Receive a header and its attached fd; 0, or -1 on EOF or a bad message. */
static int recv_header(int sock, zyg_wire *wire, int *fd) {
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {wire, sizeof *wire};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
    while (n < 0 && errno == EINTR);
    struct cmsghdr *cm = n == (ssize_t)sizeof *wire ? CMSG_FIRSTHDR(&msg) : NULL;
    if (cm == NULL || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    memcpy(fd, CMSG_DATA(cm), sizeof *fd);
    return 0;
}

/* Read the announced strings into one buffer; strs[i] NULL where announced. */
static char *recv_strings(int sock, const zyg_wire *wire, const char *strs[ZYG_STRINGS]) {
    uint64_t total = 0;
    for (int i = 0; i < ZYG_STRINGS; i++) {
        if (wire->len[i] == ZYG_NULL_STRING) continue;
        if (wire->len[i] > ZYG_MAX_STRING) return NULL;
        total += wire->len[i] + 1;
    }
    char *buf = malloc(total + 1);
    if (buf == NULL) return NULL;
    char *p = buf;
    for (int i = 0; i < ZYG_STRINGS; i++) {
        strs[i] = NULL;
        if (wire->len[i] == ZYG_NULL_STRING) continue;
        if (fdio_read_all(sock, p, wire->len[i]) != 0) {
            free(buf);
            return NULL;
        }
        p[wire->len[i]] = '\0';
        strs[i] = p;
        p += wire->len[i] + 1;
    }
    return buf;
}

/* Serve requests until the requester closes the socket. Never returns. */
static _Noreturn void zygote_main(worker_instance *w, int sock) {
    signal(SIGCHLD, SIG_IGN); /* children are reaped automatically */
    for (;;) {
        zyg_wire wire;
        int out_fd = -1;
        if (recv_header(sock, &wire, &out_fd) != 0) _exit(0);
        const char *s[ZYG_STRINGS];
        char *strings = recv_strings(sock, &wire, s);
        pid_t pid = strings ? fork() : -1;
        if (pid == 0) {
            close(sock);
            sandbox_close_other_fds(out_fd);
            worker_request req = {
                .code = s[0],
                .code_len = wire.len[0],
                .filename = s[1],
                .env_block = s[2],
                .env_len = s[2] ? wire.len[2] : 0,
                .fuel = wire.fuel,
                .memory_bytes = wire.memory_bytes,
                .stdout_max = wire.stdout_max,
                .stderr_max = wire.stderr_max,
                .quota_bytes = wire.quota_bytes,
                .quota_files = wire.quota_files,
                .stdlib_dir = s[3],
                .workspace = s[4],
                .data_dir = s[5],
                .external_dir = s[6],
                .root_dir = s[7],
            };
            worker_run(w, &req, out_fd);
        }
        free(strings);
        close(out_fd);
        int32_t reply = (int32_t)pid;
        if (send_all(sock, &reply, sizeof reply) != 0 || strings == NULL) _exit(0);
    }
}

/* Fork a zygote process for mod; 0 with *pid and *sock, or -1 with err. */
static int start_process(const guest_module *mod, const char *snapshot_path, pid_t *pid_out,
                         int *sock_out, char *err, size_t errlen) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "socketpair failed: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        worker_instance w;
        char why[512] = "";
        sandbox_close_other_fds(sv[1]);
        int32_t ready = worker_prepare(&w, mod, snapshot_path, why, sizeof why) == 0 ? 0 : -1;
        if (send_all(sv[1], &ready, sizeof ready) != 0 || ready != 0) {
            if (ready != 0) fprintf(stderr, "llm-sandbox: zygote: %s\n", why);
            _exit(1);
        }
        zygote_main(&w, sv[1]);
    }
    close(sv[1]);
    int32_t ready = -1;
    if (pid < 0 || fdio_read_all(sv[0], &ready, sizeof ready) != 0 || ready != 0) {
        snprintf(err, errlen, "the %s zygote failed to start%s", mod->name,
                 pid < 0 ? " (fork failed)" : "; see stderr");
        close(sv[0]);
        if (pid > 0) waitpid(pid, NULL, 0);
        return -1;
    }
    *pid_out = pid;
    *sock_out = sv[0];
    return 0;
}

/* End the zygote process of z (it exits when its socket closes). */
static void stop_process(zyg_zygote *z) {
    close(z->sock);
    while (waitpid(z->pid, NULL, 0) < 0 && errno == EINTR) {
    }
}

int zyg_start(zyg_zygote **out, const guest_module *mod, const char *snapshot_path, char *err,
              size_t errlen) {
    *out = NULL;
    zyg_zygote *z = calloc(1, sizeof *z);
    if (z == NULL || snprintf(z->snapshot, sizeof z->snapshot, "%s", snapshot_path) >= PATH_MAX) {
        free(z);
        snprintf(err, errlen, "out of memory or snapshot path too long");
        return -1;
    }
    z->mod = mod;
    if (start_process(mod, snapshot_path, &z->pid, &z->sock, err, errlen) != 0) {
        free(z);
        return -1;
    }
    pthread_mutex_init(&z->lock, NULL);
    *out = z;
    return 0;
}

/* The length announced for s (ZYG_NULL_STRING for NULL). */
static uint32_t wire_len(const char *s, size_t len) { return s ? (uint32_t)len : ZYG_NULL_STRING; }

/* Send one request and read back the pid; caller holds z->lock. */
static pid_t spawn_locked(zyg_zygote *z, const worker_request *req, int out_fd) {
    const char *s[ZYG_STRINGS] = {req->code,      req->filename, req->env_block,    req->stdlib_dir,
                                  req->workspace, req->data_dir, req->external_dir, req->root_dir};
    size_t lens[ZYG_STRINGS] = {req->code_len, 0, req->env_len, 0, 0, 0, 0, 0};
    zyg_wire wire = {.fuel = req->fuel,
                     .memory_bytes = req->memory_bytes,
                     .stdout_max = req->stdout_max,
                     .stderr_max = req->stderr_max,
                     .quota_bytes = req->quota_bytes,
                     .quota_files = req->quota_files};
    for (int i = 0; i < ZYG_STRINGS; i++) {
        if (s[i] && i != 0 && i != 2) lens[i] = strlen(s[i]);
        wire.len[i] = wire_len(s[i], lens[i]);
    }
    if (send_header(z->sock, &wire, out_fd) != 0) return -1;
    for (int i = 0; i < ZYG_STRINGS; i++)
        if (s[i] && send_all(z->sock, s[i], lens[i]) != 0) return -1;
    int32_t pid = -1;
    if (fdio_read_all(z->sock, &pid, sizeof pid) != 0) return -1;
    return pid;
}

pid_t zyg_spawn(zyg_zygote *z, const worker_request *req, int out_fd, char *err, size_t errlen) {
    if (req->code_len > LSB_MAX_CODE_BYTES || req->env_len > LSB_MAX_ENV_BYTES) {
        snprintf(err, errlen, "request too large for the zygote");
        return -1;
    }
    char why[256] = "it stopped answering";
    pthread_mutex_lock(&z->lock);
    pid_t pid = z->pid > 0 ? spawn_locked(z, req, out_fd) : -1;
    if (pid <= 0) { /* the zygote died or broke the protocol: replace it, once per call */
        if (z->pid > 0) {
            kill(z->pid, SIGKILL);
            stop_process(z);
        }
        z->pid = -1;
        if (start_process(z->mod, z->snapshot, &z->pid, &z->sock, why, sizeof why) == 0)
            pid = spawn_locked(z, req, out_fd);
        else
            z->pid = -1;
    }
    pthread_mutex_unlock(&z->lock);
    if (pid <= 0) snprintf(err, errlen, "the %s zygote failed: %s", z->mod->name, why);
    return pid <= 0 ? -1 : pid;
}

void zyg_stop(zyg_zygote *z) {
    if (z == NULL) return;
    if (z->pid > 0) stop_process(z);
    pthread_mutex_destroy(&z->lock);
    free(z);
}
