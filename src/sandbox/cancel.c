/*
 * cancel.c - lsb_cancel, the switch that kills one running execution.
 *
 * It is an eventfd: firing writes to it, and the thread that waits for the
 * run polls it next to the run's output pipe (report_collect), so a cancel
 * reaches a run within one poll wake-up, from any thread, without locks.
 * The counter is never read back, so a fired switch stays fired.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sandbox/cancel.h"

struct lsb_cancel {
    int fd;
};

/* See llmsandbox.h: an eventfd, non-blocking, closed on exec. */
lsb_cancel *lsb_cancel_new(void) {
    lsb_cancel *c = malloc(sizeof *c);
    if (c == NULL) return NULL;
    c->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->fd < 0) {
        free(c);
        return NULL;
    }
    return c;
}

/* See llmsandbox.h: a write makes the eventfd readable for good. */
void lsb_cancel_fire(lsb_cancel *c) {
    uint64_t one = 1;
    if (c == NULL) return;
    while (write(c->fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

/* See llmsandbox.h. */
bool lsb_cancel_fired(const lsb_cancel *c) {
    if (c == NULL) return false;
    struct pollfd pfd = {c->fd, POLLIN, 0};
    return poll(&pfd, 1, 0) == 1;
}

/* See llmsandbox.h. */
void lsb_cancel_free(lsb_cancel *c) {
    if (c == NULL) return;
    close(c->fd);
    free(c);
}

/* See cancel.h. */
int cancel_fd(const lsb_cancel *c) { return c == NULL ? -1 : c->fd; }
