/*
 * execute.h - checks and encodings of a run's input shared by one-shot
 * executions (execute.c, lsb_execute) and runs in live sessions (prefix
 * exec_). The collection of what the child reports is in report.h.
 */
#ifndef LSB_EXECUTE_H
#define LSB_EXECUTE_H

#include <stddef.h>

#include "llmsandbox.h"

/* The run option (LSB_REQ_OPTIONS, see guest/lsb_abi.h) sent when
 * policy.inject_setup is false. It lives here rather than in lsb_abi.h,
 * whose every change rebuilds the guests; a guest ignores unknown options,
 * and the JavaScript guest ignores this one. */
#define EXEC_OPT_NO_INJECT_SETUP "inject_setup=0\n"

/* Reject code the guests cannot take (empty, too large, NUL bytes).
 * Returns 0, or -1 with err saying why. */
int exec_check_code(const char *code, size_t len, char *err, size_t errlen);

/* The "K=V\0..." block of policy->env, malloc'd, its length in *len.
 * Returns NULL on failure (out of memory). */
char *exec_env_block(const lsb_policy *policy, size_t *len);

#endif
