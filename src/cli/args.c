/*
 * args.c - parsing the `llm-sandbox` command line (`run` and the `session`
 * subcommands) and reading the code to run; the help texts of `run`.
 *
 * Invariants: every rejection is a value (an exit status and a one-line
 * message naming the option, the bad input and what is allowed), never an
 * exit() from here; input is read with a bound of lsb_limits' code limit + 1;
 * on failure nothing stays allocated.
 */
#include "cli/args.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/exitcodes.h"
#include "util/err.h"

#define CLI_READ_CHUNK (64U * 1024U) /* first buffer, doubled as input grows */
#define CLI_QUOTE_MAX  60            /* characters of bad input echoed in messages */
#define CLI_SOURCE_MAX 96            /* "the code from 'path'" */
#define CLI_MS_PER_S   1000U
#define CLI_HELP_WIDTH 80 /* columns the help text wraps at */

#define CLI_SESSION_MAX_POS  3  /* positional arguments of a session subcommand */
#define CLI_DURATION_MAX     32 /* characters of a --older-than number */
#define CLI_SECONDS_PER_MIN  60U
#define CLI_SECONDS_PER_HOUR 3600U
#define CLI_SECONDS_PER_DAY  86400U

/* Which words of `session` a positional argument fills. */
typedef enum cli_pos_role {
    CLI_POS_ID,     /* the session ID */
    CLI_POS_PATH,   /* a path inside the session's /app */
    CLI_POS_CODE,   /* exec: a code FILE or "-" */
    CLI_POS_SOURCE, /* write: a host FILE or "-" */
    CLI_POS_PACKAGE /* install: a wheel path or a project name */
} cli_pos_role;

/* One session subcommand: its words, for parsing and for messages. */
typedef struct cli_session_spec {
    const char *name;  /* "create" */
    const char *where; /* "session create": names the command in messages */
    const char *usage; /* its arguments, for "usage: ..." */
    size_t min_pos, max_pos;
    cli_pos_role roles[CLI_SESSION_MAX_POS];
} cli_session_spec;

static const cli_session_spec cli_session_specs[CLI_SESSION_COUNT] = {
    [CLI_SESSION_NONE] = {"session", "session", "SUBCOMMAND [ARGS] [OPTIONS]", 0, 0, {0}},
    [CLI_SESSION_CREATE] =
        {"create", "session create", "[--lang LANG] [--id ID] [OPTIONS]", 0, 0, {0}},
    [CLI_SESSION_EXEC] = {"exec",
                          "session exec",
                          "ID (-c CODE | FILE | -) [OPTIONS]",
                          1,
                          2,
                          {CLI_POS_ID, CLI_POS_CODE}},
    [CLI_SESSION_INFO] = {"info", "session info", "ID", 1, 1, {CLI_POS_ID}},
    [CLI_SESSION_FILES] = {"files",
                           "session files",
                           "ID [PATH] [--all] [--pattern GLOB]",
                           1,
                           2,
                           {CLI_POS_ID, CLI_POS_PATH}},
    [CLI_SESSION_READ] = {"read", "session read", "ID PATH", 2, 2, {CLI_POS_ID, CLI_POS_PATH}},
    [CLI_SESSION_WRITE] = {"write",
                           "session write",
                           "ID PATH [FILE | -] [--no-overwrite]",
                           2,
                           3,
                           {CLI_POS_ID, CLI_POS_PATH, CLI_POS_SOURCE}},
    [CLI_SESSION_RM] = {"rm", "session rm", "ID PATH [-r]", 2, 2, {CLI_POS_ID, CLI_POS_PATH}},
    [CLI_SESSION_RESET] = {"reset", "session reset", "ID", 1, 1, {CLI_POS_ID}},
    [CLI_SESSION_DESTROY] = {"destroy", "session destroy", "ID", 1, 1, {CLI_POS_ID}},
    [CLI_SESSION_LIST] = {"list", "session list", "[--json]", 0, 0, {0}},
    [CLI_SESSION_PRUNE] =
        {"prune", "session prune", "--older-than DURATION [--dry-run]", 0, 0, {0}},
    [CLI_SESSION_INSTALL] =
        {"install", "session install", "ID PACKAGE", 2, 2, {CLI_POS_ID, CLI_POS_PACKAGE}},
};

/* State while parsing `run` or a session subcommand: where the code comes
 * from, which options apply, and the outcome. */
typedef struct cli_run_ctx {
    cli_run *run;
    const char *code_arg; /* -c CODE */
    const char *path;     /* FILE, or "-" for stdin */
    const char *lang;     /* --lang, or NULL */
    bool help;
    char *err;
    size_t errlen;
    const char *where;            /* "run" or "session exec": names the command in messages */
    unsigned allowed;             /* CLI_FOR_* bit of the command: which options apply */
    cli_session *sess;            /* NULL while parsing run */
    const cli_session_spec *spec; /* the session subcommand, or NULL */
    const char *pos[CLI_SESSION_MAX_POS]; /* session positional arguments, in order */
    size_t npos;
} cli_run_ctx;

typedef int (*cli_opt_fn)(cli_run_ctx *ctx, const char *opt, const char *value);

typedef struct cli_option {
    const char *name;
    bool takes_value;
    cli_opt_fn handle;
    unsigned where; /* CLI_FOR_* bits: the commands that accept it */
} cli_option;

/* Option sets: bit N is session subcommand N (bit 0: `session` before its
 * subcommand, where only the shared options apply), then run. */
#define CLI_FOR(cmd)     (1U << (cmd))
#define CLI_FOR_RUN      (1U << CLI_SESSION_COUNT)
#define CLI_FOR_SESSIONS (CLI_FOR_RUN - 1U)
#define CLI_FOR_LIMITS   (CLI_FOR(CLI_SESSION_CREATE) | CLI_FOR(CLI_SESSION_EXEC))

/* See args.h; returns status. */
int cli_vfail(char *err, size_t errlen, int status, const char *fmt, va_list ap) {
    util_verrf(err, errlen, fmt, ap);
    return status;
}

