/*
 * live.c - the host side of a live session's control protocol (see
 * proc.h for the messages and live.h for the contract).
 *
 * A run is: send the request with a fresh output pipe attached, wait for
 * STARTED (which names the process to kill at the deadline), collect the
 * output exactly like a one-shot run, then wait for READY, which names the
 * process holding the session afterwards. Any protocol breach, a missing
 * READY, or a dead process stops the handle: the session is then
 * re-materialised by the next run, from its durable state.
 *
 * Pids: the session process runs guest code, so a pid it names is only
 * its word. The host signals nothing but pidfds: on the session process,
 * taken from the zygote's answer (verified to be the zygote's child); on a
 * run, taken from STARTED only once the kernel confirmed the named process
 * is a child of the session process (kin.h), before which the run does not
 * begin (it waits for SESS_PROC_GO); and READY must name one of these two.
 * A session naming anything else is lost, and nothing else is signalled.
 */
#include "session/live.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/ipc.h"
#include "sandbox/kin.h"
#include "sandbox/report.h"
#include "session/proc.h"
#include "util/clock.h"

#define SESS_READY_GRACE_MS   5000.0 /* to start up, or to hand over after a run */
#define SESS_STARTED_GRACE_MS 2000.0 /* beyond the run's deadline */

/* See live.h. */
void sess_live_init(sess_live *l) { *l = (sess_live){.pid = 0, .pidfd = -1, .ctl = -1}; }

/* Read one message (and its text into text, NUL-terminated) before the
 * deadline; 0, or -1 on EOF, timeout or a malformed message. */
static int read_msg(int ctl, sess_proc_msg *msg, char *text, size_t textlen, double deadline) {
    if (ipc_read_until(ctl, msg, sizeof *msg, deadline) != 0) return -1;
    if (msg->len > SESS_PROC_TEXT_MAX || msg->len >= textlen) return -1;
    if (msg->len > 0 && ipc_read_until(ctl, text, msg->len, deadline) != 0) return -1;
    text[msg->len] = '\0';
    return 0;
}

/* See live.h. */
int sess_live_start(sess_live *l, zyg_zygote *z, const worker_request *bind, char *err,
                    size_t errlen) {
    int sv[2];
    sess_live_init(l);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "socketpair failed: %s", strerror(errno));
        return -1;
    }
    zyg_child child;
    int spawned = zyg_spawn_session(z, bind, sv[1], &child, err, errlen);
    close(sv[1]);
    l->ctl = sv[0];
    if (spawned != 0 || child.pidfd < 0) {
        if (spawned == 0) snprintf(err, errlen, "the session process ended as soon as it began");
        sess_live_stop(l);
        return -1;
    }
    l->pid = child.pid;
    l->pidfd = child.pidfd;
    sess_proc_msg msg;
    char text[SESS_PROC_TEXT_MAX + 1] = "";
    if (read_msg(l->ctl, &msg, text, sizeof text, util_now_ms() + SESS_READY_GRACE_MS) != 0 ||
        msg.type != SESS_PROC_READY || msg.pid != l->pid) {
        snprintf(err, errlen, "the session process failed to start%s%s", text[0] ? ": " : "", text);
        sess_live_stop(l);
        return -1;
    }
    return 0;
}

/* See live.h. */
void sess_live_stop(sess_live *l) {
    if (l->pidfd >= 0) {
        kin_kill(l->pidfd);
        close(l->pidfd);
    }
    if (l->ctl >= 0) close(l->ctl); /* an idle session process exits on EOF anyway */
    sess_live_init(l);
}

static atomic_uint_fast64_t live_lost_count; /* see sess_live_losses */

/* See live.h. */
uint64_t sess_live_losses(void) { return atomic_load(&live_lost_count); }

/* The session broke the protocol or died: stop it and say so. */
static lsb_status lost(sess_live *l, sess_live_outcome *outcome, const char *what, char *err,
                       size_t errlen) {
    snprintf(err, errlen, "the live session process %s; it will be re-materialised", what);
    sess_live_stop(l);
    outcome->lost = true;
    atomic_fetch_add(&live_lost_count, 1);
    return LSB_ERR_SYSTEM;
}

/* Wait for STARTED and take the run's process: a pidfd on the pid it
 * names, verified to be a child of the session process (kin.h), which is
 * then told to go on. LSB_OK with *runner set, or the session is lost. */
