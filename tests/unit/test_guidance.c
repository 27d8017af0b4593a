/*
 * test_guidance.c - unit tests of the error catalogue (src/sandbox/guidance.c)
 * and the fuel analysis (fuel_* in src/sandbox/fuel_analysis.c): every
 * catalogue entry in each language, built by hand as the guest and host
 * would report it; unknown errors; status boundaries; placeholders filled;
 * hostile and oversized guest text; docs that point at README sections
 * that exist; the vendored lists against the built vendored.json files.
 * Run from the repository root (make unit does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/defaults.h"
#include "sandbox/fuel_analysis.h"
#include "sandbox/guidance.h"
#include "sandbox/policy.h"

#define PY          LSB_LANG_PYTHON
#define JS          LSB_LANG_JAVASCRIPT
#define README      "README.md"
#define VENDORED_PY "build/assets/data/site-packages/vendored.json"
#define VENDORED_JS "build/assets/data/js/vendored.json"

/* A failed run of lang as the host reports it, before the error is named. */
static lsb_result failed(lsb_language lang) {
    lsb_result r;
    memset(&r, 0, sizeof r);
    r.success = false;
    r.exit_code = 1;
    r.fuel_consumed = 1000;
    r.fuel_budget = LSB_DEFAULT_FUEL;
    r.memory_limit_bytes = LSB_DEFAULT_MEMORY;
    r.duration_ms = 12.5;
    r.runtime = lang;
    return r;
}

/* A failed run that raised type(message). */
static lsb_result raised(lsb_language lang, const char *type, const char *message) {
    lsb_result r = failed(lang);
    r.error_type = (char *)type;
    r.error_message = (char *)message;
    return r;
}

/* A run stopped by trap. */
static lsb_result trapped(lsb_language lang, lsb_trap trap) {
    lsb_result r = failed(lang);
    r.trap = trap;
    return r;
}

/* Whether s is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static bool valid_utf8(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        int n = c < 0x80             ? 0
                : (c & 0xE0) == 0xC0 ? 1
                : (c & 0xF0) == 0xE0 ? 2
                : (c & 0xF8) == 0xF0 ? 3
                                     : -1;
        if (n < 0 || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4)) return false;
        unsigned cp = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        p += n + 1;
    }
    return true;
}

/* Checks every describe() must satisfy, whatever the input. */
static void check_shape(const guidance_error *e) {
    assert_non_null(e->type);
    assert_true(e->type[0] != '\0');
    assert_non_null(e->message);
    assert_true(e->message[0] != '\0');
    assert_true(strlen(e->message) < GUIDANCE_MESSAGE_MAX || e->message != e->message_buf);
    assert_non_null(e->guidance[0]);
    assert_non_null(e->docs);
    assert_non_null(e->docs[0]);
    size_t total = 0;
    for (size_t i = 0; e->guidance[i]; i++) {
        assert_true(i < GUIDANCE_MAX_LINES);
        assert_true(strlen(e->guidance[i]) > 0);
        assert_true(valid_utf8(e->guidance[i]));
        total += strlen(e->guidance[i]) + 1;
    }
    assert_true(total <= GUIDANCE_TEXT_MAX);
    if (e->message == e->message_buf) assert_true(valid_utf8(e->message));
}

/* The guidance sentences joined, for searching. */
static const char *joined(const guidance_error *e) {
    static char all[GUIDANCE_TEXT_MAX + GUIDANCE_MAX_LINES];
    all[0] = '\0';
    for (size_t i = 0; e->guidance[i]; i++) {
        strcat(all, e->guidance[i]);
        strcat(all, "\n");
    }
    return all;
}

/* Describe r and check its type, that its message contains msg_part and
 * that its guidance contains every hint (a NULL-terminated list). */
static void expect(const lsb_result *r, const char *type, const char *msg_part, ...) {
    guidance_error e;
    assert_true(guidance_describe(r, &e));
    check_shape(&e);
    if (strcmp(e.type, type) != 0)
        fail_msg("type %s, want %s (guest %s: %s)", e.type, type,
                 r->error_type ? r->error_type : "-", r->error_message ? r->error_message : "-");
    if (!strstr(e.message, msg_part)) fail_msg("message [%s] lacks [%s]", e.message, msg_part);
    const char *all = joined(&e);
    if (strchr(all, '{') && !(r->error_message && strchr(r->error_message, '{')))
        fail_msg("a placeholder was left unfilled: %s", all);
    va_list ap;
    va_start(ap, msg_part);
    for (const char *hint; (hint = va_arg(ap, const char *)) != NULL;)
        if (!strstr(all, hint)) fail_msg("%s: guidance lacks [%s]:\n%s", type, hint, all);
    va_end(ap);
}

/* The exact suggested budget of fuel_analysis, as text. */
static const char *suggested(const lsb_result *r) {
    static char buf[32];
    fuel_analysis a;
    fuel_analyze(r, &a);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)a.suggested_budget);
    return buf;
}

/* ---- one test per catalogue entry, each language ----------------------- */

static void test_out_of_fuel(void **state) {
    (void)state;
    for (int lang = PY; lang <= JS; lang++) {
        lsb_result r = trapped((lsb_language)lang, LSB_TRAP_OUT_OF_FUEL);
        r.fuel_consumed = r.fuel_budget = 5000000000ULL;
        char flag[64];
        snprintf(flag, sizeof flag, "--fuel %s", suggested(&r));
        expect(&r, "OutOfFuel", "ran out of fuel after 5000000000 instructions", "10000000000",
               flag, "infinite loop", "5000000000 fuel", NULL);
        r.fuel_consumed = r.fuel_budget = 123456789ULL; /* rounded up to two digits */
        expect(&r, "OutOfFuel", "123456789", "--fuel 250000000", NULL);
        assert_string_equal(suggested(&r), "250000000");
        r.fuel_consumed = r.fuel_budget = LSB_MAX_FUEL; /* capped at the maximum */
        snprintf(flag, sizeof flag, "--fuel %llu", (unsigned long long)LSB_MAX_FUEL);
        expect(&r, "OutOfFuel", "", flag, NULL);
    }
}

