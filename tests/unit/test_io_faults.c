/*
 * test_io_faults.c - I/O fault injection (issue 14): short I/O and chosen
 * failures through fault_io.c (linked with --wrap, see the Makefile).
 *
 * Short I/O: with every other call interrupted (EINTR) and the rest moving
 * one byte, every pipe and socket helper still moves all its bytes: the
 * fd helpers (ipc_*, util_*), the worker request with its descriptor
 * (sendmsg/recvmsg), the child-to-parent frames (chan_send into
 * report_collect across a fork) and the session record adapter (which
 * also keeps the MCP server's session owners); and an end of file in the
 * middle is a clean error.
 * Chosen failures (ENOSPC, EIO) of write, fsync, rename and unlink in the
 * disk storage adapter: put fails and leaves the previous record whole and
 * no temporary file; get and remove fail with an error, never a silent
 * success.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault_io.h"
#include "sandbox/channel.h"
#include "sandbox/ipc.h"
#include "sandbox/report.h"
#include "session/record.h"
#include "util/clock.h"
#include "util/fs.h"
#include "wasm/guest.h"

/* The guest modules are referenced by the library objects these reach:
 * empty stand-ins, never run. */
const guest_module guest_python, guest_quickjs;

#define TEXT       "café ☕ 日本 "
#define TEXT_BYTES 4000
#define DEADLINE   10000.0 /* ms: generous, the tests never wait for it */

/* A buffer of n bytes repeating TEXT (malloc'd, NUL-terminated). */
static char *pattern(size_t n) {
    char *b = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        b[i] = TEXT[i % strlen(TEXT)];
    b[n] = '\0';
    return b;
}

/* What a sender thread sends: a socket fed one byte per send fills its
 * buffer with per-message overhead long before the bytes add up, so the
 * reader must run meanwhile. */
typedef struct sender {
    int sock;
    const char *data; /* ipc_send_all this; NULL: ipc_send_request req */
    size_t len;
    const worker_request *req;
    int fd;
    int rc;
    pthread_t thread;
} sender;

/* The sender thread's body. */
static void *send_main(void *arg) {
    sender *s = arg;
    s->rc = s->data ? ipc_send_all(s->sock, s->data, s->len)
                    : ipc_send_request(s->sock, s->req, IPC_KIND_SESSION, s->fd);
    return NULL;
}

/* Start s sending. */
static void send_start(sender *s) {
    assert_int_equal(pthread_create(&s->thread, NULL, send_main, s), 0);
}

/* Wait for s; its result. */
static int send_wait(sender *s) {
    pthread_join(s->thread, NULL);
    return s->rc;
}

/* Reset the injector before each test. */
static int setup(void **state) {
    (void)state;
    fault_io_reset();
    return 0;
}

/* ipc_write_all / ipc_read_all and util_write_all / util_read_upto move
 * every byte through a pipe, one at a time, between EINTRs. */
static void test_fd_helpers_short(void **state) {
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    char *out = pattern(TEXT_BYTES), *in = calloc(1, TEXT_BYTES + 1);
    fault_io_short(true);
    assert_int_equal(ipc_write_all(p[1], out, TEXT_BYTES), 0);
    assert_int_equal(ipc_read_all(p[0], in, TEXT_BYTES), 0);
    assert_memory_equal(in, out, TEXT_BYTES);
    memset(in, 0, TEXT_BYTES);
    assert_int_equal(util_write_all(p[1], out, 100), 0);
    close(p[1]);
    assert_int_equal(util_read_upto(p[0], in, TEXT_BYTES), 100); /* up to the end of file */
    assert_memory_equal(in, out, 100);
    fault_io_short(false);
    assert_true(fault_io_calls(FAULT_IO_WRITE) >= 2 * (TEXT_BYTES + 100) - 2);
    assert_true(fault_io_injected() >= TEXT_BYTES);
    close(p[0]);
    free(out);
    free(in);
}

/* An end of file in the middle of a whole read is an error, not a hang
 * or a success; so is a write to a pipe nobody reads (EPIPE). */
