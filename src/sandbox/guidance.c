/*
 * guidance.c - the error catalogue: for each kind of failure, how it is
 * recognised (trap, guest error type, message pattern, conditions on the
 * path or module named in the message), what a model should do next
 * (sentence templates with the numbers, paths and names filled in) and
 * where to read more.
 *
 * Invariants: the catalogue is data, in guidance_catalogue below, and
 * nowhere else; the first row that recognises a result wins; lookups
 * always succeed (the language's generic row is last) and every list is
 * NULL-terminated; guest text is copied as data into bounded buffers and
 * never used as a format string.
 */
#include "sandbox/guidance.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/defaults.h"
#include "sandbox/fuel_analysis.h"
#include "sandbox/policy.h"

#define GUIDANCE_ANY_LANG       (-1)
#define GUIDANCE_MS_PER_S       1000.0
#define GUIDANCE_GROWTH         2   /* suggested limits: this times the one that was hit */
#define GUIDANCE_NUMBER_MAX     48  /* a number, or "100 MiB and 10000 files" */
#define GUIDANCE_LIST_MAX       768 /* bytes of a rendered list of package names */
#define GUIDANCE_DETAIL_MAX     256 /* bytes of the truncation phrases */
#define GUIDANCE_ELLIPSIS       "..."
#define GUIDANCE_UTF8_TAIL_MASK 0xC0 /* a UTF-8 continuation byte is 10xxxxxx */
#define GUIDANCE_UTF8_TAIL      0x80
#define GUIDANCE_NO_GUEST       "" /* guest field: the run named no error */
#define GUIDANCE_ALT_SEP        '|'
#define GUIDANCE_VENDORED_PY    "/data/site-packages"
#define GUIDANCE_VENDORED_JS    "/data/js"
#define GUIDANCE_NODE_PREFIX    "node:"
#define GUIDANCE_NONE_WORD      "none"
#define GUIDANCE_COUNT(a)       (sizeof(a) / sizeof((a)[0]))
#define GUIDANCE_README_LIMIT   "README.md#defaults"
#define GUIDANCE_README_USE     "README.md#using-it"
#define GUIDANCE_PY_EXC         "https://docs.python.org/3.11/library/exceptions.html"
#define GUIDANCE_MDN            "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/"

/* What the first quoted token after a row's needle names. */
typedef enum guidance_subject {
    GUIDANCE_SUBJECT_NONE,
    GUIDANCE_SUBJECT_PATH,  /* a file path, e.g. '/home/user/x.csv' */
    GUIDANCE_SUBJECT_MODULE /* an import or require() name, e.g. 'numpy' */
} guidance_subject;

/* Conditions a row may add; all of a row's conditions must hold. */
enum {
    GUIDANCE_IF_OUTSIDE = 1u << 0,   /* the path is outside /app, /data, /external, stdlib */
    GUIDANCE_IF_INSIDE = 1u << 1,    /* the path is inside one of those mounts */
    GUIDANCE_IF_NATIVE = 1u << 2,    /* the module cannot exist in WebAssembly here */
    GUIDANCE_IF_VENDORED = 1u << 3,  /* the module is vendored under /data */
    GUIDANCE_IF_MISSING = 1u << 4,   /* the module is neither: a pure package we do not ship */
    GUIDANCE_IF_RELATIVE = 1u << 5,  /* the module is a relative require ('./x', '/x') */
    GUIDANCE_IF_TRUNCATED = 1u << 6, /* stdout or stderr was cut at its cap */
    GUIDANCE_AS_WARNING = 1u << 7,   /* the row is a warning's text, never an error */
};

/* One row of the catalogue. */
typedef struct guidance_row {
    const char *type;         /* catalogue type; NULL: keep the guest's own type */
    int lang;                 /* an lsb_language, or GUIDANCE_ANY_LANG */
    lsb_trap trap;            /* LSB_TRAP_NONE: any; else the trap must be this one */
    const char *guest;        /* guest error types "A|B"; NULL: any; GUIDANCE_NO_GUEST: none */
    const char *needle;       /* "a|b": one must occur in the message (any case); NULL: any */
    guidance_subject subject; /* the quoted token after the needle, when conditions need it */
    unsigned when;            /* GUIDANCE_IF_* */
    const char *const *templates;
    const char *const *docs;
} guidance_row;

/* A package that cannot work here, and what to use instead. */
typedef struct guidance_module {
    const char *name; /* top-level import or require() name */
    int lang;
    const char *why;     /* completes "'numpy' ..." */
    const char *instead; /* completes "Use instead: ..." */
} guidance_module;

/* ---- packages ----------------------------------------------------------- */

/* Top-level import names vendored under /data/site-packages: must match the
 * PACKAGES table of guest/python/vendor.sh and guest/python/site/ (the unit
 * test compares it with vendored.json when the assets are built). */
static const char *const guidance_vendored_py[] = {
    "openpyxl",   "et_xmlfile",    "xlsxwriter", "PyPDF2",
    "odf",        "defusedxml",    "tabulate",   "jinja2",
    "markupsafe", "markdown",      "dateutil",   "attr",
    "attrs",      "six",           "certifi",    "charset_normalizer",
    "idna",       "urllib3",       "tomli",      "yaml",
    "tzdata",     "sandbox_utils", NULL};

/* require() names vendored under /data/js: must match guest/js/vendor.sh. */
static const char *const guidance_vendored_js[] = {"csv-simple",    "json-utils", "string-utils",
                                                   "sandbox-utils", "lodash",     "dayjs",
                                                   "papaparse",     "marked",     NULL};

#define WHY_NATIVE                                                                                 \
    "is a compiled (C, C++ or Rust) extension, and the WebAssembly interpreter here cannot load "  \
    "native code"
#define WHY_NETWORK "needs network access, and the sandbox has no network"
#define WHY_OS                                                                                     \
    "needs operating-system features (processes, threads, terminals or native libraries) that "    \
    "WebAssembly does not provide"
#define WHY_NODE "is a Node.js built-in, and this runtime is QuickJS, not Node.js"
#define INSTEAD_TABLES                                                                             \
    "csv (csv.DictReader/DictWriter), json, statistics and collections for tables; sqlite3 for "   \
    "SQL over the data; openpyxl or xlsxwriter for Excel files; tabulate to print tables"
#define INSTEAD_NO_NETWORK                                                                         \
    "nothing that reaches the network: put the data in the workspace (/app) or under /external "   \
    "and read the files"
#define INSTEAD_CRYPTO                                                                             \
    "hashlib, hmac and secrets for hashes, HMACs and random tokens (there is no encryption "       \
    "library)"
#define INSTEAD_IMAGES                                                                             \
    "no image library exists here: work on the raw bytes (struct, zlib, base64) or leave image "   \
    "work to the caller"
#define INSTEAD_JS_NET                                                                             \
    "nothing that reaches the network: read input files with readText or readJson"

