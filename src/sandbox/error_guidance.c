/*
 * error_guidance.c - the original system's error_guidance (SEED-SPEC 4.1):
 * its six classifiers with its guidance texts, numbers filled in, and our
 * catalogue (guidance.c) for every other failure.
 *
 * Invariants: the original's texts are kept word for word where they are
 * true here; lines that were false for the original or are false for us
 * (an advertised fuel note, Node's require('fs'), "30+" packages) say what
 * is true instead. Recognition reuses guidance.c's reading of the guest's
 * error (the captured path or module), so both objects agree on a run.
 */
#include "sandbox/error_guidance.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/defaults.h"
#include "sandbox/policy.h"

#define EG_STDERR_SCAN   10000 /* the original read this much of stderr */
#define EG_SUGGEST       2     /* concrete recommendations: twice the limit */
#define EG_EVAL_AT       "at <eval>"
#define EG_VENDOR_SITE   LSB_MOUNT_DATA "/site-packages"
#define EG_COUNT(a)      (sizeof(a) / sizeof((a)[0]))
#define EG_GROUP         1000 /* thousands separators */
#define EG_NUMBER_DIGITS 3

/* ---- the original's constant lines -------------------------------------- */

static const char *const eg_fuel_intro[] = {
    "Code execution exceeded the fuel budget (instruction limit).",
    "This typically occurs with:",
    "  - Heavy package imports (openpyxl: 5-7B, PyPDF2: 5-6B, jinja2: 5-10B fuel on first import)",
    "  - Large dataset processing (loops over big files/arrays)",
    "  - Infinite loops or very deep recursion",
    "\nSolutions:",
    "1. Increase fuel_budget when creating session or calling execute_code:",
    "   - For heavy packages: Use 10B+ for first import, 2B+ for subsequent executions",
    "   - For large datasets: Estimate ~1B fuel per 100K loop iterations",
    "2. Use persistent sessions (auto_persist_globals=True) to cache imports across executions",
    "3. Optimize code: reduce loop iterations, use generators instead of loading full datasets",
    NULL};
static const char *const eg_memory_intro[] = {
    "Code execution exceeded the memory limit (linear memory cap).",
    "This typically occurs with:",
    "  - Loading large files entirely into memory (multi-MB datasets)",
    "  - Creating large data structures (big arrays, nested objects)",
    "  - Memory leaks in long-running computations",
    "\nSolutions:",
    "1. Increase memory_bytes when creating session or calling execute_code:",
    NULL};
static const char *const eg_memory_tail[] = {
    "   - Large files: 256-512 MB",
    "   - Very large datasets: 1 GB+",
    "2. Process data in chunks instead of loading entire files",
    "3. Use generators/iterators to avoid materializing full datasets",
    "4. Clear large objects after use: del large_array",
    NULL};
static const char *const eg_path_intro[] = {
    "File access failed due to WASI capability-based isolation.",
    "The sandbox only has access to files within the /app directory (workspace).",
    "Absolute paths and attempts to access parent directories (..) are blocked.", NULL};
static const char *const eg_path_solutions[] = {
    "\nSolutions:",
    "1. Use relative paths within /app (e.g., 'data.txt' instead of '/etc/passwd')",
    "2. Place input files in the workspace directory before execution",
    "3. Use /app/ prefix for absolute paths: '/app/data.txt' (not '/data.txt')",
    "4. For secondary data mounts, use the configured guest_data_path (default: /data)",
    "5. Files shared read-only with every session are under /external",
    NULL};
static const char *const eg_vendor_solutions[] = {
    "\nSolutions:",
    "1. Add sys.path configuration at the start of your code:",
    "   import sys",
    "   sys.path.insert(0, '" EG_VENDOR_SITE "')",
    "2. Then import the package normally: import openpyxl",
    "3. List available packages: call list_available_packages MCP tool",
    NULL};
static const char *const eg_tuple_intro[] = {
    "QuickJS helper functions return arrays, not JavaScript destructuring-compatible tuples.",
    "JavaScript array destructuring syntax works, but Python-style tuple unpacking does not.",
    "This is a known limitation of the QuickJS std/os modules.", NULL};
static const char *const eg_tuple_solutions[] = {
    "\nSolutions:", "1. Use array destructuring: const [key, value] = readJson('data.json');",
    "2. Use array indexing: const result = readJson('data.json'); const key = result[0];",
    "3. Avoid Python-style tuple unpacking: NO: (key, value) = func(); YES: [key, value] = func();",
    NULL};
