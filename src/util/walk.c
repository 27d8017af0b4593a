/*
 * walk.c - depth-first directory walking for the workspace listing, tree
 * removal and the quota scan (see walk.h). Every folder is opened from its
 * parent's descriptor with openat2(RESOLVE_BENEATH) and O_NOFOLLOW |
 * O_DIRECTORY, so a symlink swapped in mid-walk is never followed, and the
 * walk also runs under the seccomp filter of a session process (which
 * allows openat2 only). One directory stream is open per level.
 */
#include "util/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Internal results of a folder's walk: go on, stopped, or < 0 aborted. */
#define WALK_GO   0
#define WALK_STOP 1

/* openat2 may fail with EAGAIN when a rename races the lookup. */
#define WALK_OPEN_RETRIES 8

typedef struct walker {
    util_walk_fn visit;
    void *ctx;
    int max_depth;
    bool want_paths;
    char path[PATH_MAX]; /* the current path when path_ok */
    size_t len;
    bool path_ok; /* the current path fit in path[] */
} walker;

/* Hand e to the visitor; map its answer to WALK_GO/WALK_STOP/negative,
 * and report whether it asked to enter. */
static int show(walker *w, const util_walk_entry *e, bool *enter) {
    int rc = w->visit(w->ctx, e);
    if (enter != NULL) *enter = rc == UTIL_WALK_ENTER;
    if (rc < 0) return rc;
    return rc == UTIL_WALK_STOP ? WALK_STOP : WALK_GO;
}

/* Tell the visitor that the folder e names could not be walked. */
static int no_enter(walker *w, util_walk_entry e, util_walk_why why, int err) {
    e.event = UTIL_WALK_NO_ENTER;
    e.why = why;
    e.err = err;
    return show(w, &e, NULL);
}

static int walk_dir(walker *w, int fd, const util_walk_entry *folder);

/* Open the folder `name` of dirfd for reading, beneath dirfd and without
 * following a symlink; the fd, or -1 with errno. */
static int open_folder(int dirfd, const char *name) {
    struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    for (int i = 0; i < WALK_OPEN_RETRIES; i++) {
        long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof how);
        if (fd >= 0) return (int)fd;
        if (errno != EAGAIN && errno != EINTR) break;
    }
    return -1;
}

/* Enter the folder e (an entry the visitor chose): open it, check the
 * depth, walk it and send LEAVE. */
static int enter(walker *w, const util_walk_entry *e) {
    int sub = open_folder(e->dirfd, e->name);
    if (sub < 0) return no_enter(w, *e, UTIL_WALK_OPEN_FAILED, errno);
    if (e->depth >= w->max_depth) {
        close(sub);
        return no_enter(w, *e, UTIL_WALK_TOO_DEEP, 0);
    }
    int rc = walk_dir(w, sub, e);
    if (rc != WALK_GO) return rc;
    util_walk_entry leave = *e;
    leave.event = UTIL_WALK_LEAVE;
    leave.st = NULL;
    return show(w, &leave, NULL);
}

/* Show one entry `name` of dir at depth, entering it if asked. */
static int walk_entry(walker *w, int dir, const char *name, int depth) {
    size_t saved = w->len;
    bool saved_ok = w->path_ok;
    if (w->want_paths && w->path_ok) {
        int n =
            snprintf(w->path + w->len, sizeof w->path - w->len, "%s%s", w->len ? "/" : "", name);
        if (n < 0 || (size_t)n >= sizeof w->path - w->len)
            w->path_ok = false;
        else
            w->len += (size_t)n;
    }
    struct stat st;
    int serr = fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
    util_walk_entry e = {.event = UTIL_WALK_ENTRY,
                         .dirfd = dir,
                         .name = name,
                         .path = w->want_paths && w->path_ok ? w->path : NULL,
                         .st = serr ? NULL : &st,
                         .depth = depth,
                         .err = serr};
    bool go_in;
    int rc = show(w, &e, &go_in);
    if (rc == WALK_GO && go_in) rc = enter(w, &e);
    w->len = saved;
    w->path[saved] = '\0';
    w->path_ok = saved_ok;
    return rc;
}

/* Walk the entries of fd (taken over and closed), the folder `folder`
 * names; a folder that cannot be read is shown as NO_ENTER. */
static int walk_dir(walker *w, int fd, const util_walk_entry *folder) {
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int err = errno;
        close(fd);
        return no_enter(w, *folder, UTIL_WALK_READ_FAILED, err);
    }
    int rc = WALK_GO;
    struct dirent *de;
    while (rc == WALK_GO && (de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            rc = walk_entry(w, dirfd(d), de->d_name, folder->depth + 1);
    closedir(d);
    return rc;
}

/* See walk.h. */
int util_walk(int dirfd, const char *prefix, int max_depth, bool want_paths, util_walk_fn visit,
              void *ctx) {
    walker w = {.visit = visit, .ctx = ctx, .max_depth = max_depth, .want_paths = want_paths};
    int n = snprintf(w.path, sizeof w.path, "%s", prefix ? prefix : "");
    w.path_ok = n >= 0 && (size_t)n < sizeof w.path;
    w.len = w.path_ok ? (size_t)n : 0;
    util_walk_entry root = {.event = UTIL_WALK_ENTRY,
                            .dirfd = -1,
                            .name = ".",
                            .path = want_paths && w.path_ok ? w.path : NULL,
                            .depth = -1};
    int rc = walk_dir(&w, dirfd, &root);
    return rc < 0 ? rc : 0;
}
