/*
 * tools.c - the MCP tools: the seed's names and arguments (execute_code,
 * create_session, destroy_session, list_runtimes, list_available_packages,
 * install_package, get_workspace_info, reset_workspace, cancel_execution,
 * get_metrics, get_active_sessions), each a JSON Schema plus a function
 * over the public sandbox API.
 *
 * Invariants: arguments are checked against the very schema tools/list
 * publishes before a tool runs; every failure a model can fix comes back
 * as a tool result with isError and a sentence saying what to change,
 * never as a silent default (an unknown session id is an error, not a new
 * session); text content never exceeds max_output_chars of guest output,
 * and what is cut is kept in a file whose path the result gives.
 */
#include "mcp/tools.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/calls.h"
#include "mcp/log.h"
#include "mcp/metrics.h"
#include "mcp/tools_impl.h"
#include "sandbox/defaults.h"

#define TOOL_ERR_MAX 512

/* ---- results ---------------------------------------------------------------- */

/* A CallToolResult: text content, structured content (stolen), isError. */
json_t *mcp_tools_result(const char *text, json_t *structured, bool is_error) {
    json_t *r = json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text", "text", text,
                          "isError", is_error);
    if (r == NULL) { /* text was not UTF-8: should not happen, but never lose the reply */
        r = json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text", "text",
                      "(the result text was not valid UTF-8)", "isError", is_error);
    }
    if (r != NULL && structured != NULL) json_object_set(r, "structuredContent", structured);
    json_decref(structured);
    return r;
}

/* See tools.h. */
json_t *mcp_tools_error(const char *type, const char *text) {
    return mcp_tools_result(
        text, json_pack("{s:{s:s, s:s}}", "error", "type", type, "message", text), true);
}

/* An error result with a formatted message. */
json_t *mcp_tools_errorf(const char *type, const char *fmt, ...) {
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return mcp_tools_error(type, text);
}

/* The error for a session id that does not exist (or expired). */
json_t *mcp_tools_unknown_session(mcp_server *srv, const char *id) {
    bool expired = mcp_server_was_expired(srv, id);
    return mcp_tools_errorf(
        "UnknownSession",
        "Unknown session '%.128s': %s. Create one with create_session (and pass its session_id), "
        "or omit session_id to run in a fresh sandbox.",
        id,
        expired ? "it expired after being idle too long and was deleted"
                : "no session has this id");
}

/* Map a failed sandbox call to a tool error. */
json_t *mcp_tools_status_error(mcp_server *srv, lsb_status st, const char *id, const char *err) {
    switch (st) {
    case LSB_ERR_NO_SESSION:
        return id ? mcp_tools_unknown_session(srv, id) : mcp_tools_error("NotFound", err);
    case LSB_ERR_NOT_FOUND:
    case LSB_ERR_NO_PACKAGE: return mcp_tools_error("NotFound", err);
    case LSB_ERR_INVALID: return mcp_tools_error("InvalidRequest", err);
    case LSB_ERR_EXISTS: return mcp_tools_error("SessionExists", err);
    case LSB_ERR_QUOTA: return mcp_tools_error("QuotaExceeded", err);
    default: return mcp_tools_errorf("SandboxError", "The sandbox failed: %s", err);
    }
}

/* Check a session_id argument's form; NULL when fine, else an error. */
json_t *mcp_tools_check_session_id(const char *id) {
    char why[256];
    if (lsb_session_id_check(id, true, why, sizeof why) == 0) return NULL;
    return mcp_tools_errorf("InvalidArguments", "session_id: %s", why);
}

/* See tools_impl.h. */
json_t *mcp_tools_limits(mcp_server *srv) {
    return json_pack("{s:I, s:I, s:i, s:i, s:I}", "fuel", (json_int_t)srv->opt.fuel, "memory_bytes",
                     (json_int_t)srv->opt.memory_bytes, "default_timeout_s",
                     (int)srv->opt.default_timeout_s, "max_timeout_s", LSB_MCP_MAX_TIMEOUT_S,
                     "max_code_bytes", (json_int_t)srv->opt.max_code_bytes);
}

/* ---- the schema check ------------------------------------------------------- */

/* Whether v has the JSON Schema type named type. */
static bool has_type(const json_t *v, const char *type) {
    if (strcmp(type, "string") == 0) return json_is_string(v);
    if (strcmp(type, "integer") == 0)
        return json_is_integer(v) ||
               (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v));
    if (strcmp(type, "number") == 0) return json_is_number(v);
    if (strcmp(type, "boolean") == 0) return json_is_boolean(v);
    if (strcmp(type, "object") == 0) return json_is_object(v);
    if (strcmp(type, "array") == 0) return json_is_array(v);
    return false;
}

