/*
 * test_worker.c - a process holds at most one instance of each guest
 * (sandbox/worker.c, wasm/guest.h): the instance is an object of the
 * guest's own code (scripts/static_instance.py), so worker_prepare must
 * refuse to instantiate a guest whose block still holds a live instance,
 * and say so, rather than reset the memory and globals another run is
 * using. A fake guest stands for the real ones: the refusal comes before
 * any of its functions but memory() is called.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sandbox/worker.h"

#define ERR_SIZE 256

/* The fake guest's instance block and its memory, live: data is set. */
static unsigned char fake_block[64];
static uint8_t fake_bytes[16];
static wasm_rt_memory_t fake_memory = {.data = fake_bytes, .pages = 1, .size = sizeof fake_bytes};

/* The fake guest's memory export: its one memory, whatever block. */
static wasm_rt_memory_t *fake_memory_of(void *inst) {
    (void)inst;
    return &fake_memory;
}

static const guest_module fake_guest = {.name = "fake",
                                        .wasm_hash = "0123",
                                        .instance = fake_block,
                                        .instance_size = sizeof fake_block,
                                        .memory = fake_memory_of};

/* A second instance while the block is live: refused, block untouched. */
static void test_second_live_instance_is_refused(void **state) {
    (void)state;
    memset(fake_block, 0x5a, sizeof fake_block);
    worker_instance w;
    char err[ERR_SIZE] = "";
    assert_int_equal(worker_prepare(&w, &fake_guest, "/nonexistent.snap", err, sizeof err), -1);
    assert_string_equal(err, "a fake instance is already live in this process");
    for (size_t i = 0; i < sizeof fake_block; i++)
        assert_int_equal(fake_block[i], 0x5a);
    assert_ptr_equal(fake_memory.data, fake_bytes);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_live_instance_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