static const guidance_module guidance_unavailable[] = {
    {"numpy", LSB_LANG_PYTHON, WHY_NATIVE,
     "lists (lists of lists for matrices) with math, statistics, fractions and decimal"},
    {"pandas", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_TABLES},
    {"polars", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_TABLES},
    {"pyarrow", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_TABLES},
    {"scipy", LSB_LANG_PYTHON, WHY_NATIVE,
     "math, statistics (mean, stdev, correlation, linear_regression), random and fractions"},
    {"sklearn", LSB_LANG_PYTHON, WHY_NATIVE,
     "statistics.linear_regression and statistics.correlation, or a small algorithm in plain "
     "Python"},
    {"matplotlib", LSB_LANG_PYTHON, WHY_NATIVE,
     "tabulate for text tables, or write the data to /app as CSV or JSON for plotting elsewhere"},
    {"seaborn", LSB_LANG_PYTHON, WHY_NATIVE,
     "tabulate for text tables, or write the data to /app as CSV or JSON for plotting elsewhere"},
    {"PIL", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_IMAGES},
    {"cv2", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_IMAGES},
    {"lxml", LSB_LANG_PYTHON, WHY_NATIVE, "xml.etree.ElementTree for XML and html.parser for HTML"},
    {"torch", LSB_LANG_PYTHON, WHY_NATIVE,
     "plain Python with math and random for small models; large models cannot run here"},
    {"tensorflow", LSB_LANG_PYTHON, WHY_NATIVE,
     "plain Python with math and random for small models; large models cannot run here"},
    {"cryptography", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_CRYPTO},
    {"Crypto", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_CRYPTO},
    {"nacl", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_CRYPTO},
    {"bcrypt", LSB_LANG_PYTHON, WHY_NATIVE, INSTEAD_CRYPTO},
    {"orjson", LSB_LANG_PYTHON, WHY_NATIVE, "json"},
    {"ujson", LSB_LANG_PYTHON, WHY_NATIVE, "json"},
    {"psutil", LSB_LANG_PYTHON, WHY_OS,
     "os and sys for what exists here (os.getcwd(), os.listdir('/app'), sys.version); there are "
     "no other processes to inspect"},
    {"requests", LSB_LANG_PYTHON, WHY_NETWORK, INSTEAD_NO_NETWORK},
    {"httpx", LSB_LANG_PYTHON, WHY_NETWORK, INSTEAD_NO_NETWORK},
    {"aiohttp", LSB_LANG_PYTHON, WHY_NETWORK, INSTEAD_NO_NETWORK},
    {"ssl", LSB_LANG_PYTHON, WHY_NETWORK, INSTEAD_NO_NETWORK},
    {"ctypes", LSB_LANG_PYTHON, WHY_OS, "pure Python code: foreign functions cannot be called"},
    {"multiprocessing", LSB_LANG_PYTHON, WHY_OS,
     "plain loops in this one process (there are no other processes)"},
    {"tkinter", LSB_LANG_PYTHON, WHY_OS, "print() for output and files under /app for input"},
    {"readline", LSB_LANG_PYTHON, WHY_OS, "print() for output and files under /app for input"},
    {"curses", LSB_LANG_PYTHON, WHY_OS, "print() for output and files under /app for input"},
    {"fs", LSB_LANG_JAVASCRIPT, WHY_NODE,
     "the file helpers readText, writeText, readJson, writeJson, readLines, listFiles, fileExists "
     "and removeFile (relative paths are taken from /app)"},
    {"path", LSB_LANG_JAVASCRIPT, WHY_NODE,
     "plain string operations on paths such as '/app/name.txt'"},
    {"crypto", LSB_LANG_JAVASCRIPT, WHY_NODE,
     "Math.random() for non-secret randomness; there is no hashing or encryption library"},
    {"child_process", LSB_LANG_JAVASCRIPT, WHY_OS, "plain functions in this one process"},
    {"worker_threads", LSB_LANG_JAVASCRIPT, WHY_OS, "plain functions in this one process"},
    {"cluster", LSB_LANG_JAVASCRIPT, WHY_OS, "plain functions in this one process"},
    {"http", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"https", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"net", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"dgram", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"tls", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"dns", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"axios", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"node-fetch", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"ws", LSB_LANG_JAVASCRIPT, WHY_NETWORK, INSTEAD_JS_NET},
    {"sharp", LSB_LANG_JAVASCRIPT, WHY_NATIVE,
     "typed arrays on the raw bytes; no image library exists here"},
    {"canvas", LSB_LANG_JAVASCRIPT, WHY_NATIVE,
     "typed arrays on the raw bytes; no image library exists here"},
    {"bcrypt", LSB_LANG_JAVASCRIPT, WHY_NATIVE,
     "nothing equivalent: there is no hashing or encryption library"},
    {"sqlite3", LSB_LANG_JAVASCRIPT, WHY_NATIVE,
     "arrays of objects queried with lodash, stored with readJson/writeJson"},
    {"better-sqlite3", LSB_LANG_JAVASCRIPT, WHY_NATIVE,
     "arrays of objects queried with lodash, stored with readJson/writeJson"},
};

/* ---- guidance templates: {name} is a placeholder (guidance_var_names) --- */

static const char *const g_out_of_fuel[] = {
    "The code used its whole instruction budget ({fuel_budget} fuel) and was stopped. If it "
    "should have finished quickly, look for an infinite loop or a loop whose exit condition "
    "never becomes true.",
    "If the work is genuinely large, rerun with a budget of {fuel_suggested} (--fuel "
    "{fuel_suggested} / fuel={fuel_suggested}), or process less data per run.",
    "Output printed before the stop is in stdout: print progress markers to see how far the "
    "code got.",
    NULL};
static const char *const g_py_timeout[] = {
    "The code was stopped after {duration_s} s, its wall-clock limit. Look for time.sleep() "
    "calls or loops that wait for something that never happens: there is no network and no "
    "other process to wait for.",
    "If the work is genuinely slow, rerun with --timeout {timeout_suggested_s} / "
    "timeout={timeout_suggested_s} (at most {timeout_max_s} seconds).",
    NULL};
static const char *const g_js_timeout[] = {
    "The code was stopped after {duration_s} s, its wall-clock limit. Look for loops that wait "
    "for a condition that never changes; setTimeout and setInterval run on a virtual clock and "
    "never wait, and there is no network.",
    "If the work is genuinely slow, rerun with --timeout {timeout_suggested_s} / "
    "timeout={timeout_suggested_s} (at most {timeout_max_s} seconds).",
    NULL};
static const char *const g_py_memory[] = {
    "The code needed more than its memory limit of {memory_limit_mib} MiB. Process data in "
    "chunks: read files line by line, use generators instead of building whole lists, and del "
    "large objects you no longer need.",
    "If the data genuinely needs more, rerun with --memory {memory_suggested_mib}MiB / "
    "memory={memory_suggested_mib}MiB (at most {memory_max_mib} MiB).",
    NULL};
static const char *const g_js_memory[] = {
    "The code needed more than its memory limit of {memory_limit_mib} MiB. Avoid building huge "
    "strings or arrays at once (for example doubling a string in a loop): process data in "
    "pieces and drop references you no longer need.",
    "If the data genuinely needs more, rerun with --memory {memory_suggested_mib}MiB / "
    "memory={memory_suggested_mib}MiB (at most {memory_max_mib} MiB).",
    NULL};
static const char *const g_py_recursion[] = {
    "Recursion went too deep: Python's limit here is sys.getrecursionlimit() frames, and the "
    "WebAssembly stack is small. Check that the recursive function reaches its base case for "
    "this input.",
    "Rewrite deep recursion as a loop with an explicit stack (a list with append() and pop()); "
    "raising sys.setrecursionlimit() only turns this into a stack overflow or an out-of-fuel "
    "stop.",
    NULL};
static const char *const g_js_recursion[] = {
    "Recursion went too deep: QuickJS stops after a few thousand frames here. Check that the "
    "recursive function reaches its base case for this input.",
    "Rewrite deep recursion as a loop with an explicit stack (an array with push() and pop()).",
    NULL};
static const char *const g_trap[] = {
    "The WebAssembly runtime stopped the interpreter (an internal fault, not a normal "
    "exception). Simplify the failing step and retry; if it repeats, report the code.",
    NULL};
static const char *const g_killed[] = {
    "The sandboxed process was killed before it finished. Retry; if it repeats, do less work in "
    "one run.",
    NULL};
static const char *const g_cancelled[] = {
    "The client cancelled this run before it finished; in a session, its changes to variables "
    "were rolled back (files it wrote stay). Run it again if it is still needed.",
    NULL};
static const char *const g_exit[] = {
    "The program exited with a non-zero status without an uncaught exception (for example "
    "sys.exit(1) or process.exit(1)); read stderr for its reason.",
    NULL};
#define TRUNCATED_WHAT "{truncated}, so the rest of that output is lost."
#define TRUNCATED_DO                                                                               \
    "Print a summary (counts, the first rows, totals) instead of whole data sets, or write the "   \
    "full output to a file under /app (for example /app/output.txt) and print only its path."
#define TRUNCATED_RAISE "If all of it is really needed, raise the cap: {truncated_options}."
static const char *const g_truncated[] = {TRUNCATED_WHAT, TRUNCATED_DO, TRUNCATED_RAISE, NULL};
static const char *const g_truncated_failed[] = {
    TRUNCATED_WHAT,
    "The program exited with a non-zero status without naming an error; its reason may be in "
    "the part of the output that was lost.",
    TRUNCATED_DO, TRUNCATED_RAISE, NULL};
static const char *const g_py_outside[] = {
    "'{path}' is outside the sandbox's folders: only /app (read-write, the working directory), "
    "/data and /external (read-only) exist here; host paths such as /home/..., /tmp or C:\\... "
    "do not.",
    "Use {app_path} instead: inputs must be in the workspace (--workspace, seen as /app) or "
    "under /external, and outputs must be written under /app.",
    "List what exists with os.listdir('/app') before opening a file.", NULL};