static void test_timeout(void **state) {
    (void)state;
    lsb_result r = trapped(PY, LSB_TRAP_TIMEOUT);
    r.duration_ms = 30004;
    expect(&r, "Timeout", "after 30.0 seconds", "30.0 s", "--timeout 60", "time.sleep()",
           "at most 3600", NULL);
    r.runtime = JS;
    r.duration_ms = 2500;
    expect(&r, "Timeout", "after 2.5 seconds", "--timeout 6", "setTimeout", NULL);
    r.duration_ms = 3000 * 1000.0; /* near the maximum: capped */
    expect(&r, "Timeout", "", "--timeout 3600 ", NULL);
    r.duration_ms = 200; /* a sub-second limit still doubles */
    expect(&r, "Timeout", "", "--timeout 2 ", NULL);
}

static void test_memory(void **state) {
    (void)state;
    lsb_result r = trapped(PY, LSB_TRAP_MEMORY);
    r.memory_limit_bytes = 64 * LSB_MIB;
    expect(&r, "MemoryExhausted", "memory limit of 67108864 bytes (64 MiB)", "64 MiB",
           "--memory 128MiB", "generators", NULL);
    /* Python's MemoryError with the host's trap: the guest type stays visible. */
    r.error_type = "MemoryError";
    expect(&r, "MemoryExhausted", "MemoryError: The code tried to use more than its memory",
           "--memory 128MiB", NULL);
    /* ... and without a trap (Python refused an allocation itself). */
    lsb_result g = raised(PY, "MemoryError", NULL);
    expect(&g, "MemoryExhausted", "MemoryError was raised", "128 MiB", "--memory 256MiB", NULL);
    /* JavaScript: QuickJS's own out-of-memory error, with and without the trap. */
    lsb_result j = raised(JS, "InternalError", "out of memory");
    expect(&j, "MemoryExhausted", "InternalError: out of memory", "--memory 256MiB", "huge strings",
           NULL);
    j.trap = LSB_TRAP_MEMORY;
    j.memory_limit_bytes = LSB_MAX_MEMORY; /* at the maximum: suggest the maximum */
    expect(&j, "MemoryExhausted", "InternalError: out of memory", "--memory 4096MiB",
           "at most 4096 MiB", NULL);
    j.memory_limit_bytes = UINT64_MAX; /* nonsense from a hand-built result: no overflow */
    expect(&j, "MemoryExhausted", "", "--memory 4096MiB", NULL);
}

static void test_path_outside(void **state) {
    (void)state;
    lsb_result r =
        raised(PY, "FileNotFoundError", "[Errno 44] No such file or directory: '/home/user/x.csv'");
    expect(&r, "PathOutsideWorkspace",
           "FileNotFoundError: [Errno 44] No such file or directory: '/home/user/x.csv'",
           "'/home/user/x.csv' is outside", "Use /app/x.csv instead", "os.listdir('/app')", NULL);
    /* Python's repr doubles backslashes; the guidance shows the real path. */
    r.error_message = "[Errno 44] No such file or directory: 'C:\\\\data\\\\sales.csv'";
    expect(&r, "PathOutsideWorkspace", "C:\\\\data", "'C:\\data\\sales.csv' is outside",
           "/app/sales.csv", NULL);
    r.error_message = "[Errno 44] No such file or directory: 'C:/Users/bob/in.json'";
    expect(&r, "PathOutsideWorkspace", "", "/app/in.json", NULL);
    r.error_message = "[Errno 44] No such file or directory: '~/notes.txt'";
    expect(&r, "PathOutsideWorkspace", "", "/app/notes.txt", NULL);
    r.error_message = "[Errno 44] No such file or directory: '/etc/passwd'";
    expect(&r, "PathOutsideWorkspace", "", "/app/passwd", NULL);
    r.error_type = "PermissionError"; /* '..' leaving /app */
    r.error_message = "[Errno 76] Capabilities insufficient: '../../etc/passwd'";
    expect(&r, "PathOutsideWorkspace", "PermissionError: [Errno 76]", "'../../etc/passwd'",
           "/app/passwd", NULL);
    r.error_type = "OSError"; /* writing outside the mounts */
    r.error_message = "[Errno 69] Read-only file system: '/tmp'";
    expect(&r, "PathOutsideWorkspace", "OSError: ", "/app/tmp", NULL);
    r.error_type = "ValueError"; /* sandbox_utils refusing a path */
    r.error_message = "'/srv/x' is outside /app: use a path under /app";
    expect(&r, "PathOutsideWorkspace", "ValueError: ", "/app/x", NULL);

    lsb_result j = raised(JS, "Error", "ENOENT: no such file or directory, open '/home/u/x.csv'");
    expect(&j, "PathOutsideWorkspace", "Error: ENOENT", "/app/x.csv", "listFiles('/app')", NULL);
    j.error_message = "EROFS: 'D:\\out\\r.txt' is read-only: write under /app";
    expect(&j, "PathOutsideWorkspace", "", "/app/r.txt", NULL);
    /* The JS guest's own wording (guest/js/files.c and prelude.js). */
    j.error_message = "ENOTCAPABLE: the sandbox does not allow this path, open '/etc/hosts'";
    expect(&j, "PathOutsideWorkspace", "ENOTCAPABLE", "/app/hosts", NULL);
    j.error_message = "EROFS: read-only file system, writeText '/tmp/o.txt': /tmp/o.txt is "
                      "read-only (outside /app): write under /app";
    expect(&j, "PathOutsideWorkspace", "EROFS", "/app/o.txt", NULL);
}

