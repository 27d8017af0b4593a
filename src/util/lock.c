/*
 * lock.c - flock-based locks across processes, with a generation counter
 * in the lock file (lock.h).
 *
 * Waiting polls flock(LOCK_NB) with a growing pause, so a wait can end at
 * a deadline or when the caller says stop. After the lock is taken, the
 * name is checked to still lead to the locked inode: a holder that removed
 * the file (a session being destroyed) leaves its waiters an inode nobody
 * else will lock, so they open the name again.
 */
#include "util/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

#define LOCK_FILE_MODE      0600
#define LOCK_PAUSE_FIRST_MS 1.0  /* the first pause between tries */
#define LOCK_PAUSE_MAX_MS   25.0 /* the longest pause */

/* Open path as a lock: the file (created if missing) read-write, or an
 * existing folder read-only; fd or -1 with errno. *is_file says which. */
static int open_lock(const char *path, bool *is_file) {
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, LOCK_FILE_MODE);
    *is_file = fd >= 0;
    if (fd < 0 && errno == EISDIR) fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd;
}

/* True when path still names the inode fd holds (it was not removed or
 * replaced while we waited). */
static bool still_named(int fd, const char *path) {
    struct stat held, named;
    return fstat(fd, &held) == 0 && held.st_nlink > 0 && lstat(path, &named) == 0 &&
           held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

/* Sleep ms milliseconds (interrupted sleeps are fine: the loop retries). */
static void pause_ms(double ms) {
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000),
                          .tv_nsec = (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6)};
    nanosleep(&ts, NULL);
}

/* flock fd, polling until the deadline or stop; 0 or -1 with errno. */
static int wait_flock(int fd, double deadline_ms, util_lock_stop_fn stop, const void *ctx) {
    double pause = LOCK_PAUSE_FIRST_MS;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return 0;
        if (errno != EWOULDBLOCK && errno != EINTR) return -1;
        if (stop != NULL && stop(ctx)) {
            errno = ECANCELED;
            return -1;
        }
        double left = deadline_ms - util_now_ms();
        if (left <= 0) {
            errno = EWOULDBLOCK;
            return -1;
        }
        pause_ms(pause < left ? pause : left);
        pause = pause * 2 > LOCK_PAUSE_MAX_MS ? LOCK_PAUSE_MAX_MS : pause * 2;
    }
}

/* See lock.h. */
int util_lock_take(util_lock *l, const char *path, double deadline_ms, util_lock_stop_fn stop,
                   const void *stop_ctx) {
    *l = (util_lock){.fd = -1};
    for (;;) {
        bool is_file;
        int fd = open_lock(path, &is_file);
        if (fd < 0) return -1;
        if (wait_flock(fd, deadline_ms, stop, stop_ctx) != 0) {
            int err = errno;
            close(fd);
            errno = err;
            return -1;
        }
        if (!still_named(fd, path)) { /* removed or replaced while we waited */
            close(fd);
            continue;
        }
        l->fd = fd;
        l->has_gen = is_file;
        uint64_t gen = 0;
        if (is_file && pread(fd, &gen, sizeof gen, 0) == (ssize_t)sizeof gen) l->gen = gen;
        return 0;
    }
}

/* See lock.h. */
void util_lock_release(util_lock *l, bool bump) {
    if (l->fd < 0) return;
    if (bump && l->has_gen) {
        uint64_t next = l->gen + 1;
        if (pwrite(l->fd, &next, sizeof next, 0) == (ssize_t)sizeof next) l->gen = next;
    }
    close(l->fd); /* drops the flock */
    l->fd = -1;
}