static const char *const g_js_outside[] = {
    "'{path}' is outside the sandbox's folders: only /app (read-write, the working directory), "
    "/data and /external (read-only) exist here; host paths such as /home/..., /tmp or C:\\... "
    "do not.",
    "Use {app_path} instead: inputs must be in the workspace (--workspace, seen as /app) or "
    "under /external, and outputs must be written under /app.",
    "List what exists with listFiles('/app') before reading a file.", NULL};
static const char *const g_py_not_found[] = {
    "'{path}' does not exist in {mount} (relative paths are taken from /app, the working "
    "directory).",
    "List what is there with os.listdir('{mount}') and check the name and its case; "
    "os.path.exists(path) tests a path before opening it.",
    "Files of an earlier one-shot run are gone unless it used the same --workspace; create the "
    "file in this run if it is an output of that run.",
    NULL};
static const char *const g_js_not_found[] = {
    "'{path}' does not exist in {mount} (relative paths are taken from /app, the working "
    "directory).",
    "List what is there with listFiles('{mount}') and check the name and its case; "
    "fileExists(path) tests a path before reading it.",
    "Files of an earlier one-shot run are gone unless it used the same --workspace; create the "
    "file in this run if it is an output of that run.",
    NULL};
static const char *const g_js_relative_module[] = {
    "require('{module}') looks for a file, which does not exist: relative names are taken from "
    "/app, the working directory.",
    "Check the file name with listFiles('/app'); vendored modules are required by bare name "
    "(e.g. require('lodash')). Available: {vendored}.",
    NULL};
static const char *const g_py_read_only[] = {
    "'{path}' is on a read-only mount ({mount}): only /app is writable.",
    "Write to {app_path} instead.", NULL};
static const char *const g_js_read_only[] = {
    "'{path}' is on a read-only mount ({mount}): only /app is writable.",
    "Write to {app_path} instead (for example writeText('{app_path}', text)).", NULL};
static const char *const g_py_missing[] = {
    "'{module}' is not installed, and there is no pip and no network at run time. The "
    "pure-Python packages vendored in {vendored_dir} are: {vendored}; the standard library is "
    "complete (json, csv, re, statistics, sqlite3, datetime, decimal, ...).",
    "In a session, the install_package tool can add a pure-Python wheel (py3-none-any) of "
    "'{module}'; it goes to {site_dir} and imports in the session's later runs.",
    "Otherwise rewrite the code with the standard library or the vendored packages.", NULL};
static const char *const g_py_vendored_broken[] = {
    "'{module}' is vendored in {vendored_dir}, but it could not be imported: /data was probably "
    "replaced with --data, or {vendored_dir} was removed from sys.path.",
    "Run without --data (the vendored packages are its default), or keep {vendored_dir} on "
    "sys.path.",
    NULL};
static const char *const g_py_native[] = {
    "'{module}' {module_why}, so it cannot be imported or installed here (install_package "
    "accepts pure-Python wheels only).",
    "Use instead: {module_instead}.",
    "The pure-Python packages vendored in {vendored_dir} are: {vendored}.", NULL};
static const char *const g_js_builtin[] = {
    "'{module}' is a Node.js built-in module, and this runtime is QuickJS, not Node.js: it does "
    "not exist here.",
    "For files use the global helpers readText, writeText, readJson, writeJson, readLines, "
    "listFiles, fileExists and removeFile (relative paths are taken from /app); otherwise use the "
    "standard built-ins (JSON, Math, Date, RegExp, Map, Set, typed arrays) and the modules "
    "vendored in {vendored_dir}: {vendored}.",
    NULL};
static const char *const g_js_missing[] = {
    "'{module}' is not available, and there is no npm and no network at run time. The modules "
    "vendored in {vendored_dir} are: {vendored}; require() them by name.",
    "This runtime is QuickJS, not Node.js: otherwise use the standard built-ins (JSON, Math, "
    "Date, RegExp, Map, Set, typed arrays). install_package adds Python wheels only.",
    NULL};
static const char *const g_js_vendored_broken[] = {
    "'{module}' is vendored in {vendored_dir}, but it could not be loaded: /data was probably "
    "replaced with --data.",
    "Run without --data (the vendored modules are its default).", NULL};
static const char *const g_js_native[] = {
    "'{module}' {module_why}, so it cannot be loaded here.", "Use instead: {module_instead}.",
    "The modules vendored in {vendored_dir} are: {vendored}.", NULL};
static const char *const g_py_syntax[] = {
    "The code did not compile, so nothing ran: fix the syntax at the line given in the message "
    "(stderr marks the spot with ^).",
    "Send plain Python source: no Markdown code fences (```), no prose before or after the "
    "code, and indentation with spaces only.",
    NULL};
static const char *const g_js_syntax[] = {
    "The code did not parse, so nothing ran: fix the syntax at the line shown in stderr.",
    "Send plain JavaScript without Markdown code fences or prose. The code runs as a script, not "
    "an ES module: import/export statements and top-level await are not supported; use "
    "require() and wrap await in an async function.",
    NULL};
static const char *const g_py_quota[] = {
    "A write was refused because the workspace (/app) is full: it has a quota of bytes and "
    "files ({quota_default} by default), set by the operator and not raisable from the code.",
    "Delete files you no longer need (os.remove, shutil.rmtree), write summaries rather than "
    "raw dumps, or compress output (gzip, zipfile).",
    NULL};
static const char *const g_js_quota[] = {
    "A write was refused because the workspace (/app) is full: it has a quota of bytes and "
    "files ({quota_default} by default), set by the operator and not raisable from the code.",
    "Delete files you no longer need (removeFile) and write summaries rather than raw dumps.",
    NULL};
static const char *const g_py_module[] = {
    "There is no network access and no pip: packages cannot be installed at run time, except "
    "pure-Python wheels through install_package in a session.",
    "The vendored pure-Python packages are: {vendored}; the standard library is complete.", NULL};
static const char *const g_py_import[] = {
    "Check the name imported from the module: only the Python 3.11 standard library and the "
    "packages vendored in {vendored_dir} can be imported.",
    NULL};
static const char *const g_py_file[] = {
    "Files live under /app, the working directory (read-write); relative paths resolve there.",
    "Read-only inputs may be under /data and /external. List what exists with "
    "os.listdir('/app') before opening a file.",
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
    "There is no network and there are no processes: sockets, HTTP requests, DNS and subprocess "
    "are not available.",
    NULL};
static const char *const g_py_name[] = {
    "A name was used before it was defined: check its spelling and the order of definitions.",
    "Each one-shot run starts fresh: variables and imports from earlier runs do not survive.",
    NULL};
static const char *const g_py_generic[] = {
    "Read the traceback in stderr: its last line names the exception, and the lines above it "
    "show where it was raised.",
    NULL};
static const char *const g_js_reference[] = {
    "A name is not defined. This runtime is QuickJS, not Node.js: Node.js globals and npm "
    "packages are not available; use standard built-ins (JSON, Math, Date, RegExp, Map, Set, "
    "typed arrays) and the vendored modules: {vendored}.",
    NULL};
static const char *const g_js_internal[] = {
    "QuickJS raised an internal error; read its message and the stack in stderr, and simplify "
    "the failing step.",
    NULL};
static const char *const g_js_generic[] = {
    "Read the error message and stack trace in stderr: they name the failing line.", NULL};

/* ---- docs: README sections that exist, and language references ------- */

static const char *const d_limits[] = {GUIDANCE_README_LIMIT, GUIDANCE_README_USE, NULL};
static const char *const d_mounts[] = {GUIDANCE_README_USE, NULL};
static const char *const d_py_memory[] = {GUIDANCE_README_LIMIT, GUIDANCE_PY_EXC "#MemoryError",
                                          NULL};
static const char *const d_js_memory[] = {GUIDANCE_README_LIMIT,
                                          GUIDANCE_MDN "Global_Objects/InternalError", NULL};
static const char *const d_py_file[] = {GUIDANCE_README_USE, GUIDANCE_PY_EXC "#FileNotFoundError",
                                        NULL};
static const char *const d_py_perm[] = {GUIDANCE_README_USE, GUIDANCE_PY_EXC "#PermissionError",
                                        NULL};
static const char *const d_py_os[] = {GUIDANCE_README_USE, GUIDANCE_PY_EXC "#OSError", NULL};
static const char *const d_py_module[] = {GUIDANCE_README_USE,
                                          GUIDANCE_PY_EXC "#ModuleNotFoundError", NULL};
