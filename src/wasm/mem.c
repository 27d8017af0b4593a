/*
 * mem.c - bounds-checked access to guest linear memory (see mem.h). Owns
 * the one rule of the host: a guest (offset, length) is valid iff offset +
 * length, computed in 64 bits, is at most memory->size. Nothing else in the
 * host converts a guest offset into a host pointer.
 */
#include "wasm/mem.h"

/* See mem.h. */
uint8_t *rt_mem_range(const wasm_rt_memory_t *mem, uint32_t off, uint64_t len) {
    if (mem == NULL || mem->data == NULL) return NULL;
    /* off < 2^32 and len is bounded below, so the 64-bit sum cannot wrap. */
    if (len > mem->size || (uint64_t)off + len > (uint64_t)mem->size) return NULL;
    return mem->data + off;
}

/* See mem.h. */
uint8_t *rt_mem_array(const wasm_rt_memory_t *mem, uint32_t off, uint64_t count,
                      uint32_t elem_size) {
    uint64_t bytes;
    if (__builtin_mul_overflow(count, (uint64_t)elem_size, &bytes)) return NULL;
    return rt_mem_range(mem, off, bytes);
}