static void test_file_not_found(void **state) {
    (void)state;
    lsb_result r = raised(PY, "FileNotFoundError", "[Errno 44] No such file or directory: 'x.csv'");
    expect(&r, "FileNotFound", "FileNotFoundError: [Errno 44]", "'x.csv' does not exist in /app",
           "os.listdir('/app')", "--workspace", NULL);
    r.error_message = "[Errno 44] No such file or directory: '/data/in/x.csv'";
    expect(&r, "FileNotFound", "", "does not exist in /data", "os.listdir('/data')", NULL);
    r.error_message = "[Errno 44] No such file or directory: '/app/../external/y'";
    expect(&r, "FileNotFound", "", "in /external", NULL);
    r.error_message = "[Errno 44] No such file or directory: 'sub/../../app/x'";
    expect(&r, "FileNotFound", "", "in /app", NULL);
    /* Python writing into a read-only mount keeps its type, with the path to use. */
    r.error_type = "OSError";
    r.error_message = "[Errno 69] Read-only file system: '/data/out.csv'";
    expect(&r, "OSError", "[Errno 69] Read-only file system", "read-only mount (/data)",
           "Write to /app/out.csv", NULL);

    lsb_result j = raised(JS, "Error",
                          "EROFS: read-only file system, writeText '/data/r.csv': "
                          "/data is read-only: write under /app");
    expect(&j, "Error", "EROFS: read-only file system", "read-only mount (/data)",
           "writeText('/app/r.csv', text)", NULL);
    j.error_message = "ENOENT: no such file or directory, open '/app/x.json'";
    expect(&j, "FileNotFound", "Error: ENOENT", "'/app/x.json' does not exist in /app",
           "listFiles('/app')", NULL);
    j.error_message = "Cannot find module './util'"; /* a relative require is a file */
    expect(&j, "FileNotFound", "Error: Cannot find module './util'", "require('./util')", "lodash",
           NULL);
}

static void test_missing_vendored(void **state) {
    (void)state;
    lsb_result r = raised(PY, "ModuleNotFoundError", "No module named 'humanize'");
    expect(&r, "PackageNotInstalled", "ModuleNotFoundError: No module named 'humanize'",
           "'humanize' is not installed", "openpyxl", "xlsxwriter", "tabulate", "install_package",
           "/app/.lsb/site-packages", "/data/site-packages", NULL);
    r.error_message = "No module named 'bs4.element'; 'bs4' is not a package";
    expect(&r, "PackageNotInstalled", "", "'bs4' is not installed", NULL);
    /* A vendored package that did not import: /data was replaced. */
    r.error_message = "No module named 'openpyxl'";
    expect(&r, "MissingVendoredPackage", "", "'openpyxl' is vendored", "--data", NULL);

    lsb_result j = raised(JS, "Error", "Cannot find module 'left-pad'\nAvailable: lodash");
    expect(&j, "PackageNotInstalled", "Error: Cannot find module 'left-pad'",
           "'left-pad' is not available", "lodash", "dayjs", "papaparse", "/data/js", NULL);
    j.error_message = "Cannot find module '@acme/tools/sub'";
    expect(&j, "PackageNotInstalled", "", "'@acme/tools' is not available", NULL);
    j.error_message = "Cannot find module 'lodash/fp'";
    expect(&j, "MissingVendoredPackage", "", "'lodash' is vendored", "--data", NULL);
    assert_true(guidance_is_vendored(PY, "openpyxl"));
    assert_false(guidance_is_vendored(PY, "numpy"));
    assert_true(guidance_is_vendored(JS, "lodash"));
    assert_false(guidance_is_vendored(JS, "openpyxl"));
    assert_false(guidance_is_vendored(JS, NULL));
}

static void test_native(void **state) {
    (void)state;
    static const struct {
        const char *module, *shown, *instead;
    } py[] = {
        {"numpy", "numpy", "statistics"},
        {"numpy.linalg", "numpy", "lists"},
        {"pandas", "pandas", "csv.DictReader"},
        {"scipy.stats", "scipy", "statistics"},
        {"lxml", "lxml", "xml.etree.ElementTree"},
        {"PIL", "PIL", "raw bytes"},
        {"torch", "torch", "plain Python"},
        {"matplotlib.pyplot", "matplotlib", "tabulate"},
        {"cryptography", "cryptography", "hashlib"},
        {"psutil", "psutil", "os.listdir"},
        {"requests", "requests", "no network"},
        {"ctypes", "ctypes", "pure Python"},
    };
    for (size_t i = 0; i < sizeof py / sizeof py[0]; i++) {
        char msg[128], want[128];
        snprintf(msg, sizeof msg, "No module named '%s'", py[i].module);
        snprintf(want, sizeof want, "'%s' ", py[i].shown);
        lsb_result r = raised(PY, "ModuleNotFoundError", msg);
        expect(&r, "NativeExtensionUnavailable", msg, want, py[i].instead, "openpyxl",
               "pure-Python wheels only", NULL);
    }
    lsb_result r = raised(PY, "ModuleNotFoundError", "No module named 'numpy'");
    expect(&r, "NativeExtensionUnavailable", "ModuleNotFoundError: No module named 'numpy'",
           "compiled", NULL);
    r.error_message = "No module named 'requests'";
    expect(&r, "NativeExtensionUnavailable", "", "network", NULL);

    lsb_result j = raised(JS, "Error", "Cannot find module 'node:child_process'");
    expect(&j, "NativeExtensionUnavailable", "Error: Cannot find module",
           "'child_process' needs operating-system features", NULL);
    j.error_message = "Cannot find module 'fs'";
    expect(&j, "NativeExtensionUnavailable", "", "Node.js built-in", "readText", "lodash", NULL);
    j.error_message = "Cannot find module 'sharp'";
    expect(&j, "NativeExtensionUnavailable", "", "compiled", "typed arrays", NULL);
    j.error_message = "Cannot find module 'axios'";
    expect(&j, "NativeExtensionUnavailable", "", "network", NULL);
    /* Any built-in the guest names as one (prelude.js's wording). */
    j.error_message = "Cannot find module 'events': Node.js built-in modules do not exist in this "
                      "sandbox (it runs QuickJS, not Node).";
    expect(&j, "NativeExtensionUnavailable", "", "'events' is a Node.js built-in module",
           "readText", "lodash", NULL);
    j.error_message = "Cannot find module 'node:http': Node.js built-in modules do not exist";
    expect(&j, "NativeExtensionUnavailable", "", "'http' needs network access", NULL);
}

