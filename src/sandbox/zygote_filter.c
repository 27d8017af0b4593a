/*
 * zygote_filter.c - installs the zygote's own seccomp filter (see
 * zygote_filter.h).
 *
 * A deny-list: what neither a zygote nor any of its children ever needs
 * (other programs, other processes, new sockets, namespaces and mounts,
 * the kernel's riskier interfaces). The list and the reasons it is a
 * deny-list are in filter_rules.c; the build compiles it with libseccomp
 * into BUILD/gen/lsb_filters.h (tools/filters). A refused call kills the
 * process.
 */
#include "sandbox/zygote_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lsb_filters.h" /* BUILD/gen: the programs, compiled from filter_rules.c */

/* See zygote_filter.h. */
int zyg_filter_apply(char *err, size_t errlen) {
    const struct sock_fprog prog = {sizeof lsb_filter_zygote / sizeof lsb_filter_zygote[0],
                                    (struct sock_filter *)lsb_filter_zygote};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { /* as libseccomp's seccomp_load did */
        snprintf(err, errlen, "cannot set no_new_privs for the zygote: %s", strerror(errno));
        return -1;
    }
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        snprintf(err, errlen, "cannot install the zygote's filter: %s", strerror(errno));
        return -1;
    }
    return 0;
}
