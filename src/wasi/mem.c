/*
 * mem.c - bounds-checked access to guest linear memory. Owns the one rule
 * of the WASI host: a guest (offset, length) is valid iff offset + length,
 * computed in 64 bits, is at most memory->size. Nothing else in src/wasi
 * converts a guest offset into a host pointer.
 */
#include "wasi/mem.h"

#include "wasi/abi.h"
#include "wasi/wasi.h"

uint8_t *wasi_mem_range(const wasm_rt_memory_t *mem, uint32_t off, uint64_t len) {
    if (mem == NULL || mem->data == NULL) return NULL;
    /* off < 2^32 and len is bounded below, so the 64-bit sum cannot wrap. */
    if (len > mem->size || (uint64_t)off + len > (uint64_t)mem->size) return NULL;
    return mem->data + off;
}

uint8_t *wasi_mem_array(const wasm_rt_memory_t *mem, uint32_t off, uint64_t count,
                        uint32_t elem_size) {
    uint64_t bytes;
    if (__builtin_mul_overflow(count, (uint64_t)elem_size, &bytes)) return NULL;
    return wasi_mem_range(mem, off, bytes);
}

uint16_t wasi_ld16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

uint32_t wasi_ld32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t wasi_ld64(const uint8_t *p) {
    return (uint64_t)wasi_ld32(p) | (uint64_t)wasi_ld32(p + 4) << 32;
}

void wasi_st16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void wasi_st32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void wasi_st64(uint8_t *p, uint64_t v) {
    wasi_st32(p, (uint32_t)v);
    wasi_st32(p + 4, (uint32_t)(v >> 32));
}

uint32_t wasi_mem_put32(const wasm_rt_memory_t *mem, uint32_t off, uint32_t v) {
    uint8_t *p = wasi_mem_range(mem, off, 4);
    if (p == NULL) return WASI_EFAULT;
    wasi_st32(p, v);
    return 0;
}

uint32_t wasi_mem_put64(const wasm_rt_memory_t *mem, uint32_t off, uint64_t v) {
    uint8_t *p = wasi_mem_range(mem, off, 8);
    if (p == NULL) return WASI_EFAULT;
    wasi_st64(p, v);
    return 0;
}

uint32_t wasi_mem_iovec_at(const wasm_rt_memory_t *mem, const uint8_t *arr, uint32_t i,
                           uint8_t **buf, uint32_t *len) {
    const uint8_t *e = arr + (size_t)i * WASI_IOVEC_SIZE;
    uint32_t ptr = wasi_ld32(e);
    *len = wasi_ld32(e + 4);
    *buf = wasi_mem_range(mem, ptr, *len);
    return *buf == NULL ? WASI_EFAULT : 0;
}

uint32_t wasi_mem_iovecs(const wasm_rt_memory_t *mem, uint32_t off, uint32_t count,
                         struct iovec *out, size_t cap, size_t *used, uint64_t *total) {
    const uint8_t *arr = wasi_mem_array(mem, off, count, WASI_IOVEC_SIZE);
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
