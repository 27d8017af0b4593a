/*
 * tether.c - death signals and deadline backstops (see tether.h).
 *
 * Invariants: a child is tied before it does anything else (the death
 * signal is armed, then the parent checked); the backstop timer delivers
 * SIGKILL, never a signal the process could block or handle; the only
 * process that drops its tie is a run becoming a live session, which ties
 * itself again to the zygote that adopts it (tether_adopted).
 */
#include "sandbox/tether.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TETHER_MS_PER_S      1000U
#define TETHER_MAX_S         (366U * 24U * 3600U) /* any longer timer is a bug: clamp */
#define TETHER_ADOPT_WAIT_MS 5000                 /* for the old parent to exit */
#define TETHER_ADOPT_POLL_NS 1000000L             /* 1 ms between looks at getppid */

/* The backstop timer of this process, if armed. */
static timer_t backstop_timer;
static bool backstop_armed;

/* See tether.h. */
void tether_to_parent(pid_t parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(TETHER_ORPHAN_EXIT);
}

/* See tether.h. */
bool tether_main_thread(void) { return syscall(SYS_gettid) == getpid(); }

/* See tether.h. */
uint64_t tether_backstop_s(uint64_t timeout_ms) {
    uint64_t s = timeout_ms / TETHER_MS_PER_S + (timeout_ms % TETHER_MS_PER_S != 0);
    if (s > TETHER_MAX_S) s = TETHER_MAX_S;
    return s + TETHER_GRACE_S;
}

/* Arm a one-shot CLOCK_MONOTONIC timer that sends SIGKILL after s seconds. */
static int arm_timer(uint64_t s) {
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL};
    struct itimerspec when = {.it_value = {.tv_sec = (time_t)s}};
    if (timer_create(CLOCK_MONOTONIC, &sev, &backstop_timer) != 0) return -1;
    if (timer_settime(backstop_timer, 0, &when, NULL) != 0) {
        int saved = errno;
        timer_delete(backstop_timer);
        errno = saved;
        return -1;
    }
    backstop_armed = true;
    return 0;
}

/* See tether.h. */
int tether_backstop(uint64_t timeout_ms, bool cpu_limit) {
    uint64_t s = tether_backstop_s(timeout_ms);
    if (arm_timer(s) != 0) return -1;
    if (!cpu_limit) return 0;
    /* SIGXCPU at the soft limit would dump core: a guest's process never
     * writes one (its address space reserves gigabytes). */
    struct rlimit cpu = {.rlim_cur = (rlim_t)s, .rlim_max = (rlim_t)s + 1}, core = {0, 0};
    return setrlimit(RLIMIT_CORE, &core) == 0 ? setrlimit(RLIMIT_CPU, &cpu) : -1;
}

/* See tether.h. */
void tether_release(void) {
    if (backstop_armed) timer_delete(backstop_timer);
    backstop_armed = false;
    prctl(PR_SET_PDEATHSIG, 0);
}

/* See tether.h. */
void tether_adopted(pid_t old_parent, pid_t new_parent) {
    struct timespec pause = {.tv_nsec = TETHER_ADOPT_POLL_NS};
    int waited_ms = 0;
    while (getppid() == old_parent) {
        if (waited_ms++ >= TETHER_ADOPT_WAIT_MS) _exit(TETHER_ORPHAN_EXIT);
        nanosleep(&pause, NULL);
    }
    tether_to_parent(new_parent);
}
