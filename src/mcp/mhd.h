/*
 * mhd.h - libmicrohttpd, loaded only when the HTTP transport starts.
 *
 * libmicrohttpd pulls in GnuTLS and nine more libraries (p11-kit, idn2,
 * tasn1, gmp, ...) whose relocations and constructors cost every process
 * about 3 ms of CPU before main, most of it page faults. The CLI's one-shot
 * runs and the stdio MCP server never serve HTTP, so the front-ends do not
 * link it: mcp_mhd_load() opens it with dlopen when `--transport http`
 * starts, and the transport calls it through `mcp_mhd`.
 *
 * Invariants: every member of mcp_mhd has exactly the type of the
 * function it stands for (taken from <microhttpd.h> with __typeof__), and
 * none is used before mcp_mhd_load() has returned 0; a failed load leaves
 * the table empty and says which library or symbol is missing.
 */
#ifndef LSB_MCP_MHD_H
#define LSB_MCP_MHD_H

#include <microhttpd.h>
#include <stddef.h>

/* The libmicrohttpd functions the HTTP transport calls. */
typedef struct mcp_mhd_api {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_quiesce_daemon) *quiesce_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_suspend_connection) *suspend_connection;
    __typeof__(MHD_resume_connection) *resume_connection;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_get_connection_values) *get_connection_values;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_create_response_from_callback) *create_response_from_callback;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
} mcp_mhd_api;

/* Filled by mcp_mhd_load(). */
extern mcp_mhd_api mcp_mhd;

/* Opens libmicrohttpd (once; later calls return the first result) and
 * fills mcp_mhd. Returns 0, or -1 with a message in err naming the
 * library or symbol that is missing and the package that provides it. */
int mcp_mhd_load(char *err, size_t errlen);

#endif
