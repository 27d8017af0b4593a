/*
 * internal.h - the layout of the session table, shared by the two files
 * that walk its entries: table.c, which owns it (creation, lookup,
 * reference counts, configuration), and evict.c, which picks the live
 * entries to stop under the table lock. No other file includes this;
 * everything else goes through table.h.
 */
#ifndef LSB_SESSION_INTERNAL_H
#define LSB_SESSION_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "session/record.h"
#include "session/table.h"

struct sess_table {
    pthread_mutex_t lock; /* guards the entry list, refs and the settings */
    sess_entry **v;
    size_t count, cap;
    char root[PATH_MAX];
    sess_record_disk disk;
    lsb_storage storage;
    uint32_t max_live, idle_ttl_s;
    uint64_t min_available;
    char wheel_dir[PATH_MAX];
    char external_dir[PATH_MAX];
    /* the idle reaper: a thread started with the first live session */
    pthread_t reaper;
    pthread_cond_t reaper_wake;
    bool reaper_running, reaper_stop;
    void (*reaper_tick)(sess_table *t);
};

#endif
