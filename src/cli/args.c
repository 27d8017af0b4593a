/*
 * args.c - parsing the `llm-sandbox` command line and reading the code to
 * run; the help texts.
 *
 * Invariants: every rejection is a value (an exit status and a one-line
 * message naming the option, the bad input and what is allowed), never an
 * exit() from here; input is read with a bound of LSB_MAX_CODE_BYTES + 1;
 * on failure nothing stays allocated.
 */
#include "cli/args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/exitcodes.h"
#include "sandbox/defaults.h"
#include "sandbox/json.h"
#include "sandbox/policy.h"

#define CLI_READ_CHUNK (64U * 1024U) /* first buffer, doubled as input grows */
#define CLI_QUOTE_MAX  60            /* characters of bad input echoed in messages */
#define CLI_SOURCE_MAX 96            /* "the code from 'path'" */
#define CLI_MS_PER_S   1000U

/* State while parsing `run`: where the code comes from, and the outcome. */
typedef struct cli_run_ctx {
    cli_run *run;
    const char *code_arg; /* -c CODE */
    const char *path;     /* FILE, or "-" for stdin */
    const char *lang;     /* --lang, or NULL */
    bool help;
    char *err;
    size_t errlen;
} cli_run_ctx;

typedef int (*cli_opt_fn)(cli_run_ctx *ctx, const char *opt, const char *value);

typedef struct cli_option {
    const char *name;
    bool takes_value;
    cli_opt_fn handle;
} cli_option;

/* Write a message to err and return status (for tail calls). */
static int cli_fail(char *err, size_t errlen, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cli_fail(char *err, size_t errlen, int status, const char *fmt, ...) {
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return status;
}

static int cli_qlen(const char *s) { return (int)strnlen(s, CLI_QUOTE_MAX); }
static const char *cli_qmore(const char *s) { return strlen(s) > CLI_QUOTE_MAX ? "..." : ""; }

/* A bad value: the policy_parse_* reason, prefixed with the option. */
static int cli_fail_value(cli_run_ctx *ctx, const char *opt, const char *reason) {
    return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s: %s", opt, reason);
}

static int cli_opt_lang(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt;
    ctx->lang = value;
    return CLI_EXIT_OK;
}

static int cli_opt_code(cli_run_ctx *ctx, const char *opt, const char *value) {
    if (ctx->code_arg)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s given twice; pass the code once",
                        opt);
    ctx->code_arg = value;
    return CLI_EXIT_OK;
}

static int cli_opt_json(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->run->json = true;
    return CLI_EXIT_OK;
}

static int cli_opt_help(cli_run_ctx *ctx, const char *opt, const char *value) {
    (void)opt, (void)value;
    ctx->help = true;
    return CLI_EXIT_OK;
}

static int cli_opt_fuel(cli_run_ctx *ctx, const char *opt, const char *value) {
    char why[CLI_ERR_MAX];
    if (policy_parse_u64(value, false, &ctx->run->policy.fuel, why, sizeof why) != 0)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "%s: %s (expected a positive whole number of instructions, e.g. %llu)", opt,
                        why, (unsigned long long)LSB_DEFAULT_FUEL);
    return CLI_EXIT_OK;
}

/* A size above zero into *field (--memory, --stdout-max, --stderr-max). */
static int cli_parse_size(cli_run_ctx *ctx, const char *opt, const char *value, uint64_t *field) {
    char why[CLI_ERR_MAX];
    if (policy_parse_size(value, false, field, why, sizeof why) != 0)
        return cli_fail_value(ctx, opt, why);
    return CLI_EXIT_OK;
}

static int cli_opt_memory(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_parse_size(ctx, opt, value, &ctx->run->policy.memory_bytes);
}

static int cli_opt_stdout_max(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_parse_size(ctx, opt, value, &ctx->run->policy.stdout_max);
}

static int cli_opt_stderr_max(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_parse_size(ctx, opt, value, &ctx->run->policy.stderr_max);
}

static int cli_opt_timeout(cli_run_ctx *ctx, const char *opt, const char *value) {
    char why[CLI_ERR_MAX];
    if (policy_parse_seconds(value, &ctx->run->policy.timeout_ms, why, sizeof why) != 0)
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

static int cli_opt_workspace(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->run->policy.workspace);
}

