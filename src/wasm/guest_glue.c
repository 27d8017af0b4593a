/*
 * guest_glue.c - fills a guest_module for one wasm2c-generated guest.
 *
 * Compiled once per guest with -DGUEST_NAME=<wasm2c module name>,
 * -DGUEST_HEADER="<generated header>" and -DGUEST_WASM_HASH="<sha256>".
 * Each wrapper only adapts the instance pointer's type; no logic lives here.
 */
#include "wasm/guest.h"
#include GUEST_HEADER

#define GLUE_CAT3_(a, b, c)    a##b##c
#define GLUE_CAT3(a, b, c)     GLUE_CAT3_(a, b, c)
#define GLUE_CAT4_(a, b, c, d) a##b##c##d
#define GLUE_CAT4(a, b, c, d)  GLUE_CAT4_(a, b, c, d)
#define INSTANCE_T             GLUE_CAT3(Z_, GUEST_NAME, _instance_t)
#define MODULE_FN(suffix)      GLUE_CAT3(Z_, GUEST_NAME, suffix)
#define EXPORT_FN(name)        GLUE_CAT4(Z_, GUEST_NAME, Z_, name)
#define GLUE_TABLE             GLUE_CAT3(guest_, GUEST_NAME, )
#define THE_INSTANCE           GLUE_CAT3(Z_, GUEST_NAME, _the_instance)
#define GLUE_STR_(x)           #x
#define GLUE_STR(x)            GLUE_STR_(x)

/* Defined in the guest's object (scripts/static_instance.py). */
extern INSTANCE_T THE_INSTANCE __attribute__((visibility("hidden")));

static void glue_instantiate(void *inst, struct Z_lsb_instance_t *lsb,
                             struct Z_wasi_snapshot_preview1_instance_t *wasi) {
    MODULE_FN(_instantiate)((INSTANCE_T *)inst, lsb, wasi);
}
static void glue_free(void *inst) { MODULE_FN(_free)((INSTANCE_T *)inst); }
static wasm_rt_memory_t *glue_memory(void *inst) { return EXPORT_FN(memory)((INSTANCE_T *)inst); }
static void glue_initialize(void *inst) { EXPORT_FN(_initialize)((INSTANCE_T *)inst); }
static uint32_t glue_lsb_init(void *inst) { return EXPORT_FN(lsb_init)((INSTANCE_T *)inst); }
static uint32_t glue_lsb_run(void *inst) { return EXPORT_FN(lsb_run)((INSTANCE_T *)inst); }
static uint64_t glue_fuel_get(void *inst) { return EXPORT_FN(lsb_fuel_get)((INSTANCE_T *)inst); }
static void glue_fuel_set(void *inst, uint64_t fuel) {
    EXPORT_FN(lsb_fuel_set)((INSTANCE_T *)inst, fuel);
}
static uint32_t glue_globals_count(void *inst) {
    return EXPORT_FN(lsb_globals_count)((INSTANCE_T *)inst);
}
static uint64_t glue_global_get(void *inst, uint32_t index) {
    return EXPORT_FN(lsb_global_get)((INSTANCE_T *)inst, index);
}
static void glue_global_set(void *inst, uint32_t index, uint64_t value) {
    EXPORT_FN(lsb_global_set)((INSTANCE_T *)inst, index, value);
}

const guest_module GLUE_TABLE = {
    .name = GLUE_STR(GUEST_NAME),
    .wasm_hash = GUEST_WASM_HASH,
    .instance = &THE_INSTANCE,
    .instance_size = sizeof(INSTANCE_T),
    .init_module = MODULE_FN(_init_module),
    .instantiate = glue_instantiate,
    .free = glue_free,
    .memory = glue_memory,
    .initialize = glue_initialize,
    .lsb_init = glue_lsb_init,
    .lsb_run = glue_lsb_run,
    .fuel_get = glue_fuel_get,
    .fuel_set = glue_fuel_set,
    .globals_count = glue_globals_count,
    .global_get = glue_global_get,
    .global_set = glue_global_set,
};
