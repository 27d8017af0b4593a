/*
 * options.c - the MCP server's settings: one table of options serves the
 * command line (--name VALUE), the config file ([section] name = value,
 * parsed by libinih) and the --help text, so the three never disagree.
 *
 * Invariants: every value is parsed with the library's parsers (no strtoul
 * quirks) and checked against the option's range; an unknown key, a bad
 * value or a list past MCP_OPT_LIST_MAX is an error naming the option, never
 * ignored. Strings longer than their field are refused, not cut.
 */
#include "mcp/options.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "llmsandbox.h"
#include "mcp/http_input.h"
#include "mcp/limits.h"
#include "mcp/origin.h"

typedef enum opt_type {
    OPT_FLAG,   /* bool; on the command line it takes no value */
    OPT_U32,    /* whole number in [min, max] */
    OPT_SIZE,   /* byte size ("1MiB", "500000") in [min, max] */
    OPT_U64,    /* whole number in [min, max] */
    OPT_STRING, /* copied into a char array of the given capacity */
    OPT_LIST,   /* appended to a char *[MCP_OPT_LIST_MAX] (count at off2) */
    OPT_LISTEN  /* "HOST:PORT": sets http and listen */
} opt_type;

typedef struct opt_spec {
    const char *section, *name; /* config key; the flag is "--" + name with '_' as '-' */
    opt_type type;
    size_t off, off2, cap;
    uint64_t min, max;
    const char *meta, *help;
} opt_spec;

#define F(field) offsetof(mcp_options, field)
#define S(field) sizeof(((mcp_options *)0)->field)
#define U32_MAX  4294967295ULL