static int cli_opt_data(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->run->policy.data_dir);
}

static int cli_opt_external(cli_run_ctx *ctx, const char *opt, const char *value) {
    return cli_opt_dir(ctx, opt, value, &ctx->run->policy.external_dir);
}

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

static const cli_option cli_run_options[] = {
    {"--lang", true, cli_opt_lang},
    {"-c", true, cli_opt_code},
    {"--json", false, cli_opt_json},
    {"--fuel", true, cli_opt_fuel},
    {"--memory", true, cli_opt_memory},
    {"--timeout", true, cli_opt_timeout},
    {"--stdout-max", true, cli_opt_stdout_max},
    {"--stderr-max", true, cli_opt_stderr_max},
    {"--workspace", true, cli_opt_workspace},
    {"--data", true, cli_opt_data},
    {"--external", true, cli_opt_external},
    {"--env", true, cli_opt_env},
    {"--assets", true, cli_opt_assets},
    {"--help", false, cli_opt_help},
    {"-h", false, cli_opt_help},
};

/* The option named by arg ("--fuel" or "--fuel=5"); *inline_value gets the
 * text after '=' for long options. NULL if unknown. */
static const cli_option *cli_find_option(const char *arg, const char **inline_value) {
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    *inline_value = eq ? eq + 1 : NULL;
    for (size_t i = 0; i < sizeof cli_run_options / sizeof cli_run_options[0]; i++) {
        const cli_option *o = &cli_run_options[i];
        if (strlen(o->name) == len && strncmp(o->name, arg, len) == 0) return o;
    }
    return NULL;
}

/* Handle argv[*i], an option; advances *i past a separate value. */
static int cli_parse_option(cli_run_ctx *ctx, int argc, char *const argv[], int *i) {
    const char *arg = argv[*i], *value;
    const cli_option *o = cli_find_option(arg, &value);
    if (!o)
        return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                        "unknown option '%.*s%s' for run; see '" CLI_PROGRAM " run --help'",
                        cli_qlen(arg), arg, cli_qmore(arg));
    if (!o->takes_value) {
        if (value)
            return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE, "%s takes no value", o->name);
        return o->handle(ctx, o->name, NULL);
    }
    if (!value) {
        if (*i + 1 >= argc)
            return cli_fail(ctx->err, ctx->errlen, CLI_EXIT_USAGE,
                            "%s needs a value; see '" CLI_PROGRAM " run --help'", o->name);
        value = argv[++*i];
    }
    return o->handle(ctx, o->name, value);
}

