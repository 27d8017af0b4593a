/*
 * quota.h - byte and entry accounting for the writable preopens (one quota
 * shared by all of them). Internal to src/wasi.
 */
#ifndef WASI_QUOTA_H
#define WASI_QUOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "wasi/ctx.h"

/* Checks that a file may grow from old_size to new_size. Returns 0 (also
 * when it does not grow) or DQUOT. */
uint32_t wasi_quota_check_grow(const wasi_quota *q, uint64_t old_size, uint64_t new_size);

/* Records a size change of a charged file (either direction; saturating).
 * Cannot fail. */
void wasi_quota_adjust(wasi_quota *q, uint64_t old_size, uint64_t new_size);

/* Checks that one more entry (file, dir, symlink, link) fits: 0 or DQUOT. */
uint32_t wasi_quota_check_entry(const wasi_quota *q, uint64_t bytes);

/* Records a new entry carrying `bytes` (a symlink's target length). Cannot
 * fail (the counters saturate). */
void wasi_quota_add_entry(struct wasi_state *st, uint64_t bytes);

/* Records the removal of the entry whose lstat was sb (taken just before
 * the removal): one entry always; its bytes if it was a symlink, or the last
 * link of a regular file that no guest fd holds open. held_open says whether
 * one does (the fd table knows, see wasi_fd_inode_open); if so, the last
 * close gives the bytes back (fdtab.c). Cannot fail. */
void wasi_quota_remove_entry(struct wasi_state *st, const struct stat *sb, bool held_open);

/* Adds the content of the directory tree under dirfd (not following
 * symlinks) to q: every entry, and the bytes of regular files (each inode
 * once) and symlinks. Returns 0, or -1 with a message naming `what`. */
int wasi_quota_scan(int dirfd, const char *what, wasi_quota *q, char *err, size_t errlen);

#endif
