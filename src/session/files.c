/*
 * files.c - file operations confined to a session workspace (see
 * files.h), and the public lsb_session_file_* calls built on them. Every open goes through
 * wasi_path_openat (openat2 with RESOLVE_BENEATH) from a descriptor of the workspace root, and
 * every name given to *at() calls is a single component under such a descriptor.
 */
#include "session/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/ipc.h"
#include "sandbox/sandbox.h"
#include "sandbox/workspace.h"
#include "session/glob.h"
#include "session/sweep.h"
#include "session/table.h"
#include "util/clock.h"
#include "util/walk.h"
#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/path.h"
#include "wasi/quota.h"

#define FILES_MAX_DEPTH 64
#define FILES_LIST_MAX  100000 /* files listed by one lsb_session_file_list */
#define FILES_DIR_MODE  0755
#define FILES_FILE_MODE 0644

/* Append component (n bytes) to rel, or pop one for ".."; -1 on escape. */
static int push_component(char *rel, size_t rellen, const char *comp, size_t n) {
    size_t cur = strlen(rel);
    if (n == 2 && comp[0] == '.' && comp[1] == '.') {
        if (cur == 0) return -1;
        char *slash = strrchr(rel, '/');
        *(slash ? slash : rel) = '\0';
        return 0;
    }
    if (cur + (cur ? 1 : 0) + n + 1 > rellen) return -2;
    if (cur) rel[cur++] = '/';
    memcpy(rel + cur, comp, n);
    rel[cur + n] = '\0';
    return 0;
}

/* See files.h. */
int sess_files_normalise(const char *path, char *rel, size_t rellen, char *err, size_t errlen) {
    const char *p = path;
    size_t app = strlen(LSB_MOUNT_APP);
    rel[0] = '\0';
    if (path == NULL || path[0] == '\0') {
        snprintf(err, errlen, "the path is empty");
        return -1;
    }
    if (p[0] == '/') {
        if (strncmp(p, LSB_MOUNT_APP, app) != 0 || (p[app] != '\0' && p[app] != '/')) {
            snprintf(err, errlen, "path '%.200s' is outside /app; session files live under /app",
                     path);
            return -1;
        }
        p += app;
    }
    while (*p) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        int rc = (n == 0 || (n == 1 && p[0] == '.')) ? 0 : push_component(rel, rellen, p, n);
        if (rc == -1) {
            snprintf(err, errlen, "path '%.200s' climbs above /app with '..'", path);
            return -1;
        }
        if (rc == -2) {
            snprintf(err, errlen, "path '%.60s...' is too long", path);
            return -1;
        }
        p += n;
    }
    return 0;
}

/* The message for a wasi errno from opening rel. */
static void open_error(uint32_t rc, const char *path, char *err, size_t errlen) {
    if (rc == WASI_ENOTCAPABLE || rc == WASI_EXDEV)
        snprintf(err, errlen, "path '%.200s' leads outside /app through a symlink", path);
    else if (rc == WASI_ENOENT)
        snprintf(err, errlen, "no such file or folder: '%.200s'", path);
    else
        snprintf(err, errlen, "cannot open '%.200s' (wasi errno %u)", path, rc);
}

/* Open the workspace root; -1 with err. */
static int open_root(const char *ws, char *err, size_t errlen) {
    int fd = open(ws, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) snprintf(err, errlen, "cannot open the workspace %s: %s", ws, strerror(errno));
    return fd;
}

/* Open rel (relative to the workspace ws; "" is its root) with flags,
 * beneath ws; LSB_OK with *fd, or WORKSPACE, NOT_FOUND or INVALID with err
 * naming path. */
static lsb_status open_in_workspace(const char *ws, const char *rel, int flags, const char *path,
                                    int *fd, char *err, size_t errlen) {
    int root = open_root(ws, err, errlen);
    if (root < 0) return LSB_ERR_WORKSPACE;
    uint32_t rc = wasi_path_openat(root, rel[0] ? rel : ".", flags, 0, fd);
    close(root);
    if (rc == 0) return LSB_OK;
    open_error(rc, path, err, errlen);
    return rc == WASI_ENOENT ? LSB_ERR_NOT_FOUND : LSB_ERR_INVALID;
}

