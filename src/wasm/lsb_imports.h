/*
 * lsb_imports.h - the host side of the "lsb" import module (prefix lsbi_).
 *
 * The drivers fetch their request and name their uncaught error through
 * these imports (see guest/lsb_abi.h); the fuel pass's out_of_fuel import
 * lands here too. The struct is what wasm2c passes to every lsb import.
 */
#ifndef LSB_LSB_IMPORTS_H
#define LSB_LSB_IMPORTS_H

#include <stddef.h>
#include <stdint.h>
#include <wasm-rt.h>

#define LSBI_FIELD_COUNT       5
#define LSBI_EMIT_MAX_COUNT    16   /* messages kept per run */
#define LSBI_EMIT_MAX_BYTES    1024 /* bytes kept per message */
#define LSBI_ERROR_TYPE_MAX    128
#define LSBI_ERROR_MESSAGE_MAX 4096

typedef struct lsbi_field {
    const char *data; /* not owned */
    size_t len;
} lsbi_field;

struct Z_lsb_instance_t {
    wasm_rt_memory_t *memory; /* set once the guest is instantiated */
    lsbi_field fields[LSBI_FIELD_COUNT];
    char error_type[LSBI_ERROR_TYPE_MAX];       /* "" until reported */
    char error_message[LSBI_ERROR_MESSAGE_MAX]; /* NUL-terminated, truncated */
    /* lsb.emit: handed each message (capped) while the count allows. */
    void (*on_emit)(void *opaque, uint32_t kind, const char *data, size_t len);
    void *emit_opaque;
    uint32_t emit_count; /* messages seen this run; the host resets it */
};
typedef struct Z_lsb_instance_t lsbi_state;

/* Point request field `field` (LSB_REQ_*) at data; returns 0, or -1 if unknown. */
int lsbi_set_field(lsbi_state *state, unsigned field, const char *data, size_t len);

#endif
