/*
 * test_faults.c - allocation fault injection (issue 14): for each target,
 * count the allocations N of a successful call, then fail the k-th one
 * (k = 1..N), and separately every one from the k-th on, and check the
 * call ends in a clean error: NULL, an error status, or (JSON-RPC) exactly
 * one answer carrying the request's id, or the preformatted out-of-memory
 * answer (id null) when not even the answer could be built. Leaks are
 * ASan's to find (make asan-unit); every success is freed here. Linked
 * with fault_alloc.c and --wrap (see the Makefile and fault_alloc.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault_alloc.h"
#include "llmsandbox.h"
#include "mcp/calls.h"
#include "mcp/jsonrpc.h"
#include "mcp/peer.h"
#include "mcp/protocol.h"
#include "mcp/tool_result.h"
#include "mcp/tools.h"
#include "sandbox/error_guidance.h"
#include "sandbox/fuel_analysis.h"
#include "sandbox/guidance.h"
#include "session/record.h"
#include "wasi/ctx.h"
#include "wasi/ident.h"
#include "wasm/guest.h"

/* lsb_prune_report_to_json shares prune.c with the prune itself, which
 * reaches the sandbox and so the guests: empty stand-ins, never run. */
const guest_module guest_python, guest_quickjs;

/* A target's outcome: the full, checked answer, or a clean failure. */
enum { T_FAILED = 0, T_OK = 1 };

typedef struct target {
    const char *name;
    int (*call)(void);
    bool strict; /* a refused allocation must make the call fail */
} target;

static size_t cur_k; /* the refused allocation, for failure messages */

/* Parse the text a target returned, which must be whole JSON: jansson
 * 2.14's json_dumps ignores a failed append of an object key and returned
 * text without it, until util_json_dumps replaced it. */
static json_t *parse_out(const char *text) {
    json_t *v = json_loads(text, 0, NULL);
    if (v == NULL) fail_msg("allocation %zu refused: a damaged document: %s", cur_k, text);
    return v;
}

/* Fail each allocation of t, alone and from there on; returns N. */
static size_t drive(const target *t) {
    fault_alloc_count();
    int rc = t->call();
    size_t n = fault_alloc_stop();
    assert_int_equal(rc, T_OK);
    for (size_t k = 1; k <= n; k++) {
        cur_k = k;
        for (int from = 0; from < 2; from++) {
            if (from)
                fault_alloc_fail_from(k);
            else
                fault_alloc_fail_nth(k);
            rc = t->call();
            fault_alloc_stop();
            if (t->strict && fault_alloc_failed() > 0 && rc != T_FAILED)
                fail_msg("%s: allocation %zu refused (%s), yet the call succeeded", t->name, k,
                         from ? "and later" : "alone");
        }
    }
    printf("[ FAULTS   ] %s: %zu allocation sites, each refused alone and onwards\n", t->name, n);
    return n;
}

/* ---- lsb_result_to_json ------------------------------------------------- */

static char *rich_created[] = {"out/café ☕.csv", "日本/データ.txt"};
static char *rich_modified[] = {"notes.md"};
static char *rich_warnings[] = {"the state file was corrupt and was replaced: naïve ☕"};

/* A failed run with every field: errors, guidance, non-ASCII, files. */
static lsb_result rich_result(void) {
    lsb_result r;
    memset(&r, 0, sizeof r);
    r.exit_code = 1;
    r.stdout_data = "café ☕ 日本\n\xff broken";
    r.stdout_len = strlen(r.stdout_data);
    r.stderr_data = "Traceback (most recent call last):\nModuleNotFoundError: No module named "
                    "'humanize'\n";
    r.stderr_len = strlen(r.stderr_data);
    r.stdout_truncated = true;
    r.fuel_consumed = 950;
    r.fuel_budget = 1000;
    r.duration_ms = 12.5;
    r.memory_peak_bytes = 1 << 20;
    r.memory_limit_bytes = 128ULL << 20;
    r.runtime = LSB_LANG_PYTHON;
    r.session_id = "sess-日本";
    r.error_type = "ModuleNotFoundError";
    r.error_message = "No module named 'humanize'";
    r.files_created = rich_created;
    r.files_created_count = 2;
    r.files_modified = rich_modified;
    r.files_modified_count = 1;
    r.warnings = rich_warnings;
    r.warnings_count = 1;
    r.code = "import humanize\nprint('café')";
    return r;
}

/* Serialise r; T_OK only for the full document. */
static int result_call(const lsb_result *r, const char *must_hold) {
    char *j = lsb_result_to_json(r);
    fault_alloc_pause(true);
    int rc = T_FAILED;
    if (j != NULL) {
        json_t *v = parse_out(j);
        if (v != NULL && json_object_get(v, "fuel_analysis") && json_object_get(v, "metadata") &&
            strstr(j, must_hold))
            rc = T_OK;
        json_decref(v);
    }
    free(j);
    fault_alloc_pause(false);
    return rc;
}

