/*
 * evict.c - eviction of live sessions, the reaper's periodic work and
 * memory pressure (see evict.h).
 *
 * A victim is picked under the table lock (it walks the entries, see
 * internal.h) and gets a reference first, so it cannot be freed between
 * the pick and its own lock; an entry in use (refs > 0) is never picked.
 */
#include "session/evict.h"

#include <stdint.h>
#include <stdio.h>

#include "sandbox/ipc.h"
#include "sandbox/sandbox.h"
#include "session/internal.h"
#include "util/clock.h"

/* MemAvailable from /proc/meminfo in bytes, or UINT64_MAX if unknown. */
static uint64_t mem_available(void) {
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kib = 0;
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = sscanf(line, "MemAvailable: %llu kB", &kib) == 1;
    if (f) fclose(f);
    return found ? (uint64_t)kib * 1024 : UINT64_MAX;
}

/* Pick the idle live entry to evict first (table lock held): one idle past
 * the TTL, else the least recently used when over the cap or low on
 * memory; takes a reference on it. NULL when none should go. */
static sess_entry *pick_victim(sess_table *t, bool low_memory, uint32_t reserve) {
    double now = util_now_ms(), ttl = (double)t->idle_ttl_s * 1000.0;
    sess_entry *lru = NULL;
    size_t live = 0;
    for (size_t i = 0; i < t->count; i++) {
        sess_entry *e = t->v[i];
        if (e->live.pid == 0) continue;
        live++;
        if (e->refs > 0) continue;
        if (now - e->last_used_ms > ttl) {
            e->refs++;
            return e;
        }
        if (lru == NULL || e->last_used_ms < lru->last_used_ms) lru = e;
    }
    if (lru == NULL || (!low_memory && live + reserve <= t->max_live)) return NULL;
    lru->refs++;
    return lru;
}

/* Evict until nothing more should go; reserve counts a session about to
 * go live. Returns how many were evicted. */
static size_t evict_some(sess_table *t, uint32_t reserve) {
    size_t evicted = 0;
    for (;;) {
        bool low = mem_available() < t->min_available;
        pthread_mutex_lock(&t->lock);
        sess_entry *e = pick_victim(t, low, reserve);
        pthread_mutex_unlock(&t->lock);
        if (e == NULL) return evicted;
        pthread_mutex_lock(&e->lock);
        sess_live_stop(&e->live);
        evicted++;
        sess_table_release(t, e);
    }
}

/* The reaper's work each period: apply the TTL, cap and memory floor. */
static void reaper_tick(sess_table *t) { evict_some(t, 0); }

/* See llmsandbox.h. */
size_t lsb_sandbox_evict_idle(lsb_sandbox *sb) { return evict_some(sandbox_sessions(sb), 0); }

/* See llmsandbox.h. */
size_t lsb_sandbox_live_sessions(lsb_sandbox *sb) {
    sess_table *t = sandbox_sessions(sb);
    size_t live = 0;
    if (t == NULL) return 0;
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->count; i++)
        live += t->v[i]->live.pid != 0;
    pthread_mutex_unlock(&t->lock);
    return live;
}

/* See evict.h. */
void sess_evict_make_room(sess_table *t) {
    sess_table_start_reaper(t, reaper_tick);
    evict_some(t, 1);
}

/* See llmsandbox.h. */
lsb_status lsb_session_evict(lsb_sandbox *sb, const char *id, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    lsb_session_info info;
    lsb_status st;
    sess_entry *e = sess_table_acquire(t, id, &info, &st, err, errlen);
    if (e == NULL) return st;
    sess_live_stop(&e->live);
    sess_table_release(t, e);
    return LSB_OK;
}
