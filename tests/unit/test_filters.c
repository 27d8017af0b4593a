/*
 * test_filters.c - the seccomp programs compiled into the build
 * (BUILD/gen/lsb_filters.h, written by tools/filters) against what the
 * rules in src/sandbox/filter_rules.c compile to with this libseccomp:
 * instruction for instruction, so a stale header or a rule changed without
 * a rebuild fails here. Also: each program checks the architecture before
 * anything else (libseccomp's first instruction loads seccomp_data.arch),
 * ends in a return, and an unknown filter is refused with a message.
 * What the programs allow and kill is tested by running them
 * (test_lockdown.c, test_zygote_filter.c).
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lsb_filters.h"
#include "sandbox/filter_rules.h"

/* A generated program and its length. */
typedef struct built_program {
    const struct sock_filter *insns;
    size_t count;
} built_program;

#define BUILT(a) ((built_program){a, sizeof a / sizeof a[0]})

/* The program the build holds for filter. */
static built_program built(frules_filter filter) {
    switch (filter) {
    case FRULES_RUN: return BUILT(lsb_filter_run);
    case FRULES_SESSION: return BUILT(lsb_filter_session);
    default: return BUILT(lsb_filter_zygote);
    }
}

/* Compile filter now and compare it with the build's program. */
static void assert_matches_rules(frules_filter filter) {
    char err[256] = "";
    struct sock_filter *now = NULL;
    size_t count = 0;
    assert_int_equal(frules_compile(filter, &now, &count, err, sizeof err), 0);
    built_program b = built(filter);
    assert_int_equal(count, b.count);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(now[i].code, b.insns[i].code);
        assert_int_equal(now[i].jt, b.insns[i].jt);
        assert_int_equal(now[i].jf, b.insns[i].jf);
        assert_int_equal(now[i].k, b.insns[i].k);
    }
    free(now);
}

static void test_run_program_matches_rules(void **state) {
    (void)state;
    assert_matches_rules(FRULES_RUN);
}

static void test_session_program_matches_rules(void **state) {
    (void)state;
    assert_matches_rules(FRULES_SESSION);
}

static void test_zygote_program_matches_rules(void **state) {
    (void)state;
    assert_matches_rules(FRULES_ZYGOTE);
}

/* Every program starts by loading the architecture and ends in a return;
 * the session list is the run list plus its own rules, so it is longer. */
static void test_programs_check_arch_first(void **state) {
    (void)state;
    for (int f = 0; f < FRULES_COUNT; f++) {
        built_program b = built((frules_filter)f);
        assert_true(b.count > 2 && b.count <= FRULES_MAX_INSNS);
        assert_int_equal(b.insns[0].code, BPF_LD | BPF_W | BPF_ABS);
        assert_int_equal(b.insns[0].k, offsetof(struct seccomp_data, arch));
        assert_int_equal(BPF_CLASS(b.insns[b.count - 1].code), BPF_RET);
    }
    assert_true(built(FRULES_SESSION).count > built(FRULES_RUN).count);
}

static void test_unknown_filter_is_refused(void **state) {
    (void)state;
    char err[256] = "";
    struct sock_filter *insns = NULL;
    size_t count = 0;
    assert_null(frules_symbol(FRULES_COUNT));
    assert_int_equal(frules_compile(FRULES_COUNT, &insns, &count, err, sizeof err), -1);
    assert_non_null(strstr(err, "no such filter"));
    assert_null(insns);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_program_matches_rules),
        cmocka_unit_test(test_session_program_matches_rules),
        cmocka_unit_test(test_zygote_program_matches_rules),
        cmocka_unit_test(test_programs_check_arch_first),
        cmocka_unit_test(test_unknown_filter_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
