/*
 * lsb_imports.c - implements the "lsb" imports that guests call.
 *
 * Every guest pointer and length is checked against the current memory size
 * before use; a bad one traps the guest (it can only come from a broken or
 * hostile driver). Copies are bounded by the caller's capacity and by the
 * host's own caps, and reported strings are stored NUL-terminated.
 */
#include "wasm/lsb_imports.h"

#include <stdint.h>
#include <string.h>

#include "../../guest/lsb_abi.h"
#include "wasm/mem.h"
#include "wasm/runtime.h"

/* See lsb_imports.h. */
int lsbi_set_field(lsbi_state *state, unsigned field, const char *data, size_t len) {
    if (field >= LSBI_FIELD_COUNT) return -1;
    state->fields[field].data = data;
    state->fields[field].len = len;
    return 0;
}

/* Copy at most cap-1 bytes of guest memory [ptr, ptr+len) into dst as a string. */
static void copy_guest_string(lsbi_state *state, char *dst, size_t cap, uint32_t ptr,
                              uint32_t len) {
    size_t n = len < cap - 1 ? len : cap - 1;
    uint8_t *src = rt_mem_range(state->memory, ptr, n);
    if (src == NULL) wasm_rt_trap(WASM_RT_TRAP_OOB);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* lsb.request_get: see guest/lsb_abi.h. */
uint32_t Z_lsbZ_request_get(lsbi_state *state, uint32_t field, uint32_t buf, uint32_t cap) {
    if (field >= LSBI_FIELD_COUNT) return UINT32_MAX;
    const lsbi_field *f = &state->fields[field];
    if (f->len > INT32_MAX) return UINT32_MAX;
    size_t n = f->len < cap ? f->len : cap;
    if (n > 0) {
        uint8_t *dst = rt_mem_range(state->memory, buf, n);
        if (dst == NULL) wasm_rt_trap(WASM_RT_TRAP_OOB);
        memcpy(dst, f->data, n);
    }
    return (uint32_t)f->len;
}

/* lsb.report_error: remember the type and message of the uncaught error. */
void Z_lsbZ_report_error(lsbi_state *state, uint32_t type_ptr, uint32_t type_len, uint32_t msg_ptr,
                         uint32_t msg_len) {
    copy_guest_string(state, state->error_type, sizeof state->error_type, type_ptr, type_len);
    copy_guest_string(state, state->error_message, sizeof state->error_message, msg_ptr, msg_len);
}

/* lsb.emit: pass a bounded copy of the guest's message to on_emit. Messages
 * past LSBI_EMIT_MAX_COUNT are dropped; a bad pointer traps. */
void Z_lsbZ_emit(lsbi_state *state, uint32_t kind, uint32_t ptr, uint32_t len) {
    char text[LSBI_EMIT_MAX_BYTES];
    size_t n = len < sizeof text ? len : sizeof text;
    uint8_t *src = rt_mem_range(state->memory, ptr, n);
    if (src == NULL) wasm_rt_trap(WASM_RT_TRAP_OOB);
    if (state->on_emit == NULL || state->emit_count >= LSBI_EMIT_MAX_COUNT) return;
    state->emit_count++;
    memcpy(text, src, n);
    state->on_emit(state->emit_opaque, kind, text, n);
}

/* lsb.out_of_fuel: the fuel pass calls this when the counter goes negative.
 * Traps the guest with RT_OUT_OF_FUEL; never returns. */
void Z_lsbZ_out_of_fuel(lsbi_state *state) {
    (void)state;
    rt_trap_out_of_fuel();
}