static const char *const d_py_import[] = {GUIDANCE_PY_EXC "#ImportError", NULL};
static const char *const d_py_recursion[] = {GUIDANCE_PY_EXC "#RecursionError", NULL};
static const char *const d_py_syntax[] = {GUIDANCE_PY_EXC "#SyntaxError", NULL};
static const char *const d_py_name[] = {GUIDANCE_PY_EXC "#NameError", NULL};
static const char *const d_py_generic[] = {GUIDANCE_PY_EXC, NULL};
static const char *const d_js_module[] = {GUIDANCE_README_USE, NULL};
static const char *const d_js_recursion[] = {GUIDANCE_MDN "Errors/Too_much_recursion", NULL};
static const char *const d_js_syntax[] = {GUIDANCE_MDN "Global_Objects/SyntaxError", NULL};
static const char *const d_js_reference[] = {GUIDANCE_MDN "Global_Objects/ReferenceError", NULL};
static const char *const d_js_internal[] = {GUIDANCE_MDN "Global_Objects/InternalError", NULL};
static const char *const d_js_generic[] = {GUIDANCE_MDN "Global_Objects/Error", NULL};

/* ---- the catalogue ------------------------------------------------------ */

#define PY     LSB_LANG_PYTHON
#define JS     LSB_LANG_JAVASCRIPT
#define ANY    GUIDANCE_ANY_LANG
#define T_NONE LSB_TRAP_NONE
#define S_NONE GUIDANCE_SUBJECT_NONE
#define S_PATH GUIDANCE_SUBJECT_PATH
#define S_MOD  GUIDANCE_SUBJECT_MODULE
/* Guest error types of file operations, and the messages that mark them. */
#define PY_FILE_ERRORS                                                                             \
    "FileNotFoundError|PermissionError|OSError|NotADirectoryError|IsADirectoryError|"              \
    "FileExistsError"
#define JS_FILE_ERRORS "Error|InternalError|TypeError"
#define JS_FILE_NEEDLES                                                                            \
    "ENOENT|no such file|EROFS|read-only|EACCES|EPERM|permission denied|capabilities "             \
    "insufficient|ENOTCAPABLE|outside"
#define JS_NOT_FOUND  "ENOENT|no such file"
#define QUOTA_NEEDLES "quota exceeded|EDQUOT|no space left|ENOSPC"
#define JS_NO_MODULE  "Cannot find module "

/*
 * Order matters: the first row that recognises a result wins. Traps come
 * first (they explain a stop whatever the guest printed), then recognised
 * guest errors with their conditions, then the rows that keep the guest's
 * type with specific advice, then runs that failed without an error, then
 * each language's generic advice.
 */
static const guidance_row guidance_catalogue[] = {
    /* Traps. */
    {"OutOfFuel", ANY, LSB_TRAP_OUT_OF_FUEL, NULL, NULL, S_NONE, 0, g_out_of_fuel, d_limits},
    {"Timeout", PY, LSB_TRAP_TIMEOUT, NULL, NULL, S_NONE, 0, g_py_timeout, d_limits},
    {"Timeout", ANY, LSB_TRAP_TIMEOUT, NULL, NULL, S_NONE, 0, g_js_timeout, d_limits},
    {"MemoryExhausted", PY, LSB_TRAP_MEMORY, NULL, NULL, S_NONE, 0, g_py_memory, d_py_memory},
    {"MemoryExhausted", ANY, LSB_TRAP_MEMORY, NULL, NULL, S_NONE, 0, g_js_memory, d_js_memory},
    {"RecursionError", PY, LSB_TRAP_STACK_OVERFLOW, NULL, NULL, S_NONE, 0, g_py_recursion,
     d_py_recursion},
    {"RecursionError", ANY, LSB_TRAP_STACK_OVERFLOW, NULL, NULL, S_NONE, 0, g_js_recursion,
     d_js_recursion},
    {"Trap", ANY, LSB_TRAP_TRAP, NULL, NULL, S_NONE, 0, g_trap, d_limits},
    {"Killed", ANY, LSB_TRAP_KILLED, NULL, NULL, S_NONE, 0, g_killed, d_limits},
    {"Cancelled", ANY, LSB_TRAP_CANCELLED, NULL, NULL, S_NONE, 0, g_cancelled, d_limits},

    /* Python errors the catalogue recognises. */
    {"MemoryExhausted", PY, T_NONE, "MemoryError", NULL, S_NONE, 0, g_py_memory, d_py_memory},
    {"RecursionError", PY, T_NONE, "RecursionError", NULL, S_NONE, 0, g_py_recursion,
     d_py_recursion},
    {"SyntaxError", PY, T_NONE, "SyntaxError|IndentationError|TabError", NULL, S_NONE, 0,
     g_py_syntax, d_py_syntax},
    {"QuotaExceeded", PY, T_NONE, "OSError", QUOTA_NEEDLES, S_NONE, 0, g_py_quota, d_limits},
    {"PathOutsideWorkspace", PY, T_NONE, PY_FILE_ERRORS, NULL, S_PATH, GUIDANCE_IF_OUTSIDE,
     g_py_outside, d_mounts},
    {"PathOutsideWorkspace", PY, T_NONE, "ValueError", "/app", S_PATH, GUIDANCE_IF_OUTSIDE,
     g_py_outside, d_mounts}, /* sandbox_utils refuses paths outside /app */
    {"FileNotFound", PY, T_NONE, "FileNotFoundError", NULL, S_PATH, GUIDANCE_IF_INSIDE,
     g_py_not_found, d_py_file},
    {NULL, PY, T_NONE, "OSError|PermissionError", "read-only file system", S_PATH,
     GUIDANCE_IF_INSIDE, g_py_read_only, d_py_perm},
    {"NativeExtensionUnavailable", PY, T_NONE, "ModuleNotFoundError|ImportError",
     "No module named ", S_MOD, GUIDANCE_IF_NATIVE, g_py_native, d_py_module},
    {"MissingVendoredPackage", PY, T_NONE, "ModuleNotFoundError|ImportError", "No module named ",
     S_MOD, GUIDANCE_IF_VENDORED, g_py_vendored_broken, d_py_module},
    {"PackageNotInstalled", PY, T_NONE, "ModuleNotFoundError|ImportError", "No module named ",
     S_MOD, GUIDANCE_IF_MISSING, g_py_missing, d_py_module},

    /* JavaScript errors the catalogue recognises. */
    {"MemoryExhausted", JS, T_NONE, "InternalError|RangeError", "out of memory", S_NONE, 0,
     g_js_memory, d_js_memory},
    {"RecursionError", JS, T_NONE, "InternalError|RangeError",
     "stack overflow|maximum call stack size exceeded|too much recursion", S_NONE, 0,
     g_js_recursion, d_js_recursion},
    {"SyntaxError", JS, T_NONE, "SyntaxError", NULL, S_NONE, 0, g_js_syntax, d_js_syntax},
    {"QuotaExceeded", JS, T_NONE, JS_FILE_ERRORS, QUOTA_NEEDLES, S_NONE, 0, g_js_quota, d_limits},
    {"PathOutsideWorkspace", JS, T_NONE, JS_FILE_ERRORS, JS_FILE_NEEDLES, S_PATH,
     GUIDANCE_IF_OUTSIDE, g_js_outside, d_mounts},
    {"FileNotFound", JS, T_NONE, JS_FILE_ERRORS, JS_NOT_FOUND, S_PATH, GUIDANCE_IF_INSIDE,
     g_js_not_found, d_mounts},
    {"FileNotFound", JS, T_NONE, "Error", JS_NO_MODULE, S_MOD, GUIDANCE_IF_RELATIVE,
     g_js_relative_module, d_js_module},
    {NULL, JS, T_NONE, JS_FILE_ERRORS, "EROFS|read-only", S_PATH, GUIDANCE_IF_INSIDE,
     g_js_read_only, d_mounts},
    {"NativeExtensionUnavailable", JS, T_NONE, "Error", JS_NO_MODULE, S_MOD, GUIDANCE_IF_NATIVE,
     g_js_native, d_js_module},
    {"NativeExtensionUnavailable", JS, T_NONE, "Error", "Node.js built-in", S_MOD, 0, g_js_builtin,
     d_js_module}, /* any other built-in the guest names as one */
    {"MissingVendoredPackage", JS, T_NONE, "Error", JS_NO_MODULE, S_MOD, GUIDANCE_IF_VENDORED,
     g_js_vendored_broken, d_js_module},
    {"PackageNotInstalled", JS, T_NONE, "Error", JS_NO_MODULE, S_MOD, GUIDANCE_IF_MISSING,
     g_js_missing, d_js_module},

    /* The guest's own type, with advice for it. */
    {NULL, PY, T_NONE, "ModuleNotFoundError", NULL, S_NONE, 0, g_py_module, d_py_module},
    {NULL, PY, T_NONE, "ImportError", NULL, S_NONE, 0, g_py_import, d_py_import},
    {NULL, PY, T_NONE, "FileNotFoundError", NULL, S_NONE, 0, g_py_file, d_py_file},
    {NULL, PY, T_NONE, "PermissionError", NULL, S_NONE, 0, g_py_perm, d_py_perm},
    {NULL, PY, T_NONE, "OSError", NULL, S_NONE, 0, g_py_os, d_py_os},
    {NULL, PY, T_NONE, "NameError", NULL, S_NONE, 0, g_py_name, d_py_name},
    {NULL, JS, T_NONE, "ReferenceError", NULL, S_NONE, 0, g_js_reference, d_js_reference},
    {NULL, JS, T_NONE, "InternalError", NULL, S_NONE, 0, g_js_internal, d_js_internal},

    /* Failed without naming an error. */
    {"OutputTruncated", ANY, T_NONE, GUIDANCE_NO_GUEST, NULL, S_NONE, GUIDANCE_IF_TRUNCATED,
     g_truncated_failed, d_limits},
    {"NonZeroExit", ANY, T_NONE, GUIDANCE_NO_GUEST, NULL, S_NONE, 0, g_exit, d_mounts},

    /* The warning of any run whose output was cut (guidance_warning). */
    {"OutputTruncated", ANY, T_NONE, NULL, NULL, S_NONE, GUIDANCE_AS_WARNING, g_truncated,
     d_limits},

    /* Anything else: the guest's type, generic advice. */
    {NULL, PY, T_NONE, NULL, NULL, S_NONE, 0, g_py_generic, d_py_generic},
    {NULL, ANY, T_NONE, NULL, NULL, S_NONE, 0, g_js_generic, d_js_generic},
};

