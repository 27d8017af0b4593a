/*
 * report.c - turning an lsb_result into what `llm-sandbox run` and
 * `session exec` print and the status they exit with.
 *
 * Invariants: a failed guest never yields exit status 0; statuses 120-125
 * are chosen only from the trap (never from stderr text); guest bytes are
 * copied unchanged in plain mode (escaped for a terminal, see tty.h) and
 * made valid JSON in --json mode.
 */
#include "cli/report.h"

#include "cli/args.h"
#include "cli/exitcodes.h"
#include "cli/json.h"
#include "cli/tty.h"

#define CLI_MS_PER_S 1000.0

int cli_exit_status(const lsb_result *r) {
    switch (r->trap) {
    case LSB_TRAP_NONE: break;
    case LSB_TRAP_OUT_OF_FUEL: return CLI_EXIT_OUT_OF_FUEL;
    case LSB_TRAP_TIMEOUT: return CLI_EXIT_TIMEOUT;
    case LSB_TRAP_MEMORY: return CLI_EXIT_MEMORY;
    case LSB_TRAP_STACK_OVERFLOW: return CLI_EXIT_STACK_OVERFLOW;
    case LSB_TRAP_KILLED: return CLI_EXIT_KILLED;
    default: return CLI_EXIT_TRAP;
    }
    if (r->exit_code > 0 && r->exit_code <= CLI_EXIT_GUEST_MAX) return r->exit_code;
    if (r->exit_code != 0 || !r->success) return CLI_EXIT_GUEST_ERROR;
    return CLI_EXIT_OK;
}

/* "N MiB" when the limit is whole mebibytes, else "N bytes". */
static void cli_format_bytes(uint64_t v, char *buf, size_t len) {
    if (v >= CLI_MIB && v % CLI_MIB == 0)
        snprintf(buf, len, "%llu MiB", (unsigned long long)(v / CLI_MIB));
    else
        snprintf(buf, len, "%llu bytes", (unsigned long long)v);
}

bool cli_trap_reason(const lsb_result *r, char *buf, size_t len) {
    char bytes[64];
    uint64_t fuel = r->fuel_consumed ? r->fuel_consumed : r->fuel_budget;
    switch (r->trap) {
    case LSB_TRAP_NONE: return false;
    case LSB_TRAP_OUT_OF_FUEL:
        snprintf(buf, len, "out of fuel after %llu instructions (raise --fuel)",
                 (unsigned long long)fuel);
        break;
    case LSB_TRAP_TIMEOUT:
        snprintf(buf, len, "timed out after %.1f seconds (raise --timeout)",
                 r->duration_ms / CLI_MS_PER_S);
        break;
    case LSB_TRAP_MEMORY:
        cli_format_bytes(r->memory_limit_bytes, bytes, sizeof bytes);
        snprintf(buf, len, "memory limit of %s exceeded (raise --memory)", bytes);
        break;
    case LSB_TRAP_STACK_OVERFLOW:
        snprintf(buf, len, "stack overflow: recursion too deep (use a loop instead)");
        break;
    case LSB_TRAP_KILLED: snprintf(buf, len, "the sandboxed process was killed by a signal"); break;
    default:
        snprintf(buf, len, "the guest trapped: %s",
                 r->error_message ? r->error_message : "WebAssembly trap (interpreter fault)");
        break;
    }
    return true;
}

/* Write all of a guest's text to f, through the terminal escaper when f is
 * our stdout or stderr. */
static void guest_text(FILE *f, const char *data, size_t len) {
    cli_tty plain = {.escape = false};
    cli_tty *t = f == stdout ? cli_tty_for(1) : f == stderr ? cli_tty_for(2) : &plain;
    if (data != NULL && len > 0) cli_tty_write(t, f, data, len);
    cli_tty_finish(t, f);
}

int cli_report_plain(const lsb_result *r, FILE *out, FILE *err) {
    guest_text(out, r->stdout_data, r->stdout_len);
    guest_text(err, r->stderr_data, r->stderr_len);
    return cli_report_status(r, err);
}

int cli_report_status(const lsb_result *r, FILE *err) {
    char reason[CLI_REASON_MAX];
    cli_tty_finish(cli_tty_for(1), stdout); /* the streamed output has ended */
    cli_tty_finish(cli_tty_for(2), stderr);
    if (r->stdout_truncated)
        fprintf(err, CLI_PROGRAM ": stdout was truncated after %zu bytes (raise --stdout-max)\n",
                r->stdout_len);
    if (r->stderr_truncated)
        fprintf(err, CLI_PROGRAM ": stderr was truncated after %zu bytes (raise --stderr-max)\n",
                r->stderr_len);
    if (cli_trap_reason(r, reason, sizeof reason))
        cli_tty_printf(err, CLI_PROGRAM ": %s\n", reason);
    fflush(err);
    return cli_exit_status(r);
}

void cli_stream_output(void *ctx, int fd, const char *data, size_t len) {
    (void)ctx;
    FILE *to = fd == 1 ? stdout : stderr;
    cli_tty_write(cli_tty_for(fd == 1 ? 1 : 2), to, data, len);
    fflush(to);
}

void cli_report_warnings(const lsb_result *r, FILE *err) {
    for (size_t i = 0; i < r->warnings_count; i++)
        if (r->warnings[i]) cli_tty_printf(err, CLI_PROGRAM ": warning: %s\n", r->warnings[i]);
    fflush(err);
}

int cli_report_json(const lsb_result *r, FILE *out, FILE *err) {
    return cli_json_print_text(lsb_result_to_json(r), cli_exit_status(r), out, err);
}
