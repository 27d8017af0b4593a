/*
 * lockdown.h - the seccomp-bpf filter of an execution child (prefix lockdown_).
 *
 * Installed after the child has opened everything it needs and before guest
 * code runs. From then on only the system calls the WASI host makes are
 * allowed; anything else (sockets, exec, ptrace, new mappings that are
 * executable, ...) kills the process.
 */
#ifndef LSB_LOCKDOWN_H
#define LSB_LOCKDOWN_H

#include <stddef.h>

/* Which allow-list to load: a one-shot execution child, or a live session
 * process, which may also fork its per-run children and use its socket. */
typedef enum lockdown_profile {
    LOCKDOWN_RUN = 0,
    LOCKDOWN_SESSION = 1,
    LOCKDOWN_PROFILES = 2
} lockdown_profile;

/*
 * Compile the filters once for this process (and the processes it forks
 * later): a zygote calls this so that its children only load it. 0, or -1
 * with a message in err. Idempotent.
 */
int lockdown_prepare(char *err, size_t errlen);

/* Apply profile's filter to the calling process (compiling it first if
 * needed); 0, or -1 with a message in err. */
int lockdown_apply(lockdown_profile profile, char *err, size_t errlen);

#endif
