/*
 * fdtab.h - the guest fd table: lookup with rights and write checks, slot
 * allocation, closing. Internal to src/wasi.
 */
#ifndef WASI_FDTAB_H
#define WASI_FDTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "wasi/ctx.h"

/* `need` bits for wasi_fd_get. */
#define WASI_NEED_WRITE 1u /* the call modifies the file system */

/* Finds open guest fd `fd` in ctx. Returns 0 and sets *out, or BADF (not
 * open or ctx not initialised), ROFS (need has WASI_NEED_WRITE and the fd
 * is not under a writable preopen), NOTCAPABLE (a right in `rights` is
 * missing). The ROFS check comes first, so read-only trees always say ROFS. */
uint32_t wasi_fd_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights, unsigned need, wasi_fd **out);

/* The lowest free slot, or -1 when all WASI_MAX_FDS are in use. */
int wasi_fd_free_slot(const struct wasi_state *st);

/* Closes slot idx: the host fd, a pending quota release for an unlinked
 * file, the preopen name. The slot becomes free. Cannot fail (a failing
 * close(2) is ignored: the slot is free either way). */
void wasi_fd_close_slot(struct wasi_state *st, uint32_t idx);

/* True if a used slot other than `skip` holds the regular file (dev, ino);
 * false otherwise. Cannot fail. */
bool wasi_fd_inode_open(const struct wasi_state *st, dev_t dev, ino_t ino, int skip);

/* Counts e in files_modified the first time it changes a file. Cannot
 * fail. */
void wasi_fd_mark_dirty(struct wasi_state *st, wasi_fd *e);

#endif