/* See args.h; returns status. */
int cli_fail(char *err, size_t errlen, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    cli_vfail(err, errlen, status, fmt, ap);
    va_end(ap);
    return status;
}

static int cli_qlen(const char *s) { return (int)strnlen(s, CLI_QUOTE_MAX); }
static const char *cli_qmore(const char *s) { return strlen(s) > CLI_QUOTE_MAX ? "..." : ""; }

/* A bad value: the lsb_parse_* reason, prefixed with the option. */
static int cli_fail_value(cli_run_ctx *ctx, const char *opt, const char *reason) {
    return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s: %s", opt, reason);
}

/* --lang LANG: kept as text until the code's source is known. */
static int cli_opt_lang(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt;
    ctx->lang = value;
    return CLI_EXIT_OK;
}

/* -c CODE: the program text; only once. */
static int cli_opt_code(cli_run_ctx *ctx, const char *opt, const char *value) {
    if (ctx->code_arg)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s given twice; pass the code once",
                        opt);
    ctx->code_arg = value;
    return CLI_EXIT_OK;
}

/* --json */
static int cli_opt_json(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->run->json = true;
    return CLI_EXIT_OK;
}

/* --raw: guest output goes to a terminal unescaped. */
static int cli_opt_raw(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->run->raw = true;
    return CLI_EXIT_OK;
}

/* --no-inject-setup: the original's inject_setup=False (lsb_policy.inject_setup). */
static int cli_opt_no_inject_setup(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->run->policy.inject_setup = false;
    return CLI_EXIT_OK;
}

/* -h, --help */
static int cli_opt_help(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->help = true;
    return CLI_EXIT_OK;
}

/* --fuel N: a positive whole number of instructions. */
static int cli_opt_fuel(cli_run_ctx *ctx, const char *opt, const char *value) {
    char why[CLI_ERR_MAX];
    lsb_policy d;
    lsb_policy_init(&d);
    if (lsb_parse_u64(value, false, &ctx->run->policy.fuel, why, sizeof why) != 0)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s: %s (expected a positive whole number of instructions, e.g. %llu)", opt,
                        why, (unsigned long long)d.fuel);
    return CLI_EXIT_OK;
}

/* A size above zero into *field (--memory, --stdout-max, --stderr-max). */
static int cli_parse_size(cli_run_ctx *ctx, const char *opt, const char *value, uint64_t *field) {
    char why[CLI_ERR_MAX];
    if (lsb_parse_size(value, false, field, why, sizeof why) != 0)
        return cli_fail_value(ctx, opt, why);
    return CLI_EXIT_OK;
}

/* --memory SIZE */
static int cli_opt_memory(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_parse_size(ctx, opt, value, &ctx->run->policy.memory_bytes);
}

/* --stdout-max BYTES */
static int cli_opt_stdout_max(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_parse_size(ctx, opt, value, &ctx->run->policy.stdout_max);
}

/* --stderr-max BYTES */
static int cli_opt_stderr_max(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_parse_size(ctx, opt, value, &ctx->run->policy.stderr_max);
}

/* --timeout SECONDS, down to the millisecond. */
static int cli_opt_timeout(cli_run_ctx *ctx, const char *opt, const char *value) {
    char why[CLI_ERR_MAX];
    if (lsb_parse_seconds(value, &ctx->run->policy.timeout_ms, why, sizeof why) != 0)
        return cli_fail_value(ctx, opt, why);
    return CLI_EXIT_OK;
}

/* Check that path names an existing folder; *dest = path. */
static int cli_opt_dir(cli_run_ctx *ctx, const char *opt, const char *value, const char **dest) {
    struct stat st;
    if (stat(value, &st) != 0)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s '%.*s%s': %s", opt,
                        cli_qlen(value), value, cli_qmore(value),
                        errno == ENOENT ? "no such directory" : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s '%.*s%s' is not a directory",
                        opt, cli_qlen(value), value, cli_qmore(value));
    *dest = value;
    return CLI_EXIT_OK;
}

/* --workspace DIR: an existing folder, mounted at /app. */
static int cli_opt_workspace(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->run->policy.workspace);
}

/* --data DIR: an existing folder, mounted at /data. */
static int cli_opt_data(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->run->policy.data_dir);
}

/* --external DIR: an existing folder, mounted at /external. */
static int cli_opt_external(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->run->policy.external_dir);
}

/* --assets DIR: an existing folder of snapshots and stdlib. */
static int cli_opt_assets(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->run->assets);
}

/* --env KEY=VALUE; ctx->run->env has room for every argument. */
static int cli_opt_env(cli_run_ctx *ctx, const char *opt, const char *value) {
    const char *eq = strchr(value, '=');
    if (!eq)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s '%.*s%s' has no '='; use %s KEY=VALUE", opt, cli_qlen(value), value,
                        cli_qmore(value), opt);
    if (eq == value)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s '%.*s%s' has an empty key; use %s KEY=VALUE", opt, cli_qlen(value),
                        value, cli_qmore(value), opt);
    ctx->run->env[ctx->run->policy.env_count++] = value;
    return CLI_EXIT_OK;
}

/* ---- options of the session subcommands ---- */

/* --sessions-root DIR: any non-empty path; the library creates it. */
static int cli_opt_sessions_root(cli_run_ctx *ctx, const char *opt, const char *value) {
    if (!*value)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s is empty; give the folder that holds the sessions", opt);
    ctx->sess->sessions_root = value;
    return CLI_EXIT_OK;
}

/* --wheel-dir DIR: an existing folder of .whl files. */
static int cli_opt_wheel_dir(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->sess->wheel_dir);
}

/* create --id ID: checked by the library when the session is created. */
static int cli_opt_id(cli_run_ctx *ctx, const char *opt, const char *value) {
    if (ctx->sess->new_id)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s given twice; give one id", opt);
    if (!*value)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s is empty; give a UUID, or with --custom-id 1-%d characters of "
                        "A-Z a-z 0-9 _ -",
                        opt, LSB_SESSION_ID_MAX);
    ctx->sess->new_id = value;
    return CLI_EXIT_OK;
}

/* create --custom-id */
static int cli_opt_custom_id(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->sess->custom_id = true;
    return CLI_EXIT_OK;
}