/* Split rel into its parent (in dir) and last component (in *name). */
static void split(char *rel, char *dir, size_t dirlen, const char **name) {
    char *slash = strrchr(rel, '/');
    if (slash == NULL) {
        snprintf(dir, dirlen, ".");
        *name = rel;
        return;
    }
    *slash = '\0';
    snprintf(dir, dirlen, "%s", rel);
    *name = slash + 1;
}

/* Open (creating as needed) the folder rel beneath root; fd or -1. */
static int make_dirs(int root, const char *rel, const char *path, char *err, size_t errlen) {
    char prefix[PATH_MAX] = "";
    int fd = -1;
    const char *p = rel;
    while (*p) {
        size_t n = strcspn(p, "/");
        size_t cur = strlen(prefix);
        snprintf(prefix + cur, sizeof prefix - cur, "%s%.*s", cur ? "/" : "", (int)n, p);
        if (fd >= 0) close(fd);
        fd = -1;
        uint32_t rc = wasi_path_openat(root, prefix, O_PATH | O_DIRECTORY, 0, &fd);
        if (rc == WASI_ENOENT) {
            int parent = -1;
            char dir[PATH_MAX];
            snprintf(dir, sizeof dir, "%.*s", (int)(cur ? cur : 1), cur ? prefix : ".");
            rc = wasi_path_openat(root, dir, O_PATH | O_DIRECTORY, 0, &parent);
            if (rc == 0 && mkdirat(parent, prefix + (cur ? cur + 1 : 0), FILES_DIR_MODE) != 0)
                rc = WASI_EIO;
            if (parent >= 0) close(parent);
            if (rc == 0) rc = wasi_path_openat(root, prefix, O_PATH | O_DIRECTORY, 0, &fd);
        }
        if (rc != 0) {
            open_error(rc, path, err, errlen);
            return -1;
        }
        p += n;
        while (*p == '/')
            p++;
    }
    return fd >= 0 ? fd : dup(root);
}

/* Check that replacing old_size bytes by len fits the quotas: 0, -1 when
 * the workspace cannot be scanned, -2 when over quota (err says why). */
static int check_quota(int root, uint64_t old_size, bool exists, size_t len, uint64_t qbytes,
                       uint64_t qfiles, char *err, size_t errlen) {
    wasi_quota q = {.bytes_max = UINT64_MAX, .files_max = UINT64_MAX};
    if (wasi_quota_scan(root, LSB_MOUNT_APP, &q, err, errlen) != 0) return -1;
    uint64_t bytes = q.bytes_used - (exists ? old_size : 0) + len;
    uint64_t files = q.files_used + (exists ? 0 : 1);
    if (bytes > qbytes || files > qfiles) {
        snprintf(err, errlen,
                 "writing %zu bytes would exceed the workspace quota (%llu of %llu bytes, %llu of "
                 "%llu files in use)",
                 len, (unsigned long long)q.bytes_used, (unsigned long long)qbytes,
                 (unsigned long long)q.files_used, (unsigned long long)qfiles);
        return -2;
    }
    return 0;
}

/* Write w's data to a new temporary file in the workspace's system
 * folder, fsync it and move it to dir/name: a reader, or a restart after
 * kill -9, sees the old file or the new one, never a torn one. Without overwrite
 * the move refuses an existing name (RENAME_NOREPLACE), so a file made
 * meanwhile is never replaced. A temporary file a crash leaves behind is
 * swept by the next operation that locks the workspace (sweep.c). */