static const opt_spec opt_table[] = {
    {"server", "http", OPT_LISTEN, F(listen), 0, S(listen), 0, 0, "[HOST:PORT]",
     "serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio (a PORT alone, or "
     "nothing, binds 127.0.0.1; default port 8080)"},
    {"server", "workers", OPT_U32, F(workers), 0, 0, 1, 1024, "N",
     "executions run at once (default: the number of cores)"},
    {"server", "storage_dir", OPT_STRING, F(storage_dir), 0, S(storage_dir), 0, 0, "DIR",
     "the server's files: sessions/, protocol-sessions/, wheels/, outputs/, external/; "
     "nodes behind one load balancer share it (default "
     "${XDG_STATE_HOME:-~/.local/state}/llm-wasm-sandbox/" LSB_MCP_SUBDIR ")"},
    {"server", "sessions_root", OPT_STRING, F(sessions_root), 0, S(sessions_root), 0, 0, "DIR",
     "where sessions live (default STORAGE/sessions)"},
    {"server", "wheel_dir", OPT_STRING, F(wheel_dir), 0, S(wheel_dir), 0, 0, "DIR",
     "where install_package finds wheels by name (default STORAGE/wheels)"},
    {"server", "assets", OPT_STRING, F(assets), 0, S(assets), 0, 0, "DIR",
     "snapshots and stdlib (default: next to the executable)"},
    {"server", "log_level", OPT_STRING, F(log_level), 0, S(log_level), 0, 0, "LEVEL",
     "stderr log level: debug, info, warning or error (default info)"},
    {"limits", "max_sessions", OPT_U32, F(max_sessions), 0, 0, 1, 1000000, "N",
     "sessions that may exist at once (default 50)"},
    {"limits", "session_ttl", OPT_U32, F(session_ttl_s), 0, 0, 1, U32_MAX, "SECONDS",
     "an idle session is destroyed after this (default 600)"},
    {"limits", "max_code_size", OPT_SIZE, F(max_code_bytes), 0, 0, 1, 0, "SIZE",
     "code of one execute_code (default 1MiB)"},
    {"limits", "max_body_size", OPT_SIZE, F(max_body_bytes), 0, 0, 1024, 1ULL << 30, "SIZE",
     "one HTTP request body or stdio line (default 10MiB)"},
    {"limits", "max_output_chars", OPT_U32, F(max_output_chars), 0, 0, 100, 100000000, "N",
     "characters of output in one tool result; the rest goes to a file (default 100000)"},
    {"limits", "max_outputs_size", OPT_SIZE, F(max_outputs_bytes), 0, 0, 0, 1ULL << 40, "SIZE",
     "one-shot runs' full outputs kept in STORAGE/outputs/, oldest deleted first (default "
     "256MiB)"},
    {"limits", "outputs_ttl", OPT_U32, F(outputs_ttl_s), 0, 0, 1, U32_MAX, "SECONDS",
     "a full output file there is deleted after this (default 3600)"},
    {"limits", "default_timeout", OPT_U32, F(default_timeout_s), 0, 0, LSB_MCP_MIN_TIMEOUT_S,
     LSB_MCP_MAX_TIMEOUT_S, "SECONDS", "execute_code without a timeout (default 30)"},
    {"limits", "fuel", OPT_U64, F(fuel), 0, 0, 1, UINT64_MAX / 2, "N",
     "instruction budget of one execution (default 10000000000)"},
    {"limits", "memory", OPT_SIZE, F(memory_bytes), 0, 0, 1, 0, "SIZE",
     "memory of one execution (default 256MiB)"},
    {"limits", "rate_limit", OPT_U32, F(rate_per_min), 0, 0, 0, 1000000, "N",
     "HTTP requests per client per minute, 0 for none (default 600)"},
    {"limits", "rate_burst", OPT_U32, F(rate_burst), 0, 0, 1, 1000000, "N",
     "HTTP requests a client may send at once (default 60)"},
    {"limits", "max_connections", OPT_U32, F(max_connections), 0, 0, 1, 65536, "N",
     "concurrent HTTP connections, capped by the open-file limit (default 4096)"},
    {"limits", "max_connections_per_ip", OPT_U32, F(max_connections_per_ip), 0, 0, 0, 65536, "N",
     "concurrent HTTP connections from one address, 0 for automatic: none on a loopback bind, "
     "a quarter of max_connections otherwise (default 0)"},
    {"limits", "idle_timeout", OPT_U32, F(idle_timeout_s), 0, 0, 1, 3600, "SECONDS",
     "an HTTP connection with no traffic is closed after this; one waiting for its run is not "
     "idle (default 30)"},
    {"security", "auth_token", OPT_STRING, F(auth_token), 0, S(auth_token), 0, 0, "TOKEN",
     "require 'Authorization: Bearer TOKEN' on HTTP (or set LSB_MCP_AUTH_TOKEN); other users "
     "see a command line in ps: prefer auth_token_file"},
    {"security", "auth_token_file", OPT_STRING, F(auth_token_file), 0, S(auth_token_file), 0, 0,
     "FILE", "read the token from FILE's first line; FILE must be private (chmod 600)"},
    {"security", "allowed_origin", OPT_LIST, F(origins), F(origin_count), 0, 0, 0, "ORIGIN",
     "an Origin allowed besides localhost ones; repeatable"},
    {"security", "trusted_proxy", OPT_LIST, F(trusted_proxies), F(trusted_proxy_count), 0, 0, 0,
     "ADDR",
     "a load balancer's address (e.g. 127.0.0.1 for HAProxy on this machine): requests from it "
     "are counted against the client its X-Forwarded-For names (the last element), for rate "
     "limits and per-client caps; repeatable (default: none, X-Forwarded-For is ignored)"},
    {"security", "share_sessions", OPT_FLAG, F(share_sessions), 0, 0, 0, 0, NULL,
     "let every client use every session (default: a session belongs to the client that "
     "created it: the bearer token's holder, else the Mcp-Session-Id, else the client address "
     "for stateless requests; stdio has one client)"},
    {"security", "audit_log", OPT_STRING, F(audit_log), 0, S(audit_log), 0, 0, "FILE",
     "append the audit log (JSON lines) here (default: stderr; '-' for none)"},
    {"security", "audit_content", OPT_FLAG, F(audit_content), 0, 0, 0, 0, NULL,
     "put code and output in the audit log (default: sizes and a hash only)"},
    {"external", "external_files", OPT_LIST, F(external_files), F(external_count), 0, 0, 0,
     "FILE...", "copy these files flat into the read-only /external"},
    {"external", "max_external_file_size_mb", OPT_U32, F(max_external_mb), 0, 0, 1, 1048576, "MB",
     "size cap of one external file in MiB (default 50)"},
};
#define OPT_COUNT (sizeof opt_table / sizeof opt_table[0])

