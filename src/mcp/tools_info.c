/*
 * tools_info.c - the tools that describe the sandbox: list_runtimes and
 * list_available_packages, in the original's shapes (runtimes with
 * features, API patterns, helpers and fuel notes; packages by category)
 * but with our facts. They read only what the server already has (the
 * vendored manifests, the wheel folder, its settings) and never touch a
 * session, so they cannot block on a run.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/limits.h"
#include "mcp/tool_result.h"
#include "mcp/tools_impl.h"

#define INFO_TEXT_MAX 8192

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

/* How many projects a manifest lists (attrs has two import names, and
 * two entries, but is one project). */
static size_t projects(json_t *items) {
    size_t n = 0, i;
    const char *last = NULL;
    json_t *v;
    json_array_foreach(items, i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        if (name != NULL && (last == NULL || strcmp(name, last) != 0)) n++;
        last = name;
    }
    return n;
}

/* One runtime as the original described it, with our facts. */
static json_t *python_runtime(size_t packages) {
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:I, s:[s,s,s,s,s], s:s}, s:{s:s, s:s, s:s, s:s}, "
        "s:[s,s,s], s:{s:s, s:s}, s:s}",
        "name", "python", "version", "3.11", "description", "CPython 3.11 compiled to WebAssembly",
        "engine", "CPython 3.11 compiled to WebAssembly (WASI)", "features", "es_version",
        "N/A (Python, not JavaScript)", "standard_library", "Python 3.11 standard library",
        "pre_installed_packages", (json_int_t)packages, "notable_packages",
        "openpyxl (Excel .xlsx)", "PyPDF2 (PDF processing)", "tabulate (table formatting)",
        "jinja2 (templating)", "markdown, python-dateutil, attrs, PyYAML", "state_persistence",
        "Variables persist in a session; with auto_persist_globals, JSON-compatible globals also "
        "survive a restart",
        "api_patterns", "file_io", "Standard Python: open('/app/file.txt') or open('file.txt')",
        "import_syntax", "import openpyxl  # /data/site-packages is on sys.path", "state_access",
        "globals().get('var_name', default)", "path_requirement",
        "Files live under /app (the working directory); /data and /external are read-only",
        "helper_functions", "sandbox_utils: find, tree, grep, sed, head, tail, csv_to_json, ...",
        "pathlib.Path for path operations", "json, csv for data", "fuel_requirements", "imports",
        "Vendored packages are imported in the snapshot: importing them costs little", "loops",
        "Fuel counts instructions: a long loop, not an import, exhausts it", "notes",
        "No network, no subprocess, no native extensions.");
}

/* The JavaScript runtime as the original described it, with our facts. */
static json_t *javascript_runtime(size_t packages) {
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:I, s:[s,s,s,s], s:s, s:s}, s:{s:s, s:s, s:s}, "
        "s:[s,s,s,s], s:{s:s}, s:s}",
        "name", "javascript", "version", "ES2020", "description",
        "QuickJS JavaScript engine in WebAssembly", "engine",
        "QuickJS 2021-03-27 compiled to WebAssembly (WASI)", "features", "es_version",
        "ES2020 (async/await, optional chaining, nullish coalescing, BigInt)", "standard_library",
        "ES2020 built-ins (Array, Object, Map, Set, Promise, JSON, RegExp, ...)",
        "vendored_packages", (json_int_t)packages, "notable_packages", "lodash", "dayjs",
        "papaparse (CSV)", "marked (Markdown)", "state_persistence",
        "Top-level bindings persist in a session; with auto_persist_globals, JSON-compatible "
        "globals also survive a restart",
        "global_helpers",
        "Injected: readText, writeText, readJson, writeJson, listFiles, fileExists, ...",
        "api_patterns", "file_io_simple", "readJson('/app/data.json')", "vendored_packages",
        "const _ = require('lodash');  // or requireVendor('csv-simple')", "path_requirement",
        "Files live under /app; /data and /external are read-only", "helper_functions",
        "readJson(path), writeJson(path, data) - JSON I/O",
        "readText(path), writeText(path, text), appendText(path, text) - text I/O",
        "readLines(path), writeLines(path, lines) - line I/O",
        "listFiles(dir), fileExists(path), fileSize(path), copyFile(src, dest), removeFile(path)",
        "fuel_requirements", "vendored_packages",
        "Loaded in the snapshot: require() of them costs little", "notes",
        "No Node.js APIs (fs, http, child_process).");
}

