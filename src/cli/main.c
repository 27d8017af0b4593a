/*
 * main.c - the `llm-sandbox` command: parse the command line, then hand
 * over to one function per subcommand.
 *
 * Invariants: main owns process-wide decisions only (what to print, which
 * status to exit with); parsing lives in args.c, reporting in report.c and
 * the `session` subcommands in session_cmd.c. `mcp` (and the program run
 * under the name llm-wasm-mcp) hands all its arguments to the MCP server,
 * src/mcp/server.c, which has its own option table.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/exitcodes.h"
#include "cli/report.h"
#include "cli/session_cmd.h"
#include "cli/tty.h"
#include "llmsandbox.h"
#include "mcp/server.h"

#define CLI_SANDBOX_ERR_MAX 512

/* `run`: open the sandbox, execute once, report. Returns the exit status;
 * CLI_EXIT_USAGE for a request the sandbox refused, CLI_EXIT_SOFTWARE when
 * the sandbox could not run the code at all. */
static int cmd_run(const cli_run *run) {
    char err[CLI_SANDBOX_ERR_MAX] = "";
    lsb_sandbox *sandbox = NULL;
    lsb_result result = {0};
    if (lsb_sandbox_open(&sandbox, run->assets, err, sizeof err) != LSB_OK) {
        fprintf(stderr, CLI_PROGRAM ": cannot open the sandbox: %s\n", err);
        return CLI_EXIT_SOFTWARE;
    }
    lsb_policy policy = run->policy;
    if (!run->json) policy.on_output = cli_stream_output; /* plain runs show output live */
    lsb_status st = lsb_execute(sandbox, run->lang, run->code, run->code_len, run->filename,
                                &policy, &result, err, sizeof err);
    if (st != LSB_OK) { /* a bad request (e.g. memory below the guest's need) is a usage error */
        fprintf(stderr, CLI_PROGRAM ": %s%s\n",
                st == LSB_ERR_INVALID ? "" : "the sandbox failed: ", err);
        lsb_sandbox_close(sandbox);
        return st == LSB_ERR_INVALID ? CLI_EXIT_USAGE : CLI_EXIT_SOFTWARE;
    }
    int status =
        run->json ? cli_report_json(&result, stdout, stderr) : cli_report_status(&result, stderr);
    lsb_result_free(&result);
    lsb_sandbox_close(sandbox);
    return status;
}

/* `internal-snapshot` (build time, from the Makefile): start the guest
 * once with its prelude and write its snapshot image (lsb_snapshot_build).
 * Returns the exit status. */
static int cmd_snapshot(const cli_snapshot *snap) {
    char err[CLI_SANDBOX_ERR_MAX] = "";
    size_t prelude_len = 0;
    char *prelude = NULL;
    int status =
        cli_read_file(snap->prelude, snap->prelude, &prelude, &prelude_len, err, sizeof err);
    if (status != CLI_EXIT_OK) {
        fprintf(stderr, CLI_PROGRAM ": %s\n", err);
        return status;
    }
    lsb_status st = lsb_snapshot_build(snap->lang, snap->assets, snap->out, prelude, prelude_len,
                                       err, sizeof err);
    free(prelude);
    if (st == LSB_ERR_INVALID) { /* err would cut a path this long: name it ourselves */
        fprintf(stderr, CLI_PROGRAM ": assets path too long: %s\n", snap->assets);
        return CLI_EXIT_USAGE;
    }
    if (st != LSB_OK) {
        fprintf(stderr, CLI_PROGRAM ": snapshot of %s failed: %s\n", lsb_language_name(snap->lang),
                err);
        return CLI_EXIT_SOFTWARE;
    }
    return CLI_EXIT_OK;
}

/* Whether this process was started as the llm-wasm-mcp alias. */
static bool started_as_mcp(const char *argv0) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", argv0 ? argv0 : "");
    return strcmp(basename(buf), "llm-wasm-mcp") == 0;
}

int main(int argc, char **argv) {
    char err[CLI_ERR_MAX];
    if (argc >= 1 && started_as_mcp(argv[0])) return mcp_server_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "mcp") == 0) return mcp_server_main(argc - 2, argv + 2);
    cli_args args;
    int status = cli_parse(argc, argv, stdin, &args, err, sizeof err);
    if (status != CLI_EXIT_OK) {
        if (!cli_session_parse_error(argc, argv, err, status))
            fprintf(stderr, CLI_PROGRAM ": %s\n", err);
        return status;
    }
    cli_tty_init(args.action == CLI_ACTION_RUN ? args.run.raw : args.session.run.raw);
    switch (args.action) {
    case CLI_ACTION_HELP: cli_print_help(stdout); break;
    case CLI_ACTION_VERSION: cli_print_version(stdout); break;
    case CLI_ACTION_RUN_HELP: cli_print_run_help(stdout); break;
    case CLI_ACTION_RUN: status = cmd_run(&args.run); break;
    case CLI_ACTION_SNAPSHOT: status = cmd_snapshot(&args.snapshot); break;
    case CLI_ACTION_SESSION: status = cli_session_main(&args.session); break;
    }
    cli_args_free(&args);
    return status;
}
