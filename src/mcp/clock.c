/*
 * clock.c - the MCP server's monotonic clock. Wall time (time(), Unix
 * seconds) is used only where a timestamp is meant (session ages, logs);
 * every duration and every timed wait counts on CLOCK_MONOTONIC, so a
 * change of the system time neither stalls nor hurries a wait.
 */
#include "mcp/clock.h"

#define CLOCK_NS_PER_MS 1000000L
#define CLOCK_NS_PER_S  1000000000L

/* See clock.h. */
double mcp_clock_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / (double)CLOCK_NS_PER_MS;
}

/* See clock.h. */
int mcp_clock_cond_init(pthread_cond_t *cond) {
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);
    if (rc != 0) return rc;
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0) rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

/* See clock.h. */
struct timespec mcp_clock_deadline(uint32_t ms) {
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    at.tv_sec += (time_t)(ms / 1000U);
    at.tv_nsec += (long)(ms % 1000U) * CLOCK_NS_PER_MS;
    if (at.tv_nsec >= CLOCK_NS_PER_S) {
        at.tv_sec++;
        at.tv_nsec -= CLOCK_NS_PER_S;
    }
    return at;
}