static void test_syntax(void **state) {
    (void)state;
    lsb_result r = raised(PY, "SyntaxError", "'(' was never closed (<string>, line 1)");
    expect(&r, "SyntaxError", "'(' was never closed (<string>, line 1)", "Markdown",
           "line given in the message", NULL);
    guidance_error e;
    assert_true(guidance_describe(&r, &e));
    assert_ptr_equal(e.message, r.error_message); /* same type: the message as it was */
    r.error_type = "IndentationError";
    r.error_message = "unexpected indent (<string>, line 2)";
    expect(&r, "SyntaxError", "IndentationError: unexpected indent", "spaces only", NULL);
    lsb_result j = raised(JS, "SyntaxError", "unexpected token in expression: ''");
    expect(&j, "SyntaxError", "unexpected token in expression", "import/export",
           "line shown in stderr", NULL);
    assert_true(guidance_describe(&j, &e));
    assert_ptr_equal(e.message, j.error_message);
}

static void test_recursion(void **state) {
    (void)state;
    lsb_result r = raised(PY, "RecursionError", "maximum recursion depth exceeded");
    expect(&r, "RecursionError", "maximum recursion depth exceeded", "sys.getrecursionlimit()",
           "explicit stack", NULL);
    lsb_result t = trapped(PY, LSB_TRAP_STACK_OVERFLOW);
    expect(&t, "RecursionError", "stack overflowed", "append() and pop()", NULL);
    lsb_result j = raised(JS, "InternalError", "stack overflow");
    expect(&j, "RecursionError", "InternalError: stack overflow", "push() and pop()", NULL);
    j.error_type = "RangeError";
    j.error_message = "Maximum call stack size exceeded";
    expect(&j, "RecursionError", "RangeError: Maximum call stack size exceeded", "base case", NULL);
    t.runtime = JS;
    expect(&t, "RecursionError", "stack overflowed", "push() and pop()", NULL);
    assert_string_equal(guidance_trap_type(LSB_TRAP_STACK_OVERFLOW), "RecursionError");
}

static void test_quota(void **state) {
    (void)state;
    /* What the guest sees from src/wasi/quota.c: WASI EDQUOT, which
     * wasi-libc's strerror names "Quota exceeded" (errno 19). */
    lsb_result r = raised(PY, "OSError", "[Errno 19] Quota exceeded");
    expect(&r, "QuotaExceeded", "OSError: [Errno 19] Quota exceeded", "100 MiB and 10000 files",
           "os.remove", NULL);
    r.error_message = "[Errno 19] Quota exceeded: 'f10000'";
    expect(&r, "QuotaExceeded", "'f10000'", "workspace (/app) is full", NULL);
    lsb_result j = raised(JS, "Error", "EDQUOT: workspace quota exceeded, write '/app/big.bin'");
    expect(&j, "QuotaExceeded", "Error: EDQUOT", "removeFile", NULL);
    j.error_message = "Quota exceeded";
    expect(&j, "QuotaExceeded", "", "100 MiB", NULL);
    /* A user's own exception mentioning a quota is not a workspace quota. */
    lsb_result u = raised(PY, "ValueError", "API quota exceeded");
    expect(&u, "ValueError", "API quota exceeded", "traceback", NULL);
}

static void test_output_truncated(void **state) {
    (void)state;
    char w[GUIDANCE_WARNING_MAX];
    lsb_result r = failed(PY);
    r.success = true, r.exit_code = 0;
    r.stdout_truncated = true, r.stdout_len = 10;
    guidance_error e;
    assert_false(guidance_describe(&r, &e)); /* a successful run has no error */
    assert_true(guidance_warning(&r, w, sizeof w));
    assert_non_null(strstr(w, "Stdout was cut off after 10 bytes (its cap, --stdout-max)"));
    assert_non_null(strstr(w, "--stdout-max 20 / stdout_max=20"));
    assert_non_null(strstr(w, "/app/output.txt"));
    assert_null(strstr(w, "reason")); /* the run did not fail */
    assert_null(strchr(w, '{'));
    r.stderr_truncated = true, r.stderr_len = 7;
    assert_true(guidance_warning(&r, w, sizeof w));
    assert_non_null(strstr(w, "and stderr was cut off after 7 bytes"));
    assert_non_null(strstr(w, "--stderr-max 14"));
    char tiny[16]; /* cut, still terminated */
    assert_true(guidance_warning(&r, tiny, sizeof tiny));
    assert_int_equal(strlen(tiny), sizeof tiny - 1);

    /* The JSON of a successful run: error null, the warning after the guest's. */
    char *guest_warnings[] = {"state file replaced"};
    r.warnings = guest_warnings, r.warnings_count = 1;
    char *j = lsb_result_to_json(&r);
    assert_non_null(j);
    assert_non_null(strstr(j, "\"error\":null"));
    assert_non_null(strstr(j, "\"warnings\":[\"state file replaced\",\"Stdout was cut off"));
    free(j);

    /* A failed run nothing else explains: the error is OutputTruncated. */
    lsb_result f = failed(JS);
    f.exit_code = 3, f.stdout_truncated = true, f.stdout_len = 2000000;
    expect(&f, "OutputTruncated", "exited with status 3", "Stdout was cut off after 2000000",
           "its reason may be in the part of the output that was lost", "--stdout-max 4000000",
           NULL);
    /* A named error wins; truncation is then only a warning. */
    f.error_type = "TypeError", f.error_message = "x is undefined";
    expect(&f, "TypeError", "x is undefined", "stack trace", NULL);
    assert_true(guidance_warning(&f, w, sizeof w));
    /* Nothing truncated: no warning, nothing written. */
    lsb_result n = failed(PY);
    strcpy(w, "unchanged");
    assert_false(guidance_warning(&n, w, sizeof w));
    assert_string_equal(w, "unchanged");
}

/* ---- what the catalogue does not name ---------------------------------- */

