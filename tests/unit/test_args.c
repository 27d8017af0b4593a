/*
 * test_args.c - unit tests of the `llm-sandbox` command line
 * (src/cli/args.c): every rejection the CLI promises (status and message)
 * and the good forms, with code from -c, files and stdin.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/exitcodes.h"
#include "sandbox/defaults.h"

#include "test_cli_fixture.h"

/* Parse the NULL-terminated arguments after "llm-sandbox", with stdin
 * reading from `in` (may be NULL). */
static int parse_in(cli_args *a, char *err, FILE *in, const char *first, ...) {
    static const char *const none[] = {NULL};
    va_list ap;
    va_start(ap, first);
    int st = cli_test_vparse(a, err, in, none, first, ap);
    va_end(ap);
    return st;
}

#define PARSE(a, err, ...) parse_in((a), (err), NULL, __VA_ARGS__, (const char *)NULL)

/* Expect status and a message containing `want`; *a must come back empty. */
#define BAD(status, want, ...)                                                                     \
    do {                                                                                           \
        cli_args a_;                                                                               \
        char e_[CLI_ERR_MAX];                                                                      \
        int st_ = PARSE(&a_, e_, __VA_ARGS__);                                                     \
        if (st_ != (status)) fail_msg("status %d, want %d (%s)", st_, (status), e_);               \
        assert_contains(e_, (want));                                                               \
        assert_null(a_.run.code);                                                                  \
        assert_null(a_.run.env);                                                                   \
    } while (0)

/* Write a temp file holding n bytes of data; returns its path (static). */
static const char *temp_file(const char *name, const char *data, size_t n) {
    return temp_file_n(name, data, n);
}

static FILE *memfile(const char *data, size_t n) {
    FILE *f = fmemopen((void *)data, n, "rb");
    assert_non_null(f);
    return f;
}

/* ---- good command lines ---- */

static void test_minimal_run(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    assert_int_equal(PARSE(&a, err, "run", "-c", "print(1)"), CLI_EXIT_OK);
    assert_int_equal(a.action, CLI_ACTION_RUN);
    assert_int_equal(a.run.lang, LSB_LANG_PYTHON);
    assert_string_equal(a.run.code, "print(1)");
    assert_int_equal(a.run.code_len, 8);
    assert_null(a.run.filename);
    assert_false(a.run.json);
    assert_null(a.run.assets);
    assert_int_equal(a.run.policy.fuel, LSB_DEFAULT_FUEL);
    assert_int_equal(a.run.policy.memory_bytes, LSB_DEFAULT_MEMORY);
    assert_int_equal(a.run.policy.timeout_ms, LSB_DEFAULT_TIMEOUT_MS);
    assert_int_equal(a.run.policy.stdout_max, LSB_DEFAULT_STDOUT_MAX);
    assert_int_equal(a.run.policy.stderr_max, LSB_DEFAULT_STDERR_MAX);
    assert_null(a.run.policy.workspace);
    assert_int_equal(a.run.policy.env_count, 0);
    assert_true(a.run.policy.inject_setup);
    cli_args_free(&a);
}

static void test_all_options(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    int st = PARSE(&a, err, "run", "--json", "--lang", "js", "--fuel", "1000", "--memory", "64MiB",
                   "--timeout", "2.5", "--stdout-max", "10k", "--stderr-max", "1000", "--workspace",
                   tmpdir, "--env", "A=1", "--env", "B=", "--env=C=x=y", "--assets", tmpdir,
                   "--no-inject-setup", "-c", "console.log(1)");
    if (st != CLI_EXIT_OK) fail_msg("%s", err);
    assert_true(a.run.json);
    assert_int_equal(a.run.lang, LSB_LANG_JAVASCRIPT);
    assert_int_equal(a.run.policy.fuel, 1000);
    assert_int_equal(a.run.policy.memory_bytes, 64ULL << 20);
    assert_int_equal(a.run.policy.timeout_ms, 2500);
    assert_int_equal(a.run.policy.stdout_max, 10240);
    assert_int_equal(a.run.policy.stderr_max, 1000);
    assert_string_equal(a.run.policy.workspace, tmpdir);
    assert_string_equal(a.run.assets, tmpdir);
    assert_int_equal(a.run.policy.env_count, 3);
    assert_string_equal(a.run.policy.env[0], "A=1");
    assert_string_equal(a.run.policy.env[1], "B=");
    assert_string_equal(a.run.policy.env[2], "C=x=y");
    assert_false(a.run.policy.inject_setup);
    cli_args_free(&a);
}

