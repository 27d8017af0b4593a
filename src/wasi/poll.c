/*
 * poll.c - time: clock_res_get, clock_time_get, poll_oneoff, sched_yield.
 * The guest's clocks are the host's, coarsened to WASI_CLOCK_RES_NS (a
 * fine timer is the tool of cache-timing attacks), and its monotonic clock
 * starts at zero at wasi_init (the host's uptime is none of its business):
 * per one-shot run, and per live session process, so that the clock never
 * goes back between the runs of a session. Realtime stays the real date.
 * poll_oneoff really sleeps for clock subscriptions (the embedder's wall
 * clock kill bounds it); fd subscriptions never block, since stdin is at
 * EOF, output is captured and files are always ready. Invariant: every
 * subscription and event array is bounds-checked as a whole before the
 * first element is read or written.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/fdtab.h"
#include "wasi/mem.h"
#include "wasi/wasi.h"
#include "wasm/mem.h"

#define NS_PER_SEC 1000000000ull

/* The host clock for a WASI clock id. Returns 0 or INVAL. */
static uint32_t host_clock(uint32_t id, clockid_t *out) {
    static const clockid_t map[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID};
    if (id > WASI_CLOCK_THREAD_CPUTIME) return WASI_EINVAL;
    *out = map[id];
    return 0;
}

/* Now on WASI clock id as the guest sees it, in ns: the monotonic clock
 * counted from wasi_init, every clock cut down to a multiple of
 * WASI_CLOCK_RES_NS. Returns 0 or a WASI errno. */
static uint32_t clock_now(const wasi_ctx *ctx, uint32_t id, uint64_t *ns) {
    clockid_t c;
    struct timespec ts;
    uint32_t rc = host_clock(id, &c);
    if (rc != 0) return rc;
    if (clock_gettime(c, &ts) != 0) return wasi_errno_from_host(errno);
    uint64_t t = wasi_ns_from_timespec(&ts);
    if (id == WASI_CLOCK_MONOTONIC) {
        uint64_t base = ctx->st ? ctx->st->clock_base : 0;
        t = t > base ? t - base : 0;
    }
    *ns = t - t % WASI_CLOCK_RES_NS;
    return 0;
}

/* WASI clock_res_get (see wasi.h): WASI_CLOCK_RES_NS for every clock;
 * returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_clock_res_get(wasi_ctx *ctx, uint32_t id, uint32_t res_out) {
    clockid_t c;
    uint32_t rc = host_clock(id, &c);
    if (rc != 0) return rc;
    if (rt_mem_range(ctx->memory, res_out, 8) == NULL) return WASI_EFAULT;
    return wasi_mem_put64(ctx->memory, res_out, WASI_CLOCK_RES_NS);
}

/* WASI clock_time_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_clock_time_get(wasi_ctx *ctx, uint32_t id, uint64_t precision,
                                                  uint32_t time_out) {
    uint64_t ns;
    uint32_t rc;
    (void)precision;
    if (rt_mem_range(ctx->memory, time_out, 8) == NULL)
        return host_clock(id, &(clockid_t){0}) ? WASI_EINVAL : WASI_EFAULT;
    rc = clock_now(ctx, id, &ns);
    return rc != 0 ? rc : wasi_mem_put64(ctx->memory, time_out, ns);
}

/* WASI sched_yield (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_sched_yield(wasi_ctx *ctx) {
    (void)ctx;
    sched_yield();
    return 0;
}

/* What one subscription asks for, decoded. */
typedef struct sub {
    uint64_t userdata;
    uint8_t type;
    uint16_t error;   /* nonzero: report at once with this error */
    bool ready;       /* fd subscription: report at once */
    bool abstime;     /* clock subscription with an absolute timeout */
    uint64_t wait_ns; /* clock subscription: time left */
    uint64_t nbytes;  /* fd subscription: bytes available */
} sub;

/* Decodes a clock subscription at p into s (time left from now, on the
 * guest's view of the clock). */
static void decode_clock(const wasi_ctx *ctx, const uint8_t *p, sub *s) {
    uint32_t id = wasi_ld32(p + WASI_SUB_CLOCK_ID);
    uint64_t timeout = wasi_ld64(p + WASI_SUB_CLOCK_TIMEOUT), now;
    s->abstime = (wasi_ld16(p + WASI_SUB_CLOCK_FLAGS) & WASI_SUBCLOCK_ABSTIME) != 0;
    if (id == WASI_CLOCK_PROCESS_CPUTIME || id == WASI_CLOCK_THREAD_CPUTIME) {
        s->error = WASI_ENOTSUP; /* nothing would ever wake a sleeper */
    } else if (!s->abstime) {
        s->error = (uint16_t)clock_now(ctx, id, &now); /* validates id */
        s->wait_ns = timeout;
    } else if ((s->error = (uint16_t)clock_now(ctx, id, &now)) == 0) {
        s->wait_ns = timeout > now ? timeout - now : 0;
    }
}