/* See options.h. */
void mcp_opt_defaults(mcp_options *o) {
    memset(o, 0, sizeof *o);
    o->max_external_mb = LSB_MCP_MAX_EXTERNAL_MB;
    snprintf(o->log_level, sizeof o->log_level, "info");
    o->max_sessions = LSB_MCP_MAX_SESSIONS;
    o->session_ttl_s = LSB_MCP_SESSION_TTL_S;
    o->max_code_bytes = LSB_MCP_MAX_CODE_BYTES;
    o->max_body_bytes = LSB_MCP_MAX_BODY_BYTES;
    o->max_output_chars = LSB_MCP_MAX_OUTPUT_CHARS;
    o->max_outputs_bytes = LSB_MCP_OUTPUTS_MAX_BYTES;
    o->outputs_ttl_s = LSB_MCP_OUTPUTS_TTL_S;
    o->default_timeout_s = LSB_MCP_TIMEOUT_S;
    o->rate_per_min = LSB_MCP_RATE_PER_MIN;
    o->rate_burst = LSB_MCP_RATE_BURST;
    o->max_connections = LSB_MCP_MAX_CONNECTIONS;
    o->idle_timeout_s = LSB_MCP_IDLE_TIMEOUT_S;
    o->fuel = LSB_MCP_FUEL;
    o->memory_bytes = LSB_MCP_MEMORY_BYTES;
}

/* The spec whose command-line flag is flag ("--max-sessions"), or NULL. */
static const opt_spec *find_flag(const char *flag) {
    if (strncmp(flag, "--", 2) != 0) return NULL;
    for (size_t i = 0; i < OPT_COUNT; i++) {
        const char *a = flag + 2, *b = opt_table[i].name;
        while (*a && *b && (*a == *b || (*a == '-' && *b == '_')))
            a++, b++;
        if (*a == '\0' && *b == '\0') return &opt_table[i];
    }
    return NULL;
}

/* The range of a number option: the spec's, except for the code size
 * and the memory, whose bounds are the library's (their spec says 0). */
static void spec_range(const opt_spec *s, uint64_t *min, uint64_t *max) {
    lsb_limits lim;
    lsb_limits_get(&lim);
    *min = s->min;
    *max = s->max;
    if (s->off == F(max_code_bytes)) *max = lim.max_code_bytes;
    if (s->off == F(memory_bytes)) *min = lim.min_memory, *max = lim.max_memory;
}

/* Parse a number of the spec's type into *v and check its range. */
static int parse_number(const opt_spec *s, const char *text, uint64_t *v, char *err,
                        size_t errlen) {
    char why[160];
    uint64_t min, max;
    spec_range(s, &min, &max);
    int rc = s->type == OPT_SIZE ? lsb_parse_size(text, min == 0, v, why, sizeof why)
                                 : lsb_parse_u64(text, min == 0, v, why, sizeof why);
    if (rc == 0 && (*v < min || *v > max)) {
        snprintf(why, sizeof why, "must be between %llu and %llu", (unsigned long long)min,
                 (unsigned long long)max);
        rc = -1;
    }
    if (rc != 0) snprintf(err, errlen, "%s: %s", s->name, why);
    return rc;
}

/* Append value to a list option. */
static int list_add(mcp_options *o, const opt_spec *s, const char *value, char *err,
                    size_t errlen) {
    char **list = (char **)((char *)o + s->off);
    size_t *count = (size_t *)((char *)o + s->off2);
    char scheme[16], canon[MCP_HTTP_IP_MAX];
    mcp_authority a;
    if (s->off == F(trusted_proxies)) {
        if (mcp_http_ip_canon(value, canon) != 0) {
            snprintf(err, errlen, "%s: '%.200s' is not an IPv4 or IPv6 address", s->name, value);
            return -1;
        }
        value = canon;
    }
    if (s->off == F(origins) && mcp_origin_parse(value, scheme, sizeof scheme, &a) != 0) {
        snprintf(err, errlen, "%s: '%.200s' is not an origin (scheme://host[:port], nothing more)",
                 s->name, value);
        return -1;
    }
    if (*count >= MCP_OPT_LIST_MAX) {
        snprintf(err, errlen, "%s: at most %d values", s->name, MCP_OPT_LIST_MAX);
        return -1;
    }
    if ((list[*count] = strdup(value)) == NULL) {
        snprintf(err, errlen, "%s: out of memory", s->name);
        return -1;
    }
    (*count)++;
    return 0;
}