/* --no-inject-setup (the original's inject_setup=False) for run and
 * session exec only; without it both inject. */
static void test_no_inject_setup(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    assert_int_equal(PARSE(&a, err, "run", "--no-inject-setup", "-c", "import tabulate"), 0);
    assert_int_equal(a.action, CLI_ACTION_RUN);
    assert_false(a.run.policy.inject_setup);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "session", "exec", "s-1", "-c", "x=1", "--no-inject-setup"), 0);
    assert_int_equal(a.session.cmd, CLI_SESSION_EXEC);
    assert_false(a.session.run.policy.inject_setup);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "session", "exec", "s-1", "-c", "x=1"), 0);
    assert_true(a.session.run.policy.inject_setup);
    cli_args_free(&a);
    BAD(CLI_EXIT_USAGE, "--no-inject-setup takes no value", "run", "--no-inject-setup=1", "-c",
        "1");
    BAD(CLI_EXIT_USAGE, "unknown option '--no-inject-setup' for session create", "session",
        "create", "--no-inject-setup");
}

static void test_equals_forms_and_aliases(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    assert_int_equal(PARSE(&a, err, "run", "--lang=javascript", "--fuel=5_000", "-c", "x"), 0);
    assert_int_equal(a.run.lang, LSB_LANG_JAVASCRIPT);
    assert_int_equal(a.run.policy.fuel, 5000);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", "--lang", "py", "-c", "x"), 0);
    assert_int_equal(a.run.lang, LSB_LANG_PYTHON);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", "--lang", "python", "-c", "x", "--json"), 0);
    assert_true(a.run.json);
    cli_args_free(&a);
    /* -c takes the next argument verbatim, even if it looks like an option */
    assert_int_equal(PARSE(&a, err, "run", "-c", "--json"), 0);
    assert_string_equal(a.run.code, "--json");
    assert_false(a.run.json);
    cli_args_free(&a);
}

static void test_language_from_extension(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    const char *py = temp_file("prog.py", "print(1)\n", 9);
    const char *js = temp_file("prog.js", "1+1\n", 4);
    const char *mjs = temp_file("prog.mjs", "1+1\n", 4);
    const char *txt = temp_file("prog.txt", "1+1\n", 4);
    assert_int_equal(PARSE(&a, err, "run", py), 0);
    assert_int_equal(a.run.lang, LSB_LANG_PYTHON);
    assert_string_equal(a.run.filename, "prog.py"); /* no host path reaches the guest */
    assert_string_equal(a.run.code, "print(1)\n");
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", js), 0);
    assert_int_equal(a.run.lang, LSB_LANG_JAVASCRIPT);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", mjs), 0);
    assert_int_equal(a.run.lang, LSB_LANG_JAVASCRIPT);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", txt), 0);
    assert_int_equal(a.run.lang, LSB_LANG_PYTHON); /* the default */
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", "--lang", "python", js), 0); /* --lang wins */
    assert_int_equal(a.run.lang, LSB_LANG_PYTHON);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", "--", py), 0);
    assert_string_equal(a.run.filename, "prog.py");
    cli_args_free(&a);
}

static void test_stdin(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    static const char code[] = "print('h\xC3\xA9')\n";
    FILE *in = memfile(code, sizeof code - 1);
    assert_int_equal(parse_in(&a, err, in, "run", "-", NULL), 0);
    fclose(in);
    assert_string_equal(a.run.code, code);
    assert_int_equal(a.run.code_len, sizeof code - 1);
    assert_string_equal(a.run.filename, "<stdin>");
    cli_args_free(&a);
}

