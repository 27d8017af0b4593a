/*
 * tools.c - the MCP tool catalog: the seed's names and arguments
 * (execute_code, create_session, destroy_session, list_runtimes,
 * list_available_packages, install_package, get_workspace_info,
 * reset_workspace, cancel_execution, get_metrics, get_active_sessions,
 * reset_all_sessions), each a description and an inputSchema, and the
 * tool sets built from it. Optional arguments the original typed
 * "X | None = None" accept null as well as X.
 *
 * Invariants: a schema's limits (code size, timeout range and default,
 * session id length) are filled in from the server's settings when the
 * set is built, so what tools/list states is what the checks enforce; a
 * built set is read-only, shared by every thread.
 */
#include "mcp/tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/limits.h"

#define TOOLS_VALUE_MAX 32 /* one limit written as text */

/* One tool of the catalog; schema is JSON text with @NAME@ placeholders
 * for the limits (see schema_vars). */
typedef struct tool_spec {
    const char *name, *title, *description;
    const char *schema;
    mcp_tool_class cls;
    bool read_only, destructive;
} tool_spec;

#define SID_PROP(what)                                                                             \
    "\"session_id\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":@SID_MAX@,"                 \
    "\"description\":\"" what "\"}"

/* An optional session_id: a string, or null (the original's default). */
#define SID_OPT_PROP(what)                                                                         \
    "\"session_id\":{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":@SID_MAX@,"      \
    "\"default\":null,\"description\":\"" what "\"}"