/* create --auto-persist */
static int cli_opt_auto_persist(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->sess->auto_persist = true;
    return CLI_EXIT_OK;
}

/* files --all */
static int cli_opt_all(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->sess->all = true;
    return CLI_EXIT_OK;
}

/* files --pattern GLOB */
static int cli_opt_pattern(cli_run_ctx *ctx, const char *opt, const char *value) {
    if (ctx->sess->pattern)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s given twice; give one pattern",
                        opt);
    if (!*value)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s is empty; give a pattern such as '*.csv' or 'data/**/*.json'", opt);
    ctx->sess->pattern = value;
    return CLI_EXIT_OK;
}

/* write --no-overwrite */
static int cli_opt_no_overwrite(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->sess->no_overwrite = true;
    return CLI_EXIT_OK;
}

/* rm -r, --recursive */
static int cli_opt_recursive(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->sess->recursive = true;
    return CLI_EXIT_OK;
}

/* prune --dry-run */
static int cli_opt_dry_run(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->sess->dry_run = true;
    return CLI_EXIT_OK;
}

/* create --quota-bytes SIZE, parsed like --memory. */
static int cli_opt_quota_bytes(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_parse_size(ctx, opt, value, &ctx->run->policy.quota_bytes);
}

/* create --quota-files N */
static int cli_opt_quota_files(cli_run_ctx *ctx, const char *opt, const char *value) {
    char why[CLI_ERR_MAX];
    lsb_policy d;
    lsb_policy_init(&d);
    if (lsb_parse_u64(value, false, &ctx->run->policy.quota_files, why, sizeof why) != 0)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s: %s (expected a positive whole number of files and folders, e.g. %llu)",
                        opt, why, (unsigned long long)d.quota_files);
    return CLI_EXIT_OK;
}

/* The number of seconds in one `unit` (s, m, h, d), or 0 if unknown. */
static uint64_t cli_duration_unit(char unit) {
    switch (unit) {
    case 's': return 1;
    case 'm': return CLI_SECONDS_PER_MIN;
    case 'h': return CLI_SECONDS_PER_HOUR;
    case 'd': return CLI_SECONDS_PER_DAY;
    default: return 0;
    }
}

/*
 * Parse a duration: a whole number with an optional unit s, m, h or d
 * ("30s", "15m", "2h", "7d"; a bare number is seconds; 0 is allowed).
 * Returns 0 and *out_s, or -1 with the reason in why.
 */
static int cli_parse_duration(const char *text, uint64_t *out_s, char *why, size_t whylen) {
    char digits[CLI_DURATION_MAX];
    size_t n = strlen(text);
    uint64_t scale = 1, v;
    if (n > 0 && isalpha((unsigned char)text[n - 1])) {
        if (!(scale = cli_duration_unit(text[n - 1])))
            return cli_fail(why, whylen, -1, "unknown unit '%c'", text[n - 1]);
        n--;
    }
    if (n == 0) return cli_fail(why, whylen, -1, "no number");
    if (n >= sizeof digits) return cli_fail(why, whylen, -1, "the number is too long");
    memcpy(digits, text, n);
    digits[n] = '\0';
    if (lsb_parse_u64(digits, true, &v, why, whylen) != 0) return -1;
    if (v > UINT64_MAX / scale) return cli_fail(why, whylen, -1, "too large");
    *out_s = v * scale;
    return 0;
}

/* prune --older-than DURATION */
static int cli_opt_older_than(cli_run_ctx *ctx, const char *opt, const char *value) {
    char why[CLI_ERR_MAX];
    if (cli_parse_duration(value, &ctx->sess->older_than_s, why, sizeof why) != 0)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s '%.*s%s': %s; use a whole number with a unit s, m, h or d, e.g. 30s, "
                        "15m, 2h, 7d",
                        opt, cli_qlen(value), value, cli_qmore(value), why);
    ctx->sess->older_than_set = true;
    return CLI_EXIT_OK;
}

/* Every option of every command, with the commands that accept it. */
static const cli_option cli_options[] = {
    {"--lang", true, cli_opt_lang, CLI_FOR_RUN | CLI_FOR(CLI_SESSION_CREATE)},
    {"-c", true, cli_opt_code, CLI_FOR_RUN | CLI_FOR(CLI_SESSION_EXEC)},
    {"--json", false, cli_opt_json, CLI_FOR_RUN | CLI_FOR_SESSIONS},
    {"--raw", false, cli_opt_raw, CLI_FOR_RUN | CLI_FOR(CLI_SESSION_EXEC)},
    {"--fuel", true, cli_opt_fuel, CLI_FOR_RUN | CLI_FOR_LIMITS},
    {"--memory", true, cli_opt_memory, CLI_FOR_RUN | CLI_FOR_LIMITS},
    {"--timeout", true, cli_opt_timeout, CLI_FOR_RUN | CLI_FOR_LIMITS},
    {"--stdout-max", true, cli_opt_stdout_max, CLI_FOR_RUN | CLI_FOR_LIMITS},
    {"--stderr-max", true, cli_opt_stderr_max, CLI_FOR_RUN | CLI_FOR_LIMITS},
    {"--workspace", true, cli_opt_workspace, CLI_FOR_RUN},
    {"--data", true, cli_opt_data, CLI_FOR_RUN},
    {"--external", true, cli_opt_external, CLI_FOR_RUN},
    {"--env", true, cli_opt_env, CLI_FOR_RUN | CLI_FOR(CLI_SESSION_EXEC)},
    {"--no-inject-setup", false, cli_opt_no_inject_setup, CLI_FOR_RUN | CLI_FOR(CLI_SESSION_EXEC)},
    {"--assets", true, cli_opt_assets, CLI_FOR_RUN | CLI_FOR_SESSIONS},
    {"--help", false, cli_opt_help, CLI_FOR_RUN | CLI_FOR_SESSIONS},
    {"-h", false, cli_opt_help, CLI_FOR_RUN | CLI_FOR_SESSIONS},
    {"--sessions-root", true, cli_opt_sessions_root, CLI_FOR_SESSIONS},
    {"--wheel-dir", true, cli_opt_wheel_dir, CLI_FOR_SESSIONS},
    {"--id", true, cli_opt_id, CLI_FOR(CLI_SESSION_CREATE)},
    {"--custom-id", false, cli_opt_custom_id, CLI_FOR(CLI_SESSION_CREATE)},
    {"--auto-persist", false, cli_opt_auto_persist, CLI_FOR(CLI_SESSION_CREATE)},
    {"--quota-bytes", true, cli_opt_quota_bytes, CLI_FOR(CLI_SESSION_CREATE)},
    {"--quota-files", true, cli_opt_quota_files, CLI_FOR(CLI_SESSION_CREATE)},
    {"--all", false, cli_opt_all, CLI_FOR(CLI_SESSION_FILES)},
    {"--pattern", true, cli_opt_pattern, CLI_FOR(CLI_SESSION_FILES)},
    {"--no-overwrite", false, cli_opt_no_overwrite, CLI_FOR(CLI_SESSION_WRITE)},
    {"-r", false, cli_opt_recursive, CLI_FOR(CLI_SESSION_RM)},
    {"--recursive", false, cli_opt_recursive, CLI_FOR(CLI_SESSION_RM)},
    {"--older-than", true, cli_opt_older_than, CLI_FOR(CLI_SESSION_PRUNE)},
    {"--dry-run", false, cli_opt_dry_run, CLI_FOR(CLI_SESSION_PRUNE)},
};

