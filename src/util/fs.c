/*
 * fs.c - mkdir -p and the close-all-but loop of forked children (fs.h).
 * Closing uses close_range(2), one system call per range, so a child
 * never inherits a descriptor it was not meant to see.
 */
#include "util/fs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/err.h"

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
