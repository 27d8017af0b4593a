/*
 * test_mcp_owner.c - the owners of MCP sessions (src/mcp/owner.c): owner
 * names are hashes that differ by kind and secret and never contain the
 * secret; records are written, read, compared and forgotten in a folder,
 * and ids that could leave it are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcp/owner.h"

static void test_derive(void **state) {
    (void)state;
    char a[MCP_OWNER_LEN + 1], b[MCP_OWNER_LEN + 1], c[MCP_OWNER_LEN + 1];
    mcp_owner_derive(MCP_OWNER_TOKEN, "s3cret-café", a);
    mcp_owner_derive(MCP_OWNER_TOKEN, "s3cret-café", b);
    assert_string_equal(a, b); /* stable: a restart keeps a token's sessions */
    assert_int_equal(strlen(a), MCP_OWNER_LEN);
    assert_memory_equal(a, "o-", 2);
    assert_int_equal(strspn(a + 2, "0123456789abcdefABCDEF"), MCP_OWNER_LEN - 2);
    assert_null(strstr(a, "s3cret"));
    mcp_owner_derive(MCP_OWNER_PROTOCOL, "s3cret-café", c);
    assert_string_not_equal(a, c); /* the kind is part of the hash */
    mcp_owner_derive(MCP_OWNER_TOKEN, "s3cret-cafe", c);
    assert_string_not_equal(a, c);
    mcp_owner_derive(MCP_OWNER_STDIO, NULL, b);
    mcp_owner_derive(MCP_OWNER_STDIO, "", c);
    assert_string_equal(b, c); /* stdio has one owner */
}

static void test_records(void **state) {
    (void)state;
    char dir[] = "/tmp/lsb-owner-test-XXXXXX", err[256], out[MCP_OWNER_LEN + 1],
         alice[MCP_OWNER_LEN + 1], bob[MCP_OWNER_LEN + 1];
    assert_non_null(mkdtemp(dir));
    mcp_owner_derive(MCP_OWNER_PROTOCOL, "alice-日本", alice);
    mcp_owner_derive(MCP_OWNER_PROTOCOL, "bob", bob);
    assert_int_equal(mcp_owner_read(dir, "s1", out), -1);
    assert_string_equal(out, "");
    assert_false(mcp_owner_is(dir, "s1", alice));
    assert_int_equal(mcp_owner_record(dir, "s1", alice, err, sizeof err), 0);
    assert_int_equal(mcp_owner_read(dir, "s1", out), 0);
    assert_string_equal(out, alice);
    assert_true(mcp_owner_is(dir, "s1", alice));
    assert_false(mcp_owner_is(dir, "s1", bob));
    assert_int_equal(mcp_owner_record(dir, "s1", MCP_OWNER_RELEASED, err, sizeof err), 0);
    assert_false(mcp_owner_is(dir, "s1", alice)); /* replaced, not appended */
    assert_true(mcp_owner_is(dir, "s1", MCP_OWNER_RELEASED));
    mcp_owner_forget(dir, "s1");
    assert_int_equal(mcp_owner_read(dir, "s1", out), -1);
    mcp_owner_forget(dir, "s1"); /* a missing record is fine */
    static const char *const bad[] = {"../x", "a/b", ".hidden", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(mcp_owner_record(dir, bad[i], alice, err, sizeof err), -1);
        assert_non_null(strstr(err, "bad id"));
        assert_int_equal(mcp_owner_read(dir, bad[i], out), -1);
    }
    char tmp[sizeof dir + 8];
    snprintf(tmp, sizeof tmp, "%s/s1.tmp", dir);
    assert_int_equal(access(tmp, F_OK), -1); /* no temporary file left */
    assert_int_equal(rmdir(dir), 0);         /* and nothing else either */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
