/*
 * test_lockdown.c - the confinement of a process that runs guest code
 * (sandbox/lockdown.c, landlock.c), each checked in a forked child that
 * takes the very lockdown a run child or a session process gets
 * (worker_lockdown over a temporary workspace) and then makes raw system
 * calls, as native code that escaped WebAssembly would, bypassing WASI.
 *
 * Files (Landlock): outside the mounts nothing opens, is created, removed,
 * renamed into or linked from (EACCES, or EXDEV across a mount), not even
 * through a symlink planted in the workspace; inside, the workspace is
 * read-write and /data read-only. Landlock alone (no seccomp) refuses the
 * same, so the two walls do not lean on each other. A kernel without
 * Landlock (simulated by a filter that answers ENOSYS) degrades to one
 * warning; a Landlock that refuses a mount fails the lockdown. The filter
 * lets the file calls through only with the flags the WASI host uses
 * (linkat without AT_SYMLINK_FOLLOW, renameat2 without RENAME_EXCHANGE,
 * ...): any other kills the child. arch_prctl is allowed only to set %gs
 * (where the runtime keeps the guest's memory base): reading %fs kills.
 *
 * Processes: RLIMIT_NPROC is 0 in a one-shot run child and bounded in a
 * session, no_new_privs and the seccomp filter are on (/proc/PID/status),
 * and the seccomp profiles' process rules:
 *  - LOCKDOWN_RUN (a one-shot run child) may create no process or thread at
 *    all: clone (even with fork's flags), clone3, fork and vfork kill it;
 *  - LOCKDOWN_SESSION (a session process and its run children, each of
 *    which may become the session) may fork, but clone with any other flag
 *    (a thread, a shared address space, a namespace), clone3 and vfork still
 *    kill it.
 * A killed child shows up as terminated by SIGSYS (SCMP_ACT_KILL_PROCESS).
 */
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <seccomp.h>

#include "sandbox/landlock.h"
#include "sandbox/lockdown.h"
#include "sandbox/worker.h"

/* Text written through the lockdown, to check it arrives whole. */
#define TEXT "café ☕ 日本"

/* The folders of one test: a workspace (/app), a read-only /data, and a
 * folder outside every mount holding a secret. */
typedef struct dirs {
    char ws[64], data[64], outside[64];
    char secret[128], data_file[128];
} dirs;

static dirs D;

/* Write text to path (host side, before any lockdown). */
static void put_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Make the three folders and their files (fresh for each test). */
static int make_dirs(void **state) {
    (void)state;
    snprintf(D.ws, sizeof D.ws, "/tmp/lsb-ll-ws-XXXXXX");
    snprintf(D.data, sizeof D.data, "/tmp/lsb-ll-data-XXXXXX");
    snprintf(D.outside, sizeof D.outside, "/tmp/lsb-ll-out-XXXXXX");
    if (!mkdtemp(D.ws) || !mkdtemp(D.data) || !mkdtemp(D.outside)) return -1;
    snprintf(D.secret, sizeof D.secret, "%s/secret", D.outside);
    snprintf(D.data_file, sizeof D.data_file, "%s/vendored.txt", D.data);
    put_file(D.secret, "secret " TEXT);
    put_file(D.data_file, "data " TEXT);
    return 0;
}

/* Remove the folders again. */
static int remove_dirs(void **state) {
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", D.ws, D.data, D.outside);
    return system(cmd) == 0 ? 0 : -1;
}

/* The request a run child gets for the test's folders. */
static worker_request test_request(void) {
    worker_request req = {.workspace = D.ws, .data_dir = D.data};
    return req;
}

/* openat2 as the WASI host calls it, but from the root: no RESOLVE_BENEATH,
 * as native code would. The fd, or -errno. */
static int raw_open(const char *path, int flags) {
    struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC};
    if (flags & O_CREAT) how.mode = 0600; /* openat2 refuses a mode without O_CREAT */
    long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    return fd < 0 ? -errno : (int)fd;
}

