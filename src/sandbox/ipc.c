/*
 * ipc.c - the framing of ipc.h: loops around read/write/send, sendmsg and
 * recvmsg with SCM_RIGHTS (a header may arrive or leave in pieces, the
 * descriptor with its first byte), length-checked strings, deadline-bounded reads,
 * and the worker_request encoder and decoder.
 *
 * Nothing here trusts the peer: headers must arrive whole with exactly one
 * descriptor, and string lengths are capped before any allocation.
 */
#include "sandbox/ipc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/defaults.h"
#include "util/clock.h"
#include "util/fs.h"

#define IPC_STRINGS     9 /* code, filename, env, stdlib, workspace, data, external, root, options */
#define IPC_MAX_STRING  ((uint32_t)LSB_MAX_CODE_BYTES + 1)
#define IPC_NULL_STRING UINT32_MAX /* announced length of a NULL string */

/* The fixed-size part of a request; the lengths of IPC_STRINGS follow. */
typedef struct ipc_wire {
    uint64_t fuel, memory_bytes, stdout_max, stderr_max, quota_bytes, quota_files, timeout_ms;
    uint32_t len[IPC_STRINGS];
    uint32_t kind;         /* ipc_kind */
    uint32_t rescan_quota; /* worker_request.rescan_quota */
} ipc_wire;

/* See ipc.h. */
int ipc_write_all(int fd, const void *buf, size_t len) { return util_write_all(fd, buf, len); }

/* See ipc.h. */
int ipc_read_all(int fd, void *buf, size_t len) {
    ssize_t got = util_read_upto(fd, buf, len);
    return got >= 0 && (size_t)got == len ? 0 : -1;
}

