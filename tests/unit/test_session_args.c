/*
 * test_session_args.c - unit tests of the `llm-sandbox session ...` command
 * line (the session part of src/cli/args.c): the good form of every
 * subcommand, and every rejection (status and message): missing and extra
 * arguments, unknown subcommands and options, bad durations and limits,
 * conflicting options.
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

/* Parse "llm-sandbox session" followed by the NULL-terminated arguments,
 * with standard input reading from `in` (may be NULL). */
static int parse_in(cli_args *a, char *err, FILE *in, const char *first, ...) {
    static const char *const session[] = {"session", NULL};
    va_list ap;
    va_start(ap, first);
    int st = cli_test_vparse(a, err, in, session, first, ap);
    va_end(ap);
    return st;
}

#define PARSE(a, err, ...) parse_in((a), (err), NULL, __VA_ARGS__, (const char *)NULL)

/* Parse and expect success; fails the test with the message otherwise. */
#define GOOD(a, ...)                                                                               \
    do {                                                                                           \
        char e_[CLI_ERR_MAX];                                                                      \
        int st_ = PARSE((a), e_, __VA_ARGS__);                                                     \
        if (st_ != CLI_EXIT_OK) fail_msg("status %d: %s", st_, e_);                                \
        assert_int_equal((a)->action, CLI_ACTION_SESSION);                                         \
    } while (0)

/* Expect status and a message containing `want`; the result must come back
 * empty (nothing left allocated). */
#define BAD(status, want, ...)                                                                     \
    do {                                                                                           \
        cli_args a_;                                                                               \
        char e_[CLI_ERR_MAX];                                                                      \
        int st_ = PARSE(&a_, e_, __VA_ARGS__);                                                     \
        if (st_ != (status)) fail_msg("status %d, want %d (%s)", st_, (status), e_);               \
        assert_contains(e_, (want));                                                               \
        assert_null(a_.session.run.code);                                                          \
        assert_null(a_.session.run.env);                                                           \
        assert_null(a_.session.id);                                                                \
    } while (0)

/* Write a temp file holding the text; returns its path (static). */
static const char *temp_file(const char *name, const char *text) {
    return temp_file_n(name, text, strlen(text));
}

/* ---- good forms ---- */

static void test_create_defaults(void **state) {
    (void)state;
    cli_args a;
    GOOD(&a, "create");
    cli_session *s = &a.session;
    assert_int_equal(s->cmd, CLI_SESSION_CREATE);
    assert_int_equal(s->run.lang, LSB_LANG_PYTHON);
    assert_null(s->new_id);
    assert_false(s->custom_id || s->auto_persist || s->run.json || s->help);
    assert_null(s->sessions_root);
    assert_true(s->run.policy.fuel == LSB_DEFAULT_FUEL);
    assert_true(s->run.policy.memory_bytes == LSB_DEFAULT_MEMORY);
    assert_int_equal(s->run.policy.timeout_ms, LSB_DEFAULT_TIMEOUT_MS);
    assert_true(s->run.policy.quota_bytes == LSB_DEFAULT_QUOTA_BYTES);
    assert_true(s->run.policy.quota_files == LSB_DEFAULT_QUOTA_FILES);
    cli_args_free(&a);
}

static void test_create_all_options(void **state) {
    (void)state;
    cli_args a;
    GOOD(&a, "--sessions-root", "/tmp/roots", "create", "--lang", "js", "--id", "my_id-1",
         "--custom-id", "--auto-persist", "--fuel", "1000", "--memory=64MiB", "--timeout", "2.5",
         "--stdout-max", "1k", "--stderr-max", "2KB", "--quota-bytes", "10MiB", "--quota-files",
         "50", "--json", "--assets", tmpdir, "--wheel-dir", tmpdir);
    cli_session *s = &a.session;
    assert_int_equal(s->run.lang, LSB_LANG_JAVASCRIPT);
    assert_string_equal(s->new_id, "my_id-1");
    assert_true(s->custom_id && s->auto_persist && s->run.json);
    assert_string_equal(s->sessions_root, "/tmp/roots");
    assert_string_equal(s->run.assets, tmpdir);
    assert_string_equal(s->wheel_dir, tmpdir);
    assert_true(s->run.policy.fuel == 1000);
    assert_true(s->run.policy.memory_bytes == 64 * LSB_MIB);
    assert_int_equal(s->run.policy.timeout_ms, 2500);
    assert_true(s->run.policy.stdout_max == 1024);
    assert_true(s->run.policy.stderr_max == 2000);
    assert_true(s->run.policy.quota_bytes == 10 * LSB_MIB);
    assert_true(s->run.policy.quota_files == 50);
    cli_args_free(&a);
}

