/*
 * proc.c - the live session process (see proc.h).
 *
 * The transaction rule lives here: a run's child signals "commit" on a
 * private pipe only after worker_execute reported success; its parent exits
 * on that byte and otherwise reaps the child and carries on. Between runs
 * the process sits in recvmsg on its control socket, under the session
 * lockdown (worker_lockdown: Landlock over its mounts, a process cap and
 * the session seccomp profile), holding only that socket and its mounts;
 * its run children inherit all of it.
 * A run's child announces itself (STARTED) and runs nothing until the
 * host answers SESS_PROC_GO, that is, until the host holds it by a pidfd.
 * Every process here dies with its parent (tether.h): a run's child is
 * tied to the session process and carries a backstop timer for its
 * deadline; a child that becomes the session drops both, and once its old
 * parent has exited, ties itself to the zygote that adopts it.
 */
#include "session/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/channel.h"
#include "sandbox/ipc.h"
#include "sandbox/tether.h"

/* The zygote that forked this session process (and adopts each run child
 * that takes the session over), recorded once it was checked. */
static pid_t session_zygote;

/* Send one message (with optional text) to the host; errors are ignored:
 * a host that went away shows up as EOF on the next receive. */
static void send_msg(int ctl, sess_proc_msg_type type, pid_t pid, const char *text) {
    sess_proc_msg msg = {.type = type, .pid = (int32_t)pid};
    if (text != NULL) msg.len = (uint32_t)strnlen(text, SESS_PROC_TEXT_MAX);
    if (ipc_send_all(ctl, &msg, sizeof msg) == 0 && msg.len > 0) ipc_send_all(ctl, text, msg.len);
}

/* In the run's child: execute, then commit (become the session) or exit.
 * parent is the session process that forked us. */
static void child_run(worker_instance *w, const worker_request *req, int ctl, int out_fd,
                      int commit_fd, pid_t parent) {
    send_msg(ctl, SESS_PROC_STARTED, getpid(), NULL);
    char go = 0;
    if (ipc_read_all(ctl, &go, 1) != 0 || go != SESS_PROC_GO) _exit(0); /* the host said no */
    if (req->timeout_ms > 0 && tether_backstop(req->timeout_ms, false) != 0) {
        const char *why = "the run could not arm its deadline backstop";
        chan_send(out_fd, CHAN_FAIL, why, strlen(why));
        _exit(0);
    }
    bool ok = worker_execute(w, req, out_fd);
    close(out_fd);
    if (!ok) _exit(0);
    tether_release(); /* we outlive the deadline and, on purpose, our parent */
    char byte = 1;
    if (ipc_write_all(commit_fd, &byte, 1) != 0) _exit(0); /* the parent stays the session */
    close(commit_fd);
    tether_adopted(parent, session_zygote);
    send_msg(ctl, SESS_PROC_READY, getpid(), NULL);
}

/* Take back a SESS_PROC_GO that a run killed before reading it left on
 * ctl (the host sent it before the kill, and sends nothing else before our
 * READY), so that the next request starts where it should. */
static void drain_go(int ctl) {
    char byte;
    ssize_t n;
    do
        n = recv(ctl, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    while (n < 0 && errno == EINTR);
    if (n == 1 && byte == SESS_PROC_GO) recv(ctl, &byte, 1, MSG_DONTWAIT);
}

/* In the parent: wait for the child's verdict; exit if it committed. */
static void parent_wait(pid_t child, int ctl, int commit_fd) {
    char byte;
    ssize_t n;
    do
        n = read(commit_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
    close(commit_fd);
    if (n == 1) _exit(0); /* the child holds the session now */
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
    }
    drain_go(ctl);
    send_msg(ctl, SESS_PROC_READY, getpid(), NULL);
}

/* Fork a child for one run; report a failure to fork as FAILED. */
static void fork_run(worker_instance *w, const worker_request *req, int ctl, int out_fd) {
    int commit[2];
    if (pipe2(commit, O_CLOEXEC) != 0) {
        close(out_fd);
        send_msg(ctl, SESS_PROC_FAILED, getpid(), "the session could not create a pipe");
        return;
    }
    pid_t self = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        tether_to_parent(self);
        close(commit[0]);
        child_run(w, req, ctl, out_fd, commit[1], self);
        return;
    }
    close(out_fd);
    close(commit[1]);
    if (pid < 0) {
        close(commit[0]);
        send_msg(ctl, SESS_PROC_FAILED, getpid(), "the session could not fork a run");
        return;
    }
    parent_wait(pid, ctl, commit[0]);
}

/* Receive and run one request; EOF or a malformed request ends the session. */
static void serve_one(worker_instance *w, int ctl) {
    ipc_request r;
    if (ipc_recv_request(ctl, &r) != 0 || r.req.code == NULL || r.req.filename == NULL) _exit(0);
    fork_run(w, &r.req, ctl, r.fd);
    ipc_request_free(&r);
}

/* See proc.h. */
_Noreturn void sess_proc_main(worker_instance *w, const worker_request *req, int ctl) {
    char err[SESS_PROC_TEXT_MAX] = "";
    signal(SIGCHLD, SIG_DFL);   /* the zygote ignores it; we reap our run children */
    session_zygote = getppid(); /* the zygote tied us to itself right after fork */
    if (worker_bind(w, req, err, sizeof err) != 0 ||
        worker_lockdown(req, LOCKDOWN_SESSION, err, sizeof err) < 0) {
        send_msg(ctl, SESS_PROC_FAILED, getpid(), err);
        _exit(1);
    }
    send_msg(ctl, SESS_PROC_READY, getpid(), NULL);
    for (;;)
        serve_one(w, ctl);
}
