/*
 * mem.c - the WASI host's typed access to guest memory: little-endian loads
 * and stores, result stores and iovec arrays. Every guest pointer is first
 * checked by the runtime's rt_mem_range/rt_mem_array (src/wasm/mem.c), the
 * one place that turns a guest offset into a host pointer.
 */
#include "wasi/mem.h"

#include "wasi/abi.h"
#include "wasi/wasi.h"
#include "wasm/mem.h"

uint16_t wasi_ld16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

/* See mem.h. */
uint32_t wasi_ld32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* See mem.h. */
uint64_t wasi_ld64(const uint8_t *p) {
    return (uint64_t)wasi_ld32(p) | (uint64_t)wasi_ld32(p + 4) << 32;
}

/* See mem.h. */
void wasi_st16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* See mem.h. */
void wasi_st32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* See mem.h. */
void wasi_st64(uint8_t *p, uint64_t v) {
    wasi_st32(p, (uint32_t)v);
    wasi_st32(p + 4, (uint32_t)(v >> 32));
}

/* See mem.h. */
uint32_t wasi_mem_put32(const wasm_rt_memory_t *mem, uint32_t off, uint32_t v) {
    uint8_t *p = rt_mem_range(mem, off, 4);
    if (p == NULL) return WASI_EFAULT;
    wasi_st32(p, v);
    return 0;
}

/* See mem.h. */
uint32_t wasi_mem_put64(const wasm_rt_memory_t *mem, uint32_t off, uint64_t v) {
    uint8_t *p = rt_mem_range(mem, off, 8);
    if (p == NULL) return WASI_EFAULT;
    wasi_st64(p, v);
    return 0;
}

/* See mem.h. */
uint32_t wasi_mem_iovec_at(const wasm_rt_memory_t *mem, const uint8_t *arr, uint32_t i,
                           uint8_t **buf, uint32_t *len) {
    const uint8_t *e = arr + (size_t)i * WASI_IOVEC_SIZE;
    uint32_t ptr = wasi_ld32(e);
    *len = wasi_ld32(e + 4);
    *buf = rt_mem_range(mem, ptr, *len);
    return *buf == NULL ? WASI_EFAULT : 0;
}

/* See mem.h. */
uint32_t wasi_mem_iovecs(const wasm_rt_memory_t *mem, uint32_t off, uint32_t count,
                         struct iovec *out, size_t cap, size_t *used, uint64_t *total) {
    const uint8_t *arr = rt_mem_array(mem, off, count, WASI_IOVEC_SIZE);
    uint64_t sum = 0;
    size_t n = 0;
    if (arr == NULL) return WASI_EFAULT;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *buf;
        uint32_t len;
        if (wasi_mem_iovec_at(mem, arr, i, &buf, &len) != 0) return WASI_EFAULT;
        if (n < cap && sum < WASI_MAX_IO_BYTES) {
            uint64_t take = len;
            if (take > WASI_MAX_IO_BYTES - sum) take = WASI_MAX_IO_BYTES - sum;
            out[n].iov_base = buf;
            out[n].iov_len = (size_t)take;
            sum += take;
            n++;
        }
    }
    *used = n;
    *total = sum;
    return 0;
}
