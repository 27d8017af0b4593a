/*
 * sessions.c - the session table and the session lifecycle of the public
 * API: configure, create, info, list, destroy, reset, evict, prune, and the
 * file operations (see sessions.h for the locking rules).
 *
 * Nothing here runs guest code: executions and installs are in sessexec.c.
 * Every id from a caller is checked by lsb_session_id_check before it
 * names a folder or a record, so an id is always one safe path component.
 */
#include "sandbox/sessions.h"

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
#include "sandbox/policy.h"
#include "sandbox/sessfiles.h"
#include "sandbox/sessrec.h"
#include "sandbox/wire.h"
#include "sandbox/workspace.h"
#include "wasi/quota.h"

#define SESSIONS_DIR_MODE       0700
#define SESSIONS_LIST_MAX       100000 /* files listed by one lsb_session_file_list */
#define SESSIONS_REAPER_DIVISOR 4.0    /* the reaper wakes this often per idle TTL */
#define SESSIONS_REAPER_MAX_S   30.0   /* and at least this often */

struct sess_table {
    pthread_mutex_t lock;
    sess_entry **v;
    size_t count, cap;
    char root[PATH_MAX];
    storage_disk disk;
    lsb_storage storage;
    uint32_t max_live, idle_ttl_s;
    uint64_t min_available;
    char wheel_dir[PATH_MAX];
    char external_dir[PATH_MAX];
    char *preimports[SESSIONS_MAX_PREIMPORTS];
    size_t preimport_count;
    /* the idle reaper: a thread started with the first live session */
    pthread_t reaper;
    pthread_cond_t reaper_wake;
    bool reaper_running, reaper_stop;
};

static const char *const default_preimports[] = {LSB_DEFAULT_PREIMPORTS};

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

/* True for a dotted Python module name (it is pasted into Python code). */
static bool is_module_name(const char *s) {
    if (s == NULL || s[0] == '\0' || s[0] == '.' || strlen(s) > NAME_MAX) return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") ==
           strlen(s);
}

/* Replace the pre-import list of t with names (NULL-terminated); 0 or -1. */
static int set_preimports(sess_table *t, const char *const *names, size_t count) {
    for (size_t i = 0; i < t->preimport_count; i++)
        free(t->preimports[i]);
    t->preimport_count = 0;
    for (size_t i = 0; i < count && names[i] != NULL; i++) {
        if (i >= SESSIONS_MAX_PREIMPORTS || !is_module_name(names[i]) ||
            (t->preimports[i] = strdup(names[i])) == NULL)
            return -1;
        t->preimport_count = i + 1;
    }
    return 0;
}

sess_table *sessions_new(void) {
    sess_table *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->reaper_wake, &attr);
    pthread_condattr_destroy(&attr);
    if (default_root(t->root, sizeof t->root) != 0)
        snprintf(t->root, sizeof t->root, "/tmp/%s", LSB_SESSION_DIRNAME);
    snprintf(t->disk.root, sizeof t->disk.root, "%s", t->root);
    storage_disk_adapter(&t->disk, &t->storage);
    t->max_live = LSB_DEFAULT_MAX_LIVE_SESSIONS;
    t->idle_ttl_s = LSB_DEFAULT_SESSION_TTL_S;
    t->min_available = LSB_DEFAULT_MIN_AVAILABLE;
    size_t n = sizeof default_preimports / sizeof default_preimports[0];
    if (set_preimports(t, default_preimports, n) != 0) {
        sessions_free(t);
        return NULL;
    }
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