#undef PY
#undef JS
#undef ANY
#undef T_NONE
#undef S_NONE
#undef S_PATH
#undef S_MOD

static const char *const guidance_trap_types[] = {
    [LSB_TRAP_NONE] = NULL,
    [LSB_TRAP_OUT_OF_FUEL] = "OutOfFuel",
    [LSB_TRAP_TIMEOUT] = "Timeout",
    [LSB_TRAP_MEMORY] = "MemoryExhausted",
    [LSB_TRAP_STACK_OVERFLOW] = "RecursionError",
    [LSB_TRAP_TRAP] = "Trap",
    [LSB_TRAP_KILLED] = "Killed",
    [LSB_TRAP_CANCELLED] = "Cancelled",
};

/* ---- placeholders ------------------------------------------------------- */

typedef enum guidance_var {
    GV_FUEL_CONSUMED,
    GV_FUEL_BUDGET,
    GV_FUEL_SUGGESTED,
    GV_MEMORY_LIMIT_MIB,
    GV_MEMORY_SUGGESTED_MIB,
    GV_MEMORY_MAX_MIB,
    GV_DURATION_S,
    GV_TIMEOUT_SUGGESTED_S,
    GV_TIMEOUT_MAX_S,
    GV_QUOTA_DEFAULT,
    GV_PATH,
    GV_APP_PATH,
    GV_MOUNT,
    GV_MODULE,
    GV_MODULE_WHY,
    GV_MODULE_INSTEAD,
    GV_VENDORED,
    GV_VENDORED_DIR,
    GV_SITE_DIR,
    GV_TRUNCATED,
    GV_TRUNCATED_OPTIONS,
    GV_COUNT
} guidance_var;

static const char *const guidance_var_names[GV_COUNT] = {
    [GV_FUEL_CONSUMED] = "fuel_consumed",
    [GV_FUEL_BUDGET] = "fuel_budget",
    [GV_FUEL_SUGGESTED] = "fuel_suggested",
    [GV_MEMORY_LIMIT_MIB] = "memory_limit_mib",
    [GV_MEMORY_SUGGESTED_MIB] = "memory_suggested_mib",
    [GV_MEMORY_MAX_MIB] = "memory_max_mib",
    [GV_DURATION_S] = "duration_s",
    [GV_TIMEOUT_SUGGESTED_S] = "timeout_suggested_s",
    [GV_TIMEOUT_MAX_S] = "timeout_max_s",
    [GV_QUOTA_DEFAULT] = "quota_default",
    [GV_PATH] = "path",
    [GV_APP_PATH] = "app_path",
    [GV_MOUNT] = "mount",
    [GV_MODULE] = "module",
    [GV_MODULE_WHY] = "module_why",
    [GV_MODULE_INSTEAD] = "module_instead",
    [GV_VENDORED] = "vendored",
    [GV_VENDORED_DIR] = "vendored_dir",
    [GV_SITE_DIR] = "site_dir",
    [GV_TRUNCATED] = "truncated",
    [GV_TRUNCATED_OPTIONS] = "truncated_options",
};

/* Everything a result can fill into templates, with the storage behind it. */
typedef struct guidance_ctx {
    const char *val[GV_COUNT];
    char numbers[GV_COUNT][GUIDANCE_NUMBER_MAX];
    char path[GUIDANCE_SUBJECT_MAX];
    char app_path[GUIDANCE_SUBJECT_MAX + sizeof LSB_MOUNT_APP];
    char module[GUIDANCE_SUBJECT_MAX];
    char vendored[GUIDANCE_LIST_MAX];
    char truncated[GUIDANCE_DETAIL_MAX];
    char truncated_options[GUIDANCE_DETAIL_MAX];
    unsigned facts; /* GUIDANCE_IF_* that hold for the current subject */
} guidance_ctx;

/* ---- small string helpers ---------------------------------------------- */

/* ASCII lower case, leaving other bytes alone (locale-independent). */
static int guidance_lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* ASCII upper case, leaving other bytes alone. */
static int guidance_upper(int c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

/* Length of the longest prefix of s, at most max bytes, that does not end
 * inside a UTF-8 sequence. */
static size_t guidance_utf8_cut(const char *s, size_t n, size_t max) {
    if (n <= max) return n;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & GUIDANCE_UTF8_TAIL_MASK) == GUIDANCE_UTF8_TAIL)
        cut--;
    return cut;
}

/* Copy n bytes of src to dst (size cap), cutting at a UTF-8 boundary and
 * marking a cut with GUIDANCE_ELLIPSIS. Always NUL-terminates when cap > 0. */
static void guidance_copy(char *dst, size_t cap, const char *src, size_t n) {
    size_t ell = strlen(GUIDANCE_ELLIPSIS);
    if (cap == 0) return;
    if (n < cap) {
        memcpy(dst, src, n);
        dst[n] = '\0';
        return;
    }
    if (cap <= ell + 1) ell = 0; /* no room for the mark */
    size_t keep = guidance_utf8_cut(src, n, cap - 1 - ell);
    memcpy(dst, src, keep);
    memcpy(dst + keep, GUIDANCE_ELLIPSIS, ell);
    dst[keep + ell] = '\0';
}

/* Append n bytes of text to the NUL-terminated string in buf (size cap),
 * cut at a UTF-8 boundary when they do not fit. */
static void guidance_append_n(char *buf, size_t cap, const char *text, size_t n) {
    size_t used = strlen(buf);
    if (used + 1 >= cap) return;
    size_t keep = guidance_utf8_cut(text, n, cap - used - 1);
    memcpy(buf + used, text, keep);
    buf[used + keep] = '\0';
}

/* Append the string text to buf, as guidance_append_n. */
static void guidance_append(char *buf, size_t cap, const char *text) {
    guidance_append_n(buf, cap, text, strlen(text));
}

/* ASCII case-insensitive equality of a and b. */
static bool guidance_equal_ci(const char *a, const char *b) {
    for (; *a && *b; a++, b++)
        if (guidance_lower((unsigned char)*a) != guidance_lower((unsigned char)*b)) return false;
    return *a == *b;
}

/* Case-insensitive search for the n-byte needle in s; the match or NULL. */
static const char *guidance_find(const char *s, const char *needle, size_t n) {
    if (n == 0) return s;
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] &&
               guidance_lower((unsigned char)s[i]) == guidance_lower((unsigned char)needle[i]))
            i++;
        if (i == n) return s;
    }
    return NULL;
}

