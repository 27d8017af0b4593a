/*
 * aot_check.c - the fuel counts of check.mjs, again through the host's
 * ahead-of-time path: lsb-fuel, wasm2c, scripts/fuel_local.py (the counter
 * in a C local, written back around calls) and gcc with aot_hooks.h.
 * run.sh builds it from loop.wat, recursion.wat and overdraft.wat. Out of
 * fuel longjmps back here, as the host's trap does. Prints one "PASS name"
 * or "FAIL name: why" line per check.
 */
#include <setjmp.h>
#include <stdio.h>

#include "loop.h"
#include "overdraft.h"
#include "recursion.h"

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

/* The three test modules, instantiated once. */
static Z_loop_instance_t loop;
static Z_recursion_instance_t rec;
static Z_overdraft_instance_t od;

/* Which export a check calls, and its argument. */
enum target { SUM, SPIN, DOWN, FOREVER, ARM, OUTER };

/* The fuel left in the instance t runs in. */
static long long fuel_left(enum target t) {
    if (t <= SPIN) return (long long)Z_loopZ_lsb_fuel_get(&loop);
    if (t <= FOREVER) return (long long)Z_recursionZ_lsb_fuel_get(&rec);
    return (long long)Z_overdraftZ_lsb_fuel_get(&od);
}

/* Run export t(arg) under budget; out of fuel longjmps back here. */
static struct metered run(enum target t, unsigned arg, unsigned long long budget) {
    volatile int out_of_fuel = 0;
    if (t <= SPIN)
        Z_loopZ_lsb_fuel_set(&loop, budget);
    else if (t <= FOREVER)
        Z_recursionZ_lsb_fuel_set(&rec, budget);
    else
        Z_overdraftZ_lsb_fuel_set(&od, budget);
    if (setjmp(out_of_fuel_jump) == 0) {
        switch (t) {
        case SUM: Z_loopZ_sum(&loop, arg); break;
        case SPIN: Z_loopZ_spin(&loop); break;
        case DOWN: Z_recursionZ_down(&rec, arg); break;
        case FOREVER: Z_recursionZ_forever(&rec); break;
        case ARM: Z_overdraftZ_arm(&od, arg); break;
        case OUTER: Z_overdraftZ_outer(&od); break;
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

int main(void) {
    int failed = 0;
    wasm_rt_init();
    Z_loop_init_module();
    Z_recursion_init_module();
    Z_overdraft_init_module();
    Z_loop_instantiate(&loop, NULL);
    Z_recursion_instantiate(&rec, NULL);
    Z_overdraft_instantiate(&od, NULL);
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
    return failed ? 1 : 0;
}