static lsb_status take_runner(sess_live *l, double deadline, int *runner, pid_t *runner_pid,
                              sess_live_outcome *out, char *err, size_t errlen) {
    sess_proc_msg msg;
    char text[SESS_PROC_TEXT_MAX + 1] = "", why[SESS_PROC_TEXT_MAX] = "";
    if (read_msg(l->ctl, &msg, text, sizeof text, deadline) != 0 || msg.type != SESS_PROC_STARTED)
        return lost(l, out, text[0] ? text : "did not start the run", err, errlen);
    *runner_pid = msg.pid;
    *runner = kin_open_child(msg.pid, l->pid, l->pidfd, why, sizeof why);
    if (*runner == KIN_GONE) snprintf(why, sizeof why, "pid %d is no running process", msg.pid);
    char go = SESS_PROC_GO;
    if (*runner >= 0 && ipc_send_all(l->ctl, &go, 1) == 0) return LSB_OK;
    if (*runner >= 0) {
        kin_kill(*runner);
        close(*runner);
        snprintf(why, sizeof why, "could not be told to go on");
    }
    char what[SESS_PROC_TEXT_MAX + 64];
    snprintf(what, sizeof what, "named a run process that is not its own (%s)", why);
    return lost(l, out, what, err, errlen);
}

/* After the output ended: wait for READY, which must name the session
 * process (the run did not commit; its runner is killed, a no-op as it
 * has ended) or the runner (it committed and holds the session now; the
 * old holder is killed, equally a no-op). Anything else loses the session. */
static void finish_run(sess_live *l, int runner, pid_t runner_pid, sess_live_outcome *outcome) {
    sess_proc_msg msg;
    char text[SESS_PROC_TEXT_MAX + 1];
    bool ok = read_msg(l->ctl, &msg, text, sizeof text, util_now_ms() + SESS_READY_GRACE_MS) == 0 &&
              msg.type == SESS_PROC_READY;
    outcome->committed = ok && msg.pid == runner_pid && kin_running(runner);
    if (outcome->committed) {
        kin_kill(l->pidfd);
        close(l->pidfd);
        l->pid = runner_pid;
        l->pidfd = runner;
        return;
    }
    kin_kill(runner);
    close(runner);
    if (!ok || msg.pid != l->pid || !kin_running(l->pidfd)) {
        sess_live_stop(l);
        outcome->lost = true;
        atomic_fetch_add(&live_lost_count, 1);
    }
}

/* See live.h. */
lsb_status sess_live_run(sess_live *l, const worker_request *req, const lsb_policy *policy,
                         lsb_result *result, sess_live_outcome *outcome, char *err, size_t errlen) {
    *outcome = (sess_live_outcome){0};
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe failed: %s", strerror(errno));
        return LSB_ERR_SYSTEM;
    }
    double start = util_now_ms(), deadline = start + policy->timeout_ms;
    worker_request timed = *req; /* the run child arms its own backstop from this */
    timed.timeout_ms = policy->timeout_ms;
    int sent = ipc_send_request(l->ctl, &timed, IPC_KIND_RUN, fds[1]);
    close(fds[1]);
    int runner = -1;
    pid_t runner_pid = 0;
    lsb_status st = sent != 0 ? lost(l, outcome, "did not start the run", err, errlen)
                              : take_runner(l, deadline + SESS_STARTED_GRACE_MS, &runner,
                                            &runner_pid, outcome, err, errlen);
    if (st != LSB_OK) {
        close(fds[0]);
        return st;
    }
    chan_collect chan;
    chan_collect_init(&chan, policy->stdout_max, policy->stderr_max);
    chan.sink = policy->on_output;
    chan.sink_ctx = policy->on_output_ctx;
    report_stop stop = report_collect(fds[0], runner, deadline, policy->cancel, &chan);
    close(fds[0]);
    finish_run(l, runner, runner_pid, outcome);
    lsb_status rc = LSB_OK;
    if (chan.fail[0] && !chan.done) {
        snprintf(err, errlen, "%s", chan.fail);
        rc = LSB_ERR_INVALID;
    } else {
        result->duration_ms = util_now_ms() - start;
        report_classify(result, &chan, stop, 0);
        report_fill(result, &chan, policy);
    }
    chan_collect_free(&chan);
    return rc;
}