/* Check one property value against its schema; NULL or a reason in buf. */
static const char *check_value(const char *name, json_t *schema, json_t *v, char *buf, size_t len) {
    const char *type = json_string_value(json_object_get(schema, "type"));
    if (type && !has_type(v, type)) {
        snprintf(buf, len, "argument '%s' must be %s %s", name,
                 strchr("aeiou", type[0]) ? "an" : "a", type);
        return buf;
    }
    json_t *en = json_object_get(schema, "enum"), *item;
    size_t i;
    if (json_is_array(en)) {
        bool ok = false;
        json_array_foreach(en, i, item) ok = ok || json_equal(item, v);
        if (!ok) {
            char *list = json_dumps(en, JSON_COMPACT);
            snprintf(buf, len, "argument '%s' must be one of %s", name, list ? list : "the enum");
            free(list);
            return buf;
        }
    }
    json_t *min = json_object_get(schema, "minimum"), *max = json_object_get(schema, "maximum");
    if (json_is_number(v) && ((min && json_number_value(v) < json_number_value(min)) ||
                              (max && json_number_value(v) > json_number_value(max)))) {
        snprintf(buf, len, "argument '%s' must be between %g and %g", name,
                 min ? json_number_value(min) : -1e308, max ? json_number_value(max) : 1e308);
        return buf;
    }
    json_t *minl = json_object_get(schema, "minLength"),
           *maxl = json_object_get(schema, "maxLength");
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        if ((minl && n < (size_t)json_integer_value(minl)) ||
            (maxl && n > (size_t)json_integer_value(maxl))) {
            snprintf(buf, len, "argument '%s' must be %lld to %lld characters long", name,
                     minl ? json_integer_value(minl) : 0LL,
                     maxl ? json_integer_value(maxl) : (long long)SIZE_MAX);
            return buf;
        }
    }
    return NULL;
}

static json_t *schema_of(const mcp_tool *t);

/* See tools.h. */
const char *mcp_tools_check_args(const mcp_tool *t, json_t *args, char *buf, size_t len) {
    json_t *schema = schema_of(t);
    json_t *props = json_object_get(schema, "properties");
    const char *bad = NULL, *key;
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(schema, "required"), i, v) {
        if (bad == NULL && json_object_get(args, json_string_value(v)) == NULL) {
            snprintf(buf, len, "missing required argument '%s' (see the tool's inputSchema)",
                     json_string_value(v));
            bad = buf;
        }
    }
    json_object_foreach(args, key, v) {
        if (bad != NULL) break;
        json_t *ps = json_object_get(props, key);
        if (ps == NULL) {
            snprintf(buf, len,
                     "unknown argument '%.60s'; %s takes only the arguments its "
                     "inputSchema lists",
                     key, t->name);
            bad = buf;
        } else {
            bad = check_value(key, ps, v, buf, len);
        }
    }
    return bad;
}

/* ---- the table ------------------------------------------------------------- */

#define SID_PROP(what)                                                                             \
    "\"session_id\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":128,"                       \
    "\"description\":\"" what "\"}"

