/*
 * evict.h - ending idle live sessions (prefix sess_evict_): over the live
 * cap, past the idle TTL, or when the machine runs low on memory
 * (MemAvailable in /proc/meminfo). Eviction only stops a session's
 * process; its record and workspace stay, and the next run brings it back
 * (pruning, which deletes old sessions entirely, is in lifecycle.c).
 */
#ifndef LSB_SESSION_EVICT_H
#define LSB_SESSION_EVICT_H

#include "session/table.h"

/* Make room before a session goes live: evict over the live cap; also
 * starts the reaper thread that expires idle sessions by itself. */
void sess_evict_make_room(sess_table *t);

#endif
