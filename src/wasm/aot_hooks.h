/*
 * aot_hooks.h - what the generated guest C sees of our runtime beyond
 * wasm-rt.h. scripts/guests.sh force-includes it when compiling wasm2c
 * output and rewrites three things in that output:
 *
 * - The data-segment copy in instantiate honours rt_skip_data_segments: an
 *   instance about to be restored from a snapshot would only overwrite
 *   those pages again, so copying them is wasted work (3.4 MB, hundreds of
 *   page faults, for CPython).
 * - With LSB_SEGUE (x86-64, the default), the loads and stores are ours:
 *   they address linear memory through %gs, whose base runtime.c sets to
 *   the memory's start before every guest call ("Segue", as in wasmtime and
 *   WAMR). wasm2c's own helpers read instance->memory.data on every access
 *   and copy through char pointers, which may alias anything, so after each
 *   store gcc had to reload the memory base, the shadow stack pointer and
 *   the fuel counter from the instance. A %gs access is in another address
 *   space, which gcc knows aliases none of them. Bounds are unchanged: the
 *   offset is still at most 2^32 + 2^32 into the same guard-page
 *   reservation (or checked by MEMCHECK in the explicit-bounds build).
 * - lsb.out_of_fuel is declared noreturn and cold (it always traps:
 *   lsb_imports.c), so the out-of-fuel path stays out of the hot code.
 * - The fuel counter lives in a register for all guest code: lsb_fuel, a
 *   global register variable that gcc reserves in the guest's translation
 *   unit (%r15, callee-saved, so host code called from the guest keeps it).
 *   scripts/fuel_register.py points the generated code at it, loads and
 *   stores it in the exports, writes it back around import calls, and
 *   routes wasm2c's TRAP through rt_trap_in_guest with its value.
 * - Each charge is LSB_CHARGE or LSB_CHARGE_TEST below, one `sub` on that
 *   register that gcc may neither split nor merge (fuel_register.py).
 */
#ifndef LSB_AOT_HOOKS_H
#define LSB_AOT_HOOKS_H

#include <stdint.h>

extern int rt_skip_data_segments;

#if defined(__x86_64__)
register uint64_t lsb_fuel __asm__("r15");
#else
#error "the guest's fuel register is only chosen for x86-64 (aot_hooks.h)"
#endif
/* A charge of k fuel units (k a constant below 2^31): one `sub` on the
 * register. As an asm, gcc cannot copy the counter to other registers
 * around it or if-convert a charged arm into copies and moves. */
#define LSB_CHARGE(k) __asm__ volatile("subq %1, %0" : "+r"(lsb_fuel) : "i"(k) : "cc")
/* A charge, then a jump to label (the cold out_of_fuel call) if the
 * counter went below zero: the `js` reads the flags the `sub` set. */
#define LSB_CHARGE_TEST(k, label)                                                                  \
    __asm__ goto("subq %1, %0\n\tjs %l[" #label "]" : "+r"(lsb_fuel) : "i"(k) : "cc" : label)

/* A trap raised by guest code, with the fuel counter at that point. */
__attribute__((noreturn)) void rt_trap_in_guest(int code, uint64_t fuel);

struct Z_lsb_instance_t;
__attribute__((noreturn, cold)) void Z_lsbZ_out_of_fuel(struct Z_lsb_instance_t *);

#if LSB_SEGUE
#if !defined(__x86_64__) || !defined(__SEG_GS)
#error "LSB_SEGUE needs x86-64 and gcc's __seg_gs address space"
#endif
/* A wasm load of t1 at addr, widened as wasm2c's DEFINE_LOAD does. The
 * empty asm keeps a load whose value is unused (it must still trap). */
#define LSB_DEFINE_LOAD(name, t1, t2, t3)                                                          \
    static inline t3 name(wasm_rt_memory_t *mem, u64 addr) {                                       \
        MEMCHECK(mem, addr, t1);                                                                   \
        typedef t1 __attribute__((aligned(1))) lsb_unaligned_t;                                    \
        t1 result = *(const __seg_gs lsb_unaligned_t *)(uintptr_t)addr;                            \
        wasm_asm("" ::"r"(result));                                                                \
        return (t3)(t2)result;                                                                     \
    }
/* A wasm store of value, narrowed to t1, at addr. */
#define LSB_DEFINE_STORE(name, t1, t2)                                                             \
    static inline void name(wasm_rt_memory_t *mem, u64 addr, t2 value) {                           \
        MEMCHECK(mem, addr, t1);                                                                   \
        typedef t1 __attribute__((aligned(1))) lsb_unaligned_t;                                    \
        *(__seg_gs lsb_unaligned_t *)(uintptr_t)addr = (t1)value;                                  \
    }
#endif

#endif