/* See ipc.h. */
int ipc_send_all(int sock, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(sock, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* See ipc.h. */
int ipc_read_until(int fd, void *buf, size_t len, double deadline_ms) {
    char *p = buf;
    while (len > 0) {
        double left = deadline_ms - util_now_ms();
        if (left <= 0) return -1;
        struct pollfd pfd = {fd, POLLIN, 0};
        int n = poll(&pfd, 1, (int)left + 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        ssize_t got = read(fd, p, len);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        p += got;
        len -= (size_t)got;
    }
    return 0;
}

/* Send the header with fd attached; 0 or -1. */
static int send_header(int sock, const void *header, size_t len, int fd) {
    char control[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {(void *)header, len};
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
    if (n <= 0) return -1;
    /* the descriptor went with the first bytes; a short send sends the rest */
    return ipc_send_all(sock, (const char *)header + n, len - (size_t)n);
}

/* Receive a header of exactly len bytes with one attached descriptor
 * (close-on-exec); 0, or -1 on EOF or a malformed message. */
static int recv_header(int sock, void *header, size_t len, int *fd) {
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {header, len};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
    while (n < 0 && errno == EINTR);
    struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
        cm->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    memcpy(fd, CMSG_DATA(cm), sizeof *fd);
    /* the descriptor came with the first bytes; a short read reads the rest */
    if (ipc_read_all(sock, (char *)header + n, len - (size_t)n) == 0) return 0;
    close(*fd); /* a header cut short by EOF: the descriptor is of no use */
    *fd = -1;
    return -1;
}

/* The length to announce for s (IPC_NULL_STRING for NULL; strlen unless
 * len is given, i.e. not SIZE_MAX); 0, or -1 when it does not fit. */
static int announce(const char *s, size_t len, uint32_t *out) {
    if (s == NULL) {
        *out = IPC_NULL_STRING;
        return 0;
    }
    size_t n = len == SIZE_MAX ? strlen(s) : len;
    *out = (uint32_t)n;
    return n <= IPC_MAX_STRING ? 0 : -1;
}

/* See ipc.h. */
int ipc_send_request(int sock, const worker_request *req, ipc_kind kind, int fd) {
    const char *s[IPC_STRINGS] = {req->code,         req->filename,  req->env_block,
                                  req->stdlib_dir,   req->workspace, req->data_dir,
                                  req->external_dir, req->root_dir,  req->options};
    size_t lens[IPC_STRINGS] = {req->code_len, SIZE_MAX, req->env_len, SIZE_MAX,        SIZE_MAX,
                                SIZE_MAX,      SIZE_MAX, SIZE_MAX,     req->options_len};
    ipc_wire wire;
    memset(&wire, 0, sizeof wire); /* no stray bytes in the padding */
    wire.fuel = req->fuel;
    wire.memory_bytes = req->memory_bytes;
    wire.stdout_max = req->stdout_max;
    wire.stderr_max = req->stderr_max;
    wire.quota_bytes = req->quota_bytes;
    wire.quota_files = req->quota_files;
    wire.timeout_ms = req->timeout_ms;
    wire.kind = (uint32_t)kind;
    wire.rescan_quota = req->rescan_quota != 0;
    for (int i = 0; i < IPC_STRINGS; i++)
        if (announce(s[i], lens[i], &wire.len[i]) != 0) return -1;
    if (send_header(sock, &wire, sizeof wire, fd) != 0) return -1;
    for (int i = 0; i < IPC_STRINGS; i++)
        if (s[i] != NULL && ipc_send_all(sock, s[i], wire.len[i]) != 0) return -1;
    return 0;
}

/* Receive the strings announced by lens into one malloc'd buffer,
 * NUL-terminating each; s[i] points into it, or is NULL for a NULL string.
 * Returns the buffer, or NULL on a bad length, EOF or OOM. */
static char *recv_strings(int sock, const uint32_t *lens, const char **s) {
    uint64_t total = 0;
    for (int i = 0; i < IPC_STRINGS; i++) {
        if (lens[i] == IPC_NULL_STRING) continue;
        if (lens[i] > IPC_MAX_STRING) return NULL;
        total += (uint64_t)lens[i] + 1;
    }
    char *buf = malloc(total + 1);
    if (buf == NULL) return NULL;
    char *p = buf;
    for (int i = 0; i < IPC_STRINGS; i++) {
        s[i] = NULL;
        if (lens[i] == IPC_NULL_STRING) continue;
        if (ipc_read_all(sock, p, lens[i]) != 0) {
            free(buf);
            return NULL;
        }
        p[lens[i]] = '\0';
        s[i] = p;
        p += lens[i] + 1;
    }
    return buf;
}

/* The request rebuilt from its header and strings. */
static worker_request request_from_wire(const ipc_wire *wire, const char **s) {
    return (worker_request){
        .code = s[0],
        .code_len = s[0] ? wire->len[0] : 0,
        .filename = s[1],
        .env_block = s[2],
        .env_len = s[2] ? wire->len[2] : 0,
        .options = s[8],
        .options_len = s[8] ? wire->len[8] : 0,
        .rescan_quota = wire->rescan_quota != 0,
        .fuel = wire->fuel,
        .memory_bytes = wire->memory_bytes,
        .timeout_ms = wire->timeout_ms,
        .stdout_max = wire->stdout_max,
        .stderr_max = wire->stderr_max,
        .quota_bytes = wire->quota_bytes,
        .quota_files = wire->quota_files,
        .stdlib_dir = s[3],
        .workspace = s[4],
        .data_dir = s[5],
        .external_dir = s[6],
        .root_dir = s[7],
    };
}

/* See ipc.h. */
int ipc_recv_request(int sock, ipc_request *out) {
    ipc_wire wire;
    const char *s[IPC_STRINGS];
    *out = (ipc_request){.fd = -1};
    if (recv_header(sock, &wire, sizeof wire, &out->fd) != 0) return -1;
    out->kind = wire.kind == IPC_KIND_SESSION ? IPC_KIND_SESSION : IPC_KIND_RUN;
    if ((out->strings = recv_strings(sock, wire.len, s)) == NULL) return -2;
    out->req = request_from_wire(&wire, s);
    return 0;
}

/* See ipc.h. */
void ipc_request_free(ipc_request *r) {
    free(r->strings);
    r->strings = NULL;
}
