/*
 * prefault.h - the snapshot pages a run is known to write, copied in ahead
 * of it in one step (prefix prefault_).
 *
 * A run restored from a snapshot takes a copy-on-write fault on every
 * snapshot page it writes first, and two on a page it read first. On the
 * VMs we run on a fault costs about 10 us: print(1) took 294 of them on
 * the python snapshot, a sixth of its whole CPU time. The build records the
 * pages a trivial run writes (prefault_find, in a probe child when the
 * snapshot is made, worker.c) and keeps them in the snapshot's header; each
 * run copies them in with MADV_POPULATE_WRITE before guest code starts
 * (prefault_apply): about 4.5 us a page, no trap. A page a run then does
 * not write costs that copy for nothing, so the set is what the smallest
 * run writes: the interpreter's state, its stack, malloc's bookkeeping.
 */
#ifndef LSB_PREFAULT_H
#define LSB_PREFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The host page the sets count in (x86-64's; other sizes disable it). */
#define PREFAULT_PAGE 4096u
/* Runs a snapshot header has room for. */
#define PREFAULT_MAX_RUNS 384u

/* count pages from page index first, counted from the memory's base. */
typedef struct prefault_run {
    uint32_t first;
    uint32_t count;
} prefault_run;

typedef struct prefault_set {
    uint32_t count; /* runs used */
    prefault_run runs[PREFAULT_MAX_RUNS];
} prefault_set;

/*
 * The pages of [base, base + bytes) this process has written since they
 * were mapped from a file privately (present and no longer the file's
 * page, per /proc/self/pagemap), as runs; gaps of one page are bridged and
 * runs past PREFAULT_MAX_RUNS dropped. 0, or -1 with err.
 */
int prefault_find(const void *base, size_t bytes, prefault_set *set, char *err, size_t errlen);

/* Is every run of set non-empty, in order and inside bytes of memory? */
bool prefault_valid(const prefault_set *set, size_t bytes);

/*
 * Copy set's pages of the memory at base in ahead of a run. Best effort:
 * a kernel without MADV_POPULATE_WRITE (before 5.14) or a page size other
 * than PREFAULT_PAGE leaves the faults to happen as before. Runs past
 * bytes are skipped.
 */
void prefault_apply(void *base, size_t bytes, const prefault_set *set);

#endif