/* The option named by arg ("--fuel" or "--fuel=5") among those the command
 * of ctx accepts; *inline_value gets the text after '=' for long options.
 * NULL if unknown there. */
static const cli_option *cli_find_option(const cli_run_ctx *ctx, const char *arg,
                                         const char **inline_value) {
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    *inline_value = eq ? eq + 1 : NULL;
    for (size_t i = 0; i < sizeof cli_options / sizeof cli_options[0]; i++) {
        const cli_option *o = &cli_options[i];
        if ((o->where & ctx->allowed) && strlen(o->name) == len && strncmp(o->name, arg, len) == 0)
            return o;
    }
    return NULL;
}

/* Handle argv[*i], an option; advances *i past a separate value. */
static int cli_parse_option(cli_run_ctx *ctx, int argc, char *const argv[], int *i) {
    const char *arg = argv[*i], *value;
    const cli_option *o = cli_find_option(ctx, arg, &value);
    if (!o)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "unknown option '%.*s%s' for %s; see '" CLI_PROGRAM " %s --help'",
                        cli_qlen(arg), arg, cli_qmore(arg), ctx->where, ctx->where);
    if (!o->takes_value) {
        if (value)
            return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s takes no value", o->name);
        return o->handle(ctx, o->name, NULL);
    }
    if (!value) {
        if (*i + 1 >= argc)
            return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                            "%s needs a value; see '" CLI_PROGRAM " %s --help'", o->name,
                            ctx->where);
        value = argv[++*i];
    }
    return o->handle(ctx, o->name, value);
}

/* A session subcommand's next positional argument, up to its maximum. */
static int cli_session_positional(cli_run_ctx *ctx, const char *arg) {
    const cli_session_spec *spec = ctx->spec;
    if (ctx->npos >= spec->max_pos)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "too many arguments for %s: '%.*s%s'; usage: " CLI_PROGRAM " %s %s",
                        spec->where, cli_qlen(arg), arg, cli_qmore(arg), spec->where, spec->usage);
    ctx->pos[ctx->npos++] = arg;
    return CLI_EXIT_OK;
}

/* A FILE or "-"; only one is allowed. */
static int cli_parse_positional(cli_run_ctx *ctx, const char *arg) {
    if (ctx->sess) return cli_session_positional(ctx, arg);
    if (ctx->path)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "more than one code file ('%.*s%s' and '%.*s%s'); run takes one",
                        cli_qlen(ctx->path), ctx->path, cli_qmore(ctx->path), cli_qlen(arg), arg,
                        cli_qmore(arg));
    ctx->path = arg;
    return CLI_EXIT_OK;
}

/* Walk argv (after "run"): options anywhere, "--" ends them. */
static int cli_scan_run(cli_run_ctx *ctx, int argc, char *const argv[]) {
    bool options_done = false;
    for (int i = 0; i < argc && !ctx->help; i++) {
        const char *arg = argv[i];
        int st;
        if (!options_done && strcmp(arg, "--") == 0)
            options_done = true, st = CLI_EXIT_OK;
        else if (!options_done && arg[0] == '-' && arg[1] != '\0')
            st = cli_parse_option(ctx, argc, argv, &i);
        else
            st = cli_parse_positional(ctx, arg);
        if (st != CLI_EXIT_OK) return st;
    }
    return CLI_EXIT_OK;
}

/* True when path ends with ext (".py"). */
static bool cli_has_ext(const char *path, const char *ext) {
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcmp(path + n - e, ext) == 0;
}

/* --lang, else FILE's extension, else Python. */
static int cli_pick_language(cli_run_ctx *ctx) {
    cli_run *run = ctx->run;
    run->lang = LSB_LANG_PYTHON;
    if (ctx->lang) {
        if (lsb_language_parse(ctx->lang, &run->lang) != 0)
            return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                            "--lang: unknown language '%.*s%s'; valid: python (or py, python3), "
                            "javascript (or js)",
                            cli_qlen(ctx->lang), ctx->lang, cli_qmore(ctx->lang));
        return CLI_EXIT_OK;
    }
    if (ctx->path && (cli_has_ext(ctx->path, ".js") || cli_has_ext(ctx->path, ".mjs") ||
                      cli_has_ext(ctx->path, ".cjs")))
        run->lang = LSB_LANG_JAVASCRIPT;
    return CLI_EXIT_OK;
}

/*
 * Read f to EOF into a malloc'd, NUL-terminated buffer, but never more than
 * the code limit of lsb_limits + 1 bytes. Returns CLI_EXIT_OK, CLI_EXIT_USAGE (too
 * large) or CLI_EXIT_NOINPUT (read error), with a message naming `source`.
 */
