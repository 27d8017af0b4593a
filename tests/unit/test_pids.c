/*
 * test_pids.c - the host signals only its own kin (sandbox/kin.c and the
 * host side of a live session, session/live.c), issue 14's "Pids".
 *
 * A bystander (a process of the same user that the sandbox did not start:
 * here a child of the test, paused) must survive every case. The kin_
 * cases check the verification itself; the sess_live_run cases drive the
 * real host code against a fake session process (a forked child speaking
 * the protocol of session/proc.c) that lies about pids: it names the
 * bystander, the host, or itself as its run, or the bystander as the
 * session's holder afterwards. Each lie must lose the session with a clear
 * error and kill nobody; the honest fake must still run, be killed at its
 * deadline and hand the session over on commit.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/channel.h"
#include "sandbox/ipc.h"
#include "sandbox/kin.h"
#include "session/live.h"
#include "session/proc.h"

#define TEXT "café ☕ 日本\n"

/* The process no one may kill. */
static pid_t bystander;

/* Fork a child that waits for a signal; its pid. */
static pid_t start_sleeper(void) {
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a test that dies leaves none behind */
        for (;;)
            pause();
    }
    assert_true(pid > 0);
    return pid;
}

/* Whether our child pid is still running (not a zombie, not reaped). */
static bool child_running(pid_t pid) {
    siginfo_t si = {0};
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == 0;
}

