/*
 * exitcodes.h - the exit statuses of `llm-sandbox` (prefix CLI_EXIT_).
 *
 * Invariants: each status has one meaning, documented in `--help` and the
 * README. The guest's own exit status passes through when it is 0..119;
 * any other guest status becomes 1, so 120..125 always mean a trap. A
 * guest can still produce 64, 66 or 70; --json tells those apart.
 */
#ifndef LSB_CLI_EXITCODES_H
#define LSB_CLI_EXITCODES_H

enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_GUEST_ERROR = 1, /* the guest failed with a status outside 1..119 */
    CLI_EXIT_GUEST_MAX = 119, /* the highest guest status passed through */
    CLI_EXIT_USAGE = 64,      /* bad command line or bad code (EX_USAGE) */
    CLI_EXIT_NOINPUT = 66,    /* the code file cannot be read (EX_NOINPUT) */
    CLI_EXIT_SOFTWARE = 70,   /* the sandbox itself failed (EX_SOFTWARE) */
    CLI_EXIT_CANTCREAT = 73,  /* session: the id is taken, or the quota is full */
    CLI_EXIT_IOERR = 74,      /* session: the sessions root or a record is unusable */
    CLI_EXIT_KILLED = 120,    /* the sandboxed process died from a signal */
    CLI_EXIT_TRAP = 121,      /* any other WebAssembly trap */
    CLI_EXIT_STACK_OVERFLOW = 122,
    CLI_EXIT_MEMORY = 123,     /* memory limit (--memory) */
    CLI_EXIT_TIMEOUT = 124,    /* wall-clock limit (--timeout), like timeout(1) */
    CLI_EXIT_OUT_OF_FUEL = 125 /* instruction budget (--fuel) */
};

#endif