static void test_exec_forms(void **state) {
    (void)state;
    cli_args a;
    GOOD(&a, "exec", "abc", "-c", "print(1)", "--env", "K=V", "--env=X=1", "--fuel", "77");
    cli_session *s = &a.session;
    assert_int_equal(s->cmd, CLI_SESSION_EXEC);
    assert_string_equal(s->id, "abc");
    assert_string_equal(s->run.code, "print(1)");
    assert_null(s->run.filename);
    assert_int_equal(s->run.policy.env_count, 2);
    assert_string_equal(s->run.policy.env[0], "K=V");
    assert_string_equal(s->run.policy.env[1], "X=1");
    assert_true(s->run.policy.fuel == 77);
    /* limits not given stay 0: the session's own apply */
    assert_true(s->run.policy.memory_bytes == 0 && s->run.policy.timeout_ms == 0);
    assert_true(s->run.policy.stdout_max == 0 && s->run.policy.stderr_max == 0);
    cli_args_free(&a);

    const char *py = temp_file("job.py", "x = 41\n");
    GOOD(&a, "exec", "--json", "abc", py, "--timeout", "3", "--memory", "32MiB");
    assert_string_equal(a.session.run.code, "x = 41\n");
    assert_string_equal(a.session.run.filename, "job.py");
    assert_true(a.session.run.json);
    assert_int_equal(a.session.run.policy.timeout_ms, 3000);
    assert_true(a.session.run.policy.memory_bytes == 32 * LSB_MIB);
    cli_args_free(&a);

    static const char code[] = "print(x + 1)\n";
    FILE *in = fmemopen((void *)code, sizeof code - 1, "rb");
    char err[CLI_ERR_MAX];
    assert_int_equal(parse_in(&a, err, in, "exec", "abc", "-", (const char *)NULL), 0);
    fclose(in);
    assert_string_equal(a.session.run.code, code);
    assert_string_equal(a.session.run.filename, "<stdin>");
    cli_args_free(&a);
}

static void test_file_commands(void **state) {
    (void)state;
    cli_args a;
    GOOD(&a, "files", "s1");
    assert_int_equal(a.session.cmd, CLI_SESSION_FILES);
    assert_string_equal(a.session.id, "s1");
    assert_null(a.session.path);
    assert_false(a.session.all);
    cli_args_free(&a);
    GOOD(&a, "files", "s1", "out", "--all");
    assert_string_equal(a.session.path, "out");
    assert_true(a.session.all);
    assert_null(a.session.pattern);
    cli_args_free(&a);
    GOOD(&a, "files", "s1", "--pattern", "données/**/*.csv");
    assert_string_equal(a.session.pattern, "données/**/*.csv");
    assert_null(a.session.path);
    cli_args_free(&a);
    GOOD(&a, "files", "s1", "data", "--pattern=*.json");
    assert_string_equal(a.session.pattern, "*.json");
    assert_string_equal(a.session.path, "data");
    cli_args_free(&a);
    GOOD(&a, "read", "s1", "/app/x.bin");
    assert_int_equal(a.session.cmd, CLI_SESSION_READ);
    assert_string_equal(a.session.path, "/app/x.bin");
    cli_args_free(&a);
    GOOD(&a, "write", "s1", "x.txt");
    assert_int_equal(a.session.cmd, CLI_SESSION_WRITE);
    assert_string_equal(a.session.path, "x.txt");
    assert_null(a.session.source);
    cli_args_free(&a);
    assert_false(a.session.no_overwrite);
    GOOD(&a, "write", "s1", "x.txt", "-");
    assert_string_equal(a.session.source, "-");
    cli_args_free(&a);
    GOOD(&a, "write", "s1", "café.txt", "--no-overwrite");
    assert_true(a.session.no_overwrite);
    assert_string_equal(a.session.path, "café.txt");
    cli_args_free(&a);
    GOOD(&a, "write", "s1", "x.txt", "/etc/hostname");
    assert_string_equal(a.session.source, "/etc/hostname");
    cli_args_free(&a);
    GOOD(&a, "rm", "s1", "dir", "-r");
    assert_int_equal(a.session.cmd, CLI_SESSION_RM);
    assert_string_equal(a.session.path, "dir");
    assert_true(a.session.recursive);
    cli_args_free(&a);
    GOOD(&a, "rm", "--recursive", "s1", "dir");
    assert_true(a.session.recursive);
    cli_args_free(&a);
    GOOD(&a, "rm", "s1", "f");
    assert_false(a.session.recursive);
    cli_args_free(&a);
}

