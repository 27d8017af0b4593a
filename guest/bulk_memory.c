/*
 * bulk_memory.c - memcpy, memmove and memset as single wasm instructions.
 *
 * Linked into both guests ahead of wasi-libc, whose versions are C loops
 * (a string-building Python run spent 17% of its time in wasi-libc's
 * memcpy, each turn of the loop charged fuel). Compiled with
 * -mbulk-memory, clang turns these bodies into memory.copy and memory.fill,
 * which the AOT runtime performs with the host's memmove and memset after
 * one bounds check. Fuel charges each of them one unit whatever its length,
 * as wasmtime's fuel does (tools/fuel/README.md).
 *
 * Only this file is compiled with -mbulk-memory: clang 14 keeps
 * thread-locals (errno) as real TLS once bulk memory is on, which the rest
 * of the guest's code, built for a single thread, must not do.
 */
#include <stddef.h>

/* Copies n bytes from src to dst; the areas must not overlap. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    __builtin_memcpy(dst, src, n);
    return dst;
}

/* Copies n bytes from src to dst; the areas may overlap. */
void *memmove(void *dst, const void *src, size_t n) {
    __builtin_memmove(dst, src, n);
    return dst;
}

/* Sets n bytes at dst to the byte c. */
void *memset(void *dst, int c, size_t n) {
    __builtin_memset(dst, c, n);
    return dst;
}