static const char *const eg_require_intro[] = {
    "Vendored JavaScript packages must be loaded via requireVendor(), not standard require().",
    "The sandbox includes vendored packages (csv-simple, string-utils, json-utils),",
    "but they are not in the standard module search path.", NULL};
static const char *const eg_require_solutions[] = {
    "\nSolutions:",
    "1. Use requireVendor() for vendored packages:",
    "   const csv = requireVendor('csv-simple');",
    "2. Available vendored packages: csv-simple, string-utils, json-utils",
    "3. Node.js built-ins such as fs do not exist in QuickJS: use the file helpers (readText, "
    "writeText, listFiles)",
    NULL};

/* The JavaScript packages the original's MissingRequireVendor knows. */
static const char *const eg_require_names[] = {"csv-simple", "string-utils", "json-utils"};

/* ---- building ----------------------------------------------------------- */

/* Format into the text buffer; returns the string, or "" when full. fmt is
 * always one of ours; guest text only comes in as an argument. */
__attribute__((format(printf, 2, 3))) static const char *eg_printf(error_guidance *out,
                                                                   const char *fmt, ...) {
    size_t room = sizeof out->text - out->used;
    if (room < 2) return "";
    char *at = out->text + out->used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(at, room, fmt, ap);
    va_end(ap);
    if (n < 0) return "";
    out->used += ((size_t)n < room ? (size_t)n : room - 1) + 1;
    return at;
}

/* Append one line (static or in text). */
static void eg_line(error_guidance *out, const char *line) {
    if (out->count < EG_MAX_LINES) out->lines[out->count++] = line;
    out->lines[out->count] = NULL;
}

/* Append every line of a NULL-terminated list. */
static void eg_lines(error_guidance *out, const char *const *lines) {
    for (size_t i = 0; lines[i]; i++)
        eg_line(out, lines[i]);
}

/* Set the one code example. */
static void eg_set_example(error_guidance *out, const char *before, const char *after,
                           const char *explanation) {
    out->has_example = true;
    out->example = (eg_example){before, after, explanation};
}

void eg_commas(uint64_t v, char *buf, size_t len) {
    char digits[EG_NUMBER_MAX];
    char tmp[EG_NUMBER_MAX + EG_NUMBER_MAX / EG_NUMBER_DIGITS];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % EG_NUMBER_DIGITS == 0) tmp[k++] = ',';
        tmp[k++] = digits[i];
    }
    tmp[k] = '\0';
    snprintf(buf, len, "%s", tmp);
}

/* v with '_' between groups of three digits, as a Python literal. */
static void eg_underscores(uint64_t v, char *buf, size_t len) {
    eg_commas(v, buf, len);
    for (char *p = buf; *p; p++)
        if (*p == ',') *p = '_';
}

/* ---- the original's classifiers ----------------------------------------- */

/* OutOfFuel: the budget, solutions and the concrete recommendation. */
static void eg_out_of_fuel(const lsb_result *r, error_guidance *out) {
    char from[EG_NUMBER_MAX], to[EG_NUMBER_MAX], lit_from[EG_NUMBER_MAX], lit_to[EG_NUMBER_MAX];
    uint64_t more =
        r->fuel_budget > LSB_MAX_FUEL / EG_SUGGEST ? LSB_MAX_FUEL : r->fuel_budget * EG_SUGGEST;
    out->error_type = "OutOfFuel";
    eg_lines(out, eg_fuel_intro);
    eg_commas(r->fuel_budget, from, sizeof from);
    eg_commas(more, to, sizeof to);
    if (r->fuel_budget && r->fuel_consumed)
        eg_line(out, eg_printf(out,
                               "\nConcrete recommendation: Increase fuel_budget from %s to %s "
                               "instructions",
                               from, to));
    else if (r->fuel_budget)
        eg_line(out,
                eg_printf(out, "\nConcrete recommendation: Increase fuel_budget to %s instructions",
                          to));
    eg_underscores(r->fuel_budget, lit_from, sizeof lit_from);
    eg_underscores(more, lit_to, sizeof lit_to);
    eg_set_example(out, eg_printf(out, "sandbox.execute(code, fuel_budget=%s)", lit_from),
                   eg_printf(out, "sandbox.execute(code, fuel_budget=%s)  # CLI: --fuel %llu",
                             lit_to, (unsigned long long)more),
                   "Increase fuel budget for package imports or large computations");
}

/* MemoryExhausted: the original's advice, and (since we know the limit)
 * the concrete recommendation it could never give. */
