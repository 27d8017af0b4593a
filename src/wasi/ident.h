/*
 * ident.h - what the guest sees of a file's identity (prefix wasi_ident_):
 * never the host's device and inode numbers, which would tell it about
 * the host's disks and the order files were made in. Internal to src/wasi.
 *
 * st_dev is the number of the preopen the file was reached through (1 for
 * the first preopen, 0 for stdio); st_ino is a keyed hash (AES-128 of the
 * host device and inode, under a key drawn at wasi_init) of the host pair,
 * so two names of one file, and the same file seen twice, compare equal
 * (os.path.samefile, shutil's same-file check) for as long as the instance
 * lives: a one-shot run, or a live session's process and its runs.
 */
#ifndef WASI_IDENT_H
#define WASI_IDENT_H

#include <stdint.h>
#include <sys/stat.h>

struct wasi_state;

/* Draw the instance's key. 0, or -1 when no randomness is available. */
int wasi_ident_init(struct wasi_state *st);

/* The guest's inode number for the host pair (dev, ino): never 0 for a
 * real file (0 stays 0: a synthetic entry). */
uint64_t wasi_ident_ino(const struct wasi_state *st, uint64_t dev, uint64_t ino);

/* Rewrite sb, a host stat of a file reached through preopen number mount,
 * into what the guest sees: st_dev = mount, st_ino hashed. */
void wasi_ident_mask(const struct wasi_state *st, uint8_t mount, struct stat *sb);

#endif
