/*
 * workspace.h - the host side of a workspace folder (prefix ws_).
 *
 * Lists a workspace before and after a run to tell which files a run
 * created or modified, makes throw-away workspaces and removes them. All
 * walking is done through directory fds with O_NOFOLLOW, so a symlink the
 * guest planted can never lead the host outside the folder.
 */
#ifndef LSB_WORKSPACE_H
#define LSB_WORKSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/lock.h"

/* The lock file of a workspace W is W's sibling "." + basename(W) + ".lock"
 * (a session's: <root>/<id>/.workspace.lock), outside the guest's reach. */
#define WS_LOCK_PREFIX "."
#define WS_LOCK_SUFFIX ".lock"

typedef struct ws_entry {
    char *path; /* relative to the workspace root, e.g. "out/data.csv" */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t inode;
} ws_entry;

typedef struct ws_listing {
    ws_entry *items; /* sorted by path */
    size_t count, cap;
    int incomplete; /* the walk stopped at max_entries or on an error */
} ws_listing;

/* List regular files and symlinks under root, at most max_entries. 0 or -1 (OOM/open). */
int ws_scan(const char *root, size_t max_entries, ws_listing *out);

/* Free a listing's entries (idempotent). Cannot fail. */
void ws_listing_free(ws_listing *listing);

/*
 * Compare two listings. *created and *modified become malloc'd arrays of
 * malloc'd paths relative to /app ("out/x.csv"). Returns 0, or -1 on OOM.
 */
int ws_diff(const ws_listing *before, const ws_listing *after, char ***created, size_t *ncreated,
            char ***modified, size_t *nmodified);

/* True for paths (relative to the workspace root) inside our own system
 * folder (LSB_SYSTEM_DIR: state file, installed packages), which results
 * leave out of files_created and files_modified. Cannot fail. */
bool ws_is_system_path(const char *rel);

/* Create a private temporary workspace; path receives its name, *lock_fd
 * an fd holding its flock until the caller closes it (after removing the
 * workspace). The first call in a process removes the temporary
 * workspaces that no process holds (left by a kill -9). 0 or -1. */
int ws_make_temp(char *path, size_t pathlen, int *lock_fd);

/* Remove the temporary workspaces in folder root that a process killed
 * before removing them left: a live one is flock'd by its maker, so one
 * whose lock can be taken at once is stale. Never fails (what cannot be
 * removed stays). */
void ws_sweep_stale_temps(const char *root);

/* Delete everything inside the directory fd (which it takes over and
 * closes) without following symlinks, at any depth. 0, or -1 with errno
 * of the first entry that could not be removed (the rest are still
 * removed). */
int ws_empty_dir(int fd);

/*
 * Take the cross-process lock of workspace ws, held while one run (or a
 * host change) uses it, so runs of one workspace are serialised across
 * processes and each starts from the real usage. The lock file is next to
 * ws (WS_LOCK_PREFIX, WS_LOCK_SUFFIX), found from ws's resolved path when
 * it exists (so every spelling of one folder finds one lock); when that
 * folder cannot hold a new lock file (read-only), ws itself is locked.
 * Waits until deadline_ms (util_now_ms) or stop(ctx). 0 with *l held, or
 * -1 with errno (EWOULDBLOCK: busy until the deadline, ECANCELED) and err.
 */
int ws_lock(const char *ws, util_lock *l, double deadline_ms, util_lock_stop_fn stop,
            const void *stop_ctx, char *err, size_t errlen);

/* Remove root and everything beneath it, at any depth, without following
 * symlinks. 0, or -1 with errno (ENOENT when root is missing). */
int ws_remove_tree(const char *root);

#endif
