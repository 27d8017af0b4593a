/*
 * fuzz_chan.c - the frame decoder the parent runs on a child's output
 * (chan_collect_feed), fed bytes a hostile child could write.
 *
 * Proves: no input crashes it or leaks; kept output never exceeds its caps
 * (excess only sets the truncated flag); warnings stay within their count
 * and length bounds; and the decoder's result does not depend on how the
 * stream is cut into reads (one feed of everything and a feed in random
 * pieces keep the same bytes and reach the same verdict).
 */
#include "fuzz.h"
#include "sandbox/channel.h"

/* Feed everything in pieces whose sizes come from sizes (cycled). */
static int feed_pieces(chan_collect *c, const uint8_t *data, size_t len, const uint8_t *sizes,
                       size_t nsizes) {
    size_t i = 0;
    while (len > 0) {
        size_t n = nsizes ? (size_t)sizes[i++ % nsizes] * 7 + 1 : len;
        if (n > len) n = len;
        if (chan_collect_feed(c, data, n) != 0) return -1;
        data += n;
        len -= n;
    }
    return 0;
}

/* The bounds every collection keeps, whatever it was fed. */
static void check_bounds(const chan_collect *c) {
    FZ_CHECK(c->out_len <= c->out_cap && c->err_len <= c->err_cap);
    FZ_CHECK(c->warnings_count <= CHAN_MAX_WARNINGS);
    for (size_t i = 0; i < c->warnings_count; i++)
        FZ_CHECK(strlen(c->warnings[i]) <= CHAN_WARNING_MAX);
    FZ_CHECK(strlen(c->error_type) < sizeof c->error_type);
    FZ_CHECK(strlen(c->fail) < sizeof c->fail);
}

/* The two collections hold the same thing. */
static void check_same(const chan_collect *a, const chan_collect *b) {
    FZ_CHECK(a->out_len == b->out_len && a->err_len == b->err_len);
    FZ_CHECK(a->out_len == 0 || memcmp(a->out, b->out, a->out_len) == 0);
    FZ_CHECK(a->err_len == 0 || memcmp(a->err, b->err, a->err_len) == 0);
    FZ_CHECK(a->out_truncated == b->out_truncated && a->err_truncated == b->err_truncated);
    FZ_CHECK(a->done == b->done && a->warnings_count == b->warnings_count);
    FZ_CHECK(strcmp(a->error_type, b->error_type) == 0 && strcmp(a->fail, b->fail) == 0);
    FZ_CHECK(!a->done || memcmp(&a->final, &b->final, sizeof a->final) == 0);
}

/* Input: out cap (1 byte), err cap (1 byte), 4 piece sizes, the stream. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    uint64_t out_cap = (uint64_t)fz_u8(&in) * 3, err_cap = (uint64_t)fz_u8(&in) * 5;
    uint8_t sizes[4];
    fz_bytes(&in, sizes, sizeof sizes);
    chan_collect whole, cut;
    chan_collect_init(&whole, out_cap, err_cap);
    chan_collect_init(&cut, out_cap, err_cap);
    int rc_whole = chan_collect_feed(&whole, in.p, in.len);
    int rc_cut = feed_pieces(&cut, in.p, in.len, sizes, sizeof sizes);
    FZ_CHECK(rc_whole == rc_cut);
    check_bounds(&whole);
    check_bounds(&cut);
    check_same(&whole, &cut);
    chan_collect_free(&whole);
    chan_collect_free(&cut);
    return 0;
}
