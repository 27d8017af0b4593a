/*
 * test_mcp_owner.c - the owners of MCP sessions (src/mcp/owner.c): owner
 * names are hashes that differ by kind and secret, never contain the
 * secret, and are valid owner labels of a session record. (Keeping them in
 * the record and moving legacy owner files there need a sandbox: see
 * tests/e2e/session_test.c and tests/attack/mcpsec.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "mcp/owner.h"
#include "wasm/guest.h"

/* owner.c reaches the session calls, and through them the sandbox and
 * its guests: empty stand-ins, never run. */
const guest_module guest_python, guest_quickjs;

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
    assert_string_equal(b, c);                       /* stdio has one owner */
    assert_true(strlen(a) <= LSB_SESSION_OWNER_MAX); /* fits a session record */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
