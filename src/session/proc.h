/*
 * proc.h - the live session process and its control protocol
 * (prefix sess_proc_).
 *
 * A session process is a guest restored from the snapshot (forked by a
 * zygote) that keeps its interpreter between executions. For each run
 * request on its control socket it forks: the child runs the code; if the
 * run succeeds the child becomes the session and the parent exits, and if
 * it fails the child exits and the parent, which still holds the state from
 * before the run, stays the session. So a failed run never changes it.
 *
 * The host sends run requests (ipc_send_request, the output pipe
 * attached). Messages from the session to the host (a sess_proc_msg, then
 * len bytes):
 *   READY{pid}    the session is idle and pid holds it (after start-up and
 *                 after every run);
 *   STARTED{pid}  a run began in process pid, a child of the session
 *                 process (the host kills it at the deadline); the run
 *                 waits for the host's one byte SESS_PROC_GO, which the
 *                 host sends once it holds that child by a pidfd;
 *   FAILED{text}  start-up or a fork failed; text says why.
 */
#ifndef LSB_SESSION_PROC_H
#define LSB_SESSION_PROC_H

#include <stdint.h>

#include "sandbox/worker.h"

#define SESS_PROC_TEXT_MAX 512
#define SESS_PROC_GO       'G' /* host to run: you are held, go on */

typedef enum sess_proc_msg_type {
    SESS_PROC_READY = 1,
    SESS_PROC_STARTED = 2,
    SESS_PROC_FAILED = 3
} sess_proc_msg_type;

typedef struct sess_proc_msg {
    uint32_t type; /* sess_proc_msg_type */
    int32_t pid;
    uint32_t len; /* bytes of text that follow (FAILED only) */
    uint32_t reserved;
} sess_proc_msg;

/*
 * In a freshly forked child of a zygote: bind the session's mounts from
 * req, install the session seccomp profile, announce READY on ctl and serve
 * run requests until ctl reaches EOF. Never returns.
 */
_Noreturn void sess_proc_main(worker_instance *w, const worker_request *req, int ctl);

#endif