static void test_help_and_version(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    assert_int_equal(PARSE(&a, err, "--help"), 0);
    assert_int_equal(a.action, CLI_ACTION_HELP);
    assert_int_equal(PARSE(&a, err, "-h"), 0);
    assert_int_equal(a.action, CLI_ACTION_HELP);
    assert_int_equal(PARSE(&a, err, "--version"), 0);
    assert_int_equal(a.action, CLI_ACTION_VERSION);
    assert_int_equal(PARSE(&a, err, "run", "--help"), 0);
    assert_int_equal(a.action, CLI_ACTION_RUN_HELP);
    cli_args_free(&a);
    assert_int_equal(PARSE(&a, err, "run", "-c", "x", "-h"), 0);
    assert_int_equal(a.action, CLI_ACTION_RUN_HELP);
    cli_args_free(&a);
}

/* The help documents every option, default, mount and exit status. */
static void test_help_text(void **state) {
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cli_print_help(f);
    fclose(f);
    static const char *const must[] = {"-c CODE",
                                       "--lang",
                                       "--json",
                                       "--fuel",
                                       "--memory",
                                       "--timeout",
                                       "--stdout-max",
                                       "--stderr-max",
                                       "--workspace",
                                       "--env",
                                       "--assets",
                                       "--help",
                                       "--no-inject-setup",
                                       "inject_setup=False",
                                       "--version",
                                       "5000000000",
                                       "128 MiB",
                                       "default 30",
                                       "2000000",
                                       "1000000",
                                       "/app",
                                       "/data",
                                       "/external",
                                       "/usr/local/lib",
                                       "HOME=/app",
                                       "LANG=C.UTF-8",
                                       "PYTHONUTF8=1",
                                       "PYTHONHASHSEED=0",
                                       "64 ",
                                       "66 ",
                                       "70 ",
                                       "120 ",
                                       "121 ",
                                       "122 ",
                                       "123 ",
                                       "124 ",
                                       "125 ",
                                       "read-only",
                                       "read-write"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        assert_contains(text, must[i]);
    free(text);
}

/* ---- rejections ---- */

static void test_internal_snapshot(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    assert_int_equal(
        PARSE(&a, err, "internal-snapshot", "quickjs", "build/assets", "q.snap", "prelude.js"), 0);
    assert_int_equal(a.action, CLI_ACTION_SNAPSHOT);
    assert_int_equal(a.snapshot.lang, LSB_LANG_JAVASCRIPT);
    assert_string_equal(a.snapshot.assets, "build/assets");
    assert_string_equal(a.snapshot.out, "q.snap");
    assert_string_equal(a.snapshot.prelude, "prelude.js");
    assert_int_equal(PARSE(&a, err, "internal-snapshot", "python", "a", "p.snap", "p.py"), 0);
    assert_int_equal(a.snapshot.lang, LSB_LANG_PYTHON);
    BAD(CLI_EXIT_USAGE, "unknown guest 'lua'", "internal-snapshot", "lua", "a", "b", "c");
    BAD(CLI_EXIT_USAGE, "4 arguments, got 1", "internal-snapshot", "python");
}

static void test_commands(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "no command", NULL);
    BAD(CLI_EXIT_USAGE, "unknown command 'sessions'", "sessions", "list");
    BAD(CLI_EXIT_USAGE, "unknown command 'mcp'", "mcp");
    BAD(CLI_EXIT_USAGE, "unknown option '--bogus'", "--bogus");
}

static void test_missing_and_conflicting_code(void **state) {
    (void)state;
    const char *py = temp_file("c.py", "1\n", 2);
    BAD(CLI_EXIT_USAGE, "no code given", "run");
    BAD(CLI_EXIT_USAGE, "no code given", "run", "--json");
    BAD(CLI_EXIT_USAGE, "both -c and a code file", "run", "-c", "1", py);
    BAD(CLI_EXIT_USAGE, "more than one code file", "run", py, py);
    BAD(CLI_EXIT_USAGE, "-c given twice", "run", "-c", "1", "-c", "2");
}

