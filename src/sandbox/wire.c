/*
 * wire.c - the socket framing of wire.h: sendmsg/recvmsg with SCM_RIGHTS,
 * length-checked strings and deadline-bounded reads.
 *
 * Nothing here trusts the peer: headers must arrive whole with exactly one
 * descriptor, and string lengths are capped before any allocation.
 */
#include "sandbox/wire.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/fdio.h"

double wire_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int wire_send_all(int sock, const void *buf, size_t len) {
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

int wire_send_header(int sock, const void *header, size_t len, int fd) {
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
    return n == (ssize_t)len ? 0 : -1;
}

int wire_recv_header(int sock, void *header, size_t len, int *fd) {
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
    if (n == (ssize_t)len) return 0;
    close(*fd); /* a short header: the descriptor is of no use */
    return -1;
}

uint32_t wire_len(const char *s, size_t len) {
    if (s == NULL) return WIRE_NULL_STRING;
    return (uint32_t)(len == SIZE_MAX ? strlen(s) : len);
}

int wire_send_strings(int sock, const char *const *strs, const uint32_t *lens, int count) {
    for (int i = 0; i < count; i++)
        if (strs[i] != NULL && wire_send_all(sock, strs[i], lens[i]) != 0) return -1;
    return 0;
}

char *wire_recv_strings(int sock, const uint32_t *lens, int count, uint32_t max_each,
                        const char **strs) {
    uint64_t total = 0;
    for (int i = 0; i < count; i++) {
        if (lens[i] == WIRE_NULL_STRING) continue;
        if (lens[i] > max_each) return NULL;
        total += (uint64_t)lens[i] + 1;
    }
    char *buf = malloc(total + 1);
    if (buf == NULL) return NULL;
    char *p = buf;
    for (int i = 0; i < count; i++) {
        strs[i] = NULL;
        if (lens[i] == WIRE_NULL_STRING) continue;
        if (fdio_read_all(sock, p, lens[i]) != 0) {
            free(buf);
            return NULL;
        }
        p[lens[i]] = '\0';
        strs[i] = p;
        p += lens[i] + 1;
    }
    return buf;
}

int wire_read_until(int fd, void *buf, size_t len, double deadline_ms) {
    char *p = buf;
    while (len > 0) {
        double left = deadline_ms - wire_now_ms();
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