static void eg_memory(const lsb_result *r, error_guidance *out) {
    char limit[EG_NUMBER_MAX], to[EG_NUMBER_MAX], lit_from[EG_NUMBER_MAX], lit_to[EG_NUMBER_MAX];
    uint64_t more = r->memory_limit_bytes > LSB_MAX_MEMORY / EG_SUGGEST
                        ? LSB_MAX_MEMORY
                        : r->memory_limit_bytes * EG_SUGGEST;
    out->error_type = "MemoryExhausted";
    eg_lines(out, eg_memory_intro);
    eg_line(out, eg_printf(out, "   - Default: %llu MB (sufficient for most tasks)",
                           (unsigned long long)(LSB_DEFAULT_MEMORY / LSB_MIB)));
    eg_lines(out, eg_memory_tail);
    eg_commas(r->memory_limit_bytes, limit, sizeof limit);
    eg_commas(more, to, sizeof to);
    if (r->memory_limit_bytes >= LSB_MAX_MEMORY)
        eg_line(out, eg_printf(out,
                               "\nConcrete recommendation: memory_bytes is already at its "
                               "maximum (%s bytes): process the data in smaller pieces",
                               limit));
    else if (r->memory_limit_bytes)
        eg_line(out,
                eg_printf(out, "\nConcrete recommendation: Increase memory_bytes to %s bytes", to));
    eg_underscores(r->memory_limit_bytes, lit_from, sizeof lit_from);
    eg_underscores(more, lit_to, sizeof lit_to);
    eg_set_example(out, eg_printf(out, "sandbox.execute(code, memory_bytes=%s)", lit_from),
                   eg_printf(out, "sandbox.execute(code, memory_bytes=%s)  # CLI: --memory %llu",
                             lit_to, (unsigned long long)more),
                   "Increase memory limit for large file processing");
}

/* PathRestriction: the path that is outside every mount. */
static void eg_path(const lsb_result *r, error_guidance *out, const char *path) {
    out->error_type = "PathRestriction";
    eg_lines(out, eg_path_intro);
    eg_line(out, eg_printf(out, "\nDetected invalid path: %s", path));
    eg_lines(out, eg_path_solutions);
    if (r->runtime == LSB_LANG_JAVASCRIPT)
        eg_set_example(out, eg_printf(out, "const text = readText('%s');", path),
                       "const text = readText('/app/data.txt');",
                       "Use /app prefix or relative paths within workspace");
    else
        eg_set_example(out, eg_printf(out, "with open('%s', 'r') as f:", path),
                       "with open('/app/data.txt', 'r') as f:",
                       "Use /app prefix or relative paths within workspace");
}

/* MissingVendoredPackage: name as the guest wrote it, spelled as vendored. */
static void eg_vendored(error_guidance *out, const char *name, const char *spelled) {
    size_t vendored = guidance_vendored_count(LSB_LANG_PYTHON);
    out->error_type = "MissingVendoredPackage";
    eg_line(out,
            "ModuleNotFoundError for a vendored package indicates sys.path is not configured.");
    eg_line(out, eg_printf(out, "The sandbox includes %zu pre-installed Python packages in %s,",
                           vendored, EG_VENDOR_SITE));
    eg_line(out, "but they must be explicitly added to sys.path before importing.");
    eg_line(out, eg_printf(out, "\nMissing package: %s", name));
    eg_lines(out, eg_vendor_solutions);
    if (strcmp(name, spelled) != 0)
        eg_line(out,
                eg_printf(out, "Module names are case-sensitive: the package is '%s'.", spelled));
    else if (strcmp(out->ours.type, "MissingVendoredPackage") == 0)
        for (size_t i = 0; out->ours.guidance[i]; i++) /* ours: /data may have been replaced */
            eg_line(out, out->ours.guidance[i]);
    eg_set_example(out, eg_printf(out, "import %s  # \u274c ModuleNotFoundError", name),
                   eg_printf(out,
                             "import sys\nsys.path.insert(0, '" EG_VENDOR_SITE
                             "')\nimport %s  # \u2705 Works",
                             spelled),
                   "Add vendored packages to sys.path before importing");
}

/* QuickJSTupleDestructuring, with the line from the stack when shown. */
static void eg_tuple(const lsb_result *r, error_guidance *out) {
    const char *at = r->stderr_data ? strstr(r->stderr_data, EG_EVAL_AT) : NULL;
    const char *colon = at ? strpbrk(at, ":\n") : NULL;
    unsigned line = 0;
    out->error_type = "QuickJSTupleDestructuring";
    eg_lines(out, eg_tuple_intro);
    if (colon && *colon == ':' && sscanf(colon + 1, "%u", &line) == 1 && line > 0)
        eg_line(out, eg_printf(out, "\nProblematic code: line %u", line));
    eg_lines(out, eg_tuple_solutions);
    eg_set_example(out, "const (status, data) = os.stat('/app/file.txt');  // \u274c Invalid",
                   "const [status, data] = os.stat('/app/file.txt');  // \u2705 Correct",
                   "Use array destructuring syntax, not tuple syntax");
}

