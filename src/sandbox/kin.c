/*
 * kin.c - pidfds on verified children (see kin.h).
 *
 * Why this check. A session process runs guest code (every process that
 * holds a session once ran a guest's run), so a pid it reports may name any
 * process of the host user, and the host would SIGKILL it. The candidates:
 *  - SO_PEERCRED on the control socket: it is a socketpair, and a
 *    socketpair's peer credentials are those of the process that created
 *    it (the host itself), whoever writes into it later. Useless here.
 *  - SCM_CREDENTIALS with SO_PASSCRED: the kernel checks the sender's pid,
 *    but only for senders without CAP_SYS_ADMIN (CI and many containers
 *    run as root, and then any pid passes), and the pid can still be
 *    recycled between the message and the host's pidfd_open.
 *  - The fork's own pidfd (clone3 CLONE_PIDFD): exact, but a run child is
 *    forked by the session process, which is the very process we cannot
 *    trust to hand it over; and glibc 2.36 has no wrapper.
 *  - Ancestry, read while a pidfd pins the process (this file): open a
 *    pidfd on the reported pid, read its parent from /proc/PID/status,
 *    then confirm the pidfd still runs, so what was read is that process's
 *    and the pid cannot have been recycled in between. A process whose
 *    parent is a process the host already holds (the zygote it forked, or
 *    the session process it holds by pidfd) was forked inside the sandbox.
 *    The answer comes from the kernel and holds for any uid.
 * So a lying session can at worst name one of its own children, which the
 * host may kill anyway. The rest is in the callers: the host signals only
 * pidfds obtained here (or on its own direct children).
 */
#include "sandbox/kin.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KIN_STATUS_MAX 4096 /* /proc/PID/status is about 1.5 KiB; PPid is near its top */

/* See kin.h. */
bool kin_running(int pidfd) {
    struct pollfd p = {pidfd, POLLIN, 0};
    int n;
    do
        n = poll(&p, 1, 0);
    while (n < 0 && errno == EINTR);
    return n == 0; /* a pidfd becomes readable when its process exits */
}

/* See kin.h. */
void kin_kill(int pidfd) {
    if (pidfd >= 0) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

/* The PPid of pid from /proc/PID/status; -1 if it cannot be read. */
static pid_t read_ppid(pid_t pid) {
    char path[64], buf[KIN_STATUS_MAX];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n;
    do
        n = read(fd, buf, sizeof buf - 1);
    while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    const char *line = strstr(buf, "\nPPid:");
    if (line == NULL) return -1;
    char *end;
    long ppid = strtol(line + strlen("\nPPid:"), &end, 10);
    return end != line + strlen("\nPPid:") && ppid >= 0 ? (pid_t)ppid : -1;
}

/* Close fd and return result (for the failure paths below). */
static int drop(int fd, int result) {
    close(fd);
    return result;
}

/* See kin.h. */
int kin_open_child(pid_t pid, pid_t parent, int parent_fd, char *why, size_t whylen) {
    if (pid <= 0 || parent <= 0 || pid == parent) {
        snprintf(why, whylen, "pid %d is not a process it may name", (int)pid);
        return KIN_STRANGER;
    }
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0 && errno == ESRCH) return KIN_GONE;
    if (fd < 0) {
        snprintf(why, whylen, "pid %d is not a process it may name (%s)", (int)pid,
                 strerror(errno));
        return KIN_STRANGER;
    }
    pid_t ppid = read_ppid(pid);
    if (!kin_running(fd)) return drop(fd, KIN_GONE); /* what we read may be another's */
    if (ppid < 0) {
        snprintf(why, whylen, "the parent of pid %d cannot be read from /proc", (int)pid);
        return drop(fd, KIN_STRANGER);
    }
    if (ppid != parent) {
        snprintf(why, whylen, "pid %d is not its child (its parent is %d, not %d)", (int)pid,
                 (int)ppid, (int)parent);
        return drop(fd, KIN_STRANGER);
    }
    if (parent_fd >= 0 && !kin_running(parent_fd)) {
        snprintf(why, whylen, "its own process ended while it named pid %d", (int)pid);
        return drop(fd, KIN_STRANGER);
    }
    return fd;
}