static void test_unknown_and_other_stops(void **state) {
    (void)state;
    lsb_result r = raised(PY, "ZeroDivisionError", "division by zero");
    expect(&r, "ZeroDivisionError", "division by zero", "traceback", NULL);
    guidance_error e;
    assert_true(guidance_describe(&r, &e));
    assert_ptr_equal(e.message, r.error_message);
    assert_non_null(strstr(e.docs[0], "docs.python.org"));
    r.error_message = NULL;
    expect(&r, "ZeroDivisionError", "ZeroDivisionError was raised", "traceback", NULL);
    r.error_type = "SomethingNew";
    r.error_message = "";
    expect(&r, "SomethingNew", "SomethingNew was raised", "traceback", NULL);
    lsb_result j = raised(JS, "TypeError", "cannot read property 'x' of null");
    expect(&j, "TypeError", "cannot read property", "stack trace", NULL);
    j.error_type = "ReferenceError", j.error_message = "'require' is not defined";
    expect(&j, "ReferenceError", "'require' is not defined", "QuickJS", "lodash", NULL);
    /* Guest types kept with their own advice. */
    lsb_result p = raised(PY, "PermissionError", "[Errno 63] Operation not permitted");
    expect(&p, "PermissionError", "Operation not permitted", "read-only", NULL);
    p.error_type = "ImportError", p.error_message = "cannot import name 'x' from 'json'";
    expect(&p, "ImportError", "cannot import name", "/data/site-packages", NULL);
    p.error_type = "OSError", p.error_message = "[Errno 58] Not supported";
    expect(&p, "OSError", "Not supported", "no network", NULL);

    lsb_result x = failed(PY);
    x.exit_code = 3;
    expect(&x, "NonZeroExit", "exited with status 3", "stderr", NULL);
    x = trapped(JS, LSB_TRAP_TRAP);
    expect(&x, "Trap", "trapped", "internal fault", NULL);
    x.trap = (lsb_trap)42;
    expect(&x, "Trap", "trapped", "internal fault", NULL);
    assert_string_equal(guidance_trap_type((lsb_trap)42), "Trap");
    assert_null(guidance_trap_type(LSB_TRAP_NONE));
    x = trapped(PY, LSB_TRAP_KILLED); /* the host names a kill itself */
    x.error_type = "Killed";
    x.error_message = "the execution process was killed by signal 31 (Bad system call)";
    expect(&x, "Killed", "signal 31", "Retry", NULL);
    assert_true(guidance_describe(&x, &e));
    assert_ptr_equal(e.message, x.error_message);
    /* A trap wins over whatever the guest named, which stays visible. */
    x = trapped(PY, LSB_TRAP_OUT_OF_FUEL);
    x.error_type = "KeyError", x.error_message = "'k'";
    expect(&x, "OutOfFuel", "KeyError: 'k'", "--fuel", NULL);
    /* A successful run names no error. */
    lsb_result ok = failed(PY);
    ok.success = true, ok.exit_code = 0;
    assert_false(guidance_describe(&ok, &e));
}

static void test_no_null_lists(void **state) {
    (void)state;
    const char *types[] = {NULL,
                           "",
                           "FileNotFoundError",
                           "ModuleNotFoundError",
                           "Error",
                           "OSError",
                           "InternalError",
                           "SyntaxError",
                           "MemoryError",
                           "Killed",
                           "%s%n",
                           "ValueError"};
    const char *msgs[] = {NULL,
                          "",
                          "'",
                          "\"",
                          "No module named ''",
                          "No module named '",
                          "Cannot find module ''",
                          "Cannot find module '@'",
                          "Cannot find module 'node:'",
                          "No such file or directory: '/'",
                          "No such file or directory: '..'",
                          "No such file or directory: 'C:'",
                          "ENOENT: '\\\\'",
                          "quota exceeded '",
                          "%s%s%s%n%n {path} {",
                          "out of memory stack overflow"};
    for (int lang = 0; lang <= 2; lang++) /* 2: a language value outside the enum */
        for (int trap = 0; trap <= LSB_TRAP_KILLED + 1; trap++)
            for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
                for (size_t m = 0; m < sizeof msgs / sizeof msgs[0]; m++)
                    for (int cut = 0; cut <= 1; cut++) {
                        lsb_result r = raised((lsb_language)lang, types[t], msgs[m]);
                        r.trap = (lsb_trap)trap;
                        r.stdout_truncated = cut;
                        guidance_error e;
                        assert_true(guidance_describe(&r, &e));
                        check_shape(&e);
                    }
}

/* ---- hostile and oversized guest text ---------------------------------- */

static void test_hostile_text(void **state) {
    (void)state;
    /* Guest text is data: format directives and our own placeholder syntax
     * inside a path come out literally. */
    lsb_result r = raised(PY, "FileNotFoundError",
                          "[Errno 44] No such file or directory: '/home/%n%s{fuel_budget}.csv'");
    expect(&r, "PathOutsideWorkspace", "%n%s{fuel_budget}",
           "'/home/%n%s{fuel_budget}.csv' is outside", "/app/%n%s{fuel_budget}.csv", NULL);
    r.error_message = "[Errno 44] No such file or directory: '%x%x%x%p'";
    expect(&r, "FileNotFound", "%x%x%x%p", "'%x%x%x%p' does not exist", NULL);
    lsb_result m = raised(JS, "Error", "Cannot find module '%s%n{vendored}'");
    expect(&m, "PackageNotInstalled", "%s%n{vendored}", "'%s%n{vendored}' is not", NULL);

    /* A 100 KB message with a 10 KB path of two-byte characters: the path
     * is cut (and marked) at a character boundary; the message with its
     * type prefix is cut to the buffer; nothing overflows. */
    enum { BIG = 100 * 1000, PATH_BYTES = 10 * 1000 };
    char *msg = malloc(BIG + 1);
    size_t n = 0;
    n += (size_t)sprintf(msg, "[Errno 44] No such file or directory: '/home/");
    while (n < PATH_BYTES) {
        msg[n++] = (char)0xC3; /* é */
        msg[n++] = (char)0xA9;
    }
    msg[n++] = '\'';
    while (n < BIG)
        msg[n++] = 'z';
    msg[n] = '\0';
    r.error_message = msg;
    guidance_error e;
    assert_true(guidance_describe(&r, &e));
    check_shape(&e);
    assert_string_equal(e.type, "PathOutsideWorkspace");
    assert_ptr_equal(e.message, e.message_buf);
    assert_int_equal(strncmp(e.message, "FileNotFoundError: [Errno 44]", 29), 0);
    assert_true(strlen(e.message) < GUIDANCE_MESSAGE_MAX);
    assert_non_null(strstr(e.message, "..."));
    assert_non_null(strstr(e.guidance[0], "\xC3\xA9..."));
    assert_true(strlen(e.guidance[0]) < GUIDANCE_SUBJECT_MAX * 2 + 256);
    /* The same message unprefixed (same type) is passed through whole. */
    lsb_result same = raised(PY, "ZeroDivisionError", msg);
    assert_true(guidance_describe(&same, &e));
    assert_ptr_equal(e.message, msg);
    /* A quote that never closes (a message the host cut). */
    msg[PATH_BYTES] = '\0';
    r.error_message = msg;
    assert_true(guidance_describe(&r, &e));
    check_shape(&e);
    assert_string_equal(e.type, "PathOutsideWorkspace");
    /* A huge guest type. */
    char *type = malloc(BIG + 1);
    memset(type, 'T', BIG);
    type[BIG] = '\0';
    lsb_result t = raised(JS, type, "out of memory");
    t.trap = LSB_TRAP_MEMORY;
    assert_true(guidance_describe(&t, &e));
    check_shape(&e);
    assert_string_equal(e.type, "MemoryExhausted");
    assert_true(strlen(e.message) < GUIDANCE_MESSAGE_MAX);
    free(type);
    free(msg);
}