static void test_empty_code(void **state) {
    (void)state;
    const char *empty = temp_file("empty.py", "", 0);
    const char *blank = temp_file("blank.py", " \n\t\r\n", 5);
    BAD(CLI_EXIT_USAGE, "is empty", "run", "-c", "");
    BAD(CLI_EXIT_USAGE, "only whitespace", "run", "-c", "  \n\t ");
    BAD(CLI_EXIT_USAGE, "is empty", "run", empty);
    BAD(CLI_EXIT_USAGE, "only whitespace", "run", blank);
}

static void test_nul_and_utf8(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    const char *nul = temp_file("nul.py", "abc\0def", 7);
    const char *bad = temp_file("bad.py", "print('\xff')", 10);
    BAD(CLI_EXIT_USAGE, "NUL byte at byte offset 3", "run", nul);
    BAD(CLI_EXIT_USAGE, "not valid UTF-8 (first bad byte at offset 7)", "run", bad);
    BAD(CLI_EXIT_USAGE, "not valid UTF-8 (first bad byte at offset 1)", "run", "-c", "x\xC0\xAF");
    FILE *in = memfile("12345\0", 6);
    assert_int_equal(parse_in(&a, err, in, "run", "-", NULL), CLI_EXIT_USAGE);
    fclose(in);
    assert_contains(err, "standard input contains a NUL byte at byte offset 5");
    assert_null(a.run.code);
    in = memfile("ok\n\xED\xA0\x80", 6);
    assert_int_equal(parse_in(&a, err, in, "run", "-", NULL), CLI_EXIT_USAGE);
    fclose(in);
    assert_contains(err, "offset 3");
}

static void test_code_size_limit(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    /* An endless stdin is read only up to the limit. */
    FILE *in = fopen("/dev/zero", "rb");
    assert_non_null(in);
    assert_int_equal(parse_in(&a, err, in, "run", "-", NULL), CLI_EXIT_USAGE);
    fclose(in);
    char want[96];
    snprintf(want, sizeof want, "exceeds the limit of %llu bytes",
             (unsigned long long)LSB_MAX_CODE_BYTES);
    assert_contains(err, want);
    /* Exactly the limit is accepted; one byte more is not. */
    size_t max = (size_t)LSB_MAX_CODE_BYTES;
    char *big = malloc(max + 1);
    memset(big, 'a', max + 1);
    const char *path = temp_file("big.py", big, max);
    assert_int_equal(PARSE(&a, err, "run", path), CLI_EXIT_OK);
    assert_int_equal(a.run.code_len, max);
    cli_args_free(&a);
    path = temp_file("big2.py", big, max + 1);
    free(big);
    BAD(CLI_EXIT_USAGE, "exceeds the limit", "run", path);
}

static void test_unreadable_file(void **state) {
    (void)state;
    char missing[300];
    snprintf(missing, sizeof missing, "%s/nope.py", tmpdir);
    BAD(CLI_EXIT_NOINPUT, "No such file or directory", "run", missing);
    BAD(CLI_EXIT_NOINPUT, "is a directory", "run", tmpdir);
}

static void test_bad_lang(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "unknown language 'ruby'", "run", "--lang", "ruby", "-c", "1");
    BAD(CLI_EXIT_USAGE, "javascript", "run", "--lang", "ruby", "-c", "1");
    BAD(CLI_EXIT_USAGE, "python", "run", "--lang=", "-c", "1");
}

static void test_bad_fuel(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "--fuel: 0 is not allowed", "run", "--fuel", "0", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--fuel: '-5' is negative", "run", "--fuel", "-5", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--fuel: 'lots' is not a number", "run", "--fuel", "lots", "-c", "1");
    BAD(CLI_EXIT_USAGE, "not a whole number", "run", "--fuel", "1.5", "-c", "1");
    BAD(CLI_EXIT_USAGE, "too large", "run", "--fuel", "99999999999999999999", "-c", "1");
    BAD(CLI_EXIT_USAGE, "invalid limit: fuel", "run", "--fuel", "18446744073709551615", "-c", "1");
}

