/*
 * tools_info.c - the tools that describe the server: list_runtimes,
 * list_available_packages and get_metrics. They read only what the
 * server already has (the vendored manifests, the wheel folder, the
 * counters) and never touch a session, so they cannot block on a run.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/gauges.h"
#include "mcp/limits.h"
#include "mcp/metrics.h"
#include "mcp/tool_result.h"
#include "mcp/tools_impl.h"

/* list_runtimes() */
json_t *mcp_tool_list_runtimes(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    json_t *runtimes = json_pack(
        "[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]", "name", "python", "version", "3.11",
        "engine", "CPython 3.11 compiled to WebAssembly (WASI)", "notes",
        "Standard library plus the vendored packages (list_available_packages); no network, no "
        "subprocess, no native extensions. sandbox_utils has file helpers confined to /app.",
        "name", "javascript", "version", "ES2020", "engine",
        "QuickJS 2021-03-27 compiled to WebAssembly (WASI)", "notes",
        "No Node.js APIs: use the helpers readText/writeText/listDir... and require() for the "
        "vendored libraries (lodash, dayjs, papaparse, marked).");
    json_t *limits = mcp_result_limits(&srv->opt);
    json_object_set_new(limits, "max_output_chars", json_integer(srv->opt.max_output_chars));
    char text[512];
    snprintf(text, sizeof text,
             "Available runtimes: python 3.11 (CPython/WASI) and javascript (QuickJS, ES2020). "
             "Each run: %llu fuel, "
             "%llu MiB memory, %u s default timeout (%u-%u s).",
             (unsigned long long)srv->opt.fuel, (unsigned long long)(srv->opt.memory_bytes >> 20),
             srv->opt.default_timeout_s, LSB_MCP_MIN_TIMEOUT_S, LSB_MCP_MAX_TIMEOUT_S);
    return mcp_result_new(text, json_pack("{s:o, s:o}", "runtimes", runtimes, "limits", limits),
                          false);
}

/* The name/version pairs of a vendored.json manifest under the data
 * folder, or an empty array. */
static json_t *manifest(mcp_server *srv, const char *rel) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", lsb_sandbox_data_dir(srv->sandbox), rel);
    json_t *all = json_load_file(path, 0, NULL), *out = json_array(), *v;
    size_t i;
    json_array_foreach(all, i, v) {
        json_t *imp = json_object_get(v, "import");
        json_t *e = json_pack("{s:O, s:O}", "name", json_object_get(v, "name"), "version",
                              json_object_get(v, "version"));
        if (e != NULL && imp != NULL) json_object_set(e, "import", imp);
        if (e != NULL) json_array_append_new(out, e);
    }
    json_decref(all);
    return out;
}

/* The .whl files of the wheel folder. */
static json_t *wheels(mcp_server *srv) {
    json_t *out = json_array();
    DIR *d = opendir(srv->wheel_dir);
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 4 && strcmp(de->d_name + n - 4, ".whl") == 0)
            json_array_append_new(out, json_string(de->d_name));
    }
    if (d != NULL) closedir(d);
    return out;
}

/* Append "name version, " items of a manifest to text, each project once
 * (attrs has two import names, attr and attrs, and two entries). */
static size_t list_names(char *text, size_t cap, size_t n, json_t *items) {
    json_t *v;
    size_t i;
    const char *last = NULL;
    json_array_foreach(items, i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        if (n >= cap) break;
        if (name != NULL && last != NULL && strcmp(name, last) == 0) continue;
        n += (size_t)snprintf(text + n, cap - n, "%s%s %s", last ? ", " : "", name ? name : "?",
                              json_string_value(json_object_get(v, "version")));
        last = name;
    }
    return n < cap ? n : cap - 1;
}

/* What the original's list_available_packages said of its packages. */
#define PACKAGES_USAGE_NOTE                                                                        \
    "Python packages in /data/site-packages are automatically available: they are on "             \
    "sys.path, so import them directly (no pip, no sys.path changes)."

/* list_available_packages() */
json_t *mcp_tool_list_packages(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    json_t *py = manifest(srv, "site-packages/vendored.json");
    json_t *js = manifest(srv, "js/vendored.json");
    json_t *whl = wheels(srv);
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "%s\nPython: ", PACKAGES_USAGE_NOTE);
    n = list_names(text, sizeof text, n, py);
    n += (size_t)snprintf(text + n, sizeof text - n, ".\nJavaScript (require('name')): ");
    n = list_names(text, sizeof text, n < sizeof text ? n : sizeof text - 1, js);
    if (n < sizeof text)
        snprintf(text + n, sizeof text - n,
                 ".\nInstallable into a Python session with install_package: %zu wheel(s)%s.",
                 json_array_size(whl), json_array_size(whl) ? " (see structured content)" : "");
    return mcp_result_new(text,
                          json_pack("{s:o, s:o, s:o, s:s}", "python", py, "javascript", js,
                                    "installable_wheels", whl, "usage_note", PACKAGES_USAGE_NOTE),
                          false);
}

/* get_metrics(): the server's counters, with the caller's sessions as
 * the active count (another client's sessions are not its business). */
json_t *mcp_tool_get_metrics(mcp_call *call) {
    mcp_gauges g;
    char **ids = NULL, err[512];
    size_t mine = 0;
    mcp_gauges_read(call->req->srv, &g);
    if (mcp_tool_owned_ids(call, &ids, &mine, err, sizeof err) == 0)
        lsb_session_ids_free(ids, mine);
    g.sessions = mine;
    json_t *m = mcp_metrics_json(&g);
    if (m == NULL) return NULL;
    json_object_set_new(m, "server",
                        json_pack("{s:s, s:s}", "version", LSB_VERSION, "name", MCP_SERVER_NAME));
    json_t *calls = json_object_get(json_object_get(m, "tool_executions"), "total_count");
    char text[256];
    snprintf(text, sizeof text, "MCP Server v%s: %lld tool executions, %zu active sessions",
             LSB_VERSION, (long long)json_integer_value(calls), mine);
    return mcp_result_new(text, m, false);
}