static const tool_spec catalog[] = {
    {"execute_code", "Execute code",
     "Run Python 3.11 or JavaScript (QuickJS, ES2020; no Node.js APIs) in a WebAssembly sandbox "
     "and return its stdout, stderr, errors with guidance, and resource use. No network, no "
     "subprocesses; files live in /app (persistent only within a session). Pass session_id (from "
     "create_session) to keep variables and files between calls; omit it for a fresh, throwaway "
     "sandbox. Print what you want to see.",
     "{\"type\":\"object\",\"properties\":{"
     "\"code\":{\"type\":\"string\",\"minLength\":1,\"description\":\"The program text, at most "
     "@CODE_MAX@. Print results to stdout.\"},"
     "\"language\":{\"type\":\"string\",\"enum\":[\"python\",\"javascript\"],\"description\":"
     "\"python (default) or javascript. In a session it must match the session's language "
     "(omit it to use the session's).\"},"
     "\"timeout\":{\"type\":[\"integer\",\"null\"],\"minimum\":@TIMEOUT_MIN@,"
     "\"maximum\":@TIMEOUT_MAX@,\"default\":null,\"description\":"
     "\"Wall-clock limit in whole seconds, @TIMEOUT_MIN@ to @TIMEOUT_MAX@ (null or omitted: "
     "@TIMEOUT_DEFAULT@).\"}," SID_OPT_PROP(
         "Run inside this session (from create_session): its variables and /app files "
         "persist between calls. Omit for a fresh sandbox.") "},\"required\":[\"code\"],"
                                                             "\"additionalProperties\":false}",
     MCP_TOOL_EXEC, false, false},
    {"create_session", "Create session",
     "Create a session: a persistent /app workspace and a live interpreter whose variables, "
     "imports and functions survive between execute_code calls. A failed run never changes the "
     "session's variables. Sessions expire after a period without use.",
     "{\"type\":\"object\",\"properties\":{"
     "\"language\":{\"type\":\"string\",\"enum\":[\"python\",\"javascript\"],\"description\":"
     "\"The session's language.\"}," SID_OPT_PROP(
         "Optional id of your choosing: 1-@SID_MAX@ letters, digits, '_' or '-'. Omit for a "
         "random UUID.") ","
                         "\"auto_persist_globals\":{\"type\":\"boolean\",\"default\":false,"
                         "\"description\":\"Also "
                         "save JSON-compatible global variables to /app/.lsb/state.json after each "
                         "successful run, "
                         "so they survive a server restart.\"}"
                         "},\"required\":[\"language\"],\"additionalProperties\":false}",
     MCP_TOOL_ADMIN, false, false},
    {"destroy_session", "Destroy session",
     "Delete a session: stop any run in it, end its interpreter and delete its /app files.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session to delete.") "},\"required\":[\"session_id\"],\"additionalProperties\":"
                                   "false}",
     MCP_TOOL_ADMIN, false, true},
    {"list_runtimes", "List runtimes",
     "List the languages execute_code runs, with their versions and limits.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_INLINE,
     true, false},
    {"list_available_packages", "List available packages",
     "List the Python packages and JavaScript libraries available without installation (import "
     "or require them), and the wheels install_package can add to a session.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_INLINE,
     true, false},
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
     MCP_TOOL_EXEC, false, false},
    {"get_workspace_info", "Get workspace info",
     "Show a session's language, age, run count, limits and the files in its /app workspace.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session to describe.") ","
                                     "\"include_system_files\":{\"type\":\"boolean\",\"default\":"
                                     "false,\"description\":\"Also "
                                     "list /app/.lsb (saved state, installed packages).\"}"
                                     "},\"required\":[\"session_id\"],\"additionalProperties\":"
                                     "false}",
     MCP_TOOL_ADMIN, true, false},
    {"reset_workspace", "Reset workspace",
     "Empty a session: delete every file in /app and forget its variables; the session id and "
     "settings stay.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session to reset.") "},\"required\":[\"session_id\"],\"additionalProperties\":false}",
     MCP_TOOL_ADMIN, false, true},
    {"cancel_execution", "Cancel execution",
     "Stop the execution running (or queued) in a session now. Its variables roll back to before "
     "that run; files it already wrote stay.",
     "{\"type\":\"object\",\"properties\":{" SID_PROP(
         "The session whose run to stop.") "},\"required\":[\"session_id\"],"
                                           "\"additionalProperties\":false}",
     MCP_TOOL_INLINE, false, false},
    {"get_metrics", "Get metrics",
     "Server counters: executions by runtime and outcome, fuel consumed, rejections, sessions.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_ADMIN, true,
     false},
    {"get_active_sessions", "Get active sessions",
     "List your sessions (those this client created), with their language, age, run count and "
     "whether a run is in progress.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", MCP_TOOL_ADMIN, true,
     false},
    {"reset_all_sessions", "Reset all sessions",
     "End every session this client created: their runs stop and their ids become unknown. "
     "With cleanup_disk their /app files are deleted now; without it, the server deletes them "
     "at its next cleanup pass (within a minute).",
     "{\"type\":\"object\",\"properties\":{\"cleanup_disk\":{\"type\":\"boolean\",\"default\":"
     "false,\"description\":\"Delete the sessions' files now and report any failure.\"}},"
     "\"additionalProperties\":false}",
     MCP_TOOL_ADMIN, false, true},
};
#define CATALOG_COUNT (sizeof catalog / sizeof catalog[0])

struct mcp_toolset {
    size_t count;
    mcp_tool v[CATALOG_COUNT];
};

/* A placeholder of the schema texts and its value. */
typedef struct schema_var {
    const char *name; /* "@CODE_MAX@" */
    char value[TOOLS_VALUE_MAX];
} schema_var;

#define SCHEMA_VARS 5

/* A byte count as a model reads it: "1 MiB", "512 KiB" or "1000 bytes". */
static void size_text(uint64_t bytes, char *out, size_t len) {
    if (bytes >= LSB_MCP_MIB && bytes % LSB_MCP_MIB == 0)
        snprintf(out, len, "%llu MiB", (unsigned long long)(bytes / LSB_MCP_MIB));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(out, len, "%llu KiB", (unsigned long long)(bytes / 1024));
    else
        snprintf(out, len, "%llu bytes", (unsigned long long)bytes);
}