static void test_bad_sizes(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "--memory: 'lots' is not a number", "run", "--memory", "lots", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--memory: '64XB' is not a size", "run", "--memory", "64XB", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--memory: a size of 0", "run", "--memory", "0", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--memory: '-1' is negative", "run", "--memory", "-1", "-c", "1");
    BAD(CLI_EXIT_USAGE, "invalid limit: memory_bytes is 8589934592", "run", "--memory", "8GiB",
        "-c", "1");
    BAD(CLI_EXIT_USAGE, "invalid limit: memory_bytes is 524288", "run", "--memory", "512k", "-c",
        "1");
    BAD(CLI_EXIT_USAGE, "--stdout-max: a size of 0", "run", "--stdout-max", "0", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--stderr-max", "run", "--stderr-max", "x", "-c", "1");
}

static void test_bad_timeout(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "--timeout: '0' is too short", "run", "--timeout", "0", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--timeout: '-1' is negative", "run", "--timeout", "-1", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--timeout: 'soon' is not a number", "run", "--timeout", "soon", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--timeout: 'nan'", "run", "--timeout", "nan", "-c", "1");
    BAD(CLI_EXIT_USAGE, "maximum is 3600 seconds", "run", "--timeout", "86400", "-c", "1");
}

static void test_bad_dirs(void **state) {
    (void)state;
    char missing[300];
    const char *file = temp_file("plain.txt", "x", 1);
    snprintf(missing, sizeof missing, "%s/absent", tmpdir);
    BAD(CLI_EXIT_USAGE, "no such directory", "run", "--workspace", missing, "-c", "1");
    BAD(CLI_EXIT_USAGE, "--workspace", "run", "--workspace", missing, "-c", "1");
    BAD(CLI_EXIT_USAGE, "is not a directory", "run", "--workspace", file, "-c", "1");
    BAD(CLI_EXIT_USAGE, "no such directory", "run", "--workspace", "", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--assets", "run", "--assets", file, "-c", "1");
}

static void test_bad_env(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "--env 'FOO' has no '='", "run", "--env", "FOO", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--env '=bar' has an empty key", "run", "--env", "=bar", "-c", "1");
    BAD(CLI_EXIT_USAGE, "invalid limit: env[0] is not valid UTF-8", "run", "--env", "A=\xff", "-c",
        "1");
    static char big[40000];
    memset(big, 'v', sizeof big - 1);
    big[0] = 'K', big[1] = '=';
    BAD(CLI_EXIT_USAGE, "invalid limit: env is larger than 65536", "run", "--env", big, "--env",
        big, "-c", "1");
}

static void test_bad_options(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "unknown option '--bogus'", "run", "--bogus", "-c", "1");
    BAD(CLI_EXIT_USAGE, "unknown option '-x'", "run", "-x", "-c", "1");
    BAD(CLI_EXIT_USAGE, "--fuel needs a value", "run", "-c", "1", "--fuel");
    BAD(CLI_EXIT_USAGE, "-c needs a value", "run", "-c");
    BAD(CLI_EXIT_USAGE, "--json takes no value", "run", "--json=yes", "-c", "1");
    BAD(CLI_EXIT_USAGE, "unknown option '--fuelx=3'", "run", "--fuelx=3", "-c", "1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_run),
        cmocka_unit_test(test_all_options),
        cmocka_unit_test(test_equals_forms_and_aliases),
        cmocka_unit_test(test_no_inject_setup),
        cmocka_unit_test(test_language_from_extension),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_help_text),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_internal_snapshot),
        cmocka_unit_test(test_missing_and_conflicting_code),
        cmocka_unit_test(test_empty_code),
        cmocka_unit_test(test_nul_and_utf8),
        cmocka_unit_test(test_code_size_limit),
        cmocka_unit_test(test_unreadable_file),
        cmocka_unit_test(test_bad_lang),
        cmocka_unit_test(test_bad_fuel),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_bad_timeout),
        cmocka_unit_test(test_bad_dirs),
        cmocka_unit_test(test_bad_env),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
