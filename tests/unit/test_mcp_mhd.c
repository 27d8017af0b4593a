/*
 * test_mcp_mhd.c - libmicrohttpd loaded on demand (src/mcp/mhd.c): the real
 * library fills every entry of the table, a second load is the first one's
 * result, and a machine without the library gets an error that names it
 * and the package to install. This file defines dlopen, which the
 * statically linked mhd.o then calls: it forwards to the real one unless a
 * test asks it to fail.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcp/mhd.h"

#define ERR_SIZE 256

static bool refuse_dlopen; /* set in a forked child only */
static int dlopen_calls;

/* The dlopen mhd.c calls: counts, and fails as a missing library would. */
void *dlopen(const char *file, int mode) {
    dlopen_calls++;
    if (refuse_dlopen) return NULL;
    void *(*real)(const char *, int);
    void *address = dlsym(RTLD_NEXT, "dlopen");
    memcpy(&real, &address, sizeof address);
    return real(file, mode);
}

static void test_missing_library_is_named(void **state) {
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) { /* the first load of this process must be the failing one */
        char err[ERR_SIZE] = "";
        refuse_dlopen = true;
        int ok = mcp_mhd_load(err, sizeof err) == -1 && strstr(err, "libmicrohttpd.so.12") &&
                 strstr(err, "apt-get install libmicrohttpd12") && mcp_mhd.start_daemon == NULL;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_real_library_fills_table(void **state) {
    (void)state;
    char err[ERR_SIZE] = "";
    assert_int_equal(mcp_mhd_load(err, sizeof err), 0);
    assert_string_equal(err, "");
    const void *entries[] = {
        (const void *)mcp_mhd.start_daemon,
        (const void *)mcp_mhd.quiesce_daemon,
        (const void *)mcp_mhd.stop_daemon,
        (const void *)mcp_mhd.suspend_connection,
        (const void *)mcp_mhd.resume_connection,
        (const void *)mcp_mhd.lookup_connection_value,
        (const void *)mcp_mhd.get_connection_values,
        (const void *)mcp_mhd.get_connection_info,
        (const void *)mcp_mhd.create_response_from_buffer,
        (const void *)mcp_mhd.create_response_from_callback,
        (const void *)mcp_mhd.add_response_header,
        (const void *)mcp_mhd.queue_response,
        (const void *)mcp_mhd.destroy_response,
    };
    assert_int_equal(sizeof entries, sizeof mcp_mhd); /* every member is listed */
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        assert_non_null(entries[i]);
}

static void test_library_loads_once(void **state) {
    (void)state;
    char err[ERR_SIZE];
    assert_int_equal(mcp_mhd_load(err, sizeof err), 0);
    int before = dlopen_calls;
    assert_int_equal(mcp_mhd_load(err, sizeof err), 0);
    assert_int_equal(mcp_mhd_load(err, sizeof err), 0);
    assert_int_equal(dlopen_calls, before);
}

/* A response built and freed through the table: the pointers are the
 * library's functions, not just non-NULL. */
static void test_table_calls_the_library(void **state) {
    (void)state;
    char err[ERR_SIZE];
    assert_int_equal(mcp_mhd_load(err, sizeof err), 0);
    static const char body[] = "héllo";
    struct MHD_Response *r =
        mcp_mhd.create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_MUST_COPY);
    assert_non_null(r);
    assert_int_equal(mcp_mhd.add_response_header(r, "Content-Type", "text/plain"), MHD_YES);
    mcp_mhd.destroy_response(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_library_is_named),
        cmocka_unit_test(test_real_library_fills_table),
        cmocka_unit_test(test_library_loads_once),
        cmocka_unit_test(test_table_calls_the_library),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
