/*
 * fuzz_schema.c - the MCP tool argument checker (mcp_schema_check) over the
 * real tool schemas, with any JSON a client can send as "arguments".
 *
 * Proves: no arguments crash or leak; a refusal is a sentence; and
 * arguments that pass hold every required property and no property the
 * schema does not list, each of an allowed JSON type (JSON null is allowed
 * for an optional one), so the tools behind the check may rely on them.
 */
#include "fuzz.h"
#include "fuzz_mcp.h"
#include "mcp/schema.h"

static const mcp_tool *tools[FZ_TOOL_COUNT];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fz_mcp_setup();
    for (size_t i = 0; i < FZ_TOOL_COUNT; i++)
        if ((tools[i] = mcp_tools_find(fz_srv.tools, fz_stubs[i].name)) == NULL) abort();
    return 0;
}

/* Whether v is of the schema type name. */
static int of_type(const char *type, const json_t *v) {
    if (strcmp(type, "string") == 0) return json_is_string(v);
    if (strcmp(type, "integer") == 0) { /* JSON Schema: 5.0 is an integer too */
        double d = json_real_value(v);
        return json_is_integer(v) ||
               (json_is_real(v) && d > -1e18 && d < 1e18 && d == (long long)d);
    }
    if (strcmp(type, "number") == 0) return json_is_number(v);
    if (strcmp(type, "boolean") == 0) return json_is_boolean(v);
    if (strcmp(type, "object") == 0) return json_is_object(v);
    if (strcmp(type, "array") == 0) return json_is_array(v);
    if (strcmp(type, "null") == 0) return json_is_null(v);
    return 0;
}

/* Whether v matches the "type" (a name or a list of names) of prop. */
static int type_ok(const json_t *prop, const json_t *v) {
    const json_t *t = json_object_get(prop, "type");
    if (t == NULL) return 1;
    if (json_is_string(t)) return of_type(json_string_value(t), v);
    for (size_t i = 0; i < json_array_size(t); i++)
        if (of_type(json_string_value(json_array_get(t, i)), v)) return 1;
    return 0;
}

/* Accepted arguments: required present, nothing unknown, types right. */
static void check_accepted(const json_t *schema, json_t *args) {
    const json_t *props = json_object_get(schema, "properties"), *req;
    size_t i;
    json_array_foreach(json_object_get(schema, "required"), i, req)
        FZ_CHECK(json_object_get(args, json_string_value(req)) != NULL);
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v) {
        const json_t *prop = json_object_get(props, key);
        FZ_CHECK(prop != NULL);
        FZ_CHECK(json_is_null(v) || type_ok(prop, v));
    }
}

/* Input: 1 byte picking the tool, then the arguments as JSON. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    const mcp_tool *t = tools[fz_u8(&in) % FZ_TOOL_COUNT];
    json_t *args = json_loadb((const char *)in.p, in.len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(args)) {
        json_decref(args);
        return 0;
    }
    char buf[512];
    const char *why = mcp_schema_check(t->schema, t->name, args, buf, sizeof buf);
    if (why == NULL)
        check_accepted(t->schema, args);
    else
        FZ_CHECK(why[0] != '\0');
    json_decref(args);
    return 0;
}
