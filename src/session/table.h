/*
 * table.h - the session table of a sandbox (prefix sess_table_): its
 * configuration, the entries of sessions in use or live, and the locking
 * that serialises work on one session while others run in parallel.
 *
 * An entry exists while some call uses the session or while a process
 * holds it live; otherwise the session is only its record (storage
 * adapter) and its workspace folder (<root>/<id>/workspace). Locks: the
 * table lock guards the entry list and reference counts and is held only
 * briefly; an entry's lock is held for a whole operation on that session.
 */
#ifndef LSB_SESSION_TABLE_H
#define LSB_SESSION_TABLE_H

#include <pthread.h>
#include <stdbool.h>

#include "llmsandbox.h"
#include "session/live.h"
#include "util/lock.h"

#define SESS_TABLE_WORKSPACE_DIR "workspace"

typedef struct sess_entry {
    char id[LSB_SESSION_ID_MAX + 1];
    pthread_mutex_t lock; /* held for a whole operation on the session */
    sess_live live;
    bool restore_pending; /* the live process has not loaded the state file yet */
    bool rescan;          /* the host changed files since the process last ran */
    util_lock disk;       /* the workspace's cross-process lock, while held */
    uint64_t disk_gen;    /* its generation when this entry last let go of it */
    double last_used_ms;  /* monotonic */
    int refs;             /* guarded by the table lock */
    bool removed;         /* destroyed; no longer in the table */
} sess_entry;

typedef struct sess_table sess_table;

/* A table with the default configuration; NULL on OOM. */
sess_table *sess_table_new(void);

/* Stop the reaper and every live session, and free t (NULL is ignored). */
void sess_table_free(sess_table *t);

/* Apply c (NULL changes nothing) except its pre-imports, which belong to
 * the sandbox's zygotes; LSB_OK, or LSB_ERR_INVALID with err. */
lsb_status sess_table_configure(sess_table *t, const lsb_sessions_config *c, char *err,
                                size_t errlen);

/*
 * Find session id, lock it and load its record into *info. Returns the
 * locked entry, or NULL with *status (LSB_ERR_NO_SESSION for an unknown or
 * invalid id, LSB_ERR_STORAGE for an unreadable or corrupt record) and
 * err. Release with sess_table_release.
 */
sess_entry *sess_table_acquire(sess_table *t, const char *id, lsb_session_info *info,
                               lsb_status *status, char *err, size_t errlen);

/* How usable a session's record is. */
typedef enum sess_damage {
    SESS_INTACT,     /* read and decoded */
    SESS_UNREADABLE, /* a caller's storage adapter failed to get it (which may pass) */
    SESS_CORRUPT,    /* read but not a valid record, or unreadable on disk */
} sess_damage;

/*
 * Like sess_table_acquire, but a record that exists and cannot be read or
 * decoded (damaged) still gives the locked entry: then *damage says how,
 * err says why, and info holds only the id, damaged, live, pid and
 * last_used_at (sess_table_disk_age). For info, list, destroy and prune,
 * which must be able to show and remove such a session. NULL with *status
 * (NO_SESSION or SYSTEM) and err.
 */
sess_entry *sess_table_acquire_any(sess_table *t, const char *id, lsb_session_info *info,
                                   sess_damage *damage, lsb_status *status, char *err,
                                   size_t errlen);

/* Load and decode the record of id without taking any lock (so without
 * waiting for a run of the session): the stored record as it is now, with
 * no live state or workspace usage. LSB_OK, NO_SESSION, or STORAGE with
 * err (info->owner then still holds what a damaged record names; see
 * sess_record_decode). */
lsb_status sess_table_peek(sess_table *t, const char *id, lsb_session_info *info, char *err,
                           size_t errlen);

/* When the files of session id last changed on disk (Unix time; 0 when
 * unknown): the newest modification time of the entries of <root>/<id>
 * (the disk adapter's record, renamed into place on every save, and the
 * workspace folder), leaving out the workspace lock, which every locked
 * call touches; the folder's own time when it has no other entry. The age
 * of a session whose record is damaged. */
double sess_table_disk_age(sess_table *t, const char *id);

/*
 * Take the cross-process lock of locked session e's workspace (ws_lock:
 * <root>/<id>/.workspace.lock) for an operation that changes it; held
 * until sess_table_release, which bumps its generation. Waits until
 * deadline_ms (util_now_ms) or stop(stop_ctx). Then, unless info is NULL,
 * reloads the record into info (another process may have changed it).
 * When another process held the lock since e last did and e is live, the
 * workspace is marked for a quota rescan, and an auto-persist session's
 * process is stopped so the next run restores the state saved since. A
 * session folder that is gone needs no lock (LSB_OK). LSB_OK, or
 * WORKSPACE (busy until the deadline, cancelled, or no lock file), or the
 * status of reloading the record (NO_SESSION when destroyed meanwhile).
 */
lsb_status sess_table_lock_workspace(sess_table *t, sess_entry *e, lsb_session_info *info,
                                     double deadline_ms, util_lock_stop_fn stop,
                                     const void *stop_ctx, char *err, size_t errlen);

/* Unlock e (and its workspace lock, if held) and drop the caller's
 * reference. */
void sess_table_release(sess_table *t, sess_entry *e);

/* Store info as the session's record; LSB_OK or LSB_ERR_STORAGE with err. */
lsb_status sess_table_save(sess_table *t, const lsb_session_info *info, char *err, size_t errlen);

/* Create the folders of the new session info->id, or adopt its existing
 * folder that has no record (see lsb_session_create), and store its
 * record; LSB_OK, or EXISTS, STORAGE or WORKSPACE with err (nothing new
 * is left; an adopted folder keeps its files). */
lsb_status sess_table_create(sess_table *t, const lsb_session_info *info, char *err, size_t errlen);

/* Stop the locked session e and delete its workspace, its record and its
 * folder, in that order; LSB_OK, or WORKSPACE (a folder could not be
 * deleted; if it was the workspace, the record is kept) or STORAGE (the
 * record could not be deleted) with err. */
lsb_status sess_table_remove(sess_table *t, sess_entry *e, char *err, size_t errlen);

/* The ids of the stored sessions (free with lsb_session_ids_free); LSB_OK
 * or LSB_ERR_STORAGE with err. */
lsb_status sess_table_ids(sess_table *t, char ***ids, size_t *count, char *err, size_t errlen);

/* The sessions root (one folder per session in it). */
const char *sess_table_root(sess_table *t);

/* Add the usage of session id's workspace (bytes and files) to info;
 * left as it is when the workspace cannot be scanned. */
void sess_table_measure(sess_table *t, const char *id, lsb_session_info *info);

/* The workspace folder of session id into out; 0, or -1 (too long). */
int sess_table_workspace(sess_table *t, const char *id, char *out, size_t len);

/* The folder mounted at /external for sessions (NULL: none). */
const char *sess_table_external_dir(sess_table *t);

/* The configured wheel folder of install_package ("" when none). */
const char *sess_table_wheel_dir(sess_table *t);

/* Start (once) the reaper thread, which calls tick every period (a
 * quarter of the idle TTL, within bounds) until the table is freed. */
void sess_table_start_reaper(sess_table *t, void (*tick)(sess_table *t));

#endif