/* A FILE or "-"; only one is allowed. */
static int cli_parse_positional(cli_run_ctx *ctx, const char *arg) {
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
 * LSB_MAX_CODE_BYTES + 1 bytes. Returns CLI_EXIT_OK, CLI_EXIT_USAGE (too
 * large) or CLI_EXIT_NOINPUT (read error), with a message naming `source`.
 */
static int cli_read_bounded(FILE *f, const char *source, char **out, size_t *len, char *err,
                            size_t errlen) {
    const size_t limit = (size_t)LSB_MAX_CODE_BYTES + 1;
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
    if (n > LSB_MAX_CODE_BYTES) {
        free(buf);
        return cli_fail(err, errlen, CLI_EXIT_USAGE,
                        "%s exceeds the limit of %llu bytes (%llu MiB) of code per run", source,
                        (unsigned long long)LSB_MAX_CODE_BYTES,
                        (unsigned long long)(LSB_MAX_CODE_BYTES / LSB_MIB));
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
    if (!json_utf8_valid(code, len, &bad))
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
    cli_run_ctx ctx = {.run = &out->run, .err = err, .errlen = errlen};
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
    if (policy_validate(&out->run.policy, why, sizeof why) != 0)
        return cli_fail(err, errlen, CLI_EXIT_USAGE, "invalid limit: %s", why);
    return CLI_EXIT_OK;
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
    else if (strcmp(cmd, "internal-snapshot") == 0)
        st = cli_parse_snapshot(argc - 2, argv + 2, out, err, errlen);
    else if (cmd[0] == '-')
        st = cli_fail(err, errlen, CLI_EXIT_USAGE,
                      "unknown option '%.*s%s'; see '" CLI_PROGRAM " --help'", cli_qlen(cmd), cmd,
                      cli_qmore(cmd));
    else
        st =
            cli_fail(err, errlen, CLI_EXIT_USAGE,
                     "unknown command '%.*s%s'; this build has: run (see '" CLI_PROGRAM " --help')",
                     cli_qlen(cmd), cmd, cli_qmore(cmd));
    if (st != CLI_EXIT_OK) cli_args_free(out);
    return st;
}

void cli_args_free(cli_args *args) {
    if (!args) return;
    free(args->run.code);
    free(args->run.env);
    memset(args, 0, sizeof *args);
}

void cli_print_version(FILE *out) { fprintf(out, CLI_PROGRAM " " CLI_VERSION "\n"); }

/* The options of run, its limits, mounts, output and exit statuses. */
void cli_print_run_help(FILE *out) {
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
            (unsigned long long)(LSB_MAX_CODE_BYTES / LSB_MIB));
    fprintf(out,
            "Options (each may also be written --option=VALUE):\n"
            "  --lang LANG         python (or py, python3) or javascript (or js); default:\n"
            "                      from FILE's extension (.py; .js, .mjs, .cjs), else python\n"
            "  --json              print the result as one JSON object on stdout\n"
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
            "  -h, --help          show this help\n"
            "  SIZE and BYTES are a number with an optional unit: B; k, K or KiB (1024);\n"
            "  KB (1000); M or MiB; MB; G or GiB; GB. Examples: 64MiB, 128000000, 1GB, 512k.\n"
            "\n",
            (unsigned long long)LSB_DEFAULT_FUEL,
            (unsigned long long)(LSB_DEFAULT_MEMORY / LSB_MIB),
            (unsigned long long)(LSB_MIN_MEMORY / LSB_MIB),
            (unsigned long long)(LSB_MAX_MEMORY / LSB_MIB), LSB_DEFAULT_TIMEOUT_MS / CLI_MS_PER_S,
            LSB_MAX_TIMEOUT_MS / CLI_MS_PER_S, (unsigned long long)LSB_DEFAULT_STDOUT_MAX,
            (unsigned long long)LSB_DEFAULT_STDERR_MAX, (unsigned long long)LSB_MAX_ENV_BYTES);
    fprintf(out,
            "Inside the sandbox:\n"
            "  /app            read-write: the workspace and working directory (quota %llu MiB\n"
            "                  and %llu files)\n"
            "  /data           read-only: --data, or vendored packages when installed\n"
            "  /external       read-only: --external, files provided by the operator\n"
            "  /usr/local/lib  read-only: the Python standard library\n"
            "  There is no network and no subprocess. The environment holds only the --env\n"
            "  variables plus " LSB_BASE_ENV_HOME " and " LSB_BASE_ENV_LANG ".\n"
            "\n",
            (unsigned long long)(LSB_DEFAULT_QUOTA_BYTES / LSB_MIB),
            (unsigned long long)LSB_DEFAULT_QUOTA_FILES);
    fprintf(out,
            "Output:\n"
            "  Without --json, the guest's stdout and stderr go to ours as they are written,\n"
            "  and a run stopped by a limit adds a one-line reason on stderr, e.g.\n"
            "    " CLI_PROGRAM ": out of fuel after %llu instructions (raise --fuel)\n"
            "  With --json, stdout holds one JSON object and a newline: success, exit_code,\n"
            "  stdout, stderr, *_truncated, fuel_*, duration_ms, memory_*, trap_reason,\n"
            "  files_created, files_modified, session_id, runtime, error {type, message,\n"
            "  guidance, docs}, fuel_analysis. The exit status is the same as without --json.\n"
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
            (unsigned long long)LSB_DEFAULT_FUEL);
}

void cli_print_help(FILE *out) {
    fprintf(out, CLI_PROGRAM " " CLI_VERSION
                             " - run untrusted Python or JavaScript in a WebAssembly sandbox\n"
                             "\n"
                             "Usage:\n"
                             "  " CLI_PROGRAM " run [OPTIONS] (-c CODE | FILE | -)\n"
                             "  " CLI_PROGRAM " run --help\n"
                             "  " CLI_PROGRAM " --help | --version\n"
                             "\n"
                             "Commands:\n"
                             "  run       run code once in a fresh sandbox and print its output\n"
                             "\n");
    cli_print_run_help(out);
}
