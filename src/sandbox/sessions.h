/*
 * sessions.h - the session table of a sandbox (prefix sessions_): its
 * configuration, the entries of sessions in use or live, and the locking
 * that serialises work on one session while others run in parallel.
 *
 * An entry exists while some call uses the session or while a process
 * holds it live; otherwise the session is only its record (storage
 * adapter) and its workspace folder (<root>/<id>/workspace). Locks: the
 * table lock guards the entry list and reference counts and is held only
 * briefly; an entry's lock is held for a whole operation on that session.
 */
#ifndef LSB_SESSIONS_H
#define LSB_SESSIONS_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

#include "llmsandbox.h"
#include "sandbox/session.h"
#include "sandbox/storage.h"

#define SESSIONS_WORKSPACE_DIR  "workspace"
#define SESSIONS_MAX_PREIMPORTS 64

typedef struct sess_entry {
    char id[LSB_SESSION_ID_MAX + 1];
    pthread_mutex_t lock; /* held for a whole operation on the session */
    sess_live live;
    bool restore_pending; /* the live process has not loaded the state file yet */
    bool rescan;          /* the host changed files since the process last ran */
    double last_used_ms;  /* monotonic */
    int refs;             /* guarded by the table lock */
    bool removed;         /* destroyed; no longer in the table */
} sess_entry;

typedef struct sess_table sess_table;

/* A table with the default configuration; NULL on OOM. */
sess_table *sessions_new(void);

/* Stop every live session and free t (NULL is ignored). */
void sessions_free(sess_table *t);

/* The table of sb (created by lsb_sandbox_open). */
sess_table *sandbox_sessions(lsb_sandbox *sb);

/*
 * Find session id, lock it and load its record into *info. Returns the
 * locked entry, or NULL with *status (LSB_ERR_NO_SESSION for an unknown or
 * invalid id) and err. Release with sessions_release.
 */
sess_entry *sessions_acquire(lsb_sandbox *sb, const char *id, lsb_session_info *info,
                             lsb_status *status, char *err, size_t errlen);

/* Unlock e and drop the caller's reference. */
void sessions_release(lsb_sandbox *sb, sess_entry *e);

/* Store info as the session's record; LSB_OK or LSB_ERR_STORAGE with err. */
lsb_status sessions_save(lsb_sandbox *sb, const lsb_session_info *info, char *err, size_t errlen);

/* The workspace folder of session id into out; 0 or -1 (too long). */
int sessions_workspace(lsb_sandbox *sb, const char *id, char *out, size_t len);

/* The folder mounted at /external for sessions (NULL: none). */
const char *sessions_external_dir(lsb_sandbox *sb);

/* The configured wheel folder of install_package ("" when none). */
const char *sessions_wheel_dir(lsb_sandbox *sb);

/* Python source that imports the configured pre-imports (malloc'd), or
 * NULL when the list is empty or on OOM. */
char *sessions_preimport_code(lsb_sandbox *sb);

/*
 * Run code in the locked session e whose record is info (sessexec.c):
 * bring it live if needed, run, update the record. A scratch run leaves no
 * globals behind. policy NULL uses the session's limits. The caller has
 * checked the code (exec_check_code).
 */
lsb_status sessions_run(lsb_sandbox *sb, sess_entry *e, lsb_session_info *info, const char *code,
                        size_t code_len, const char *filename, bool scratch,
                        const lsb_policy *policy, lsb_result *result, char *err, size_t errlen);

/* Make room before a session goes live: evict over the live cap; also
 * starts the reaper thread that expires idle sessions by itself. */
void sessions_make_room(lsb_sandbox *sb);

#endif
