/*
 * session_cmd.h - the `llm-sandbox session ...` subcommands (prefix
 * cli_session_): run a parsed cli_session against the session API of
 * include/llmsandbox.h and report the outcome, as text or as one JSON
 * object on stdout; and their help texts.
 *
 * Invariants: every failure is reported exactly once (one line on stderr,
 * or the JSON error object with --json) and maps to one exit status; a
 * subcommand that fails before its library call changes nothing on disk.
 */
#ifndef LSB_CLI_SESSION_CMD_H
#define LSB_CLI_SESSION_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/args.h"
#include "cli/exitcodes.h"

/* Run the subcommand s describes (or print its help). Returns the exit
 * status: for exec the one `run` would give; otherwise 0 or the status of
 * the failure, documented in the help. */
int cli_session_main(const cli_session *s);

/*
 * Called when cli_parse failed: if argv is a `session` command line with
 * --json, print the failure (message msg, exit status status) as the JSON
 * error object on stdout and return true; otherwise print nothing and
 * return false, so the caller prints msg on stderr as usual.
 */
bool cli_session_parse_error(int argc, char *const argv[], const char *msg, int status);

/* The help of one subcommand, or of `session` itself for NONE. */
void cli_session_print_help(FILE *out, cli_session_cmd cmd);

#endif
