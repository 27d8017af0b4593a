/*
 * prefault.c - finds and copies in the snapshot pages runs write (see
 * prefault.h).
 *
 * /proc/self/pagemap has one 64-bit entry per virtual page: bit 63 says the
 * page is present, bit 61 that it is a file page (or shared anonymous
 * memory). A private file mapping's page that was written has been
 * copied into anonymous memory: present, bit 61 clear.
 */
#include "sandbox/prefault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older headers lack it */
#endif

#define PAGEMAP_PRESENT  (1ULL << 63)
#define PAGEMAP_FILE     (1ULL << 61)
#define PAGEMAP_CHUNK    512 /* entries read at a time */
#define PREFAULT_MAX_GAP 1   /* unwritten pages a run may bridge */

/* Add page to set: extend the last run (bridging a short gap) or start a
 * new one while there is room. */
static void add_page(prefault_set *set, uint32_t page) {
    if (set->count > 0) {
        prefault_run *last = &set->runs[set->count - 1];
        if (page - (last->first + last->count) <= PREFAULT_MAX_GAP) {
            last->count = page - last->first + 1;
            return;
        }
    }
    if (set->count < PREFAULT_MAX_RUNS) set->runs[set->count++] = (prefault_run){page, 1};
}

/* See prefault.h. */
int prefault_find(const void *base, size_t bytes, prefault_set *set, char *err, size_t errlen) {
    memset(set, 0, sizeof *set);
    if (sysconf(_SC_PAGESIZE) != PREFAULT_PAGE || (uintptr_t)base % PREFAULT_PAGE != 0) return 0;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open /proc/self/pagemap: %s", strerror(errno));
        return -1;
    }
    uint64_t entries[PAGEMAP_CHUNK];
    size_t pages = bytes / PREFAULT_PAGE, first_vpage = (uintptr_t)base / PREFAULT_PAGE;
    for (size_t at = 0; at < pages; at += PAGEMAP_CHUNK) {
        size_t n = pages - at < PAGEMAP_CHUNK ? pages - at : PAGEMAP_CHUNK;
        off_t where = (off_t)((first_vpage + at) * sizeof entries[0]);
        if (pread(fd, entries, n * sizeof entries[0], where) != (ssize_t)(n * sizeof entries[0])) {
            snprintf(err, errlen, "cannot read /proc/self/pagemap: %s", strerror(errno));
            close(fd);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if ((entries[i] & PAGEMAP_PRESENT) && !(entries[i] & PAGEMAP_FILE))
                add_page(set, (uint32_t)(at + i));
    }
    close(fd);
    return 0;
}

/* See prefault.h. */
bool prefault_valid(const prefault_set *set, size_t bytes) {
    uint64_t end = 0, pages = bytes / PREFAULT_PAGE;
    if (set->count > PREFAULT_MAX_RUNS) return false;
    for (uint32_t i = 0; i < set->count; i++) {
        const prefault_run *r = &set->runs[i];
        if (r->count == 0 || r->first < end || (uint64_t)r->first + r->count > pages) return false;
        end = (uint64_t)r->first + r->count;
    }
    return true;
}

/* See prefault.h. */
void prefault_apply(void *base, size_t bytes, const prefault_set *set) {
    if (sysconf(_SC_PAGESIZE) != PREFAULT_PAGE || !prefault_valid(set, bytes)) return;
    for (uint32_t i = 0; i < set->count; i++) {
        const prefault_run *r = &set->runs[i];
        char *start = (char *)base + (size_t)r->first * PREFAULT_PAGE;
        if (madvise(start, (size_t)r->count * PREFAULT_PAGE, MADV_POPULATE_WRITE) != 0 &&
            errno == EINVAL)
            return; /* the kernel has no MADV_POPULATE_WRITE: faults as before */
    }
}