static lsb_status write_atomic(int root, int dir, const char *name, const sess_files_write_args *w,
                               char *err, size_t errlen) {
    char tmp[SESS_SWEEP_NAME_MAX];
    int sys = make_dirs(root, LSB_SYSTEM_DIR, w->path, err, errlen), fd = -1;
    if (sys < 0) return LSB_ERR_WORKSPACE;
    uint32_t rc = sess_sweep_temp_name(tmp, sizeof tmp) != 0
                      ? WASI_EIO
                      : wasi_path_openat(sys, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
                                         FILES_FILE_MODE, &fd);
    if (rc != 0) {
        close(sys);
        open_error(rc, w->path, err, errlen);
        return LSB_ERR_WORKSPACE;
    }
    int wrc = ipc_write_all(fd, w->data, w->len);
    if (wrc == 0) wrc = fsync(fd); /* an explicit write of the user's: durable once it returns */
    if (close(fd) != 0) wrc = -1;
    if (wrc == 0) wrc = renameat2(sys, tmp, dir, name, w->overwrite ? 0 : RENAME_NOREPLACE);
    int saved = errno;
    if (wrc != 0) unlinkat(sys, tmp, 0);
    close(sys);
    if (wrc == 0) return LSB_OK;
    if (saved == EEXIST) {
        snprintf(err, errlen, "File '%.200s' already exists. Set overwrite=True to replace.",
                 w->path);
        return LSB_ERR_EXISTS;
    }
    snprintf(err, errlen, "cannot write '%.200s': %s", w->path, strerror(saved));
    return LSB_ERR_WORKSPACE;
}

/* Write w's data as dir/name (dir already open); LSB_OK or an error. */
static lsb_status write_in(int root, int dir, const char *name, const sess_files_write_args *w,
                           char *err, size_t errlen) {
    struct stat st;
    const char *path = w->path;
    size_t len = w->len;
    bool exists = fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && !w->overwrite) {
        snprintf(err, errlen, "File '%.200s' already exists. Set overwrite=True to replace.", path);
        return LSB_ERR_EXISTS;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%.200s' exists and is not a regular file", path);
        return LSB_ERR_INVALID;
    }
    int q = check_quota(root, exists ? (uint64_t)st.st_size : 0, exists, len, w->quota_bytes,
                        w->quota_files, err, errlen);
    if (q != 0) return q == -2 ? LSB_ERR_QUOTA : LSB_ERR_WORKSPACE;
    return write_atomic(root, dir, name, w, err, errlen);
}

/* See files.h. */
lsb_status sess_files_write(const char *ws, const sess_files_write_args *w, char *err,
                            size_t errlen) {
    char rel[PATH_MAX], dir[PATH_MAX];
    const char *name, *path = w->path;
    if (sess_files_normalise(path, rel, sizeof rel, err, errlen) != 0) return LSB_ERR_INVALID;
    if (rel[0] == '\0') {
        snprintf(err, errlen, "'%.200s' is the workspace folder, not a file", path);
        return LSB_ERR_INVALID;
    }
    split(rel, dir, sizeof dir, &name);
    int root = open_root(ws, err, errlen);
    if (root < 0) return LSB_ERR_WORKSPACE;
    int dfd = make_dirs(root, strcmp(dir, ".") ? dir : "", path, err, errlen);
    lsb_status st = dfd < 0 ? LSB_ERR_INVALID : write_in(root, dfd, name, w, err, errlen);
    if (dfd >= 0) close(dfd);
    close(root);
    return st;
}

/* See files.h. */
lsb_status sess_files_read(const char *ws, const char *path, uint64_t max_bytes, char **data,
                           size_t *len, char *err, size_t errlen) {
    char rel[PATH_MAX];
    struct stat st;
    *data = NULL;
    if (sess_files_normalise(path, rel, sizeof rel, err, errlen) != 0) return LSB_ERR_INVALID;
    int fd = -1;
    lsb_status out = open_in_workspace(ws, rel, O_RDONLY, path, &fd, err, errlen);
    if (out != LSB_OK) return out;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%.200s' is a directory, not a file", path);
        out = LSB_ERR_INVALID;
    } else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%.200s' is not a regular file", path);
        out = LSB_ERR_INVALID;
    } else if ((uint64_t)st.st_size > max_bytes) {
        snprintf(err, errlen, "'%.200s' is %lld bytes, over the %llu-byte read limit", path,
                 (long long)st.st_size, (unsigned long long)max_bytes);
        out = LSB_ERR_INVALID;
    } else if ((*data = malloc((size_t)st.st_size + 1)) == NULL ||
               ipc_read_all(fd, *data, (size_t)st.st_size) != 0) {
        snprintf(err, errlen, "cannot read '%.200s'", path);
        free(*data);
        *data = NULL;
        out = LSB_ERR_WORKSPACE;
    } else {
        (*data)[st.st_size] = '\0';
        *len = (size_t)st.st_size;
    }
    close(fd);
    return out;
}

