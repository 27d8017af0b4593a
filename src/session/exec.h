/*
 * exec.h - running code in a session (prefix sess_exec_): bring it live if
 * needed, run, update the record. The public lsb_session_execute is in
 * exec.c too; install.c runs its installer through sess_exec_run.
 */
#ifndef LSB_SESSION_EXEC_H
#define LSB_SESSION_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "llmsandbox.h"
#include "session/table.h"

/*
 * Run code in the locked session e whose record is info. A scratch run
 * leaves no globals behind. policy NULL uses the session's limits. The
 * caller has checked the code (exec_check_code). The run holds the
 * workspace's cross-process lock (sess_table_lock_workspace, waiting at
 * most the run's timeout; kept until the entry is released), and info is
 * reloaded under it. LSB_OK with result filled, or INVALID (bad limits),
 * WORKSPACE (also: busy with another run), NO_SESSION or SYSTEM with err
 * and an empty result.
 */
lsb_status sess_exec_run(lsb_sandbox *sb, sess_entry *e, lsb_session_info *info, const char *code,
                         size_t code_len, const char *filename, bool scratch,
                         const lsb_policy *policy, lsb_result *result, char *err, size_t errlen);

/* util_lock_stop_fn over an lsb_cancel (NULL: never): whether it fired. */
bool sess_exec_cancelled(const void *cancel);

#endif