/* Path p joined below folder dir, in a static buffer (one at a time). */
static const char *in(const char *dir, const char *p) {
    static char buf[2][192];
    static int n;
    n ^= 1;
    snprintf(buf[n], sizeof buf[n], "%s/%s", dir, p);
    return buf[n];
}

/* Whether rc is a Landlock refusal: EACCES, or EXDEV for a rename or link
 * across a mount's edge. */
static bool refused(long rc) { return rc == -EACCES || rc == -EXDEV; }

/* A raw call's result: its value, or -errno. */
static long r(long rc) { return rc < 0 ? -errno : rc; }

/* In the child, the attempts outside the mounts; the number of the first
 * one that was not refused, or 0. */
static int attack_outside(void) {
    int fd;
    if (!refused(raw_open(D.secret, O_RDONLY))) return 10;
    if (!refused(raw_open("/etc/passwd", O_RDONLY))) return 11;
    if (!refused(raw_open(in(D.outside, "new"), O_WRONLY | O_CREAT))) return 12;
    if (!refused(raw_open(D.outside, O_RDONLY | O_DIRECTORY))) return 13;
    if (!refused(r(syscall(SYS_unlinkat, AT_FDCWD, D.secret, 0)))) return 14;
    if (!refused(r(syscall(SYS_mkdirat, AT_FDCWD, in(D.outside, "d"), 0700)))) return 15;
    if (!refused(r(syscall(SYS_linkat, AT_FDCWD, D.secret, AT_FDCWD, in(D.ws, "l"), 0)))) return 16;
    if (!refused(r(syscall(SYS_renameat, AT_FDCWD, D.secret, AT_FDCWD, in(D.ws, "s"))))) return 17;
    if ((fd = raw_open(in(D.ws, "mine"), O_WRONLY | O_CREAT)) < 0) return 18;
    close(fd);
    if (!refused(
            r(syscall(SYS_renameat, AT_FDCWD, in(D.ws, "mine"), AT_FDCWD, in(D.outside, "mine")))))
        return 19;
    /* a link may be planted, but not followed out */
    if (r(syscall(SYS_symlinkat, D.secret, AT_FDCWD, in(D.ws, "link"))) != 0) return 20;
    if (!refused(raw_open(in(D.ws, "link"), O_RDONLY))) return 21;
    return 0;
}

/* In the child, what the mounts allow: /app read-write, /data read-only;
 * the number of the first check that failed, or 0. */
static int use_mounts(void) {
    char buf[64] = "";
    int fd = raw_open(in(D.ws, "out.txt"), O_WRONLY | O_CREAT | O_TRUNC);
    if (fd < 0 || write(fd, TEXT, strlen(TEXT)) != (ssize_t)strlen(TEXT)) return 30;
    close(fd);
    if (r(syscall(SYS_mkdirat, AT_FDCWD, in(D.ws, "sub"), 0700)) != 0) return 31;
    if (r(syscall(SYS_renameat, AT_FDCWD, in(D.ws, "out.txt"), AT_FDCWD, in(D.ws, "sub/out.txt"))))
        return 32;
    if ((fd = raw_open(D.data_file, O_RDONLY)) < 0 || read(fd, buf, sizeof buf - 1) <= 0) return 33;
    close(fd);
    if (strcmp(buf, "data " TEXT) != 0) return 34;
    if (!refused(raw_open(D.data_file, O_WRONLY))) return 35;
    if (!refused(raw_open(in(D.data, "new"), O_WRONLY | O_CREAT))) return 36;
    if (!refused(r(syscall(SYS_unlinkat, AT_FDCWD, D.data_file, 0)))) return 37;
    if (r(syscall(SYS_mkdirat, AT_FDCWD, in(D.ws, "gone"), 0700)) != 0 ||
        r(syscall(SYS_unlinkat, AT_FDCWD, in(D.ws, "gone"), AT_REMOVEDIR)) != 0)
        return 38;
    if ((fd = raw_open(in(D.ws, "n1"), O_WRONLY | O_CREAT)) < 0) return 39;
    close(fd);
    if (r(syscall(SYS_renameat2, AT_FDCWD, in(D.ws, "n1"), AT_FDCWD, in(D.ws, "n2"),
                  RENAME_NOREPLACE)) != 0)
        return 40;
    return 0;
}

