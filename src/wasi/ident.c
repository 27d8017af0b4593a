/*
 * ident.c - the guest's device and inode numbers (see ident.h).
 *
 * Invariant: a host inode number never reaches guest memory; every stat
 * and directory entry the guest gets passes through here first. The table
 * of numbered files is open addressing with linear probing over a power
 * of two slots, at most half full; a slot with number 0 is empty. Once an
 * insertion fails (the table is at WASI_IDENT_NUMBERED_MAX or cannot grow)
 * the table is closed: files not yet in it are hashed from then on, so no
 * file is ever hashed first and numbered later.
 */
#include "wasi/ident.h"

#include <errno.h>
#include <nettle/aes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "wasi/ctx.h"

#define IDENT_FIRST_SLOTS 256u /* the table's first size; it doubles from there */

/* Store v little-endian at p (8 bytes). */
static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* See ident.h. */
int wasi_ident_init(struct wasi_state *st) {
    uint8_t key[AES128_KEY_SIZE];
    size_t got = 0;
    while (got < sizeof key) {
        ssize_t n = getrandom(key + got, sizeof key - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    aes128_set_encrypt_key(&st->ident_key, key);
    memset(key, 0, sizeof key);
    st->idents = (wasi_ident_table){0};
    return 0;
}

/* See ident.h. */
void wasi_ident_free(struct wasi_state *st) {
    free(st->idents.slots);
    st->idents = (wasi_ident_table){0};
}

/* The keyed hash of a file that gets no number: bit 62 set, 62 bits of
 * AES-128 of the host pair under the instance's key. */
static uint64_t hashed_ino(const struct wasi_state *st, uint64_t dev, uint64_t ino) {
    uint8_t in[AES_BLOCK_SIZE], out[AES_BLOCK_SIZE];
    uint64_t v = 0;
    put64(in, dev);
    put64(in + 8, ino);
    aes128_encrypt(&st->ident_key, sizeof in, out, in);
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)out[i] << (8 * i);
    return (v & (WASI_IDENT_HASHED - 1)) | WASI_IDENT_HASHED;
}

/* Where the host pair's probe starts (splitmix64's finaliser over both). */
static uint64_t pair_hash(uint64_t dev, uint64_t ino) {
    uint64_t z = ino ^ (dev * 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The slot holding the pair, or the empty slot where it would go. */
static wasi_ident_slot *find_slot(const wasi_ident_table *t, uint64_t dev, uint64_t ino) {
    uint32_t mask = t->cap - 1;
    for (uint32_t i = (uint32_t)pair_hash(dev, ino) & mask;; i = (i + 1) & mask) {
        wasi_ident_slot *s = &t->slots[i];
        if (s->number == 0 || (s->dev == dev && s->ino == ino)) return s;
    }
}

/* Double the table (or make its first slots); false if it cannot. */
static bool grow(wasi_ident_table *t) {
    uint32_t cap = t->cap ? t->cap * 2 : IDENT_FIRST_SLOTS;
    wasi_ident_table bigger = {.slots = calloc(cap, sizeof *t->slots), .cap = cap, .used = t->used};
    if (bigger.slots == NULL) return false;
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->slots[i].number != 0)
            *find_slot(&bigger, t->slots[i].dev, t->slots[i].ino) = t->slots[i];
    free(t->slots);
    *t = bigger;
    return true;
}

/* See ident.h. */
uint64_t wasi_ident_ino(struct wasi_state *st, uint64_t dev, uint64_t ino) {
    wasi_ident_table *t = &st->idents;
    if (ino == 0) return 0;
    if (t->cap > 0) {
        wasi_ident_slot *s = find_slot(t, dev, ino);
        if (s->number != 0) return s->number;
    }
    if (!t->closed && t->used < WASI_IDENT_NUMBERED_MAX &&
        (((uint64_t)t->used + 1) * 2 <= t->cap || grow(t))) {
        wasi_ident_slot *s = find_slot(t, dev, ino);
        *s = (wasi_ident_slot){.dev = dev, .ino = ino, .number = ++t->used};
        return s->number;
    }
    t->closed = true;
    return hashed_ino(st, dev, ino);
}

/* See ident.h. */
void wasi_ident_mask(struct wasi_state *st, uint8_t mount, struct stat *sb) {
    sb->st_ino = (ino_t)wasi_ident_ino(st, (uint64_t)sb->st_dev, (uint64_t)sb->st_ino);
    sb->st_dev = mount;
}