/* Whether word equals one of the GUIDANCE_ALT_SEP-separated alternatives. */
static bool guidance_one_of(const char *alts, const char *word) {
    size_t wn = strlen(word);
    for (const char *p = alts;;) {
        const char *end = strchr(p, GUIDANCE_ALT_SEP);
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == wn && memcmp(p, word, n) == 0) return true;
        if (!end) return false;
        p = end + 1;
    }
}

/* Whether one of the needle alternatives occurs in message (any case). */
static bool guidance_match_needle(const char *needles, const char *message) {
    for (const char *p = needles;;) {
        const char *end = strchr(p, GUIDANCE_ALT_SEP);
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (guidance_find(message, p, n)) return true;
        if (!end) return false;
        p = end + 1;
    }
}

/*
 * Copy the message's first quoted token ('...' or "...") into dst (size
 * cap, at most GUIDANCE_SUBJECT_MAX), undoing Python's repr escapes of the
 * quote and the backslash; a longer token is cut and marked. A token
 * without its closing quote (a message cut by the host) runs to the end.
 * Returns false when the message holds no quote.
 */
static bool guidance_capture(const char *message, char *dst, size_t cap) {
    char tmp[GUIDANCE_SUBJECT_MAX + 1];
    size_t n = 0;
    const char *q = strpbrk(message, "'\"");
    if (!q || cap == 0) return false;
    char quote = *q++;
    for (; *q && *q != quote && n < sizeof tmp; q++) {
        if (*q == '\\' && (q[1] == '\\' || q[1] == '\'' || q[1] == '"')) q++;
        tmp[n++] = *q;
    }
    guidance_copy(dst, cap, tmp, n); /* n == sizeof tmp: longer than cap, so cut */
    return true;
}

/* ---- paths and modules ------------------------------------------------- */

static const char *const guidance_mounts[] = {LSB_MOUNT_APP, LSB_MOUNT_DATA, LSB_MOUNT_EXTERNAL,
                                              LSB_MOUNT_STDLIB};

/* A host path the guest cannot have: "~...", "C:\...", "C:/...", "\\server". */
static bool guidance_host_path(const char *p) {
    if (p[0] == '~') return true;
    if (p[0] == '\\' && p[1] == '\\') return true;
    return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':' &&
           (p[2] == '\\' || p[2] == '/' || p[2] == '\0');
}

/*
 * Resolve path lexically (relative paths from /app; "." and ".." segments
 * applied, ".." stopping at "/") into out, as the guest's working directory
 * would. out must hold at least strlen(path) + sizeof LSB_MOUNT_APP + 1.
 */
static void guidance_resolve(const char *path, char *out, size_t cap) {
    size_t n = 0;
    out[0] = '\0';
    if (path[0] != '/') {
        guidance_copy(out, cap, LSB_MOUNT_APP, strlen(LSB_MOUNT_APP));
        n = strlen(out);
    }
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0) break;
        if (len == 1 && p[0] == '.') {
            /* stays */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0) n--; /* drop the '/' too */
            out[n] = '\0';
        } else if (n + 1 + len < cap) {
            out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
            out[n] = '\0';
        }
        p += len;
    }
    if (n == 0 && cap > 1) out[n++] = '/', out[n] = '\0';
}

/* The mount holding the resolved absolute path, or NULL. */
static const char *guidance_mount_of(const char *abs) {
    for (size_t i = 0; i < GUIDANCE_COUNT(guidance_mounts); i++) {
        size_t n = strlen(guidance_mounts[i]);
        if (strncmp(abs, guidance_mounts[i], n) == 0 && (abs[n] == '\0' || abs[n] == '/'))
            return guidance_mounts[i];
    }
    return NULL;
}

/* Classify the captured path in ctx->path: facts, mount and /app/<basename>. */
static void guidance_path_facts(guidance_ctx *ctx) {
    char abs[GUIDANCE_SUBJECT_MAX + sizeof LSB_MOUNT_APP + 1];
    const char *p = ctx->path;
    const char *mount = NULL;
    if (!guidance_host_path(p)) {
        guidance_resolve(p, abs, sizeof abs);
        mount = guidance_mount_of(abs);
    }
    ctx->facts |= mount ? GUIDANCE_IF_INSIDE : GUIDANCE_IF_OUTSIDE;
    ctx->val[GV_MOUNT] = mount ? mount : LSB_MOUNT_APP;
    /* basename: after the last '/' or '\', ignoring trailing separators */
    size_t end = strlen(p);
    while (end > 0 && (p[end - 1] == '/' || p[end - 1] == '\\'))
        end--;
    size_t start = end;
    while (start > 0 && p[start - 1] != '/' && p[start - 1] != '\\')
        start--;
    if (start < end && p[start] == '~') start++; /* "~" alone */
    snprintf(ctx->app_path, sizeof ctx->app_path, "%s/", LSB_MOUNT_APP);
    size_t used = strlen(ctx->app_path);
    guidance_copy(ctx->app_path + used, sizeof ctx->app_path - used, p + start, end - start);
    ctx->val[GV_APP_PATH] = ctx->app_path;
    ctx->val[GV_PATH] = ctx->path;
}

/* Whether name is in the NULL-terminated list. */
static bool guidance_in_list(const char *const *list, const char *name) {
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0) return true;
    return false;
}

static const char *const *guidance_vendored_list(lsb_language lang) {
    return lang == LSB_LANG_JAVASCRIPT ? guidance_vendored_js : guidance_vendored_py;
}

bool guidance_is_vendored(lsb_language lang, const char *module) {
    return module && guidance_in_list(guidance_vendored_list(lang), module);
}

