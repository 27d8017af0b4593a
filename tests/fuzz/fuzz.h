/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: a reader
 * that takes typed values off the front of the input (returning zeros once
 * it runs dry, so every input is usable), text copies with a terminating
 * NUL, an anonymous in-memory file for parsers that take a path, and a
 * check that aborts (a crash libFuzzer records) when a property fails.
 * Header-only: each harness includes it once. No guest is linked: the two
 * guest modules are empty stand-ins (no harness runs a guest).
 */
#ifndef LSB_FUZZ_H
#define LSB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wasm/guest.h"

const guest_module guest_python, guest_quickjs;

/* A property of the code under test failed: report where, then crash. */
#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The unread rest of a fuzz input. */
typedef struct fz_in {
    const uint8_t *p;
    size_t len;
} fz_in;

/* Take n bytes into out (zero-filled past the end of the input). */
static inline void fz_bytes(fz_in *in, void *out, size_t n) {
    size_t k = n < in->len ? n : in->len;
    memcpy(out, in->p, k);
    memset((uint8_t *)out + k, 0, n - k);
    in->p += k;
    in->len -= k;
}

/* Take one byte, or 0 at the end. */
static inline uint8_t fz_u8(fz_in *in) {
    uint8_t v;
    fz_bytes(in, &v, 1);
    return v;
}

/* Take a little-endian 32-bit value. */
static inline uint32_t fz_u32(fz_in *in) {
    uint8_t b[4];
    fz_bytes(in, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Take a little-endian 64-bit value. */
static inline uint64_t fz_u64(fz_in *in) {
    uint64_t lo = fz_u32(in);
    return lo | (uint64_t)fz_u32(in) << 32;
}

/* A malloc'd NUL-terminated copy of len bytes (which may hold NULs). */
static inline char *fz_strndup(const void *data, size_t len) {
    char *s = malloc(len + 1);
    if (s == NULL) abort();
    memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

/* Take text up to the next NUL byte (or the end) as a malloc'd string. */
static inline char *fz_text(fz_in *in) {
    const uint8_t *nul = memchr(in->p, '\0', in->len);
    size_t n = nul ? (size_t)(nul - in->p) : in->len;
    char *s = fz_strndup(in->p, n);
    in->p += nul ? n + 1 : n;
    in->len -= nul ? n + 1 : n;
    return s;
}

/* An in-memory file holding data; its path ("/proc/self/fd/N") goes to
 * path. Returns the descriptor (close it when done). */
static inline int fz_memfile(const void *data, size_t len, char *path, size_t pathlen) {
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0) abort();
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n <= 0) abort();
        p += n;
        len -= (size_t)n;
    }
    snprintf(path, pathlen, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
