/*
 * guidance.c - the advice table: for each kind of failure (trap, Python or
 * JavaScript error type), sentences a model can act on and links to docs.
 *
 * Invariants: advice is data, in the table below, and nowhere else; lookups
 * always succeed (an unknown error type gets the language's generic advice)
 * and every list is NULL-terminated. To add advice, add arrays and a row.
 */
#include "sandbox/guidance.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/defaults.h"

#define GUIDANCE_ANY_LANG (-1)
#define GUIDANCE_MS_PER_S 1000.0

/* One row of the table: advice for an error type in one language (or any). */
typedef struct guidance_entry {
    const char *type;
    int lang; /* an lsb_language, or GUIDANCE_ANY_LANG */
    const char *const *guidance;
    const char *const *docs;
} guidance_entry;

static const char *const guidance_none[] = {NULL};

/* Traps, and exits without an exception. */
static const char *const g_out_of_fuel[] = {
    "The code ran out of its instruction budget (fuel). Look for an infinite loop, or raise the "
    "budget with --fuel / fuel=...",
    "If the work is legitimately large, process less data per run or use a faster algorithm; "
    "fuel_analysis.suggested_budget is a budget that would likely suffice.",
    NULL};
static const char *const g_timeout[] = {
    "The code exceeded its wall-clock limit. Look for an infinite loop or a long sleep, or raise "
    "the limit with --timeout / timeout=... (seconds).",
    "Sleeping counts against the wall clock, and there is no network to wait on.", NULL};
static const char *const g_memory[] = {
    "The code needed more memory than its limit. Process data in chunks or with generators "
    "instead of building large lists or strings, or raise the limit with --memory / memory=... "
    "(for example 256MiB).",
    "Delete large objects you no longer need before allocating new ones.", NULL};
static const char *const g_stack[] = {
    "The call stack overflowed, usually through unbounded or very deep recursion. Check the "
    "recursion's base case, or rewrite it as a loop with an explicit stack.",
    NULL};
static const char *const g_trap[] = {
    "The WebAssembly runtime stopped the interpreter (an internal fault, not a normal "
    "exception). Simplify the failing step and retry; if it repeats, report the code.",
    NULL};
static const char *const g_killed[] = {
    "The sandboxed process was killed before it finished. Retry; if it repeats, do less work in "
    "one run.",
    NULL};
static const char *const g_exit[] = {
    "The program exited with a non-zero status without an uncaught exception (for example "
    "sys.exit(1) or process.exit(1)); read stderr for its reason.",
    NULL};

/* Python. */
static const char *const g_py_module[] = {
    "There is no network access and no pip: packages cannot be installed at run time.",
    "The Python 3.11 standard library is available: json, re, math, statistics, datetime, "
    "collections, itertools, functools, csv, sqlite3, decimal, fractions, random, hashlib, "
    "base64, zlib, textwrap, dataclasses, typing and more.",
    "Rewrite the code with the standard library instead of third-party packages (numpy, pandas, "
    "requests...), unless they are vendored read-only under /data.",
    NULL};
static const char *const g_py_import[] = {
    "Check the name imported from the module: there is no network and no pip, so only the "
    "Python 3.11 standard library (and packages vendored under /data) can be imported.",
    NULL};
static const char *const g_py_file[] = {
    "Files live under /app, the working directory (read-write); relative paths resolve there.",
    "Read-only inputs may be under /data and /external. List what exists with "
    "os.listdir('/app') before opening a file.",
    "Nothing persists between one-shot runs unless it was written under a workspace you pass "
    "again (--workspace).",
    NULL};
static const char *const g_py_perm[] = {
    "Only /app is writable; /data, /external and the standard library are mounted read-only. "
    "Write output files under /app.",
    "Paths outside the mounts (/app, /data, /external, /usr/local/lib) cannot be reached, and "
    "'..' or symlinks cannot leave a mount.",
    NULL};
static const char *const g_py_os[] = {
    "Writes outside /app fail (the other mounts are read-only), and /app has a quota of bytes "
    "and files; write under /app and keep files small.",
    "There is no network: sockets, HTTP requests and DNS are not available.", NULL};
static const char *const g_py_recursion[] = {
    "Recursion went deeper than Python's limit. Check the base case, or rewrite the recursion "
    "as a loop with an explicit stack.",
    NULL};
static const char *const g_syntax[] = {
    "The code did not compile: fix the syntax at the line shown in stderr.",
    "Send plain source code, without Markdown code fences or surrounding prose.", NULL};