size_t guidance_vendored_count(lsb_language lang) {
    const char *const *list = guidance_vendored_list(lang);
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

const char *guidance_vendored_spelling(lsb_language lang, const char *module) {
    const char *const *list = guidance_vendored_list(lang);
    for (size_t i = 0; module && list[i]; i++)
        if (guidance_equal_ci(list[i], module)) return list[i];
    return NULL;
}

/* The unavailable-package row of name in lang (any case), or NULL. */
static const guidance_module *guidance_unavailable_of(lsb_language lang, const char *name) {
    for (size_t i = 0; i < GUIDANCE_COUNT(guidance_unavailable); i++) {
        const guidance_module *m = &guidance_unavailable[i];
        if (m->lang == (int)lang && guidance_equal_ci(m->name, name)) return m;
    }
    return NULL;
}

/*
 * Reduce the captured module name in ctx->module to the package a model
 * would install or replace ("numpy.linalg" -> "numpy"; "node:fs" -> "fs",
 * "lodash/fp" -> "lodash", "@a/b/c" -> "@a/b") and classify it.
 */
static void guidance_module_facts(guidance_ctx *ctx, lsb_language lang) {
    char *m = ctx->module;
    ctx->val[GV_MODULE] = m;
    if (lang == LSB_LANG_JAVASCRIPT) {
        if (m[0] == '.' || m[0] == '/') {
            ctx->facts |= GUIDANCE_IF_RELATIVE;
            return;
        }
        size_t pre = strlen(GUIDANCE_NODE_PREFIX);
        if (strncmp(m, GUIDANCE_NODE_PREFIX, pre) == 0) memmove(m, m + pre, strlen(m + pre) + 1);
        char *scan = m; /* a scoped "@scope/name" keeps its first '/' */
        if (m[0] == '@') scan = strchr(m, '/') ? strchr(m, '/') + 1 : m + strlen(m);
        char *slash = strchr(scan, '/');
        if (slash) *slash = '\0';
    } else {
        char *dot = strchr(m, '.');
        if (dot && dot != m) *dot = '\0';
    }
    const guidance_module *u = guidance_unavailable_of(lang, m);
    if (u) {
        ctx->facts |= GUIDANCE_IF_NATIVE;
        ctx->val[GV_MODULE_WHY] = u->why;
        ctx->val[GV_MODULE_INSTEAD] = u->instead;
    } else if (guidance_is_vendored(lang, m)) {
        ctx->facts |= GUIDANCE_IF_VENDORED;
    } else if (m[0] != '\0') {
        ctx->facts |= GUIDANCE_IF_MISSING;
    }
}

/* ---- the values of the placeholders ------------------------------------ */

/* Set placeholder v to the decimal text of n. */
static void guidance_set_number(guidance_ctx *ctx, guidance_var v, unsigned long long n) {
    snprintf(ctx->numbers[v], sizeof ctx->numbers[v], "%llu", n);
    ctx->val[v] = ctx->numbers[v];
}

/* base * GUIDANCE_GROWTH, at most max; base 0 counts as fallback. */
static uint64_t guidance_grow(uint64_t base, uint64_t fallback, uint64_t max) {
    if (base == 0) base = fallback;
    if (base > max / GUIDANCE_GROWTH) return max;
    return base * GUIDANCE_GROWTH;
}

/* The truncation phrases: which stream was cut where, and the options. */
static void guidance_truncation(guidance_ctx *ctx, const lsb_result *r) {
    const struct {
        bool cut;
        size_t kept;
        const char *name, *option, *field;
        uint64_t fallback;
    } s[] = {
        {r->stdout_truncated, r->stdout_len, "stdout", "--stdout-max", "stdout_max",
         LSB_DEFAULT_STDOUT_MAX},
        {r->stderr_truncated, r->stderr_len, "stderr", "--stderr-max", "stderr_max",
         LSB_DEFAULT_STDERR_MAX},
    };
    char part[GUIDANCE_DETAIL_MAX];
    ctx->truncated[0] = ctx->truncated_options[0] = '\0';
    for (size_t i = 0; i < GUIDANCE_COUNT(s); i++) {
        if (!s[i].cut) continue;
        bool first = ctx->truncated[0] == '\0';
        unsigned long long more = guidance_grow(s[i].kept, s[i].fallback, UINT64_MAX);
        snprintf(part, sizeof part, "%s%s was cut off after %llu bytes (its cap, %s)",
                 first ? "" : " and ", s[i].name, (unsigned long long)s[i].kept, s[i].option);
        guidance_append(ctx->truncated, sizeof ctx->truncated, part);
        snprintf(part, sizeof part, "%s%s %llu / %s=%llu", first ? "" : "; ", s[i].option, more,
                 s[i].field, more);
        guidance_append(ctx->truncated_options, sizeof ctx->truncated_options, part);
    }
    ctx->truncated[0] = (char)guidance_upper((unsigned char)ctx->truncated[0]); /* a sentence */
    ctx->val[GV_TRUNCATED] = ctx->truncated;
    ctx->val[GV_TRUNCATED_OPTIONS] = ctx->truncated_options;
}

/* Fill every value that depends only on r (not on a row's subject). */
static void guidance_ctx_init(guidance_ctx *ctx, const lsb_result *r) {
    fuel_analysis fa;
    memset(ctx, 0, sizeof *ctx);
    for (size_t i = 0; i < GV_COUNT; i++)
        ctx->val[i] = "";
    fuel_analyze(r, &fa);
    guidance_set_number(ctx, GV_FUEL_CONSUMED, r->fuel_consumed);
    guidance_set_number(ctx, GV_FUEL_BUDGET, r->fuel_budget);
    guidance_set_number(ctx, GV_FUEL_SUGGESTED, fa.suggested_budget);

    uint64_t mem_max_mib = LSB_MAX_MEMORY / LSB_MIB;
    uint64_t limit_mib = r->memory_limit_bytes / LSB_MIB + (r->memory_limit_bytes % LSB_MIB != 0);
    guidance_set_number(ctx, GV_MEMORY_LIMIT_MIB, limit_mib);
    guidance_set_number(ctx, GV_MEMORY_SUGGESTED_MIB,
                        guidance_grow(limit_mib, LSB_DEFAULT_MEMORY / LSB_MIB, mem_max_mib));
    guidance_set_number(ctx, GV_MEMORY_MAX_MIB, mem_max_mib);

    double secs = r->duration_ms > 0 ? r->duration_ms / GUIDANCE_MS_PER_S : 0;
    snprintf(ctx->numbers[GV_DURATION_S], sizeof ctx->numbers[GV_DURATION_S], "%.1f", secs);
    ctx->val[GV_DURATION_S] = ctx->numbers[GV_DURATION_S];
    uint64_t timeout_max_s = LSB_MAX_TIMEOUT_MS / (uint64_t)GUIDANCE_MS_PER_S;
    uint64_t took_s = secs >= (double)timeout_max_s ? timeout_max_s : (uint64_t)llround(secs);
    if (took_s == 0 && secs > 0) took_s = 1; /* a sub-second limit still doubles */
    guidance_set_number(
        ctx, GV_TIMEOUT_SUGGESTED_S,
        guidance_grow(took_s, LSB_DEFAULT_TIMEOUT_MS / (uint64_t)GUIDANCE_MS_PER_S, timeout_max_s));
    guidance_set_number(ctx, GV_TIMEOUT_MAX_S, timeout_max_s);
    snprintf(ctx->numbers[GV_QUOTA_DEFAULT], sizeof ctx->numbers[GV_QUOTA_DEFAULT],
             "%llu MiB and %llu files", (unsigned long long)(LSB_DEFAULT_QUOTA_BYTES / LSB_MIB),
             (unsigned long long)LSB_DEFAULT_QUOTA_FILES);
    ctx->val[GV_QUOTA_DEFAULT] = ctx->numbers[GV_QUOTA_DEFAULT];

    const char *const *vendored = guidance_vendored_list(r->runtime);
    for (size_t i = 0; vendored[i]; i++) {
        if (i > 0) guidance_append(ctx->vendored, sizeof ctx->vendored, ", ");
        guidance_append(ctx->vendored, sizeof ctx->vendored, vendored[i]);
    }
    if (!vendored[0]) guidance_append(ctx->vendored, sizeof ctx->vendored, GUIDANCE_NONE_WORD);
    ctx->val[GV_VENDORED] = ctx->vendored;
    ctx->val[GV_VENDORED_DIR] =
        r->runtime == LSB_LANG_JAVASCRIPT ? GUIDANCE_VENDORED_JS : GUIDANCE_VENDORED_PY;
    ctx->val[GV_SITE_DIR] = LSB_SITE_DIR_GUEST;
    guidance_truncation(ctx, r);
}

/* ---- matching ----------------------------------------------------------- */

/* A non-empty string, or NULL. */
static const char *guidance_nonempty(const char *s) { return s && s[0] ? s : NULL; }

/* The trap as the catalogue sees it: unknown values are plain traps. */
static lsb_trap guidance_trap_of(const lsb_result *r) {
    if ((unsigned)r->trap >= GUIDANCE_COUNT(guidance_trap_types)) return LSB_TRAP_TRAP;
    return r->trap;
}

/*
 * Whether row recognises r. On a match with a subject, ctx holds the
 * captured subject and its facts for rendering.
 */
static bool guidance_row_matches(const guidance_row *row, const lsb_result *r, guidance_ctx *ctx) {
    const char *gtype = guidance_nonempty(r->error_type);
    const char *gmsg = r->error_message ? r->error_message : "";
    if (row->when & GUIDANCE_AS_WARNING) return false;
    if (row->lang != GUIDANCE_ANY_LANG && row->lang != (int)r->runtime) return false;
    if (row->trap != LSB_TRAP_NONE && row->trap != guidance_trap_of(r)) return false;
    if (row->guest) {
        if (row->guest[0] == '\0' ? gtype != NULL : !gtype || !guidance_one_of(row->guest, gtype))
            return false;
    }
    if (row->needle && !guidance_match_needle(row->needle, gmsg)) return false;
    ctx->facts = (r->stdout_truncated || r->stderr_truncated) ? GUIDANCE_IF_TRUNCATED : 0;
    if (row->subject == GUIDANCE_SUBJECT_PATH) {
        if (!guidance_capture(gmsg, ctx->path, sizeof ctx->path) || !ctx->path[0]) return false;
        guidance_path_facts(ctx);
    } else if (row->subject == GUIDANCE_SUBJECT_MODULE) {
        if (!guidance_capture(gmsg, ctx->module, sizeof ctx->module) || !ctx->module[0])
            return false;
        guidance_module_facts(ctx, r->runtime);
    }
    return (ctx->facts & row->when) == row->when;
}

/* The first row recognising r; the catalogue's last row matches anything. */
static const guidance_row *guidance_lookup(const lsb_result *r, guidance_ctx *ctx) {
    for (size_t i = 0; i < GUIDANCE_COUNT(guidance_catalogue); i++)
        if (guidance_row_matches(&guidance_catalogue[i], r, ctx)) return &guidance_catalogue[i];
    return &guidance_catalogue[GUIDANCE_COUNT(guidance_catalogue) - 1];
}

/* ---- rendering ---------------------------------------------------------- */

/* The placeholder named by the n bytes at name, or GV_COUNT. */
static guidance_var guidance_var_of(const char *name, size_t n) {
    for (size_t i = 0; i < GV_COUNT; i++)
        if (strlen(guidance_var_names[i]) == n && memcmp(guidance_var_names[i], name, n) == 0)
            return (guidance_var)i;
    return GV_COUNT;
}

/*
 * Render template into buf (size cap) with ctx's values; an unknown
 * {name} stays as written. Values are copied as data. Returns the length
 * written (the output is cut at a UTF-8 boundary when it does not fit).
 */
static size_t guidance_render(const char *tpl, const guidance_ctx *ctx, char *buf, size_t cap) {
    if (cap == 0) return 0;
    buf[0] = '\0';
    for (const char *p = tpl; *p;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        guidance_var v = close ? guidance_var_of(open + 1, (size_t)(close - open - 1)) : GV_COUNT;
        if (!open) {
            guidance_append(buf, cap, p);
            break;
        }
        if (v == GV_COUNT) { /* not a placeholder: keep the brace */
            guidance_append_n(buf, cap, p, (size_t)(open + 1 - p));
            p = open + 1;
            continue;
        }
        guidance_append_n(buf, cap, p, (size_t)(open - p));
        guidance_append(buf, cap, ctx->val[v]);
        p = close + 1;
    }
    return strlen(buf);
}

/* Render the row's templates into out->guidance, backed by out->text. */
static void guidance_render_all(const guidance_row *row, const guidance_ctx *ctx,
                                guidance_error *out) {
    size_t used = 0, lines = 0;
    for (size_t i = 0; row->templates[i] && lines < GUIDANCE_MAX_LINES; i++) {
        if (used + 1 >= sizeof out->text) break;
        size_t n =
            guidance_render(row->templates[i], ctx, out->text + used, sizeof out->text - used);
        out->guidance[lines++] = out->text + used;
        used += n + 1;
    }
    out->guidance[lines] = NULL;
}

/* A sentence explaining a trap, written to buf. */
static void guidance_trap_message(const lsb_result *r, char *buf, size_t len) {
    switch (guidance_trap_of(r)) {
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
    case LSB_TRAP_CANCELLED:
        snprintf(buf, len, "The run was cancelled by the client after %.1f seconds.",
                 r->duration_ms / GUIDANCE_MS_PER_S);
        break;
    default:
        snprintf(buf, len,
                 "The WebAssembly runtime trapped: the interpreter hit an internal fault.");
        break;
    }
}

/*
 * The message of the error object: the guest's own, prefixed with the
 * guest's type when the catalogue type differs; else a sentence we write
 * (prefixed the same way when it explains a trap).
 */
static const char *guidance_message(const lsb_result *r, const char *type, guidance_error *out) {
    const char *gtype = guidance_nonempty(r->error_type);
    const char *gmsg = guidance_nonempty(r->error_message);
    bool prefix = gtype && strcmp(gtype, type) != 0;
    char *buf = out->message_buf;
    size_t cap = sizeof out->message_buf;
    char sentence[GUIDANCE_DETAIL_MAX];
    if (gmsg && !prefix) return gmsg;
    if (!gmsg && r->trap != LSB_TRAP_NONE) {
        guidance_trap_message(r, sentence, sizeof sentence);
        gmsg = sentence;
    } else if (!gmsg) {
        buf[0] = '\0';
        if (gtype) {
            guidance_append(buf, cap, gtype);
            guidance_append(buf, cap, " was raised; stderr holds the traceback.");
        } else {
            snprintf(buf, cap, "The program exited with status %d.", r->exit_code);
        }
        return buf;
    }
    buf[0] = '\0';
    if (prefix) {
        guidance_append(buf, cap, gtype);
        guidance_append(buf, cap, ": ");
    }
    size_t used = strlen(buf);
    guidance_copy(buf + used, cap - used, gmsg, strlen(gmsg));
    return buf;
}

bool guidance_describe(const lsb_result *r, guidance_error *out) {
    guidance_ctx ctx_storage;
    guidance_ctx *ctx = &ctx_storage;
    const char *gtype = guidance_nonempty(r->error_type);
    if (!gtype && r->trap == LSB_TRAP_NONE && r->success && r->exit_code == 0) return false;
    guidance_ctx_init(ctx, r);
    const guidance_row *row = guidance_lookup(r, ctx);
    const char *type = row->type ? row->type : gtype;
    if (!type) type = "NonZeroExit"; /* the generic rows, reached only by odd results */
    out->type = type;
    out->subject[0] = '\0';
    if (row->subject == GUIDANCE_SUBJECT_PATH)
        guidance_copy(out->subject, sizeof out->subject, ctx->path, strlen(ctx->path));
    else if (row->subject == GUIDANCE_SUBJECT_MODULE)
        guidance_copy(out->subject, sizeof out->subject, ctx->module, strlen(ctx->module));
    out->message = guidance_message(r, type, out);
    out->docs = row->docs;
    guidance_render_all(row, ctx, out);
    return true;
}

bool guidance_warning(const lsb_result *r, char *buf, size_t len) {
    if (!(r->stdout_truncated || r->stderr_truncated) || len == 0) return false;
    guidance_ctx ctx;
    guidance_ctx_init(&ctx, r);
    buf[0] = '\0';
    for (size_t i = 0; i < GUIDANCE_COUNT(guidance_catalogue); i++) {
        const guidance_row *row = &guidance_catalogue[i];
        if (!(row->when & GUIDANCE_AS_WARNING)) continue;
        if (row->lang != GUIDANCE_ANY_LANG && row->lang != (int)r->runtime) continue;
        char line[GUIDANCE_WARNING_MAX];
        for (size_t t = 0; row->templates[t]; t++) {
            guidance_render(row->templates[t], &ctx, line, sizeof line);
            if (t > 0) guidance_append(buf, len, " ");
            guidance_append(buf, len, line);
        }
        return true;
    }
    return false;
}

const char *guidance_trap_type(lsb_trap trap) {
    if (trap == LSB_TRAP_NONE) return NULL;
    if ((unsigned)trap >= GUIDANCE_COUNT(guidance_trap_types)) return "Trap";
    return guidance_trap_types[trap];
}

/* ---- introspection ------------------------------------------------------ */

bool guidance_catalogue_row(size_t i, guidance_row_info *out) {
    if (i >= GUIDANCE_COUNT(guidance_catalogue)) return false;
    out->type = guidance_catalogue[i].type;
    out->lang = guidance_catalogue[i].lang;
    out->templates = guidance_catalogue[i].templates;
    out->docs = guidance_catalogue[i].docs;
    return true;
}

/* Check one template's {placeholders}; 0, or -1 with a message. */
static int guidance_check_template(size_t row, const char *tpl, char *err, size_t errlen) {
    for (const char *p = strchr(tpl, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        size_t n = close ? (size_t)(close - p - 1) : 0;
        if (!close || guidance_var_of(p + 1, n) == GV_COUNT) {
            snprintf(err, errlen, "catalogue row %zu: unknown placeholder in template \"%.60s\"",
                     row, p);
            return -1;
        }
    }
    return 0;
}

int guidance_catalogue_check(char *err, size_t errlen) {
    for (size_t i = 0; i < GUIDANCE_COUNT(guidance_catalogue); i++) {
        const guidance_row *row = &guidance_catalogue[i];
        size_t lines = 0;
        if (!row->templates || !row->templates[0] || !row->docs || !row->docs[0]) {
            snprintf(err, errlen, "catalogue row %zu (%s): empty guidance or docs", i,
                     row->type ? row->type : "guest type");
            return -1;
        }
        if (row->needle && strlen(row->needle) == 0) {
            snprintf(err, errlen, "catalogue row %zu: empty needle (use NULL for any)", i);
            return -1;
        }
        for (; row->templates[lines]; lines++)
            if (guidance_check_template(i, row->templates[lines], err, errlen) != 0) return -1;
        if (lines > GUIDANCE_MAX_LINES) {
            snprintf(err, errlen, "catalogue row %zu: %zu sentences, at most %d are shown", i,
                     lines, GUIDANCE_MAX_LINES);
            return -1;
        }
        if (row->subject == GUIDANCE_SUBJECT_NONE &&
            (row->when & ~(unsigned)(GUIDANCE_IF_TRUNCATED | GUIDANCE_AS_WARNING)) != 0) {
            snprintf(err, errlen, "catalogue row %zu: conditions on a subject it does not capture",
                     i);
            return -1;
        }
    }
    return 0;
}