/* Append one runtime's block of the original's text to text at *n. */
static void runtime_text(char *text, size_t cap, size_t *n, json_t *rt) {
    json_t *f = json_object_get(rt, "features"), *notable = json_object_get(f, "notable_packages");
    json_t *count = json_object_get(f, "pre_installed_packages");
    if (count == NULL) count = json_object_get(f, "vendored_packages");
    if (*n >= cap) return;
    *n += (size_t)snprintf(text + *n, cap - *n,
                           "\xF0\x9F\x94\xB9 %s (%s)\n   %s\n   \xF0\x9F\x93\xA6 Packages: %lld\n"
                           "   \xF0\x9F\x92\xA1 Notable: %s, %s, %s\n\n",
                           json_string_value(json_object_get(rt, "name")),
                           json_string_value(json_object_get(rt, "version")),
                           json_string_value(json_object_get(rt, "description")),
                           (long long)json_integer_value(count),
                           json_string_value(json_array_get(notable, 0)),
                           json_string_value(json_array_get(notable, 1)),
                           json_string_value(json_array_get(notable, 2)));
}

/* list_runtimes() */
json_t *mcp_tool_list_runtimes(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    json_t *py = manifest(srv, "site-packages/vendored.json");
    json_t *js = manifest(srv, "js/vendored.json");
    json_t *runtimes =
        json_pack("[o, o]", python_runtime(projects(py)), javascript_runtime(projects(js)));
    json_decref(py);
    json_decref(js);
    json_t *limits = mcp_result_limits(&srv->opt);
    json_object_set_new(limits, "max_output_chars", json_integer(srv->opt.max_output_chars));
    char text[INFO_TEXT_MAX];
    size_t n = (size_t)snprintf(text, sizeof text, "Available runtimes:\n\n");
    runtime_text(text, sizeof text, &n, json_array_get(runtimes, 0));
    runtime_text(text, sizeof text, &n, json_array_get(runtimes, 1));
    if (n < sizeof text)
        snprintf(text + n, sizeof text - n,
                 "Each run: %llu fuel, %llu MiB memory, %u s default timeout (%u-%u s).\n\n"
                 "\xF0\x9F\x92\xA1 Tip: Use list_available_packages for the complete package "
                 "list",
                 (unsigned long long)srv->opt.fuel,
                 (unsigned long long)(srv->opt.memory_bytes >> 20), srv->opt.default_timeout_s,
                 LSB_MCP_MIN_TIMEOUT_S, LSB_MCP_MAX_TIMEOUT_S);
    return mcp_result_new(text, json_pack("{s:o, s:o}", "runtimes", runtimes, "limits", limits),
                          false);
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

/* What the original's list_available_packages said of its packages. */
#define PACKAGES_USAGE_NOTE                                                                        \
    "Python packages in /data/site-packages are automatically available: they are on "             \
    "sys.path, so import them directly (no pip, no sys.path changes). JavaScript libraries load "  \
    "with require('name') or requireVendor('name')."

/* The category of the original's list a Python import name falls in. */
static const char *python_category(const char *import) {
    static const char *const documents[] = {"openpyxl", "et_xmlfile", "xlsxwriter", "PyPDF2",
                                            "odf",      "defusedxml", NULL};
    static const char *const text_data[] = {"tabulate", "jinja2", "markupsafe", "markdown",
                                            "dateutil", "attr",   "yaml",       NULL};
    for (size_t i = 0; import != NULL && documents[i] != NULL; i++)
        if (strcmp(import, documents[i]) == 0) return "python_document_processing";
    for (size_t i = 0; import != NULL && text_data[i] != NULL; i++)
        if (strcmp(import, text_data[i]) == 0) return "python_text_data";
    return "python_utilities";
}

/* Append "name version" of each project of items (once per project) to
 * the arrays of packages: category picks the key (NULL: key). */
static void add_projects(json_t *packages, json_t *items, const char *key) {
    json_t *v;
    size_t i;
    const char *last = NULL;
    json_array_foreach(items, i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        if (name == NULL || (last != NULL && strcmp(name, last) == 0)) continue;
        last = name;
        char item[160];
        snprintf(item, sizeof item, "%s %s", name,
                 json_string_value(json_object_get(v, "version")));
        const char *k =
            key ? key : python_category(json_string_value(json_object_get(v, "import")));
        json_array_append_new(json_object_get(packages, k), json_string(item));
    }
}

/* The original's packages object, by category, from the manifests. */
static json_t *package_categories(json_t *py, json_t *js) {
    json_t *p = json_pack(
        "{s:[], s:[], s:[], s:[s,s,s,s,s,s,s], s:[], s:[s,s,s], s:[s,s], s:[s,s,s]}",
        "python_document_processing", "python_text_data", "python_utilities",
        "python_stdlib_highlights", "json, csv, xml - data formats", "re - regular expressions",
        "pathlib, os, shutil - file operations in /app", "math, statistics, decimal - mathematics",
        "datetime, time, calendar - date and time", "collections, itertools, functools",
        "sqlite3, zipfile, hashlib, base64", "javascript_vendored_packages", "javascript_stdlib",
        "JSON, Math, Date, RegExp - built-in objects", "Map, Set, Promise, BigInt - ES2020",
        "readText, writeText, readJson, writeJson, listFiles, ... - injected file helpers",
        "fuel_requirements",
        "Every run has the server's fuel budget (list_runtimes shows it); the vendored packages "
        "are imported in the snapshot, so importing them costs little.",
        "A run that exhausts its fuel says so, with a suggested budget.",
        "incompatible_c_extensions", "python-pptx, python-docx - need lxml.etree (a C extension)",
        "Pillow, numpy, pandas - C extensions are not available in WebAssembly",
        "Use openpyxl for Excel, PyPDF2 for PDFs, odfpy for OpenDocument");
    if (p == NULL) return NULL;
    add_projects(p, py, NULL);
    add_projects(p, js, "javascript_vendored_packages");
    return p;
}

/* A category key as the original's title: "python_text_data" becomes
 * "Python Text Data". */
static void category_title(const char *key, char *out, size_t len) {
    size_t i = 0;
    for (bool start = true; key[i] != '\0' && i + 1 < len; i++) {
        char c = key[i] == '_' ? ' ' : key[i];
        out[i] = start && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
        start = c == ' ';
    }
    out[i] = '\0';
}

/* The original's text: each category as a title and its items. */
static void categories_text(char *text, size_t cap, size_t *n, json_t *packages) {
    const char *key;
    json_t *items, *item;
    size_t i;
    json_object_foreach(packages, key, items) {
        char title[64];
        category_title(key, title, sizeof title);
        if (*n >= cap) return;
        *n += (size_t)snprintf(text + *n, cap - *n, "\n%s:\n", title);
        json_array_foreach(items, i, item) {
            if (*n >= cap) return;
            *n += (size_t)snprintf(text + *n, cap - *n, "  - %s\n", json_string_value(item));
        }
    }
}

/* list_available_packages() */
json_t *mcp_tool_list_packages(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    json_t *py = manifest(srv, "site-packages/vendored.json");
    json_t *js = manifest(srv, "js/vendored.json");
    json_t *whl = wheels(srv), *packages = package_categories(py, js);
    char text[INFO_TEXT_MAX];
    size_t n = (size_t)snprintf(text, sizeof text, "%s\n", PACKAGES_USAGE_NOTE);
    categories_text(text, sizeof text, &n, packages);
    if (n < sizeof text)
        snprintf(text + n, sizeof text - n,
                 "\nInstallable into a Python session with install_package: %zu wheel(s)%s.",
                 json_array_size(whl), json_array_size(whl) ? " (see structured content)" : "");
    return mcp_result_new(text,
                          json_pack("{s:o, s:o, s:o, s:o, s:s}", "packages", packages, "python", py,
                                    "javascript", js, "installable_wheels", whl, "usage_note",
                                    PACKAGES_USAGE_NOTE),
                          false);
}
