/*
 * mem.h - guest linear memory access for the WASI host. Every guest pointer
 * and length goes through the runtime's rt_mem_range (wasm/mem.h) or a
 * helper here built on it before the host reads or writes a byte. Loads and
 * stores are explicit little-endian and alignment-free.
 */
#ifndef WASI_MEM_H
#define WASI_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <wasm-rt.h>

/* Little-endian loads and stores at host addresses already checked by
 * rt_mem_range (any alignment). Cannot fail. */
uint16_t wasi_ld16(const uint8_t *p);
uint32_t wasi_ld32(const uint8_t *p);
uint64_t wasi_ld64(const uint8_t *p);
void wasi_st16(uint8_t *p, uint16_t v);
void wasi_st32(uint8_t *p, uint32_t v);
void wasi_st64(uint8_t *p, uint64_t v);

/* Store one result at a guest address. Return 0 or WASI FAULT. */
uint32_t wasi_mem_put32(const wasm_rt_memory_t *mem, uint32_t off, uint32_t v);
uint32_t wasi_mem_put64(const wasm_rt_memory_t *mem, uint32_t off, uint64_t v);

/* Validates a guest iovec array of `count` entries at `off`: the array and
 * every entry's buffer must lie in memory (else FAULT). Translates the first
 * entries into out[0..cap), stopping at cap entries or WASI_MAX_IO_BYTES
 * total (the last buffer is trimmed), and reports how many are used and the
 * bytes they cover. Returns 0 or FAULT; nothing is touched on FAULT. */
uint32_t wasi_mem_iovecs(const wasm_rt_memory_t *mem, uint32_t off, uint32_t count,
                         struct iovec *out, size_t cap, size_t *used, uint64_t *total);

/* Entry i of an already validated iovec array at host address arr: sets
 * buf and len to the (checked) buffer. Returns 0 or FAULT. */
uint32_t wasi_mem_iovec_at(const wasm_rt_memory_t *mem, const uint8_t *arr, uint32_t i,
                           uint8_t **buf, uint32_t *len);

#endif
