/*
 * report.h - collecting a child's report into an lsb_result (prefix
 * report_), for one-shot runs (execute.c) and runs in live sessions.
 *
 * The child is hostile: its channel frames are checked and its output
 * capped again here, and it is killed at the deadline or on the first
 * malformed frame. Classification decides success from the exit status
 * and trap only, never from words in the output.
 */
#ifndef LSB_REPORT_H
#define LSB_REPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "llmsandbox.h"
#include "sandbox/channel.h"
#include "sandbox/workspace.h"

/* Why report_collect stopped a run early, if it did. */
typedef enum report_stop { REPORT_RAN = 0, REPORT_TIMED_OUT, REPORT_CANCELLED } report_stop;

/* Read the channel fd into c until EOF; SIGKILL the run through pidfd (a
 * pidfd from kin.h or on our own child; -1 when the run already ended) at
 * the monotonic deadline (util_now_ms), when cancel fires, or on a
 * malformed frame, and after a kill read on for a grace period at most (a
 * pipe held open by anyone else must not hold the host). Returns why it
 * killed the run: REPORT_RAN when it did not, and also for a malformed
 * frame (the classification then sees no DONE record). */
report_stop report_collect(int fd, int pidfd, double deadline_ms, const lsb_cancel *cancel,
                           chan_collect *c);

/* Decide success, trap, exit code and error fields of r from what the
 * child reported and how it ended (wait_status; 0 when unknown). Cannot
 * fail; a field whose copy runs out of memory stays NULL. */
void report_classify(lsb_result *r, const chan_collect *c, report_stop stop, int wait_status);

/* Move collected output, warnings and measurements from c into r. Cannot
 * fail; warnings are dropped when their array cannot be allocated. */
void report_fill(lsb_result *r, chan_collect *c, const lsb_policy *policy);

/* Fill r's files_created/files_modified by scanning workspace against
 * before (system files under /app/.lsb excluded). On failure (the scan or
 * an allocation) the lists stay empty or partial. */
void report_files(const char *workspace, const ws_listing *before, uint64_t max_entries,
                  lsb_result *r);

#endif
