/*
 * ident.c - masked device and inode numbers (see ident.h).
 *
 * Invariant: a host inode number never reaches guest memory; every stat
 * and directory entry the guest gets passes through here first.
 */
#include "wasi/ident.h"

#include <errno.h>
#include <nettle/aes.h>
#include <string.h>
#include <sys/random.h>

#include "wasi/ctx.h"

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
    return 0;
}

/* See ident.h. */
uint64_t wasi_ident_ino(const struct wasi_state *st, uint64_t dev, uint64_t ino) {
    uint8_t in[AES_BLOCK_SIZE], out[AES_BLOCK_SIZE];
    uint64_t v = 0;
    if (ino == 0) return 0;
    put64(in, dev);
    put64(in + 8, ino);
    aes128_encrypt(&st->ident_key, sizeof in, out, in);
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)out[i] << (8 * i);
    return v != 0 ? v : 1;
}

/* See ident.h. */
void wasi_ident_mask(const struct wasi_state *st, uint8_t mount, struct stat *sb) {
    sb->st_ino = (ino_t)wasi_ident_ino(st, (uint64_t)sb->st_dev, (uint64_t)sb->st_ino);
    sb->st_dev = mount;
}
