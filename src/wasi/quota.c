/*
 * quota.c - quota accounting for writable preopens. Owns the model: an
 * entry is any directory entry below a writable preopen; bytes are st_size
 * of regular files (data shared by hard links counted once) and symlinks.
 * Invariant: a check (returning DQUOT) always precedes the host operation
 * it guards, and the usage is adjusted from the sizes the host reports
 * afterwards, so usage never drifts below what is on disk.
 */
#include "wasi/quota.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/walk.h"
#include "wasi/abi.h"
#include "wasi/path.h"

/* See quota.h. */
uint32_t wasi_quota_check_grow(const wasi_quota *q, uint64_t old_size, uint64_t new_size) {
    uint64_t growth, room;
    if (new_size <= old_size || q->bytes_max == WASI_UNLIMITED) return 0;
    growth = new_size - old_size;
    room = q->bytes_used >= q->bytes_max ? 0 : q->bytes_max - q->bytes_used;
    return growth > room ? WASI_EDQUOT : 0;
}

/* See quota.h. */
void wasi_quota_adjust(wasi_quota *q, uint64_t old_size, uint64_t new_size) {
    if (new_size >= old_size) {
        uint64_t sum;
        if (__builtin_add_overflow(q->bytes_used, new_size - old_size, &sum)) sum = UINT64_MAX;
        q->bytes_used = sum;
    } else {
        uint64_t drop = old_size - new_size;
        q->bytes_used = drop > q->bytes_used ? 0 : q->bytes_used - drop;
    }
}

/* See quota.h. */
uint32_t wasi_quota_check_entry(const wasi_quota *q, uint64_t bytes) {
    if (q->files_max != WASI_UNLIMITED && q->files_used >= q->files_max) return WASI_EDQUOT;
    return wasi_quota_check_grow(q, 0, bytes);
}

/* See quota.h. */
void wasi_quota_add_entry(struct wasi_state *st, uint64_t bytes) {
    st->quota.files_used++;
    wasi_quota_adjust(&st->quota, 0, bytes);
    st->files_created++;
}

/* See quota.h. */
void wasi_quota_remove_entry(struct wasi_state *st, const struct stat *sb, bool held_open) {
    uint64_t size = sb->st_size < 0 ? 0 : (uint64_t)sb->st_size;
    if (st->quota.files_used > 0) st->quota.files_used--;
    if (S_ISLNK(sb->st_mode))
        wasi_quota_adjust(&st->quota, size, 0);
    else if (S_ISREG(sb->st_mode) && sb->st_nlink <= 1 && !held_open)
        wasi_quota_adjust(&st->quota, size, 0);
}

/* ---- init-time scan ---------------------------------------------------- */

/* Inodes of multiply-linked regular files already counted. */
typedef struct inode_set {
    struct {
        dev_t dev;
        ino_t ino;
    } * v;
    size_t n, cap;
} inode_set;

/* Adds (dev, ino) unless present. Returns 1 if added, 0 if present, -1 on
 * allocation failure. Linear search: only hard-linked files land here. */
static int inode_set_add(inode_set *s, dev_t dev, ino_t ino) {
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].dev == dev && s->v[i].ino == ino) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        void *v = realloc(s->v, cap * sizeof s->v[0]);
        if (v == NULL) return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].dev = dev;
    s->v[s->n].ino = ino;
    s->n++;
    return 1;
}

typedef struct scan {
    wasi_quota *q;
    inode_set seen;
    const char *what;
    char *err;
    size_t errlen;
} scan;

/* Counts one entry of the walk: every entry, the bytes of symlinks and of
 * regular files (a multiply-linked inode once). Returns UTIL_WALK_ENTER for
 * folders, UTIL_WALK_NEXT, or -1 with a message. */
static int count_entry(scan *s, const util_walk_entry *e) {
    const struct stat *sb = e->st;
    if (sb == NULL)
        return util_errf(s->err, s->errlen, "quota scan of %s: cannot stat '%s': %s", s->what,
                         e->name, strerror(e->err));
    s->q->files_used++;
    if (S_ISLNK(sb->st_mode)) {
        wasi_quota_adjust(s->q, 0, (uint64_t)sb->st_size);
    } else if (S_ISREG(sb->st_mode)) {
        int fresh = sb->st_nlink > 1 ? inode_set_add(&s->seen, sb->st_dev, sb->st_ino) : 1;
        if (fresh < 0)
            return util_errf(s->err, s->errlen, "quota scan of %s: out of memory", s->what);
        if (fresh) wasi_quota_adjust(s->q, 0, (uint64_t)sb->st_size);
    } else if (S_ISDIR(sb->st_mode)) {
        return UTIL_WALK_ENTER;
    }
    return UTIL_WALK_NEXT;
}

/* util_walk visitor of the scan: counts entries; any folder it cannot
 * walk fails the scan (-1 with a message naming `what`). */
static int scan_visit(void *ctx, const util_walk_entry *e) {
    scan *s = ctx;
    if (e->event == UTIL_WALK_ENTRY) return count_entry(s, e);
    if (e->event == UTIL_WALK_LEAVE) return UTIL_WALK_NEXT;
    switch (e->why) {
    case UTIL_WALK_OPEN_FAILED:
        return util_errf(s->err, s->errlen, "quota scan of %s: cannot open '%s' (wasi errno %u)",
                         s->what, e->name, wasi_errno_from_host(e->err));
    case UTIL_WALK_TOO_DEEP:
        return util_errf(s->err, s->errlen,
                         "quota scan of %s: directories nested deeper than %d levels", s->what,
                         WASI_SCAN_MAX_DEPTH);
    default: return util_errf(s->err, s->errlen, "quota scan of %s: %s", s->what, strerror(e->err));
    }
}

/* See quota.h. */
int wasi_quota_scan(int dirfd, const char *what, wasi_quota *q, char *err, size_t errlen) {
    scan s = {.q = q, .what = what, .err = err, .errlen = errlen};
    int sub = -1;
    int rc;
    if (wasi_path_openat(dirfd, ".", O_RDONLY | O_DIRECTORY, 0, &sub) != 0) {
        snprintf(err, errlen, "quota scan of %s: cannot open its root", what);
        return -1;
    }
    rc = util_walk(sub, NULL, WASI_SCAN_MAX_DEPTH, false, scan_visit, &s) == 0 ? 0 : -1;
    free(s.seen.v);
    return rc;
}
