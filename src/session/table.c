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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sandbox/defaults.h"
#include "sandbox/workspace.h"
#include "sandbox/zygote.h"
#include "session/internal.h"
#include "session/proc.h"
#include "session/record.h"
#include "util/clock.h"
#include "util/fs.h"

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

/* Load and decode the record of id; LSB_OK, NO_SESSION or STORAGE. */
static lsb_status load(sess_table *t, const char *id, lsb_session_info *info, char *err,
                       size_t errlen) {
    char *text = NULL;
    size_t len = 0;
    int rc = t->storage.get(t->storage.ctx, id, &text, &len, err, errlen);
    if (rc == 1) {
        snprintf(err, errlen, "no session '%s'", id);
        return LSB_ERR_NO_SESSION;
    }
    if (rc == 0) rc = sess_record_decode(id, text, len, info, err, errlen);
    free(text);
    return rc == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

/* Find session id, lock it and load its record (see table.h). With
 * damaged, a record that exists but cannot be read or decoded still gives
 * the entry, with *damaged set and info holding only the id. */
static sess_entry *acquire(sess_table *t, const char *id, lsb_session_info *info, bool *damaged,
                           lsb_status *status, char *err, size_t errlen) {
    if (damaged != NULL) *damaged = false;
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
    *status = e->removed ? LSB_ERR_NO_SESSION : load(t, id, info, err, errlen);
    if (e->removed) snprintf(err, errlen, "no session '%s'", id);
    if (*status == LSB_ERR_STORAGE && damaged != NULL) {
        memset(info, 0, sizeof *info);
        snprintf(info->id, sizeof info->id, "%s", id);
        *damaged = true;
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
                                   bool *damaged, lsb_status *status, char *err, size_t errlen) {
    return acquire(t, id, info, damaged, status, err, errlen);
}

/* See table.h. */
double sess_table_folder_mtime(sess_table *t, const char *id) {
    char path[PATH_MAX];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", t->root, id) >= (int)sizeof path ||
        stat(path, &st) != 0)
        return 0;
    return (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
}

/* See table.h. */
lsb_status sess_table_save(sess_table *t, const lsb_session_info *info, char *err, size_t errlen) {
    char *text = sess_record_encode(info);
    int rc = text ? t->storage.put(t->storage.ctx, info->id, text, strlen(text), err, errlen) : -1;
    if (text == NULL) snprintf(err, errlen, "out of memory encoding the session record");
    free(text);
    return rc == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

/* Create root (with parents), root/id and its workspace; LSB_OK, EXISTS or WORKSPACE. */
static lsb_status make_folders(sess_table *t, const char *id, char *err, size_t errlen) {
    char path[PATH_MAX];
    if (util_mkdir_p(t->root, TABLE_DIR_MODE, NULL, 0) != 0) {
        snprintf(err, errlen, "cannot create the sessions root %s: %s", t->root, strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    if (snprintf(path, sizeof path, "%s/%s", t->root, id) >= (int)sizeof path ||
        mkdir(path, TABLE_DIR_MODE) != 0) {
        bool taken = errno == EEXIST;
        snprintf(err, errlen,
                 taken ? "a session '%s' already exists"
                       : "cannot create the folder of session '%s'",
                 id);
        return taken ? LSB_ERR_EXISTS : LSB_ERR_WORKSPACE;
    }
    snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", SESS_TABLE_WORKSPACE_DIR);
    if (mkdir(path, TABLE_DIR_MODE) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    return LSB_OK;
}

/* Remove <root>/<id> entirely (missing is fine). */
static void remove_folders(sess_table *t, const char *id) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", t->root, id) < (int)sizeof path) ws_remove_tree(path);
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
    lsb_status st = exists == 0  ? LSB_ERR_EXISTS
                    : exists < 0 ? LSB_ERR_STORAGE
                                 : make_folders(t, id, err, errlen);
    if (exists == 0) snprintf(err, errlen, "a session '%s' already exists", id);
    if (st == LSB_OK && (st = sess_table_save(t, info, err, errlen)) != LSB_OK)
        remove_folders(t, id);
    pthread_mutex_unlock(&t->lock);
    return st;
}

/* See table.h. */
lsb_status sess_table_remove(sess_table *t, sess_entry *e, char *err, size_t errlen) {
    sess_live_stop(&e->live);
    if (t->storage.remove(t->storage.ctx, e->id, err, errlen) != 0) return LSB_ERR_STORAGE;
    remove_folders(t, e->id);
    pthread_mutex_lock(&t->lock);
    if (!e->removed) unlink_entry(t, e);
    pthread_mutex_unlock(&t->lock);
    return LSB_OK;
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