/* Kill and reap our child pid; its wait status. */
static int end_child(pid_t pid) {
    int status = 0;
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

/* Start the bystander; the test process adopts orphans (so it can reap the
 * fake sessions' runs too). */
static int setup(void **state) {
    (void)state;
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    bystander = start_sleeper();
    return 0;
}

/* End the bystander and reap everything left. */
static int teardown(void **state) {
    (void)state;
    end_child(bystander);
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    return 0;
}

/* kin_open_child holds our own child, and the pidfd kills it. */
static void test_kin_own_child(void **state) {
    (void)state;
    char why[128] = "";
    pid_t c = start_sleeper();
    int fd = kin_open_child(c, getpid(), -1, why, sizeof why);
    assert_true(fd >= 0);
    assert_true(kin_running(fd));
    kin_kill(fd);
    int status = end_child(c);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_false(kin_running(fd));
    close(fd);
}

/* A grandchild is not a child: refused, with the real parent in why. */
static void test_kin_grandchild_refused(void **state) {
    (void)state;
    char why[160] = "", expect[64];
    pid_t c = start_sleeper();
    /* the bystander's parent is us, so for the "parent" c it is a stranger */
    assert_int_equal(kin_open_child(bystander, c, -1, why, sizeof why), KIN_STRANGER);
    snprintf(expect, sizeof expect, "its parent is %d, not %d", (int)getpid(), (int)c);
    assert_non_null(strstr(why, expect));
    assert_true(child_running(bystander));
    end_child(c);
}

/* A pid that names nothing, the parent itself, or nonsense. */
static void test_kin_gone_and_nonsense(void **state) {
    (void)state;
    char why[128] = "";
    pid_t c = start_sleeper();
    end_child(c); /* reaped: the pid names nothing now (until recycled) */
    assert_int_equal(kin_open_child(c, getpid(), -1, why, sizeof why), KIN_GONE);
    assert_int_equal(kin_open_child(0, getpid(), -1, why, sizeof why), KIN_STRANGER);
    assert_int_equal(kin_open_child(-1, getpid(), -1, why, sizeof why), KIN_STRANGER);
    assert_int_equal(kin_open_child(getpid(), getpid(), -1, why, sizeof why), KIN_STRANGER);
}

/* A parent whose pidfd shows it ended cannot vouch for a child. */
static void test_kin_dead_parent(void **state) {
    (void)state;
    char why[128] = "";
    pid_t c = start_sleeper(), p = start_sleeper();
    int pfd = (int)syscall(SYS_pidfd_open, p, 0);
    assert_true(pfd >= 0);
    end_child(p);
    assert_int_equal(kin_open_child(c, getpid(), pfd, why, sizeof why), KIN_STRANGER);
    assert_non_null(strstr(why, "ended"));
    close(pfd);
    end_child(c);
}

/* How the fake session process behaves. */
typedef enum fake_mode {
    FAKE_NAMES_BYSTANDER, /* STARTED names the bystander */
    FAKE_NAMES_HOST,      /* STARTED names the host (its parent) */
    FAKE_NAMES_ITSELF,    /* STARTED names the session process */
    FAKE_READY_BYSTANDER, /* a real run, then READY names the bystander */
    FAKE_HONEST_HANG,     /* a real run that never ends */
    FAKE_HONEST_COMMIT    /* a real run that commits and holds the session */
} fake_mode;

/* Send one protocol message. */
static void send_msg(int ctl, sess_proc_msg_type type, pid_t pid) {
    sess_proc_msg msg = {.type = type, .pid = (int32_t)pid};
    ipc_send_all(ctl, &msg, sizeof msg);
}

/* Block until the host closes ctl, then exit. */
static _Noreturn void wait_eof(int ctl) {
    char b;
    while (read(ctl, &b, 1) > 0) {
    }
    _exit(0);
}

/* The fake run: announce, wait to be held, write output, end as m says. */
static _Noreturn void fake_run(int ctl, int out, int commit, fake_mode m) {
    char go = 0;
    send_msg(ctl, SESS_PROC_STARTED, getpid());
    if (ipc_read_all(ctl, &go, 1) != 0 || go != SESS_PROC_GO) _exit(3);
    chan_send(out, CHAN_STDOUT, TEXT, strlen(TEXT));
    if (m == FAKE_HONEST_HANG) wait_eof(ctl); /* never: the host kills it first */
    chan_done done = {.exit_code = 0};
    chan_send(out, CHAN_DONE, &done, sizeof done);
    close(out);
    if (m != FAKE_HONEST_COMMIT) _exit(0);
    char one = 1;
    pid_t parent = getppid();
    if (write(commit, &one, 1) != 1) _exit(3);
    while (getppid() == parent)
        usleep(1000);
    send_msg(ctl, SESS_PROC_READY, getpid());
    wait_eof(ctl);
}

/* The fake session process: take one request and lie (or not) as m says. */
static _Noreturn void fake_session(int ctl, fake_mode m) {
    ipc_request r;
    if (ipc_recv_request(ctl, &r) != 0) _exit(2);
    if (m <= FAKE_NAMES_ITSELF) {
        pid_t named = m == FAKE_NAMES_BYSTANDER ? bystander
                      : m == FAKE_NAMES_HOST    ? getppid()
                                                : getpid();
        send_msg(ctl, SESS_PROC_STARTED, named);
        wait_eof(ctl);
    }
    int commit[2];
    if (pipe(commit) != 0) _exit(2);
    pid_t c = fork();
    if (c == 0) fake_run(ctl, r.fd, commit[1], m);
    close(r.fd);
    close(commit[1]);
    char byte;
    if (read(commit[0], &byte, 1) == 1) _exit(0); /* the run holds the session now */
    waitpid(c, NULL, 0);
    send_msg(ctl, SESS_PROC_READY, m == FAKE_READY_BYSTANDER ? bystander : getpid());
    wait_eof(ctl);
}

/* One run of the host against a fake session in mode m. */
typedef struct fake_result {
    lsb_status st;
    lsb_result result;
    sess_live_outcome outcome;
    char err[512];
    pid_t session;    /* the fake session process */
    pid_t holder;     /* l.pid after the run (0: not live) */
    double elapsed_s; /* of the run */
} fake_result;

/* Run "code" in a fake live session in mode m (timeout 400 ms). */
static void run_fake(fake_mode m, fake_result *out) {
    int sv[2];
    memset(out, 0, sizeof *out);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    pid_t s = fork();
    if (s == 0) {
        close(sv[0]);
        fake_session(sv[1], m);
    }
    close(sv[1]);
    sess_live l = {.pid = s, .pidfd = (int)syscall(SYS_pidfd_open, s, 0), .ctl = sv[0]};
    assert_true(l.pidfd >= 0);
    lsb_policy policy;
    lsb_policy_init(&policy);
    policy.timeout_ms = 400;
    worker_request req = {.code = "print(1)", .code_len = 8, .filename = "<string>"};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    out->st =
        sess_live_run(&l, &req, &policy, &out->result, &out->outcome, out->err, sizeof out->err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->elapsed_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    out->session = s;
    out->holder = l.pid;
    sess_live_stop(&l);
}

/* Reap whatever the fakes left (all but the bystander). */
static void reap_fakes(pid_t session) {
    waitpid(session, NULL, 0);
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

/* A lie in STARTED loses the session, says why, and kills no one. */
static void check_refused(fake_mode m, const char *expect) {
    fake_result r;
    run_fake(m, &r);
    assert_int_equal(r.st, LSB_ERR_SYSTEM);
    assert_true(r.outcome.lost);
    assert_int_equal(r.holder, 0);
    assert_non_null(strstr(r.err, "named a run process that is not its own"));
    assert_non_null(strstr(r.err, expect));
    assert_true(child_running(bystander));
    reap_fakes(r.session);
    lsb_result_free(&r.result);
}

/* STARTED naming the bystander: refused, the bystander lives. */
static void test_live_started_names_bystander(void **state) {
    (void)state;
    char expect[64];
    snprintf(expect, sizeof expect, "pid %d is not its child", (int)bystander);
    check_refused(FAKE_NAMES_BYSTANDER, expect);
}

/* STARTED naming the host itself: refused (and we are still here). */
static void test_live_started_names_host(void **state) {
    (void)state;
    char expect[64];
    snprintf(expect, sizeof expect, "pid %d is not its child", (int)getpid());
    check_refused(FAKE_NAMES_HOST, expect);
}

/* STARTED naming the session process itself: refused. */
static void test_live_started_names_itself(void **state) {
    (void)state;
    check_refused(FAKE_NAMES_ITSELF, "is not a process it may name");
}

/* A real run, then READY naming the bystander: the session is lost, the
 * run's output still arrives, the bystander lives. */
static void test_live_ready_names_bystander(void **state) {
    (void)state;
    fake_result r;
    run_fake(FAKE_READY_BYSTANDER, &r);
    assert_int_equal(r.st, LSB_OK);
    assert_true(r.outcome.lost);
    assert_false(r.outcome.committed);
    assert_int_equal(r.holder, 0);
    assert_string_equal(r.result.stdout_data, TEXT);
    assert_true(child_running(bystander));
    reap_fakes(r.session);
    lsb_result_free(&r.result);
}

/* An honest run that hangs is killed at its deadline through its pidfd;
 * the session stays live, held by the same process. */
static void test_live_honest_deadline(void **state) {
    (void)state;
    fake_result r;
    run_fake(FAKE_HONEST_HANG, &r);
    assert_int_equal(r.st, LSB_OK);
    assert_int_equal(r.result.trap, LSB_TRAP_TIMEOUT);
    assert_false(r.outcome.lost);
    assert_int_equal(r.holder, r.session);
    assert_true(r.elapsed_s >= 0.35 && r.elapsed_s < 3.0);
    assert_string_equal(r.result.stdout_data, TEXT);
    assert_true(child_running(bystander));
    reap_fakes(r.session);
    lsb_result_free(&r.result);
}

/* An honest run that commits holds the session afterwards. */
static void test_live_honest_commit(void **state) {
    (void)state;
    fake_result r;
    run_fake(FAKE_HONEST_COMMIT, &r);
    assert_int_equal(r.st, LSB_OK);
    assert_true(r.result.success);
    assert_true(r.outcome.committed);
    assert_false(r.outcome.lost);
    assert_true(r.holder > 0 && r.holder != r.session);
    assert_string_equal(r.result.stdout_data, TEXT);
    assert_true(child_running(bystander));
    reap_fakes(r.session);
    lsb_result_free(&r.result);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kin_own_child),
        cmocka_unit_test(test_kin_grandchild_refused),
        cmocka_unit_test(test_kin_gone_and_nonsense),
        cmocka_unit_test(test_kin_dead_parent),
        cmocka_unit_test(test_live_started_names_bystander),
        cmocka_unit_test(test_live_started_names_host),
        cmocka_unit_test(test_live_started_names_itself),
        cmocka_unit_test(test_live_ready_names_bystander),
        cmocka_unit_test(test_live_honest_deadline),
        cmocka_unit_test(test_live_honest_commit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
