/*
 * test_mcp_protocol.c - MCP dispatch without a transport or a sandbox:
 * version negotiation in both eras, server/discover, the _meta and header
 * checks of 2026-07-28, batches, notifications, tools/list and the tool
 * argument checks (which answer before any code would run); the client
 * name's cut on a character boundary, and the HTTP protocol-session table
 * (per-client bound, no eviction of another client's or a busy session).
 * The audit line is never dropped. The tool set is the real catalog bound
 * to a stub, so no guest is linked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mcp/audit.h"
#include "mcp/calls.h"
#include "mcp/jsonrpc.h"
#include "mcp/peer.h"
#include "mcp/protocol.h"
#include "mcp/schema.h"
#include "mcp/tool_result.h"
#include "mcp/tools.h"
#include "util/utf8.h"

#define META_MODERN                                                                                \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                       \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

typedef struct collected {
    json_t *final;
    int finals, notes;
    mcp_send_kind kind;
} collected;

static void collect(void *ctx, const char *json, size_t len, mcp_send_kind kind) {
    collected *c = ctx;
    if (kind == MCP_SEND_NOTIFICATION) {
        c->notes++;
        return;
    }
    c->finals++;
    c->kind = kind;
    c->final = json ? json_loadb(json, len, 0, NULL) : NULL;
}

static mcp_server srv;
static mcp_toolset *tools;

/* Every tool runs this: a successful result shaped like list_runtimes'. */
static json_t *stub_run(struct mcp_call *call) {
    (void)call;
    return mcp_result_new("stub", json_pack("{s:[s,s]}", "runtimes", "python", "javascript"),
                          false);
}

static const mcp_tool_binding stub_runs[] = {
    {"execute_code", stub_run},
    {"create_session", stub_run},
    {"destroy_session", stub_run},
    {"list_runtimes", stub_run},
    {"list_available_packages", stub_run},
    {"install_package", stub_run},
    {"get_workspace_info", stub_run},
    {"reset_workspace", stub_run},
    {"cancel_execution", stub_run},
    {"get_metrics", stub_run},
    {"get_active_sessions", stub_run},
    {"reset_all_sessions", stub_run},
};

static int setup(void **state) {
    (void)state;
    mcp_opt_defaults(&srv.opt);
    pthread_mutex_init(&srv.lock, NULL);
    tools = mcp_tools_new(&srv.opt, stub_runs, sizeof stub_runs / sizeof stub_runs[0]);
    srv.tools = tools;
    srv.calls = mcp_calls_new(&srv, 1, 1);
    return srv.calls && tools ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    mcp_calls_stop(srv.calls);
    mcp_tools_free(tools);
    return 0;
}

/* Send text from peer (header version hv, or NULL); returns the final
 * message (caller decrefs), asserting exactly one final call. */
static mcp_send_kind last_kind; /* the final kind of the last send_as */

static json_t *send_as(mcp_peer *peer, const char *hv, const char *text) {
    collected c = {0};
    mcp_inbound in = {"test", hv != NULL, hv};
    mcp_out out = {collect, &c};
    mcp_proto_handle(&srv, peer, &in, text, strlen(text), &out);
    assert_int_equal(c.finals, 1);
    last_kind = c.kind;
    return c.final;
}

static int error_code(json_t *m) {
    return (int)json_integer_value(json_object_get(json_object_get(m, "error"), "code"));
}

static json_t *result_of(json_t *m) { return json_object_get(m, "result"); }

