/*
 * clock.c - monotonic time for waits and durations, real time for
 * timestamps (see clock.h). Condition variables waited on with a timeout
 * are bound to CLOCK_MONOTONIC when they are created.
 */
#include "util/clock.h"

#include <time.h>

#define UTIL_NS_PER_S 1000000000L

/* See clock.h. */
double util_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* See clock.h. */
double util_unix_time(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* See clock.h. */
int util_cond_init_monotonic(pthread_cond_t *cond) {
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);
    if (rc != 0) return rc;
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0) rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

/* See clock.h. */
int util_cond_wait_ms(pthread_cond_t *cond, pthread_mutex_t *lock, double ms) {
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    if (ms < 0) ms = 0;
    time_t whole = (time_t)(ms / 1000.0);
    at.tv_sec += whole;
    at.tv_nsec += (long)((ms / 1000.0 - (double)whole) * 1e9);
    if (at.tv_nsec >= UTIL_NS_PER_S) {
        at.tv_sec++;
        at.tv_nsec -= UTIL_NS_PER_S;
    }
    return pthread_cond_timedwait(cond, lock, &at);
}
