/*
 * lockdown.c - builds and loads the child's seccomp allow-list (libseccomp).
 *
 * The default action kills the whole process, so a host bug that reaches an
 * unexpected system call ends the execution instead of escaping it. The
 * list below is exactly what src/wasi and the wasm runtime use; mmap and
 * mprotect are allowed only without PROT_EXEC, so no new code can appear,
 * and files can only be opened with openat2 (src/wasi always passes
 * RESOLVE_BENEATH; plain open/openat are not allowed at all). The file
 * calls whose flags matter (openat2's struct size, unlinkat, linkat,
 * renameat2) are allowed only with the flags the WASI host uses, and
 * arch_prctl only as ARCH_SET_GS: the runtime keeps the guest's linear
 * memory base in %gs (runtime.c), which moves no memory and no code.
 *
 * A live session process (session/proc.c) gets a second profile: the same
 * list plus what it needs to fork a child per run and talk to the host
 * over the socket it already holds: clone with fork's flags only (no new
 * threads, namespaces or shared memory), wait4, pipe2, sendmsg, recvmsg,
 * sendto, recvfrom
 * and set_robust_list (glibc's fork calls it in the child), plus getppid,
 * prctl(PR_SET_PDEATHSIG) and timer_create/settime/delete, with which a
 * run child ties itself to its parent and arms its deadline backstop.
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

#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "sandbox/ipc.h"

/* A bound on the exported program (BPF allows 4096 instructions). */
#define LOCKDOWN_MAX_INSNS 4096

/* System calls allowed without argument checks. */
static const int allowed_syscalls[] = {
    /* I/O on descriptors the host already holds or opens beneath a preopen */
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(pread64),
    SCMP_SYS(pwrite64),
    SCMP_SYS(preadv),
    SCMP_SYS(pwritev),
    SCMP_SYS(lseek),
    SCMP_SYS(close),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(statx),
    SCMP_SYS(getdents64),
    SCMP_SYS(fcntl),
    SCMP_SYS(mkdirat),
    SCMP_SYS(renameat),
    SCMP_SYS(symlinkat),
    SCMP_SYS(readlinkat),
    SCMP_SYS(utimensat),
    SCMP_SYS(fsync),
    SCMP_SYS(fdatasync),
    SCMP_SYS(ftruncate),
    SCMP_SYS(fallocate),
    SCMP_SYS(fadvise64),
    /* time, randomness, scheduling */
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_getres),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep),
    SCMP_SYS(getrandom),
    SCMP_SYS(sched_yield),
    SCMP_SYS(gettimeofday),
    /* memory (executable mappings are filtered separately) */
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(brk),
    SCMP_SYS(madvise),
    /* signals used by the trap handler and exit */
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(sigaltstack),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(futex),
    SCMP_SYS(getpid),
};

/* Added for LOCKDOWN_SESSION (the timer_* and getppid calls: a run child
 * arms its deadline backstop, and ties itself to its parent, after the
 * fork; see tether.h). */
static const int session_syscalls[] = {
    SCMP_SYS(wait4),        SCMP_SYS(pipe2),         SCMP_SYS(sendmsg),         SCMP_SYS(recvmsg),
    SCMP_SYS(sendto),       SCMP_SYS(recvfrom),      SCMP_SYS(set_robust_list), SCMP_SYS(getppid),
    SCMP_SYS(timer_create), SCMP_SYS(timer_settime), SCMP_SYS(timer_delete),
};

/* The clone flags glibc's fork() passes; any other bit kills the process. */
#define LOCKDOWN_FORK_FLAGS ((uint64_t)(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CSIGNAL))

/* The low 32 bits of an int argument; the kernel ignores the others. */
#define LOCKDOWN_INT_MASK(allowed) ((uint64_t)(uint32_t) ~(uint32_t)(allowed))

/* The file calls allowed with exactly the arguments the WASI host passes:
 * openat2 with today's struct open_how, unlinkat with 0 or AT_REMOVEDIR,
 * linkat with 0 or AT_EMPTY_PATH (never AT_SYMLINK_FOLLOW), renameat2
 * with 0 or RENAME_NOREPLACE (no exchange, no whiteout). Paths stay
 * Landlock's to check: the filter cannot read them. 0 or a negative errno. */
static int add_file_rules(scmp_filter_ctx ctx) {
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat2), 1,
                              SCMP_A3(SCMP_CMP_EQ, sizeof(struct open_how), 0));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(unlinkat), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ, LOCKDOWN_INT_MASK(AT_REMOVEDIR), 0));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(linkat), 1,
                              SCMP_A4(SCMP_CMP_MASKED_EQ, LOCKDOWN_INT_MASK(AT_EMPTY_PATH), 0));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(renameat2), 1,
                              SCMP_A4(SCMP_CMP_MASKED_EQ, LOCKDOWN_INT_MASK(RENAME_NOREPLACE), 0));
    return rc;
}