static void test_fd_helpers_eof(void **state) {
    (void)state;
    int p[2];
    char buf[64];
    assert_int_equal(pipe(p), 0);
    fault_io_short(true);
    assert_int_equal(ipc_write_all(p[1], TEXT, 10), 0);
    close(p[1]);
    assert_int_equal(ipc_read_all(p[0], buf, 20), -1);
    close(p[0]);
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(ipc_write_all(p[1], TEXT, 10), -1);
    assert_int_equal(errno, EPIPE);
    close(p[1]);
    int s[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
    close(s[1]);
    assert_int_equal(ipc_send_all(s[0], TEXT, 10), -1);
    close(s[0]);
}

/* ipc_send_all and the deadline-bounded ipc_read_until over a socket,
 * with poll interrupted too. */
static void test_socket_helpers_short(void **state) {
    (void)state;
    int s[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
    char *out = pattern(TEXT_BYTES), *in = calloc(1, TEXT_BYTES + 1);
    fault_io_short(true);
    sender snd = {.sock = s[0], .data = out, .len = TEXT_BYTES};
    send_start(&snd);
    assert_int_equal(ipc_read_until(s[1], in, TEXT_BYTES, util_now_ms() + DEADLINE), 0);
    assert_int_equal(send_wait(&snd), 0);
    assert_memory_equal(in, out, TEXT_BYTES);
    assert_true(fault_io_calls(FAULT_IO_POLL) > TEXT_BYTES); /* one poll per byte at least */
    assert_int_equal(ipc_read_until(s[1], in, 1, util_now_ms() + 50), -1); /* nothing comes */
    close(s[0]);
    assert_int_equal(ipc_read_until(s[1], in, 1, util_now_ms() + DEADLINE), -1); /* EOF */
    close(s[1]);
    free(out);
    free(in);
}

/* A worker request and its descriptor cross a socket whole although the
 * header goes and comes one byte at a time (the descriptor with the
 * first), and the descriptor received works. */
static void test_request_short(void **state) {
    (void)state;
    int s[2], p[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
    assert_int_equal(pipe(p), 0);
    static const char code[] = "print('" TEXT "')", env[] = "A=é\0B=2";
    worker_request req = {.code = code,
                          .code_len = strlen(code),
                          .filename = "<string>",
                          .env_block = env,
                          .env_len = sizeof env,
                          .fuel = 123456789,
                          .timeout_ms = 2500,
                          .quota_bytes = 1u << 20,
                          .workspace = "/tmp/ws-日本",
                          .root_dir = "/root"};
    fault_io_short(true);
    sender snd = {.sock = s[0], .req = &req, .fd = p[1]};
    send_start(&snd);
    ipc_request got;
    assert_int_equal(ipc_recv_request(s[1], &got), 0);
    assert_int_equal(send_wait(&snd), 0);
    fault_io_short(false);
    assert_true(fault_io_calls(FAULT_IO_SENDMSG) >= 2 && fault_io_calls(FAULT_IO_RECVMSG) >= 2);
    assert_int_equal(got.kind, IPC_KIND_SESSION);
    assert_int_equal(got.req.code_len, strlen(code));
    assert_string_equal(got.req.code, code);
    assert_memory_equal(got.req.env_block, env, sizeof env);
    assert_string_equal(got.req.workspace, "/tmp/ws-日本");
    assert_null(got.req.data_dir);
    assert_int_equal(got.req.fuel, 123456789);
    assert_int_equal(got.req.timeout_ms, 2500);
    assert_true(got.fd >= 0);
    assert_int_equal(write(got.fd, "ok", 2), 2); /* the pipe's write end, passed along */
    char two[2];
    assert_int_equal(read(p[0], two, 2), 2);
    assert_memory_equal(two, "ok", 2);
    close(got.fd);
    ipc_request_free(&got);
    close(p[0]);
    close(p[1]);
    close(s[0]);
    close(s[1]);
}

/* A header cut short by the peer's end is an error, and the descriptor
 * that came with its first byte is not leaked to the caller. */
static void test_request_cut(void **state) {
    (void)state;
    int s[2], p[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
    assert_int_equal(pipe(p), 0);
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    char control[CMSG_SPACE(sizeof(int))] = {0};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
    assert_int_equal(sendmsg(s[0], &msg, 0), 1);
    close(s[0]);
    fault_io_short(true);
    ipc_request got;
    assert_int_not_equal(ipc_recv_request(s[1], &got), 0);
    fault_io_short(false);
    assert_int_equal(got.fd, -1);
    close(p[1]);
    char c;
    assert_int_equal(read(p[0], &c, 1), 0); /* no write end is left open anywhere */
    close(p[0]);
    close(s[1]);
}

/* Frames written by a child one byte at a time, and read by the parent's
 * report_collect one byte at a time, arrive whole: output, the error, a
 * warning and the final record. */
static void test_frames_across_fork(void **state) {
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    char *text = pattern(TEXT_BYTES);
    fault_io_short(true);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the child inherits the injector: its writes are cut too */
        close(p[0]);
        chan_done done = {.exit_code = 3, .memory_bytes = 65536};
        int rc = chan_send(p[1], CHAN_STDOUT, text, TEXT_BYTES) |
                 chan_send(p[1], CHAN_STDERR, "日本", strlen("日本")) |
                 chan_send(p[1], CHAN_ERROR, "ValueError\0bad ☕",
                           strlen("ValueError") + 1 + strlen("bad ☕")) |
                 chan_send(p[1], CHAN_WARNING, "café", strlen("café")) |
                 chan_send(p[1], CHAN_DONE, &done, sizeof done);
        _exit(rc == 0 ? 0 : 1);
    }
    close(p[1]);
    chan_collect c;
    chan_collect_init(&c, 1 << 20, 1 << 20);
    report_collect(p[0], pid, util_now_ms() + DEADLINE, NULL, &c);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    fault_io_short(false);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(c.out_len, TEXT_BYTES);
    assert_memory_equal(c.out, text, TEXT_BYTES);
    assert_string_equal(c.err, "日本");
    assert_string_equal(c.error_type, "ValueError");
    assert_string_equal(c.error_message, "bad ☕");
    assert_int_equal(c.warnings_count, 1);
    assert_string_equal(c.warnings[0], "café");
    assert_true(c.done);
    assert_int_equal(c.final.exit_code, 3);
    assert_int_equal(c.final.memory_bytes, 65536);
    assert_true(fault_io_calls(FAULT_IO_READ) > TEXT_BYTES);
    chan_collect_free(&c);
    close(p[0]);
    free(text);
}

static char root[64];

/* A fresh storage root with the folder of session s1; the disk adapter
 * over it in *st. */
static void disk_setup(sess_record_disk *d, lsb_storage *st) {
    char dir[PATH_MAX];
    snprintf(root, sizeof root, "/tmp/lsb-iofault-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(d->root, sizeof d->root, "%s", root);
    snprintf(dir, sizeof dir, "%s/s1", root);
    assert_int_equal(mkdir(dir, 0700), 0);
    sess_record_disk_adapter(d, st);
}

/* Remove the storage root. */
static void disk_teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

/* The names in the folder of s1 (not . and ..), joined by spaces ("" when
 * empty; static). */
static const char *s1_files(void) {
    static char names[1024];
    char dir[PATH_MAX];
    size_t used = 0;
    snprintf(dir, sizeof dir, "%s/s1", root);
    names[0] = '\0';
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        int n =
            snprintf(names + used, sizeof names - used, "%s%.200s", used ? " " : "", de->d_name);
        assert_true(n > 0 && (size_t)n < sizeof names - used);
        used += (size_t)n;
    }
    if (d) closedir(d);
    return names;
}

/* get's text of s1, which must be readable (static). */
static const char *s1_text(lsb_storage *st) {
    static char copy[512];
    char *text = NULL, err[256] = "";
    size_t len = 0;
    assert_int_equal(st->get(st->ctx, "s1", &text, &len, err, sizeof err), 0);
    snprintf(copy, sizeof copy, "%.*s", (int)len, text);
    free(text);
    return copy;
}

/* The disk adapter under short I/O: a record goes and comes whole. */
static void test_record_short(void **state) {
    (void)state;
    sess_record_disk d;
    lsb_storage st;
    disk_setup(&d, &st);
    char err[256] = "", *rec = pattern(3000);
    fault_io_short(true);
    assert_int_equal(st.put(st.ctx, "s1", rec, 3000, err, sizeof err), 0);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(st.get(st.ctx, "s1", &text, &len, err, sizeof err), 0);
    fault_io_short(false);
    assert_int_equal(len, 3000);
    assert_memory_equal(text, rec, 3000);
    assert_true(fault_io_injected() > 3000);
    free(text);
    free(rec);
    disk_teardown();
}

/* One failing step of a put: the error names the record and the cause;
 * the previous record (if any) is still whole; no temporary file stays. */
static void expect_failed_put(lsb_storage *st, fault_io_op op, int err_no, const char *before) {
    char err[256] = "";
    const char *rec = "{\"note\": \"nouveau " TEXT "\"}";
    fault_io_fail(op, 1, err_no);
    assert_int_equal(st->put(st->ctx, "s1", rec, strlen(rec), err, sizeof err), -1);
    assert_non_null(strstr(err, "session.json"));
    assert_non_null(strstr(err, strerror(err_no)));
    if (before != NULL) {
        assert_string_equal(s1_text(st), before);
        assert_string_equal(s1_files(), "session.json");
    } else {
        char *text = NULL;
        size_t len;
        assert_int_equal(st->get(st->ctx, "s1", &text, &len, err, sizeof err), 1); /* none */
        assert_string_equal(s1_files(), "");
    }
}

/* put failing at each step (write: a full disk; fsync; rename) of a new
 * record and of an update. */
static void test_record_put_failures(void **state) {
    (void)state;
    sess_record_disk d;
    lsb_storage st;
    disk_setup(&d, &st);
    expect_failed_put(&st, FAULT_IO_WRITE, ENOSPC, NULL);
    expect_failed_put(&st, FAULT_IO_FSYNC, EIO, NULL); /* a new record is fsync'd */
    expect_failed_put(&st, FAULT_IO_RENAME, ENOSPC, NULL);
    char err[256] = "";
    const char *old = "{\"note\": \"ancien " TEXT "\"}";
    assert_int_equal(st.put(st.ctx, "s1", old, strlen(old), err, sizeof err), 0);
    expect_failed_put(&st, FAULT_IO_WRITE, ENOSPC, old);
    expect_failed_put(&st, FAULT_IO_WRITE, EIO, old);
    expect_failed_put(&st, FAULT_IO_RENAME, EIO, old);
    const char *next = "{\"note\": \"suivant\"}";
    assert_int_equal(st.put(st.ctx, "s1", next, strlen(next), err, sizeof err), 0);
    assert_string_equal(s1_text(&st), next); /* and once the disk is back, puts work */
    disk_teardown();
}

/* get and remove failing: errors with the cause, nothing silently fine. */
static void test_record_get_remove_failures(void **state) {
    (void)state;
    sess_record_disk d;
    lsb_storage st;
    disk_setup(&d, &st);
    char err[256] = "", *text = NULL;
    size_t len = 0;
    const char *rec = "{\"note\": \"" TEXT "\"}";
    assert_int_equal(st.put(st.ctx, "s1", rec, strlen(rec), err, sizeof err), 0);
    fault_io_fail(FAULT_IO_READ, 1, EIO);
    assert_int_equal(st.get(st.ctx, "s1", &text, &len, err, sizeof err), -1);
    assert_null(text);
    assert_non_null(strstr(err, "cannot read"));
    fault_io_fail(FAULT_IO_UNLINK, 1, EIO);
    assert_int_equal(st.remove(st.ctx, "s1", err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot delete"));
    assert_non_null(strstr(err, strerror(EIO)));
    assert_string_equal(s1_text(&st), rec); /* still there */
    assert_int_equal(st.remove(st.ctx, "s1", err, sizeof err), 0);
    assert_int_equal(st.get(st.ctx, "s1", &text, &len, err, sizeof err), 1);
    assert_int_equal(st.remove(st.ctx, "s1", err, sizeof err), 0); /* absent is fine */
    disk_teardown();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fd_helpers_short, setup),
        cmocka_unit_test_setup(test_fd_helpers_eof, setup),
        cmocka_unit_test_setup(test_socket_helpers_short, setup),
        cmocka_unit_test_setup(test_request_short, setup),
        cmocka_unit_test_setup(test_request_cut, setup),
        cmocka_unit_test_setup(test_frames_across_fork, setup),
        cmocka_unit_test_setup(test_record_short, setup),
        cmocka_unit_test_setup(test_record_put_failures, setup),
        cmocka_unit_test_setup(test_record_get_remove_failures, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
