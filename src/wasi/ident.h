/*
 * ident.h - what the guest sees of a file's identity (prefix wasi_ident_):
 * never the host's device and inode numbers, which would tell it about
 * the host's disks and the order files were made in. Internal to src/wasi.
 *
 * st_dev is the number of the preopen the file was reached through (1 for
 * the first preopen, 0 for stdio). st_ino numbers files in the order the
 * guest first sees them (a stat, an open file's stat, a directory entry):
 * 1, 2, 3, ... So two names of one file, and the same file seen twice,
 * compare equal (os.path.samefile, shutil's same-file check) for as long
 * as the instance lives (a one-shot run, or a live session's process and
 * its runs), and the same program sees the same numbers in every run.
 * That keeps fuel deterministic: with numbers that differ from run to run,
 * what guest code spends on one (Python's int of it, its hash) differed
 * too, so the same code consumed different fuel (os.stat, a failed
 * import). The numbers say nothing about the host but that order.
 *
 * The table is bounded (WASI_IDENT_NUMBERED_MAX files, at most 3 MiB of
 * host memory per instance). Past it, or if it cannot grow, a file not
 * yet numbered gets a keyed hash instead (AES-128 of the host pair, under
 * a key drawn at wasi_init) with bit 62 set, which no number has: still
 * stable and distinct, no longer the same in every run. A file keeps the
 * first number it got.
 */
#ifndef WASI_IDENT_H
#define WASI_IDENT_H

#include <stdint.h>
#include <sys/stat.h>

#include <stdbool.h>

struct wasi_state;

/* One numbered file: the host pair and its number (0: an empty slot). */
typedef struct wasi_ident_slot {
    uint64_t dev, ino, number;
} wasi_ident_slot;

/* The numbered files of an instance (ident.c owns it). */
typedef struct wasi_ident_table {
    wasi_ident_slot *slots;
    uint32_t cap;  /* slots: 0, or a power of two */
    uint32_t used; /* files numbered, the last number given */
    bool closed;   /* an insertion failed: no more numbers */
} wasi_ident_table;

/* Files numbered in order of first sight, at most. */
#define WASI_IDENT_NUMBERED_MAX 65536u

/* The bit every hashed st_ino has (numbered ones are far below it). */
#define WASI_IDENT_HASHED (UINT64_C(1) << 62)

/* Draw the instance's key; the table starts empty. 0, or -1 when no
 * randomness is available. */
int wasi_ident_init(struct wasi_state *st);

/* Free the table (wasi_free). */
void wasi_ident_free(struct wasi_state *st);

/* The guest's inode number for the host pair (dev, ino): 1 up to
 * WASI_IDENT_NUMBERED_MAX in order of first sight, or a hash with
 * WASI_IDENT_HASHED set; 0 stays 0 (a synthetic entry). */
uint64_t wasi_ident_ino(struct wasi_state *st, uint64_t dev, uint64_t ino);

/* Rewrite sb, a host stat of a file reached through preopen number mount,
 * into what the guest sees: st_dev = mount, st_ino numbered. */
void wasi_ident_mask(struct wasi_state *st, uint8_t mount, struct stat *sb);

#endif