static const char *const g_py_name[] = {
    "A name was used before it was defined: check its spelling and the order of definitions.",
    "Each one-shot run starts fresh: variables and imports from earlier runs do not survive.",
    NULL};
static const char *const g_py_generic[] = {
    "Read the traceback in stderr: its last line names the exception, and the lines above it "
    "show where it was raised.",
    NULL};

/* JavaScript. */
static const char *const g_js_reference[] = {
    "A name is not defined. This runtime is QuickJS, not Node.js: require(), npm packages and "
    "Node.js globals are not available; use standard built-ins (JSON, Math, Date, RegExp, Map, "
    "Set, typed arrays).",
    NULL};
static const char *const g_js_internal[] = {
    "QuickJS raises InternalError for 'stack overflow' (recursion too deep: use a loop) and "
    "'out of memory' (process less data at once, or raise --memory / memory=...).",
    NULL};
static const char *const g_js_generic[] = {
    "Read the error message and stack trace in stderr: they name the failing line.", NULL};

/* Links. */
#define GUIDANCE_PY_EXC "https://docs.python.org/3.11/library/exceptions.html"
#define GUIDANCE_MDN    "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/"
static const char *const d_py_module[] = {GUIDANCE_PY_EXC "#ModuleNotFoundError",
                                          "https://docs.python.org/3.11/library/index.html", NULL};
static const char *const d_py_import[] = {GUIDANCE_PY_EXC "#ImportError", NULL};
static const char *const d_py_file[] = {GUIDANCE_PY_EXC "#FileNotFoundError", NULL};
static const char *const d_py_perm[] = {GUIDANCE_PY_EXC "#PermissionError", NULL};
static const char *const d_py_os[] = {GUIDANCE_PY_EXC "#OSError", NULL};
static const char *const d_py_memory[] = {GUIDANCE_PY_EXC "#MemoryError", NULL};
static const char *const d_py_recursion[] = {GUIDANCE_PY_EXC "#RecursionError", NULL};
static const char *const d_py_syntax[] = {GUIDANCE_PY_EXC "#SyntaxError", NULL};
static const char *const d_py_name[] = {GUIDANCE_PY_EXC "#NameError", NULL};
static const char *const d_py_generic[] = {GUIDANCE_PY_EXC, NULL};
static const char *const d_js_syntax[] = {GUIDANCE_MDN "Global_Objects/SyntaxError", NULL};
static const char *const d_js_reference[] = {GUIDANCE_MDN "Global_Objects/ReferenceError", NULL};
static const char *const d_js_internal[] = {GUIDANCE_MDN "Global_Objects/InternalError", NULL};
static const char *const d_js_generic[] = {GUIDANCE_MDN "Global_Objects/Error", NULL};

/* Language-specific rows come before GUIDANCE_ANY_LANG rows of the same type. */
static const guidance_entry guidance_table[] = {
    {"OutOfFuel", GUIDANCE_ANY_LANG, g_out_of_fuel, guidance_none},
    {"Timeout", GUIDANCE_ANY_LANG, g_timeout, guidance_none},
    {"MemoryLimit", GUIDANCE_ANY_LANG, g_memory, guidance_none},
    {"StackOverflow", GUIDANCE_ANY_LANG, g_stack, guidance_none},
    {"Trap", GUIDANCE_ANY_LANG, g_trap, guidance_none},
    {"Killed", GUIDANCE_ANY_LANG, g_killed, guidance_none},
    {"NonZeroExit", GUIDANCE_ANY_LANG, g_exit, guidance_none},
    {"ModuleNotFoundError", LSB_LANG_PYTHON, g_py_module, d_py_module},
    {"ImportError", LSB_LANG_PYTHON, g_py_import, d_py_import},
    {"FileNotFoundError", LSB_LANG_PYTHON, g_py_file, d_py_file},
    {"PermissionError", LSB_LANG_PYTHON, g_py_perm, d_py_perm},
    {"OSError", LSB_LANG_PYTHON, g_py_os, d_py_os},
    {"MemoryError", LSB_LANG_PYTHON, g_memory, d_py_memory},
    {"RecursionError", LSB_LANG_PYTHON, g_py_recursion, d_py_recursion},
    {"SyntaxError", LSB_LANG_PYTHON, g_syntax, d_py_syntax},
    {"IndentationError", LSB_LANG_PYTHON, g_syntax, d_py_syntax},
    {"NameError", LSB_LANG_PYTHON, g_py_name, d_py_name},
    {"SyntaxError", LSB_LANG_JAVASCRIPT, g_syntax, d_js_syntax},
    {"ReferenceError", LSB_LANG_JAVASCRIPT, g_js_reference, d_js_reference},
    {"InternalError", LSB_LANG_JAVASCRIPT, g_js_internal, d_js_internal},
};

