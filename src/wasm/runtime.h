/*
 * runtime.h - the wasm2c runtime as this project uses it (prefix rt_).
 *
 * Wraps Debian's wasm-rt-impl.c (guard pages, signal-based traps) and adds
 * what it lacks: overflow-safe memory.grow that records when the memory cap
 * refused a growth, and a call wrapper that turns traps into values and
 * points %gs at the guest's memory. One guest runs per process, so the
 * little state here is per process (the %gs base is per thread).
 */
#ifndef LSB_RUNTIME_H
#define LSB_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <wasm-rt.h>

#define RT_PAGE_SIZE 65536ULL
#define RT_MAX_PAGES 65536U /* 4 GiB: the whole wasm32 address space */

/* Why a guest call ended; RT_OK when it returned normally. */
typedef enum rt_outcome {
    RT_OK = 0,
    RT_OUT_OF_FUEL,
    RT_OUT_OF_BOUNDS, /* includes the shadow stack running off memory */
    RT_EXHAUSTION,    /* native stack overflow */
    RT_OTHER_TRAP,
    RT_EXITED /* the guest called proc_exit */
} rt_outcome;

/* When set, instantiate leaves linear memory unfilled (the caller is about
 * to map a snapshot over it). See aot_hooks.h. */
extern int rt_skip_data_segments;

/* Install the trap signal handlers; idempotent. Cannot fail (the runtime
 * aborts the process if the handlers cannot be installed). */
void rt_init(void);

/* Did the memory cap refuse a memory.grow since the last rt_reset_flags?
 * Neither can fail. */
bool rt_memory_denied(void);
void rt_reset_flags(void);

/* The guest's fuel counter at the trap that ended the last rt_call_*, if
 * guest code raised it (a TRAP, an out-of-bounds access, native stack
 * overflow): guest code keeps the counter in a register, so the instance
 * only holds its value as of the last import call. Returns false (fuel
 * untouched) after a normal return or a host-raised trap, whose import
 * call stored the counter first. */
bool rt_trapped_fuel(uint64_t *fuel);

/* wasm2c's TRAP in guest code (scripts/fuel_register.py; declared for the
 * guest in aot_hooks.h): records fuel, the guest's counter, for
 * rt_trapped_fuel, then traps with code. Never returns. */
_Noreturn void rt_trap_in_guest(int code, uint64_t fuel);

/* Traps raised by host imports: they never return (so never fail). */
_Noreturn void rt_trap_out_of_fuel(void);
_Noreturn void rt_exit(uint32_t status);

/*
 * Call fn(inst), whose linear memory is mem, and catch traps. Returns RT_OK
 * with *ret set, or the reason the call was cut short (with *ret the exit
 * status for RT_EXITED). On x86-64 it first points this thread's %gs base
 * at mem->data, where guests compiled with Segue (aot_hooks.h) address
 * their memory; if that fails the guest does not run (RT_OTHER_TRAP).
 */
rt_outcome rt_call_u32(uint32_t (*fn)(void *), void *inst, wasm_rt_memory_t *mem, uint32_t *ret);
rt_outcome rt_call_void(void (*fn)(void *), void *inst, wasm_rt_memory_t *mem);

/* A short English name of outcome; "unknown" for a value out of range. */
const char *rt_outcome_name(rt_outcome outcome);

#endif