/* Store one value for spec s; 0 or -1 with err. */
static int opt_set(mcp_options *o, const opt_spec *s, const char *value, char *err, size_t errlen) {
    char *field = (char *)o + s->off;
    uint64_t v = 0;
    switch (s->type) {
    case OPT_FLAG:
        if (strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
            strcasecmp(value, "yes") == 0) {
            *(bool *)field = true;
        } else if (strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
                   strcasecmp(value, "no") == 0) {
            *(bool *)field = false;
        } else {
            snprintf(err, errlen, "%s: expected true or false, got '%.40s'", s->name, value);
            return -1;
        }
        return 0;
    case OPT_U32:
    case OPT_U64:
    case OPT_SIZE:
        if (parse_number(s, value, &v, err, errlen) != 0) return -1;
        if (s->type == OPT_U32)
            *(uint32_t *)field = (uint32_t)v;
        else
            *(uint64_t *)field = v;
        return 0;
    case OPT_LIST: return list_add(o, s, value, err, errlen);
    case OPT_LISTEN: /* "PORT" alone binds loopback */
        o->http = true;
        if (value[0] != '\0' && strspn(value, "0123456789") == strlen(value)) {
            snprintf(o->listen, sizeof o->listen, "%s:%.6s", MCP_OPT_DEFAULT_HOST, value);
            return 0;
        }
        /* fall through */
    case OPT_STRING:
        if (strlen(value) >= s->cap) {
            snprintf(err, errlen, "%s: value too long (at most %zu characters)", s->name,
                     s->cap - 1);
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    }
    return -1;
}

typedef struct ini_ctx {
    mcp_options *o;
    const char *path;
    char *err;
    size_t errlen;
    int line;
    bool failed;
} ini_ctx;

/* libinih callback: one "name = value" in a section. */
static int ini_entry(void *user, const char *section, const char *name, const char *value) {
    ini_ctx *c = user;
    if (c->failed) return 0;
    for (size_t i = 0; i < OPT_COUNT; i++) {
        if (strcmp(opt_table[i].section, section) != 0 || strcmp(opt_table[i].name, name) != 0)
            continue;
        char why[300];
        if (opt_table[i].type == OPT_LIST) { /* one value per line, or several space-separated */
            char copy[MCP_OPT_PATH_MAX], *save = NULL;
            snprintf(copy, sizeof copy, "%s", value);
            for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
                if (opt_set(c->o, &opt_table[i], t, why, sizeof why) != 0) goto bad;
            return 1;
        }
        if (opt_set(c->o, &opt_table[i], value, why, sizeof why) == 0) return 1;
    bad:
        snprintf(c->err, c->errlen, "%s: [%s] %s", c->path, section, why);
        c->failed = true;
        return 0;
    }
    snprintf(c->err, c->errlen,
             "%s: unknown key '%s' in section [%s] (see `llm-sandbox mcp --help`)", c->path, name,
             section);
    c->failed = true;
    return 0;
}

/* See options.h. */
int mcp_opt_load_file(mcp_options *o, const char *path, char *err, size_t errlen) {
    ini_ctx c = {o, path, err, errlen, 0, false};
    int rc = ini_parse(path, ini_entry, &c);
    if (rc == -1) {
        snprintf(err, errlen, "%s: cannot open the config file", path);
        return -1;
    }
    if (c.failed) return -1;
    if (rc != 0) {
        snprintf(err, errlen, "%s:%d: not a 'name = value' line or a [section]", path, rc);
        return -1;
    }
    return 0;
}

/* Apply --config FILE (if any) before everything else. */
static int load_config_arg(mcp_options *o, int argc, char **argv, char *err, size_t errlen) {
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "--config needs a FILE");
                return -1;
            }
            return mcp_opt_load_file(o, argv[i + 1], err, errlen);
        }
        if (strncmp(argv[i], "--config=", 9) == 0)
            return mcp_opt_load_file(o, argv[i] + 9, err, errlen);
    }
    return 0;
}

