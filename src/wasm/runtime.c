/*
 * runtime.c - Debian's wasm2c runtime plus our traps and memory.grow.
 *
 * The runtime source is compiled in from /usr/share/wabt/wasm2c with its
 * memory.grow renamed, so that ours can refuse growth with overflow-safe
 * arithmetic and record that the cap was hit (that is how a MemoryError is
 * told apart from other failures). Host-raised traps (fuel, proc_exit) use
 * trap codes past the runtime's own and are decoded by rt_call_*. Traps
 * raised in guest code record the guest's fuel register on the way out
 * (rt_trapped_fuel).
 */
#define wasm_rt_grow_memory rt_grow_memory_unchecked
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <wasm-rt-impl.c>
#pragma GCC diagnostic pop
#undef wasm_rt_grow_memory

#include "wasm/runtime.h"

#include <asm/prctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

/* Trap codes for host-raised traps, beyond wasm_rt_trap_t's range. */
#define RT_TRAP_OUT_OF_FUEL ((wasm_rt_trap_t)100)
#define RT_TRAP_EXIT        ((wasm_rt_trap_t)101)

int rt_skip_data_segments; /* read by the generated instantiate (aot_hooks.h) */
static bool memory_denied;
static uint32_t exit_status;
/* The guest's fuel register when guest code last trapped (see runtime.h). */
static bool trap_fuel_known;
static uint64_t trap_fuel;

/* See runtime.h. */
_Noreturn void rt_trap_in_guest(int code, uint64_t fuel) {
    trap_fuel = fuel;
    trap_fuel_known = true;
    wasm_rt_trap((wasm_rt_trap_t)code);
}

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER && !WASM_RT_SKIP_SIGNAL_RECOVERY
/* A guard-page fault (out-of-bounds access, native stack overflow): note
 * the interrupted guest's fuel register (%r15, aot_hooks.h), then let the
 * runtime's handler turn the fault into a trap. Host code never relies on
 * a fault (guest pointers are checked), so the fault is in guest code. */
static void fault_handler(int sig, siginfo_t *info, void *context) {
    const ucontext_t *uc = context;
    trap_fuel = (uint64_t)uc->uc_mcontext.gregs[REG_R15];
    trap_fuel_known = true;
    os_signal_handler(sig, info, context);
}

/* Put fault_handler in front of the handler wasm_rt_init installed, with
 * its flags (SA_SIGINFO, SA_ONSTACK) and mask. Once per process, like
 * wasm_rt_init: later calls may come after seccomp forbids sigaction. */
static void hook_fault_signals(void) {
    static bool hooked;
    if (hooked) return;
    hooked = true;
    const int signals[] = {SIGSEGV, SIGBUS};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        if (sigaction(signals[i], NULL, &action) != 0) abort();
        action.sa_sigaction = fault_handler;
        if (sigaction(signals[i], &action, NULL) != 0) abort();
    }
}
#else
static void hook_fault_signals(void) {}
#endif

void rt_init(void) {
    wasm_rt_init();
    hook_fault_signals();
}

/* See runtime.h. */
bool rt_trapped_fuel(uint64_t *fuel) {
    if (trap_fuel_known) *fuel = trap_fuel;
    return trap_fuel_known;
}
bool rt_memory_denied(void) { return memory_denied; }
void rt_reset_flags(void) { memory_denied = false; }

/*
 * memory.grow: refuse (returning -1, as the spec says) anything past the
 * memory's max_pages, which the sandbox lowers to the policy's cap.
 */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
    uint64_t wanted = (uint64_t)memory->pages + delta;
    if (wanted > memory->max_pages || wanted > RT_MAX_PAGES) {
        memory_denied = true;
        return UINT32_MAX;
    }
    return rt_grow_memory_unchecked(memory, delta);
}

_Noreturn void rt_trap_out_of_fuel(void) { wasm_rt_trap(RT_TRAP_OUT_OF_FUEL); }

/* See runtime.h. */
_Noreturn void rt_exit(uint32_t status) {
    exit_status = status;
    wasm_rt_trap(RT_TRAP_EXIT);
}

/* Map a caught trap code to an outcome. */
static rt_outcome outcome_of(int trap) {
    switch (trap) {
    case RT_TRAP_OUT_OF_FUEL: return RT_OUT_OF_FUEL;
    case RT_TRAP_EXIT: return RT_EXITED;
    case WASM_RT_TRAP_OOB: return RT_OUT_OF_BOUNDS;
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
    case WASM_RT_TRAP_EXHAUSTION: return RT_EXHAUSTION;
#endif
    default: return RT_OTHER_TRAP;
    }
}

/* Point this thread's %gs base at mem's linear memory, where Segue-compiled
 * guest loads and stores go (aot_hooks.h). Done before every guest call,
 * with no cache: one system call per run is nothing against a run, and a
 * cached value could not tell a thread that never set %gs from one that
 * did. Returns false if the kernel refused. */
static bool enter_memory(const wasm_rt_memory_t *mem) {
#if defined(__x86_64__)
    return syscall(SYS_arch_prctl, ARCH_SET_GS, mem->data) == 0;
#else
    (void)mem;
    return true;
#endif
}

/* What every guest call starts with: no trap's fuel is known yet, and %gs
 * points at mem. Returns false if the guest must not run. */
static bool begin_call(const wasm_rt_memory_t *mem) {
    trap_fuel_known = false;
    return enter_memory(mem);
}

/* Call fn(inst) under a trap handler; see runtime.h. */
rt_outcome rt_call_u32(uint32_t (*fn)(void *), void *inst, wasm_rt_memory_t *mem, uint32_t *ret) {
    if (!begin_call(mem)) return RT_OTHER_TRAP;
    int trap = wasm_rt_impl_try();
    if (trap != 0) {
        rt_outcome outcome = outcome_of(trap);
        if (outcome == RT_EXITED) *ret = exit_status;
        return outcome;
    }
    *ret = fn(inst);
    return RT_OK;
}

/* See runtime.h. */
rt_outcome rt_call_void(void (*fn)(void *), void *inst, wasm_rt_memory_t *mem) {
    if (!begin_call(mem)) return RT_OTHER_TRAP;
    int trap = wasm_rt_impl_try();
    if (trap != 0) return outcome_of(trap);
    fn(inst);
    return RT_OK;
}

/* See runtime.h. */
const char *rt_outcome_name(rt_outcome outcome) {
    static const char *const names[] = {
        "ok",   "out of fuel", "out-of-bounds memory access", "native stack exhausted",
        "trap", "exit"};
    return outcome <= RT_EXITED ? names[outcome] : "unknown";
}
