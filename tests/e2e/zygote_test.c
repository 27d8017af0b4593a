/*
 * zygote_test.c - the library API with zygotes, against the real guests.
 *
 * Checks what a server relies on: zygote runs give the same results and the
 * same fuel as direct runs, a run killed at its deadline or out of fuel
 * leaves the zygote serving, and concurrent callers share one sandbox.
 * Usage: zygote_test ASSETS_DIR (cmocka prints the summary).
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "llmsandbox.h"

#define THREADS         2
#define RUNS_PER_THREAD 10

static const char *assets;

/* Run code and return the result; fails the test if the call itself fails. */
static lsb_result run(lsb_sandbox *sb, lsb_language lang, const char *code, uint32_t timeout_ms) {
    lsb_policy policy;
    lsb_policy_init(&policy);
    if (timeout_ms) policy.timeout_ms = timeout_ms;
    lsb_result r;
    char err[512] = "";
    lsb_status st = lsb_execute(sb, lang, code, strlen(code), NULL, &policy, &r, err, sizeof err);
    if (st != LSB_OK) fail_msg("lsb_execute: %s", err);
    return r;
}

static int setup(void **state) {
    lsb_sandbox *sb;
    char err[512];
    /* no pre-imports: the zygote must hold exactly the snapshot's state for
     * fuel to match a direct run */
    static const char *const no_preimports[] = {NULL};
    lsb_sessions_config cfg = {.preimports = no_preimports};
    if (lsb_sandbox_open(&sb, assets, err, sizeof err) != LSB_OK ||
        lsb_sandbox_configure_sessions(sb, &cfg, err, sizeof err) != LSB_OK ||
        lsb_sandbox_start_zygotes(sb, err, sizeof err) != LSB_OK) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    *state = sb;
    return 0;
}

static int teardown(void **state) {
    lsb_sandbox_close(*state);
    return 0;
}

static void test_outputs(void **state) {
    lsb_result r = run(*state, LSB_LANG_PYTHON, "print(6 * 7)", 0);
    assert_true(r.success);
    assert_string_equal(r.stdout_data, "42\n");
    lsb_result_free(&r);
    r = run(*state, LSB_LANG_JAVASCRIPT, "console.log([1,2].map(x => x + 1).join())", 0);
    assert_true(r.success);
    assert_string_equal(r.stdout_data, "2,3\n");
    lsb_result_free(&r);
}

/* Non-ASCII text comes back as the UTF-8 bytes the guest printed, from
 * both guests, on stdout and in an error message. */
static void test_utf8_outputs(void **state) {
    lsb_result r = run(*state, LSB_LANG_PYTHON,
                       "import sys\nprint('caf\u00e9 \u2014 \u65e5\u672c')\n"
                       "print('\u00e7a', file=sys.stderr)\nraise ValueError('\u2717')",
                       0);
    assert_false(r.success);
    assert_string_equal(r.stdout_data, "caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac\n");
    assert_non_null(strstr(r.stderr_data, "\xc3\xa7"
                                          "a\n"));
    assert_string_equal(r.error_type, "ValueError");
    assert_string_equal(r.error_message, "\xe2\x9c\x97");
    lsb_result_free(&r);
    r = run(*state, LSB_LANG_JAVASCRIPT, "console.log('caf\u00e9 \U0001F389')", 0);
    assert_true(r.success);
    assert_string_equal(r.stdout_data, "caf\xc3\xa9 \xf0\x9f\x8e\x89\n");
    lsb_result_free(&r);
}

/* The same code costs the same fuel through a zygote and directly. */
static void test_fuel_matches_direct(void **state) {
    const char *code = "s = 0\nfor i in range(5000): s += i\nprint(s)";
    lsb_sandbox *direct;
    char err[512];
    assert_int_equal(lsb_sandbox_open(&direct, assets, err, sizeof err), LSB_OK);
    lsb_result a = run(*state, LSB_LANG_PYTHON, code, 0);
    lsb_result b = run(direct, LSB_LANG_PYTHON, code, 0);
    assert_true(a.success && b.success);
    assert_true(a.fuel_consumed > 0);
    assert_int_equal(a.fuel_consumed, b.fuel_consumed);
    lsb_result_free(&a);
    lsb_result_free(&b);
    lsb_sandbox_close(direct);
}