/* One command-line option at argv[*i]; advances *i past its values. */
static int parse_arg(mcp_options *o, int argc, char **argv, int *i, char *err, size_t errlen) {
    const char *arg = argv[*i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) return o->help = true, 0;
    if (strcmp(arg, "--version") == 0) return o->version = true, 0;
    if (strcmp(arg, "--config") == 0) return (*i)++, 0; /* read already */
    if (strncmp(arg, "--config=", 9) == 0) return 0;
    char flag[128];
    const char *eq = strchr(arg, '=');
    snprintf(flag, sizeof flag, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
    const opt_spec *s = find_flag(flag);
    if (s == NULL) {
        snprintf(err, errlen, "unknown option '%.60s' (see `llm-sandbox mcp --help`)", arg);
        return -1;
    }
    char why[300];
    int rc = 0;
    bool no_value = *i + 1 >= argc || strncmp(argv[*i + 1], "--", 2) == 0;
    if (s->type == OPT_FLAG && eq == NULL) {
        rc = opt_set(o, s, "true", why, sizeof why);
    } else if (s->type == OPT_LISTEN && eq == NULL && no_value) {
        rc = opt_set(o, s, MCP_OPT_DEFAULT_HOST ":" MCP_OPT_DEFAULT_PORT, why, sizeof why);
    } else if (eq != NULL) {
        rc = opt_set(o, s, eq + 1, why, sizeof why);
    } else if (s->type == OPT_LIST) { /* values up to the next --option */
        int n = 0;
        while (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0 && rc == 0)
            rc = opt_set(o, s, argv[++*i], why, sizeof why), n++;
        if (n == 0 && rc == 0) snprintf(why, sizeof why, "%s needs a value", flag), rc = -1;
    } else if (*i + 1 >= argc) {
        snprintf(why, sizeof why, "%s needs a value (%s)", flag, s->meta);
        rc = -1;
    } else {
        rc = opt_set(o, s, argv[++*i], why, sizeof why);
    }
    if (rc != 0) snprintf(err, errlen, "%s", why);
    return rc;
}

/* See options.h. */
int mcp_opt_parse(mcp_options *o, int argc, char **argv, char *err, size_t errlen) {
    if (load_config_arg(o, argc, argv, err, errlen) != 0) return -1;
    for (int i = 0; i < argc; i++)
        if (parse_arg(o, argc, argv, &i, err, errlen) != 0) return -1;
    const char *env = getenv("LSB_MCP_AUTH_TOKEN");
    if (o->auth_token[0] == '\0' && o->auth_token_file[0] == '\0' && env != NULL &&
        env[0] != '\0') {
        if (strlen(env) >= sizeof o->auth_token) {
            snprintf(err, errlen, "LSB_MCP_AUTH_TOKEN is too long (at most %zu characters)",
                     sizeof o->auth_token - 1);
            return -1;
        }
        snprintf(o->auth_token, sizeof o->auth_token, "%s", env);
    }
    if (strcmp(o->log_level, "debug") && strcmp(o->log_level, "info") &&
        strcmp(o->log_level, "warning") && strcmp(o->log_level, "error")) {
        snprintf(err, errlen, "log_level: expected debug, info, warning or error, got '%s'",
                 o->log_level);
        return -1;
    }
    return 0;
}

/* See options.h. */
void mcp_opt_free(mcp_options *o) {
    for (size_t i = 0; i < o->origin_count; i++)
        free(o->origins[i]);
    for (size_t i = 0; i < o->external_count; i++)
        free(o->external_files[i]);
    for (size_t i = 0; i < o->trusted_proxy_count; i++)
        free(o->trusted_proxies[i]);
    o->origin_count = o->external_count = o->trusted_proxy_count = 0;
}

/* See options.h. */
void mcp_opt_print_help(void *stream) {
    FILE *f = stream;
    fprintf(f, "Usage: llm-sandbox mcp [OPTIONS]   (also installed as llm-wasm-mcp)\n\n"
               "Serves the sandbox as an MCP server: over stdio by default (protocol on\n"
               "stdout, JSON-line logs on stderr), or Streamable HTTP with --http.\n\n"
               "Options (each may also be written --option=VALUE; the same names, with\n"
               "'_' for '-', are keys of the config file's sections):\n"
               "  --config FILE                   read settings from an INI file first\n");
    const char *section = "";
    for (size_t i = 0; i < OPT_COUNT; i++) {
        const opt_spec *s = &opt_table[i];
        if (strcmp(section, s->section) != 0) fprintf(f, "  [%s]\n", section = s->section);
        char flag[96];
        int n = snprintf(flag, sizeof flag, "--%s%s%s", s->name, s->meta ? " " : "",
                         s->meta ? s->meta : "");
        for (int k = 2; k < n && flag[k] != ' '; k++)
            if (flag[k] == '_') flag[k] = '-';
        fprintf(f, "  %-32s%s\n", flag, s->help);
    }
}
