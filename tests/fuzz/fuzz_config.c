/*
 * fuzz_config.c - the MCP server's configuration: the INI file
 * (mcp_opt_load_file, through libinih), the command line (mcp_opt_parse)
 * and the auth token file (mcp_secret_read_token_file). These come from the
 * operator, but a config file is text anyone may have edited, and every
 * value goes through the number and list parsers.
 *
 * Proves: no file or argument list crashes them or leaks; a refusal says
 * why; accepted options keep every string terminated inside its buffer,
 * lists within MCP_OPT_LIST_MAX, and a log level the server knows; a token
 * read from a file is a terminated line without a newline.
 */
#include "fuzz.h"
#include "mcp/options.h"
#include "mcp/secret.h"

#define FZ_MAX_ARGS 32

/* The options hold together after a successful load or parse. */
static void check_options(const mcp_options *o) {
    FZ_CHECK(memchr(o->listen, '\0', sizeof o->listen) != NULL);
    FZ_CHECK(memchr(o->auth_token, '\0', sizeof o->auth_token) != NULL);
    FZ_CHECK(memchr(o->storage_dir, '\0', sizeof o->storage_dir) != NULL);
    FZ_CHECK(memchr(o->log_level, '\0', sizeof o->log_level) != NULL);
    FZ_CHECK(o->origin_count <= MCP_OPT_LIST_MAX && o->external_count <= MCP_OPT_LIST_MAX);
    for (size_t i = 0; i < o->origin_count; i++)
        FZ_CHECK(o->origins[i] != NULL);
}

/* The input as an INI file. */
static void load_file(const uint8_t *data, size_t size) {
    mcp_options o;
    char path[64], err[1024] = "";
    int fd = fz_memfile(data, size, path, sizeof path);
    mcp_opt_defaults(&o);
    if (mcp_opt_load_file(&o, path, err, sizeof err) == 0)
        check_options(&o);
    else
        FZ_CHECK(err[0] != '\0');
    mcp_opt_free(&o);
    char token[512];
    if (mcp_secret_read_token_file(path, token, sizeof token, err, sizeof err) == 0)
        FZ_CHECK(strchr(token, '\n') == NULL && strlen(token) < sizeof token);
    close(fd);
}

/* The input as NUL-separated arguments (no --config: it names a file). */
static void parse_args(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    char *argv[FZ_MAX_ARGS + 1], err[1024] = "";
    int argc = 0;
    while (in.len > 0 && argc < FZ_MAX_ARGS)
        argv[argc++] = fz_text(&in);
    argv[argc] = NULL;
    int has_config = 0;
    for (int i = 0; i < argc; i++)
        has_config |= strncmp(argv[i], "--config", 8) == 0;
    mcp_options o;
    mcp_opt_defaults(&o);
    if (!has_config) {
        if (mcp_opt_parse(&o, argc, argv, err, sizeof err) == 0)
            check_options(&o);
        else
            FZ_CHECK(err[0] != '\0');
    }
    mcp_opt_free(&o);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
}

/* Input: 1 selector byte (even: an INI file, odd: arguments), the rest. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    if (data[0] & 1)
        parse_args(data + 1, size - 1);
    else
        load_file(data + 1, size - 1);
    return 0;
}
