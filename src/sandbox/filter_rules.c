/*
 * filter_rules.c - the seccomp rules of the host's filters (see
 * filter_rules.h); build time only.
 *
 * The run and session allow-lists (lockdown.h): the default action kills
 * the whole process, so a host bug that reaches an unexpected system call
 * ends the execution instead of escaping it. The list below is exactly
 * what src/wasi and the wasm runtime use; mmap and mprotect are allowed
 * only without PROT_EXEC, so no new code can appear, and files can only be
 * opened with openat2 (src/wasi always passes RESOLVE_BENEATH; plain
 * open/openat are not allowed at all). The file calls whose flags matter
 * (openat2's struct size, unlinkat, linkat, renameat2) are allowed only
 * with the flags the WASI host uses, and arch_prctl only as ARCH_SET_GS:
 * the runtime keeps the guest's linear memory base in %gs (runtime.c),
 * which moves no memory and no code.
 *
 * A live session process (session/proc.c) gets a second allow-list: the
 * same plus what it needs to fork a child per run and talk to the host over
 * the socket it already holds: clone with fork's flags only (no new
 * threads, namespaces or shared memory), wait4, pipe2, sendmsg, recvmsg,
 * sendto, recvfrom and set_robust_list (glibc's fork calls it in the
 * child), plus getppid, prctl(PR_SET_PDEATHSIG) and
 * timer_create/settime/delete, with which a run child ties itself to its
 * parent and arms its deadline backstop.
 *
 * The zygote's deny-list (zygote_filter.h), unlike the children's
 * allow-lists: the filter stays on every child the zygote forks, under the
 * child's own profile, so an allow-list here would have to repeat the
 * union of those profiles and of everything a child does before it
 * installs its own, and would break them the day one of them grows. What
 * it refuses is what neither a zygote nor any of its children ever needs,
 * so that a fault in the zygote's request decoding, or code that got out
 * of a child before its own profile, still cannot: run another program,
 * trace or read another process, signal one or take its pidfd, open a new
 * socket, change namespaces or mounts, or reach the kernel's riskier
 * interfaces. A refused call kills the process.
 */
#include "sandbox/filter_rules.h"

#include <asm/prctl.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

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

/* Added for FRULES_SESSION (the timer_* and getppid calls: a run child
 * arms its deadline backstop, and ties itself to its parent, after the
 * fork; see tether.h). */
static const int session_syscalls[] = {
    SCMP_SYS(wait4),        SCMP_SYS(pipe2),         SCMP_SYS(sendmsg),         SCMP_SYS(recvmsg),
    SCMP_SYS(sendto),       SCMP_SYS(recvfrom),      SCMP_SYS(set_robust_list), SCMP_SYS(getppid),
    SCMP_SYS(timer_create), SCMP_SYS(timer_settime), SCMP_SYS(timer_delete),
};

/* The clone flags glibc's fork() passes; any other bit kills the process. */
#define FRULES_FORK_FLAGS ((uint64_t)(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CSIGNAL))

/* The low 32 bits of an int argument; the kernel ignores the others. */
#define FRULES_INT_MASK(allowed) ((uint64_t)(uint32_t) ~(uint32_t)(allowed))

/* Add a rule with action and no argument check for each of the count
 * calls; 0 or a negative errno. */
static int add_calls(scmp_filter_ctx ctx, uint32_t action, const int *calls, size_t count) {
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = seccomp_rule_add(ctx, action, calls[i], 0);
    return rc;
}

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
                              SCMP_A2(SCMP_CMP_MASKED_EQ, FRULES_INT_MASK(AT_REMOVEDIR), 0));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(linkat), 1,
                              SCMP_A4(SCMP_CMP_MASKED_EQ, FRULES_INT_MASK(AT_EMPTY_PATH), 0));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(renameat2), 1,
                              SCMP_A4(SCMP_CMP_MASKED_EQ, FRULES_INT_MASK(RENAME_NOREPLACE), 0));
    return rc;
}

