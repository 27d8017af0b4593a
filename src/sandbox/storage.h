/*
 * storage.h - the default session storage adapter: records on disk
 * (prefix storage_).
 *
 * Record of session ID: <root>/<ID>/session.json, written to a temporary
 * file and renamed over the old one, so a crash leaves the old or the new
 * record, never half of one (new records are also fsync'd). Ids are checked by the caller
 * (sessrec.c) and are single path components.
 */
#ifndef LSB_STORAGE_H
#define LSB_STORAGE_H

#include <limits.h>

#include "llmsandbox.h"

#define STORAGE_RECORD_NAME "session.json"
#define STORAGE_RECORD_MAX  (1024 * 1024) /* a record larger than this is refused */

typedef struct storage_disk {
    char root[PATH_MAX];
} storage_disk;

/* Make *out the disk adapter over d (whose root the caller filled). */
void storage_disk_adapter(storage_disk *d, lsb_storage *out);

#endif