/* A growing array of file entries. */
typedef struct entry_list {
    lsb_file_entry *v;
    size_t count, cap, max;
    bool include_system;
} entry_list;

/* Append an entry for rel with st; 0, 1 when the list is full, -1 on OOM. */
static int push_entry(entry_list *l, const char *rel, const struct stat *st) {
    if (l->count >= l->max) return 1;
    if (l->count == l->cap) {
        size_t next = l->cap ? l->cap * 2 : 64;
        lsb_file_entry *grown = realloc(l->v, next * sizeof *grown);
        if (grown == NULL) return -1;
        l->v = grown;
        l->cap = next;
    }
    lsb_file_entry *e = &l->v[l->count];
    if ((e->path = strdup(rel)) == NULL) return -1;
    e->size = S_ISDIR(st->st_mode) ? 0 : (uint64_t)st->st_size;
    e->mtime = (double)st->st_mtim.tv_sec + (double)st->st_mtim.tv_nsec / 1e9;
    e->is_dir = S_ISDIR(st->st_mode);
    e->is_system = ws_is_system_path(rel);
    l->count++;
    return 0;
}

/* The walker's visitor (util_walk): list each entry, enter folders. An
 * entry that vanished or whose path is too long is skipped, as is a folder
 * that cannot be opened; one that cannot be read fails the listing. */
static int list_visit(void *ctx, const util_walk_entry *e) {
    entry_list *l = ctx;
    if (e->event == UTIL_WALK_NO_ENTER)
        return e->why == UTIL_WALK_READ_FAILED ? -1 : UTIL_WALK_NEXT;
    if (e->event != UTIL_WALK_ENTRY || e->path == NULL || e->st == NULL) return UTIL_WALK_NEXT;
    if (!l->include_system && ws_is_system_path(e->path)) return UTIL_WALK_NEXT;
    int rc = push_entry(l, e->path, e->st);
    if (rc != 0) return rc > 0 ? UTIL_WALK_STOP : -1;
    return S_ISDIR(e->st->st_mode) ? UTIL_WALK_ENTER : UTIL_WALK_NEXT;
}

/* Order entries by path. */
static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const lsb_file_entry *)a)->path, ((const lsb_file_entry *)b)->path);
}

/* See files.h. */
lsb_status sess_files_list(const char *ws, const char *path, bool include_system,
                           size_t max_entries, lsb_file_entry **out, size_t *count, char *err,
                           size_t errlen) {
    char rel[PATH_MAX];
    *out = NULL;
    *count = 0;
    if (sess_files_normalise(path ? path : LSB_MOUNT_APP, rel, sizeof rel, err, errlen) != 0)
        return LSB_ERR_INVALID;
    int fd = -1;
    lsb_status st = open_in_workspace(ws, rel, O_RDONLY | O_DIRECTORY, path ? path : LSB_MOUNT_APP,
                                      &fd, err, errlen);
    if (st != LSB_OK) return st;
    entry_list l = {.max = max_entries, .include_system = include_system};
    if (util_walk(fd, rel, FILES_MAX_DEPTH, true, list_visit, &l) < 0) {
        lsb_file_list_free(l.v, l.count);
        snprintf(err, errlen, "cannot list '%.200s'", path ? path : LSB_MOUNT_APP);
        return LSB_ERR_WORKSPACE;
    }
    if (l.count > 1) qsort(l.v, l.count, sizeof *l.v, entry_cmp);
    *out = l.v;
    *count = l.count;
    return LSB_OK;
}

