/*
 * lock.h - exclusive locks across processes (prefix util_lock_), on a
 * lock file with flock(2): what serialises the runs of one workspace
 * between the CLI, the library and MCP servers (and, later, hosts).
 *
 * A lock file also keeps a generation: a counter that each holder may bump
 * when it lets go after changing what the lock guards, so the next holder
 * can tell whether anybody else changed it since its own last turn. The
 * lock dies with its holder's process (the kernel drops it), so a crash
 * never leaves it held. A lock file removed or replaced while a process
 * waits for it is noticed and opened again, so two holders never hold two
 * different files of one name.
 */
#ifndef LSB_UTIL_LOCK_H
#define LSB_UTIL_LOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct util_lock {
    int fd;       /* the locked file or folder; -1 when not held */
    uint64_t gen; /* the generation found when it was taken */
    bool has_gen; /* a lock file we can write (a folder has no generation) */
} util_lock;

/* Asked while waiting: true to give up (e.g. the caller's run was cancelled). */
typedef bool (*util_lock_stop_fn)(const void *ctx);

/*
 * Take the lock path: a lock file (created 0600 when missing, never
 * through a symlink) or an existing folder (locked as it is, with no
 * generation). Waits until deadline_ms (util_now_ms clock; a deadline
 * already past tries once) or until stop(ctx) is true (stop may be NULL).
 * Returns 0 with l held, or -1 with errno: EWOULDBLOCK (still held by
 * another at the deadline), ECANCELED (stopped), or the error of open
 * (ENOENT when the folder holding the lock file is gone).
 */
int util_lock_take(util_lock *l, const char *path, double deadline_ms, util_lock_stop_fn stop,
                   const void *stop_ctx);

/* Let go of l (nothing when not held), first storing gen + 1 as the
 * file's generation when bump is set; l->gen then holds the generation
 * left in the file. Cannot fail: a generation that cannot be written (a
 * full disk) stays as it was, so a holder in another process may miss that
 * one change. */
void util_lock_release(util_lock *l, bool bump);

#endif
