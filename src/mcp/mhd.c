/*
 * mhd.c - opens libmicrohttpd with dlopen when the HTTP transport starts
 * (why: mhd.h). The library is found by its soname, as the dynamic linker
 * would find it, and opened RTLD_NOW so a missing symbol fails here, at
 * start-up, not in the middle of a request.
 */
#include "mcp/mhd.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The soname of the libmicrohttpd ABI <microhttpd.h> describes (Debian
 * package libmicrohttpd12). */
#define MHD_SONAME   "libmicrohttpd.so.12"
#define MHD_ERR_SIZE 256

mcp_mhd_api mcp_mhd;

/* One table entry: a symbol and the function pointer its address goes to. */
typedef struct mhd_symbol {
    const char *name;
    void *slot;
} mhd_symbol;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[MHD_ERR_SIZE];

/* Resolves every function of mcp_mhd_api in `lib` into a local copy, so
 * that mcp_mhd is either complete or untouched. Returns 0 or -1 (load_error). */
static int resolve_all(void *lib) {
    mcp_mhd_api api;
    const mhd_symbol table[] = {
        {"MHD_start_daemon", &api.start_daemon},
        {"MHD_quiesce_daemon", &api.quiesce_daemon},
        {"MHD_stop_daemon", &api.stop_daemon},
        {"MHD_suspend_connection", &api.suspend_connection},
        {"MHD_resume_connection", &api.resume_connection},
        {"MHD_lookup_connection_value", &api.lookup_connection_value},
        {"MHD_get_connection_values", &api.get_connection_values},
        {"MHD_get_connection_info", &api.get_connection_info},
        {"MHD_create_response_from_buffer", &api.create_response_from_buffer},
        {"MHD_create_response_from_callback", &api.create_response_from_callback},
        {"MHD_add_response_header", &api.add_response_header},
        {"MHD_queue_response", &api.queue_response},
        {"MHD_destroy_response", &api.destroy_response},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        void *address = dlsym(lib, table[i].name);
        if (address == NULL) {
            snprintf(load_error, sizeof load_error, "%s has no %s: the HTTP transport needs %s",
                     MHD_SONAME, table[i].name, MHD_SONAME);
            return -1;
        }
        /* POSIX: a dlsym result converts to a function pointer this way */
        memcpy(table[i].slot, &address, sizeof address);
    }
    mcp_mhd = api;
    return 0;
}

/* pthread_once body: open the library and resolve the table. */
static void load(void) {
    void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "the HTTP transport needs %s (Debian: apt-get install libmicrohttpd12): %s",
                 MHD_SONAME, why ? why : "not found");
        return;
    }
    if (resolve_all(lib) != 0) {
        dlclose(lib);
        return;
    }
    load_status = 0; /* the library stays open for the life of the process */
}

/* See mhd.h. */
int mcp_mhd_load(char *err, size_t errlen) {
    pthread_once(&load_once, load);
    if (load_status != 0 && errlen > 0) snprintf(err, errlen, "%s", load_error);
    return load_status;
}
