/*
 * worker.h - one guest instance inside an execution child (prefix worker_).
 *
 * worker_prepare restores an instance from a snapshot and needs nothing
 * from the request, so a zygote can do it once and fork many times.
 * worker_run binds one request to it (mounts, limits, environment), seals
 * the process with seccomp, runs the guest, streams the outcome over the
 * channel and exits. Nothing in here returns to guest-controlled state.
 */
#ifndef LSB_WORKER_H
#define LSB_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox/lockdown.h"
#include "sandbox/prefault.h"
#include "wasi/wasi.h"
#include "wasm/guest.h"
#include "wasm/lsb_imports.h"

/* Everything one execution needs, in the child. Strings are not owned. */
typedef struct worker_request {
    const char *code;
    size_t code_len;
    const char *filename;  /* shown in tracebacks */
    const char *env_block; /* "K=V\0K=V\0" */
    size_t env_len;
    const char *options; /* LSB_REQ_OPTIONS text ("key=value\n" lines), or NULL */
    size_t options_len;
    int rescan_quota; /* recount workspace usage first (the host changed files) */
    uint64_t fuel;
    uint64_t memory_bytes;
    uint64_t timeout_ms; /* the run's wall clock, for its own backstop (tether.h); 0: none */
    uint64_t stdout_max, stderr_max;
    uint64_t quota_bytes, quota_files;
    const char *stdlib_dir;   /* host folder for /usr/local/lib, or NULL */
    const char *workspace;    /* host folder for /app */
    const char *data_dir;     /* host folder for /data, or NULL */
    const char *external_dir; /* host folder for /external, or NULL */
    const char *root_dir;     /* read-only skeleton shown at "/" (the mount points) */
} worker_request;

typedef struct worker_instance {
    const guest_module *mod;
    void *inst; /* mod->instance: a process has one instance of each guest */
    lsbi_state lsb;
    wasi_ctx wasi;
    int out_fd;       /* the channel to the parent while running */
    prefault_set hot; /* the snapshot pages a run writes, copied in before each run */
} worker_instance;

/*
 * Instantiate mod and restore it from the snapshot at path. Returns 0, or
 * -1 with a message in err (also when this process already holds a live
 * instance of mod). Used in the child (or zygote) only: it maps 8 GiB of
 * address space and installs signal handlers.
 */
int worker_prepare(worker_instance *w, const guest_module *mod, const char *snapshot_path,
                   char *err, size_t errlen);

/*
 * Run req on a prepared instance, writing chan frames to out_fd, then
 * _exit. Never returns. Setup failures are sent as CHAN_FAIL.
 */
_Noreturn void worker_run(worker_instance *w, const worker_request *req, int out_fd);

/* Open req's mounts and streams for a prepared instance (once per
 * process: a one-shot child or a live session). 0, or -1 with err. */
int worker_bind(worker_instance *w, const worker_request *req, char *err, size_t errlen);

/*
 * Lock the calling process down for profile (lockdown_apply) with req's
 * mounts as its Landlock domain: the workspace read-write; the stdlib,
 * /data, /external and "/" skeleton folders read-only. Call it after
 * worker_bind and before any guest code runs. 0; 1 when the kernel has no
 * Landlock (err holds the warning); -1 with err on failure.
 */
int worker_lockdown(const worker_request *req, lockdown_profile profile, char *err, size_t errlen);

/*
 * Run the per-run part of req (code, limits, options) on a bound instance,
 * writing chan frames to out_fd (ending with CHAN_DONE, or CHAN_FAIL for a
 * setup failure). Returns true when the run succeeded (no trap, status 0),
 * the condition under which a live session keeps this run's state, and
 * false on any failure (of the setup or of the guest's code).
 */
bool worker_execute(worker_instance *w, const worker_request *req, int out_fd);

/* What lsb_init sees when a snapshot is made. Strings are not owned. */
typedef struct snapshot_inputs {
    const char *stdlib_dir; /* host folder for /usr/local/lib, or NULL */
    const char *data_dir;   /* host folder for /data (vendored packages) */
    const char *root_dir;   /* the "/" skeleton */
    const char *prelude;    /* the driver's prelude source (LSB_REQ_PRELUDE) */
    size_t prelude_len;
} snapshot_inputs;

/*
 * Build time: instantiate mod, run _initialize and lsb_init with the
 * mounts of in, an empty workspace and in->prelude, and write a snapshot
 * to out_path; then restore it in a child, run the smallest program there
 * and record the pages that run wrote in the image (prefault.h). Returns
 * 0, or -1 with a message in err.
 */
int worker_make_snapshot(const guest_module *mod, const snapshot_inputs *in, const char *out_path,
                         char *err, size_t errlen);

#endif