void sessions_free(sess_table *t) {
    if (t == NULL) return;
    stop_reaper(t);
    pthread_cond_destroy(&t->reaper_wake);
    for (size_t i = 0; i < t->count; i++) {
        sess_live_stop(&t->v[i]->live);
        pthread_mutex_destroy(&t->v[i]->lock);
        free(t->v[i]);
    }
    set_preimports(t, NULL, 0);
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

lsb_status lsb_sandbox_configure_sessions(lsb_sandbox *sb, const lsb_sessions_config *c, char *err,
                                          size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    if (c == NULL) return LSB_OK;
    size_t n = 0;
    while (c->preimports && c->preimports[n])
        n++;
    pthread_mutex_lock(&t->lock);
    lsb_status st = LSB_OK;
    if (c->root && snprintf(t->root, sizeof t->root, "%s", c->root) >= (int)sizeof t->root)
        st = LSB_ERR_INVALID;
    snprintf(t->disk.root, sizeof t->disk.root, "%s", t->root);
    storage_disk_adapter(&t->disk, &t->storage);
    if (c->storage) t->storage = *c->storage;
    if (c->max_live) t->max_live = c->max_live;
    if (c->idle_ttl_s) t->idle_ttl_s = c->idle_ttl_s;
    if (c->min_available_bytes) t->min_available = c->min_available_bytes;
    if (st == LSB_OK &&
        (copy_dir(t->wheel_dir, c->wheel_dir, "the wheel folder", err, errlen) != 0 ||
         copy_dir(t->external_dir, c->external_dir, "the external folder", err, errlen) != 0))
        st = LSB_ERR_INVALID;
    if (st == LSB_OK && c->preimports && set_preimports(t, c->preimports, n) != 0) {
        snprintf(err, errlen, "pre-imports must be at most %d module names like 'csv' or 'xml.dom'",
                 SESSIONS_MAX_PREIMPORTS);
        st = LSB_ERR_INVALID;
    }
    if (st == LSB_ERR_INVALID && err[0] == '\0')
        snprintf(err, errlen, "the sessions root path is too long");
    pthread_mutex_unlock(&t->lock);
    return st;
}

int sessions_workspace(lsb_sandbox *sb, const char *id, char *out, size_t len) {
    int n = snprintf(out, len, "%s/%s/%s", sandbox_sessions(sb)->root, id, SESSIONS_WORKSPACE_DIR);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

const char *sessions_external_dir(lsb_sandbox *sb) {
    const char *d = sandbox_sessions(sb)->external_dir;
    return d[0] ? d : NULL;
}

const char *sessions_wheel_dir(lsb_sandbox *sb) { return sandbox_sessions(sb)->wheel_dir; }

char *sessions_preimport_code(lsb_sandbox *sb) {
    sess_table *t = sandbox_sessions(sb);
    size_t len = 256;
    for (size_t i = 0; i < t->preimport_count; i++)
        len += strlen(t->preimports[i]) + 4;
    if (t->preimport_count == 0) return NULL;
    char *code = malloc(len), *p = code;
    if (code == NULL) return NULL;
    p += sprintf(p, "for _m in (");
    for (size_t i = 0; i < t->preimport_count; i++)
        p += sprintf(p, "%s%s%s%s", "\"", t->preimports[i], "\"", ",");
    sprintf(p, "):\n    try:\n        __import__(_m)\n    except Exception as _e:\n"
               "        print('pre-import', _m, 'failed:', _e)\n");
    return code;
}

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

void sessions_release(lsb_sandbox *sb, sess_entry *e) {
    sess_table *t = sandbox_sessions(sb);
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
    if (rc == 0) rc = srec_decode(id, text, len, info, err, errlen);
    free(text);
    return rc == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

sess_entry *sessions_acquire(lsb_sandbox *sb, const char *id, lsb_session_info *info,
                             lsb_status *status, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
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
    if (*status != LSB_OK) {
        sessions_release(sb, e);
        return NULL;
    }
    info->live = e->live.pid > 0;
    info->pid = (int)e->live.pid;
    return e;
}

lsb_status sessions_save(lsb_sandbox *sb, const lsb_session_info *info, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    char *text = srec_encode(info);
    int rc = text ? t->storage.put(t->storage.ctx, info->id, text, strlen(text), err, errlen) : -1;
    if (text == NULL) snprintf(err, errlen, "out of memory encoding the session record");
    free(text);
    return rc == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

/* mkdir that accepts an existing folder; 0 or -1. */
static int ensure_dir(const char *path) {
    return mkdir(path, SESSIONS_DIR_MODE) == 0 || errno == EEXIST ? 0 : -1;
}

/* Create root (with parents), root/id and its workspace; LSB_OK, EXISTS or WORKSPACE. */
static lsb_status make_folders(sess_table *t, const char *id, char *err, size_t errlen) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", t->root);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            ensure_dir(path);
            *p = '/';
        }
    if (ensure_dir(path) != 0) {
        snprintf(err, errlen, "cannot create the sessions root %s: %s", path, strerror(errno));
        return LSB_ERR_WORKSPACE;
    }
    if (snprintf(path, sizeof path, "%s/%s", t->root, id) >= (int)sizeof path ||
        mkdir(path, SESSIONS_DIR_MODE) != 0) {
        bool taken = errno == EEXIST;
        snprintf(err, errlen,
                 taken ? "a session '%s' already exists"
                       : "cannot create the folder of session '%s'",
                 id);
        return taken ? LSB_ERR_EXISTS : LSB_ERR_WORKSPACE;
    }
    snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", SESSIONS_WORKSPACE_DIR);
    if (mkdir(path, SESSIONS_DIR_MODE) != 0) {
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

/* Fill a new session's info from options (id chosen); LSB_OK or INVALID. */
static lsb_status new_info(const lsb_session_options *o, const char *id, lsb_session_info *info,
                           char *err, size_t errlen) {
    memset(info, 0, sizeof *info);
    snprintf(info->id, sizeof info->id, "%s", id);
    if (lsb_language_name(o->language) == NULL || o->language > LSB_LANG_JAVASCRIPT) {
        snprintf(err, errlen, "unknown language %d", (int)o->language);
        return LSB_ERR_INVALID;
    }
    info->language = o->language;
    info->auto_persist_globals = o->auto_persist_globals;
    info->created_at = info->last_used_at = srec_now();
    if (o->policy)
        info->policy = *o->policy;
    else
        lsb_policy_init(&info->policy);
    info->policy.workspace = info->policy.data_dir = info->policy.external_dir = NULL;
    info->policy.env = NULL;
    info->policy.env_count = 0;
    info->policy.on_output = NULL;
    info->policy.on_output_ctx = NULL;
    return policy_validate(&info->policy, err, errlen) == 0 ? LSB_OK : LSB_ERR_INVALID;
}

lsb_status lsb_session_create(lsb_sandbox *sb, const lsb_session_options *o,
                              char id_out[LSB_SESSION_ID_MAX + 1], char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    char id[LSB_SESSION_ID_MAX + 1];
    lsb_session_info info;
    if (o == NULL) {
        snprintf(err, errlen, "lsb_session_create: no options");
        return LSB_ERR_INVALID;
    }
    if (o->id ? lsb_session_id_check(o->id, o->allow_custom_id, err, errlen) != 0
              : srec_new_uuid(id) != 0)
        return LSB_ERR_INVALID;
    if (o->id) snprintf(id, sizeof id, "%s", o->id);
    lsb_status st = new_info(o, id, &info, err, errlen);
    if (st != LSB_OK) return st;
    pthread_mutex_lock(&t->lock);
    char *old = NULL;
    size_t len;
    int exists = t->storage.get(t->storage.ctx, id, &old, &len, err, errlen);
    free(old);
    st = exists == 0  ? LSB_ERR_EXISTS
         : exists < 0 ? LSB_ERR_STORAGE
                      : make_folders(t, id, err, errlen);
    if (exists == 0) snprintf(err, errlen, "a session '%s' already exists", id);
    if (st == LSB_OK && (st = sessions_save(sb, &info, err, errlen)) != LSB_OK)
        remove_folders(t, id);
    pthread_mutex_unlock(&t->lock);
    if (st == LSB_OK) snprintf(id_out, LSB_SESSION_ID_MAX + 1, "%s", id);
    return st;
}

/* Add the workspace usage of session id to info. */
static void measure(lsb_sandbox *sb, const char *id, lsb_session_info *info) {
    char ws[PATH_MAX], why[128];
    wasi_quota q = {.bytes_max = UINT64_MAX, .files_max = UINT64_MAX};
    if (sessions_workspace(sb, id, ws, sizeof ws) != 0) return;
    int fd = open(ws, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    if (wasi_quota_scan(fd, LSB_MOUNT_APP, &q, why, sizeof why) == 0) {
        info->workspace_bytes = q.bytes_used;
        info->workspace_files = q.files_used;
    }
    close(fd);
}

lsb_status lsb_session_info_get(lsb_sandbox *sb, const char *id, lsb_session_info *out, char *err,
                                size_t errlen) {
    lsb_status st;
    sess_entry *e = sessions_acquire(sb, id, out, &st, err, errlen);
    if (e == NULL) return st;
    measure(sb, id, out);
    sessions_release(sb, e);
    return LSB_OK;
}

/* Order infos by id. */
static int info_cmp(const void *a, const void *b) {
    return strcmp(((const lsb_session_info *)a)->id, ((const lsb_session_info *)b)->id);
}

lsb_status lsb_session_ids(lsb_sandbox *sb, char ***ids, size_t *count, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    return t->storage.list(t->storage.ctx, ids, count, err, errlen) == 0 ? LSB_OK : LSB_ERR_STORAGE;
}

void lsb_session_ids_free(char **ids, size_t count) {
    for (size_t i = 0; i < count; i++)
        free(ids[i]);
    free(ids);
}

lsb_status lsb_session_list(lsb_sandbox *sb, lsb_session_info **out, size_t *count, char *err,
                            size_t errlen) {
    char **ids = NULL;
    size_t n = 0, kept = 0;
    *out = NULL;
    *count = 0;
    lsb_status st = lsb_session_ids(sb, &ids, &n, err, errlen);
    if (st != LSB_OK) return st;
    lsb_session_info *v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        char why[256];
        if (v != NULL && lsb_session_info_get(sb, ids[i], &v[kept], why, sizeof why) == LSB_OK)
            kept++;
        free(ids[i]);
    }
    free(ids);
    if (v == NULL) {
        snprintf(err, errlen, "out of memory");
        return LSB_ERR_SYSTEM;
    }
    qsort(v, kept, sizeof *v, info_cmp);
    *out = v;
    *count = kept;
    return LSB_OK;
}

/* Destroy the session of the locked entry e; LSB_OK or STORAGE. */
static lsb_status destroy_locked(lsb_sandbox *sb, sess_entry *e, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    sess_live_stop(&e->live);
    if (t->storage.remove(t->storage.ctx, e->id, err, errlen) != 0) return LSB_ERR_STORAGE;
    remove_folders(t, e->id);
    pthread_mutex_lock(&t->lock);
    if (!e->removed) unlink_entry(t, e);
    pthread_mutex_unlock(&t->lock);
    return LSB_OK;
}

lsb_status lsb_session_destroy(lsb_sandbox *sb, const char *id, char *err, size_t errlen) {
    lsb_session_info info;
    lsb_status st;
    sess_entry *e = sessions_acquire(sb, id, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = destroy_locked(sb, e, err, errlen);
    sessions_release(sb, e);
    return st;
}

lsb_status lsb_session_reset(lsb_sandbox *sb, const char *id, char *err, size_t errlen) {
    lsb_session_info info;
    lsb_status st;
    char ws[PATH_MAX];
    sess_entry *e = sessions_acquire(sb, id, &info, &st, err, errlen);
    if (e == NULL) return st;
    sess_live_stop(&e->live);
    int fd = sessions_workspace(sb, id, ws, sizeof ws) == 0
                 ? open(ws, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                 : -1;
    if (fd < 0 || ws_empty_dir(fd) != 0) {
        snprintf(err, errlen, "cannot empty the workspace of session '%s'", id);
        st = LSB_ERR_WORKSPACE;
    }
    info.last_used_at = srec_now();
    if (st == LSB_OK) st = sessions_save(sb, &info, err, errlen);
    sessions_release(sb, e);
    return st;
}

lsb_status lsb_session_evict(lsb_sandbox *sb, const char *id, char *err, size_t errlen) {
    lsb_session_info info;
    lsb_status st;
    sess_entry *e = sessions_acquire(sb, id, &info, &st, err, errlen);
    if (e == NULL) return st;
    sess_live_stop(&e->live);
    sessions_release(sb, e);
    return LSB_OK;
}

/* MemAvailable from /proc/meminfo in bytes, or UINT64_MAX if unknown. */
static uint64_t mem_available(void) {
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kib = 0;
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = sscanf(line, "MemAvailable: %llu kB", &kib) == 1;
    if (f) fclose(f);
    return found ? (uint64_t)kib * 1024 : UINT64_MAX;
}

/* Pick the idle live entry to evict first (table lock held): one idle past
 * the TTL, else the least recently used when over the cap or low on
 * memory; takes a reference on it. NULL when none should go. */
static sess_entry *pick_victim(sess_table *t, bool low_memory, uint32_t reserve) {
    double now = wire_now_ms(), ttl = (double)t->idle_ttl_s * 1000.0;
    sess_entry *lru = NULL;
    size_t live = 0;
    for (size_t i = 0; i < t->count; i++) {
        sess_entry *e = t->v[i];
        if (e->live.pid == 0) continue;
        live++;
        if (e->refs > 0) continue;
        if (now - e->last_used_ms > ttl) {
            e->refs++;
            return e;
        }
        if (lru == NULL || e->last_used_ms < lru->last_used_ms) lru = e;
    }
    if (lru == NULL || (!low_memory && live + reserve <= t->max_live)) return NULL;
    lru->refs++;
    return lru;
}

/* Evict until nothing more should go; reserve counts a session about to
 * go live. Returns how many were evicted. */
static size_t evict_some(lsb_sandbox *sb, uint32_t reserve) {
    sess_table *t = sandbox_sessions(sb);
    size_t evicted = 0;
    for (;;) {
        bool low = mem_available() < t->min_available;
        pthread_mutex_lock(&t->lock);
        sess_entry *e = pick_victim(t, low, reserve);
        pthread_mutex_unlock(&t->lock);
        if (e == NULL) return evicted;
        pthread_mutex_lock(&e->lock);
        sess_live_stop(&e->live);
        evicted++;
        sessions_release(sb, e);
    }
}

size_t lsb_sandbox_evict_idle(lsb_sandbox *sb) { return evict_some(sb, 0); }

/* See llmsandbox.h. */
size_t lsb_sandbox_live_sessions(lsb_sandbox *sb) {
    sess_table *t = sandbox_sessions(sb);
    size_t live = 0;
    if (t == NULL) return 0;
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->count; i++)
        live += t->v[i]->live.pid != 0;
    pthread_mutex_unlock(&t->lock);
    return live;
}

/* The reaper's period: a quarter of the idle TTL, within bounds. */
static double reaper_period_s(const sess_table *t) {
    double s = (double)t->idle_ttl_s / SESSIONS_REAPER_DIVISOR;
    return s < 1 ? 1 : s > SESSIONS_REAPER_MAX_S ? SESSIONS_REAPER_MAX_S : s;
}

/* The reaper thread: apply the TTL, cap and memory floor every period,
 * so idle sessions expire even when no call comes. */
static void *reaper_main(void *arg) {
    lsb_sandbox *sb = arg;
    sess_table *t = sandbox_sessions(sb);
    pthread_mutex_lock(&t->lock);
    while (!t->reaper_stop) {
        struct timespec at;
        clock_gettime(CLOCK_MONOTONIC, &at);
        double period = reaper_period_s(t);
        at.tv_sec += (time_t)period;
        at.tv_nsec += (long)((period - (double)(time_t)period) * 1e9);
        if (at.tv_nsec >= 1000000000L) at.tv_sec++, at.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&t->reaper_wake, &t->lock, &at);
        if (t->reaper_stop) break;
        pthread_mutex_unlock(&t->lock);
        evict_some(sb, 0);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

void sessions_make_room(lsb_sandbox *sb) {
    sess_table *t = sandbox_sessions(sb);
    pthread_mutex_lock(&t->lock);
    if (!t->reaper_running && !t->reaper_stop)
        t->reaper_running = pthread_create(&t->reaper, NULL, reaper_main, sb) == 0;
    pthread_mutex_unlock(&t->lock);
    evict_some(sb, 1);
}

lsb_status lsb_session_prune(lsb_sandbox *sb, uint64_t older_than_s, bool dry_run,
                             lsb_prune_report *report, char *err, size_t errlen) {
    lsb_session_info *v = NULL;
    size_t n = 0;
    *report = (lsb_prune_report){0};
    lsb_status st = lsb_session_list(sb, &v, &n, err, errlen);
    double cutoff = srec_now() - (double)older_than_s;
    for (size_t i = 0; st == LSB_OK && i < n; i++) {
        char why[256];
        if (v[i].live || v[i].last_used_at >= cutoff) continue;
        if (!dry_run && lsb_session_destroy(sb, v[i].id, why, sizeof why) != LSB_OK) continue;
        report->sessions++;
        report->bytes += v[i].workspace_bytes;
    }
    free(v);
    return st;
}

/* Acquire session id and its workspace path; NULL with *st and err. */
static sess_entry *open_files(lsb_sandbox *sb, const char *id, char *ws, size_t wslen,
                              lsb_session_info *info, lsb_status *st, char *err, size_t errlen) {
    sess_entry *e = sessions_acquire(sb, id, info, st, err, errlen);
    if (e != NULL && sessions_workspace(sb, id, ws, wslen) != 0) {
        snprintf(err, errlen, "the workspace path of session '%s' is too long", id);
        *st = LSB_ERR_WORKSPACE;
        sessions_release(sb, e);
        return NULL;
    }
    return e;
}

lsb_status lsb_session_file_write(lsb_sandbox *sb, const char *id, const char *path,
                                  const void *data, size_t len, char *err, size_t errlen) {
    char ws[PATH_MAX];
    lsb_session_info info;
    lsb_status st;
    sess_entry *e = open_files(sb, id, ws, sizeof ws, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = sfile_write(ws, path, data, len, info.policy.quota_bytes, info.policy.quota_files, err,
                     errlen);
    e->rescan = true;
    sessions_release(sb, e);
    return st;
}

lsb_status lsb_session_file_read(lsb_sandbox *sb, const char *id, const char *path,
                                 uint64_t max_bytes, char **data, size_t *len, char *err,
                                 size_t errlen) {
    char ws[PATH_MAX];
    lsb_session_info info;
    lsb_status st;
    *data = NULL;
    *len = 0;
    sess_entry *e = open_files(sb, id, ws, sizeof ws, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = sfile_read(ws, path, max_bytes, data, len, err, errlen);
    sessions_release(sb, e);
    return st;
}

lsb_status lsb_session_file_list(lsb_sandbox *sb, const char *id, const char *path,
                                 bool include_system, lsb_file_entry **out, size_t *count,
                                 char *err, size_t errlen) {
    char ws[PATH_MAX];
    lsb_session_info info;
    lsb_status st;
    *out = NULL;
    *count = 0;
    sess_entry *e = open_files(sb, id, ws, sizeof ws, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = sfile_list(ws, path, include_system, SESSIONS_LIST_MAX, out, count, err, errlen);
    sessions_release(sb, e);
    return st;
}

lsb_status lsb_session_file_delete(lsb_sandbox *sb, const char *id, const char *path,
                                   bool recursive, char *err, size_t errlen) {
    char ws[PATH_MAX];
    lsb_session_info info;
    lsb_status st;
    sess_entry *e = open_files(sb, id, ws, sizeof ws, &info, &st, err, errlen);
    if (e == NULL) return st;
    st = sfile_delete(ws, path, recursive, err, errlen);
    e->rescan = true;
    sessions_release(sb, e);
    return st;
}
