/*
 * cancel.h - the descriptor behind an lsb_cancel, for the run loops that
 * poll it (the public functions are in llmsandbox.h).
 */
#ifndef LSB_CANCEL_H
#define LSB_CANCEL_H

#include "llmsandbox.h"

/* The eventfd that becomes readable once c is fired; -1 for NULL. */
int cancel_fd(const lsb_cancel *c);

#endif