/* Allow mmap/mprotect only when the protection has no PROT_EXEC bit. */
static int allow_non_exec(scmp_filter_ctx ctx, int syscall_nr) {
    return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, syscall_nr, 1,
                            SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

/* The compiled filters, one per profile: built once per process by
 * lockdown_prepare, so a zygote pays for libseccomp's compilation once
 * instead of on every run. */
static struct sock_filter *compiled[LOCKDOWN_PROFILES];
static unsigned short compiled_len[LOCKDOWN_PROFILES];

/* Add the session profile's extra rules to ctx; 0 or a negative errno. */
static int add_session_rules(scmp_filter_ctx ctx) {
    int rc = 0;
    size_t count = sizeof session_syscalls / sizeof session_syscalls[0];
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, session_syscalls[i], 0);
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, ~LOCKDOWN_FORK_FLAGS, 0));
    if (rc == 0) /* prctl only to set or clear the death signal */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
                              SCMP_A0(SCMP_CMP_EQ, PR_SET_PDEATHSIG));
    return rc;
}

/* Build the allow-list of profile with libseccomp; NULL with err on failure. */
static scmp_filter_ctx build_filter(lockdown_profile profile, char *err, size_t errlen) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL) {
        snprintf(err, errlen, "seccomp_init failed");
        return NULL;
    }
    int rc = 0;
    size_t count = sizeof allowed_syscalls / sizeof allowed_syscalls[0];
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
    if (rc == 0) rc = add_file_rules(ctx);
    if (rc == 0) rc = allow_non_exec(ctx, SCMP_SYS(mmap));
    if (rc == 0) rc = allow_non_exec(ctx, SCMP_SYS(mprotect));
#if defined(__x86_64__) /* runtime.c points %gs at guest memory before a guest call */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
                              SCMP_A0(SCMP_CMP_EQ, ARCH_SET_GS));
#endif
    if (rc == 0 && profile == LOCKDOWN_SESSION) rc = add_session_rules(ctx);
    if (rc != 0) {
        snprintf(err, errlen, "cannot build the seccomp filter: %s", strerror(-rc));
        seccomp_release(ctx);
        return NULL;
    }
    return ctx;
}

/* Export ctx's BPF program as profile's; 0, or -1 with err. */
static int export_program(scmp_filter_ctx ctx, lockdown_profile profile, char *err, size_t errlen) {
    int fd = memfd_create("lsb-seccomp", MFD_CLOEXEC);
    struct stat st;
    int rc = fd < 0 ? -1 : seccomp_export_bpf(ctx, fd);
    if (rc == 0 && (fstat(fd, &st) != 0 || st.st_size <= 0 ||
                    st.st_size > LOCKDOWN_MAX_INSNS * (off_t)sizeof(struct sock_filter)))
        rc = -1;
    struct sock_filter *insns = rc == 0 ? malloc((size_t)st.st_size) : NULL;
    if (insns == NULL || lseek(fd, 0, SEEK_SET) != 0 ||
        ipc_read_all(fd, insns, (size_t)st.st_size) != 0)
        rc = -1;
    if (fd >= 0) close(fd);
    if (rc != 0) {
        free(insns);
        snprintf(err, errlen, "cannot export the seccomp filter");
        return -1;
    }
    compiled[profile] = insns;
    compiled_len[profile] = (unsigned short)((size_t)st.st_size / sizeof *insns);
    return 0;
}

/* Say once, on stderr, that the kernel has no Landlock. */
static void warn_no_landlock(void) {
    static bool warned;
    if (warned || ll_abi() != 0) return;
    warned = true;
    fprintf(stderr, "llm-sandbox: warning: %s\n", LL_MISSING_WARNING);
}

/* Compile profile's filter unless this process already has; 0 or -1
 * with err. */
static int compile_profile(lockdown_profile profile, char *err, size_t errlen) {
    if (compiled[profile] != NULL) return 0;
    scmp_filter_ctx ctx = build_filter(profile, err, errlen);
    if (ctx == NULL) return -1;
    int rc = export_program(ctx, profile, err, errlen);
    seccomp_release(ctx);
    return rc;
}

/* See lockdown.h. */
int lockdown_prepare(char *err, size_t errlen) {
    warn_no_landlock();
    for (int p = 0; p < LOCKDOWN_PROFILES; p++)
        if (compile_profile((lockdown_profile)p, err, errlen) != 0) return -1;
    return 0;
}

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
    if (compile_profile(profile, err, errlen) != 0) return -1; /* only the one it installs */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
        return -1;
    }
    if (cap_processes(profile, err, errlen) != 0) return -1;
    int landlocked = ll_restrict(mounts, count, err, errlen);
    if (landlocked < 0) return -1;
    struct sock_fprog prog = {.len = compiled_len[profile], .filter = compiled[profile]};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(errno));
        return -1;
    }
    return landlocked == 1 ? 0 : 1; /* 1: err holds ll_restrict's warning */
}
