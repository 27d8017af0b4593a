/*
 * zygote_filter.h - the seccomp filter a zygote installs on itself before it
 * serves (prefix zyg_filter_).
 *
 * A zygote runs the operator's pre-imports (trusted code, unfiltered) and
 * then reads requests whose code, environment and options come from
 * clients. Before the first of them it installs this filter, which every
 * child it forks keeps under its own stricter profile (lockdown.h).
 */
#ifndef LSB_ZYGOTE_FILTER_H
#define LSB_ZYGOTE_FILTER_H

#include <stddef.h>

/* Install the zygote's filter on the calling process (no_new_privs too);
 * 0, or -1 with err. It cannot be removed. */
int zyg_filter_apply(char *err, size_t errlen);

#endif
