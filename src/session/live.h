/*
 * live.h - the host's handle on one live session process (prefix
 * sess_live_): start it through a zygote, send it runs, end it.
 *
 * The other half is proc.c. The handle tracks which process holds the
 * session now (it changes after every successful run) through a pidfd, so
 * signals never reach a recycled pid. Callers serialise the calls on one
 * handle; different handles are independent.
 */
#ifndef LSB_SESSION_LIVE_H
#define LSB_SESSION_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "llmsandbox.h"
#include "sandbox/worker.h"
#include "sandbox/zygote.h"

typedef struct sess_live {
    pid_t pid; /* the process holding the session; 0 when not live */
    int pidfd; /* of pid, or -1 */
    int ctl;   /* our end of the control socket, or -1 */
} sess_live;

/* What a run reported beyond the result. */
typedef struct sess_live_outcome {
    bool committed; /* the run's process is the session now (state changed) */
    bool lost;      /* the session process is gone; the handle was stopped */
} sess_live_outcome;

/* Mark l as not live (no process). */
void sess_live_init(sess_live *l);

/* Fork a session process from z bound to bind's mounts and quotas and
 * wait until it is ready. 0, or -1 with err (l stays not live). */
int sess_live_start(sess_live *l, zyg_zygote *z, const worker_request *bind, char *err,
                    size_t errlen);

/*
 * Run req (code, options, limits) in the live session, streaming output to
 * policy->on_output, under policy's timeout, into result (which the caller
 * zeroed). LSB_OK, or an error status with err (then the result is empty).
 */
lsb_status sess_live_run(sess_live *l, const worker_request *req, const lsb_policy *policy,
                         lsb_result *result, sess_live_outcome *outcome, char *err, size_t errlen);

/* How many live session processes of this process died, or broke the
 * protocol, under a run or at its end (each then re-materialises). */
uint64_t sess_live_losses(void);

/* End the session process (if any) and mark l not live. */
void sess_live_stop(sess_live *l);

#endif