static int cli_read_bounded(FILE *f, const char *source, char **out, size_t *len, char *err,
                            size_t errlen) {
    lsb_limits lim;
    lsb_limits_get(&lim);
    const size_t limit = (size_t)lim.max_code_bytes + 1;
    size_t cap = CLI_READ_CHUNK, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap == limit) break;
        size_t next = cap * 2 < limit ? cap * 2 : limit;
        char *p = realloc(buf, next + 1);
        if (!p) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = p, cap = next;
    }
    if (!buf) return cli_fail(err, errlen, CLI_EXIT_SOFTWARE, "out of memory reading %s", source);
    if (ferror(f)) {
        int e = errno;
        free(buf);
        return cli_fail(err, errlen, CLI_EXIT_NOINPUT, "cannot read %s: %s", source, strerror(e));
    }
    if (n > lim.max_code_bytes) {
        free(buf);
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "%s exceeds the limit of %llu bytes (%llu MiB) of code per run", source,
                        (unsigned long long)lim.max_code_bytes,
                        (unsigned long long)(lim.max_code_bytes / CLI_MIB));
    }
    buf[n] = '\0';
    *out = buf, *len = n;
    return CLI_EXIT_OK;
}

int cli_read_file(const char *path, const char *source, char **out, size_t *len, char *err,
                  size_t errlen) {
    struct stat st;
    FILE *f = fopen(path, "rbe");
    if (!f)
        return cli_fail(err, errlen, CLI_EXIT_NOINPUT, "cannot read %s: %s", source,
                        strerror(errno));
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return cli_fail(err, errlen, CLI_EXIT_NOINPUT, "cannot read %s: it is a directory", source);
    }
    int status = cli_read_bounded(f, source, out, len, err, errlen);
    fclose(f);
    return status;
}

/* True when the text holds nothing but ASCII whitespace. */
static bool cli_is_blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\n\r\f\v", s[i])) return false;
    return true;
}

/* The rules every piece of code must pass; see args.h. */
static int cli_check_code(const char *code, size_t len, const char *source, char *err,
                          size_t errlen) {
    const char *nul = memchr(code, '\0', len);
    size_t bad;
    if (nul)
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "%s contains a NUL byte at byte offset %zu; the code must be text", source,
                        (size_t)(nul - code));
    if (!lsb_utf8_valid(code, len, &bad))
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "%s is not valid UTF-8 (first bad byte at offset %zu); save it as UTF-8",
                        source, bad);
    if (len == 0)
        return cli_fail(err, errlen, CLI_EXIT_USAGE, "%s is empty; there is nothing to run",
                        source);
    if (cli_is_blank(code, len))
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "%s is empty (only whitespace); there is nothing to run", source);
    return CLI_EXIT_OK;
}

/* Fetch the code from -c, FILE or stdin, and check it. */
static int cli_load_code(cli_run_ctx *ctx, FILE *in) {
    cli_run *run = ctx->run;
    char source[CLI_SOURCE_MAX];
    int st;
    if (!ctx->code_arg && !ctx->path)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "no code given; use -c CODE, a FILE, or - to read standard input");
    if (ctx->code_arg && ctx->path)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "both -c and a code file '%.*s%s' given; use one", cli_qlen(ctx->path),
                        ctx->path, cli_qmore(ctx->path));
    if (ctx->code_arg) {
        snprintf(source, sizeof source, "the code given with -c");
        run->code_len = strlen(ctx->code_arg);
        run->code = strdup(ctx->code_arg);
        st = run->code ? CLI_EXIT_OK
                       : cli_fail(ctx->err, ctx->errlen, CLI_EXIT_SOFTWARE, "out of memory");
    } else if (strcmp(ctx->path, "-") == 0) {
        snprintf(source, sizeof source, "the code read from standard input");
        run->filename = "<stdin>";
        st = cli_read_bounded(in, source, &run->code, &run->code_len, ctx->err, ctx->errlen);
    } else {
        snprintf(source, sizeof source, "code file '%.*s%s'", cli_qlen(ctx->path), ctx->path,
                 cli_qmore(ctx->path));
        const char *slash = strrchr(ctx->path, '/');
        run->filename = slash && slash[1] ? slash + 1 : ctx->path; /* no host paths in the guest */
        st = cli_read_file(ctx->path, source, &run->code, &run->code_len, ctx->err, ctx->errlen);
    }
    if (st != CLI_EXIT_OK) return st;
    return cli_check_code(run->code, run->code_len, source, ctx->err, ctx->errlen);
}

/* Parse the arguments of `run` (argv[0] is the first one after "run"). */
static int cli_parse_run(int argc, char *const argv[], FILE *in, cli_args *out, char *err,
                         size_t errlen) {
    cli_run_ctx ctx = {
        .run = &out->run, .err = err, .errlen = errlen, .where = "run", .allowed = CLI_FOR_RUN};
    char why[CLI_ERR_MAX];
    out->action = CLI_ACTION_RUN;
    lsb_policy_init(&out->run.policy);
    out->run.env = calloc((size_t)argc + 1, sizeof *out->run.env);
    if (!out->run.env) return cli_fail(err, errlen, CLI_EXIT_SOFTWARE, "out of memory");
    out->run.policy.env = out->run.env;
    int st = cli_scan_run(&ctx, argc, argv);
    if (st != CLI_EXIT_OK) return st;
    if (ctx.help) {
        out->action = CLI_ACTION_RUN_HELP;
        return CLI_EXIT_OK;
    }
    if ((st = cli_pick_language(&ctx)) != CLI_EXIT_OK ||
        (st = cli_load_code(&ctx, in)) != CLI_EXIT_OK)
        return st;
    if (lsb_policy_validate(&out->run.policy, why, sizeof why) != 0)
        return cli_fail(err, errlen, CLI_EXIT_USAGE, "invalid limit: %s", why);
    return CLI_EXIT_OK;
}

