/*
 * files.h - the host's file operations inside a session workspace
 * (prefix sess_files_), behind lsb_session_file_* (also in files.c).
 *
 * A path is a guest path ("/app/x", or "x" relative to /app) and is
 * confined exactly like the guest's own access: it is normalised
 * lexically (a ".." that climbs above /app is refused) and then opened
 * with openat2(RESOLVE_BENEATH) from the workspace, the call src/wasi
 * uses, so a symlink leading out is refused by the kernel as well.
 */
#ifndef LSB_SESSION_FILES_H
#define LSB_SESSION_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llmsandbox.h"

/* Normalise guest path into rel (relative to the workspace, "" for /app
 * itself). 0, or -1 with the reason in err (an empty path,
 * outside /app, climbing above it, or too long). */
int sess_files_normalise(const char *path, char *rel, size_t rellen, char *err, size_t errlen);

/* What sess_files_write writes, and where. */
typedef struct sess_files_write_args {
    const char *path; /* a guest path */
    const void *data;
    size_t len;
    bool overwrite; /* false: an existing path is LSB_ERR_EXISTS */
    uint64_t quota_bytes, quota_files;
} sess_files_write_args;

/* Write w->data to w->path under the workspace ws, creating parent
 * folders, if the result fits in the quotas. LSB_OK or an error status
 * (EXISTS when !overwrite and the path exists) with err. */
lsb_status sess_files_write(const char *ws, const sess_files_write_args *w, char *err,
                            size_t errlen);

/* Read path (a regular file of at most max_bytes) into a malloc'd,
 * NUL-terminated buffer. LSB_OK, or INVALID, NOT_FOUND or WORKSPACE with
 * err. */
lsb_status sess_files_read(const char *ws, const char *path, uint64_t max_bytes, char **data,
                           size_t *len, char *err, size_t errlen);

/* List the folder path (NULL: the root) recursively, at most max_entries,
 * sorted by path. LSB_OK, or INVALID, NOT_FOUND or WORKSPACE with err. */
lsb_status sess_files_list(const char *ws, const char *path, bool include_system,
                           size_t max_entries, lsb_file_entry **out, size_t *count, char *err,
                           size_t errlen);

/* Delete a file or symlink, or a folder (only when recursive). LSB_OK, or
 * INVALID, NOT_FOUND or WORKSPACE with err. */
lsb_status sess_files_delete(const char *ws, const char *path, bool recursive, char *err,
                             size_t errlen);

#endif