static void test_other_commands(void **state) {
    (void)state;
    static const struct {
        const char *word;
        cli_session_cmd cmd;
    } with_id[] = {
        {"info", CLI_SESSION_INFO}, {"reset", CLI_SESSION_RESET}, {"destroy", CLI_SESSION_DESTROY}};
    cli_args a;
    for (size_t i = 0; i < sizeof with_id / sizeof with_id[0]; i++) {
        GOOD(&a, with_id[i].word, "the-id", "--json");
        assert_int_equal(a.session.cmd, with_id[i].cmd);
        assert_string_equal(a.session.id, "the-id");
        assert_true(a.session.run.json);
        assert_string_equal(cli_session_cmd_name(a.session.cmd), with_id[i].word);
        cli_args_free(&a);
    }
    GOOD(&a, "list");
    assert_int_equal(a.session.cmd, CLI_SESSION_LIST);
    assert_null(a.session.id);
    cli_args_free(&a);
    GOOD(&a, "install", "s1", "pkg-1.0-py3-none-any.whl", "--wheel-dir", tmpdir);
    assert_int_equal(a.session.cmd, CLI_SESSION_INSTALL);
    assert_string_equal(a.session.package, "pkg-1.0-py3-none-any.whl");
    assert_string_equal(a.session.wheel_dir, tmpdir);
    cli_args_free(&a);
}

static void test_prune_durations(void **state) {
    (void)state;
    static const struct {
        const char *text;
        uint64_t seconds;
    } good[] = {{"30s", 30}, {"15m", 900}, {"2h", 7200},     {"7d", 604800},    {"45", 45},
                {"0", 0},    {"0s", 0},    {"1_000s", 1000}, {"365d", 31536000}};
    cli_args a;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        GOOD(&a, "prune", "--older-than", good[i].text);
        assert_int_equal(a.session.cmd, CLI_SESSION_PRUNE);
        if (a.session.older_than_s != good[i].seconds)
            fail_msg("%s: %llu seconds", good[i].text, (unsigned long long)a.session.older_than_s);
        assert_false(a.session.dry_run);
        cli_args_free(&a);
    }
    GOOD(&a, "prune", "--dry-run", "--older-than=1h");
    assert_true(a.session.dry_run);
    assert_true(a.session.older_than_s == 3600);
    cli_args_free(&a);
}

static void test_help(void **state) {
    (void)state;
    cli_args a;
    GOOD(&a, "--help");
    assert_true(a.session.help);
    assert_int_equal(a.session.cmd, CLI_SESSION_NONE);
    cli_args_free(&a);
    GOOD(&a, "help");
    assert_true(a.session.help);
    assert_int_equal(a.session.cmd, CLI_SESSION_NONE);
    cli_args_free(&a);
    GOOD(&a, "exec", "--help");
    assert_true(a.session.help);
    assert_int_equal(a.session.cmd, CLI_SESSION_EXEC);
    cli_args_free(&a);
    GOOD(&a, "read", "-h"); /* help wins over the missing arguments */
    assert_true(a.session.help);
    assert_int_equal(a.session.cmd, CLI_SESSION_READ);
    cli_args_free(&a);
    for (int c = CLI_SESSION_CREATE; c < CLI_SESSION_COUNT; c++) {
        GOOD(&a, cli_session_cmd_name((cli_session_cmd)c), "--help");
        assert_int_equal(a.session.cmd, c);
        assert_true(a.session.help);
        cli_args_free(&a);
    }
}

