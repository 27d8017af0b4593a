/*
 * fault_io.c - the I/O fault injector behind fault_io.h. The __wrap_
 * functions are what --wrap makes callers reach; the __real_ ones are
 * libc's. State is atomic, so a peer thread of a test may do I/O too.
 */
#include "fault_io.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __real_unlink(const char *path);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);
int __wrap_unlink(const char *path);

static atomic_bool short_io;
static atomic_size_t calls[FAULT_IO_OPS], fail_at[FAULT_IO_OPS], turn[FAULT_IO_OPS], injected;
static atomic_int fail_errno[FAULT_IO_OPS];

/* See fault_io.h. */
void fault_io_short(bool on) { atomic_store(&short_io, on); }

/* See fault_io.h. */
void fault_io_fail(fault_io_op op, size_t nth, int err) {
    atomic_store(&fail_errno[op], err);
    atomic_store(&fail_at[op], atomic_load(&calls[op]) + nth);
}

/* See fault_io.h. */
void fault_io_reset(void) {
    atomic_store(&short_io, false);
    for (int i = 0; i < FAULT_IO_OPS; i++) {
        atomic_store(&calls[i], 0);
        atomic_store(&fail_at[i], 0);
        atomic_store(&turn[i], 0);
    }
    atomic_store(&injected, 0);
}

/* See fault_io.h. */
size_t fault_io_calls(fault_io_op op) { return atomic_load(&calls[op]); }

/* See fault_io.h. */
size_t fault_io_injected(void) { return atomic_load(&injected); }

/* Count a call of op; true (errno set) when it must fail: the chosen
 * failure, or with short I/O every other call (EINTR) of the calls that
 * can be interrupted (not fsync, rename or unlink). Each function takes
 * its own turns: with one shared turn, a poll-then-read loop would meet
 * EINTR on every read. */
static bool fault_hit(fault_io_op op) {
    size_t n = atomic_fetch_add(&calls[op], 1) + 1;
    if (n == atomic_load(&fail_at[op])) {
        atomic_store(&fail_at[op], 0);
        atomic_fetch_add(&injected, 1);
        errno = atomic_load(&fail_errno[op]);
        return true;
    }
    if (op < FAULT_IO_FSYNC && atomic_load(&short_io) && atomic_fetch_add(&turn[op], 1) % 2 == 0) {
        atomic_fetch_add(&injected, 1);
        errno = EINTR;
        return true;
    }
    return false;
}

/* The length a transfer of len may move now: 1 with short I/O. */
static size_t cut(size_t len) {
    if (!atomic_load(&short_io) || len <= 1) return len;
    atomic_fetch_add(&injected, 1);
    return 1;
}

/* read through the switches. */
ssize_t __wrap_read(int fd, void *buf, size_t len) {
    return fault_hit(FAULT_IO_READ) ? -1 : __real_read(fd, buf, cut(len));
}

/* write through the switches. */
ssize_t __wrap_write(int fd, const void *buf, size_t len) {
    return fault_hit(FAULT_IO_WRITE) ? -1 : __real_write(fd, buf, cut(len));
}

/* send through the switches. */
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags) {
    return fault_hit(FAULT_IO_SEND) ? -1 : __real_send(fd, buf, cut(len), flags);
}

/* sendmsg through the switches: a cut one sends the first byte of its
 * first buffer (with the control data). */
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags) {
    if (fault_hit(FAULT_IO_SENDMSG)) return -1;
    if (msg->msg_iovlen < 1 || msg->msg_iov[0].iov_len <= 1 || !atomic_load(&short_io))
        return __real_sendmsg(fd, msg, flags);
    struct iovec one = {msg->msg_iov[0].iov_base, cut(msg->msg_iov[0].iov_len)};
    struct msghdr m = *msg;
    m.msg_iov = &one;
    m.msg_iovlen = 1;
    return __real_sendmsg(fd, &m, flags);
}

/* recvmsg through the switches: a cut one receives one byte (with the
 * control data), whatever MSG_WAITALL asks. */
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags) {
    if (fault_hit(FAULT_IO_RECVMSG)) return -1;
    if (msg->msg_iovlen < 1 || msg->msg_iov[0].iov_len <= 1 || !atomic_load(&short_io))
        return __real_recvmsg(fd, msg, flags);
    struct iovec *first = msg->msg_iov, one = {first->iov_base, cut(first->iov_len)};
    size_t count = msg->msg_iovlen;
    msg->msg_iov = &one;
    msg->msg_iovlen = 1;
    ssize_t n = __real_recvmsg(fd, msg, flags);
    msg->msg_iov = first;
    msg->msg_iovlen = count;
    return n;
}

/* poll through the switches (only EINTR and chosen failures). */
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout) {
    return fault_hit(FAULT_IO_POLL) ? -1 : __real_poll(fds, n, timeout);
}

/* fsync through the switches. */
int __wrap_fsync(int fd) { return fault_hit(FAULT_IO_FSYNC) ? -1 : __real_fsync(fd); }

/* rename through the switches. */
int __wrap_rename(const char *from, const char *to) {
    return fault_hit(FAULT_IO_RENAME) ? -1 : __real_rename(from, to);
}

/* unlink through the switches. */
int __wrap_unlink(const char *path) {
    return fault_hit(FAULT_IO_UNLINK) ? -1 : __real_unlink(path);
}