/* The values of the placeholders under the settings opt. */
static void schema_vars(const mcp_options *opt, schema_var vars[SCHEMA_VARS]) {
    vars[0].name = "@CODE_MAX@";
    size_text(opt->max_code_bytes, vars[0].value, sizeof vars[0].value);
    vars[1].name = "@TIMEOUT_MIN@";
    snprintf(vars[1].value, sizeof vars[1].value, "%u", LSB_MCP_MIN_TIMEOUT_S);
    vars[2].name = "@TIMEOUT_MAX@";
    snprintf(vars[2].value, sizeof vars[2].value, "%u", LSB_MCP_MAX_TIMEOUT_S);
    vars[3].name = "@TIMEOUT_DEFAULT@";
    snprintf(vars[3].value, sizeof vars[3].value, "%u", opt->default_timeout_s);
    vars[4].name = "@SID_MAX@";
    snprintf(vars[4].value, sizeof vars[4].value, "%d", LSB_SESSION_ID_MAX);
}

/* The value of the placeholder starting at p, with its length in *skip;
 * NULL when p starts none. */
static const char *var_at(const char *p, const schema_var vars[SCHEMA_VARS], size_t *skip) {
    for (size_t i = 0; i < SCHEMA_VARS; i++) {
        *skip = strlen(vars[i].name);
        if (strncmp(p, vars[i].name, *skip) == 0) return vars[i].value;
    }
    return NULL;
}

/* The schema text with its placeholders filled in, parsed; NULL when out
 * of memory (the texts are constants of this file, known to parse). */
static json_t *build_schema(const char *text, const schema_var vars[SCHEMA_VARS]) {
    size_t cap = strlen(text) + SCHEMA_VARS * 2 * TOOLS_VALUE_MAX + 1, n = 0;
    char *out = malloc(cap);
    if (out == NULL) return NULL;
    for (const char *p = text; *p != '\0' && n + TOOLS_VALUE_MAX < cap;) {
        size_t skip = 0;
        const char *value = *p == '@' ? var_at(p, vars, &skip) : NULL;
        if (value == NULL) {
            out[n++] = *p++;
            continue;
        }
        n += (size_t)snprintf(out + n, cap - n, "%s", value);
        p += skip;
    }
    out[n] = '\0';
    json_t *schema = json_loads(out, 0, NULL);
    free(out);
    return schema;
}

/* The function runs binds to name, or NULL. */
static mcp_tool_fn bound(const mcp_tool_binding *runs, size_t count, const char *name) {
    for (size_t i = 0; i < count; i++)
        if (strcmp(runs[i].name, name) == 0) return runs[i].run;
    return NULL;
}

/* See tools.h. */
mcp_toolset *mcp_tools_new(const mcp_options *opt, const mcp_tool_binding *runs, size_t count) {
    mcp_toolset *set = calloc(1, sizeof *set);
    if (set == NULL) return NULL;
    schema_var vars[SCHEMA_VARS];
    schema_vars(opt, vars);
    for (size_t i = 0; i < CATALOG_COUNT; i++) {
        const tool_spec *s = &catalog[i];
        mcp_tool_fn run = bound(runs, count, s->name);
        if (run == NULL) continue;
        mcp_tool *t = &set->v[set->count];
        *t = (mcp_tool){s->name, s->title,     s->description, NULL,
                        s->cls,  s->read_only, s->destructive, run};
        if ((t->schema = build_schema(s->schema, vars)) == NULL) {
            mcp_tools_free(set);
            return NULL;
        }
        set->count++;
    }
    return set;
}

/* See tools.h. */
void mcp_tools_free(mcp_toolset *set) {
    if (set == NULL) return;
    for (size_t i = 0; i < set->count; i++)
        json_decref(set->v[i].schema);
    free(set);
}

/* See tools.h. */
const mcp_tool *mcp_tools_find(const mcp_toolset *set, const char *name) {
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->v[i].name, name) == 0) return &set->v[i];
    return NULL;
}

/* See tools.h. */
json_t *mcp_tools_list(const mcp_toolset *set) {
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < set->count; i++) {
        const mcp_tool *t = &set->v[i];
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:O, s:{s:b, s:b, s:b}}", "name", t->name, "title",
                            t->title, "description", t->description, "inputSchema", t->schema,
                            "annotations", "readOnlyHint", t->read_only, "destructiveHint",
                            t->destructive, "openWorldHint", 0));
    }
    return list;
}
