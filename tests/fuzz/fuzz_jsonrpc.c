/*
 * fuzz_jsonrpc.c - the JSON-RPC layer every MCP message enters through:
 * mcp_rpc_parse on the raw bytes, mcp_rpc_classify on the message (or on
 * each element of a batch) and mcp_rpc_dump of what was parsed.
 *
 * Proves: no text crashes or leaks; parsing refuses with a reason or gives
 * a value; classification never fails and only names a method for a
 * request or notification, an id only when it is a string or number, and
 * a reason for every invalid message; a parsed value dumps to text that
 * parses back; and an accepted id dumps to exactly itself, so every answer
 * echoes its request's id (reals are written with 12 digits: a real id
 * with more was echoed rounded until the classifier refused it).
 */
#include "fuzz.h"
#include "mcp/jsonrpc.h"

/* The id, dumped as an answer would carry it, parses back to itself. */
static void check_echo(json_t *id) {
    size_t len = 0;
    char *text = mcp_rpc_dump(id, &len), err[256];
    json_t *back = NULL;
    FZ_CHECK(text != NULL && mcp_rpc_parse(text, len, &back, err, sizeof err) == 0);
    FZ_CHECK(json_equal(id, back));
    json_decref(back);
    free(text);
}

/* Classify one message and check what the classifier claims. */
static void classify(json_t *v) {
    mcp_rpc_msg m;
    mcp_rpc_classify(v, &m);
    FZ_CHECK(m.id == NULL || json_is_string(m.id) || json_is_number(m.id));
    if (m.id != NULL) check_echo(m.id);
    FZ_CHECK(m.params == NULL || json_is_object(m.params));
    FZ_CHECK(memchr(m.why, '\0', sizeof m.why) != NULL);
    if (m.kind == MCP_RPC_INVALID) FZ_CHECK(m.why[0] != '\0');
    if (m.kind == MCP_RPC_REQUEST) FZ_CHECK(m.method != NULL && m.id != NULL);
    if (m.kind == MCP_RPC_NOTIFICATION) FZ_CHECK(m.method != NULL);
}

/* Input: one message or batch, as the transport received it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *v = NULL;
    char err[256] = "";
    if (mcp_rpc_parse((const char *)data, size, &v, err, sizeof err) != 0) {
        FZ_CHECK(v == NULL && err[0] != '\0');
        return 0;
    }
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            classify(json_array_get(v, i));
    } else {
        classify(v);
    }
    size_t len = 0;
    char *text = mcp_rpc_dump(v, &len);
    FZ_CHECK(text != NULL && strlen(text) == len);
    json_t *back = NULL;
    FZ_CHECK(mcp_rpc_parse(text, len, &back, err, sizeof err) == 0);
    FZ_CHECK(json_typeof(v) == json_typeof(back) || (json_is_number(v) && json_is_number(back)));
    json_decref(back);
    free(text);
    json_decref(v);
    return 0;
}
