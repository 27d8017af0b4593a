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

#include "wasm/guest.h"

#define SNAP_MAX_GLOBALS 64

/*
 * Write inst's memory and globals to path (atomically: a temporary file is
 * renamed into place). Returns 0, or -1 with a message in err.
 */
int snap_write(const guest_module *mod, void *inst, const char *path, char *err, size_t errlen);

/*
 * Restore inst (freshly instantiated from mod) from the image at path,
 * leaving its memory free to grow to the wasm32 maximum (the caller caps
 * it per run). Fails if the image is for another guest or another build of
 * it. Returns 0, or -1 with a message in err.
 */
int snap_load(const guest_module *mod, void *inst, const char *path, char *err, size_t errlen);

#endif