static void test_initialize_negotiates(void **state) {
    (void)state;
    static const struct {
        const char *asked, *got;
    } cases[] = {{"2025-11-25", "2025-11-25"},
                 {"2025-06-18", "2025-06-18"},
                 {"2025-03-26", "2025-03-26"},
                 {"1999-01-01", "2025-11-25"},
                 {"2026-07-28", "2025-11-25"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mcp_peer *p = mcp_peer_new("test");
        char text[256];
        snprintf(text, sizeof text,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                 "\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\"}}}",
                 cases[i].asked);
        json_t *m = send_as(p, NULL, text);
        assert_string_equal(json_string_value(json_object_get(result_of(m), "protocolVersion")),
                            cases[i].got);
        assert_non_null(json_object_get(json_object_get(result_of(m), "capabilities"), "tools"));
        assert_string_equal(p->version, cases[i].got);
        json_decref(m);
        mcp_peer_unref(p);
    }
    mcp_peer *p = mcp_peer_new("test");
    json_t *m =
        send_as(p, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
    assert_int_equal(error_code(m), MCP_RPC_INVALID_PARAMS);
    assert_int_equal(last_kind, MCP_SEND_ERROR);
    json_decref(m);
    mcp_peer_unref(p);
}

static void test_discover_and_modern_checks(void **state) {
    (void)state;
    mcp_peer *p = mcp_peer_new("test");
    json_t *m = send_as(p, "2026-07-28",
                        "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"server/discover\","
                        "\"params\":{" META_MODERN "}}");
    json_t *r = result_of(m);
    assert_string_equal(json_string_value(json_object_get(r, "resultType")), "complete");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(r, "supportedVersions"), 0)),
        "2026-07-28");
    assert_non_null(json_object_get(r, "ttlMs"));
    json_decref(m);
    /* discover without _meta */
    m = send_as(p, NULL, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"server/discover\"}");
    assert_int_equal(error_code(m), MCP_RPC_INVALID_PARAMS);
    assert_int_equal(last_kind, MCP_SEND_BAD_REQUEST);
    json_decref(m);
    /* unknown version */
    m = send_as(p, "v999",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{"
                "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"v999\","
                "\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
    assert_int_equal(error_code(m), MCP_RPC_UNSUPPORTED_VERSION);
    assert_int_equal(last_kind, MCP_SEND_BAD_REQUEST);
    json_t *data = json_object_get(json_object_get(m, "error"), "data");
    assert_string_equal(json_string_value(json_object_get(data, "requested")), "v999");
    assert_true(json_array_size(json_object_get(data, "supported")) >= 2);
    json_decref(m);
    /* header disagrees with _meta, or is missing on HTTP */
    m = send_as(p, "2025-11-25",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{" META_MODERN
                "}}");
    assert_int_equal(error_code(m), MCP_RPC_HEADER_MISMATCH);
    assert_int_equal(last_kind, MCP_SEND_BAD_REQUEST);
    json_decref(m);
    /* missing client capabilities */
    m = send_as(p, "2026-07-28",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{"
                "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                "\"2026-07-28\"}}}");
    assert_int_equal(error_code(m), MCP_RPC_INVALID_PARAMS);
    assert_int_equal(last_kind, MCP_SEND_BAD_REQUEST);
    json_decref(m);
    /* methods the stateless era removed */
    static const char *const removed[] = {"ping", "logging/setLevel", "initialize"};
    for (size_t i = 0; i < 3; i++) {
        char text[300];
        snprintf(text, sizeof text,
                 "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"%s\",\"params\":{" META_MODERN "}}",
                 removed[i]);
        m = send_as(p, "2026-07-28", text);
        assert_int_equal(error_code(m), MCP_RPC_METHOD_NOT_FOUND);
        assert_int_equal(last_kind, MCP_SEND_NO_METHOD);
        json_decref(m);
    }
    /* tools/list in the stateless era carries its cache fields */
    m = send_as(p, "2026-07-28",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{" META_MODERN
                "}}");
    assert_non_null(json_object_get(result_of(m), "ttlMs"));
    assert_string_equal(json_string_value(json_object_get(result_of(m), "resultType")), "complete");
    json_decref(m);
    mcp_peer_unref(p);
}

static void test_legacy_utilities(void **state) {
    (void)state;
    mcp_peer *p = mcp_peer_new("test");
    assert_int_equal(atomic_load(&p->log_level), -1); /* no logs until setLevel */
    json_t *m = send_as(p, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    assert_true(json_is_object(result_of(m)));
    assert_int_equal(json_object_size(result_of(m)), 0);
    json_decref(m);
    m = send_as(p, NULL,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\","
                "\"params\":{\"level\":\"debug\"}}");
    assert_non_null(result_of(m));
    assert_int_equal(atomic_load(&p->log_level), 0);
    json_decref(m);
    m = send_as(p, NULL,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"logging/setLevel\","
                "\"params\":{\"level\":\"loud\"}}");
    assert_int_equal(error_code(m), MCP_RPC_INVALID_PARAMS);
    assert_int_equal(last_kind, MCP_SEND_ERROR);
    json_decref(m);
    m = send_as(p, NULL, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/list\"}");
    assert_int_equal(error_code(m), MCP_RPC_METHOD_NOT_FOUND);
    assert_int_equal(last_kind, MCP_SEND_ERROR);
    json_decref(m);
    /* notifications and responses get nothing */
    assert_null(send_as(p, NULL, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
    assert_true(atomic_load(&p->initialized));
    assert_null(send_as(p, NULL,
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                        "\"params\":{\"requestId\":99}}"));
    assert_null(send_as(p, NULL, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}"));
    m = send_as(p, NULL, "{not json");
    assert_int_equal(error_code(m), MCP_RPC_PARSE_ERROR);
    assert_int_equal(last_kind, MCP_SEND_BAD_REQUEST);
    assert_true(json_is_null(json_object_get(m, "id")));
    json_decref(m);
    mcp_peer_unref(p);
}

static void test_batches(void **state) {
    (void)state;
    mcp_peer *p = mcp_peer_new("test");
    const char *batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"},5]";
    snprintf(p->version, sizeof p->version, "2025-11-25");
    json_t *m = send_as(p, NULL, batch);
    assert_int_equal(error_code(m), MCP_RPC_INVALID_REQUEST); /* no batches in 2025-11-25 */
    assert_int_equal(last_kind, MCP_SEND_BAD_REQUEST);
    json_decref(m);
    snprintf(p->version, sizeof p->version, "2025-03-26");
    m = send_as(p, NULL, batch);
    assert_true(json_is_array(m));
    assert_int_equal(json_array_size(m), 3); /* ping, nope, the invalid 5; not the notification */
    json_decref(m);
    m = send_as(p, NULL, "[]");
    assert_int_equal(error_code(m), MCP_RPC_INVALID_REQUEST);
    assert_int_equal(last_kind, MCP_SEND_BAD_REQUEST);
    json_decref(m);
    assert_null(send_as(p, NULL, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}]"));
    mcp_peer_unref(p);
}

static void test_tools_list_schemas(void **state) {
    (void)state;
    mcp_peer *p = mcp_peer_new("test");
    json_t *m = send_as(p, NULL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    json_t *tools = json_object_get(result_of(m), "tools"), *t;
    size_t i;
    assert_int_equal(json_array_size(tools), 12); /* the original's 11 and install_package */
    json_array_foreach(tools, i, t) {
        json_t *schema = json_object_get(t, "inputSchema");
        assert_string_equal(json_string_value(json_object_get(schema, "type")), "object");
        assert_true(json_is_false(json_object_get(schema, "additionalProperties")));
        assert_true(strlen(json_string_value(json_object_get(t, "description"))) > 20);
    }
    json_decref(m);
    mcp_peer_unref(p);
}

/* tools/call with arguments; returns the text of the isError result. */
static char *call_error(mcp_peer *p, const char *tool, const char *args) {
    char text[512];
    snprintf(text, sizeof text,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
             "\"arguments\":%s}}",
             tool, args);
    json_t *m = send_as(p, NULL, text), *r = result_of(m);
    assert_true(json_is_true(json_object_get(r, "isError")));
    char *out = strdup(json_string_value(
        json_object_get(json_array_get(json_object_get(r, "content"), 0), "text")));
    json_decref(m);
    return out;
}

static void test_tool_argument_checks(void **state) {
    (void)state;
    mcp_peer *p = mcp_peer_new("test");
    static const struct {
        const char *tool, *args, *needle;
    } cases[] = {
        {"execute_code", "{}", "missing required argument 'code'"},
        {"execute_code", "{\"code\":5}", "'code' must be a string"},
        {"execute_code", "{\"code\":\"\"}", "'code' must be 1 to"},
        {"execute_code", "{\"code\":\"x\",\"timeout\":0}",
         "Invalid timeout value: argument 'timeout' must be between 1 and 300"},
        {"execute_code", "{\"code\":\"x\",\"timeout\":301}", "between 1 and 300"},
        {"execute_code", "{\"code\":\"x\",\"timeout\":\"5\"}", "'timeout' must be an integer"},
        {"execute_code", "{\"code\":\"x\",\"timeout\":2.5}", "'timeout' must be an integer"},
        /* found by fuzz_schema: a real beyond long long was cast (UB) */
        {"execute_code", "{\"code\":\"x\",\"timeout\":3e40}", "'timeout' must be an integer"},
        {"execute_code", "{\"code\":\"x\",\"timeout\":-9.3e18}", "'timeout' must be an integer"},
        {"execute_code", "{\"code\":\"x\",\"session_id\":7}", "'session_id' must be a string"},
        {"execute_code", "{\"code\":\"x\",\"language\":\"ruby\"}",
         "Unsupported language: ruby. Supported: python, javascript"},
        {"create_session", "{\"language\":\"cobol\"}",
         "Unsupported language: cobol. Supported: python, javascript"},
        {"reset_all_sessions", "{\"cleanup_disk\":1}", "'cleanup_disk' must be a boolean"},
        {"execute_code", "{\"code\":\"x\",\"extra\":1}", "unknown argument 'extra'"},
        {"create_session", "{}", "missing required argument 'language'"},
        {"create_session", "{\"language\":\"python\",\"auto_persist_globals\":\"yes\"}",
         "must be a boolean"},
        {"destroy_session", "{\"session_id\":\"\"}", "'session_id' must be 1 to 128"},
        {"install_package", "{\"session_id\":\"s\"}", "missing required argument 'package'"},
        /* a session id's form is the tool's own check (malformed.sh covers it) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = call_error(p, cases[i].tool, cases[i].args);
        if (strstr(text, cases[i].needle) == NULL)
            fail_msg("%s %s: %s", cases[i].tool, cases[i].args, text);
        free(text);
    }
    json_t *m = send_as(p, NULL,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                        "\"params\":{\"name\":\"rm_rf\",\"arguments\":{}}}");
    assert_int_equal(error_code(m), MCP_RPC_INVALID_PARAMS);
    assert_int_equal(last_kind, MCP_SEND_ERROR);
    json_decref(m);
    m = send_as(p, NULL,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                "\"params\":{\"name\":\"execute_code\",\"arguments\":[1]}}");
    assert_int_equal(error_code(m), MCP_RPC_INVALID_PARAMS);
    assert_int_equal(last_kind, MCP_SEND_ERROR);
    json_decref(m);
    mcp_peer_unref(p);
}

/* The original's optional arguments ("X | None = None") accept null: the
 * tool's schema passes them (the tool then uses the default). */
static void test_null_optional_arguments(void **state) {
    (void)state;
    static const struct {
        const char *tool, *args;
    } calls[] = {
        {"execute_code", "{\"code\":\"print('café')\",\"timeout\":null,\"session_id\":null}"},
        {"execute_code", "{\"code\":\"x\",\"timeout\":300,\"language\":\"javascript\"}"},
        {"create_session", "{\"language\":\"python\",\"session_id\":null}"},
        {"reset_all_sessions", "{\"cleanup_disk\":true}"},
        {"reset_all_sessions", "{}"},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        const mcp_tool *t = mcp_tools_find(tools, calls[i].tool);
        json_t *args = json_loads(calls[i].args, 0, NULL);
        char why[256];
        assert_non_null(t);
        assert_non_null(args);
        const char *bad = mcp_schema_check(t->schema, t->name, args, why, sizeof why);
        if (bad != NULL) fail_msg("%s %s refused: %s", calls[i].tool, calls[i].args, bad);
        json_decref(args);
    }
}

/* The original's session-limit error: its message is the text, and the
 * structured content has exactly its five keys. */
static void test_session_limit_error(void **state) {
    (void)state;
    mcp_options opt;
    mcp_opt_defaults(&opt);
    opt.max_sessions = 7;
    json_t *r = mcp_result_session_limit(&opt, 7), *sc = json_object_get(r, "structuredContent");
    const char *message = "Maximum sessions (7) reached. Destroy existing sessions first.";
    assert_true(json_is_true(json_object_get(r, "isError")));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(r, "content"), 0), "text")),
                        message);
    json_t *want =
        json_pack("{s:s, s:s, s:i, s:i, s:s}", "error", "session_limit_exceeded", "message",
                  message, "active_sessions", 7, "max_sessions", 7, "hint",
                  "Use destroy_session to remove unused sessions, or wait for sessions to expire.");
    assert_true(json_equal(sc, want));
    json_decref(want);
    json_decref(r);
}

static void test_inline_tool(void **state) {
    (void)state;
    mcp_peer *p = mcp_peer_new("test");
    json_t *m = send_as(p, NULL,
                        "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
                        "\"params\":{\"name\":\"list_runtimes\"}}");
    json_t *r = result_of(m);
    assert_true(json_is_false(json_object_get(r, "isError")));
    json_t *rt = json_object_get(json_object_get(r, "structuredContent"), "runtimes");
    assert_int_equal(json_array_size(rt), 2);
    json_decref(m);
    mcp_peer_unref(p);
}

/* The clientInfo.name sent in an initialize, as the peer keeps it. */
static void initialize_named(mcp_peer *p, const char *name) {
    json_t *req = json_pack("{s:s, s:i, s:s, s:{s:s, s:{}, s:{s:s}}}", "jsonrpc", "2.0", "id", 1,
                            "method", "initialize", "params", "protocolVersion", "2025-06-18",
                            "capabilities", "clientInfo", "name", name);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    json_t *m = send_as(p, NULL, text);
    free(text);
    assert_non_null(result_of(m));
    json_decref(m);
}

/* A name too long for the peer is cut before the character that does not
 * fit (the audit-evasion case: 62 x "a" + "é" is 64 bytes), never inside
 * it; a short non-ASCII name is kept whole. */
static void test_client_name_cut(void **state) {
    (void)state;
    char name[80];
    static const struct {
        const char *tail;
        size_t pad, kept;
    } cases[] = {{"é", 62, 62}, {"日", 61, 61}, {"☕", 60, 63}, {"é", 61, 63}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(name, 'a', cases[i].pad);
        snprintf(name + cases[i].pad, sizeof name - cases[i].pad, "%s", cases[i].tail);
        mcp_peer *p = mcp_peer_new("test");
        initialize_named(p, name);
        assert_int_equal(strlen(p->client), cases[i].kept);
        assert_true(utf8_valid(p->client, strlen(p->client), NULL));
        assert_memory_equal(p->client, name, cases[i].kept);
        mcp_peer_unref(p);
    }
    mcp_peer *p = mcp_peer_new("test");
    initialize_named(p, "café ☕ 日本");
    assert_string_equal(p->client, "café ☕ 日本");
    mcp_peer_unref(p);
}

/* A peer of key already used by an initialize and n - 1 more requests. */
static mcp_peer *peer_used(const char *key, unsigned n) {
    mcp_peer *p = mcp_peer_new(key);
    for (unsigned i = 0; i < n; i++)
        mcp_peer_touch(p);
    return p;
}

/* Whether t still holds the session of p. */
static bool table_has(mcp_peer_table *t, const mcp_peer *p) {
    mcp_peer *found = mcp_peer_table_get(t, p->id, false);
    mcp_peer_unref(found);
    return found != NULL;
}

/* One client's flood of initializes pushes out only its own unused
 * sessions; a used one stays, a busy one stays, and once the client has
 * nothing left to give up it is refused. Another client is never touched:
 * a full table refuses instead. */
static void test_session_table_bounds(void **state) {
    (void)state;
    mcp_peer_table *t = mcp_peer_table_new(4, 2, 3600, 3600, NULL);
    mcp_peer *a = peer_used("ip:127.0.0.1", 3), *busy = peer_used("ip:127.0.0.1", 1);
    assert_int_equal(mcp_peer_table_add(t, a), MCP_PEER_ADDED);
    for (int i = 0; i < 1001; i++) { /* the flood: bare initializes from A's own address */
        mcp_peer *f = peer_used("ip:127.0.0.1", 1);
        assert_int_equal(mcp_peer_table_add(t, f), MCP_PEER_ADDED);
        mcp_peer_unref(f);
    }
    assert_true(table_has(t, a));
    assert_int_equal(mcp_peer_table_add(t, busy), MCP_PEER_ADDED); /* evicts the last flooder */
    mcp_peer *f = peer_used("ip:127.0.0.1", 1);                    /* busy is still held here */
    assert_int_equal(mcp_peer_table_add(t, f), MCP_PEER_KEY_FULL);
    mcp_peer_unref(f);
    assert_true(table_has(t, a) && table_has(t, busy));
    mcp_peer *b1 = peer_used("ip:127.0.0.2", 2), *b2 = peer_used("ip:127.0.0.2", 2);
    assert_int_equal(mcp_peer_table_add(t, b1), MCP_PEER_ADDED);
    assert_int_equal(mcp_peer_table_add(t, b2), MCP_PEER_ADDED);
    mcp_peer *c = peer_used("ip:127.0.0.3", 1);
    assert_int_equal(mcp_peer_table_add(t, c), MCP_PEER_TABLE_FULL);
    assert_true(table_has(t, b1) && table_has(t, b2) && table_has(t, a));
    mcp_peer *gone = mcp_peer_table_get(t, b2->id, true); /* DELETE /mcp */
    assert_ptr_equal(gone, b2);
    mcp_peer_unref(gone);
    assert_int_equal(mcp_peer_table_add(t, c), MCP_PEER_ADDED);
    mcp_peer_unref(c);
    mcp_peer_unref(b1);
    mcp_peer_unref(b2);
    mcp_peer_unref(busy);
    mcp_peer_unref(a);
    mcp_peer_table_free(t);
}

/* The TTL (here 0 s) and the idle-evict age (0 s) spare a session that a
 * request or call still holds. */
static void test_session_table_spares_busy(void **state) {
    (void)state;
    const struct timespec tick = {0, 2000000};
    mcp_peer_table *t = mcp_peer_table_new(8, 1, 0, 0, NULL);
    mcp_peer *held = peer_used("token:ab", 5), *idle = peer_used("token:cd", 5);
    assert_int_equal(mcp_peer_table_add(t, held), MCP_PEER_ADDED);
    assert_int_equal(mcp_peer_table_add(t, idle), MCP_PEER_ADDED);
    mcp_peer_unref(idle); /* only the table holds it now; held keeps our reference */
    nanosleep(&tick, NULL);
    mcp_peer *next = peer_used("token:ab", 1);
    assert_int_equal(mcp_peer_table_add(t, next), MCP_PEER_KEY_FULL); /* held is busy */
    assert_true(table_has(t, held));
    mcp_peer_unref(held); /* its call ended: now it may expire, and idle has */
    nanosleep(&tick, NULL);
    assert_int_equal(mcp_peer_table_add(t, next), MCP_PEER_ADDED);
    assert_int_equal(mcp_peer_table_get(t, "no-such-id", false), NULL);
    mcp_peer_unref(next);
    mcp_peer_table_free(t);
}

/* The audit line of one execute_code call by p, read back as JSON. */
static json_t *audit_of(mcp_peer *p) {
    FILE *log = tmpfile();
    assert_non_null(log);
    srv.audit = log;
    mcp_request req = {.srv = &srv, .peer = p};
    mcp_call call = {.req = &req, .tool = mcp_tools_find(tools, "execute_code")};
    call.args = json_pack("{s:s}", "code", "print('café ☕')");
    snprintf(call.session_id, sizeof call.session_id, "s-1");
    call.fuel = 1234;
    json_t *result = mcp_result_new("ok", NULL, false);
    mcp_audit_call(&srv, &call, result, 2.5);
    json_decref(result);
    json_decref(call.args);
    srv.audit = NULL;
    char line[2048] = "";
    rewind(log);
    assert_non_null(fgets(line, sizeof line, log));
    assert_null(fgets(line + strlen(line), (int)(sizeof line - strlen(line)), log)); /* one line */
    fclose(log);
    json_t *v = json_loads(line, 0, NULL);
    assert_non_null(v);
    return v;
}

/* A valid call gets its full line; one whose text JSON cannot hold (here
 * a client name with a stray byte, as a mid-character cut used to leave)
 * still gets a line: the fallback, with what is known and audit_error. */
static void test_audit_never_dropped(void **state) {
    (void)state;
    mcp_peer *p = mcp_peer_new("ip:127.0.0.1");
    snprintf(p->client, sizeof p->client, "café ☕ 日本");
    json_t *v = audit_of(p);
    assert_string_equal(json_string_value(json_object_get(v, "client_name")), "café ☕ 日本");
    assert_string_equal(json_string_value(json_object_get(v, "tool")), "execute_code");
    assert_int_equal(json_integer_value(json_object_get(v, "code_bytes")),
                     18); /* bytes, not characters */
    assert_null(json_object_get(v, "audit_error"));
    json_decref(v);
    snprintf(p->client, sizeof p->client, "caf\xC3");
    v = audit_of(p);
    assert_string_equal(json_string_value(json_object_get(v, "event")), "tool_call");
    assert_string_equal(json_string_value(json_object_get(v, "client")), "ip:127.0.0.1");
    assert_string_equal(json_string_value(json_object_get(v, "client_name")), "caf?");
    assert_string_equal(json_string_value(json_object_get(v, "tool")), "execute_code");
    assert_string_equal(json_string_value(json_object_get(v, "session_id")), "s-1");
    assert_string_equal(json_string_value(json_object_get(v, "outcome")), "success");
    assert_int_equal(json_integer_value(json_object_get(v, "fuel")), 1234);
    assert_non_null(strstr(json_string_value(json_object_get(v, "audit_error")), "built"));
    json_decref(v);
    mcp_peer_unref(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initialize_negotiates),
        cmocka_unit_test(test_discover_and_modern_checks),
        cmocka_unit_test(test_legacy_utilities),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_tools_list_schemas),
        cmocka_unit_test(test_tool_argument_checks),
        cmocka_unit_test(test_null_optional_arguments),
        cmocka_unit_test(test_session_limit_error),
        cmocka_unit_test(test_inline_tool),
        cmocka_unit_test(test_client_name_cut),
        cmocka_unit_test(test_session_table_bounds),
        cmocka_unit_test(test_session_table_spares_busy),
        cmocka_unit_test(test_audit_never_dropped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
