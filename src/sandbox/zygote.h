/*
 * zygote.h - pre-restored guests that fork one child per execution (zyg_).
 *
 * A zygote is a process holding one guest already restored from its
 * snapshot. For each request it forks; the fork binds the request and runs
 * it (worker_run), writing its channel frames to a pipe the requester
 * passed along with the request. The requester enforces the deadline by
 * killing the child through the pidfd it gets back (never by pid: the
 * zygote reaps its children, so a pid may be recycled).
 */
#ifndef LSB_ZYGOTE_H
#define LSB_ZYGOTE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/worker.h"
#include "wasm/guest.h"

typedef struct zyg_zygote zyg_zygote;

/*
 * Start a zygote for mod from the snapshot at path; 0, or -1 with err.
 * warm, when not NULL, is a run (code, mounts, options; no workspace) the
 * zygote executes once before serving, e.g. pre-imports; it is copied.
 */
int zyg_start(zyg_zygote **out, const guest_module *mod, const char *snapshot_path,
              const worker_request *warm, char *err, size_t errlen);

/* A child a zygote forked: its pid, and a pidfd on it (kin.h), or -1
 * when it had already ended by the time the requester looked. */
typedef struct zyg_child {
    pid_t pid;
    int pidfd;
} zyg_child;

/*
 * Have the zygote fork a child that runs req and writes to out_fd (which
 * the caller still owns and should close after this returns). Returns 0
 * with child set (the caller closes child->pidfd), or -1 with err. A
 * zygote found dead is started again (once per call). Safe to call from
 * several threads.
 */
int zyg_spawn(zyg_zygote *z, const worker_request *req, int out_fd, zyg_child *child, char *err,
              size_t errlen);

/*
 * What a zygote's child runs to become a live session process: bind req's
 * mounts and quotas and serve runs over ctl; it must not return. The
 * session layer provides it (session/proc.c), so the engine never calls
 * up into the sessions.
 */
typedef void (*zyg_session_main)(worker_instance *w, const worker_request *req, int ctl);

/* Register the session process loop for every zygote started afterwards
 * (a zygote is a fork, so it keeps what was registered before it began). */
void zyg_set_session_main(zyg_session_main fn);

/*
 * Have the zygote fork a live session process bound to req's mounts and
 * quotas, running the registered zyg_session_main over ctl (the caller
 * keeps its own end and closes this one). Returns 0 with child set, as
 * zyg_spawn, or -1 with err; the child exits at once if no session loop
 * was registered.
 */
int zyg_spawn_session(zyg_zygote *z, const worker_request *req, int ctl, zyg_child *child,
                      char *err, size_t errlen);

/* Stop the zygote and free z; NULL is ignored. */
void zyg_stop(zyg_zygote *z);

/* How many times a zygote of this process was found dead (or broke the
 * protocol) and started again. */
uint64_t zyg_restarts(void);

#endif
