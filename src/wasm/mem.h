/*
 * mem.h - bounds checks on guest linear memory (prefix rt_mem_).
 *
 * Every guest (offset, length) the host reads or writes, in the lsb imports
 * and in the WASI host alike, is turned into a host pointer here and only
 * here, with overflow-safe 64-bit arithmetic. Part of the runtime: nothing
 * in src/wasm depends on src/wasi.
 */
#ifndef LSB_WASM_MEM_H
#define LSB_WASM_MEM_H

#include <stdint.h>
#include <wasm-rt.h>

/* The host address of guest bytes [off, off+len). Returns NULL on failure:
 * mem is NULL or unmapped, or any byte lies past mem->size. len may be 0
 * (then off <= size is required). */
uint8_t *rt_mem_range(const wasm_rt_memory_t *mem, uint32_t off, uint64_t len);

/* The same for an array of count elements of elem_size bytes, the product
 * computed without overflow. Returns NULL on failure (overflow or out of
 * bounds). */
uint8_t *rt_mem_array(const wasm_rt_memory_t *mem, uint32_t off, uint64_t count,
                      uint32_t elem_size);

#endif
