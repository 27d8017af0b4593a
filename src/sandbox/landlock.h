/*
 * landlock.h - confines a guest process's file access to its own mounts
 * with Landlock (prefix ll_).
 *
 * The second wall behind WASI: WASI resolves every guest path beneath a
 * preopen, and Landlock makes the kernel refuse, for native code too, any
 * file access outside the mounts a process was given (the workspace
 * read-write, everything else it mounts read-only). Called by lockdown.c
 * before the seccomp filter, which then forbids the Landlock calls.
 */
#ifndef LSB_LANDLOCK_H
#define LSB_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>

/* One host folder the process may use, and whether it may change it. A
 * NULL path is skipped (a mount shown as an empty folder). */
typedef struct ll_mount {
    const char *path;
    bool writable;
} ll_mount;

/* The warning for a kernel without Landlock. */
#define LL_MISSING_WARNING                                                                         \
    "this kernel has no Landlock: guest processes are confined by WASI and seccomp only, not "     \
    "to their mounts"

/*
 * The Landlock ABI version of the running kernel: >= 1; 0 when the
 * kernel has no Landlock (ENOSYS), has it turned off (EOPNOTSUPP) or a
 * container's filter forbids it (EPERM); -1 when the probe failed
 * otherwise (ll_restrict then fails). Probed once per process and cached,
 * so that a process calls it before its seccomp filter forbids the probe
 * (lockdown_prepare does, and the processes it forks inherit the answer).
 */
int ll_abi(void);

/*
 * Restrict the calling process (and every process it forks later) to
 * mounts[0..count): read and write beneath the writable ones, read beneath
 * the others, nothing anywhere else; no TCP bind or connect, and (ABI 6)
 * no signals or abstract unix sockets outside the domain. The caller has
 * set no_new_privs. Returns 1 when applied, 0 when the kernel has no
 * Landlock (nothing was changed; err holds LL_MISSING_WARNING), or -1
 * with err when Landlock exists but the ruleset could not be built or
 * applied (the caller must then fail: closed, not open).
 */
int ll_restrict(const ll_mount *mounts, size_t count, char *err, size_t errlen);

#endif
