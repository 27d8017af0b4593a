/*
 * tether.h - every process that runs guest code dies with its parent
 * (prefix tether_).
 *
 * Right after fork, a child ties itself to the process that forked it
 * (PR_SET_PDEATHSIG = SIGKILL, then a check that this parent is still the
 * one recorded before the fork, which closes the race of a parent dying
 * between fork and prctl). A process that runs guest code also carries a
 * backstop for its own deadline, so that nothing runs on if the parent's
 * SIGKILL never comes: a POSIX timer that delivers SIGKILL (which no
 * signal mask can hold back) and, for one-shot runs, RLIMIT_CPU.
 */
#ifndef LSB_TETHER_H
#define LSB_TETHER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Seconds the backstop waits beyond a run's own timeout: the parent kills
 * at the deadline, so the backstop only fires when the parent is gone or
 * stalled that long. */
#define TETHER_GRACE_S 5U

/* Exit status of a child whose parent died before it was tied to it. */
#define TETHER_ORPHAN_EXIT 1

/* In a child right after fork: die with SIGKILL when the parent dies, and
 * _exit(TETHER_ORPHAN_EXIT) at once if parent (its pid, recorded before
 * the fork) is no longer our parent. Returns only when tied. */
void tether_to_parent(pid_t parent);

/* Whether the calling thread is its process's main thread: a death signal
 * fires when the forking *thread* exits, so only a child of a thread that
 * lives as long as its process may be tied by it. */
bool tether_main_thread(void);

/* Seconds of the backstop for a run of timeout_ms: rounded up, plus
 * TETHER_GRACE_S. */
uint64_t tether_backstop_s(uint64_t timeout_ms);

/* Arm the backstop for a run of timeout_ms in the calling process: a
 * timer delivering SIGKILL after tether_backstop_s(timeout_ms) seconds of
 * wall clock, and with cpu_limit also RLIMIT_CPU (soft limit there, hard
 * one second later; and RLIMIT_CORE 0) for a process that ends with its
 * run. 0, or -1 with errno set (nothing is left armed on failure of the
 * timer). */
int tether_backstop(uint64_t timeout_ms, bool cpu_limit);

/* Drop the backstop timer (a run that became a live session keeps living
 * after its deadline) and the death signal, before the parent exits on
 * purpose. Cannot fail in a way that matters: an already absent timer is
 * fine. */
void tether_release(void);

/*
 * In a run that just became the session: wait until the process that
 * forked us (old_parent) has exited and we were handed to new_parent (the
 * zygote, a child subreaper), then tie ourselves to new_parent as
 * tether_to_parent does. _exit(TETHER_ORPHAN_EXIT) if we end up anywhere
 * else or old_parent does not exit within a few seconds.
 */
void tether_adopted(pid_t old_parent, pid_t new_parent);

#endif