/* The Python failure above. */
static int t_result_python(void) {
    lsb_result r = rich_result();
    return result_call(&r, "日本/データ.txt");
}

/* A JavaScript run out of fuel (trap guidance, runtime metadata). */
static int t_result_js_trap(void) {
    lsb_result r = rich_result();
    r.runtime = LSB_LANG_JAVASCRIPT;
    r.trap = LSB_TRAP_OUT_OF_FUEL;
    r.fuel_consumed = 1000;
    r.error_type = "ReferenceError";
    r.error_message = "café is not defined ☕";
    return result_call(&r, "\"runtime\"");
}

/* The guidance builders fill fixed buffers: they must allocate nothing. */
static void test_guidance_builders_allocate_nothing(void **state) {
    (void)state;
    lsb_result r = rich_result();
    static guidance_error g;
    static error_guidance eg;
    fuel_analysis fa;
    char warn[512];
    fault_alloc_fail_from(1);
    bool described = guidance_describe(&r, &g);
    bool eg_ok = eg_describe(&r, &eg);
    fuel_analyze(&r, &fa);
    guidance_warning(&r, warn, sizeof warn);
    size_t n = fault_alloc_stop();
    assert_true(described);
    assert_true(eg_ok);
    assert_int_equal(n, 0);
    printf("[ FAULTS   ] guidance/error_guidance/fuel_analysis: 0 allocation sites\n");
}

static void test_result_json(void **state) {
    (void)state;
    static const target ts[] = {{"lsb_result_to_json (python error)", t_result_python, true},
                                {"lsb_result_to_json (js out of fuel)", t_result_js_trap, true}};
    for (size_t i = 0; i < 2; i++)
        assert_true(drive(&ts[i]) >= 10);
}

/* ---- prune report ------------------------------------------------------- */

/* A report with one session on each list. */
static int t_prune_json(void) {
    lsb_prune_item deleted[] = {{"alpha", NULL}, {"beta", NULL}};
    lsb_prune_item skipped[] = {{"gamma", "the record is damaged: café ☕"}};
    lsb_prune_item errors[] = {{"delta", "rmdir: 日本 busy"}};
    lsb_prune_report rep = {2, 4096, deleted, 2, skipped, 1, errors, 1, 4096, false};
    char *j = lsb_prune_report_to_json(&rep);
    fault_alloc_pause(true);
    int rc = T_FAILED;
    if (j != NULL) {
        json_t *v = parse_out(j);
        const char *why =
            json_string_value(json_object_get(json_object_get(v, "skipped_reasons"), "gamma"));
        if (why && strcmp(why, "the record is damaged: café ☕") == 0 &&
            json_array_size(json_object_get(v, "deleted_sessions")) == 2)
            rc = T_OK;
        json_decref(v);
    }
    free(j);
    char line[200];
    assert_true(lsb_prune_report_summary(&rep, line, sizeof line) > 0);
    assert_non_null(strstr(line, "Pruned 2 sessions"));
    fault_alloc_pause(false);
    return rc;
}

static void test_prune_report(void **state) {
    (void)state;
    target t = {"lsb_prune_report_to_json", t_prune_json, true};
    assert_true(drive(&t) >= 5);
}

/* ---- session records ---------------------------------------------------- */

/* Encode a record, then decode it back. */
static int t_record(void) {
    lsb_session_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.id, sizeof info.id, "s-%s", "0123abcd");
    info.language = LSB_LANG_JAVASCRIPT;
    info.created_at = 1700000000.5;
    info.last_used_at = 1700000100.25;
    info.execution_count = 7;
    info.auto_persist_globals = true;
    lsb_policy_init(&info.policy);
    snprintf(info.owner, sizeof info.owner, "o-0123abcd"); /* its key is one more allocation */
    char *text = sess_record_encode(&info);
    if (text == NULL) return T_FAILED;
    lsb_session_info back;
    char err[300] = "";
    int rc = sess_record_decode(info.id, text, strlen(text), &back, err, sizeof err);
    fault_alloc_pause(true);
    free(text);
    if (rc != 0) {
        assert_non_null(strstr(err, "is unusable")); /* an error, and it says so */
    } else {
        assert_int_equal(back.execution_count, 7);
        assert_int_equal(back.language, LSB_LANG_JAVASCRIPT);
        assert_true(back.auto_persist_globals);
        assert_string_equal(back.owner, "o-0123abcd");
    }
    fault_alloc_pause(false);
    return rc == 0 ? T_OK : T_FAILED;
}

static sess_record_disk disk; /* root: a temporary folder per run */

