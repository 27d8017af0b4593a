/*
 * test_lockdown.c - the process rules of the two seccomp profiles
 * (sandbox/lockdown.c), each checked in a forked child that installs the
 * profile and then makes one raw system call:
 *  - LOCKDOWN_RUN (a one-shot run child) may create no process or thread at
 *    all: clone (even with fork's flags), clone3, fork and vfork kill it;
 *  - LOCKDOWN_SESSION (a session process and its run children, each of
 *    which may become the session) may fork, but clone with any other flag
 *    (a thread, a shared address space, a namespace), clone3 and vfork still
 *    kill it.
 * A killed child shows up as terminated by SIGSYS (SCMP_ACT_KILL_PROCESS).
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/lockdown.h"

/* The process-creating calls a child can try. */
typedef enum attempt { TRY_CLONE_FORK, TRY_CLONE_THREAD, TRY_CLONE3, TRY_FORK, TRY_VFORK } attempt;

/* Make the raw call of a; returns what it returned (the new child, if one
 * was created, exits at once). */
static long try_call(attempt a) {
    long rc = -1;
    switch (a) {
    case TRY_CLONE_FORK: rc = syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL); break;
    case TRY_CLONE_THREAD: {
        unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
        rc = syscall(SYS_clone, flags, 0UL, 0UL, 0UL, 0UL); /* no stack: never returns here */
        break;
    }
    case TRY_CLONE3: {
        uint64_t args[11] = {0};
        args[4] = SIGCHLD; /* exit_signal */
        rc = syscall(SYS_clone3, args, sizeof args);
        break;
    }
    case TRY_FORK: rc = syscall(SYS_fork); break;
    case TRY_VFORK: rc = syscall(SYS_vfork); break;
    }
    if (rc == 0) _exit(0); /* the new process, if the call was allowed */
    return rc;
}

/* Fork a child that installs profile and tries a; its wait status. The
 * child exits 0 if the call worked, 3 if the call failed without killing it,
 * 4 if the filter could not be installed. */
static int run_attempt(lockdown_profile profile, attempt a) {
    char err[256] = "";
    assert_int_equal(lockdown_prepare(err, sizeof err), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (lockdown_apply(profile, err, sizeof err) != 0) _exit(4);
        long rc = try_call(a);
        if (rc < 0) _exit(3);
        int status = 0;
        _exit(waitpid((pid_t)rc, &status, 0) == rc ? 0 : 5);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

/* Assert that status is a death by SIGSYS (the filter's verdict). */
static void assert_killed(int status) {
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* A one-shot run child can create no process and no thread. */
static void test_run_profile_refuses_processes(void **state) {
    (void)state;
    assert_killed(run_attempt(LOCKDOWN_RUN, TRY_CLONE_FORK));
    assert_killed(run_attempt(LOCKDOWN_RUN, TRY_CLONE_THREAD));
    assert_killed(run_attempt(LOCKDOWN_RUN, TRY_CLONE3));
    assert_killed(run_attempt(LOCKDOWN_RUN, TRY_FORK));
    assert_killed(run_attempt(LOCKDOWN_RUN, TRY_VFORK));
}

/* A session process may fork (its runs need it), and nothing else. */
static void test_session_profile_allows_fork_only(void **state) {
    (void)state;
    int status = run_attempt(LOCKDOWN_SESSION, TRY_CLONE_FORK);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_killed(run_attempt(LOCKDOWN_SESSION, TRY_CLONE_THREAD));
    assert_killed(run_attempt(LOCKDOWN_SESSION, TRY_CLONE3));
    assert_killed(run_attempt(LOCKDOWN_SESSION, TRY_FORK));
    assert_killed(run_attempt(LOCKDOWN_SESSION, TRY_VFORK));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_profile_refuses_processes),
        cmocka_unit_test(test_session_profile_allows_fork_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