/* A run killed at its deadline does not take the zygote down. */
static void test_timeout_then_serve(void **state) {
    lsb_result r = run(*state, LSB_LANG_PYTHON, "import time\ntime.sleep(30)", 500);
    assert_int_equal(r.trap, LSB_TRAP_TIMEOUT);
    assert_false(r.success);
    lsb_result_free(&r);
    r = run(*state, LSB_LANG_JAVASCRIPT, "while (true) {}", 60000);
    assert_true(r.trap == LSB_TRAP_OUT_OF_FUEL || r.trap == LSB_TRAP_TIMEOUT);
    lsb_result_free(&r);
    r = run(*state, LSB_LANG_PYTHON, "print('still here')", 0);
    assert_true(r.success);
    assert_string_equal(r.stdout_data, "still here\n");
    lsb_result_free(&r);
}

/* SIGKILL every direct child of this process (the zygotes); returns how many. */
static int kill_zygotes(void) {
    int killed = 0;
    DIR *proc = opendir("/proc");
    struct dirent *de;
    while (proc != NULL && (de = readdir(proc)) != NULL) {
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *after_name = strrchr(buf, ')'); /* "pid (comm) state ppid ..." */
        char state;
        int ppid;
        if (after_name && sscanf(after_name + 1, " %c %d", &state, &ppid) == 2 &&
            ppid == getpid() && state != 'Z' && kill(atoi(de->d_name), SIGKILL) == 0)
            killed++;
    }
    if (proc) closedir(proc);
    return killed;
}

/* A zygote that died is replaced by the next execution, which succeeds. */
static void test_dead_zygote_is_replaced(void **state) {
    assert_int_equal(kill_zygotes(), 2);
    lsb_result r = run(*state, LSB_LANG_PYTHON, "print('back')", 0);
    assert_true(r.success);
    assert_string_equal(r.stdout_data, "back\n");
    lsb_result_free(&r);
    r = run(*state, LSB_LANG_JAVASCRIPT, "console.log('back')", 0);
    assert_true(r.success);
    lsb_result_free(&r);
}

/* Each thread runs RUNS_PER_THREAD executions and counts the good ones. */
static void *worker(void *arg) {
    lsb_sandbox *sb = arg;
    intptr_t good = 0;
    for (int i = 0; i < RUNS_PER_THREAD; i++) {
        lsb_language lang = i % 2 ? LSB_LANG_JAVASCRIPT : LSB_LANG_PYTHON;
        const char *code = i % 2 ? "console.log('x')" : "print('x')";
        lsb_policy policy;
        lsb_policy_init(&policy);
        lsb_result r;
        char err[256];
        if (lsb_execute(sb, lang, code, strlen(code), NULL, &policy, &r, err, sizeof err) ==
            LSB_OK) {
            good += r.success && strcmp(r.stdout_data, "x\n") == 0;
            lsb_result_free(&r);
        }
    }
    return (void *)good;
}

static void test_concurrent_callers(void **state) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, *state), 0);
    intptr_t total = 0;
    for (int i = 0; i < THREADS; i++) {
        void *good;
        pthread_join(t[i], &good);
        total += (intptr_t)good;
    }
    assert_int_equal(total, THREADS * RUNS_PER_THREAD);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: zygote_test ASSETS_DIR\n");
        return 2;
    }
    assets = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_utf8_outputs),
        cmocka_unit_test(test_fuel_matches_direct),
        cmocka_unit_test(test_timeout_then_serve),
        cmocka_unit_test(test_concurrent_callers),
        cmocka_unit_test(test_dead_zygote_is_replaced),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