/* The disk adapter: put, get, list, remove in a temporary root. A failed
 * list must leave nothing behind for the caller to free. */
static int t_storage(void) {
    lsb_storage s;
    sess_record_disk_adapter(&disk, &s);
    char err[300] = "";
    const char *rec = "{\"version\":1,\"note\":\"café ☕ 日本\"}";
    int rc = s.put(s.ctx, "s1", rec, strlen(rec), err, sizeof err);
    char *text = NULL, **ids = NULL;
    size_t len = 0, count = 0;
    if (rc == 0) rc = s.get(s.ctx, "s1", &text, &len, err, sizeof err);
    if (rc == 0) {
        rc = s.list(s.ctx, &ids, &count, err, sizeof err);
        if (rc != 0) {
            assert_null(ids);
            assert_int_equal(count, 0);
            assert_non_null(strstr(err, "out of memory"));
        }
    }
    fault_alloc_pause(true);
    if (rc == 0) {
        assert_int_equal(len, strlen(rec));
        assert_memory_equal(text, rec, len);
        assert_int_equal(count, 2);
        free(ids[0]);
        free(ids[1]);
    }
    free(ids);
    free(text);
    assert_int_equal(s.remove(s.ctx, "s1", err, sizeof err), 0);
    fault_alloc_pause(false);
    return rc == 0 ? T_OK : T_FAILED;
}

static void test_records(void **state) {
    (void)state;
    /* Not strict: json_unpack records the keys it read in a side table for
     * its '!' check, ignoring a failed insert; the record still decodes
     * whole, which t_record checks field by field. */
    target t = {"session record encode+decode", t_record, false};
    assert_true(drive(&t) >= 5);
    char tmpl[] = "/tmp/lsb-faults-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    snprintf(disk.root, sizeof disk.root, "%s", tmpl);
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/s1", tmpl);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dir, sizeof dir, "%s/s2", tmpl); /* a second record: list copies two ids */
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dir, sizeof dir, "%s/s2/" SESS_RECORD_NAME, tmpl);
    FILE *f = fopen(dir, "w");
    assert_non_null(f);
    fclose(f);
    target st = {"session storage put/get/list (disk adapter)", t_storage, true};
    assert_true(drive(&st) >= 3);
    unlink(dir);
    snprintf(dir, sizeof dir, "%s/s2", tmpl);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/s1", tmpl);
    rmdir(dir);
    assert_int_equal(rmdir(tmpl), 0);
}

/* ---- MCP JSON-RPC core -------------------------------------------------- */

typedef struct collected {
    json_t *final;
    int finals;
    bool text; /* the final message had text */
} collected;

/* The transport: keep the final message, parsed without injection. */
static void collect(void *ctx, const char *json, size_t len, mcp_send_kind kind) {
    collected *c = ctx;
    (void)kind;
    if (kind == MCP_SEND_NOTIFICATION) return;
    fault_alloc_pause(true);
    c->finals++;
    json_decref(c->final);
    c->final = json ? json_loadb(json, len, 0, NULL) : NULL;
    c->text = json != NULL;
    fault_alloc_pause(false);
}

static mcp_server srv;
static mcp_toolset *toolset;
static mcp_peer *peer;

