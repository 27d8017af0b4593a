/*
 * kin.h - the only processes the host signals: its own kin, held by pidfd
 * (prefix kin_).
 *
 * A pid a child reports is the child's word, and a child may run guest code
 * that escaped WASM. So the host never signals a pid: it signals a pidfd,
 * and it takes a pidfd on a process only after the kernel confirmed, while
 * that pidfd pins the process, that the process is a child of a parent the
 * host already trusts (a zygote it forked, or a session process it already
 * holds by pidfd). See kin.c for why this check and not another.
 */
#ifndef LSB_KIN_H
#define LSB_KIN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What kin_open_child found, besides a pidfd (>= 0). */
#define KIN_GONE     (-2) /* pid names no running process (it may have ended) */
#define KIN_STRANGER (-1) /* pid is a process, but not parent's child; or unverifiable */

/*
 * A pidfd on pid, verified to be a child of parent: the kernel's PPid of
 * pid, read while the pidfd pins it, equals parent. parent_fd, when >= 0,
 * is a pidfd the caller holds on parent, which must still be running (so
 * the pid parent still names that process). Returns the pidfd (O_CLOEXEC),
 * KIN_GONE, or KIN_STRANGER with the reason in why.
 */
int kin_open_child(pid_t pid, pid_t parent, int parent_fd, char *why, size_t whylen);

/* Whether the process of pidfd is still running (not yet exited). */
bool kin_running(int pidfd);

/* SIGKILL the process of pidfd (a no-op for -1 or a process that ended). */
void kin_kill(int pidfd);

#endif
