/*
 * clock.h - the library's clocks (prefix util_).
 *
 * Every timed wait and every duration uses the monotonic clock, so a change
 * of the system time never stretches or cuts a deadline. The real-time
 * clock is used only where a Unix timestamp is meant (records, logs).
 */
#ifndef LSB_UTIL_CLOCK_H
#define LSB_UTIL_CLOCK_H

#include <pthread.h>

/* Milliseconds on the monotonic clock (an arbitrary origin). Cannot fail. */
double util_now_ms(void);

/* Seconds since the Unix epoch, with fractions (CLOCK_REALTIME): only for
 * timestamps that are stored or shown, never for waits. Cannot fail. */
double util_unix_time(void);

/* Initialise *cond so that util_cond_wait_ms measures on the monotonic
 * clock. Returns 0, or the pthread error number on failure. */
int util_cond_init_monotonic(pthread_cond_t *cond);

/* Wait on cond (made by util_cond_init_monotonic; lock held) for at most
 * ms milliseconds. Returns 0 when woken, ETIMEDOUT when the time ran out,
 * or another pthread error number on failure. */
int util_cond_wait_ms(pthread_cond_t *cond, pthread_mutex_t *lock, double ms);

#endif
