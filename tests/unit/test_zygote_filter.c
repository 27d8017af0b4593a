/*
 * test_zygote_filter.c - the zygote's own seccomp filter
 * (sandbox/zygote_filter.c), each case in a forked child that installs it
 * and makes one raw system call:
 *  - refused, the child dies by SIGSYS: execve, kill of another process
 *    (here its parent: the test process must live), ptrace, pidfd_open,
 *    a new socket, unshare;
 *  - allowed: what a zygote and its children do before their own profile
 *    (fork, a pipe, signalling itself), and then installing a child's
 *    profile on top (lockdown.h), which still applies.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/lockdown.h"
#include "sandbox/zygote_filter.h"

/* The calls a child can try under the filter. */
typedef enum attempt {
    TRY_EXECVE,
    TRY_KILL_PARENT,
    TRY_PTRACE,
    TRY_PIDFD_OPEN,
    TRY_SOCKET,
    TRY_UNSHARE,
    TRY_FORK_PIPE_SELF, /* fork, pipe2, kill(self, 0): all allowed */
    TRY_STACKED_RUN     /* then LOCKDOWN_RUN on top: fork is refused again */
} attempt;

/* Make the call of a in this (filtered) child; returns what it returned. */
static long try_call(attempt a) {
    char *argv[] = {"/bin/true", NULL}, *envp[] = {NULL};
    int p[2];
    char err[256];
    switch (a) {
    case TRY_EXECVE: return syscall(SYS_execve, "/bin/true", argv, envp);
    case TRY_KILL_PARENT: return syscall(SYS_kill, getppid(), 0);
    case TRY_PTRACE: return syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
    case TRY_PIDFD_OPEN: return syscall(SYS_pidfd_open, getppid(), 0);
    case TRY_SOCKET: return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    case TRY_UNSHARE: return syscall(SYS_unshare, CLONE_NEWUSER);
    case TRY_FORK_PIPE_SELF: {
        pid_t c = fork();
        if (c == 0) _exit(0);
        if (c < 0 || waitpid(c, NULL, 0) != c || pipe2(p, 0) != 0) return -1;
        return syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0);
    }
    case TRY_STACKED_RUN:
        if (lockdown_apply(LOCKDOWN_RUN, NULL, 0, err, sizeof err) < 0) _exit(4);
        return syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL);
    }
    return -1;
}

/* Fork a child that installs the zygote filter and tries a; its wait
 * status. The child exits 0 if the call worked, 3 if it failed without
 * killing it, 4 if a filter could not be installed. */
static int run_attempt(attempt a) {
    char err[256] = "";
    pid_t pid = fork();
    if (pid == 0) {
        if (zyg_filter_apply(err, sizeof err) != 0) _exit(4);
        long rc = try_call(a);
        if (rc == 0 && a == TRY_STACKED_RUN) _exit(0); /* the new process, if any */
        _exit(rc < 0 ? 3 : 0);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

/* Assert that status is a death by SIGSYS (a filter's verdict). */
static void assert_killed(int status) {
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* What no zygote and no child of one needs kills the process. */
static void test_refused_calls_kill(void **state) {
    (void)state;
    assert_killed(run_attempt(TRY_EXECVE));
    assert_killed(run_attempt(TRY_KILL_PARENT));
    assert_killed(run_attempt(TRY_PTRACE));
    assert_killed(run_attempt(TRY_PIDFD_OPEN));
    assert_killed(run_attempt(TRY_SOCKET));
    assert_killed(run_attempt(TRY_UNSHARE));
}

/* A zygote's own work still runs, and a child's profile stacks on top. */
static void test_zygote_work_allowed(void **state) {
    (void)state;
    int status = run_attempt(TRY_FORK_PIPE_SELF);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_killed(run_attempt(TRY_STACKED_RUN));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_calls_kill),
        cmocka_unit_test(test_zygote_work_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
