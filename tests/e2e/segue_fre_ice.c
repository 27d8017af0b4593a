/*
 * segue_fre_ice.c - the smallest guest-like code that crashes gcc 12's cc1
 * when its FRE pass runs on %gs accesses (Segue, src/wasm/aot_hooks.h):
 * a store, a store under a condition and a load at one guest address.
 * QuickJS compiled without fuel charges hit it in function w2c__90_5.
 * tests/e2e/segue.sh compiles it with the guests' own flags, which must
 * get through (scripts/guests.sh turns FRE off for Segue builds).
 */
typedef unsigned int u32;

/* The guest word at %gs:address. */
#define GUEST_WORD(address) (*(__seg_gs u32 *)(unsigned long)(address))

u32 fre_reproducer(unsigned long pointer_slot) {
    u32 object = GUEST_WORD(pointer_slot);
    GUEST_WORD(object + 64ul) = 1;
    if (GUEST_WORD(object + 44ul)) GUEST_WORD(object + 64ul) = 10;
    return GUEST_WORD(object + 64ul);
}