static const mcp_tool tool_table[] = {
    {"execute_code", "Execute code",
     "Run Python 3.11 or JavaScript (QuickJS, ES2020; no Node.js APIs) in a WebAssembly sandbox "
     "and return its stdout, stderr, errors with guidance, and resource use. No network, no "
     "subprocesses; files live in /app (persistent only within a session). Pass session_id (from "
     "create_session) to keep variables and files between calls; omit it for a fresh, throwaway "
     "sandbox. Print what you want to see.",
     "{\"type\":\"object\",\"properties\":{"
     "\"code\":{\"type\":\"string\",\"minLength\":1,\"description\":\"The program text, at most "
     "1 MiB. Print results to stdout.\"},"
     "\"language\":{\"type\":\"string\",\"enum\":[\"python\",\"javascript\"],\"description\":"
     "\"python (default) or javascript. In a session it must match the session's language "
     "(omit it to use the session's).\"},"
     "\"timeout\":{\"type\":\"number\",\"minimum\":1,\"maximum\":300,\"description\":"
     "\"Wall-clock limit in seconds, 1 to 300 (default 30).\"}," SID_PROP(
         "Run inside this session (from create_session): its variables and /app files "
         "persist between calls. Omit for a fresh sandbox.") "},\"required\":[\"code\"],"
                                                             "\"additionalProperties\":false}",
     MCP_TOOL_EXEC, false, false, mcp_tool_execute_code},
    {"create_session", "Create session",
     "Create a session: a persistent /app workspace and a live interpreter whose variables, "
     "imports and functions survive between execute_code calls. A failed run never changes the "
     "session's variables. Sessions expire after a period without use.",
     "{\"type\":\"object\",\"properties\":{"
     "\"language\":{\"type\":\"string\",\"enum\":[\"python\",\"javascript\"],\"description\":"
     "\"The session's language.\"}," SID_PROP(
         "Optional id of your choosing: 1-128 letters, digits, '_' or '-'. Omit for a "
         "random UUID.") ","
                         "\"auto_persist_globals\":{\"type\":\"boolean\",\"default\":false,"
                         "\"description\":\"Also "
                         "save JSON-compatible global variables to /app/.lsb/state.json after each "
                         "successful run, "
                         "so they survive a server restart.\"}"
                         "},\"required\":[\"language\"],\"additionalProperties\":false}",
     MCP_TOOL_ADMIN, false, false, mcp_tool_create_session},
    {"destroy_session", "Destroy session",
     "Delete a session: stop any run in it, end its interpreter and delete its /app files.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session to delete.") "},\"required\":[\"session_id\"],\"additionalProperties\":"
                                   "false}",
     MCP_TOOL_ADMIN, false, true, mcp_tool_destroy_session},
    {"list_runtimes", "List runtimes",
     "List the languages execute_code runs, with their versions and limits.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_INLINE,
     true, false, mcp_tool_list_runtimes},
    {"list_available_packages", "List available packages",
     "List the Python packages and JavaScript libraries available without installation (import "
     "or require them), and the wheels install_package can add to a session.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_INLINE,
     true, false, mcp_tool_list_packages},
    {"install_package", "Install package",
     "Install a pure-Python wheel from the server's wheel folder into one Python session "
     "(importable in that session only). There is no network: only wheels the operator placed "
     "there can be installed.",
     "{\"type\":\"object\",\"properties\":{"
     "\"package\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,\"description\":\"A "
     "project name (e.g. 'humanize') or a wheel file name in the server's wheel "
     "folder.\"}," SID_PROP(
         "The Python session to install into.") "},\"required\":[\"package\",\"session_id\"],"
                                                "\"additionalProperties\":false}",
     MCP_TOOL_EXEC, false, false, mcp_tool_install_package},
    {"get_workspace_info", "Get workspace info",
     "Show a session's language, age, run count, limits and the files in its /app workspace.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session to describe.") ","
                                     "\"include_system_files\":{\"type\":\"boolean\",\"default\":"
                                     "false,\"description\":\"Also "
                                     "list /app/.lsb (saved state, installed packages).\"}"
                                     "},\"required\":[\"session_id\"],\"additionalProperties\":"
                                     "false}",
     MCP_TOOL_ADMIN, true, false, mcp_tool_workspace_info},
    {"reset_workspace", "Reset workspace",
     "Empty a session: delete every file in /app and forget its variables; the session id and "
     "settings stay.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session to reset.") "},\"required\":[\"session_id\"],\"additionalProperties\":false}",
     MCP_TOOL_ADMIN, false, true, mcp_tool_reset_workspace},
    {"cancel_execution", "Cancel execution",
     "Stop the execution running (or queued) in a session now. Its variables roll back to before "
     "that run; files it already wrote stay.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session whose run to stop.") "},\"required\":[\"session_id\"],"
                                           "\"additionalProperties\":false}",
     MCP_TOOL_INLINE, false, false, mcp_tool_cancel_execution},
    {"get_metrics", "Get metrics",
     "Server counters: executions by runtime and outcome, fuel consumed, rejections, sessions.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_ADMIN, true,
     false, mcp_tool_get_metrics},
    {"get_active_sessions", "Get active sessions",
     "List the sessions that exist now, with their language, age, run count and whether a run "
     "is in progress.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_ADMIN, true,
     false, mcp_tool_active_sessions},
};
#define TOOL_COUNT (sizeof tool_table / sizeof tool_table[0])

static json_t *tool_schemas[TOOL_COUNT]; /* parsed once; read-only after */
static pthread_once_t tool_schemas_once = PTHREAD_ONCE_INIT;

/* Parse every tool's schema text (they are constants of this file). */
static void parse_schemas(void) {
    for (size_t i = 0; i < TOOL_COUNT; i++)
        tool_schemas[i] = json_loads(tool_table[i].schema, 0, NULL);
}

/* The parsed inputSchema of t, shared: callers must not change it. */
static json_t *schema_of(const mcp_tool *t) {
    pthread_once(&tool_schemas_once, parse_schemas);
    return tool_schemas[t - tool_table];
}

/* See tools.h. */
const mcp_tool *mcp_tools_find(const char *name) {
    for (size_t i = 0; i < TOOL_COUNT; i++)
        if (strcmp(tool_table[i].name, name) == 0) return &tool_table[i];
    return NULL;
}

/* See tools.h. */
json_t *mcp_tools_list(void) {
    json_t *list = json_array();
    for (size_t i = 0; i < TOOL_COUNT; i++) {
        const mcp_tool *t = &tool_table[i];
        json_t *schema = schema_of(t);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:O, s:{s:b, s:b, s:b}}", "name",
                                              t->name, "title", t->title, "description",
                                              t->description, "inputSchema", schema, "annotations",
                                              "readOnlyHint", t->read_only, "destructiveHint",
                                              t->destructive, "openWorldHint", 0));
    }
    return list;
}