static void test_policy_overlay(void **state) {
    (void)state;
    lsb_policy dst, over;
    lsb_policy_init(&dst);
    memset(&over, 0, sizeof over);
    over.fuel = 5;
    over.quota_files = 9;
    cli_policy_overlay(&dst, &over);
    assert_true(dst.fuel == 5 && dst.quota_files == 9);
    assert_true(dst.memory_bytes == LSB_DEFAULT_MEMORY);
    assert_int_equal(dst.timeout_ms, LSB_DEFAULT_TIMEOUT_MS);
    assert_true(dst.quota_bytes == LSB_DEFAULT_QUOTA_BYTES);
}

/* ---- rejections ---- */

static void test_subcommand_errors(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "session needs a subcommand", NULL);
    BAD(CLI_EXIT_USAGE, "session needs a subcommand", "--json");
    BAD(CLI_EXIT_USAGE, "unknown session subcommand 'start'", "start");
    BAD(CLI_EXIT_USAGE, "valid: create, exec", "EXEC", "x");
    BAD(CLI_EXIT_USAGE, "unknown option '--bogus' for session", "--bogus", "list");
    BAD(CLI_EXIT_USAGE, "--sessions-root needs a value", "--sessions-root");
}

static void test_missing_arguments(void **state) {
    (void)state;
    static const char *const need_id[] = {"exec", "info",  "files",   "read",   "write",
                                          "rm",   "reset", "destroy", "install"};
    for (size_t i = 0; i < sizeof need_id / sizeof need_id[0]; i++)
        BAD(CLI_EXIT_USAGE, "missing the session ID", need_id[i]);
    BAD(CLI_EXIT_USAGE, "missing the session ID", "info", "--json");
    BAD(CLI_EXIT_USAGE, "session read: missing PATH", "read", "s1");
    BAD(CLI_EXIT_USAGE, "session write: missing PATH", "write", "s1");
    BAD(CLI_EXIT_USAGE, "session rm: missing PATH", "rm", "s1", "-r");
    BAD(CLI_EXIT_USAGE, "missing PACKAGE", "install", "s1");
    BAD(CLI_EXIT_USAGE, "usage: llm-sandbox session read ID PATH", "read", "s1");
    BAD(CLI_EXIT_USAGE, "no code given", "exec", "s1");
    BAD(CLI_EXIT_USAGE, "the session ID is empty", "info", "");
    BAD(CLI_EXIT_USAGE, "PATH (a path inside /app) is empty", "read", "s1", "");
}

static void test_too_many_arguments(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "too many arguments for session info: 'extra'", "info", "s1", "extra");
    BAD(CLI_EXIT_USAGE, "too many arguments for session list: 's1'", "list", "s1");
    BAD(CLI_EXIT_USAGE, "too many arguments for session create: 'x'", "create", "x");
    BAD(CLI_EXIT_USAGE, "too many arguments for session read", "read", "s1", "a", "b");
    BAD(CLI_EXIT_USAGE, "too many arguments for session write", "write", "s1", "a", "b", "c");
    BAD(CLI_EXIT_USAGE, "too many arguments for session exec", "exec", "s1", "a.py", "b.py");
    BAD(CLI_EXIT_USAGE, "too many arguments for session prune", "prune", "--older-than", "1d",
        "now");
    BAD(CLI_EXIT_USAGE, "usage: llm-sandbox session destroy ID", "destroy", "a", "b");
}

