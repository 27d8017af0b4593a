/*
 * workspace.c - scans, diffs, creates and removes workspaces (workspace.h).
 *
 * Every directory is opened relative to its parent's fd with O_NOFOLLOW and
 * O_DIRECTORY (util_walk), so a symlink the guest built never makes the
 * host wander. Listings stop at WS_MAX_DEPTH (they only feed the report);
 * removal goes to any depth, since a tree left behind is a disk leak.
 */
#include "sandbox/workspace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"
#include "util/walk.h"

#define WS_MAX_DEPTH   64
#define WS_PATH_MAX    4096
#define WS_TEMP_PREFIX "lsb-run-" /* only versions that flock them make these */
/* Tries at a temporary workspace: between mkdtemp and its flock, a sweep
 * in another process may take the new folder for a stale one and remove
 * it; each process sweeps once, so a few tries always win. */
#define WS_TEMP_ATTEMPTS 16

/* Append one entry; -1 on OOM. */
static int listing_add(ws_listing *l, const char *path, const struct stat *st) {
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        ws_entry *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL) return -1;
        l->items = items;
        l->cap = cap;
    }
    char *copy = strdup(path);
    if (copy == NULL) return -1;
    l->items[l->count++] = (ws_entry){
        copy, (uint64_t)st->st_size, (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
        (uint64_t)st->st_ino};
    return 0;
}

/* A scan in progress: the listing and its cap. */
typedef struct scan_ctx {
    ws_listing *l;
    size_t max;
} scan_ctx;

/* util_walk visitor of ws_scan: lists regular files and symlinks, enters
 * folders, and marks the listing incomplete for whatever it cannot see;
 * -1 only on OOM. */
static int scan_visit(void *ctx, const util_walk_entry *e) {
    scan_ctx *s = ctx;
    if (e->event == UTIL_WALK_LEAVE) return UTIL_WALK_NEXT;
    if (e->event == UTIL_WALK_NO_ENTER || e->path == NULL || e->st == NULL) {
        s->l->incomplete = 1;
        return UTIL_WALK_NEXT;
    }
    if (S_ISDIR(e->st->st_mode)) {
        if (strlen(e->path) + 2 < WS_PATH_MAX) return UTIL_WALK_ENTER;
        s->l->incomplete = 1;
        return UTIL_WALK_NEXT;
    }
    if (s->l->count >= s->max) {
        s->l->incomplete = 1;
        return UTIL_WALK_STOP;
    }
    return listing_add(s->l, e->path, e->st);
}

/* qsort order of listing entries: by path. */
static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const ws_entry *)a)->path, ((const ws_entry *)b)->path);
}

/* See workspace.h. */
int ws_scan(const char *root, size_t max_entries, ws_listing *out) {
    memset(out, 0, sizeof *out);
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    scan_ctx s = {out, max_entries};
    if (util_walk(fd, "", WS_MAX_DEPTH, true, scan_visit, &s) != 0) {
        ws_listing_free(out);
        return -1;
    }
    if (out->count > 1) qsort(out->items, out->count, sizeof *out->items, entry_cmp);
    return 0;
}

/* See workspace.h. */
void ws_listing_free(ws_listing *listing) {
    for (size_t i = 0; i < listing->count; i++)
        free(listing->items[i].path);
    free(listing->items);
    memset(listing, 0, sizeof *listing);
}

/* Push a copy of rel (relative to /app, as the original reported
 * files_created) onto a growing string array; -1 on OOM. */
static int push_relative_path(char ***list, size_t *n, const char *rel) {
    char **grown = realloc(*list, (*n + 1) * sizeof **list);
    if (grown == NULL) return -1;
    *list = grown;
    char *s = strdup(rel);
    if (s == NULL) return -1;
    (*list)[(*n)++] = s;
    return 0;
}

/* See workspace.h. */
bool ws_is_system_path(const char *rel) {
    size_t n = strlen(LSB_SYSTEM_DIR);
    return strncmp(rel, LSB_SYSTEM_DIR, n) == 0 && (rel[n] == '\0' || rel[n] == '/');
}

/* See workspace.h. */
int ws_diff(const ws_listing *before, const ws_listing *after, char ***created, size_t *ncreated,
            char ***modified, size_t *nmodified) {
    *created = *modified = NULL;
    *ncreated = *nmodified = 0;
    size_t i = 0;
    for (size_t j = 0; j < after->count; j++) {
        const ws_entry *a = &after->items[j];
        if (ws_is_system_path(a->path)) continue;
        while (i < before->count && strcmp(before->items[i].path, a->path) < 0)
            i++;
        const ws_entry *b = i < before->count && strcmp(before->items[i].path, a->path) == 0
                                ? &before->items[i]
                                : NULL;
        int rc = 0;
        if (b == NULL)
            rc = push_relative_path(created, ncreated, a->path);
        else if (b->size != a->size || b->mtime_ns != a->mtime_ns || b->inode != a->inode)
            rc = push_relative_path(modified, nmodified, a->path);
        if (rc != 0) return -1;
    }
    return 0;
}