void cli_policy_overlay(lsb_policy *dst, const lsb_policy *over) {
    if (over->fuel) dst->fuel = over->fuel;
    if (over->memory_bytes) dst->memory_bytes = over->memory_bytes;
    if (over->timeout_ms) dst->timeout_ms = over->timeout_ms;
    if (over->stdout_max) dst->stdout_max = over->stdout_max;
    if (over->stderr_max) dst->stderr_max = over->stderr_max;
    if (over->quota_bytes) dst->quota_bytes = over->quota_bytes;
    if (over->quota_files) dst->quota_files = over->quota_files;
}

const char *cli_session_cmd_name(cli_session_cmd cmd) {
    return cmd < CLI_SESSION_COUNT ? cli_session_specs[cmd].name : "session";
}

/* Options before the subcommand (`session --sessions-root DIR list`); *i
 * stops at the first argument that is not one. */
static int cli_session_leading(cli_run_ctx *ctx, int argc, char *const argv[], int *i) {
    for (; *i < argc && !ctx->help; ++*i) {
        const char *arg = argv[*i];
        if (arg[0] != '-' || arg[1] == '\0' || strcmp(arg, "--") == 0) break;
        int st = cli_parse_option(ctx, argc, argv, i);
        if (st != CLI_EXIT_OK) return st;
    }
    return CLI_EXIT_OK;
}

/* Select the subcommand named by word; "help" stands for --help. */
static int cli_session_pick(cli_run_ctx *ctx, const char *word) {
    if (strcmp(word, "help") == 0) {
        ctx->help = true;
        return CLI_EXIT_OK;
    }
    for (int c = CLI_SESSION_NONE + 1; c < CLI_SESSION_COUNT; c++) {
        if (strcmp(word, cli_session_specs[c].name) != 0) continue;
        ctx->sess->cmd = (cli_session_cmd)c;
        ctx->spec = &cli_session_specs[c];
        ctx->where = ctx->spec->where;
        ctx->allowed = CLI_FOR(c);
        return CLI_EXIT_OK;
    }
    return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                    "unknown session subcommand '%.*s%s'; valid: create, exec, info, files, read, "
                    "write, rm, reset, destroy, list, prune, install (see '" CLI_PROGRAM
                    " session --help')",
                    cli_qlen(word), word, cli_qmore(word));
}

/* What a missing positional of this role is called in messages. */
static const char *cli_pos_name(cli_pos_role role) {
    switch (role) {
    case CLI_POS_ID: return "the session ID";
    case CLI_POS_PATH: return "PATH (a path inside /app)";
    case CLI_POS_PACKAGE: return "PACKAGE (a .whl file or a project name)";
    default: return "FILE";
    }
}

/* Store the positional arguments where their roles say; each must be
 * non-empty. */
static int cli_session_assign(cli_run_ctx *ctx) {
    const cli_session_spec *spec = ctx->spec;
    cli_session *s = ctx->sess;
    if (ctx->npos < spec->min_pos)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s: missing %s; usage: " CLI_PROGRAM " %s %s", spec->where,
                        cli_pos_name(spec->roles[ctx->npos]), spec->where, spec->usage);
    for (size_t i = 0; i < ctx->npos; i++) {
        const char *arg = ctx->pos[i];
        if (!*arg)
            return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s: %s is empty", spec->where,
                            cli_pos_name(spec->roles[i]));
        switch (spec->roles[i]) {
        case CLI_POS_ID: s->id = arg; break;
        case CLI_POS_PATH: s->path = arg; break;
        case CLI_POS_CODE: ctx->path = arg; break;
        case CLI_POS_SOURCE: s->source = arg; break;
        case CLI_POS_PACKAGE: s->package = arg; break;
        }
    }
    return CLI_EXIT_OK;
}

/* create: the language, and the limits to store (defaults filled in). */
static int cli_session_check_create(cli_run_ctx *ctx) {
    cli_session *s = ctx->sess;
    char why[CLI_ERR_MAX];
    lsb_policy policy;
    if (s->custom_id && !s->new_id)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "--custom-id needs --id ID; without --id the session gets a new UUID");
    int st = cli_pick_language(ctx);
    if (st != CLI_EXIT_OK) return st;
    lsb_policy_init(&policy);
    cli_policy_overlay(&policy, &s->run.policy);
    s->run.policy = policy;
    if (lsb_policy_validate(&s->run.policy, why, sizeof why) != 0)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "invalid limit: %s", why);
    return CLI_EXIT_OK;
}

/* exec: the code, and limits that stay valid when laid over the defaults
 * (the session's own limits are checked again when it runs). */
static int cli_session_check_exec(cli_run_ctx *ctx, FILE *in) {
    char why[CLI_ERR_MAX];
    lsb_policy policy;
    int st = cli_load_code(ctx, in);
    if (st != CLI_EXIT_OK) return st;
    lsb_policy_init(&policy);
    cli_policy_overlay(&policy, &ctx->run->policy);
    if (lsb_policy_validate(&policy, why, sizeof why) != 0)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "invalid limit: %s", why);
    return CLI_EXIT_OK;
}

/* The checks after scanning: arguments, then what each subcommand needs. */
static int cli_session_finish(cli_run_ctx *ctx, FILE *in) {
    int st = cli_session_assign(ctx);
    if (st != CLI_EXIT_OK) return st;
    switch (ctx->sess->cmd) {
    case CLI_SESSION_CREATE: return cli_session_check_create(ctx);
    case CLI_SESSION_EXEC: return cli_session_check_exec(ctx, in);
    case CLI_SESSION_PRUNE:
        if (!ctx->sess->older_than_set)
            return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                            "session prune needs --older-than DURATION (e.g. 7d): it removes the "
                            "sessions not used for that long");
        return CLI_EXIT_OK;
    default: return CLI_EXIT_OK;
    }
}

/* Parse the arguments of `session` (argv[0] is the first one after it):
 * shared options, the subcommand, then its arguments and options. */
