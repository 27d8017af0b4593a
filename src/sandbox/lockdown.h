/*
 * lockdown.h - the confinement of a process that runs guest code (prefix
 * lockdown_): a Landlock domain over its mounts (landlock.h), a cap on the
 * processes it may create (RLIMIT_NPROC) and a seccomp-bpf filter.
 *
 * Installed after the child has opened everything it needs and before guest
 * code runs. From then on only the system calls the WASI host makes are
 * allowed; anything else (sockets, exec, ptrace, new mappings that are
 * executable, ...) kills the process, and no path outside its mounts opens.
 */
#ifndef LSB_LOCKDOWN_H
#define LSB_LOCKDOWN_H

#include <stddef.h>

#include "sandbox/landlock.h"

/* Which allow-list to load: a one-shot execution child, or a live session
 * process, which may also fork its per-run children and use its socket. */
typedef enum lockdown_profile {
    LOCKDOWN_RUN = 0,
    LOCKDOWN_SESSION = 1,
    LOCKDOWN_PROFILES = 2
} lockdown_profile;

/*
 * Probe Landlock once for this process (the processes it forks later
 * inherit the answer), and when the kernel has none, say so in one line on
 * stderr (the host's, in a starting zygote). The filters need no
 * preparation: the build compiled them. Idempotent.
 */
void lockdown_prepare(void);

/*
 * The processes a session's tree may add beyond the tasks the machine ran
 * when the session started (RLIMIT_NPROC counts the real uid's tasks, so
 * the limit is set to the machine's task count plus this): room for the host
 * to grow meanwhile, and a bound on a fork bomb of native code.
 */
#define LOCKDOWN_SESSION_NPROC_HEADROOM 1024UL

/*
 * Confine the calling process for profile, in this order: no_new_privs,
 * RLIMIT_NPROC (0 for a one-shot run, which never forks; see
 * LOCKDOWN_SESSION_NPROC_HEADROOM for a session), Landlock over
 * mounts[0..count) (ll_restrict), then profile's seccomp filter (compiled first if
 * needed). Returns 0 when all of it is in place; 1 when the kernel has no
 * Landlock and everything else is (err then holds the one-line warning
 * to pass on); -1 with a message in err on any failure, Landlock's
 * included, after which the caller must not run guest code.
 */
int lockdown_apply(lockdown_profile profile, const ll_mount *mounts, size_t count, char *err,
                   size_t errlen);

#endif
