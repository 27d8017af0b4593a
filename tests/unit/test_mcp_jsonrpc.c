/*
 * test_mcp_jsonrpc.c - the JSON-RPC envelope checks of src/mcp/jsonrpc.c,
 * with malformed input of every kind a client can send.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcp/jsonrpc.h"

/* Classify text; the parsed value is returned for borrowed pointers. */
static json_t *classify(const char *text, mcp_rpc_msg *m) {
    json_t *v = NULL;
    char err[128];
    assert_int_equal(mcp_rpc_parse(text, strlen(text), &v, err, sizeof err), 0);
    mcp_rpc_classify(v, m);
    return v;
}

static void test_request_and_notification(void **state) {
    (void)state;
    mcp_rpc_msg m;
    json_t *v = classify("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", &m);
    assert_int_equal(m.kind, MCP_RPC_REQUEST);
    assert_string_equal(m.method, "ping");
    assert_int_equal(json_integer_value(m.id), 7);
    json_decref(v);
    v = classify("{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"x\",\"params\":{}}", &m);
    assert_int_equal(m.kind, MCP_RPC_REQUEST);
    assert_string_equal(json_string_value(m.id), "a-1");
    json_decref(v);
    v = classify("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", &m);
    assert_int_equal(m.kind, MCP_RPC_NOTIFICATION);
    assert_null(m.id);
    json_decref(v);
    v = classify("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}", &m);
    assert_int_equal(m.kind, MCP_RPC_RESPONSE);
    json_decref(v);
}

static void test_invalid_envelopes(void **state) {
    (void)state;
    static const char *const bad[] = {
        "5",
        "\"text\"",
        "null",
        "{}",
        "{\"id\":1,\"method\":\"x\"}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"x\"}",
        "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"x\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"x\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"x\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":[1,2]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":\"p\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mcp_rpc_msg m;
        json_t *v = classify(bad[i], &m);
        assert_int_equal(m.kind, MCP_RPC_INVALID);
        assert_non_null(strstr(m.why, "Invalid Request"));
        json_decref(v);
    }
}

static void test_invalid_keeps_valid_id(void **state) {
    (void)state;
    mcp_rpc_msg m;
    json_t *v = classify("{\"jsonrpc\":\"1.0\",\"id\":\"keep\",\"method\":\"x\"}", &m);
    assert_int_equal(m.kind, MCP_RPC_INVALID);
    assert_string_equal(json_string_value(m.id), "keep");
    json_decref(v);
}

static void test_parse_errors(void **state) {
    (void)state;
    static const char *const bad[] = {"",    "{",       "{\"a\":}", "garbage", "{\"a\":1,\"a\":2}",
                                      "[1,", "\xff\xfe"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *v = NULL;
        char err[128] = "";
        assert_int_equal(mcp_rpc_parse(bad[i], strlen(bad[i]), &v, err, sizeof err), -1);
        assert_null(v);
        assert_non_null(strstr(err, "Parse error"));
    }
    json_t *deep = NULL;
    char text[5000], err[128];
    memset(text, '[', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_int_equal(mcp_rpc_parse(text, strlen(text), &deep, err, sizeof err), -1);
}

static void test_nul_in_string_kept(void **state) {
    (void)state;
    const char text[] =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"c\":\"a\\u0000b\"}}";
    json_t *v = NULL;
    char err[64];
    assert_int_equal(mcp_rpc_parse(text, strlen(text), &v, err, sizeof err), 0);
    json_t *c = json_object_get(json_object_get(v, "params"), "c");
    assert_int_equal(json_string_length(c), 3);
    json_decref(v);
}

static void test_builders(void **state) {
    (void)state;
    json_t *id = json_string("q");
    json_t *r = mcp_rpc_result(id, json_pack("{s:i}", "a", 1));
    char *t = mcp_rpc_dump(r, NULL);
    assert_string_equal(t, "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"result\":{\"a\":1}}");
    free(t);
    json_decref(r);
    json_t *e = mcp_rpc_error(NULL, MCP_RPC_PARSE_ERROR, "bad", json_pack("{s:s}", "x", "y"));
    t = mcp_rpc_dump(e, NULL);
    assert_string_equal(t, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                           "\"message\":\"bad\",\"data\":{\"x\":\"y\"}}}");
    free(t);
    json_decref(e);
    json_t *n = mcp_rpc_notification("notifications/progress", NULL);
    t = mcp_rpc_dump(n, NULL);
    assert_string_equal(t, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}");
    free(t);
    json_decref(n);
    json_decref(id);
}

/* Found by fuzz_jsonrpc: an answer echoes its request's id exactly, so a
 * real id is kept only when the dump writes it back unrounded. */
static void test_real_ids_echo_exactly(void **state) {
    (void)state;
    mcp_rpc_msg m;
    size_t len;
    json_t *v = classify("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"café ☕ 日本\"}", &m);
    assert_int_equal(m.kind, MCP_RPC_REQUEST);
    json_t *r = mcp_rpc_result(m.id, json_object());
    char *text = mcp_rpc_dump(r, &len);
    assert_non_null(strstr(text, "\"id\":1.5"));
    free(text);
    json_decref(r);
    json_decref(v);
    v = classify("{\"jsonrpc\":\"2.0\",\"id\":1.0111111111111111,\"method\":\"x\"}", &m);
    assert_int_equal(m.kind, MCP_RPC_INVALID);
    assert_null(m.id);
    assert_non_null(strstr(m.why, "at most 12 significant digits"));
    json_decref(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_and_notification), cmocka_unit_test(test_invalid_envelopes),
        cmocka_unit_test(test_invalid_keeps_valid_id),   cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_nul_in_string_kept),       cmocka_unit_test(test_builders),
        cmocka_unit_test(test_real_ids_echo_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
