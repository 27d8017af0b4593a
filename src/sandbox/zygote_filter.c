/*
 * zygote_filter.c - the zygote's own seccomp filter (see zygote_filter.h).
 *
 * A deny-list, unlike the children's allow-lists (lockdown.c): the filter
 * stays on every child the zygote forks, under the child's own profile,
 * so an allow-list here would have to repeat the union of those profiles
 * and of everything a child does before it installs its own, and would
 * break them the day one of them grows. What it refuses is what neither a
 * zygote nor any of its children ever needs, so that a fault in the
 * zygote's request decoding, or code that got out of a child before its
 * own profile, still cannot: run another program, trace or read another
 * process, signal one or take its pidfd, open a new socket, change
 * namespaces or mounts, or reach the kernel's riskier interfaces. A
 * refused call kills the process.
 */
#include "sandbox/zygote_filter.h"

#include <seccomp.h>
#include <stdio.h>
#include <string.h>

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

/* See zygote_filter.h. */
int zyg_filter_apply(char *err, size_t errlen) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) {
        snprintf(err, errlen, "seccomp_init failed for the zygote's filter");
        return -1;
    }
    int rc = 0;
    size_t count = sizeof denied_syscalls / sizeof denied_syscalls[0];
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, denied_syscalls[i], 0);
    if (rc == 0) rc = seccomp_load(ctx); /* sets no_new_privs first (libseccomp's default) */
    seccomp_release(ctx);
    if (rc != 0) snprintf(err, errlen, "cannot install the zygote's filter: %s", strerror(-rc));
    return rc == 0 ? 0 : -1;
}
