/*
 * fault_io.h - a build-time I/O fault injector for unit tests. A test
 * binary linked with
 *   -Wl,--wrap=read,--wrap=write,--wrap=send,--wrap=sendmsg,--wrap=recvmsg,
 *   --wrap=poll,--wrap=fsync,--wrap=rename,--wrap=unlink
 * sends every such call made from its own objects and from the static
 * libraries (libllmsandbox.a, libfrontends.a) through the switches here.
 *
 * Two kinds of fault:
 * - short I/O: every other call fails with EINTR, and the others move at
 *   most one byte (read, write, send, sendmsg, recvmsg; poll only gets the
 *   EINTRs; fsync, rename and unlink, which cannot be interrupted, neither),
 *   as a slow pipe or a signal-heavy process would;
 * - a chosen failure: the nth call of one function from now fails with a
 *   chosen errno (ENOSPC, EIO, ...), once.
 * Calls libc makes internally (stdio's buffers, cmocka's output) are not
 * reached; those of other threads are.
 */
#ifndef TESTS_UNIT_FAULT_IO_H
#define TESTS_UNIT_FAULT_IO_H

#include <stdbool.h>
#include <stddef.h>

typedef enum fault_io_op {
    FAULT_IO_READ,
    FAULT_IO_WRITE,
    FAULT_IO_SEND,
    FAULT_IO_SENDMSG,
    FAULT_IO_RECVMSG,
    FAULT_IO_POLL,
    FAULT_IO_FSYNC,
    FAULT_IO_RENAME,
    FAULT_IO_UNLINK,
    FAULT_IO_OPS
} fault_io_op;

/* Turn short I/O on or off (off at start). */
void fault_io_short(bool on);

/* Fail the nth call (1-based) of op from now with errno err, once. */
void fault_io_fail(fault_io_op op, size_t nth, int err);

/* Everything off, counters zeroed. */
void fault_io_reset(void);

/* How many calls of op went through the wrapper since the last reset. */
size_t fault_io_calls(fault_io_op op);

/* How many faults (EINTRs, cut transfers, chosen failures) were injected
 * since the last reset: a test that injected none proves nothing. */
size_t fault_io_injected(void);

#endif