/* Fork a child that takes profile's lockdown (worker_lockdown, or with
 * landlock_only just ll_restrict) and runs the checks; its exit code. */
static int confined_child(lockdown_profile profile, bool landlock_only) {
    pid_t pid = fork();
    if (pid == 0) {
        char err[256] = "";
        worker_request req = test_request();
        ll_mount mounts[] = {{D.ws, true}, {D.data, false}};
        if (landlock_only) {
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
                ll_restrict(mounts, 2, err, sizeof err) != 1)
                _exit(2);
        } else if (worker_lockdown(&req, profile, err, sizeof err) != 0) {
            _exit(2);
        }
        int bad = attack_outside();
        _exit(bad != 0 ? bad : use_mounts());
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* After the child: the secret is still there and was never moved, and
 * what the child wrote inside the workspace is there, whole. */
static void assert_host_side(void) {
    char buf[64] = "";
    FILE *f = fopen(in(D.ws, "sub/out.txt"), "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, TEXT);
    struct stat st;
    assert_int_equal(stat(D.secret, &st), 0);
    assert_int_equal(stat(in(D.outside, "mine"), &st), -1);
    assert_int_equal(stat(in(D.outside, "d"), &st), -1);
    assert_int_equal(stat(in(D.data, "new"), &st), -1);
}

/* A one-shot run child reaches its mounts and nothing else. */
static void test_run_child_files_confined(void **state) {
    (void)state;
    assert_int_equal(ll_abi() >= 1, 1); /* this kernel (6.x) has Landlock */
    assert_int_equal(confined_child(LOCKDOWN_RUN, false), 0);
    assert_host_side();
}

/* A session process too (and its run children inherit it). */
static void test_session_files_confined(void **state) {
    (void)state;
    assert_int_equal(confined_child(LOCKDOWN_SESSION, false), 0);
    assert_host_side();
}

/* Landlock holds by itself, with no seccomp filter behind it. */
static void test_landlock_alone(void **state) {
    (void)state;
    assert_int_equal(confined_child(LOCKDOWN_RUN, true), 0);
    assert_host_side();
}

/* Plain open and openat are not even reachable: the filter kills them. */
static void test_plain_open_killed(void **state) {
    (void)state;
    pid_t pid = fork();
    if (pid == 0) {
        char err[256] = "";
        worker_request req = test_request();
        if (worker_lockdown(&req, LOCKDOWN_RUN, err, sizeof err) != 0) _exit(2);
        syscall(SYS_openat, AT_FDCWD, in(D.ws, "x"), O_RDONLY);
        _exit(0);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* In the child: hide Landlock behind an ENOSYS filter, take the run
 * lockdown, and check it degrades: 1, the warning, files still usable.
 * The number of the first failed check, or 0. */
static int degraded_child(void) {
    char err[256] = "";
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(landlock_create_ruleset), 0) != 0 ||
        seccomp_load(ctx) != 0)
        return 40;
    if (ll_abi() != 0) return 41; /* the parent must not have probed first */
    worker_request req = test_request();
    if (worker_lockdown(&req, LOCKDOWN_RUN, err, sizeof err) != 1) return 42;
    if (strcmp(err, LL_MISSING_WARNING) != 0) return 43;
    int fd = raw_open(in(D.ws, "still.txt"), O_WRONLY | O_CREAT);
    if (fd < 0 || write(fd, TEXT, strlen(TEXT)) != (ssize_t)strlen(TEXT)) return 44;
    return 0;
}

/* A kernel without Landlock: runs go on, with exactly one warning line on
 * stderr and the warning text for the run's result. Must run before any
 * test probes Landlock in this process (the answer is cached and
 * inherited). */
static void test_no_landlock_degrades(void **state) {
    (void)state;
    int errpipe[2];
    assert_int_equal(pipe(errpipe), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(errpipe[1], STDERR_FILENO);
        close(errpipe[0]);
        _exit(degraded_child());
    }
    close(errpipe[1]);
    char text[512] = "";
    ssize_t n, len = 0;
    while ((n = read(errpipe[0], text + len, sizeof text - 1 - (size_t)len)) > 0)
        len += n;
    close(errpipe[0]);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_string_equal(text, "llm-sandbox: warning: " LL_MISSING_WARNING "\n");
    struct stat st;
    assert_int_equal(stat(in(D.ws, "still.txt"), &st), 0);
    assert_int_equal(st.st_size, (off_t)strlen(TEXT));
}

/* Assert that status is a death by SIGSYS (the filter's verdict). */
static void assert_killed(int status) {
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* The file calls with a flag the WASI host never passes. */
typedef enum bad_flags {
    BAD_LINK_FOLLOW,
    BAD_UNLINK_FLAG,
    BAD_RENAME_EXCHANGE,
    BAD_OPEN_HOW,
    BAD_ARCH_PRCTL
} bad_flags;

/* Fork a child that takes the run lockdown and makes the call b; its
 * wait status. */
static int try_bad_flags(bad_flags b) {
    pid_t pid = fork();
    if (pid == 0) {
        char err[256] = "", how[32] = {0};
        worker_request req = test_request();
        int fd = raw_open(in(D.ws, "f"), O_WRONLY | O_CREAT);
        if (fd < 0 || worker_lockdown(&req, LOCKDOWN_RUN, err, sizeof err) != 0) _exit(2);
        const char *f = in(D.ws, "f"), *g = in(D.ws, "g");
        switch (b) {
        case BAD_LINK_FOLLOW:
            syscall(SYS_linkat, AT_FDCWD, f, AT_FDCWD, g, AT_SYMLINK_FOLLOW);
            break;
        case BAD_UNLINK_FLAG: syscall(SYS_unlinkat, AT_FDCWD, f, 0x8000); break;
        case BAD_RENAME_EXCHANGE:
            syscall(SYS_renameat2, AT_FDCWD, f, AT_FDCWD, g, RENAME_EXCHANGE);
            break;
        case BAD_OPEN_HOW: syscall(SYS_openat2, AT_FDCWD, f, how, sizeof how); break;
        case BAD_ARCH_PRCTL: { /* reading %fs is harmless, but only ARCH_SET_GS is allowed */
            unsigned long fs_base = 0;
            syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_base);
            break;
        }
        }
        _exit(0);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

/* The seccomp filter checks the flags of the file calls it allows. */
static void test_file_call_flags_checked(void **state) {
    (void)state;
    assert_killed(try_bad_flags(BAD_LINK_FOLLOW));
    assert_killed(try_bad_flags(BAD_UNLINK_FLAG));
    assert_killed(try_bad_flags(BAD_RENAME_EXCHANGE));
    assert_killed(try_bad_flags(BAD_OPEN_HOW));
    assert_killed(try_bad_flags(BAD_ARCH_PRCTL));
}

/* The runtime points %gs at guest memory before each guest call
 * (runtime.c), after the lockdown: ARCH_SET_GS must stay allowed. */
static void test_set_gs_allowed(void **state) {
    (void)state;
    static char page[64];
    pid_t pid = fork();
    if (pid == 0) {
        char err[256] = "";
        worker_request req = test_request();
        if (worker_lockdown(&req, LOCKDOWN_RUN, err, sizeof err) != 0) _exit(2);
        if (syscall(SYS_arch_prctl, ARCH_SET_GS, page) != 0) _exit(3);
        _exit(0);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A mount the lockdown cannot open fails it: closed, not open. */
static void test_missing_mount_fails_closed(void **state) {
    (void)state;
    pid_t pid = fork();
    if (pid == 0) {
        char err[256] = "";
        worker_request req = test_request();
        req.external_dir = "/nonexistent/lsb-ll-external";
        int rc = worker_lockdown(&req, LOCKDOWN_RUN, err, sizeof err);
        _exit(rc == -1 && strstr(err, "Landlock") && strstr(err, req.external_dir) ? 0 : 1);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

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
    pid_t pid = fork();
    if (pid == 0) {
        worker_request req = test_request();
        if (worker_lockdown(&req, profile, err, sizeof err) != 0) _exit(4);
        long rc = try_call(a);
        if (rc < 0) _exit(3);
        int status = 0;
        _exit(waitpid((pid_t)rc, &status, 0) == rc ? 0 : 5);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
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

/* The value of field in /proc/PID/status, or "" (a static buffer). */
static const char *status_field(pid_t pid, const char *field) {
    static char value[64];
    char path[64], line[256];
    value[0] = '\0';
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, n) == 0 && line[n] == ':') sscanf(line + n + 1, " %63s", value);
    fclose(f);
    return value;
}

/* Fork a child that takes profile's lockdown and then waits; return its
 * RLIMIT_NPROC (read from outside with prlimit) after checking that
 * no_new_privs and a seccomp filter are on. */
static struct rlimit locked_limits(lockdown_profile profile) {
    int gate[2];
    assert_int_equal(pipe(gate), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char err[256] = "", byte;
        worker_request req = test_request();
        close(gate[1]);
        if (worker_lockdown(&req, profile, err, sizeof err) != 0) _exit(2);
        _exit(read(gate[0], &byte, 1) == 0 ? 0 : 3); /* until the parent closes the gate */
    }
    close(gate[0]);
    struct rlimit lim = {0, 0};
    for (int i = 0; i < 200 && strcmp(status_field(pid, "Seccomp"), "2") != 0; i++)
        usleep(10000);
    assert_string_equal(status_field(pid, "Seccomp"), "2");
    assert_string_equal(status_field(pid, "NoNewPrivs"), "1");
    assert_int_equal(prlimit(pid, RLIMIT_NPROC, NULL, &lim), 0);
    close(gate[1]);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    return lim;
}

/* A one-shot run child may have no process of its own at all. */
static void test_run_process_cap_zero(void **state) {
    (void)state;
    struct rlimit lim = locked_limits(LOCKDOWN_RUN);
    assert_int_equal(lim.rlim_cur, 0);
    assert_int_equal(lim.rlim_max, 0);
}

/* A session's cap is the machine's tasks at its start plus the headroom:
 * finite, and above what runs now. */
static void test_session_process_cap(void **state) {
    (void)state;
    struct sysinfo before, after;
    assert_int_equal(sysinfo(&before), 0);
    struct rlimit lim = locked_limits(LOCKDOWN_SESSION);
    assert_int_equal(sysinfo(&after), 0);
    assert_int_equal(lim.rlim_cur, lim.rlim_max);
    assert_true(lim.rlim_max != RLIM_INFINITY);
    assert_true(lim.rlim_max >= (rlim_t)before.procs + LOCKDOWN_SESSION_NPROC_HEADROOM - 64);
    assert_true(lim.rlim_max <= (rlim_t)after.procs + LOCKDOWN_SESSION_NPROC_HEADROOM + 64);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_landlock_degrades, make_dirs,
                                        remove_dirs), /* 1st */
        cmocka_unit_test_setup_teardown(test_run_child_files_confined, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_session_files_confined, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_landlock_alone, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_plain_open_killed, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_missing_mount_fails_closed, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_file_call_flags_checked, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_set_gs_allowed, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_run_process_cap_zero, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_session_process_cap, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_run_profile_refuses_processes, make_dirs, remove_dirs),
        cmocka_unit_test_setup_teardown(test_session_profile_allows_fork_only, make_dirs,
                                        remove_dirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
