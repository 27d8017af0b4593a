/*
 * aot_check.c - the fuel counts of check.mjs, again through the host's
 * ahead-of-time path: lsb-fuel, wasm2c, scripts/fuel_register.py (the
 * counter in a register, stored in the instance by the exports and around
 * import calls), scripts/table_code.py (call_indirect against constants),
 * scripts/static_instance.py (each module's instance an object of its own),
 * gcc with aot_hooks.h and the host's runtime.c. run.sh builds it from
 * loop.wat, recursion.wat, overdraft.wat and traps.wat. Out of fuel
 * longjmps back here; the trap checks run under rt_call_u32 and take the
 * count from rt_trapped_fuel, as the host's worker does. traps.wat's
 * call_at also checks that call_indirect still runs the right entry in
 * this instance and traps on empty, mistyped and out-of-range entries.
 * Prints one "PASS name" or "FAIL name: why" line per check.
 */
#include <setjmp.h>
#include <stdio.h>

#include "loop.h"
#include "overdraft.h"
#include "recursion.h"
#include "traps.h"
#include "wasm/runtime.h"

#define BUDGET 1000000000ULL

static jmp_buf out_of_fuel_jump;

/* lsb.out_of_fuel: unwind to the check, like the host's trap. */
void Z_lsbZ_out_of_fuel(struct Z_lsb_instance_t *unused) {
    (void)unused;
    longjmp(out_of_fuel_jump, 1);
}

/* One metered call: its consumed fuel and whether it ran out. */
struct metered {
    long long consumed;
    int out_of_fuel;
};

/* The four test modules, instantiated once: each one's code uses its own
 * object (scripts/static_instance.py), and is given it. */
extern Z_loop_instance_t Z_loop_the_instance;
extern Z_recursion_instance_t Z_recursion_the_instance;
extern Z_overdraft_instance_t Z_overdraft_the_instance;
extern Z_traps_instance_t Z_traps_the_instance;
#define LOOP  (&Z_loop_the_instance)
#define REC   (&Z_recursion_the_instance)
#define OD    (&Z_overdraft_the_instance)
#define TRAPS (&Z_traps_the_instance)

/* Which export a check calls, and its argument. */
enum target { SUM, SPIN, DOWN, FOREVER, ARM, OUTER };

/* The fuel left in the instance t runs in. */
static long long fuel_left(enum target t) {
    if (t <= SPIN) return (long long)Z_loopZ_lsb_fuel_get(LOOP);
    if (t <= FOREVER) return (long long)Z_recursionZ_lsb_fuel_get(REC);
    return (long long)Z_overdraftZ_lsb_fuel_get(OD);
}

/* Run export t(arg) under budget; out of fuel longjmps back here. */
static struct metered run(enum target t, unsigned arg, unsigned long long budget) {
    volatile int out_of_fuel = 0;
    if (t <= SPIN)
        Z_loopZ_lsb_fuel_set(LOOP, budget);
    else if (t <= FOREVER)
        Z_recursionZ_lsb_fuel_set(REC, budget);
    else
        Z_overdraftZ_lsb_fuel_set(OD, budget);
    if (setjmp(out_of_fuel_jump) == 0) {
        switch (t) {
        case SUM: Z_loopZ_sum(LOOP, arg); break;
        case SPIN: Z_loopZ_spin(LOOP); break;
        case DOWN: Z_recursionZ_down(REC, arg); break;
        case FOREVER: Z_recursionZ_forever(REC); break;
        case ARM: Z_overdraftZ_arm(OD, arg); break;
        case OUTER: Z_overdraftZ_outer(OD); break;
        }
    } else {
        out_of_fuel = 1;
    }
    return (struct metered){(long long)budget - fuel_left(t), out_of_fuel};
}

/* Check that t(arg) under budget consumes want (or anything, if want < 0)
 * and does or does not run out. */
static int check(const char *name, enum target t, unsigned arg, unsigned long long budget,
                 long long want, int want_out) {
    struct metered m = run(t, arg, budget);
    if ((want < 0 || m.consumed == want) && m.out_of_fuel == want_out) {
        printf("PASS aot: %s\n", name);
        return 0;
    }
    printf("FAIL aot: %s: consumed %lld (want %lld), out of fuel %d (want %d)\n", name, m.consumed,
           want, m.out_of_fuel, want_out);
    return 1;
}

