/*
 * options.h - the MCP server's settings (prefix mcp_opt_): defaults, the
 * config file (INI, read with Debian's libinih) and the command line, in
 * that order of precedence (the command line wins).
 */
#ifndef LSB_MCP_OPTIONS_H
#define LSB_MCP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCP_OPT_LIST_MAX     64 /* origins or external files */
#define MCP_OPT_PATH_MAX     4096
#define MCP_OPT_DEFAULT_HOST "127.0.0.1" /* --http without a host */
#define MCP_OPT_DEFAULT_PORT "8080"

typedef struct mcp_options {
    bool help, version;
    bool http;                       /* serve Streamable HTTP instead of stdio */
    char listen[256];                /* "HOST:PORT" for --http */
    char auth_token[512];            /* bearer token, or "" for none */
    char *origins[MCP_OPT_LIST_MAX]; /* allowed Origin values (malloc'd) */
    size_t origin_count;
    char *trusted_proxies[MCP_OPT_LIST_MAX]; /* proxies whose X-Forwarded-For names the
                                                client (canonical addresses, malloc'd) */
    size_t trusted_proxy_count;
    char *external_files[MCP_OPT_LIST_MAX]; /* host files copied into /external */
    size_t external_count;
    uint32_t max_external_mb;             /* size cap of one external file, MiB */
    char storage_dir[MCP_OPT_PATH_MAX];   /* the server's own files; "" = default */
    char sessions_root[MCP_OPT_PATH_MAX]; /* "" = STORAGE/sessions */
    char wheel_dir[MCP_OPT_PATH_MAX];     /* "" = STORAGE/wheels */
    char assets[MCP_OPT_PATH_MAX];        /* "" = next to the executable */
    char audit_log[MCP_OPT_PATH_MAX];     /* "" = stderr, "-" never */
    bool audit_content;                   /* put code and output in the audit log */
    bool share_sessions;                  /* every client sees every session */
    char log_level[16];                   /* debug, info, warning, error */
    uint32_t workers;                     /* concurrent executions; 0 = cores */
    uint32_t max_sessions;
    uint32_t session_ttl_s;
    uint64_t max_code_bytes;
    uint64_t max_body_bytes;
    uint32_t max_output_chars;
    uint64_t max_outputs_bytes; /* STORAGE/outputs/ in all */
    uint32_t outputs_ttl_s;     /* a file there is kept this long */
    uint32_t default_timeout_s;
    uint32_t rate_per_min; /* 0 = no rate limit */
    uint32_t rate_burst;
    uint32_t max_connections;
    uint32_t max_connections_per_ip; /* 0 = automatic (none on a loopback bind) */
    uint32_t idle_timeout_s;         /* an HTTP connection without traffic closes */
    uint64_t fuel;
    uint64_t memory_bytes;
    /* read auth_token from this file's first line (secret.h); "" = none */
    char auth_token_file[MCP_OPT_PATH_MAX];
} mcp_options;

/* Fill o with the defaults (mcp/limits.h). Never fails. */
void mcp_opt_defaults(mcp_options *o);

/* Parse the `mcp` arguments (argv[0] is the first option, not the
 * command); a --config FILE among them is read first, then every other
 * option overrides it. LSB_MCP_AUTH_TOKEN supplies a token the command
 * line did not. Returns 0, or -1 with a message naming the bad option,
 * key or value in err. */
int mcp_opt_parse(mcp_options *o, int argc, char **argv, char *err, size_t errlen);

/* Read an INI config file into o (see README "MCP server" for the keys);
 * 0, or -1 with "FILE:LINE: why" in err. */
int mcp_opt_load_file(mcp_options *o, const char *path, char *err, size_t errlen);

/* Free the lists of o (the rest of o stays valid). Never fails. */
void mcp_opt_free(mcp_options *o);

/* Print the `mcp --help` text on stream (a FILE *); write errors are
 * ignored. */
void mcp_opt_print_help(void *stream);

#endif
