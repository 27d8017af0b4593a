/*
 * args.h - the command line of `llm-sandbox` (prefix cli_): parsing argv
 * into an action and, for `run`, a validated policy plus the code to run;
 * and the help texts.
 *
 * Invariants: a successful cli_parse of `run` yields code that is non-empty,
 * not only whitespace, at most LSB_MAX_CODE_BYTES, free of NUL bytes and
 * valid UTF-8, and a policy that passed policy_validate. Nothing is read
 * beyond LSB_MAX_CODE_BYTES + 1 bytes of any input.
 */
#ifndef LSB_CLI_ARGS_H
#define LSB_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "llmsandbox.h"

#define CLI_PROGRAM "llm-sandbox"
#define CLI_VERSION "0.1.0"
#define CLI_ERR_MAX 512 /* enough for any message of cli_parse */

typedef enum cli_action {
    CLI_ACTION_HELP,     /* llm-sandbox --help */
    CLI_ACTION_VERSION,  /* llm-sandbox --version */
    CLI_ACTION_RUN,      /* llm-sandbox run ... */
    CLI_ACTION_RUN_HELP, /* llm-sandbox run --help */
    CLI_ACTION_SNAPSHOT  /* build time, undocumented: internal-snapshot GUEST ASSETS OUT PRELUDE */
    /* later: CLI_ACTION_SESSION, CLI_ACTION_MCP */
} cli_action;

/* Everything `run` needs; owned by cli_args (see cli_args_free). */
typedef struct cli_run {
    lsb_language lang;
    char *code; /* NUL-terminated, code_len bytes */
    size_t code_len;
    const char *filename; /* name for tracebacks: FILE's base name, "<stdin>", or NULL for -c */
    bool json;            /* --json */
    const char *assets;   /* --assets DIR, or NULL */
    lsb_policy policy;    /* workspace and env point into argv */
    const char **env;     /* the array behind policy.env */
} cli_run;

/* `internal-snapshot GUEST ASSETS OUT PRELUDE`, run by the Makefile to
 * write a guest's snapshot image; GUEST is python or quickjs (or a --lang
 * name) and PRELUDE the driver's prelude source file. */
typedef struct cli_snapshot {
    lsb_language lang;
    const char *assets; /* the assets folder (python-stdlib/ and root/ inside) */
    const char *out;     /* the image to write */
    const char *prelude; /* guest/<lang>/prelude.{py,js} */
} cli_snapshot;

typedef struct cli_args {
    cli_action action;
    cli_run run;
    cli_snapshot snapshot;
} cli_args;

/*
 * Parse argv. Code given as "-" is read from `in`. Returns CLI_EXIT_OK with
 * *out filled (free it with cli_args_free), or CLI_EXIT_USAGE /
 * CLI_EXIT_NOINPUT with a one-line message in err (without the program
 * name prefix) and *out left empty.
 */
int cli_parse(int argc, char *const argv[], FILE *in, cli_args *out, char *err, size_t errlen);

void cli_args_free(cli_args *args);

void cli_print_help(FILE *out);
void cli_print_run_help(FILE *out);
void cli_print_version(FILE *out);

/*
 * Read the file at path (a regular file or a pipe, not a folder) into a
 * malloc'd, NUL-terminated buffer of at most LSB_MAX_CODE_BYTES. Returns
 * CLI_EXIT_OK, or an exit status with a message naming `source` in err.
 */
int cli_read_file(const char *path, const char *source, char **out, size_t *len, char *err,
                  size_t errlen);

#endif
