/*
 * test_channel.c - the child-to-parent frame decoder under hostile input.
 *
 * The parent must survive anything a compromised child writes: frames split
 * at every byte, oversized or unknown frames, a second DONE, output past the
 * caps. Frames are produced with chan_send through a pipe, as in real runs.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/channel.h"

#define PIPE_BUF_MAX (1 << 20)

/* A pipe large enough to hold every frame a test writes before reading. */
static void big_pipe(int fds[2]) {
    assert_int_equal(pipe(fds), 0);
    assert_true(fcntl(fds[1], F_SETPIPE_SZ, PIPE_BUF_MAX) >= 4 * CHAN_MAX_FRAME);
}

/* Encode frames with chan_send into buf (via a pipe); returns the length. */
static size_t encode(uint8_t *buf, void (*writer)(int fd)) {
    int fds[2];
    big_pipe(fds);
    writer(fds[1]);
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + len, PIPE_BUF_MAX - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    return len;
}

static void write_session(int fd) {
    chan_done done = {.exit_code = 3, .outcome = 0, .fuel_remaining_plus_one = 42};
    assert_int_equal(chan_send(fd, CHAN_STDOUT, "hello ", 6), 0);
    assert_int_equal(chan_send(fd, CHAN_STDERR, "oops", 4), 0);
    assert_int_equal(chan_send(fd, CHAN_STDOUT, "world", 5), 0);
    assert_int_equal(chan_send(fd, CHAN_ERROR, "ValueError\0bad", 14), 0);
    assert_int_equal(chan_send(fd, CHAN_DONE, &done, sizeof done), 0);
}

static void check_session(const chan_collect *c) {
    assert_string_equal(c->out, "hello world");
    assert_string_equal(c->err, "oops");
    assert_string_equal(c->error_type, "ValueError");
    assert_string_equal(c->error_message, "bad");
    assert_true(c->done);
    assert_int_equal(c->final.exit_code, 3);
    assert_int_equal(c->final.fuel_remaining_plus_one, 42);
}

/* Whole stream at once, then byte by byte: same result. */
static void test_split_anywhere(void **state) {
    (void)state;
    static uint8_t buf[PIPE_BUF_MAX];
    size_t len = encode(buf, write_session);
    chan_collect c;
    chan_collect_init(&c, 100, 100);
    assert_int_equal(chan_collect_feed(&c, buf, len), 0);
    check_session(&c);
    chan_collect_free(&c);
    chan_collect_init(&c, 100, 100);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(chan_collect_feed(&c, buf + i, 1), 0);
    check_session(&c);
    chan_collect_free(&c);
}

/* Output beyond the cap is dropped and flagged; big writes are split. */
static void test_caps(void **state) {
    (void)state;
    static uint8_t big[3 * CHAN_MAX_FRAME], buf[PIPE_BUF_MAX];
    memset(big, 'x', sizeof big);
    int fds[2];
    big_pipe(fds);
    chan_collect c;
    chan_collect_init(&c, 1000, 10);
    assert_int_equal(chan_send(fds[1], CHAN_STDOUT, big, sizeof big), 0);
    ssize_t n = read(fds[0], buf, sizeof buf);
    assert_int_equal(n, (ssize_t)(sizeof big + 3 * 5));
    assert_int_equal(chan_collect_feed(&c, buf, (size_t)n), 0);
    close(fds[0]);
    close(fds[1]);
    assert_int_equal(c.out_len, 1000);
    assert_true(c.out_truncated);
    assert_false(c.err_truncated);
    chan_collect_free(&c);
}

/* Malformed frames are errors, never crashes. */
static void test_malformed(void **state) {
    (void)state;
    chan_collect c;
    const uint8_t unknown[] = {99, 1, 0, 0, 0, 'x'};
    chan_collect_init(&c, 10, 10);
    assert_int_equal(chan_collect_feed(&c, unknown, sizeof unknown), -1);
    chan_collect_free(&c);

    const uint8_t oversized[] = {CHAN_STDOUT, 0xff, 0xff, 0xff, 0x7f};
    chan_collect_init(&c, 10, 10);
    assert_int_equal(chan_collect_feed(&c, oversized, sizeof oversized), -1);
    chan_collect_free(&c);

    const uint8_t short_done[] = {CHAN_DONE, 2, 0, 0, 0, 1, 2};
    chan_collect_init(&c, 10, 10);
    assert_int_equal(chan_collect_feed(&c, short_done, sizeof short_done), -1);
    chan_collect_free(&c);

    const uint8_t error_without_separator[] = {CHAN_ERROR, 3, 0, 0, 0, 'a', 'b', 'c'};
    chan_collect_init(&c, 10, 10);
    assert_int_equal(chan_collect_feed(&c, error_without_separator, 8), -1);
    chan_collect_free(&c);
}

/* A second DONE record is refused. */
static void test_double_done(void **state) {
    (void)state;
    uint8_t frame[5 + sizeof(chan_done)] = {CHAN_DONE, sizeof(chan_done), 0, 0, 0};
    chan_collect c;
    chan_collect_init(&c, 10, 10);
    assert_int_equal(chan_collect_feed(&c, frame, sizeof frame), 0);
    assert_int_equal(chan_collect_feed(&c, frame, sizeof frame), -1);
    chan_collect_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_anywhere),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_double_done),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