static void test_bad_durations(void **state) {
    (void)state;
    static const char *const bad[] = {"",   "s",   "abc", "5x",  "-1d", "1.5h",
                                      "d7", "7 d", "7D",  "1e3", "+5",  "99999999999999999999d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        BAD(CLI_EXIT_USAGE, "--older-than '", "prune", "--older-than", bad[i]);
    BAD(CLI_EXIT_USAGE, "e.g. 30s, 15m, 2h, 7d", "prune", "--older-than", "soon");
    BAD(CLI_EXIT_USAGE, "unknown unit 'w'", "prune", "--older-than", "2w");
    BAD(CLI_EXIT_USAGE, "too large", "prune", "--older-than", "999999999999999999d");
    BAD(CLI_EXIT_USAGE, "--older-than needs a value", "prune", "--older-than");
    BAD(CLI_EXIT_USAGE, "session prune needs --older-than DURATION", "prune");
    BAD(CLI_EXIT_USAGE, "session prune needs --older-than DURATION", "prune", "--dry-run");
}

static void test_conflicting_options(void **state) {
    (void)state;
    const char *py = temp_file("c.py", "1\n");
    BAD(CLI_EXIT_USAGE, "--custom-id needs --id ID", "create", "--custom-id");
    BAD(CLI_EXIT_USAGE, "--id given twice", "create", "--id", "a", "--id", "b");
    BAD(CLI_EXIT_USAGE, "--id is empty", "create", "--id", "");
    BAD(CLI_EXIT_USAGE, "both -c and a code file", "exec", "s1", "-c", "1", py);
    BAD(CLI_EXIT_USAGE, "-c given twice", "exec", "s1", "-c", "1", "-c", "2");
    BAD(CLI_EXIT_USAGE, "--json takes no value", "list", "--json=yes");
    BAD(CLI_EXIT_USAGE, "--pattern given twice", "files", "s1", "--pattern", "*", "--pattern", "a");
    BAD(CLI_EXIT_USAGE, "--pattern is empty", "files", "s1", "--pattern", "");
    BAD(CLI_EXIT_USAGE, "--no-overwrite takes no value", "write", "s1", "p", "--no-overwrite=1");
}

/* Each option is accepted only by the subcommands it belongs to. */
static void test_options_per_subcommand(void **state) {
    (void)state;
    BAD(CLI_EXIT_USAGE, "unknown option '--lang' for session exec", "exec", "s1", "--lang", "js",
        "-c", "1");
    BAD(CLI_EXIT_USAGE, "see 'llm-sandbox session exec --help'", "exec", "s1", "--all", "-c", "1");
    BAD(CLI_EXIT_USAGE, "unknown option '-c' for session create", "create", "-c", "1");
    BAD(CLI_EXIT_USAGE, "unknown option '--env' for session create", "create", "--env", "A=1");
    BAD(CLI_EXIT_USAGE, "unknown option '--quota-bytes' for session exec", "exec", "s1",
        "--quota-bytes", "1MiB", "-c", "1");
    BAD(CLI_EXIT_USAGE, "unknown option '-r' for session files", "files", "s1", "-r");
    BAD(CLI_EXIT_USAGE, "unknown option '--pattern' for session read", "read", "s1", "p",
        "--pattern", "*");
    BAD(CLI_EXIT_USAGE, "unknown option '--no-overwrite' for session rm", "rm", "s1", "p",
        "--no-overwrite");
    BAD(CLI_EXIT_USAGE, "unknown option '--all' for session read", "read", "s1", "p", "--all");
    BAD(CLI_EXIT_USAGE, "unknown option '--older-than' for session list", "list", "--older-than",
        "1d");
    BAD(CLI_EXIT_USAGE, "unknown option '--dry-run' for session destroy", "destroy", "s1",
        "--dry-run");
    BAD(CLI_EXIT_USAGE, "unknown option '--workspace' for session create", "create", "--workspace",
        tmpdir);
    BAD(CLI_EXIT_USAGE, "unknown option '--fuel' for session", "--fuel", "5", "list");
    BAD(CLI_EXIT_USAGE, "unknown option '--fuel' for session info", "info", "s1", "--fuel", "5");
}

/* Limits are parsed by run's parsers: same syntax, same messages. */
static void test_bad_limits_like_run(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"--fuel", "0"},        {"--fuel", "abc"},     {"--memory", "banana"}, {"--timeout", "0"},
        {"--stdout-max", "-1"}, {"--stderr-max", "x"}, {"--memory", "8192MiB"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_args a;
        char run_err[CLI_ERR_MAX], create_err[CLI_ERR_MAX], exec_err[CLI_ERR_MAX];
        char *run_argv[] = {"llm-sandbox", "run", (char *)cases[i][0], (char *)cases[i][1], "-c",
                            "1",           NULL};
        assert_int_equal(cli_parse(6, run_argv, NULL, &a, run_err, sizeof run_err), CLI_EXIT_USAGE);
        assert_int_equal(PARSE(&a, create_err, "create", cases[i][0], cases[i][1]), CLI_EXIT_USAGE);
        assert_int_equal(PARSE(&a, exec_err, "exec", "s1", "-c", "1", cases[i][0], cases[i][1]),
                         CLI_EXIT_USAGE);
        assert_string_equal(create_err, run_err);
        assert_string_equal(exec_err, run_err);
    }
    BAD(CLI_EXIT_USAGE, "--quota-bytes: ", "create", "--quota-bytes", "0");
    BAD(CLI_EXIT_USAGE, "--quota-files: ", "create", "--quota-files", "lots");
    BAD(CLI_EXIT_USAGE, "unknown language 'cobol'", "create", "--lang", "cobol");
    BAD(CLI_EXIT_USAGE, "--env 'NOEQ' has no '='", "exec", "s1", "-c", "1", "--env", "NOEQ");
}

