/*
 * report.h - how `llm-sandbox run` and `session exec` report a result
 * (prefix cli_): the guest's output, live or afterwards, the one-line reason
 * for a trap, warnings, the JSON form, and the exit status (see exitcodes.h).
 *
 * Invariants: the exit status is the same with or without --json; the
 * guest's partial output is always written before any reason line; guest
 * text reaching a terminal goes through the escaper of tty.h.
 */
#ifndef LSB_CLI_REPORT_H
#define LSB_CLI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "llmsandbox.h"

#define CLI_REASON_MAX 256

/* The exit status for r: the guest's (0..119, else 1) or a trap's. */
int cli_exit_status(const lsb_result *r);

/* The reason a trap stopped r, e.g. "out of fuel after 5000000000
 * instructions (raise --fuel)", in buf. Returns false if r did not trap. */
bool cli_trap_reason(const lsb_result *r, char *buf, size_t len);

/* Copy the guest's stdout to out and stderr to err, then notes on
 * truncation and the trap reason, prefixed "llm-sandbox: ", to err.
 * Returns the exit status. */
int cli_report_plain(const lsb_result *r, FILE *out, FILE *err);

/* Only the notes of cli_report_plain (truncation, trap reason) to err, for
 * a run whose output was already streamed. Returns the exit status. */
int cli_report_status(const lsb_result *r, FILE *err);

/* lsb_output_fn for plain runs: copy guest output to our stdout (fd 1) or
 * stderr (fd 2) as it arrives, flushed at once, escaped for a terminal
 * (tty.h; cli_report_status writes what the escaper held back at the
 * end). ctx is unused. */
void cli_stream_output(void *ctx, int fd, const char *data, size_t len);

/* Each warning of r (e.g. a corrupt session state file that was replaced)
 * as one line "llm-sandbox: warning: ..." on err. */
void cli_report_warnings(const lsb_result *r, FILE *err);

/* Print r as one JSON object and a newline on out. Returns the exit
 * status, or CLI_EXIT_SOFTWARE (with a message on err) when out of memory. */
int cli_report_json(const lsb_result *r, FILE *out, FILE *err);

#endif
