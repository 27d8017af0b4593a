/*
 * fs.c - mkdir -p, whole-buffer reads and writes, the close-all-but loop
 * of forked children and their /dev/null stdio (fs.h). Closing uses close_range(2), one system call
 * per range, so a child never inherits a descriptor it was not meant to see.
 */
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/err.h"

/* See fs.h. */
int util_write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = EIO;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* See fs.h. */
ssize_t util_read_upto(int fd, void *buf, size_t len) {
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* See fs.h. */
int util_mkdir_p(const char *path, mode_t mode, char *err, size_t errlen) {
    char buf[PATH_MAX];
    if (path[0] == '\0' || snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = path[0] == '\0' ? ENOENT : ENAMETOOLONG;
        return util_errf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    }
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST) {
            int saved = errno;
            util_errf(err, errlen, "cannot create %s: %s", buf, strerror(saved));
            errno = saved;
            return -1;
        }
        if ((*p = c) == '\0') return 0;
    }
}

/* See fs.h. */
void util_close_fds_except(int keep) {
    if (keep > 3) syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U);
    syscall(SYS_close_range, keep < 3 ? 3U : (unsigned)keep + 1, ~0U, 0U);
}

/* See fs.h. */
int util_detach_stdio(int keep, bool keep_stderr) {
    if (keep >= 0 && keep <= 2) {
        int moved = fcntl(keep, F_DUPFD, 3);
        close(keep);
        keep = moved;
    }
    int last = keep_stderr ? 1 : 2;
    int null_fd = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= last; fd++)
        if (null_fd < 0 || (fd != null_fd && dup2(null_fd, fd) != fd)) close(fd);
    if (null_fd > last) close(null_fd);
    return keep;
}
