/*
 * report.c - the parent's collection of a child's report (see report.h):
 * reading its channel to EOF under the deadline and the cancel switch, and
 * turning the decoded frames, the way the child ended and the workspace
 * diff into an lsb_result. Used by one-shot runs and live sessions alike.
 */
#include "sandbox/report.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/cancel.h"
#include "sandbox/kin.h"
#include "util/clock.h"
#include "wasm/runtime.h"

#define REPORT_READ_CHUNK    65536
#define REPORT_KILL_GRACE_MS 5000.0 /* from the kill to the pipe's end, at most */

/* SIGKILL the run (its pidfd) once; stop says why. */
static void stop_run(int pidfd, report_stop why, report_stop *stop, double *killed_at) {
    if (*killed_at > 0) return;
    kin_kill(pidfd);
    *killed_at = util_now_ms();
    *stop = why;
}

/* See report.h. */
report_stop report_collect(int fd, int pidfd, double deadline_ms, const lsb_cancel *cancel,
                           chan_collect *c) {
    char buf[REPORT_READ_CHUNK];
    report_stop stop = REPORT_RAN;
    double killed_at = 0; /* when we killed it; 0 while it may run */
    for (;;) {
        double now = util_now_ms(), left = deadline_ms - now;
        if (left <= 0) stop_run(pidfd, REPORT_TIMED_OUT, &stop, &killed_at);
        if (killed_at > 0) left = killed_at + REPORT_KILL_GRACE_MS - now;
        if (killed_at > 0 && left <= 0) return stop; /* someone else holds the pipe open */
        struct pollfd pfd[2] = {{fd, POLLIN, 0},
                                {killed_at > 0 ? -1 : cancel_fd(cancel), POLLIN, 0}};
        int n = poll(pfd, 2, (int)(left < INT_MAX ? left + 1 : INT_MAX));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        if (pfd[1].revents & POLLIN) stop_run(pidfd, REPORT_CANCELLED, &stop, &killed_at);
        if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return stop;
        if (chan_collect_feed(c, buf, (size_t)got) != 0) /* malformed: stop trusting the child */
            stop_run(pidfd, stop, &stop, &killed_at);
    }
}

/* Copy a collected string into a malloc'd field (NULL for ""). */
static char *dup_or_null(const char *s) { return s[0] ? strdup(s) : NULL; }

/* See report.h. */
void report_classify(lsb_result *r, const chan_collect *c, report_stop stop, int wait_status) {
    r->trap = LSB_TRAP_NONE;
    if (stop == REPORT_TIMED_OUT) {
        r->trap = LSB_TRAP_TIMEOUT;
    } else if (stop == REPORT_CANCELLED) {
        r->trap = LSB_TRAP_CANCELLED;
        r->error_type = strdup("Cancelled");
        r->error_message = strdup("the execution was cancelled by the client before it finished");
    } else if (!c->done) {
        r->trap = LSB_TRAP_KILLED;
        char why[128];
        if (WIFSIGNALED(wait_status))
            snprintf(why, sizeof why, "the execution process was killed by signal %d (%s)%s",
                     WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)),
                     WTERMSIG(wait_status) == SIGSYS ? ": a forbidden system call" : "");
        else
            snprintf(why, sizeof why, "the execution process ended without a report");
        r->error_type = strdup("Killed");
        r->error_message = strdup(why);
        r->exit_code = WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status) : 1;
        r->success = false;
        return;
    } else {
        switch ((rt_outcome)c->final.outcome) {
        case RT_OK: break;
        case RT_OUT_OF_FUEL: r->trap = LSB_TRAP_OUT_OF_FUEL; break;
        case RT_EXHAUSTION: r->trap = LSB_TRAP_STACK_OVERFLOW; break;
        default: r->trap = LSB_TRAP_TRAP; break;
        }
        r->exit_code = c->final.exit_code;
    }
    bool failed = r->trap != LSB_TRAP_NONE || r->exit_code != 0;
    if (failed && c->done && c->final.memory_denied &&
        (r->trap == LSB_TRAP_NONE || r->trap == LSB_TRAP_TRAP))
        r->trap = LSB_TRAP_MEMORY;
    if (r->trap != LSB_TRAP_NONE && r->exit_code == 0) r->exit_code = 1;
    r->success = !failed;
    r->error_type = dup_or_null(c->error_type);
    r->error_message = dup_or_null(c->error_message);
}

/* See report.h. */
void report_fill(lsb_result *r, chan_collect *c, const lsb_policy *policy) {
    r->stdout_data = c->out ? c->out : strdup("");
    r->stdout_len = c->out_len;
    r->stderr_data = c->err ? c->err : strdup("");
    r->stderr_len = c->err_len;
    c->out = c->err = NULL;
    r->stdout_truncated = c->out_truncated || (c->done && c->final.stdout_truncated);
    r->stderr_truncated = c->err_truncated || (c->done && c->final.stderr_truncated);
    r->fuel_budget = policy->fuel;
    uint64_t left =
        c->done && c->final.fuel_remaining_plus_one ? c->final.fuel_remaining_plus_one - 1 : 0;
    if (r->trap == LSB_TRAP_OUT_OF_FUEL || left > policy->fuel) left = 0;
    r->fuel_consumed = c->done ? policy->fuel - left : 0;
    r->memory_limit_bytes = policy->memory_bytes;
    r->memory_peak_bytes = c->done ? c->final.memory_bytes : 0;
    if (c->warnings_count > 0 &&
        (r->warnings = calloc(c->warnings_count, sizeof(char *))) != NULL) {
        memcpy(r->warnings, c->warnings, c->warnings_count * sizeof(char *));
        r->warnings_count = c->warnings_count;
        c->warnings_count = 0;
    }
}

/* See report.h. */
void report_files(const char *workspace, const ws_listing *before, uint64_t max_entries,
                  lsb_result *r) {
    ws_listing after;
    if (ws_scan(workspace, max_entries, &after) != 0) return;
    ws_diff(before, &after, &r->files_created, &r->files_created_count, &r->files_modified,
            &r->files_modified_count);
    ws_listing_free(&after);
}
