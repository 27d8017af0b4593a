/*
 * test_prefault.c - the pages a run writes (sandbox/prefault.c) and their
 * place in a snapshot's header (sandbox/snapshot.c), on real mappings:
 *  - prefault_find reports exactly the written pages of a private file
 *    mapping, not the ones only read, bridging one-page gaps, and stops at
 *    PREFAULT_MAX_RUNS runs;
 *  - prefault_apply makes a set's pages private copies without changing a
 *    byte, and ignores a set that does not fit;
 *  - prefault_valid refuses empty, overlapping, unordered and out-of-range
 *    runs;
 *  - a snapshot written with snap_write carries no set, snap_set_hot
 *    records one that snap_load hands back, a set outside the image is
 *    refused, and a header whose set was damaged on disk is refused by
 *    snap_load.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/prefault.h"
#include "sandbox/snapshot.h"
#include "wasm/runtime.h"

#define PAGE     PREFAULT_PAGE
#define ERR_SIZE 512

/* A file of pages pages, page i filled with the byte 'a' + i % 26. */
static int make_file(char *path, size_t pages) {
    strcpy(path, "/tmp/lsb-prefault-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char buf[PAGE];
    for (size_t i = 0; i < pages; i++) {
        memset(buf, 'a' + (int)(i % 26), sizeof buf);
        assert_int_equal(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
    }
    return fd;
}

/* A private, writable mapping of fd's first pages pages. */
static char *map_private(int fd, size_t pages) {
    char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    assert_true(p != MAP_FAILED);
    return p;
}

static void test_find_reports_written_pages(void **state) {
    (void)state;
    char path[64], err[ERR_SIZE] = "";
    int fd = make_file(path, 12);
    char *p = map_private(fd, 12);
    volatile char sink = p[6 * PAGE]; /* read only: stays the file's page */
    (void)sink;
    p[1 * PAGE] = 'x';
    p[2 * PAGE + 100] = 'y';
    p[4 * PAGE] = 'z'; /* one page after 2: bridged */
    p[9 * PAGE] = 'w';
    prefault_set set;
    assert_int_equal(prefault_find(p, 12 * PAGE, &set, err, sizeof err), 0);
    assert_int_equal(set.count, 2);
    assert_int_equal(set.runs[0].first, 1);
    assert_int_equal(set.runs[0].count, 4);
    assert_int_equal(set.runs[1].first, 9);
    assert_int_equal(set.runs[1].count, 1);
    assert_true(prefault_valid(&set, 12 * PAGE));
    munmap(p, 12 * PAGE);
    close(fd);
    unlink(path);
}

static void test_find_stops_at_max_runs(void **state) {
    (void)state;
    char path[64], err[ERR_SIZE] = "";
    size_t pages = 3 * (PREFAULT_MAX_RUNS + 10);
    int fd = make_file(path, pages);
    char *p = map_private(fd, pages);
    for (size_t i = 0; i < pages; i += 3)
        p[i * PAGE] = 'x'; /* two-page gaps: one run each */
    prefault_set set;
    assert_int_equal(prefault_find(p, pages * PAGE, &set, err, sizeof err), 0);
    assert_int_equal(set.count, PREFAULT_MAX_RUNS);
    assert_int_equal(set.runs[PREFAULT_MAX_RUNS - 1].first, 3 * (PREFAULT_MAX_RUNS - 1));
    munmap(p, pages * PAGE);
    close(fd);
    unlink(path);
}

static void test_apply_copies_without_changing(void **state) {
    (void)state;
    char path[64], err[ERR_SIZE] = "";
    int fd = make_file(path, 8);
    char *p = map_private(fd, 8);
    prefault_set want = {.count = 2, .runs = {{1, 3}, {6, 2}}}; /* a two-page gap */
    prefault_apply(p, 8 * PAGE, &want);
    prefault_set got;
    assert_int_equal(prefault_find(p, 8 * PAGE, &got, err, sizeof err), 0);
    assert_int_equal(got.count, 2);
    assert_memory_equal(got.runs, want.runs, 2 * sizeof want.runs[0]);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(p[i * PAGE + 17], 'a' + (int)i);
    munmap(p, 8 * PAGE);
    close(fd);
    unlink(path);
}

static void test_apply_ignores_a_set_that_does_not_fit(void **state) {
    (void)state;
    char path[64], err[ERR_SIZE] = "";
    int fd = make_file(path, 4);
    char *p = map_private(fd, 4);
    prefault_set too_far = {.count = 1, .runs = {{2, 5}}};
    prefault_apply(p, 4 * PAGE, &too_far);
    prefault_set got;
    assert_int_equal(prefault_find(p, 4 * PAGE, &got, err, sizeof err), 0);
    assert_int_equal(got.count, 0);
    munmap(p, 4 * PAGE);
    close(fd);
    unlink(path);
}

static void test_valid_refuses_bad_runs(void **state) {
    (void)state;
    prefault_set empty_run = {.count = 1, .runs = {{0, 0}}};
    prefault_set overlap = {.count = 2, .runs = {{0, 4}, {3, 1}}};
    prefault_set unordered = {.count = 2, .runs = {{5, 1}, {1, 1}}};
    prefault_set outside = {.count = 1, .runs = {{15, 2}}};
    prefault_set wraps = {.count = 1, .runs = {{UINT32_MAX, 2}}};
    prefault_set too_many = {.count = PREFAULT_MAX_RUNS + 1};
    prefault_set fine = {.count = 2, .runs = {{0, 4}, {4, 12}}};
    assert_false(prefault_valid(&empty_run, 16 * PAGE));
    assert_false(prefault_valid(&overlap, 16 * PAGE));
    assert_false(prefault_valid(&unordered, 16 * PAGE));
    assert_false(prefault_valid(&outside, 16 * PAGE));
    assert_false(prefault_valid(&wraps, 16 * PAGE));
    assert_false(prefault_valid(&too_many, 16 * PAGE));
    assert_true(prefault_valid(&fine, 16 * PAGE));
}

/* --- a snapshot of a fake guest: one wasm page of memory, two globals --- */

static wasm_rt_memory_t fake_memory;
static uint64_t fake_globals[2] = {7, 9};

static wasm_rt_memory_t *fake_mem(void *inst) {
    (void)inst;
    return &fake_memory;
}
static uint32_t fake_count(void *inst) {
    (void)inst;
    return 2;
}
static uint64_t fake_get(void *inst, uint32_t i) {
    (void)inst;
    return fake_globals[i];
}
static void fake_set(void *inst, uint32_t i, uint64_t v) {
    (void)inst;
    fake_globals[i] = v;
}

static const guest_module fake_guest = {.name = "fake",
                                        .wasm_hash = "0123",
                                        .memory = fake_mem,
                                        .globals_count = fake_count,
                                        .global_get = fake_get,
                                        .global_set = fake_set};

/* Give the fake guest one wasm page of memory, written with a pattern. */
static void fake_memory_init(void) {
    fake_memory.data =
        mmap(NULL, RT_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(fake_memory.data != MAP_FAILED);
    memset(fake_memory.data, 'q', RT_PAGE_SIZE);
    fake_memory.pages = 1;
    fake_memory.size = RT_PAGE_SIZE;
}

static void test_snapshot_keeps_the_set(void **state) {
    (void)state;
    char path[] = "/tmp/lsb-prefault-snap-XXXXXX", err[ERR_SIZE] = "";
    close(mkstemp(path));
    fake_memory_init();
    assert_int_equal(snap_write(&fake_guest, NULL, 1, path, err, sizeof err), 0);
    prefault_set got = {.count = 99};
    assert_int_equal(snap_load(&fake_guest, NULL, path, &got, err, sizeof err), 0);
    assert_int_equal(got.count, 0); /* none until the build's probe records one */
    prefault_set hot = {.count = 2, .runs = {{0, 2}, {10, 6}}};
    assert_int_equal(snap_set_hot(path, &hot, err, sizeof err), 0);
    assert_int_equal(snap_load(&fake_guest, NULL, path, &got, err, sizeof err), 0);
    assert_int_equal(got.count, 2);
    assert_memory_equal(got.runs, hot.runs, 2 * sizeof hot.runs[0]);
    assert_int_equal(fake_memory.data[RT_PAGE_SIZE - 1], 'q');
    prefault_set outside = {.count = 1, .runs = {{15, 2}}}; /* 16 host pages in 64 KiB */
    assert_int_equal(snap_set_hot(path, &outside, err, sizeof err), -1);
    assert_non_null(strstr(err, "outside its memory"));
    munmap(fake_memory.data, RT_PAGE_SIZE);
    unlink(path);
}

static void test_snapshot_with_a_damaged_set_is_refused(void **state) {
    (void)state;
    char path[] = "/tmp/lsb-prefault-snap-XXXXXX", err[ERR_SIZE] = "";
    close(mkstemp(path));
    fake_memory_init();
    assert_int_equal(snap_write(&fake_guest, NULL, 1, path, err, sizeof err), 0);
    prefault_set hot = {.count = 1, .runs = {{3, 1}}};
    assert_int_equal(snap_set_hot(path, &hot, err, sizeof err), 0);
    /* find the run on disk and push it past the image's memory */
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    char header[4096];
    assert_int_equal(pread(fd, header, sizeof header, 0), (ssize_t)sizeof header);
    const prefault_run run = {3, 1};
    char *at = memmem(header, sizeof header, &run, sizeof run);
    assert_non_null(at);
    const prefault_run bad = {3, 100};
    assert_int_equal(pwrite(fd, &bad, sizeof bad, at - header), (ssize_t)sizeof bad);
    close(fd);
    prefault_set got;
    assert_int_equal(snap_load(&fake_guest, NULL, path, &got, err, sizeof err), -1);
    assert_non_null(strstr(err, "damaged"));
    munmap(fake_memory.data, RT_PAGE_SIZE);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_reports_written_pages),
        cmocka_unit_test(test_find_stops_at_max_runs),
        cmocka_unit_test(test_apply_copies_without_changing),
        cmocka_unit_test(test_apply_ignores_a_set_that_does_not_fit),
        cmocka_unit_test(test_valid_refuses_bad_runs),
        cmocka_unit_test(test_snapshot_keeps_the_set),
        cmocka_unit_test(test_snapshot_with_a_damaged_set_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