/* traps.wat's exports, with the argument the checks use, for rt_call_u32. */
#define TRAP_ARG 1000
static uint32_t call_crash(void *inst) {
    Z_trapsZ_crash(inst, TRAP_ARG);
    return 0;
}
static uint32_t call_stray(void *inst) { return Z_trapsZ_stray(inst, TRAP_ARG); }
/* The entry call_table_entry calls (rt_call_u32 passes no argument). */
static uint32_t table_index;
static uint32_t call_table_entry(void *inst) { return Z_trapsZ_call_at(inst, table_index); }

/* Check that fn traps with outcome want_outcome and that the count handed
 * over by the trap leaves want consumed (check.mjs: what Node reports). */
static int check_trap(const char *name, uint32_t (*fn)(void *), rt_outcome want_outcome,
                      long long want) {
    uint32_t ret = 0;
    uint64_t left = 0;
    Z_trapsZ_lsb_fuel_set(TRAPS, BUDGET);
    rt_outcome outcome = rt_call_u32(fn, TRAPS, Z_trapsZ_memory(TRAPS), &ret);
    int known = rt_trapped_fuel(&left);
    long long consumed = (long long)BUDGET - (long long)left;
    if (outcome == want_outcome && known && consumed == want) {
        printf("PASS aot: %s\n", name);
        return 0;
    }
    printf("FAIL aot: %s: outcome %s (want %s), count handed over %d, consumed %lld (want %lld)\n",
           name, rt_outcome_name(outcome), rt_outcome_name(want_outcome), known, consumed, want);
    return 1;
}

/* Check that traps.wat's call_at(i) returns want, having consumed 6 (its
 * region and the callee's): the callee ran, in this instance. */
static int check_call(unsigned i, uint32_t want) {
    Z_trapsZ_lsb_fuel_set(TRAPS, BUDGET);
    uint32_t got = Z_trapsZ_call_at(TRAPS, i);
    long long consumed = (long long)BUDGET - (long long)Z_trapsZ_lsb_fuel_get(TRAPS);
    if (got == want && consumed == 6) {
        printf("PASS aot: call_at(%u) = %u\n", i, want);
        return 0;
    }
    printf("FAIL aot: call_at(%u) = %u (want %u), consumed %lld (want 6)\n", i, got, want,
           consumed);
    return 1;
}

int main(void) {
    int failed = 0;
    rt_init();
    Z_loop_init_module();
    Z_recursion_init_module();
    Z_overdraft_init_module();
    Z_loop_instantiate(LOOP, NULL);
    Z_recursion_instantiate(REC, NULL);
    Z_overdraft_instantiate(OD, NULL);
    Z_traps_init_module();
    Z_traps_instantiate(TRAPS, NULL);
    failed += check("counted loop sum(0) costs 4", SUM, 0, BUDGET, 4, 0);
    failed += check("counted loop sum(1000) costs 12004", SUM, 1000, BUDGET, 12004, 0);
    failed += check("exact budget suffices", SUM, 100, 1204, 1204, 0);
    failed += check("one less runs out, the counter written back", SUM, 100, 1203, -1, 1);
    failed += check("infinite loop runs out of fuel", SPIN, 0, 1000000, -1, 1);
    failed += check("recursion down(100) costs 704", DOWN, 100, BUDGET, 704, 0);
    failed += check("infinite recursion runs out of fuel", FOREVER, 0, 1000, -1, 1);
    failed += check("if arm arm(1) costs 9", ARM, 1, BUDGET, 9, 0);
    failed += check("overdraft caught at the export, whole arm paid", ARM, 1, 8, 9, 1);
    failed += check("a leaf tests only when its export returns", ARM, 0, 1, 3, 1);
    failed += check("callee overdraft caught by the caller export", OUTER, 0, 11, -1, 1);
    failed += check("caller with exact budget", OUTER, 0, 12, 12, 0);
    failed += check_trap("unreachable hands over its count: crash(1000) 8006", call_crash,
                         RT_OTHER_TRAP, 8006);
    failed += check_trap("a memory fault hands over its count: stray(1000) 8007", call_stray,
                         RT_OUT_OF_BOUNDS, 8007);
    failed += check_call(1, 107);
    failed += check_call(3, 700);
    /* empty, another type, the last (empty), past the end, 2^32-1 */
    static const uint32_t trapping[] = {0, 2, 4, 5, UINT32_MAX};
    for (size_t k = 0; k < sizeof trapping / sizeof trapping[0]; k++) {
        char name[64];
        table_index = trapping[k];
        snprintf(name, sizeof name, "call_indirect traps: call_at(%u) 3", table_index);
        failed += check_trap(name, call_table_entry, RT_OTHER_TRAP, 3);
    }
    return failed ? 1 : 0;
}