/* The folder of temporary workspaces: $TMPDIR when absolute, else /tmp. */
static const char *temp_root(void) {
    const char *tmp = getenv("TMPDIR");
    return tmp == NULL || tmp[0] != '/' ? "/tmp" : tmp;
}

/* See workspace.h. */
void ws_sweep_stale_temps(const char *root) {
    DIR *d = opendir(root);
    if (d == NULL) return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strncmp(ent->d_name, WS_TEMP_PREFIX, strlen(WS_TEMP_PREFIX)) != 0) continue;
        int fd = openat(dirfd(d), ent->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) continue;
        char path[WS_PATH_MAX];
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            snprintf(path, sizeof path, "%s/%s", root, ent->d_name) < (int)sizeof path)
            ws_remove_tree(path); /* the lock is held while it goes */
        close(fd);
    }
    closedir(d);
}

/* ws_sweep_stale_temps of this process's temporary folder (pthread_once). */
static void sweep_once(void) { ws_sweep_stale_temps(temp_root()); }

/* See workspace.h. */
int ws_make_temp(char *path, size_t pathlen, int *lock_fd) {
    static pthread_once_t swept = PTHREAD_ONCE_INIT;
    pthread_once(&swept, sweep_once);
    *lock_fd = -1;
    for (int attempt = 0; attempt < WS_TEMP_ATTEMPTS; attempt++) {
        if (snprintf(path, pathlen, "%s/" WS_TEMP_PREFIX "XXXXXX", temp_root()) >= (int)pathlen)
            return -1;
        if (mkdtemp(path) == NULL) return -1;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) continue; /* swept before we could lock it */
        struct stat st;
        if (fd < 0 || flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
            if (fd >= 0) close(fd);
            return -1;
        }
        if (st.st_nlink > 0) { /* not removed by a sweep between mkdtemp and flock */
            *lock_fd = fd;
            return 0;
        }
        close(fd);
    }
    errno = EAGAIN;
    return -1;
}

/* util_walk visitor of ws_empty_dir: removes files and symlinks, enters
 * folders (at any depth) and removes them once empty; *ctx keeps the
 * errno of the first thing that could not be removed, and the walk goes
 * on with the rest. */
static int empty_visit(void *ctx, const util_walk_entry *e) {
    int *first = ctx;
    int rc = 0;
    switch (e->event) {
    case UTIL_WALK_ENTRY:
        if (e->st != NULL && S_ISDIR(e->st->st_mode)) return UTIL_WALK_ENTER;
        rc = unlinkat(e->dirfd, e->name, 0);
        break;
    case UTIL_WALK_LEAVE: rc = unlinkat(e->dirfd, e->name, AT_REMOVEDIR); break;
    default: rc = -1; errno = e->err ? e->err : EIO;
    }
    if (rc != 0 && *first == 0) *first = errno ? errno : EIO;
    return UTIL_WALK_NEXT;
}

/* See workspace.h. */
int ws_empty_dir(int fd) {
    int first = 0;
    if (util_walk(fd, NULL, INT_MAX, false, empty_visit, &first) != 0 && first == 0)
        first = ESTALE; /* a folder was moved away while it was being emptied */
    if (first == 0) return 0;
    errno = first;
    return -1;
}

/* The lock file path of workspace ws into out; 0, or -1 (too long, or ws
 * has no name of its own, like "/"). */
static int lock_path(const char *ws, char *out, size_t len) {
    char real[PATH_MAX];
    const char *p = realpath(ws, real) ? real : ws;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    const char *slash = memrchr(p, '/', n);
    size_t dir = slash ? (size_t)(slash - p) + 1 : 0;
    if (n == dir) return -1;
    int w = snprintf(out, len, "%.*s%s%.*s%s", (int)dir, p, WS_LOCK_PREFIX, (int)(n - dir), p + dir,
                     WS_LOCK_SUFFIX);
    return w > 0 && (size_t)w < len ? 0 : -1;
}

/* See workspace.h. */
int ws_lock(const char *ws, util_lock *l, double deadline_ms, util_lock_stop_fn stop,
            const void *stop_ctx, char *err, size_t errlen) {
    char path[PATH_MAX];
    int rc = lock_path(ws, path, sizeof path) == 0
                 ? util_lock_take(l, path, deadline_ms, stop, stop_ctx)
                 : (errno = EACCES, -1);
    if (rc != 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
        rc = util_lock_take(l, ws, deadline_ms, stop, stop_ctx);
    if (rc == 0) return 0;
    int e = errno;
    if (e == EWOULDBLOCK)
        snprintf(err, errlen, "the workspace %s is busy with another run; try again later", ws);
    else if (e == ECANCELED)
        snprintf(err, errlen, "cancelled while waiting for the workspace %s", ws);
    else
        snprintf(err, errlen, "cannot lock the workspace %s: %s", ws, strerror(e));
    errno = e;
    return -1;
}

/* See workspace.h. */
int ws_remove_tree(const char *root) {
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    if (ws_empty_dir(fd) != 0) return -1;
    return rmdir(root);
}
