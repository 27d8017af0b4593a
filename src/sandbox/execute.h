/*
 * execute.h - the parent side of one run, shared by one-shot executions
 * (execute.c) and runs in live sessions (session.c) (prefix exec_).
 *
 * The child is hostile: its channel frames are checked and its output
 * capped again here, and it is killed at the deadline or on the first
 * malformed frame. Classification decides success from the exit status
 * and trap only, never from words in the output.
 */
#ifndef LSB_EXECUTE_H
#define LSB_EXECUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "llmsandbox.h"
#include "sandbox/channel.h"
#include "sandbox/workspace.h"

/* Reject code the guests cannot take (empty, too large, NUL bytes); 0 or
 * -1 with err. */
int exec_check_code(const char *code, size_t len, char *err, size_t errlen);

/* The "K=V\0..." block of policy->env; malloc'd (length in *len), or NULL
 * on OOM. */
char *exec_env_block(const lsb_policy *policy, size_t *len);

/* Why exec_collect stopped a run early, if it did. */
typedef enum exec_stop { EXEC_RAN = 0, EXEC_TIMED_OUT, EXEC_CANCELLED } exec_stop;

/* Read the channel fd into c until EOF; SIGKILL pid at the monotonic
 * deadline, when cancel fires, or on a malformed frame. Returns why it
 * killed the run (EXEC_RAN when it did not, or for a malformed frame). */
exec_stop exec_collect(int fd, pid_t pid, double deadline_ms, const lsb_cancel *cancel,
                       chan_collect *c);

/* Decide success, trap, exit code and error fields from what the child
 * reported and how it ended (wait_status; 0 when unknown). */
void exec_classify(lsb_result *r, const chan_collect *c, exec_stop stop, int wait_status);

/* Move collected output, warnings and measurements from c into r. */
void exec_fill_result(lsb_result *r, chan_collect *c, const lsb_policy *policy);

/* Fill r's files_created/files_modified by scanning workspace against
 * before (system files under /app/.lsb excluded). */
void exec_diff_workspace(const char *workspace, const ws_listing *before, uint64_t max_entries,
                         lsb_result *r);

#endif
