/*
 * lockdown.c - loads the child's seccomp allow-list, after a Landlock
 * domain and a process cap.
 *
 * The allow-lists themselves (what they allow, and why) are in
 * filter_rules.c; the build compiles them with libseccomp into
 * BUILD/gen/lsb_filters.h (tools/filters), so installing one here is a
 * single system call and no process that runs guest code loads libseccomp.
 *
 * Before the filter, lockdown_apply puts the process in a Landlock domain
 * over its own mounts (landlock.c), so that even code that escaped the
 * WebAssembly sandbox and calls openat2, unlinkat, renameat, linkat,
 * symlinkat or mkdirat directly (the filter cannot read openat2's path or
 * flags) reaches nothing outside them; and it caps process creation with
 * RLIMIT_NPROC: 0 for a one-shot run child (whose filter also kills any
 * clone), and for a session the machine's task count at its start plus
 * LOCKDOWN_SESSION_NPROC_HEADROOM. The kernel does not enforce
 * RLIMIT_NPROC for root, so a session run as root is bounded by its
 * filter's fork-only rule alone (use a cgroup's pids.max there).
 */
#include "sandbox/lockdown.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "lsb_filters.h" /* BUILD/gen: the programs, compiled from filter_rules.c */

/* The programs, by profile (generated from filter_rules.c). */
static const struct sock_fprog programs[LOCKDOWN_PROFILES] = {
    [LOCKDOWN_RUN] = {sizeof lsb_filter_run / sizeof lsb_filter_run[0],
                      (struct sock_filter *)lsb_filter_run},
    [LOCKDOWN_SESSION] = {sizeof lsb_filter_session / sizeof lsb_filter_session[0],
                          (struct sock_filter *)lsb_filter_session},
};

/* Say once, on stderr, that the kernel has no Landlock. */
static void warn_no_landlock(void) {
    static bool warned;
    if (warned || ll_abi() != 0) return;
    warned = true;
    fprintf(stderr, "llm-sandbox: warning: %s\n", LL_MISSING_WARNING);
}

/* See lockdown.h. */
void lockdown_prepare(void) { warn_no_landlock(); }

/* The number of tasks on the machine: the total of /proc/loadavg's
 * "running/total" field, or sysinfo's count (16 bits wide, so it wraps
 * above 65,535) without /proc; 0 when neither answers. */
static unsigned long machine_tasks(void) {
    unsigned long total = 0;
    FILE *f = fopen("/proc/loadavg", "re");
    if (f != NULL) {
        if (fscanf(f, "%*f %*f %*f %*u/%lu", &total) != 1) total = 0;
        fclose(f);
    }
    struct sysinfo si;
    if (total == 0 && sysinfo(&si) == 0) total = si.procs;
    return total;
}

/* Cap the processes profile may create (see lockdown.h); 0, or -1 with
 * err. Runs before Landlock, which would hide /proc/loadavg. */
static int cap_processes(lockdown_profile profile, char *err, size_t errlen) {
    struct rlimit lim = {0, 0};
    if (profile == LOCKDOWN_SESSION) {
        unsigned long tasks = machine_tasks();
        if (tasks == 0 || getrlimit(RLIMIT_NPROC, &lim) != 0) {
            snprintf(err, errlen, "cannot read the machine's task count or process limit");
            return -1;
        }
        rlim_t cap = (rlim_t)tasks + LOCKDOWN_SESSION_NPROC_HEADROOM;
        if (lim.rlim_max == RLIM_INFINITY || cap < lim.rlim_max) lim.rlim_max = cap;
        lim.rlim_cur = lim.rlim_max;
    }
    if (setrlimit(RLIMIT_NPROC, &lim) != 0) {
        snprintf(err, errlen, "cannot cap the process count: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* See lockdown.h. */
int lockdown_apply(lockdown_profile profile, const ll_mount *mounts, size_t count, char *err,
                   size_t errlen) {
    warn_no_landlock();
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
        return -1;
    }
    if (cap_processes(profile, err, errlen) != 0) return -1;
    int landlocked = ll_restrict(mounts, count, err, errlen);
    if (landlocked < 0) return -1;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &programs[profile]) != 0) {
        snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(errno));
        return -1;
    }
    return landlocked == 1 ? 0 : 1; /* 1: err holds ll_restrict's warning */
}