/* Allow mmap/mprotect only when the protection has no PROT_EXEC bit. */
static int allow_non_exec(scmp_filter_ctx ctx, int syscall_nr) {
    return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, syscall_nr, 1,
                            SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
}

/* Add the session allow-list's extra rules to ctx; 0 or a negative errno. */
static int add_session_rules(scmp_filter_ctx ctx) {
    int rc = add_calls(ctx, SCMP_ACT_ALLOW, session_syscalls,
                       sizeof session_syscalls / sizeof session_syscalls[0]);
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, ~FRULES_FORK_FLAGS, 0));
    if (rc == 0) /* prctl only to set or clear the death signal */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
                              SCMP_A0(SCMP_CMP_EQ, PR_SET_PDEATHSIG));
    return rc;
}

/* The allow-list of filter (FRULES_RUN or FRULES_SESSION); NULL with err. */
static scmp_filter_ctx build_allow_list(frules_filter filter, char *err, size_t errlen) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL) {
        snprintf(err, errlen, "seccomp_init failed");
        return NULL;
    }
    int rc = add_calls(ctx, SCMP_ACT_ALLOW, allowed_syscalls,
                       sizeof allowed_syscalls / sizeof allowed_syscalls[0]);
    if (rc == 0) rc = add_file_rules(ctx);
    if (rc == 0) rc = allow_non_exec(ctx, SCMP_SYS(mmap));
    if (rc == 0) rc = allow_non_exec(ctx, SCMP_SYS(mprotect));
#if defined(__x86_64__) /* runtime.c points %gs at guest memory before a guest call */
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
                              SCMP_A0(SCMP_CMP_EQ, ARCH_SET_GS));
#endif
    if (rc == 0 && filter == FRULES_SESSION) rc = add_session_rules(ctx);
    if (rc != 0) {
        snprintf(err, errlen, "cannot build the seccomp filter: %s", strerror(-rc));
        seccomp_release(ctx);
        return NULL;
    }
    return ctx;
}

/* The calls no zygote and no child of one makes. */
static const int denied_syscalls[] = {
    /* other programs */
    SCMP_SYS(execve),
    SCMP_SYS(execveat),
    /* other processes: tracing, their memory, signals, pidfds */
    SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev),
    SCMP_SYS(kill),
    SCMP_SYS(tkill),
    SCMP_SYS(rt_sigqueueinfo),
    SCMP_SYS(rt_tgsigqueueinfo),
    SCMP_SYS(pidfd_open),
    SCMP_SYS(pidfd_send_signal),
    SCMP_SYS(pidfd_getfd),
    SCMP_SYS(kcmp),
    SCMP_SYS(process_madvise),
    /* new sockets (the zygote talks over the socketpair it was given) */
    SCMP_SYS(socket),
    SCMP_SYS(socketpair),
    SCMP_SYS(connect),
    SCMP_SYS(bind),
    SCMP_SYS(listen),
    SCMP_SYS(accept),
    SCMP_SYS(accept4),
    /* namespaces, mounts, root */
    SCMP_SYS(unshare),
    SCMP_SYS(setns),
    SCMP_SYS(mount),
    SCMP_SYS(umount2),
    SCMP_SYS(pivot_root),
    SCMP_SYS(chroot),
    SCMP_SYS(open_tree),
    SCMP_SYS(move_mount),
    SCMP_SYS(fsopen),
    SCMP_SYS(fsmount),
    SCMP_SYS(fsconfig),
    SCMP_SYS(fspick),
    SCMP_SYS(mount_setattr),
    SCMP_SYS(name_to_handle_at),
    SCMP_SYS(open_by_handle_at),
    /* the kernel's riskier interfaces */
    SCMP_SYS(bpf),
    SCMP_SYS(perf_event_open),
    SCMP_SYS(userfaultfd),
    SCMP_SYS(io_uring_setup),
    SCMP_SYS(io_uring_enter),
    SCMP_SYS(io_uring_register),
    SCMP_SYS(keyctl),
    SCMP_SYS(add_key),
    SCMP_SYS(request_key),
    SCMP_SYS(init_module),
    SCMP_SYS(finit_module),
    SCMP_SYS(delete_module),
    SCMP_SYS(kexec_load),
    SCMP_SYS(kexec_file_load),
    SCMP_SYS(reboot),
    SCMP_SYS(swapon),
    SCMP_SYS(swapoff),
    SCMP_SYS(acct),
    SCMP_SYS(quotactl),
    SCMP_SYS(setuid),
    SCMP_SYS(setgid),
    SCMP_SYS(setreuid),
    SCMP_SYS(setregid),
    SCMP_SYS(setresuid),
    SCMP_SYS(setresgid),
    SCMP_SYS(setgroups),
    SCMP_SYS(personality),
};