/* Every tool runs this (never reached: the calls below answer first). */
static json_t *stub_run(struct mcp_call *call) {
    (void)call;
    return mcp_result_new("stub", json_object(), false);
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

/* True when m has a JSON-RPC response's shape: id, and a result or an
 * error with an integer code and a message (a failed json_object_set_new
 * once left fields out; a failed dump once dropped keys). */
static bool rpc_whole(json_t *m) {
    json_t *e = json_object_get(m, "error");
    return json_object_get(m, "id") != NULL &&
           (e ? json_is_integer(json_object_get(e, "code")) &&
                    json_is_string(json_object_get(e, "message"))
              : json_object_get(m, "result") != NULL);
}

/* Send text; exactly one final message must come back. Returns T_OK when
 * it is the expected answer (result, or error code want_code when not 0)
 * with id want_id, T_FAILED for a clean out-of-memory answer: an internal
 * error with the request's id, or id null when not even the answer could
 * be built, or a parse error (id null) when jansson could not parse the
 * body for lack of memory. */
static int rpc_call(const char *text, json_int_t want_id, int want_code) {
    collected c = {0};
    mcp_inbound in = {"test", false, NULL};
    mcp_out out = {collect, &c};
    mcp_proto_handle(&srv, peer, &in, text, strlen(text), &out);
    fault_alloc_pause(true);
    assert_int_equal(c.finals, 1); /* one answer, whatever failed */
    if (c.final == NULL && !c.text)
        fail_msg("allocation %zu refused: no answer to %s", cur_k, text);
    int rc = T_FAILED;
    if (c.final == NULL || !rpc_whole(c.final)) {
        fail_msg("allocation %zu refused: %s was answered with a damaged message", cur_k, text);
    } else {
        json_t *id = json_object_get(c.final, "id"), *e = json_object_get(c.final, "error");
        int code = (int)json_integer_value(json_object_get(e, "code"));
        if (want_code == 0 ? e == NULL : code == want_code) {
            assert_int_equal(json_integer_value(id), want_id);
            rc = T_OK;
        } else if (code == MCP_RPC_PARSE_ERROR) {
            assert_true(json_is_null(id));
        } else {
            if (code != MCP_RPC_INTERNAL_ERROR)
                fail_msg("allocation %zu refused: %s answered code %d", cur_k, text, code);
            assert_true(json_is_null(id) || json_integer_value(id) == want_id);
        }
    }
    json_decref(c.final);
    fault_alloc_pause(false);
    return rc;
}

/* tools/list: the whole catalog, with its schemas. */
static int t_tools_list(void) {
    return rpc_call("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"tools/list\"}", 41, 0);
}

/* A request whose method is not a string. */
static int t_bad_request(void) {
    return rpc_call("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":7}", 42, MCP_RPC_INVALID_REQUEST);
}

/* An unknown method, named in non-ASCII. */
static int t_unknown_method(void) {
    return rpc_call("{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"café/☕\"}", 43,
                    MCP_RPC_METHOD_NOT_FOUND);
}

/* tools/call whose arguments fail the schema: an isError result. */
static int t_bad_arguments(void) {
    return rpc_call("{\"jsonrpc\":\"2.0\",\"id\":44,\"method\":\"tools/call\",\"params\":{"
                    "\"name\":\"execute_code\",\"arguments\":{\"code\":5}}}",
                    44, 0);
}

static void test_jsonrpc(void **state) {
    (void)state;
    mcp_opt_defaults(&srv.opt);
    pthread_mutex_init(&srv.lock, NULL);
    toolset = mcp_tools_new(&srv.opt, stub_runs, sizeof stub_runs / sizeof stub_runs[0]);
    srv.tools = toolset;
    srv.calls = mcp_calls_new(&srv, 1, 1);
    peer = mcp_peer_new("test");
    assert_non_null(srv.tools);
    assert_non_null(srv.calls);
    static const target ts[] = {{"JSON-RPC tools/list", t_tools_list, false},
                                {"JSON-RPC invalid request", t_bad_request, false},
                                {"JSON-RPC unknown method", t_unknown_method, false},
                                {"JSON-RPC tools/call bad arguments", t_bad_arguments, false}};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        assert_true(drive(&ts[i]) >= 3);
    mcp_peer_unref(peer);
    mcp_calls_stop(srv.calls);
    mcp_tools_free(toolset);
}

/* ---- inode numbers ------------------------------------------------------ */

/* The table of inode numbers (wasi/ident.c) cannot get its first slots:
 * the first file gets a hashed number instead, and so does every later
 * one, even once memory is back, so no file is hashed and then numbered;
 * the same file keeps its hash. Then a table that fails to grow keeps the
 * numbers it gave. */
static void test_inode_numbers_without_memory(void **state) {
    (void)state;
    struct wasi_state st = {0};
    assert_int_equal(wasi_ident_init(&st), 0);
    fault_alloc_fail_nth(1);
    uint64_t a = wasi_ident_ino(&st, 1, 100);
    assert_int_equal(fault_alloc_stop(), 1);
    assert_true(a & WASI_IDENT_HASHED);
    assert_true(wasi_ident_ino(&st, 1, 101) & WASI_IDENT_HASHED);
    assert_int_equal(wasi_ident_ino(&st, 1, 100), a);
    wasi_ident_free(&st);

    assert_int_equal(wasi_ident_init(&st), 0);
    uint64_t n = 0;
    fault_alloc_fail_nth(2); /* the first growth past the first slots */
    while (!((n = wasi_ident_ino(&st, 2, 1000 + st.idents.used)) & WASI_IDENT_HASHED))
        assert_int_equal(n, st.idents.used);
    size_t counted = fault_alloc_stop();
    assert_int_equal(counted, 2);
    assert_int_equal(wasi_ident_ino(&st, 2, 1000), 1);
    assert_true(st.idents.closed && st.idents.used > 1);
    printf("[ FAULTS   ] wasi_ident_ino: %u numbered before the table could not grow\n",
           st.idents.used);
    wasi_ident_free(&st);
}

int main(void) {
    fault_alloc_install();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guidance_builders_allocate_nothing),
        cmocka_unit_test(test_result_json),
        cmocka_unit_test(test_prune_report),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_jsonrpc),
        cmocka_unit_test(test_inode_numbers_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