/* Decodes an fd subscription: ready at once, or an error. */
static void decode_fd(wasi_ctx *ctx, const uint8_t *p, sub *s) {
    wasi_fd *e;
    struct stat sb;
    uint32_t rc = wasi_fd_get(ctx, wasi_ld32(p + WASI_SUB_FD), WASI_RIGHT_POLL_FD_READWRITE, 0, &e);
    if (rc != 0) {
        s->error = (uint16_t)rc;
        return;
    }
    s->ready = true;
    if (s->type == WASI_EVENTTYPE_FD_READ && e->kind == WASI_FD_FILE && fstat(e->host, &sb) == 0) {
        off_t pos = lseek(e->host, 0, SEEK_CUR);
        if (pos >= 0 && sb.st_size > pos) s->nbytes = (uint64_t)(sb.st_size - pos);
    }
}

/* Decodes subscription i of the (checked) array. */
static void decode(wasi_ctx *ctx, const uint8_t *subs, uint32_t i, sub *s) {
    const uint8_t *p = subs + (size_t)i * WASI_SUBSCRIPTION_SIZE;
    memset(s, 0, sizeof *s);
    s->userdata = wasi_ld64(p + WASI_SUB_USERDATA);
    s->type = p[WASI_SUB_TAG];
    if (s->type == WASI_EVENTTYPE_CLOCK)
        decode_clock(ctx, p, s);
    else if (s->type == WASI_EVENTTYPE_FD_READ || s->type == WASI_EVENTTYPE_FD_WRITE)
        decode_fd(ctx, p, s);
    else
        s->error = WASI_EINVAL;
}

/* Can s be answered without waiting (error, ready, or a zero timeout)? */
static bool due_now(const sub *s) {
    return s->error || s->ready || (s->type == WASI_EVENTTYPE_CLOCK && s->wait_ns == 0);
}

/* Encode the event for s at ev (WASI_EVENT_SIZE bytes, already checked). */
static void put_event(uint8_t *ev, const sub *s) {
    memset(ev, 0, WASI_EVENT_SIZE);
    wasi_st64(ev + WASI_EVENT_USERDATA, s->userdata);
    wasi_st16(ev + WASI_EVENT_ERROR, s->error);
    ev[WASI_EVENT_TYPE] = s->type;
    wasi_st64(ev + WASI_EVENT_NBYTES, s->nbytes);
}

/* Sleeps wait_ns on the monotonic clock, resuming after signals. */
static void sleep_ns(uint64_t wait_ns) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(wait_ns / NS_PER_SEC);
    until.tv_nsec += (long)(wait_ns % NS_PER_SEC);
    if (until.tv_nsec >= (long)NS_PER_SEC) {
        until.tv_sec++;
        until.tv_nsec -= (long)NS_PER_SEC;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
        ;
}

/* Pass 1: whether anything is due now; otherwise the shortest clock wait
 * and the subscription that has it. */
static bool scan_subs(wasi_ctx *ctx, const uint8_t *subs, uint32_t n, uint64_t *min_wait,
                      uint32_t *min_idx) {
    *min_wait = UINT64_MAX;
    *min_idx = 0;
    for (uint32_t i = 0; i < n; i++) {
        sub s;
        decode(ctx, subs, i, &s);
        if (due_now(&s)) return true;
        if (s.wait_ns < *min_wait) {
            *min_wait = s.wait_ns;
            *min_idx = i;
        }
    }
    return false;
}

/* After sleeping min_wait, a clock subscription is due if its absolute
 * time has come or its relative timeout was no longer than the sleep. */
static bool due_after_sleep(const sub *s, uint64_t slept) {
    return s->type == WASI_EVENTTYPE_CLOCK && !s->error &&
           (s->abstime ? s->wait_ns == 0 : s->wait_ns <= slept);
}

/* Reports due events in subscription order. Without a sleep, fd events,
 * errors and expired clocks; after one, the expired clocks (min_idx always,
 * so a moved realtime clock cannot produce an empty result). */
uint32_t Z_wasi_snapshot_preview1Z_poll_oneoff(wasi_ctx *ctx, uint32_t in, uint32_t out,
                                               uint32_t nsubs, uint32_t nevents_out) {
    const uint8_t *subs = rt_mem_array(ctx->memory, in, nsubs, WASI_SUBSCRIPTION_SIZE);
    uint8_t *events = rt_mem_array(ctx->memory, out, nsubs, WASI_EVENT_SIZE);
    uint64_t min_wait;
    uint32_t count = 0, min_idx;
    bool slept = false;
    if (nsubs == 0) return WASI_EINVAL;
    if (subs == NULL || events == NULL || rt_mem_range(ctx->memory, nevents_out, 4) == NULL)
        return WASI_EFAULT;
    if (!scan_subs(ctx, subs, nsubs, &min_wait, &min_idx)) {
        sleep_ns(min_wait);
        slept = true;
    }
    for (uint32_t i = 0; i < nsubs; i++) {
        sub s;
        decode(ctx, subs, i, &s);
        if (slept ? (i == min_idx || due_after_sleep(&s, min_wait)) : due_now(&s))
            put_event(events + (size_t)count++ * WASI_EVENT_SIZE, &s);
    }
    return wasi_mem_put32(ctx->memory, nevents_out, count);
}
