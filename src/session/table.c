/*
 * table.c - the session table (see table.h): entries and their locks,
 * the configuration, record loading and saving, the folders of a session
 * and the reaper thread's lifetime (what it does each period is given by
 * its caller, evict.c).
 *
 * Nothing here runs guest code, and nothing here knows the sandbox: every
 * function works on the table it is given. Every id from a caller is
 * checked by lsb_session_id_check before it names a folder or a record, so
 * an id is always one safe path component.
 */
#include "session/table.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"

#include "sandbox/defaults.h"
#include "sandbox/workspace.h"
#include "sandbox/zygote.h"
#include "session/internal.h"
#include "session/proc.h"
#include "session/record.h"
#include "session/sweep.h"
#include "util/clock.h"
#include "util/fs.h"
#include "wasi/quota.h"

#define TABLE_DIR_MODE       0700
#define TABLE_REAPER_DIVISOR 4.0  /* the reaper wakes this often per idle TTL */
#define TABLE_REAPER_MAX_S   30.0 /* and at least this often */

/* The default sessions root into out; 0 or -1. */
static int default_root(char *out, size_t len) {
    const char *env = getenv("LSB_SESSIONS_ROOT");
    if (env && env[0]) return snprintf(out, len, "%s", env) < (int)len ? 0 : -1;
    char base[PATH_MAX];
    if (lsb_state_dir(base, sizeof base) != 0) return -1;
    int n = snprintf(out, len, "%s/%s", base, LSB_SESSIONS_SUBDIR);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* See llmsandbox.h. */
int lsb_state_dir(char *out, size_t len) {
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n = state && state[0] ? snprintf(out, len, "%s/%s", state, LSB_STATE_DIRNAME)
                              : snprintf(out, len, "%s/.local/state/%s",
                                         home && home[0] ? home : "/tmp", LSB_STATE_DIRNAME);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* See table.h. */
sess_table *sess_table_new(void) {
    sess_table *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    /* A table is made as its sandbox opens, before any zygote is forked:
     * the zygotes then know how to become a live session process. */
    zyg_set_session_main(sess_proc_main);
    pthread_mutex_init(&t->lock, NULL);
    util_cond_init_monotonic(&t->reaper_wake);
    if (default_root(t->root, sizeof t->root) != 0)
        snprintf(t->root, sizeof t->root, "/tmp/%s", LSB_SESSION_DIRNAME);
    snprintf(t->disk.root, sizeof t->disk.root, "%s", t->root);
    sess_record_disk_adapter(&t->disk, &t->storage);
    t->max_live = LSB_DEFAULT_MAX_LIVE_SESSIONS;
    t->idle_ttl_s = LSB_DEFAULT_SESSION_TTL_S;
    t->min_available = LSB_DEFAULT_MIN_AVAILABLE;
    return t;
}

/* Stop the reaper thread of t, if it runs. */
static void stop_reaper(sess_table *t) {
    pthread_mutex_lock(&t->lock);
    bool running = t->reaper_running;
    t->reaper_stop = true;
    pthread_cond_signal(&t->reaper_wake);
    pthread_mutex_unlock(&t->lock);
    if (running) pthread_join(t->reaper, NULL);
}

/* See table.h. */
void sess_table_free(sess_table *t) {
    if (t == NULL) return;
    stop_reaper(t);
    pthread_cond_destroy(&t->reaper_wake);
    for (size_t i = 0; i < t->count; i++) {
        sess_live_stop(&t->v[i]->live);
        pthread_mutex_destroy(&t->v[i]->lock);
        free(t->v[i]);
    }
    free(t->v);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* Copy an optional folder setting; 0, or -1 with err. */
static int copy_dir(char *dst, const char *src, const char *what, char *err, size_t errlen) {
    struct stat st;
    dst[0] = '\0';
    if (src == NULL) return 0;
    if (stat(src, &st) != 0 || !S_ISDIR(st.st_mode) ||
        snprintf(dst, PATH_MAX, "%s", src) >= PATH_MAX) {
        snprintf(err, errlen, "%s %s is not a folder", what, src);
        dst[0] = '\0';
        return -1;
    }
    return 0;
}

/* See table.h. */
lsb_status sess_table_configure(sess_table *t, const lsb_sessions_config *c, char *err,
                                size_t errlen) {
    if (c == NULL) return LSB_OK;
    pthread_mutex_lock(&t->lock);
    lsb_status st = LSB_OK;
    if (c->root && snprintf(t->root, sizeof t->root, "%s", c->root) >= (int)sizeof t->root)
        st = LSB_ERR_INVALID;
    snprintf(t->disk.root, sizeof t->disk.root, "%s", t->root);
    sess_record_disk_adapter(&t->disk, &t->storage);
    if (c->storage) t->storage = *c->storage;
    if (c->max_live) t->max_live = c->max_live;
    if (c->idle_ttl_s) t->idle_ttl_s = c->idle_ttl_s;
    if (c->min_available_bytes) t->min_available = c->min_available_bytes;
    if (st == LSB_OK &&
        (copy_dir(t->wheel_dir, c->wheel_dir, "the wheel folder", err, errlen) != 0 ||
         copy_dir(t->external_dir, c->external_dir, "the external folder", err, errlen) != 0))
        st = LSB_ERR_INVALID;
    if (st == LSB_ERR_INVALID && err[0] == '\0')
        snprintf(err, errlen, "the sessions root path is too long");
    pthread_mutex_unlock(&t->lock);
    return st;
}

/* See table.h. */
int sess_table_workspace(sess_table *t, const char *id, char *out, size_t len) {
    int n = snprintf(out, len, "%s/%s/%s", t->root, id, SESS_TABLE_WORKSPACE_DIR);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* See table.h. */
const char *sess_table_external_dir(sess_table *t) {
    return t->external_dir[0] ? t->external_dir : NULL;
}

/* See table.h. */
const char *sess_table_wheel_dir(sess_table *t) { return t->wheel_dir; }

/* Find the entry of id (table lock held); NULL if none. */
static sess_entry *find(sess_table *t, const char *id) {
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->v[i]->id, id) == 0) return t->v[i];
    return NULL;
}

/* Add a new entry for id (table lock held); NULL on OOM. */
static sess_entry *add(sess_table *t, const char *id) {
    if (t->count == t->cap) {
        size_t next = t->cap ? t->cap * 2 : 16;
        sess_entry **grown = realloc(t->v, next * sizeof *grown);
        if (grown == NULL) return NULL;
        t->v = grown;
        t->cap = next;
    }
    sess_entry *e = calloc(1, sizeof *e);
    if (e == NULL) return NULL;
    snprintf(e->id, sizeof e->id, "%s", id);
    e->disk.fd = -1;
    pthread_mutex_init(&e->lock, NULL);
    sess_live_init(&e->live);
    t->v[t->count++] = e;
    return e;
}

/* Drop e from the list (table lock held). */
static void unlink_entry(sess_table *t, sess_entry *e) {
    for (size_t i = 0; i < t->count; i++)
        if (t->v[i] == e) {
            t->v[i] = t->v[--t->count];
            break;
        }
    e->removed = true;
}

/* Take a reference on (and lock) the entry of id, creating it. */
static sess_entry *grab(sess_table *t, const char *id) {
    pthread_mutex_lock(&t->lock);
    sess_entry *e = find(t, id);
    if (e == NULL) e = add(t, id);
    if (e != NULL) e->refs++;
    pthread_mutex_unlock(&t->lock);
    if (e != NULL) pthread_mutex_lock(&e->lock);
    return e;
}

/* See table.h. */
void sess_table_release(sess_table *t, sess_entry *e) {
    if (e->disk.fd >= 0) {
        util_lock_release(&e->disk, true);
        e->disk_gen = e->disk.gen;
    }
    bool idle = e->live.pid == 0;
    pthread_mutex_unlock(&e->lock);
    pthread_mutex_lock(&t->lock);
    bool free_it = --e->refs == 0 && (idle || e->removed);
    if (free_it && !e->removed) unlink_entry(t, e);
    pthread_mutex_unlock(&t->lock);
    if (free_it) {
        sess_live_stop(&e->live);
        pthread_mutex_destroy(&e->lock);
        free(e);
    }
}

/* Load and decode the record of id; LSB_OK, NO_SESSION or STORAGE (then
 * *damage, unless NULL, says how). A record the disk adapter cannot read
 * counts as corrupt: its age on disk is its last save (sess_table_disk_age),
 * which a caller's adapter does not promise. */
static lsb_status load(sess_table *t, const char *id, lsb_session_info *info, sess_damage *damage,
                       char *err, size_t errlen) {
    char *text = NULL;
    size_t len = 0;
    info->owner[0] = '\0';
    int rc = t->storage.get(t->storage.ctx, id, &text, &len, err, errlen);
    if (rc == 1) {
        snprintf(err, errlen, "no session '%s'", id);
        return LSB_ERR_NO_SESSION;
    }
    if (damage != NULL)
        *damage = rc == 0 || t->storage.ctx == &t->disk ? SESS_CORRUPT : SESS_UNREADABLE;
    if (rc == 0) rc = sess_record_decode(id, text, len, info, err, errlen);
    free(text);
    if (rc == 0 && damage != NULL) *damage = SESS_INTACT;
    return rc == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

/* See table.h. */
double sess_table_disk_age(sess_table *t, const char *id) {
    char path[PATH_MAX];
    struct stat st;
    double newest = 0;
    int n = snprintf(path, sizeof path, "%s/%s", t->root, id);
    DIR *d = n > 0 && (size_t)n < sizeof path ? opendir(path) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
            strcmp(name, WS_LOCK_PREFIX SESS_TABLE_WORKSPACE_DIR WS_LOCK_SUFFIX) == 0 ||
            fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        double m = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
        if (m > newest) newest = m;
    }
    if (d) closedir(d);
    if (newest == 0 && lstat(path, &st) == 0)
        newest = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
    return newest;
}

/* Find session id, lock it and load its record (see table.h). With
 * damage, a record that exists but cannot be read or decoded still gives
 * the entry, with *damage set and info holding only the id. */
static sess_entry *acquire(sess_table *t, const char *id, lsb_session_info *info,
                           sess_damage *damage, lsb_status *status, char *err, size_t errlen) {
    sess_damage got = SESS_INTACT;
    if (damage != NULL) *damage = SESS_INTACT;
    if (lsb_session_id_check(id, true, err, errlen) != 0) {
        *status = LSB_ERR_NO_SESSION;
        return NULL;
    }
    sess_entry *e = grab(t, id);
    if (e == NULL) {
        snprintf(err, errlen, "out of memory");
        *status = LSB_ERR_SYSTEM;
        return NULL;
    }
    *status = e->removed ? LSB_ERR_NO_SESSION : load(t, id, info, &got, err, errlen);
    if (e->removed) snprintf(err, errlen, "no session '%s'", id);
    if (*status == LSB_ERR_STORAGE && damage != NULL) {
        char owner[LSB_SESSION_OWNER_MAX + 1]; /* what the damaged record still says */
        snprintf(owner, sizeof owner, "%s", info->owner);
        memset(info, 0, sizeof *info);
        snprintf(info->id, sizeof info->id, "%s", id);
        snprintf(info->owner, sizeof info->owner, "%s", owner);
        info->damaged = true;
        info->last_used_at = sess_table_disk_age(t, id);
        *damage = got;
        *status = LSB_OK;
    }
    if (*status != LSB_OK) {
        sess_table_release(t, e);
        return NULL;
    }
    info->live = e->live.pid > 0;
    info->pid = (int)e->live.pid;
    return e;
}

/* See table.h. */
sess_entry *sess_table_acquire(sess_table *t, const char *id, lsb_session_info *info,
                               lsb_status *status, char *err, size_t errlen) {
    return acquire(t, id, info, NULL, status, err, errlen);
}

/* See table.h. */
sess_entry *sess_table_acquire_any(sess_table *t, const char *id, lsb_session_info *info,
                                   sess_damage *damage, lsb_status *status, char *err,
                                   size_t errlen) {
    return acquire(t, id, info, damage, status, err, errlen);
}

/* See table.h. */
lsb_status sess_table_peek(sess_table *t, const char *id, lsb_session_info *info, char *err,
                           size_t errlen) {
    memset(info, 0, sizeof *info);
    if (lsb_session_id_check(id, true, err, errlen) != 0) return LSB_ERR_NO_SESSION;
    return load(t, id, info, NULL, err, errlen);
}

/* See table.h. */
lsb_status sess_table_lock_workspace(sess_table *t, sess_entry *e, lsb_session_info *info,
                                     double deadline_ms, util_lock_stop_fn stop,
                                     const void *stop_ctx, char *err, size_t errlen) {
    char ws[PATH_MAX];
    if (e->disk.fd >= 0) return LSB_OK; /* this operation holds it already */
    if (sess_table_workspace(t, e->id, ws, sizeof ws) != 0) {
        snprintf(err, errlen, "the workspace path of session '%s' is too long", e->id);
        return LSB_ERR_WORKSPACE;
    }
    if (ws_lock(ws, &e->disk, deadline_ms, stop, stop_ctx, err, errlen) != 0)
        return errno == ENOENT ? LSB_OK : LSB_ERR_WORKSPACE;
    sess_sweep(t->root, e->id, ws); /* what a writer killed before its rename left */
    if (info != NULL) {
        lsb_status st = load(t, e->id, info, NULL, err, errlen);
        if (st != LSB_OK) return st;
        info->live = e->live.pid > 0;
        info->pid = (int)e->live.pid;
    }
    if (e->disk.gen != e->disk_gen && e->live.pid > 0) { /* another process had it */
        e->rescan = true;
        if (info != NULL && info->auto_persist_globals) {
            sess_live_stop(&e->live);
            info->live = false;
            info->pid = 0;
        }
    }
    return LSB_OK;
}

/* See table.h. */
lsb_status sess_table_save(sess_table *t, const lsb_session_info *info, char *err, size_t errlen) {
    char *text = sess_record_encode(info);
    int rc = text ? t->storage.put(t->storage.ctx, info->id, text, strlen(text), err, errlen) : -1;
    if (text == NULL) snprintf(err, errlen, "out of memory encoding the session record");
    free(text);
    return rc == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

/* True when the folder dir (of a session without a record) is in our
 * layout: a "workspace" folder and nothing else but record leftovers and
 * the workspace's lock file. */
static bool our_layout(const char *dir) {
    DIR *d = opendir(dir);
    bool workspace = false, other = false;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
            strncmp(n, SESS_RECORD_NAME, strlen(SESS_RECORD_NAME)) == 0)
            continue;
        if (strcmp(n, SESS_TABLE_WORKSPACE_DIR) == 0 && de->d_type == DT_DIR)
            workspace = true;
        else if (strcmp(n, WS_LOCK_PREFIX SESS_TABLE_WORKSPACE_DIR WS_LOCK_SUFFIX) == 0)
            continue;
        else
            other = true;
    }
    if (d) closedir(d);
    return workspace && !other;
}

/*
 * Adopt the existing folder path of session id, which has no record: keep
 * our layout as it is; otherwise (files directly in it, as the original
 * kept a workspace) move the folder whole to path/workspace, through a
 * hidden name under the root. LSB_OK, or WORKSPACE or EXISTS with err.
 */
static lsb_status adopt(sess_table *t, const char *id, const char *path, char *err, size_t errlen) {
    char tmp[PATH_MAX], ws[PATH_MAX];
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' exists in the sessions root and is not a folder", id);
        return LSB_ERR_EXISTS;
    }
    if (our_layout(path)) return LSB_OK;
    if (snprintf(tmp, sizeof tmp, "%s/.%s.adopting", t->root, id) >= (int)sizeof tmp ||
        snprintf(ws, sizeof ws, "%s/%s", path, SESS_TABLE_WORKSPACE_DIR) >= (int)sizeof ws)
        return LSB_ERR_WORKSPACE;
    if (rename(path, tmp) != 0 || mkdir(path, TABLE_DIR_MODE) != 0 || rename(tmp, ws) != 0) {
        snprintf(err, errlen, "cannot adopt the folder of session '%s' as its workspace: %s", id,
                 strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    return LSB_OK;
}

/* Create root (with parents), root/id and its workspace, or adopt an
 * existing root/id (*adopted set); LSB_OK, EXISTS or WORKSPACE. */
static lsb_status make_folders(sess_table *t, const char *id, bool *adopted, char *err,
                               size_t errlen) {
    char path[PATH_MAX];
    *adopted = false;
    if (util_mkdir_p(t->root, TABLE_DIR_MODE, NULL, 0) != 0) {
        snprintf(err, errlen, "cannot create the sessions root %s: %s", t->root, strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    if (snprintf(path, sizeof path, "%s/%s", t->root, id) >= (int)sizeof path) {
        snprintf(err, errlen, "the folder path of session '%s' is too long", id);
        return LSB_ERR_WORKSPACE;
    }
    if (mkdir(path, TABLE_DIR_MODE) != 0) {
        if (errno != EEXIST) {
            snprintf(err, errlen, "cannot create the folder of session '%s'", id);
            return LSB_ERR_WORKSPACE;
        }
        *adopted = true;
        return adopt(t, id, path, err, errlen);
    }
    snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", SESS_TABLE_WORKSPACE_DIR);
    if (mkdir(path, TABLE_DIR_MODE) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    return LSB_OK;
}

/* Remove <root>/<id>/<sub> (sub NULL: <root>/<id>) entirely; 0, also
 * when it is missing, or -1 with errno. */
static int remove_folder(sess_table *t, const char *id, const char *sub) {
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s%s%s", t->root, id, sub ? "/" : "", sub ? sub : "");
    if (n < 0 || n >= (int)sizeof path) return 0;
    if (ws_remove_tree(path) == 0 || errno == ENOENT) return 0;
    return -1;
}

/* See table.h. */
lsb_status sess_table_create(sess_table *t, const lsb_session_info *info, char *err,
                             size_t errlen) {
    const char *id = info->id;
    pthread_mutex_lock(&t->lock);
    char *old = NULL;
    size_t len;
    int exists = t->storage.get(t->storage.ctx, id, &old, &len, err, errlen);
    free(old);
    bool adopted = false;
    lsb_status st = exists == 0  ? LSB_ERR_EXISTS
                    : exists < 0 ? LSB_ERR_STORAGE
                                 : make_folders(t, id, &adopted, err, errlen);
    if (exists == 0) snprintf(err, errlen, "a session '%s' already exists", id);
    /* an adopted folder's files are kept even when the record cannot be */
    if (st == LSB_OK && (st = sess_table_save(t, info, err, errlen)) != LSB_OK && !adopted)
        remove_folder(t, id, NULL);
    pthread_mutex_unlock(&t->lock);
    return st;
}

/* See table.h. The workspace goes first: when it cannot be removed the
 * record stays, so the session is still listed and a later destroy or
 * prune can finish the job. */
lsb_status sess_table_remove(sess_table *t, sess_entry *e, char *err, size_t errlen) {
    sess_live_stop(&e->live);
    if (remove_folder(t, e->id, SESS_TABLE_WORKSPACE_DIR) != 0) {
        snprintf(err, errlen, "cannot delete the workspace of session '%s': %s", e->id,
                 strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    if (t->storage.remove(t->storage.ctx, e->id, err, errlen) != 0) return LSB_ERR_STORAGE;
    if (remove_folder(t, e->id, NULL) != 0) {
        snprintf(err, errlen, "cannot delete the folder of session '%s': %s", e->id,
                 strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    pthread_mutex_lock(&t->lock);
    if (!e->removed) unlink_entry(t, e);
    pthread_mutex_unlock(&t->lock);
    return LSB_OK;
}

/* See table.h. */
const char *sess_table_root(sess_table *t) { return t->root; }

/* See table.h. */
void sess_table_measure(sess_table *t, const char *id, lsb_session_info *info) {
    char ws[PATH_MAX], why[128];
    wasi_quota q = {.bytes_max = UINT64_MAX, .files_max = UINT64_MAX};
    if (sess_table_workspace(t, id, ws, sizeof ws) != 0) return;
    int fd = open(ws, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    if (wasi_quota_scan(fd, LSB_MOUNT_APP, &q, why, sizeof why) == 0) {
        info->workspace_bytes = q.bytes_used;
        info->workspace_files = q.files_used;
    }
    close(fd);
}

/* See table.h. */
lsb_status sess_table_ids(sess_table *t, char ***ids, size_t *count, char *err, size_t errlen) {
    return t->storage.list(t->storage.ctx, ids, count, err, errlen) == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

/* The reaper's period: a quarter of the idle TTL, within bounds. */
static double reaper_period_s(const sess_table *t) {
    double s = (double)t->idle_ttl_s / TABLE_REAPER_DIVISOR;
    return s < 1 ? 1 : s > TABLE_REAPER_MAX_S ? TABLE_REAPER_MAX_S : s;
}

/* The reaper thread: call the tick every period (without the table lock),
 * so idle sessions expire even when no call comes. */
static void *reaper_main(void *arg) {
    sess_table *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->reaper_stop) {
        util_cond_wait_ms(&t->reaper_wake, &t->lock, reaper_period_s(t) * 1000.0);
        if (t->reaper_stop) break;
        pthread_mutex_unlock(&t->lock);
        t->reaper_tick(t);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* See table.h. */
void sess_table_start_reaper(sess_table *t, void (*tick)(sess_table *t)) {
    pthread_mutex_lock(&t->lock);
    if (!t->reaper_running && !t->reaper_stop) {
        t->reaper_tick = tick;
        t->reaper_running = pthread_create(&t->reaper, NULL, reaper_main, t) == 0;
    }
    pthread_mutex_unlock(&t->lock);
}
