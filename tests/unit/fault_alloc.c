/*
 * fault_alloc.c - the allocation failure injector behind fault_alloc.h.
 * The __wrap_ functions are what --wrap makes callers reach; __real_ ones
 * are libc's. State is atomic: the MCP call workers of a test may allocate
 * from their own threads.
 */
#include "fault_alloc.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

enum { MODE_OFF, MODE_COUNT, MODE_NTH, MODE_FROM };

static atomic_int mode = MODE_OFF;
static atomic_size_t counted, target, refused;
static _Thread_local int paused;

/* Count one allocation; true when it must fail. */
static bool fault_hit(void) {
    int m = atomic_load(&mode);
    if (m == MODE_OFF || paused > 0) return false;
    size_t n = atomic_fetch_add(&counted, 1) + 1;
    bool fail = (m == MODE_NTH && n == atomic_load(&target)) ||
                (m == MODE_FROM && n >= atomic_load(&target));
    if (fail) atomic_fetch_add(&refused, 1);
    return fail;
}

/* Arm mode m with target nth, counters zeroed. */
static void fault_arm(int m, size_t nth) {
    paused = 0; /* a failed assertion may have left the test paused */
    atomic_store(&counted, 0);
    atomic_store(&refused, 0);
    atomic_store(&target, nth);
    atomic_store(&mode, m);
}

/* malloc through the counter. */
void *__wrap_malloc(size_t size) { return fault_hit() ? NULL : __real_malloc(size); }

/* calloc through the counter. */
void *__wrap_calloc(size_t n, size_t size) { return fault_hit() ? NULL : __real_calloc(n, size); }

/* realloc through the counter; a refused realloc leaves p untouched, as
 * libc's does. */
void *__wrap_realloc(void *p, size_t size) { return fault_hit() ? NULL : __real_realloc(p, size); }

/* strdup as one counted allocation. */
char *__wrap_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = __wrap_malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* strndup as one counted allocation. */
char *__wrap_strndup(const char *s, size_t n) {
    size_t len = strnlen(s, n);
    char *d = __wrap_malloc(len + 1);
    if (d == NULL) return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

/* jansson's allocator: the counted malloc. */
static void *fault_json_malloc(size_t size) { return __wrap_malloc(size); }

/* See fault_alloc.h. */
void fault_alloc_install(void) { json_set_alloc_funcs(fault_json_malloc, free); }

/* See fault_alloc.h. */
void fault_alloc_count(void) { fault_arm(MODE_COUNT, 0); }

/* See fault_alloc.h. */
void fault_alloc_fail_nth(size_t nth) { fault_arm(MODE_NTH, nth); }

/* See fault_alloc.h. */
void fault_alloc_fail_from(size_t nth) { fault_arm(MODE_FROM, nth); }

/* See fault_alloc.h. */
size_t fault_alloc_stop(void) {
    atomic_store(&mode, MODE_OFF);
    return atomic_load(&counted);
}

/* See fault_alloc.h. */
size_t fault_alloc_failed(void) { return atomic_load(&refused); }

/* See fault_alloc.h. */
void fault_alloc_pause(bool pause) { paused += pause ? 1 : -1; }