/* MissingRequireVendor for one of the original's three packages. */
static void eg_require(error_guidance *out, const char *name) {
    out->error_type = "MissingRequireVendor";
    eg_lines(out, eg_require_intro);
    eg_line(out, eg_printf(out, "\nMissing package: %s", name));
    eg_lines(out, eg_require_solutions);
    eg_set_example(out,
                   eg_printf(out, "const pkg = require('%s');  // \u274c Module not found", name),
                   eg_printf(out, "const pkg = requireVendor('%s');  // \u2705 Works", name),
                   "Use requireVendor() for vendored packages");
}

/* ---- recognising them --------------------------------------------------- */

/* The failure as text: "Type: message" of the guest's error, or the first
 * EG_STDERR_SCAN bytes of stderr when it named none (as the original read). */
static void eg_error_text(const lsb_result *r, char *buf, size_t len) {
    if (r->error_type && r->error_type[0])
        snprintf(buf, len, "%s: %s", r->error_type, r->error_message ? r->error_message : "");
    else
        snprintf(buf, len, "%.*s", (int)(r->stderr_len < len ? r->stderr_len : len - 1),
                 r->stderr_data ? r->stderr_data : "");
}

/* The first single-quoted token of text into buf; false when none. */
static bool eg_quoted(const char *text, char *buf, size_t len) {
    const char *open = strchr(text, '\'');
    const char *close = open ? strchr(open + 1, '\'') : NULL;
    if (!close) return false;
    snprintf(buf, len, "%.*s", (int)(close - open - 1), open + 1);
    return true;
}

/* Whether name is one of the original's requireVendor packages. */
static bool eg_require_name(const char *name) {
    for (size_t i = 0; i < EG_COUNT(eg_require_names); i++)
        if (strcmp(eg_require_names[i], name) == 0) return true;
    return false;
}

/* The JavaScript classifiers; false when neither recognises r. */
static bool eg_javascript(const lsb_result *r, error_guidance *out) {
    char text[EG_STDERR_SCAN + 1];
    char name[GUIDANCE_SUBJECT_MAX];
    if (r->runtime != LSB_LANG_JAVASCRIPT) return false;
    eg_error_text(r, text, sizeof text);
    if (strstr(text, "TypeError") && strstr(text, "not iterable")) {
        eg_tuple(r, out);
        return true;
    }
    if ((strstr(text, "ReferenceError") || strstr(text, "Cannot find module")) &&
        eg_quoted(text, name, sizeof name) && eg_require_name(name)) {
        eg_require(out, name);
        return true;
    }
    return false;
}

/* MissingVendoredPackage: our reading of "No module named 'X'" named a
 * package that is vendored, in any case; false otherwise. */
static bool eg_python_vendored(const lsb_result *r, error_guidance *out) {
    const char *t = out->ours.type;
    if (r->runtime != LSB_LANG_PYTHON || !out->ours.subject[0] ||
        (strcmp(t, "MissingVendoredPackage") != 0 && strcmp(t, "PackageNotInstalled") != 0))
        return false;
    const char *spelled = guidance_vendored_spelling(LSB_LANG_PYTHON, out->ours.subject);
    if (!spelled) return false;
    eg_vendored(out, out->ours.subject, spelled);
    return true;
}

/* Every other failure: our catalogue's type, guidance and docs. */
static void eg_ours(error_guidance *out) {
    out->error_type = out->ours.type;
    for (size_t i = 0; out->ours.guidance[i]; i++)
        eg_line(out, out->ours.guidance[i]);
}

bool eg_describe(const lsb_result *r, error_guidance *out) {
    if (r->exit_code == 0 && r->trap == LSB_TRAP_NONE) return false;
    if (!guidance_describe(r, &out->ours)) return false;
    out->count = out->used = 0;
    out->lines[0] = NULL;
    out->has_example = false;
    out->docs = out->ours.docs;
    const char *t = out->ours.type;
    if (r->trap == LSB_TRAP_OUT_OF_FUEL)
        eg_out_of_fuel(r, out);
    else if (strcmp(t, "MemoryExhausted") == 0)
        eg_memory(r, out);
    else if (strcmp(t, "PathOutsideWorkspace") == 0 && out->ours.subject[0])
        eg_path(r, out, out->ours.subject);
    else if (!eg_python_vendored(r, out) && !eg_javascript(r, out))
        eg_ours(out);
    return true;
}
