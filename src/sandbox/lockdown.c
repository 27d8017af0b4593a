/*
 * lockdown.c - builds and loads the child's seccomp allow-list (libseccomp).
 *
 * The default action kills the whole process, so a host bug that reaches an
 * unexpected system call ends the execution instead of escaping it. The
 * list below is exactly what src/wasi and the wasm runtime use; mmap and
 * mprotect are allowed only without PROT_EXEC, so no new code can appear,
 * and files can only be opened with openat2 (src/wasi always passes
 * RESOLVE_BENEATH; plain open/openat are not allowed at all).
 */
#include "sandbox/lockdown.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

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
    SCMP_SYS(openat2),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(statx),
    SCMP_SYS(getdents64),
    SCMP_SYS(fcntl),
    SCMP_SYS(mkdirat),
    SCMP_SYS(unlinkat),
    SCMP_SYS(renameat),
    SCMP_SYS(renameat2),
    SCMP_SYS(symlinkat),
    SCMP_SYS(readlinkat),
    SCMP_SYS(linkat),
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

/* Allow mmap/mprotect only when the protection has no PROT_EXEC bit. */
static int allow_non_exec(scmp_filter_ctx ctx, int syscall_nr) {
    return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, syscall_nr, 1,
                            SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

int lockdown_apply(char *err, size_t errlen) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL) {
        snprintf(err, errlen, "seccomp_init failed");
        return -1;
    }
    int rc = 0;
    size_t count = sizeof allowed_syscalls / sizeof allowed_syscalls[0];
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
    if (rc == 0) rc = allow_non_exec(ctx, SCMP_SYS(mmap));
    if (rc == 0) rc = allow_non_exec(ctx, SCMP_SYS(mprotect));
    if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) rc = -errno;
    if (rc == 0) rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0) snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(-rc));
    return rc == 0 ? 0 : -1;
}