/* See llmsandbox.h. */
void lsb_file_list_free(lsb_file_entry *entries, size_t count) {
    for (size_t i = 0; entries && i < count; i++)
        free(entries[i].path);
    free(entries);
}

/* Delete name in dir: a file or symlink, or a folder when recursive. */
static lsb_status delete_in(int dir, const char *name, const char *path, bool recursive, char *err,
                            size_t errlen) {
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        snprintf(err, errlen, "no such file or folder: '%.200s'", path);
        return LSB_ERR_NOT_FOUND;
    }
    if (S_ISDIR(st.st_mode)) {
        int sub = -1;
        if (!recursive) {
            snprintf(err, errlen, "Cannot delete directory '%.200s' without recursive=True", path);
            return LSB_ERR_INVALID;
        }
        if (wasi_path_openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, &sub) != 0 ||
            ws_empty_dir(sub) != 0 || unlinkat(dir, name, AT_REMOVEDIR) != 0) {
            snprintf(err, errlen, "cannot delete the folder '%.200s'", path);
            return LSB_ERR_WORKSPACE;
        }
        return LSB_OK;
    }
    if (unlinkat(dir, name, 0) != 0) {
        snprintf(err, errlen, "cannot delete '%.200s': %s", path, strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    return LSB_OK;
}

/* See files.h. */
lsb_status sess_files_delete(const char *ws, const char *path, bool recursive, char *err,
                             size_t errlen) {
    char rel[PATH_MAX], dir[PATH_MAX];
    const char *name;
    if (sess_files_normalise(path, rel, sizeof rel, err, errlen) != 0) return LSB_ERR_INVALID;
    if (rel[0] == '\0') {
        snprintf(err, errlen,
                 "refusing to delete '%.200s': it is the workspace (/app) itself; reset the "
                 "session instead",
                 path);
        return LSB_ERR_INVALID;
    }
    split(rel, dir, sizeof dir, &name);
    int dfd = -1;
    lsb_status st = open_in_workspace(ws, dir, O_RDONLY | O_DIRECTORY, path, &dfd, err, errlen);
    if (st != LSB_OK) return st;
    st = delete_in(dfd, name, path, recursive, err, errlen);
    close(dfd);
    return st;
}

/* One public file call on a session: its locked entry, record and
 * workspace path. */
typedef struct files_call {
    sess_table *t;
    sess_entry *e;
    lsb_session_info info;
    char ws[PATH_MAX];
} files_call;

/* Acquire session id and its workspace path into c; a call that changes
 * files also takes the workspace's cross-process lock (waiting at most the
 * session's timeout), so it never races a run of another process. LSB_OK,
 * or the status of acquiring it (NO_SESSION, STORAGE, SYSTEM) or
 * WORKSPACE, with err. */
static lsb_status files_begin(lsb_sandbox *sb, const char *id, bool change, files_call *c,
                              char *err, size_t errlen) {
    lsb_status st;
    c->t = sandbox_sessions(sb);
    c->e = sess_table_acquire(c->t, id, &c->info, &st, err, errlen);
    if (c->e == NULL) return st;
    st = change ? sess_table_lock_workspace(c->t, c->e, &c->info,
                                            util_now_ms() + c->info.policy.timeout_ms, NULL, NULL,
                                            err, errlen)
                : LSB_OK;
    if (st == LSB_OK && sess_table_workspace(c->t, id, c->ws, sizeof c->ws) != 0) {
        snprintf(err, errlen, "the workspace path of session '%s' is too long", id);
        st = LSB_ERR_WORKSPACE;
    }
    if (st != LSB_OK) sess_table_release(c->t, c->e);
    return st;
}

/* Release c's session, marking its files changed if so; returns st. */
static lsb_status files_end(files_call *c, lsb_status st, bool changed) {
    if (changed) c->e->rescan = true;
    sess_table_release(c->t, c->e);
    return st;
}

/* See llmsandbox.h. */
lsb_status lsb_session_file_write_ex(lsb_sandbox *sb, const char *id, const char *path,
                                     const void *data, size_t len, bool overwrite, char *err,
                                     size_t errlen) {
    files_call c;
    lsb_status st = files_begin(sb, id, true, &c, err, errlen);
    if (st != LSB_OK) return st;
    sess_files_write_args w = {.path = path,
                               .data = data,
                               .len = len,
                               .overwrite = overwrite,
                               .quota_bytes = c.info.policy.quota_bytes,
                               .quota_files = c.info.policy.quota_files};
    st = sess_files_write(c.ws, &w, err, errlen);
    return files_end(&c, st, true);
}

/* See llmsandbox.h. */
lsb_status lsb_session_file_write(lsb_sandbox *sb, const char *id, const char *path,
                                  const void *data, size_t len, char *err, size_t errlen) {
    return lsb_session_file_write_ex(sb, id, path, data, len, true, err, errlen);
}

/* See llmsandbox.h. */
lsb_status lsb_session_file_read(lsb_sandbox *sb, const char *id, const char *path,
                                 uint64_t max_bytes, char **data, size_t *len, char *err,
                                 size_t errlen) {
    files_call c;
    *data = NULL;
    *len = 0;
    lsb_status st = files_begin(sb, id, false, &c, err, errlen);
    if (st != LSB_OK) return st;
    st = sess_files_read(c.ws, path, max_bytes, data, len, err, errlen);
    return files_end(&c, st, false);
}

/* See llmsandbox.h. */
lsb_status lsb_session_file_list(lsb_sandbox *sb, const char *id, const char *path,
                                 bool include_system, lsb_file_entry **out, size_t *count,
                                 char *err, size_t errlen) {
    files_call c;
    *out = NULL;
    *count = 0;
    lsb_status st = files_begin(sb, id, false, &c, err, errlen);
    if (st != LSB_OK) return st;
    st = sess_files_list(c.ws, path, include_system, FILES_LIST_MAX, out, count, err, errlen);
    return files_end(&c, st, false);
}

/* Keep the files of v[0..*count) whose path below the folder prefix (a
 * normalised relative path, "" for /app) matches g; free the others. */
static void keep_matches(lsb_file_entry *v, size_t *count, const char *prefix, const sess_glob *g) {
    size_t kept = 0, skip = strlen(prefix) + (prefix[0] ? 1 : 0);
    for (size_t i = 0; i < *count; i++) {
        bool keep =
            !v[i].is_dir && strlen(v[i].path) > skip && sess_glob_match(g, v[i].path + skip);
        if (keep)
            v[kept++] = v[i];
        else
            free(v[i].path);
    }
    *count = kept;
}

/* See llmsandbox.h. */
lsb_status lsb_session_file_glob(lsb_sandbox *sb, const char *id, const char *path,
                                 const char *pattern, bool include_system, lsb_file_entry **out,
                                 size_t *count, char *err, size_t errlen) {
    files_call c;
    sess_glob g;
    char rel[PATH_MAX];
    *out = NULL;
    *count = 0;
    if (sess_glob_compile(pattern, &g, err, errlen) != 0 ||
        sess_files_normalise(path ? path : LSB_MOUNT_APP, rel, sizeof rel, err, errlen) != 0)
        return LSB_ERR_INVALID;
    lsb_status st = files_begin(sb, id, false, &c, err, errlen);
    if (st != LSB_OK) return st;
    st = sess_files_list(c.ws, path, include_system, FILES_LIST_MAX, out, count, err, errlen);
    if (st == LSB_OK) keep_matches(*out, count, rel, &g);
    return files_end(&c, st, false);
}

/* See llmsandbox.h. */
lsb_status lsb_session_file_delete(lsb_sandbox *sb, const char *id, const char *path,
                                   bool recursive, char *err, size_t errlen) {
    files_call c;
    lsb_status st = files_begin(sb, id, true, &c, err, errlen);
    if (st != LSB_OK) return st;
    st = sess_files_delete(c.ws, path, recursive, err, errlen);
    return files_end(&c, st, true);
}