/* ---- fuel_analysis ------------------------------------------------------ */

/* Analyse consumed/budget and check status, percentage (consumed / budget
 * * 100, unrounded) and suggestion. */
static void fuel(uint64_t consumed, uint64_t budget, lsb_trap trap, const char *status, double pct,
                 uint64_t suggest) {
    lsb_result r = failed(PY);
    fuel_analysis a;
    r.fuel_consumed = consumed, r.fuel_budget = budget, r.trap = trap;
    fuel_analyze(&r, &a);
    if (strcmp(fuel_status_name(a.status), status) != 0 ||
        fabs(a.utilization_percent - pct) > 1e-6 || a.suggested_budget != suggest)
        fail_msg("%llu/%llu: %s %.6f%% %llu, want %s %.6f%% %llu", (unsigned long long)consumed,
                 (unsigned long long)budget, fuel_status_name(a.status), a.utilization_percent,
                 (unsigned long long)a.suggested_budget, status, pct, (unsigned long long)suggest);
    assert_true(strlen(a.recommendation) > 20);
}

static void test_fuel_boundaries(void **state) {
    (void)state;
    fuel(499, 1000, LSB_TRAP_NONE, "efficient", 49.9, 1000);
    fuel(500, 1000, LSB_TRAP_NONE, "moderate", 50, 1000);
    fuel(749, 1000, LSB_TRAP_NONE, "moderate", 74.9, 1000);
    fuel(750, 1000, LSB_TRAP_NONE, "warning", 75, 1500);
    fuel(899, 1000, LSB_TRAP_NONE, "warning", 89.9, 1800);
    fuel(900, 1000, LSB_TRAP_NONE, "critical", 90, 1800);
    fuel(999, 1000, LSB_TRAP_NONE, "critical", 99.9, 2000);
    fuel(1000, 1000, LSB_TRAP_NONE, "exhausted", 100, 2000); /* >= 100%, as the original */
    fuel(1000, 1000, LSB_TRAP_OUT_OF_FUEL, "exhausted", 100, 2000);
    fuel(3, 1000, LSB_TRAP_OUT_OF_FUEL, "exhausted", 0.3, 2000); /* needed more than it had */
    /* Just below a threshold stays below, however large the numbers. */
    fuel(8999999999ULL, 10000000000ULL, LSB_TRAP_NONE, "warning", 89.99999999, 18000000000ULL);
    fuel(4999999999999ULL, 10000000000000ULL, LSB_TRAP_NONE, "efficient", 49.99999999999,
         10000000000000ULL);
    fuel(UINT64_MAX / 10 * 9, UINT64_MAX, LSB_TRAP_NONE, "warning", 90.0, LSB_MAX_FUEL);
    fuel(0, 0, LSB_TRAP_NONE, "efficient", 0, 0);
    fuel(100, 1000, LSB_TRAP_TIMEOUT, "efficient", 10, 1000); /* only running out exhausts */

    lsb_result r = failed(PY);
    fuel_analysis a;
    r.fuel_consumed = 8999, r.fuel_budget = 10000;
    fuel_analyze(&r, &a); /* status exact; the text shows %.1f, as the original's did */
    assert_string_equal(fuel_status_name(a.status), "warning");
    assert_non_null(strstr(a.recommendation, "(90.0%)"));
    r.trap = LSB_TRAP_OUT_OF_FUEL, r.fuel_consumed = 10000;
    char *j = lsb_result_to_json(&r);
    assert_non_null(strstr(j, "\"status\":\"exhausted\""));
    assert_non_null(strstr(j, "\"utilization_percent\":100,"));
    free(j);
    assert_string_equal(fuel_status_name(FUEL_EXHAUSTED), "exhausted");
    assert_string_equal(fuel_status_name((fuel_status)99), "critical");
}

/* The recommendation of consumed/budget must be exactly want. */
static void recommends(uint64_t consumed, uint64_t budget, lsb_trap trap, const char *want) {
    lsb_result r = failed(PY);
    fuel_analysis a;
    r.fuel_consumed = consumed, r.fuel_budget = budget, r.trap = trap;
    fuel_analyze(&r, &a);
    if (strcmp(a.recommendation, want) != 0)
        fail_msg("%llu/%llu:\n got [%s]\nwant [%s]", (unsigned long long)consumed,
                 (unsigned long long)budget, a.recommendation, want);
}