/* The deny-list of the zygote; NULL with err. */
static scmp_filter_ctx build_deny_list(char *err, size_t errlen) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) {
        snprintf(err, errlen, "seccomp_init failed for the zygote's filter");
        return NULL;
    }
    int rc = add_calls(ctx, SCMP_ACT_KILL_PROCESS, denied_syscalls,
                       sizeof denied_syscalls / sizeof denied_syscalls[0]);
    if (rc != 0) {
        snprintf(err, errlen, "cannot build the zygote's filter: %s", strerror(-rc));
        seccomp_release(ctx);
        return NULL;
    }
    return ctx;
}

/* See filter_rules.h. */
const char *frules_symbol(frules_filter filter) {
    static const char *const names[FRULES_COUNT] = {"lsb_filter_run", "lsb_filter_session",
                                                    "lsb_filter_zygote"};
    return filter < FRULES_COUNT ? names[filter] : NULL;
}

/* See filter_rules.h. */
scmp_filter_ctx frules_build(frules_filter filter, char *err, size_t errlen) {
    switch (filter) {
    case FRULES_RUN:
    case FRULES_SESSION: return build_allow_list(filter, err, errlen);
    case FRULES_ZYGOTE: return build_deny_list(err, errlen);
    default: snprintf(err, errlen, "no such filter: %d", (int)filter); return NULL;
    }
}

/* Export ctx's program into *insns and *count; 0, or -1 with err. */
static int export_program(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *count, char *err,
                          size_t errlen) {
    int fd = memfd_create("lsb-seccomp", MFD_CLOEXEC);
    struct stat st;
    int rc = fd < 0 ? -1 : seccomp_export_bpf(ctx, fd);
    if (rc == 0 && (fstat(fd, &st) != 0 || st.st_size <= 0 ||
                    st.st_size > FRULES_MAX_INSNS * (off_t)sizeof(struct sock_filter) ||
                    st.st_size % (off_t)sizeof(struct sock_filter) != 0))
        rc = -1;
    *insns = rc == 0 ? malloc((size_t)st.st_size) : NULL;
    if (*insns == NULL || lseek(fd, 0, SEEK_SET) != 0 ||
        util_read_upto(fd, *insns, (size_t)st.st_size) != (ssize_t)st.st_size)
        rc = -1;
    if (fd >= 0) close(fd);
    if (rc != 0) {
        free(*insns);
        *insns = NULL;
        snprintf(err, errlen, "cannot export the seccomp filter");
        return -1;
    }
    *count = (size_t)st.st_size / sizeof **insns;
    return 0;
}

/* See filter_rules.h. */
int frules_compile(frules_filter filter, struct sock_filter **insns, size_t *count, char *err,
                   size_t errlen) {
    scmp_filter_ctx ctx = frules_build(filter, err, errlen);
    if (ctx == NULL) return -1;
    int rc = export_program(ctx, insns, count, err, errlen);
    seccomp_release(ctx);
    return rc;
}
