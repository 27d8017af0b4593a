/*
 * bench_clock.h - the timing helpers the in-process benchmarks share
 * (exec_bench.c, session_bench.c): a monotonic clock in milliseconds and
 * the comparison for sorting samples into percentiles. Header-only.
 */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <time.h>

/* Monotonic time in milliseconds. */
static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* qsort order for doubles, ascending. */
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
