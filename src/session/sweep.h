/*
 * sweep.h - temporary files that a kill -9 can leave in a session, and
 * their removal (prefix sess_sweep_). Every write of session data is a
 * temporary file renamed into place: the record (session.json.tmp), the
 * guest's auto-persisted globals (/app/.lsb/state.json.tmp) and files
 * written through the API (/app/.lsb/lsb-tmp-*.tmp). A process killed
 * between the write and the rename leaves its temporary file behind; the
 * next operation that takes the session's workspace lock removes it,
 * since every writer of those files holds that lock while it writes.
 */
#ifndef LSB_SESSION_SWEEP_H
#define LSB_SESSION_SWEEP_H

#include <stddef.h>

#define SESS_SWEEP_NAME_MAX 64 /* a temporary name, with its NUL */

/* A fresh temporary file name for the workspace's system folder (unique in
 * this process, and across processes by pid); 0, or -1 when len is short. */
int sess_sweep_temp_name(char *out, size_t len);

/* Remove the temporary files of session id (its folder in root, its
 * workspace ws) that a killed writer left. The caller holds the
 * workspace lock. Returns how many were removed; never fails (what
 * cannot be removed is left for the next sweep). */
int sess_sweep(const char *root, const char *id, const char *ws);

#endif