static const guidance_entry guidance_fallback[] = {
    {"", LSB_LANG_PYTHON, g_py_generic, d_py_generic},
    {"", LSB_LANG_JAVASCRIPT, g_js_generic, d_js_generic},
};

static const char *const guidance_trap_types[] = {
    [LSB_TRAP_NONE] = NULL,
    [LSB_TRAP_OUT_OF_FUEL] = "OutOfFuel",
    [LSB_TRAP_TIMEOUT] = "Timeout",
    [LSB_TRAP_MEMORY] = "MemoryLimit",
    [LSB_TRAP_STACK_OVERFLOW] = "StackOverflow",
    [LSB_TRAP_TRAP] = "Trap",
    [LSB_TRAP_KILLED] = "Killed",
};

const char *guidance_trap_type(lsb_trap trap) {
    if (trap == LSB_TRAP_NONE) return NULL;
    if ((unsigned)trap >= sizeof guidance_trap_types / sizeof guidance_trap_types[0])
        return "Trap"; /* an unknown reason is still a trap */
    return guidance_trap_types[trap];
}

/* The advice for type in lang; the language's generic advice if none. */
static const guidance_entry *guidance_lookup(const char *type, lsb_language lang) {
    for (size_t i = 0; i < sizeof guidance_table / sizeof guidance_table[0]; i++) {
        const guidance_entry *e = &guidance_table[i];
        if ((e->lang == GUIDANCE_ANY_LANG || e->lang == (int)lang) && strcmp(e->type, type) == 0)
            return e;
    }
    return lang == LSB_LANG_JAVASCRIPT ? &guidance_fallback[1] : &guidance_fallback[0];
}

/* A sentence explaining a trap, written to buf. */
static void guidance_trap_message(const lsb_result *r, char *buf, size_t len) {
    switch (r->trap) {
    case LSB_TRAP_OUT_OF_FUEL:
        snprintf(buf, len, "The code ran out of fuel after %llu instructions (budget %llu).",
                 (unsigned long long)r->fuel_consumed, (unsigned long long)r->fuel_budget);
        break;
    case LSB_TRAP_TIMEOUT:
        snprintf(buf, len,
                 "The code was stopped after %.1f seconds because it exceeded its wall-clock "
                 "limit.",
                 r->duration_ms / GUIDANCE_MS_PER_S);
        break;
    case LSB_TRAP_MEMORY:
        snprintf(buf, len,
                 "The code tried to use more than its memory limit of %llu bytes (%.0f MiB).",
                 (unsigned long long)r->memory_limit_bytes,
                 (double)r->memory_limit_bytes / (double)LSB_MIB);
        break;
    case LSB_TRAP_STACK_OVERFLOW:
        snprintf(buf, len, "The call stack overflowed (recursion too deep).");
        break;
    case LSB_TRAP_KILLED:
        snprintf(buf, len, "The sandboxed process was killed by a signal before it finished.");
        break;
    default:
        snprintf(buf, len,
                 "The WebAssembly runtime trapped: the interpreter hit an internal fault.");
        break;
    }
}

/* The message of the error object: the guest's, else one we write. */
static const char *guidance_message(const lsb_result *r, const char *type, char *buf, size_t len) {
    if (r->error_message) return r->error_message;
    if (r->trap != LSB_TRAP_NONE)
        guidance_trap_message(r, buf, len);
    else if (r->error_type)
        snprintf(buf, len, "%s was raised; stderr holds the traceback.", type);
    else
        snprintf(buf, len, "The program exited with status %d.", r->exit_code);
    return buf;
}

bool guidance_describe(const lsb_result *r, guidance_error *out, char *msgbuf, size_t msglen) {
    const char *type = r->error_type;
    if (!type) type = guidance_trap_type(r->trap);
    if (!type && r->success && r->exit_code == 0) return false;
    if (!type) type = "NonZeroExit";
    const guidance_entry *e = guidance_lookup(type, r->runtime);
    out->type = type;
    out->message = guidance_message(r, type, msgbuf, msglen);
    out->guidance = e->guidance;
    out->docs = e->docs;
    return true;
}
