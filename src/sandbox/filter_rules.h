/*
 * filter_rules.h - the seccomp rules of every filter the host installs
 * (prefix frules_), as libseccomp contexts.
 *
 * Used at build time only: tools/filters compiles each filter to its BPF
 * program and writes them into the header lockdown.c and zygote_filter.c
 * include (BUILD/gen/lsb_filters.h), so no process that runs guest code
 * loads libseccomp or spends its start-up compiling a filter (about half a
 * millisecond of every one-shot run's CPU). tests/unit/test_filters.c
 * checks that the programs in the build are what these rules compile to.
 */
#ifndef LSB_FILTER_RULES_H
#define LSB_FILTER_RULES_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>

/* A bound on a program (BPF allows 4096 instructions). */
#define FRULES_MAX_INSNS 4096

/* The filters: a one-shot run child's and a session process's allow-lists
 * (lockdown.h), and the zygote's deny-list (zygote_filter.h). */
typedef enum frules_filter {
    FRULES_RUN = 0,
    FRULES_SESSION = 1,
    FRULES_ZYGOTE = 2,
    FRULES_COUNT = 3
} frules_filter;

/* The C name of filter's program in the generated header. */
const char *frules_symbol(frules_filter filter);

/* A libseccomp context holding filter's rules (the caller releases it);
 * NULL with err on failure. */
scmp_filter_ctx frules_build(frules_filter filter, char *err, size_t errlen);

/* Compile filter to its BPF program: *insns (malloc'd; the caller frees
 * it) with *count instructions. 0, or -1 with err. */
int frules_compile(frules_filter filter, struct sock_filter **insns, size_t *count, char *err,
                   size_t errlen);

#endif
