/*
 * snapshot.h - snapshot images of an initialised guest (prefix snap_).
 *
 * An image holds a guest's linear memory and every mutable global right
 * after lsb_init. Writing happens once, at build time; loading maps the
 * memory copy-on-write over a fresh instance's memory, so a restored
 * instance costs page faults for what it touches, not a copy.
 */
#ifndef LSB_SNAPSHOT_H
#define LSB_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox/prefault.h"
#include "wasm/guest.h"

#define SNAP_MAX_GLOBALS 64

/*
 * Write inst's memory and globals to path (atomically: a temporary file is
 * renamed into place), stamped with assets_id. Returns 0, or -1 with a
 * message in err.
 */
int snap_write(const guest_module *mod, void *inst, uint64_t assets_id, const char *path, char *err,
               size_t errlen);

/*
 * The identity of what lsb_init reads from the assets: the end of the
 * stdlib zip (its central directory) and the vendored.json manifests under
 * data_dir. A snapshot only works with the files it was made with (zipimport
 * keeps offsets into the zip), so a mismatch must be caught before a run.
 * Cannot fail: a missing or unreadable file is hashed as absent.
 */
uint64_t snap_assets_id(const char *stdlib_dir, const char *data_dir);

/* Check that the snapshot at path was made with assets of assets_id; 0, or
 * -1 with a message in err saying to rebuild. */
int snap_check_assets(const char *path, uint64_t assets_id, char *err, size_t errlen);

/*
 * Restore inst (freshly instantiated from mod) from the image at path,
 * leaving its memory free to grow to the wasm32 maximum (the caller caps
 * it per run). Fails if the image is for another guest or another build of
 * it. hot, when not NULL, receives the pages a run writes (prefault.h),
 * for the caller to copy in before each run. Returns 0, or -1 with a
 * message in err.
 */
int snap_load(const guest_module *mod, void *inst, const char *path, prefault_set *hot, char *err,
              size_t errlen);

/*
 * Build time, after snap_write: record in the image at path the pages a
 * run writes (found by a probe run, worker.c). Rewrites the header in
 * place; 0, or -1 with err (a set outside the image's memory is refused).
 */
int snap_set_hot(const char *path, const prefault_set *hot, char *err, size_t errlen);

#endif