static int cli_parse_session(int argc, char *const argv[], FILE *in, cli_args *out, char *err,
                             size_t errlen) {
    cli_session *s = &out->session;
    cli_run_ctx ctx = {.run = &s->run,
                       .err = err,
                       .errlen = errlen,
                       .where = "session",
                       .allowed = CLI_FOR(CLI_SESSION_NONE),
                       .sess = s};
    int i = 0, st;
    out->action = CLI_ACTION_SESSION;
    s->run.env = calloc((size_t)argc + 1, sizeof *s->run.env);
    if (!s->run.env) return cli_fail(err, errlen, CLI_EXIT_SOFTWARE, "out of memory");
    s->run.policy.env = s->run.env;    /* every limit stays 0 ("not given") until checked */
    s->run.policy.inject_setup = true; /* exec --no-inject-setup turns it off */
    if ((st = cli_session_leading(&ctx, argc, argv, &i)) != CLI_EXIT_OK) return st;
    if (!ctx.help && i >= argc)
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "session needs a subcommand: create, exec, info, files, read, write, rm, "
                        "reset, destroy, list, prune or install; see '" CLI_PROGRAM
                        " session --help'");
    if (!ctx.help && (st = cli_session_pick(&ctx, argv[i])) != CLI_EXIT_OK) return st;
    if (!ctx.help && ctx.spec &&
        (st = cli_scan_run(&ctx, argc - i - 1, argv + i + 1)) != CLI_EXIT_OK)
        return st;
    s->help = ctx.help;
    if (s->help) return CLI_EXIT_OK;
    return cli_session_finish(&ctx, in);
}

/* `internal-snapshot GUEST ASSETS OUT PRELUDE` (argv[0] is GUEST). */
static int cli_parse_snapshot(int argc, char *const argv[], cli_args *out, char *err,
                              size_t errlen) {
    out->action = CLI_ACTION_SNAPSHOT;
    if (argc != 4)
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "internal-snapshot needs GUEST ASSETS OUT PRELUDE (4 arguments, got %d)",
                        argc);
    if (strcmp(argv[0], "quickjs") == 0)
        out->snapshot.lang = LSB_LANG_JAVASCRIPT;
    else if (lsb_language_parse(argv[0], &out->snapshot.lang) != 0)
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "internal-snapshot: unknown guest '%.*s%s'; valid: python, quickjs",
                        cli_qlen(argv[0]), argv[0], cli_qmore(argv[0]));
    out->snapshot.assets = argv[1];
    out->snapshot.out = argv[2];
    out->snapshot.prelude = argv[3];
    return CLI_EXIT_OK;
}

int cli_parse(int argc, char *const argv[], FILE *in, cli_args *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (argc < 2)
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "no command given; try '" CLI_PROGRAM " run -c CODE' or '" CLI_PROGRAM
                        " --help'");
    const char *cmd = argv[1];
    int st = CLI_EXIT_OK;
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        out->action = CLI_ACTION_HELP;
    else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
        out->action = CLI_ACTION_VERSION;
    else if (strcmp(cmd, "run") == 0)
        st = cli_parse_run(argc - 2, argv + 2, in, out, err, errlen);
    else if (strcmp(cmd, "session") == 0)
        st = cli_parse_session(argc - 2, argv + 2, in, out, err, errlen);
    else if (strcmp(cmd, "internal-snapshot") == 0)
        st = cli_parse_snapshot(argc - 2, argv + 2, out, err, errlen);
    else if (cmd[0] == '-')
        st = cli_fail(err, errlen, CLI_EXIT_USAGE,
                      "unknown option '%.*s%s'; see '" CLI_PROGRAM " --help'", cli_qlen(cmd), cmd,
                      cli_qmore(cmd));
    else
        st = cli_fail(err, errlen, CLI_EXIT_USAGE,
                      "unknown command '%.*s%s'; this build has: run, session (see '" CLI_PROGRAM
                      " --help')",
                      cli_qlen(cmd), cmd, cli_qmore(cmd));
    if (st != CLI_EXIT_OK) cli_args_free(out);
    return st;
}

void cli_args_free(cli_args *args) {
    if (!args) return;
    free(args->run.code);
    free(args->run.env);
    free(args->session.run.code);
    free(args->session.run.env);
    memset(args, 0, sizeof *args);
}

void cli_print_version(FILE *out) { fprintf(out, CLI_PROGRAM " " CLI_VERSION "\n"); }

/* The first part of run's help: what it does and where the code comes from. */
static void cli_print_run_usage(FILE *out, const lsb_limits *lim) {
    fprintf(out,
            "Usage: " CLI_PROGRAM " run [OPTIONS] (-c CODE | FILE | -)\n"
            "\n"
            "Runs the code once in a fresh, sealed sandbox: the interpreter is WebAssembly\n"
            "compiled to native code, restored from a snapshot; the code cannot reach the\n"
            "network, other processes, or host files outside the mounts below.\n"
            "\n"
            "Code (exactly one):\n"
            "  -c CODE             the program text\n"
            "  FILE                read the program from FILE (tracebacks show its base name)\n"
            "  -                   read the program from standard input\n"
            "  The code must be non-empty UTF-8 text without NUL bytes, at most %llu MiB.\n"
            "\n",
            (unsigned long long)(lim->max_code_bytes / CLI_MIB));
}

