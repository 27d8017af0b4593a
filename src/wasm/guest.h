/*
 * guest.h - one ahead-of-time compiled guest, seen through a uniform table.
 *
 * wasm2c gives every guest its own symbol names (Z_python..., Z_quickjs...).
 * guest_glue.c, compiled once per guest, fills a guest_module with pointers
 * to them, so the sandbox drives any guest with the same code. A process
 * holds at most one instance of each guest: an opaque block of
 * instance_size bytes at a fixed address in the guest's own object
 * (scripts/static_instance.py), which every function taking an instance
 * must be given.
 */
#ifndef LSB_GUEST_H
#define LSB_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <wasm-rt.h>

struct Z_lsb_instance_t;
struct Z_wasi_snapshot_preview1_instance_t;

typedef struct guest_module {
    const char *name;      /* "python", "quickjs" */
    const char *wasm_hash; /* sha256 of the instrumented .wasm it came from */
    void *instance;        /* the process's one instance block */
    size_t instance_size;
    void (*init_module)(void); /* once per process, before instantiate */
    void (*instantiate)(void *inst, struct Z_lsb_instance_t *lsb,
                        struct Z_wasi_snapshot_preview1_instance_t *wasi);
    void (*free)(void *inst);
    wasm_rt_memory_t *(*memory)(void *inst);
    void (*initialize)(void *inst); /* wasi-libc's _initialize */
    uint32_t (*lsb_init)(void *inst);
    uint32_t (*lsb_run)(void *inst);
    uint64_t (*fuel_get)(void *inst);
    void (*fuel_set)(void *inst, uint64_t fuel);
    uint32_t (*globals_count)(void *inst);
    uint64_t (*global_get)(void *inst, uint32_t index);
    void (*global_set)(void *inst, uint32_t index, uint64_t value);
} guest_module;

extern const guest_module guest_python;
extern const guest_module guest_quickjs;

#endif
