/*
 * args.h - the command line of `llm-sandbox` (prefix cli_): parsing argv
 * into an action and, for `run`, a validated policy plus the code to run;
 * and the help texts.
 *
 * Invariants: a successful cli_parse of `run` (or `session exec`) yields
 * code that is non-empty, not only whitespace, within the library's code
 * limit (lsb_limits), free of NUL bytes and valid UTF-8, and a policy that
 * passed lsb_policy_validate (for `session exec`: once laid over the
 * defaults). Nothing is read beyond that limit + 1 bytes of any input.
 */
#ifndef LSB_CLI_ARGS_H
#define LSB_CLI_ARGS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "llmsandbox.h"

#define CLI_PROGRAM "llm-sandbox"
#define CLI_VERSION LSB_VERSION
#define CLI_ERR_MAX 512 /* enough for any message of cli_parse */
#define CLI_MIB     (1024ULL * 1024ULL)

typedef enum cli_action {
    CLI_ACTION_HELP,     /* llm-sandbox --help */
    CLI_ACTION_VERSION,  /* llm-sandbox --version */
    CLI_ACTION_RUN,      /* llm-sandbox run ... */
    CLI_ACTION_RUN_HELP, /* llm-sandbox run --help */
    CLI_ACTION_SNAPSHOT, /* build time, undocumented: internal-snapshot GUEST ASSETS OUT PRELUDE */
    CLI_ACTION_SESSION   /* llm-sandbox session ... (including its --help forms) */
    /* later: CLI_ACTION_MCP */
} cli_action;

/* Everything `run` needs; owned by cli_args (see cli_args_free). */
typedef struct cli_run {
    lsb_language lang;
    char *code; /* NUL-terminated, code_len bytes */
    size_t code_len;
    const char *filename; /* name for tracebacks: FILE's base name, "<stdin>", or NULL for -c */
    bool json;            /* --json */
    bool raw;             /* --raw: guest output to a terminal unescaped (tty.h) */
    const char *assets;   /* --assets DIR, or NULL */
    lsb_policy policy;    /* workspace and env point into argv */
    const char **env;     /* the array behind policy.env */
} cli_run;

/* `internal-snapshot GUEST ASSETS OUT PRELUDE`, run by the Makefile to
 * write a guest's snapshot image; GUEST is python or quickjs (or a --lang
 * name) and PRELUDE the driver's prelude source file. */
typedef struct cli_snapshot {
    lsb_language lang;
    const char *assets;  /* the assets folder (python-stdlib/ and root/ inside) */
    const char *out;     /* the image to write */
    const char *prelude; /* guest/<lang>/prelude.{py,js} */
} cli_snapshot;

/* The subcommands of `session`; NONE only for `session --help`. */
typedef enum cli_session_cmd {
    CLI_SESSION_NONE = 0,
    CLI_SESSION_CREATE,
    CLI_SESSION_EXEC,
    CLI_SESSION_INFO,
    CLI_SESSION_FILES,
    CLI_SESSION_READ,
    CLI_SESSION_WRITE,
    CLI_SESSION_RM,
    CLI_SESSION_RESET,
    CLI_SESSION_DESTROY,
    CLI_SESSION_LIST,
    CLI_SESSION_PRUNE,
    CLI_SESSION_INSTALL,
    CLI_SESSION_COUNT /* not a subcommand: the number of values above */
} cli_session_cmd;

/*
 * Everything `session SUBCOMMAND` needs; strings point into argv. run holds
 * what the subcommands share with `run`: json, assets, and for create the
 * language and the full policy to store (defaults filled in, validated);
 * for exec the code and the per-run overrides, where a zero limit means
 * "the session's own" (see cli_policy_overlay).
 */
typedef struct cli_session {
    cli_session_cmd cmd;
    bool help;                 /* --help: print the help of cmd (NONE: of `session`) */
    const char *sessions_root; /* --sessions-root DIR, or NULL */
    const char *wheel_dir;     /* --wheel-dir DIR, or NULL */
    const char *id;            /* ID (every subcommand but create, list, prune) */
    const char *new_id;        /* create --id ID, or NULL for a new UUID */
    const char *path;          /* PATH of files (may be NULL), read, write, rm */
    const char *source;        /* write: FILE, "-" or NULL (both: standard input) */
    const char *package;       /* install: a .whl path or a project name */
    bool custom_id;            /* create --custom-id */
    bool auto_persist;         /* create --auto-persist */
    bool all;                  /* files --all */
    const char *pattern;       /* files --pattern GLOB, or NULL */
    bool no_overwrite;         /* write --no-overwrite */
    bool recursive;            /* rm -r */
    bool dry_run;              /* prune --dry-run */
    bool older_than_set;       /* prune --older-than was given */
    uint64_t older_than_s;     /* prune --older-than, in seconds */
    cli_run run;
} cli_session;

typedef struct cli_args {
    cli_action action;
    cli_run run;
    cli_snapshot snapshot;
    cli_session session;
} cli_args;

/*
 * Parse argv. Code given as "-" is read from `in`. Returns CLI_EXIT_OK with
 * *out filled (free it with cli_args_free), or CLI_EXIT_USAGE /
 * CLI_EXIT_NOINPUT with a one-line message in err (without the program
 * name prefix) and *out left empty.
 */
int cli_parse(int argc, char *const argv[], FILE *in, cli_args *out, char *err, size_t errlen);

void cli_args_free(cli_args *args);

/*
 * The CLI's one printf-into-a-buffer helper: format a message into err
 * (when err is not NULL and errlen > 0) and return status, so a failure
 * is reported and returned in one tail call. cli_vfail takes a va_list.
 */
int cli_fail(char *err, size_t errlen, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int cli_vfail(char *err, size_t errlen, int status, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* The name of a session subcommand ("create", ...); "session" for NONE. */
const char *cli_session_cmd_name(cli_session_cmd cmd);

/* Copy every non-zero limit of over (fuel, memory, timeout, output caps,
 * quotas) into dst; zero means "keep dst's". Pointers are not touched. */
void cli_policy_overlay(lsb_policy *dst, const lsb_policy *over);

/* The help texts (`--help`, `run --help`) and `--version`, on out. */
void cli_print_help(FILE *out);
void cli_print_run_help(FILE *out);
void cli_print_version(FILE *out);

/*
 * Read the file at path (a regular file or a pipe, not a folder) into a
 * malloc'd, NUL-terminated buffer within the code limit of lsb_limits. Returns
 * CLI_EXIT_OK, or an exit status with a message naming `source` in err.
 */
int cli_read_file(const char *path, const char *source, char **out, size_t *len, char *err,
                  size_t errlen);

#endif
