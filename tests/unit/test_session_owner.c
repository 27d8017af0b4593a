/*
 * test_session_owner.c - the owner label of a session record
 * (src/session/record.c): it round-trips through encode and decode, a
 * record without one has no "owner" key and decodes as before, a label
 * that is too long or holds other characters than [A-Za-z0-9._:-] is
 * refused (sess_record_owner_check, used for lsb_session_options.owner
 * and lsb_session_set_owner) and so is a hand-damaged "owner" in a
 * record, and a record damaged elsewhere still names its owner. The
 * library calls over a real sandbox are in tests/e2e/session_test.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmsandbox.h"
#include "session/record.h"

/* A record's info with every field set (owner as given). */
static lsb_session_info sample(const char *owner) {
    lsb_session_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.id, sizeof info.id, "café-less-id");
    info.language = LSB_LANG_PYTHON;
    info.created_at = 1700000000.5;
    info.last_used_at = 1700000100.25;
    info.execution_count = 3;
    lsb_policy_init(&info.policy);
    snprintf(info.owner, sizeof info.owner, "%s", owner);
    return info;
}

/* Decode text as the record of "café-less-id"; returns decode's result. */
static int decode(const char *text, lsb_session_info *out, char *err, size_t errlen) {
    return sess_record_decode("café-less-id", text, strlen(text), out, err, errlen);
}

static void test_round_trip(void **state) {
    (void)state;
    char max[LSB_SESSION_OWNER_MAX + 1], err[300] = "";
    memset(max, 'z', LSB_SESSION_OWNER_MAX);
    max[LSB_SESSION_OWNER_MAX] = '\0';
    const char *owners[] = {"o-0123456789abcdef0123456789abcdef", "released", "team.a:user_1-x",
                            max};
    for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++) {
        lsb_session_info info = sample(owners[i]), back;
        char *text = sess_record_encode(&info);
        assert_non_null(text);
        assert_non_null(strstr(text, "\"owner\""));
        assert_int_equal(decode(text, &back, err, sizeof err), 0);
        assert_string_equal(back.owner, owners[i]);
        assert_int_equal(back.execution_count, 3);
        free(text);
    }
}

static void test_no_owner(void **state) {
    (void)state;
    char err[300] = "";
    lsb_session_info info = sample(""), back;
    char *text = sess_record_encode(&info);
    assert_non_null(text);
    assert_null(strstr(text, "owner")); /* no key: the record reads as before */
    memset(&back, 'x', sizeof back);
    assert_int_equal(decode(text, &back, err, sizeof err), 0);
    assert_string_equal(back.owner, "");
    free(text);
    /* a record written before owners existed */
    const char *old = "{\"version\": 1, \"id\": \"café-less-id\", \"runtime\": \"javascript\", "
                      "\"created_at\": 1.0, \"last_used_at\": 2.0, \"execution_count\": 0, "
                      "\"auto_persist_globals\": false, \"policy\": {\"fuel\": 1000000, "
                      "\"memory_bytes\": 67108864, \"timeout_ms\": 1000, \"stdout_max\": 100, "
                      "\"stderr_max\": 100, \"quota_bytes\": 1000, \"quota_files\": 10}}";
    assert_int_equal(decode(old, &back, err, sizeof err), 0);
    assert_string_equal(back.owner, "");
    assert_int_equal(back.language, LSB_LANG_JAVASCRIPT);
}

static void test_check(void **state) {
    (void)state;
    char err[300] = "", long_owner[LSB_SESSION_OWNER_MAX + 2];
    assert_int_equal(sess_record_owner_check(NULL, err, sizeof err), 0);
    assert_int_equal(sess_record_owner_check("", err, sizeof err), 0);
    assert_int_equal(sess_record_owner_check("o-ABC.def:1_2-3", err, sizeof err), 0);
    memset(long_owner, 'a', sizeof long_owner - 1);
    long_owner[sizeof long_owner - 1] = '\0';
    assert_int_equal(sess_record_owner_check(long_owner, err, sizeof err), -1);
    assert_non_null(strstr(err, "longer than 64 bytes"));
    const char *bad[] = {"café", "a b", "a/b", "a\"b", "ユーザー", "a\nb", "../x"};
    const char *at[] = {"0xc3 at offset 3", "0x20 at offset 1", "0x2f at offset 1",
                        "0x22 at offset 1", "0xe3 at offset 0", "0x0a at offset 1",
                        "0x2f at offset 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sess_record_owner_check(bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, at[i]));
        assert_non_null(strstr(err, "only letters, digits, '.', '_', ':' and '-'"));
    }
}

/* A record text with "owner": value (raw JSON) in place of a good one. */
static char *with_owner(const char *value) {
    lsb_session_info info = sample("PLACEHOLDER");
    char *text = sess_record_encode(&info), *at = strstr(text, "\"PLACEHOLDER\"");
    assert_non_null(at);
    size_t len = strlen(text) + strlen(value) + 1;
    char *out = malloc(len);
    assert_non_null(out);
    snprintf(out, len, "%.*s%s%s", (int)(at - text), text, value, at + strlen("\"PLACEHOLDER\""));
    free(text);
    return out;
}

static void test_damaged_owner_refused(void **state) {
    (void)state;
    char too_long[LSB_SESSION_OWNER_MAX + 8];
    snprintf(too_long, sizeof too_long, "\"%0*d\"", LSB_SESSION_OWNER_MAX + 1, 7);
    /* "" too: the encoder leaves an empty label out, so only a hand wrote it */
    const char *values[] = {"7", "null", "\"\"", "[\"o-1\"]", "\"café ☕\"", "\"a b\"", too_long};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char *text = with_owner(values[i]), err[300] = "";
        lsb_session_info back;
        assert_int_equal(decode(text, &back, err, sizeof err), -1);
        assert_non_null(strstr(err, "is unusable: its owner is not a string of 1 to 64"));
        assert_string_equal(back.owner, "");
        free(text);
    }
}

static void test_damaged_record_keeps_owner(void **state) {
    (void)state;
    char err[300] = "";
    lsb_session_info back;
    /* the owner is whole, the rest is not: the owner is still known */
    const char *text = "{\"version\": 99, \"owner\": \"o-日本\"}";
    assert_int_equal(decode(text, &back, err, sizeof err), -1);
    assert_string_equal(back.owner, ""); /* not a valid label: nothing */
    text = "{\"version\": 99, \"owner\": \"o-cafe.1\"}";
    assert_int_equal(decode(text, &back, err, sizeof err), -1);
    assert_non_null(strstr(err, "a field is missing"));
    assert_string_equal(back.owner, "o-cafe.1");
    assert_int_equal(decode("{oops \"owner\": \"o-x\"", &back, err, sizeof err), -1);
    assert_string_equal(back.owner, "");      /* not JSON: no owner */
    char *nul = with_owner("\"o-\\u0000x\""); /* a NUL inside: refused as JSON */
    assert_int_equal(decode(nul, &back, err, sizeof err), -1);
    assert_non_null(strstr(err, "is unusable"));
    assert_string_equal(back.owner, "");
    free(nul);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_no_owner),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_damaged_owner_refused),
        cmocka_unit_test(test_damaged_record_keeps_owner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
