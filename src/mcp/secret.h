/*
 * secret.h - keeping the server's secrets (the bearer token) out of
 * places others can read (prefix mcp_secret_): the token file, the
 * process environment that every zygote and run process inherits, and
 * the command line that `ps` shows.
 */
#ifndef LSB_MCP_SECRET_H
#define LSB_MCP_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "mcp/options.h"

/* Read the first line of path into token (cap bytes) as the bearer token.
 * The file must be a regular file that only its owner may read or write
 * (group and other bits clear), and the line non-empty, short enough and
 * free of control characters. Returns 0, or -1 with the reason in err. */
int mcp_secret_read_token_file(const char *path, char *token, size_t cap, char *err, size_t errlen);

/* Settle the token from the options: --auth-token-file (or [security]
 * auth_token_file) fills o->auth_token, and may not be combined with an
 * explicit token. Returns 0, or -1 with the reason in err. */
int mcp_secret_load(mcp_options *o, char *err, size_t errlen);

/* Whether argv (the `mcp` arguments) gives the token on the command line
 * (--auth-token VALUE or --auth-token=VALUE), which other users see. */
bool mcp_secret_on_command_line(int argc, char **argv);

/* Hide what may be secret before any child process exists: overwrite the
 * --auth-token value in argv in place (what `ps` and /proc/PID/cmdline
 * show), and reduce the environment to a short list of harmless names
 * (PATH, HOME, TMPDIR, LANG, LANGUAGE, TZ, LC_*, XDG_*, LSB_* but
 * LSB_MCP_AUTH_TOKEN, and the sanitizers' *SAN_OPTIONS), zeroing every
 * other variable's bytes where they lie so that neither environ,
 * /proc/PID/environ nor a forked child's memory still holds them. */
void mcp_secret_scrub(int argc, char **argv);

#endif