/* SEED-SPEC 4.2's examples and texts, word for word. */
static void test_fuel_recommendation_texts(void **state) {
    (void)state;
    const uint64_t B = 1000000000ULL;
    recommends(4 * B, 5 * B, LSB_TRAP_NONE,
               "\u26a0\ufe0f Fuel usage is high (80.0%). Consider increasing budget to 6B "
               "instructions for similar tasks (current: 5B)");
    recommends(47 * B / 10, 5 * B, LSB_TRAP_NONE,
               "\U0001f6a8 Fuel usage is critical (94.0%). Increase budget to 9B instructions to "
               "avoid exhaustion (current: 5B)");
    recommends(5 * B, 5 * B, LSB_TRAP_OUT_OF_FUEL,
               "\u26a0\ufe0f Fuel budget exhausted! Increase to at least 10B instructions "
               "(current: 5B, consumed: 5.0B)");
    recommends(3 * B, 5 * B, LSB_TRAP_NONE,
               "Fuel usage is moderate (60.0%). Current budget is adequate, but consider "
               "increasing if similar tasks are planned");
    recommends(1 * B, 5 * B, LSB_TRAP_NONE, "Fuel budget is appropriate for this workload");
    recommends(0, 5 * B, LSB_TRAP_NONE, "Fuel budget is appropriate for this workload");
    /* S = max(1, round(suggested / 1e9)), Python's round: half to even. */
    recommends(1250 * B / 1000, 1300 * B / 1000, LSB_TRAP_NONE,
               "\U0001f6a8 Fuel usage is critical (96.2%). Increase budget to 2B instructions to "
               "avoid exhaustion (current: 1B)");
    recommends(1750 * B / 1000, 1800 * B / 1000, LSB_TRAP_NONE,
               "\U0001f6a8 Fuel usage is critical (97.2%). Increase budget to 4B instructions to "
               "avoid exhaustion (current: 2B)");
    recommends(100000, 100000, LSB_TRAP_OUT_OF_FUEL,
               "\u26a0\ufe0f Fuel budget exhausted! Increase to at least 1B instructions "
               "(current: 0B, consumed: 0.0B)");
    recommends(80000, 100000, LSB_TRAP_NONE,
               "\u26a0\ufe0f Fuel usage is high (80.0%). Consider increasing budget to 1B "
               "instructions for similar tasks (current: 0B)");
}

/* Analyse Python code that used consumed of 5B; the causes are checked. */
static void causes(const char *code, lsb_language lang, uint64_t consumed, const char *cause,
                   const char *in_recommendation) {
    lsb_result r = failed(lang);
    fuel_analysis a;
    r.code = (char *)code;
    r.fuel_consumed = consumed, r.fuel_budget = 5000000000ULL;
    fuel_analyze(&r, &a);
    if (!cause) {
        if (a.causes_count != 0) fail_msg("[%s]: unexpected cause %s", code, a.likely_causes[0]);
    } else if (a.causes_count != 1 || strcmp(a.likely_causes[0], cause) != 0) {
        fail_msg("[%s]: causes %zu [%s], want [%s]", code, a.causes_count,
                 a.causes_count ? a.likely_causes[0] : "", cause);
    }
    if (in_recommendation && !strstr(a.recommendation, in_recommendation))
        fail_msg("[%s]: recommendation [%s] lacks [%s]", code, a.recommendation, in_recommendation);
    assert_null(strstr(a.recommendation, "persistent session will cache imports"));
}

/* likely_causes: heavy imports read from the code, large data otherwise. */
static void test_fuel_likely_causes(void **state) {
    (void)state;
    const uint64_t HIGH = 4000000000ULL; /* 80%: warning, so package notes apply */
    causes("import openpyxl\nfrom jinja2 import Template\nprint('café ☕')", PY, HIGH,
           "Heavy package imports detected: openpyxl, jinja2",
           "(current: 5B). Package fuel requirements: openpyxl requires 5-7B for first import; "
           "jinja2 requires 5-10B for first import. Note: this sandbox's interpreter snapshot "
           "already imported openpyxl, jinja2, so importing them costs almost no fuel here");
    causes("import os, tabulate as t; import markdown.extensions", PY, HIGH,
           "Heavy package imports detected: tabulate, markdown",
           "tabulate requires 2-2B for first import; markdown requires 2-2B for first import");
    causes("  import dateutil.parser as dp", PY, HIGH,
           "Heavy package imports detected: python-dateutil",
           "python-dateutil requires 2-2B for first import. Note: a session served by a "
           "long-running process");
    causes("import PYPDF2", PY, HIGH, "Heavy package imports detected: PyPDF2",
           "PyPDF2 requires "
           "5-6B");
    /* Efficient runs name the cause but add no package notes (the original's). */
    causes("import openpyxl", PY, 1000, "Heavy package imports detected: openpyxl",
           "Fuel budget is appropriate for this workload");
    causes("print('import openpyxl')\n# import jinja2\nfrom . import tabulate\nimportopenpyxl = 1",
           PY, 1000, NULL, NULL);
    causes("import openpyxl", JS, 1000, NULL, NULL); /* Python packages only */
    causes(NULL, PY, 1000, NULL, NULL);
    causes("x = sum(range(10**8))", PY, 3500000000ULL,
           "High fuel usage suggests large dataset processing or complex computation", NULL);
    causes("x = sum(range(10**8))", PY, 3000000000ULL, NULL, NULL); /* not above 3B */
}

/* fuel_analysis.c's list of pre-imported heavy packages must agree with
 * the VENDOR_WARM_IMPORTS of guest/python/prelude.py. */
static void test_fuel_preimported_matches_prelude(void **state) {
    (void)state;
    static char text[1 << 16];
    FILE *f = fopen("guest/python/prelude.py", "r");
    if (!f) fail_msg("cannot open guest/python/prelude.py: run from the repository root");
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    char *warm = strstr(text, "VENDOR_WARM_IMPORTS = (");
    assert_non_null(warm);
    char *end = strchr(warm, ')');
    assert_non_null(end);
    *end = '\0';
    const char *heavy[] = {"openpyxl", "PyPDF2", "jinja2", "tabulate", "markdown"};
    char quoted[64];
    for (size_t i = 0; i < sizeof heavy / sizeof heavy[0]; i++) {
        snprintf(quoted, sizeof quoted, "\"%s\"", heavy[i]);
        if ((strstr(warm, quoted) != NULL) != fuel_heavy_preimported(heavy[i]))
            fail_msg("%s: prelude.py and fuel_analysis.c disagree on pre-importing it", heavy[i]);
    }
    assert_null(strstr(warm, "\"dateutil\""));
    assert_false(fuel_heavy_preimported("python-dateutil"));
}