/* The options of run, with the defaults d and bounds lim. */
static void cli_print_run_options(FILE *out, const lsb_policy *d, const lsb_limits *lim) {
    fprintf(out,
            "Options (each may also be written --option=VALUE):\n"
            "  --lang LANG         python (or py, python3) or javascript (or js); default:\n"
            "                      from FILE's extension (.py; .js, .mjs, .cjs), else python\n"
            "  --json              print the result as one JSON object on stdout\n"
            "  --raw               pass the guest's control characters to a terminal as they\n"
            "                      are (by default a terminal shows them escaped: \\x1b)\n"
            "  --fuel N            instruction budget (default %llu)\n"
            "  --memory SIZE       memory cap (default %llu MiB; %llu MiB to %llu MiB)\n"
            "  --timeout SECONDS   wall-clock limit, e.g. 30 or 2.5 (default %u; max %u)\n"
            "  --stdout-max BYTES  stdout kept, the rest is dropped (default %llu)\n"
            "  --stderr-max BYTES  stderr kept, the rest is dropped (default %llu)\n"
            "  --workspace DIR     host folder mounted read-write at /app (default: a fresh,\n"
            "                      empty folder)\n"
            "  --data DIR          host folder mounted read-only at /data (default: empty)\n"
            "  --external DIR      host folder mounted read-only at /external (default: empty)\n"
            "  --env KEY=VALUE     add a variable to the guest environment; repeatable, at\n"
            "                      most %llu bytes in total\n"
            "  --assets DIR        folder of the guest snapshots and stdlib (default: next to\n"
            "                      the executable)\n"
            "  --no-inject-setup   Python: run without /data/site-packages on sys.path (the\n"
            "                      original's inject_setup=False), so vendored packages need\n"
            "                      sys.path.insert(0, '/data/site-packages'); JavaScript: no\n"
            "                      effect\n"
            "  -h, --help          show this help\n"
            "  SIZE and BYTES are a number with an optional unit: B; k, K or KiB (1024);\n"
            "  KB (1000); M or MiB; MB; G or GiB; GB. Examples: 64MiB, 128000000, 1GB, 512k.\n"
            "\n",
            (unsigned long long)d->fuel, (unsigned long long)(d->memory_bytes / CLI_MIB),
            (unsigned long long)(lim->min_memory / CLI_MIB),
            (unsigned long long)(lim->max_memory / CLI_MIB), d->timeout_ms / CLI_MS_PER_S,
            lim->max_timeout_ms / CLI_MS_PER_S, (unsigned long long)d->stdout_max,
            (unsigned long long)d->stderr_max, (unsigned long long)lim->max_env_bytes);
    fprintf(out,
            "Inside the sandbox:\n"
            "  /app            read-write: the workspace and working directory (quota %llu MiB\n"
            "                  and %llu files)\n"
            "  /data           read-only: --data, or vendored packages when installed\n"
            "  /external       read-only: --external, files provided by the operator\n"
            "  /usr/local/lib  read-only: the Python standard library\n"
            "  There is no network and no subprocess. The environment holds only the --env\n"
            "  variables plus:",
            (unsigned long long)(d->quota_bytes / CLI_MIB), (unsigned long long)d->quota_files);
    size_t column = sizeof "  variables plus:" - 1;
    for (const char *const *e = lim->base_env; *e != NULL; e++) {
        if (column + 1 + strlen(*e) > CLI_HELP_WIDTH) {
            fprintf(out, "\n ");
            column = 1;
        }
        column += (size_t)fprintf(out, " %s", *e);
    }
    fprintf(out, "\n\n");
}

/* The end of run's help: output and exit statuses. */
static void cli_print_run_statuses(FILE *out, const lsb_policy *d) {
    fprintf(out,
            "Output:\n"
            "  Without --json, the guest's stdout and stderr go to ours as they are written,\n"
            "  and a run stopped by a limit adds a one-line reason on stderr, e.g.\n"
            "    " CLI_PROGRAM ": out of fuel after %llu instructions (raise --fuel)\n"
            "  With --json, stdout holds one JSON object and a newline: success, exit_code,\n"
            "  stdout, stderr, *_truncated, fuel_*, duration_ms, memory_*, trap_reason,\n"
            "  files_created, files_modified (paths relative to /app), workspace_path,\n"
            "  session_id, runtime, error {type, message, guidance, docs}, error_guidance\n"
            "  {error_type, actionable_guidance, related_docs, code_examples},\n"
            "  fuel_analysis {..., likely_causes}, metadata (the original's keys). The exit\n"
            "  status is the same as without --json.\n"
            "  Usage errors (64, 66) and sandbox failures (70) print one line on stderr, and\n"
            "  no JSON, in both modes.\n"
            "\n"
            "Exit status:\n"
            "  0-119  the guest's own exit status (0: success, 1: uncaught exception); a\n"
            "         guest status outside 0-119 becomes 1 (--json has the real one)\n"
            "  64     usage error: bad option or value; missing, empty, oversized, non-UTF-8\n"
            "         or NUL-containing code\n"
            "  66     the code FILE cannot be read\n"
            "  70     the sandbox itself failed (assets missing, fork or mmap failed)\n"
            "  120    the sandboxed process was killed by a signal\n"
            "  121    another WebAssembly trap\n"
            "  122    stack overflow (recursion too deep)\n"
            "  123    memory limit exceeded (--memory)\n"
            "  124    wall-clock limit exceeded (--timeout)\n"
            "  125    fuel exhausted (--fuel)\n"
            "  A guest can exit with 64, 66 or 70 too; --json tells the cases apart.\n",
            (unsigned long long)d->fuel);
}

void cli_print_run_help(FILE *out) {
    lsb_policy d;
    lsb_limits lim;
    lsb_policy_init(&d);
    lsb_limits_get(&lim);
    cli_print_run_usage(out, &lim);
    cli_print_run_options(out, &d, &lim);
    cli_print_run_statuses(out, &d);
}

void cli_print_help(FILE *out) {
    fprintf(out, CLI_PROGRAM " " CLI_VERSION
                             " - run untrusted Python or JavaScript in a WebAssembly sandbox\n"
                             "\n"
                             "Usage:\n"
                             "  " CLI_PROGRAM " run [OPTIONS] (-c CODE | FILE | -)\n"
                             "  " CLI_PROGRAM " run --help\n"
                             "  " CLI_PROGRAM " session SUBCOMMAND [ARGS] [OPTIONS]\n"
                             "  " CLI_PROGRAM " session --help\n"
                             "  " CLI_PROGRAM " mcp [--http HOST:PORT] [OPTIONS]\n"
                             "  " CLI_PROGRAM " mcp --help\n"
                             "  " CLI_PROGRAM " --help | --version\n"
                             "\n"
                             "Commands:\n"
                             "  run       run code once in a fresh sandbox and print its output\n"
                             "  session   keep a workspace and interpreter state across runs:\n"
                             "            create, exec, info, files, read, write, rm, reset,\n"
                             "            destroy, list, prune, install\n"
                             "  mcp       serve the sandbox to MCP clients over stdio or HTTP\n"
                             "            (also installed as llm-wasm-mcp)\n"
                             "\n");
    cli_print_run_help(out);
}
