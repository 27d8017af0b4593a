/*
 * landlock.c - a Landlock domain per guest process (see landlock.h), with
 * raw system calls and <linux/landlock.h>.
 *
 * Guarantees, once ll_restrict returned 1 (lockdown.c calls it in every
 * one-shot run child and every live session process, after the mounts are
 * known and before any guest code runs; a session's run children inherit
 * the domain, so does anything a native escape could fork):
 *  - files and folders can be read only beneath the process's mounts
 *    (stdlib, /app, /data, /external, the "/" skeleton);
 *  - they can be created, written, truncated, renamed, linked or removed
 *    only beneath the writable mount (/app); never a device, fifo or socket
 *    node, and nothing is executable;
 *  - no TCP bind or connect (ABI 4), no signal to and no abstract unix
 *    socket of a process outside the domain (ABI 6);
 *  - everything opened before (the mounts, the channel, /dev/null stdio)
 *    stays usable: Landlock checks when a path is opened, not later.
 * Every right the kernel knows is handled, so whatever is not granted
 * above is refused (EACCES, or EXDEV for a rename or link that leaves a
 * mount). A kernel without Landlock changes nothing and says so once; a
 * kernel with it that refuses the ruleset fails the process (fail closed).
 */
#include "sandbox/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Rights and fields newer than the installed header (Debian bookworm's
 * describes ABI 1-2); the values are the kernel's ABI, fixed forever. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* The file rights of ABI 1 (EXECUTE .. MAKE_SYM, bits 0-12). */
#define LL_FS_ABI1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)

/* What a read-only mount grants, and what the writable one adds. */
#define LL_FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FS_WRITE                                                                                \
    (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                               \
     LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |  \
     LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)

/* The ruleset attribute of ABI 6 (the header's may be shorter). */
typedef struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
} ll_ruleset_attr;

/* The cached probe: 0 not yet probed, else the ABI + 1 (1 = none), or
 * -errno when the probe failed for another reason. */
static int abi_cache;

/* See landlock.h. */
int ll_abi(void) {
    if (abi_cache == 0) {
        long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
        if (v >= 1)
            abi_cache = (int)v + 1;
        else if (errno == ENOSYS || errno == EOPNOTSUPP || errno == EPERM)
            abi_cache = 1; /* no Landlock, turned off at boot, or forbidden by a container */
        else
            abi_cache = -errno;
    }
    return abi_cache > 0 ? abi_cache - 1 : -1;
}

/* The file rights ABI abi knows; all of them are handled. */
static uint64_t fs_rights(int abi) {
    uint64_t r = LL_FS_ABI1;
    if (abi >= 2) r |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3) r |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5) r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return r;
}

/* Create the ruleset for abi; its fd, or -1 with errno. The size passed
 * is the attribute's size in that ABI, which every kernel accepts. */
static int create_ruleset(int abi) {
    ll_ruleset_attr attr = {.handled_access_fs = fs_rights(abi)};
    size_t size = sizeof attr.handled_access_fs;
    if (abi >= 4) {
        attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
        size += sizeof attr.handled_access_net;
    }
    if (abi >= 6) {
        attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
        size += sizeof attr.scoped;
    }
    return (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0U);
}

/* Allow m's rights beneath m->path in ruleset; 0, or -1 with err. */
static int add_mount(int ruleset, int abi, const ll_mount *m, char *err, size_t errlen) {
    struct landlock_path_beneath_attr rule = {
        .allowed_access = (LL_FS_READ | (m->writable ? LL_FS_WRITE : 0)) & fs_rights(abi),
        .parent_fd = open(m->path, O_PATH | O_DIRECTORY | O_CLOEXEC),
    };
    int rc = rule.parent_fd < 0 ? -1
                                : (int)syscall(SYS_landlock_add_rule, ruleset,
                                               LANDLOCK_RULE_PATH_BENEATH, &rule, 0U);
    int saved = errno;
    if (rule.parent_fd >= 0) close(rule.parent_fd);
    if (rc != 0)
        snprintf(err, errlen, "Landlock: cannot allow the mount '%s': %s", m->path,
                 strerror(saved));
    return rc;
}

/* See landlock.h. */
int ll_restrict(const ll_mount *mounts, size_t count, char *err, size_t errlen) {
    int abi = ll_abi();
    if (abi == 0) {
        snprintf(err, errlen, "%s", LL_MISSING_WARNING);
        return 0;
    }
    int ruleset = abi < 0 ? -1 : create_ruleset(abi);
    if (ruleset < 0) {
        snprintf(err, errlen, "Landlock: cannot create a ruleset: %s",
                 strerror(abi < 0 ? -abi_cache : errno));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        if (mounts[i].path != NULL) rc = add_mount(ruleset, abi, &mounts[i], err, errlen);
    if (rc == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0U) != 0) {
        snprintf(err, errlen, "Landlock: cannot restrict the process: %s", strerror(errno));
        rc = -1;
    }
    close(ruleset);
    return rc == 0 ? 1 : -1;
}