/* ---- the catalogue as data ---------------------------------------------- */

static void test_catalogue_check(void **state) {
    (void)state;
    char err[256] = "";
    if (guidance_catalogue_check(err, sizeof err) != 0) fail_msg("%s", err);
    guidance_row_info row;
    size_t i = 0;
    const char *want[] = {"OutOfFuel",
                          "MemoryExhausted",
                          "Timeout",
                          "PathOutsideWorkspace",
                          "FileNotFound",
                          "MissingVendoredPackage",
                          "PackageNotInstalled",
                          "NativeExtensionUnavailable",
                          "SyntaxError",
                          "RecursionError",
                          "QuotaExceeded",
                          "OutputTruncated"};
    bool seen[sizeof want / sizeof want[0]][2] = {{false}};
    for (; guidance_catalogue_row(i, &row); i++) {
        assert_non_null(row.templates);
        assert_non_null(row.docs);
        for (size_t w = 0; row.type && w < sizeof want / sizeof want[0]; w++)
            if (strcmp(row.type, want[w]) == 0)
                for (int l = 0; l < 2; l++)
                    if (row.lang == -1 || row.lang == l) seen[w][l] = true;
    }
    assert_true(i > 20);
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++)
        if (!seen[w][0] || !seen[w][1]) fail_msg("%s lacks a row for a language", want[w]);
    assert_false(guidance_catalogue_row(i, &row));
}

/* GitHub's anchor for a README heading: lower case, spaces to '-', other
 * punctuation dropped. */
static void slug(const char *heading, char *out, size_t cap) {
    size_t n = 0;
    for (const char *p = heading; *p && *p != '\n' && n + 1 < cap; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c == '-' || c == '_')
            out[n++] = (char)tolower(c);
        else if (c == ' ')
            out[n++] = '-';
    }
    out[n] = '\0';
}

static void test_docs_point_at_readme(void **state) {
    (void)state;
    FILE *f = fopen(README, "r");
    if (!f) fail_msg("cannot open %s: run the tests from the repository root (make unit)", README);
    char anchors[64][128];
    size_t count = 0;
    char line[512];
    bool fenced = false;
    while (fgets(line, sizeof line, f) && count < 64) {
        if (strncmp(line, "```", 3) == 0) fenced = !fenced;
        if (fenced || line[0] != '#') continue;
        const char *h = line;
        while (*h == '#')
            h++;
        while (*h == ' ')
            h++;
        slug(h, anchors[count++], sizeof anchors[0]);
    }
    fclose(f);
    guidance_row_info row;
    for (size_t i = 0; guidance_catalogue_row(i, &row); i++) {
        for (size_t d = 0; row.docs[d]; d++) {
            const char *doc = row.docs[d];
            if (strncmp(doc, "https://", 8) == 0) continue;
            if (strncmp(doc, README "#", strlen(README) + 1) != 0)
                fail_msg("row %zu: doc %s is neither https nor README.md#anchor", i, doc);
            const char *anchor = doc + strlen(README) + 1;
            bool found = false;
            for (size_t a = 0; a < count && !found; a++)
                found = strcmp(anchors[a], anchor) == 0;
            if (!found) fail_msg("row %zu: %s names no heading of %s", i, doc, README);
        }
    }
}

/* Every package in a built vendored.json must be in guidance's list: each
 * "key": "value" pair of the file (names hold no escapes). */
static void check_vendored_json(const char *path, const char *key, lsb_language lang) {
    FILE *f = fopen(path, "r");
    if (!f) {
        print_message("note: %s not built; vendored list not cross-checked\n", path);
        return;
    }
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    char quoted[64];
    size_t found = 0;
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    for (const char *p = strstr(text, quoted); p; p = strstr(p + 1, quoted)) {
        p += strlen(quoted);
        while (*p == ' ' || *p == ':')
            p++;
        if (*p != '"') fail_msg("%s: \"%s\" is not followed by a string", path, key);
        const char *end = strchr(p + 1, '"');
        assert_non_null(end);
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        if (!guidance_is_vendored(lang, name))
            fail_msg("%s lists %s, which guidance.c does not know as vendored", path, name);
        found++;
    }
    if (found == 0) fail_msg("%s names no \"%s\"", path, key);
}

static void test_vendored_lists_match_build(void **state) {
    (void)state;
    check_vendored_json(VENDORED_PY, "import", PY);
    check_vendored_json(VENDORED_JS, "name", JS);
}

/* The error object in the result JSON, end to end through result.c. */
static void test_result_json(void **state) {
    (void)state;
    lsb_result r =
        raised(PY, "FileNotFoundError", "[Errno 44] No such file or directory: '/home/u/a.csv'");
    char *j = lsb_result_to_json(&r);
    assert_non_null(j);
    assert_non_null(strstr(j, "\"error\":{\"type\":\"PathOutsideWorkspace\",\"message\":"
                              "\"FileNotFoundError: [Errno 44] No such file or directory: "
                              "'/home/u/a.csv'\",\"guidance\":[\"'/home/u/a.csv' is outside"));
    assert_non_null(strstr(j, "Use /app/a.csv instead"));
    assert_non_null(strstr(j, "\"docs\":[\"README.md#using-it\"]"));
    assert_non_null(strstr(j, "\"warnings\":[]"));
    free(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_out_of_fuel),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_path_outside),
        cmocka_unit_test(test_file_not_found),
        cmocka_unit_test(test_missing_vendored),
        cmocka_unit_test(test_native),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_recursion),
        cmocka_unit_test(test_quota),
        cmocka_unit_test(test_output_truncated),
        cmocka_unit_test(test_unknown_and_other_stops),
        cmocka_unit_test(test_no_null_lists),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_fuel_boundaries),
        cmocka_unit_test(test_fuel_recommendation_texts),
        cmocka_unit_test(test_fuel_likely_causes),
        cmocka_unit_test(test_fuel_preimported_matches_prelude),
        cmocka_unit_test(test_catalogue_check),
        cmocka_unit_test(test_docs_point_at_readme),
        cmocka_unit_test(test_vendored_lists_match_build),
        cmocka_unit_test(test_result_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
