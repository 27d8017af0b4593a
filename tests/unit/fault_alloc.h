/*
 * fault_alloc.h - a build-time allocation failure injector for unit tests
 * (SQLite-style). A test binary linked with
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
 * sends every such call made from its own objects and from the static
 * libraries (libllmsandbox.a, libfrontends.a) through the counter here;
 * fault_alloc_install() also routes jansson's allocations (made inside
 * libjansson.so, which --wrap cannot reach) through it.
 *
 * Not intercepted: allocations libc makes internally (asprintf, vasprintf,
 * getline, open_memstream, realpath(.., NULL), fopen's buffers, pthread
 * stacks) and those of other shared libraries (cmocka, nettle).
 * free() is never wrapped: every wrapper returns memory from libc's malloc.
 */
#ifndef TESTS_UNIT_FAULT_ALLOC_H
#define TESTS_UNIT_FAULT_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Route jansson through the counter; call once before any jansson use. */
void fault_alloc_install(void);

/* Start counting from zero with no failure planned. Arming (this and the
 * two below) also ends a pause of the calling thread. */
void fault_alloc_count(void);

/* Fail the nth counted allocation from now (1-based) and only it. */
void fault_alloc_fail_nth(size_t nth);

/* Fail the nth counted allocation from now and every later one. */
void fault_alloc_fail_from(size_t nth);

/* Stop failing and counting; returns how many allocations were counted. */
size_t fault_alloc_stop(void);

/* How many counted allocations were refused since the last arming. */
size_t fault_alloc_failed(void);

/* Suspend (true) or resume (false) counting, for the test's own checking
 * code; nests. */
void fault_alloc_pause(bool pause);

#endif
