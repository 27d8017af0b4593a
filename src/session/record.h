/*
 * record.h - session ids, session records and where records are kept
 * (prefix sess_record_).
 *
 * An id is a UUID (generated from getrandom) or, when the caller opts in,
 * 1-128 characters of [A-Za-z0-9_-]; so an id is always one safe path
 * component. A record is the JSON kept by the storage adapter: runtime,
 * created_at, last_used_at, execution_count, auto_persist_globals, the
 * policy's limits and, when set, the owner label (a key left out when
 * empty, so records without one read as they always did). Decoding
 * treats the text as untrusted: every field is type- and range-checked,
 * and a bad record is an error, never a guess.
 *
 * The default adapter keeps the record of session ID in
 * <root>/<ID>/session.json, written to a temporary file and renamed over
 * the old one, so a crash leaves the old or the new record, never half of
 * one (new records are also fsync'd).
 */
#ifndef LSB_SESSION_RECORD_H
#define LSB_SESSION_RECORD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "llmsandbox.h"

#define SESS_RECORD_VERSION 1
#define SESS_RECORD_NAME    "session.json"
#define SESS_RECORD_MAX     (1024 * 1024) /* a record larger than this is refused */

/* The default adapter's state: the folder holding one folder per session. */
typedef struct sess_record_disk {
    char root[PATH_MAX];
} sess_record_disk;

/* The record of info as JSON text (malloc'd), or NULL on OOM. */
char *sess_record_encode(const lsb_session_info *info);

/* Parse a record for session id; 0, or -1 with err (the record is
 * unusable). live and the workspace sizes are left zero. An unusable
 * record that is a JSON object with a valid "owner" still leaves that
 * owner in info->owner (the rest of info is then not to be used). */
int sess_record_decode(const char *id, const char *text, size_t len, lsb_session_info *info,
                       char *err, size_t errlen);

/* Whether owner (NULL: none) is a valid owner label: at most
 * LSB_SESSION_OWNER_MAX bytes of [A-Za-z0-9._:-]; 0, or -1 with err. */
int sess_record_owner_check(const char *owner, char *err, size_t errlen);

/* Make *out the disk adapter over d (whose root the caller filled). */
void sess_record_disk_adapter(sess_record_disk *d, lsb_storage *out);

#endif
