/*
 * clock.h - the MCP server's clock (prefix mcp_clock_): one monotonic
 * clock for durations, rate limits and every timed wait.
 */
#ifndef LSB_MCP_CLOCK_H
#define LSB_MCP_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds on the monotonic clock (an arbitrary origin). */
double mcp_clock_ms(void);

/* Initialise cond so that its timed waits count on the monotonic clock.
 * Returns 0, or an errno value from pthread (cond is then unusable). */
int mcp_clock_cond_init(pthread_cond_t *cond);

/* The monotonic time ms milliseconds from now, for pthread_cond_timedwait
 * on a condition made by mcp_clock_cond_init. */
struct timespec mcp_clock_deadline(uint32_t ms);

#endif