static void test_bad_code_and_dirs(void **state) {
    (void)state;
    const char *blank = temp_file("blank.py", "  \n");
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing", tmpdir);
    BAD(CLI_EXIT_USAGE, "empty", "exec", "s1", "-c", "");
    BAD(CLI_EXIT_USAGE, "only whitespace", "exec", "s1", blank);
    BAD(CLI_EXIT_NOINPUT, "cannot read", "exec", "s1", missing);
    BAD(CLI_EXIT_NOINPUT, "code file '-c'", "exec", "s1", "--", "-c"); /* after --, a FILE */
    BAD(CLI_EXIT_USAGE, "--wheel-dir", "install", "s1", "p", "--wheel-dir", missing);
    BAD(CLI_EXIT_USAGE, "--assets", "--assets", missing, "list");
    BAD(CLI_EXIT_USAGE, "--sessions-root is empty", "list", "--sessions-root", "");
}

/* `run` keeps its options: the session ones are unknown there. */
static void test_run_unchanged(void **state) {
    (void)state;
    cli_args a;
    char err[CLI_ERR_MAX];
    char *argv[] = {"llm-sandbox", "run", "--sessions-root", "/tmp", "-c", "1", NULL};
    assert_int_equal(cli_parse(6, argv, NULL, &a, err, sizeof err), CLI_EXIT_USAGE);
    assert_string_equal(err, "unknown option '--sessions-root' for run; see 'llm-sandbox run "
                             "--help'");
    char *argv2[] = {"llm-sandbox", "run", "--fuel", NULL};
    assert_int_equal(cli_parse(3, argv2, NULL, &a, err, sizeof err), CLI_EXIT_USAGE);
    assert_string_equal(err, "--fuel needs a value; see 'llm-sandbox run --help'");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_defaults),
        cmocka_unit_test(test_create_all_options),
        cmocka_unit_test(test_exec_forms),
        cmocka_unit_test(test_file_commands),
        cmocka_unit_test(test_other_commands),
        cmocka_unit_test(test_prune_durations),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_policy_overlay),
        cmocka_unit_test(test_subcommand_errors),
        cmocka_unit_test(test_missing_arguments),
        cmocka_unit_test(test_too_many_arguments),
        cmocka_unit_test(test_bad_durations),
        cmocka_unit_test(test_conflicting_options),
        cmocka_unit_test(test_options_per_subcommand),
        cmocka_unit_test(test_bad_limits_like_run),
        cmocka_unit_test(test_bad_code_and_dirs),
        cmocka_unit_test(test_run_unchanged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
