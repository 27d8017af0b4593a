/*
 * session_cmd.c - the `llm-sandbox session ...` subcommands: open the
 * sandbox with the chosen sessions root, make one library call per
 * subcommand, and print the outcome (text, or one JSON object with --json).
 *
 * Invariants: each failure is reported once, through cli_sess_fail, with
 * one exit status from cli_sess_exit_status; an unknown session is always
 * "no session 'ID'" with status 66; input is read completely before any
 * write, so a failed read changes nothing; exec reports exactly like `run`.
 */
#include "cli/session_cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nettle/base64.h>

#include "cli/exitcodes.h"
#include "cli/json.h"
#include "cli/report.h"
#include "cli/tty.h"
#include "llmsandbox.h"

#define CLI_SESS_ERR_MAX     1024 /* library messages */
#define CLI_SESS_MSG_MAX     2048 /* our messages, which quote the library's */
#define CLI_SESS_TIME_MAX    32   /* "2026-01-31 23:59:59 UTC" */
#define CLI_SESS_READ_CHUNK  (64U * 1024U)
#define CLI_SESS_TIME_DIGITS 3   /* decimals of Unix times in JSON */
#define CLI_SESS_ID_COLUMN   36  /* the width of a UUID, for `list` */
#define CLI_SESS_INSTALLED   256 /* "NAME VERSION" of an installed wheel */
#define CLI_SESS_MS_PER_S    1000.0

/* One subcommand being run: its arguments, the sandbox, the library's
 * last message. */
typedef struct cli_sess_ctx {
    const cli_session *s;
    lsb_sandbox *sandbox;
    char err[CLI_SESS_ERR_MAX];
} cli_sess_ctx;

/* ---- failures ---- */

/* The exit status for a failed library call. */
static int cli_sess_exit_status(lsb_status st) {
    switch (st) {
    case LSB_OK: return CLI_EXIT_OK;
    case LSB_ERR_INVALID: return CLI_EXIT_USAGE;
    case LSB_ERR_NOT_FOUND:
    case LSB_ERR_NO_SESSION:
    case LSB_ERR_NO_PACKAGE: return CLI_EXIT_NOINPUT;
    case LSB_ERR_EXISTS:
    case LSB_ERR_QUOTA: return CLI_EXIT_CANTCREAT;
    case LSB_ERR_WORKSPACE:
    case LSB_ERR_STORAGE: return CLI_EXIT_IOERR;
    default: return CLI_EXIT_SOFTWARE;
    }
}

/* Print the JSON error object {"ok": false, "command", "error": {"code",
 * "message"}, "exit_status"}. Returns status. */
static int cli_sess_json_error(cli_session_cmd cmd, const char *code, const char *msg, int status) {
    json_t *o = json_pack("{s:b, s:o, s:{s:s, s:o}, s:i}", "ok", 0, "command",
                          util_json_str(cli_session_cmd_name(cmd)), "error", "code", code,
                          "message", util_json_str(msg), "exit_status", status);
    int st = cli_json_print(o, status, stdout, stderr);
    return st == CLI_EXIT_OK ? status : st;
}

/* Report a failure of c's subcommand, on stderr or as JSON; code names its
 * kind for JSON. Returns status. */
static int cli_sess_fail(const cli_sess_ctx *c, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cli_sess_fail(const cli_sess_ctx *c, int status, const char *code, const char *fmt,
                         ...) {
    char msg[CLI_SESS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    cli_vfail(msg, sizeof msg, status, fmt, ap);
    va_end(ap);
    if (c->s->run.json) return cli_sess_json_error(c->s->cmd, code, msg, status);
    fprintf(stderr, CLI_PROGRAM ": %s\n", msg);
    return status;
}

/* Report the failed library call st about c's session: "no session 'ID'"
 * when the session itself is missing, otherwise `what` (printf-style)
 * followed by the library's reason in c->err. Returns the exit status. */
static int cli_sess_lib_fail(cli_sess_ctx *c, lsb_status st, const char *what, ...)
    __attribute__((format(printf, 3, 4)));
static int cli_sess_lib_fail(cli_sess_ctx *c, lsb_status st, const char *what, ...) {
    char head[CLI_SESS_MSG_MAX];
    const char *id = c->s->id;
    if (st == LSB_ERR_NO_SESSION && id)
        return cli_sess_fail(c, CLI_EXIT_NOINPUT, "not_found",
                             "no session '%s' (list them with '" CLI_PROGRAM " session list')", id);
    va_list ap;
    va_start(ap, what);
    cli_vfail(head, sizeof head, CLI_EXIT_OK, what, ap);
    va_end(ap);
    return cli_sess_fail(c, cli_sess_exit_status(st), lsb_status_name(st), "%s: %s", head,
                         c->err[0] ? c->err : "no reason given");
}

/* ---- JSON of successes ---- */

/* Print the success object {"ok": true, "command": ..., <fields>}; fields
 * (taken over) holds the rest, in order. Returns 0, or CLI_EXIT_SOFTWARE
 * when out of memory (fields NULL). */
static int cli_sess_json_done(const cli_sess_ctx *c, json_t *fields) {
    json_t *o = fields ? json_pack("{s:b, s:o}", "ok", 1, "command",
                                   util_json_str(cli_session_cmd_name(c->s->cmd)))
                       : NULL;
    if (o && json_object_update(o, fields) != 0) json_decref(o), o = NULL;
    json_decref(fields);
    return cli_json_print(o, CLI_EXIT_OK, stdout, stderr);
}

/* One session, as the object `create`, `info` and `list` print: the
 * library's lsb_session_info_to_json (NULL when out of memory). */
static json_t *cli_sess_json_info(const lsb_session_info *i) {
    char *text = lsb_session_info_to_json(i);
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return o;
}

/* Print {"ok": true, "command", "session": {...}} for one session. */
static int cli_sess_print_info_json(const cli_sess_ctx *c, const lsb_session_info *info) {
    return cli_sess_json_done(c, json_pack("{s:o}", "session", cli_sess_json_info(info)));
}

/* ---- plain text ---- */

/* A Unix time as "2026-01-31 23:59:59 UTC" in buf. */
static void cli_sess_format_time(double t, char *buf, size_t len) {
    time_t secs = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(buf, len, "%.0f", t);
}

/* `info` as "key  value" lines. */
static void cli_sess_print_info(const lsb_session_info *i) {
    char created[CLI_SESS_TIME_MAX], used[CLI_SESS_TIME_MAX];
    const lsb_policy *p = &i->policy;
    cli_sess_format_time(i->created_at, created, sizeof created);
    cli_sess_format_time(i->last_used_at, used, sizeof used);
    printf("id            %s\n"
           "language      %s\n"
           "created       %s\n"
           "last used     %s\n"
           "executions    %llu\n"
           "auto-persist  %s\n"
           "live          %s\n",
           i->id, lsb_language_name(i->language), created, used,
           (unsigned long long)i->execution_count, i->auto_persist_globals ? "yes" : "no",
           i->live ? "yes" : "no");
    printf("workspace     %llu bytes in %llu files (quota %llu bytes, %llu files)\n"
           "fuel          %llu\n"
           "memory        %llu bytes\n"
           "timeout       %.3f s\n"
           "stdout max    %llu bytes\n"
           "stderr max    %llu bytes\n",
           (unsigned long long)i->workspace_bytes, (unsigned long long)i->workspace_files,
           (unsigned long long)p->quota_bytes, (unsigned long long)p->quota_files,
           (unsigned long long)p->fuel, (unsigned long long)p->memory_bytes,
           p->timeout_ms / CLI_SESS_MS_PER_S, (unsigned long long)p->stdout_max,
           (unsigned long long)p->stderr_max);
}

/* ---- reading input for `write` ---- */

/*
 * Read f to EOF into a malloc'd buffer, but never more than limit + 1
 * bytes. Returns 0 with *out and *len; 1 when the input is larger than
 * limit; -1 with errno on a read error or when out of memory.
 */
static int cli_sess_read_all(FILE *f, uint64_t limit, char **out, size_t *len) {
    size_t cap = CLI_SESS_READ_CHUNK, n = 0;
    char *buf = NULL;
    for (;;) {
        char *p = realloc(buf, cap + 1);
        if (!p) return free(buf), errno = ENOMEM, -1;
        buf = p;
        n += fread(buf + n, 1, cap - n, f);
        if (ferror(f)) return free(buf), -1;
        if (n > limit) return free(buf), 1;
        if (n < cap) break;
        cap *= 2;
    }
    *out = buf, *len = n;
    return 0;
}

/* The content for `write`: FILE, or standard input for "-" or none, at
 * most limit bytes. Returns 0, or the reported failure's exit status. */
static int cli_sess_load_source(const cli_sess_ctx *c, uint64_t limit, char **data, size_t *len) {
    const char *src = c->s->source;
    bool use_stdin = !src || strcmp(src, "-") == 0;
    FILE *f = use_stdin ? stdin : fopen(src, "rbe");
    const char *name = use_stdin ? "standard input" : src;
    if (!f)
        return cli_sess_fail(c, CLI_EXIT_NOINPUT, "no_input", "cannot read '%s': %s", name,
                             strerror(errno));
    int rc = cli_sess_read_all(f, limit, data, len);
    int e = errno;
    if (!use_stdin) fclose(f);
    if (rc > 0)
        return cli_sess_fail(c, CLI_EXIT_CANTCREAT, lsb_status_name(LSB_ERR_QUOTA),
                             "'%s' is larger than the session's quota of %llu bytes", name,
                             (unsigned long long)limit);
    if (rc < 0)
        return cli_sess_fail(c, CLI_EXIT_NOINPUT, "no_input", "cannot read '%s': %s", name,
                             strerror(e));
    return CLI_EXIT_OK;
}

/* ---- the subcommands ---- */

/* create: make the session; print its id, or its info object. */
static int cli_sess_create(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    lsb_session_options o = {.language = s->run.lang,
                             .id = s->new_id,
                             .allow_custom_id = s->custom_id,
                             .auto_persist_globals = s->auto_persist,
                             .policy = &s->run.policy};
    char id[LSB_SESSION_ID_MAX + 1] = "";
    lsb_session_info info;
    lsb_status st = lsb_session_create(c->sandbox, &o, id, c->err, sizeof c->err);
    if (st == LSB_ERR_EXISTS)
        return cli_sess_fail(c, CLI_EXIT_CANTCREAT, lsb_status_name(LSB_ERR_EXISTS),
                             "a session '%s' already exists; choose another --id, or remove it "
                             "with '" CLI_PROGRAM " session destroy %s'",
                             s->new_id, s->new_id);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot create the session");
    if (!s->run.json) {
        printf("%s\n", id);
        return CLI_EXIT_OK;
    }
    st = lsb_session_info_get(c->sandbox, id, &info, c->err, sizeof c->err);
    if (st != LSB_OK)
        return cli_sess_lib_fail(c, st, "created session '%s' but cannot read it", id);
    return cli_sess_print_info_json(c, &info);
}

/* exec: run the code with the session's limits, overridden by the
 * options given; report like `run`. */
static int cli_sess_exec(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    lsb_session_info info;
    lsb_result r = {0};
    lsb_status st = lsb_session_info_get(c->sandbox, s->id, &info, c->err, sizeof c->err);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot run code in session '%s'", s->id);
    lsb_policy policy = info.policy;
    cli_policy_overlay(&policy, &s->run.policy);
    policy.env = s->run.policy.env;
    policy.env_count = s->run.policy.env_count;
    policy.inject_setup = s->run.policy.inject_setup;
    if (!s->run.json) policy.on_output = cli_stream_output; /* plain runs show output live */
    st = lsb_session_execute(c->sandbox, s->id, s->run.code, s->run.code_len, s->run.filename,
                             &policy, &r, c->err, sizeof c->err);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot run code in session '%s'", s->id);
    int status;
    if (s->run.json) {
        status = cli_report_json(&r, stdout, stderr);
    } else {
        cli_report_warnings(&r, stderr);
        status = cli_report_status(&r, stderr);
    }
    lsb_result_free(&r);
    return status;
}

/* info: the session's record and size. */
static int cli_sess_info(cli_sess_ctx *c) {
    lsb_session_info info;
    lsb_status st = lsb_session_info_get(c->sandbox, c->s->id, &info, c->err, sizeof c->err);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot read session '%s'", c->s->id);
    if (c->s->run.json) return cli_sess_print_info_json(c, &info);
    cli_sess_print_info(&info);
    return CLI_EXIT_OK;
}

/* list: one line per session, or {"sessions": [...]}. */
static int cli_sess_list(cli_sess_ctx *c) {
    lsb_session_info *all = NULL;
    size_t n = 0;
    char used[CLI_SESS_TIME_MAX];
    lsb_status st = lsb_session_list(c->sandbox, &all, &n, c->err, sizeof c->err);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot list the sessions");
    int status = CLI_EXIT_OK;
    if (c->s->run.json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            if (json_array_append_new(arr, cli_sess_json_info(&all[i])) != 0)
                json_decref(arr), arr = NULL;
        status = cli_sess_json_done(c, arr ? json_pack("{s:o}", "sessions", arr) : NULL);
    } else if (n > 0) {
        printf("%-*s  %-10s  %10s  %-23s  %s\n", CLI_SESS_ID_COLUMN, "ID", "LANGUAGE", "EXECUTIONS",
               "LAST USED", "BYTES");
        for (size_t i = 0; i < n; i++) {
            cli_sess_format_time(all[i].last_used_at, used, sizeof used);
            printf("%-*s  %-10s  %10llu  %-23s  %llu\n", CLI_SESS_ID_COLUMN, all[i].id,
                   all[i].damaged ? "(damaged)" : lsb_language_name(all[i].language),
                   (unsigned long long)all[i].execution_count, used,
                   (unsigned long long)all[i].workspace_bytes);
        }
    }
    free(all);
    return status;
}

/* The files of `files`, as JSON: {"session_id", "path", "files": [...]}. */
static int cli_sess_files_json(const cli_sess_ctx *c, const lsb_file_entry *e, size_t n) {
    lsb_limits lim;
    lsb_limits_get(&lim);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *f = json_pack("{s:o, s:o, s:o, s:b, s:b}", "path", util_json_str(e[i].path), "size",
                              util_json_uint(e[i].size), "mtime",
                              util_json_fixed(e[i].mtime, CLI_SESS_TIME_DIGITS), "is_dir",
                              (int)e[i].is_dir, "is_system", (int)e[i].is_system);
        if (json_array_append_new(arr, f) != 0) json_decref(arr), arr = NULL;
    }
    json_t *fields =
        arr ? json_pack("{s:o, s:o, s:o}", "session_id", util_json_str(c->s->id), "path",
                        util_json_str(c->s->path ? c->s->path : lim.app_mount), "files", arr)
            : NULL;
    if (fields && c->s->pattern &&
        json_object_set_new(fields, "pattern", util_json_str(c->s->pattern)) != 0)
        json_decref(fields), fields = NULL;
    return cli_sess_json_done(c, fields);
}

/* files: the workspace (or the folder PATH) recursively. */
static int cli_sess_files(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    lsb_file_entry *e = NULL;
    size_t n = 0;
    char when[CLI_SESS_TIME_MAX];
    lsb_limits lim;
    lsb_limits_get(&lim);
    lsb_status st = s->pattern ? lsb_session_file_glob(c->sandbox, s->id, s->path, s->pattern,
                                                       s->all, &e, &n, c->err, sizeof c->err)
                               : lsb_session_file_list(c->sandbox, s->id, s->path, s->all, &e, &n,
                                                       c->err, sizeof c->err);
    if (st != LSB_OK)
        return cli_sess_lib_fail(c, st, "cannot list '%s' in session '%s'",
                                 s->path ? s->path : lim.app_mount, s->id);
    int status = CLI_EXIT_OK;
    if (s->run.json) {
        status = cli_sess_files_json(c, e, n);
    } else {
        for (size_t i = 0; i < n; i++) {
            cli_sess_format_time(e[i].mtime, when, sizeof when);
            if (e[i].is_dir)
                cli_tty_printf(stdout, "%12s  %s  %s/\n", "-", when, e[i].path);
            else /* names are the guest's: escaped for a terminal */
                cli_tty_printf(stdout, "%12llu  %s  %s\n", (unsigned long long)e[i].size, when,
                               e[i].path);
        }
    }
    lsb_file_list_free(e, n);
    return status;
}

/* The "encoding" and "content" of `read` (NULL when out of memory):
 * UTF-8 text without NUL bytes as is, anything else base64. */
static json_t *cli_sess_json_content(const char *data, size_t len) {
    bool text = lsb_utf8_valid(data, len, NULL) && !memchr(data, '\0', len);
    if (text)
        return json_pack("{s:s, s:o}", "encoding", "utf-8", "content", util_json_text(data, len));
    size_t out_len = BASE64_ENCODE_RAW_LENGTH(len);
    char *out = len <= (SIZE_MAX - 2) / 4 * 3 ? malloc(out_len + 1) : NULL;
    if (!out) return NULL;
    base64_encode_raw(out, len, (const uint8_t *)data);
    json_t *v = json_pack("{s:s, s:o}", "encoding", "base64", "content",
                          json_stringn_nocheck(out, out_len));
    free(out);
    return v;
}

/* The session's quota in bytes: what bounds `read` and `write`. */
static uint64_t cli_sess_quota(const lsb_session_info *info) {
    lsb_policy defaults;
    lsb_policy_init(&defaults);
    return info->policy.quota_bytes ? info->policy.quota_bytes : defaults.quota_bytes;
}

/* read: the file's bytes to stdout, or {"size", "encoding", "content"}. */
static int cli_sess_read(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    lsb_session_info info;
    char *data = NULL;
    size_t len = 0;
    lsb_status st = lsb_session_info_get(c->sandbox, s->id, &info, c->err, sizeof c->err);
    if (st == LSB_OK)
        st = lsb_session_file_read(c->sandbox, s->id, s->path, cli_sess_quota(&info), &data, &len,
                                   c->err, sizeof c->err);
    if (st != LSB_OK)
        return cli_sess_lib_fail(c, st, "cannot read '%s' in session '%s'", s->path, s->id);
    int status = CLI_EXIT_OK;
    if (s->run.json) {
        json_t *fields = json_pack("{s:o, s:o, s:o}", "session_id", util_json_str(s->id), "path",
                                   util_json_str(s->path), "size", util_json_uint(len));
        json_t *content = fields ? cli_sess_json_content(data, len) : NULL;
        if (!content || json_object_update(fields, content) != 0)
            json_decref(fields), fields = NULL;
        json_decref(content);
        status = cli_sess_json_done(c, fields);
    } else if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
        status = cli_sess_fail(c, CLI_EXIT_SOFTWARE, "system",
                               "cannot write to standard output: %s", strerror(errno));
    }
    free(data);
    return status;
}

/* The confirmation of write, rm, reset, destroy: `text` on stdout, or
 * {"session_id", "path" (when given), "bytes" (write)}. */
static int cli_sess_done(const cli_sess_ctx *c, const char *text, const char *path,
                         long long bytes) {
    if (!c->s->run.json) {
        printf("%s\n", text);
        return CLI_EXIT_OK;
    }
    json_t *fields = json_pack("{s:o}", "session_id", util_json_str(c->s->id));
    if (fields && path && json_object_set_new(fields, "path", util_json_str(path)) != 0)
        json_decref(fields), fields = NULL;
    if (fields && bytes >= 0 &&
        json_object_set_new(fields, "bytes", util_json_uint((uint64_t)bytes)) != 0)
        json_decref(fields), fields = NULL;
    return cli_sess_json_done(c, fields);
}

/* write: FILE or standard input into PATH, read completely first. */
static int cli_sess_write(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    lsb_session_info info;
    char *data = NULL, text[CLI_SESS_MSG_MAX];
    size_t len = 0;
    lsb_status st = lsb_session_info_get(c->sandbox, s->id, &info, c->err, sizeof c->err);
    if (st != LSB_OK)
        return cli_sess_lib_fail(c, st, "cannot write '%s' in session '%s'", s->path, s->id);
    int status = cli_sess_load_source(c, cli_sess_quota(&info), &data, &len);
    if (status != CLI_EXIT_OK) return status;
    st = lsb_session_file_write_ex(c->sandbox, s->id, s->path, data, len, !s->no_overwrite, c->err,
                                   sizeof c->err);
    free(data);
    if (st != LSB_OK)
        return cli_sess_lib_fail(c, st, "cannot write '%s' in session '%s'", s->path, s->id);
    snprintf(text, sizeof text, "wrote %zu bytes to '%s' in session '%s'", len, s->path, s->id);
    return cli_sess_done(c, text, s->path, (long long)len);
}

/* rm: a file, or with -r a folder and everything in it. */
static int cli_sess_rm(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    char text[CLI_SESS_MSG_MAX];
    lsb_status st =
        lsb_session_file_delete(c->sandbox, s->id, s->path, s->recursive, c->err, sizeof c->err);
    if (st == LSB_ERR_INVALID && !s->recursive && strstr(c->err, "without recursive=True"))
        return cli_sess_fail(c, CLI_EXIT_USAGE, lsb_status_name(st),
                             "cannot remove '%s' in session '%s': %s (use -r)", s->path, s->id,
                             c->err);
    if (st != LSB_OK)
        return cli_sess_lib_fail(c, st, "cannot remove '%s' in session '%s'", s->path, s->id);
    snprintf(text, sizeof text, "removed '%s' from session '%s'", s->path, s->id);
    return cli_sess_done(c, text, s->path, -1);
}

/* reset: empty the workspace and the state; keep the session. */
static int cli_sess_reset(cli_sess_ctx *c) {
    char text[CLI_SESS_MSG_MAX];
    lsb_status st = lsb_session_reset(c->sandbox, c->s->id, c->err, sizeof c->err);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot reset session '%s'", c->s->id);
    snprintf(text, sizeof text, "reset session '%s': its workspace and state are empty", c->s->id);
    return cli_sess_done(c, text, NULL, -1);
}

/* destroy: the session, its files and its record. */
static int cli_sess_destroy(cli_sess_ctx *c) {
    char text[CLI_SESS_MSG_MAX];
    lsb_status st = lsb_session_destroy(c->sandbox, c->s->id, c->err, sizeof c->err);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot destroy session '%s'", c->s->id);
    snprintf(text, sizeof text, "destroyed session '%s'", c->s->id);
    return cli_sess_done(c, text, NULL, -1);
}

/* prune: destroy (or with --dry-run list) sessions unused for DURATION;
 * print the summary line, or the library's report object. */
static int cli_sess_prune(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    lsb_prune_report rep;
    char summary[CLI_SESS_MSG_MAX];
    lsb_status st =
        lsb_session_prune(c->sandbox, s->older_than_s, s->dry_run, &rep, c->err, sizeof c->err);
    if (st != LSB_OK) return cli_sess_lib_fail(c, st, "cannot prune the sessions");
    int status = CLI_EXIT_OK;
    if (!s->run.json) {
        lsb_prune_report_summary(&rep, summary, sizeof summary);
        printf("%s\n", summary);
    } else {
        char *text = lsb_prune_report_to_json(&rep);
        json_t *fields = text ? json_loads(text, 0, NULL) : NULL;
        free(text);
        if (fields &&
            json_object_set_new(fields, "older_than_s", util_json_uint(s->older_than_s)) != 0)
            json_decref(fields), fields = NULL;
        status = cli_sess_json_done(c, fields);
    }
    lsb_prune_report_free(&rep);
    return status;
}

/* install: a wheel (a path, made absolute, or a name in --wheel-dir). */
static int cli_sess_install(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    char abs[PATH_MAX], installed[CLI_SESS_INSTALLED] = "";
    const char *pkg = s->package;
    if (strchr(pkg, '/') || strstr(pkg, ".whl")) pkg = realpath(pkg, abs) ? abs : s->package;
    lsb_status st = lsb_session_install_package(c->sandbox, s->id, pkg, installed, sizeof installed,
                                                c->err, sizeof c->err);
    if (st != LSB_OK)
        return cli_sess_lib_fail(c, st, "cannot install '%s' in session '%s'", s->package, s->id);
    if (!s->run.json) {
        printf("installed %s in session '%s'\n", installed, s->id);
        return CLI_EXIT_OK;
    }
    char *space = strchr(installed, ' ');
    size_t name_len = space ? (size_t)(space - installed) : strlen(installed);
    return cli_sess_json_done(c, json_pack("{s:o, s:o, s:o}", "session_id", util_json_str(s->id),
                                           "name", util_json_text(installed, name_len), "version",
                                           util_json_str(space ? space + 1 : "")));
}

/* ---- opening, dispatch ---- */

/* Open the sandbox and point it at the sessions root: --sessions-root,
 * else $LSB_SESSIONS_ROOT, else the library's default. */
static int cli_sess_open(cli_sess_ctx *c) {
    const cli_session *s = c->s;
    lsb_sessions_config cfg = {0};
    const char *env_root = getenv("LSB_SESSIONS_ROOT");
    lsb_status st = lsb_sandbox_open(&c->sandbox, s->run.assets, c->err, sizeof c->err);
    if (st != LSB_OK)
        return cli_sess_fail(c, cli_sess_exit_status(st), lsb_status_name(st),
                             "cannot open the sandbox: %s", c->err);
    cfg.root = s->sessions_root ? s->sessions_root : env_root && *env_root ? env_root : NULL;
    cfg.wheel_dir = s->wheel_dir;
    st = lsb_sandbox_configure_sessions(c->sandbox, &cfg, c->err, sizeof c->err);
    if (st != LSB_OK)
        return cli_sess_fail(c, cli_sess_exit_status(st), lsb_status_name(st),
                             "cannot use the sessions root '%s': %s",
                             cfg.root ? cfg.root : "(the default)", c->err);
    return CLI_EXIT_OK;
}

typedef int (*cli_sess_fn)(cli_sess_ctx *c);

/* The function of each subcommand. */
static const cli_sess_fn cli_sess_fns[CLI_SESSION_COUNT] = {
    [CLI_SESSION_CREATE] = cli_sess_create,   [CLI_SESSION_EXEC] = cli_sess_exec,
    [CLI_SESSION_INFO] = cli_sess_info,       [CLI_SESSION_FILES] = cli_sess_files,
    [CLI_SESSION_READ] = cli_sess_read,       [CLI_SESSION_WRITE] = cli_sess_write,
    [CLI_SESSION_RM] = cli_sess_rm,           [CLI_SESSION_RESET] = cli_sess_reset,
    [CLI_SESSION_DESTROY] = cli_sess_destroy, [CLI_SESSION_LIST] = cli_sess_list,
    [CLI_SESSION_PRUNE] = cli_sess_prune,     [CLI_SESSION_INSTALL] = cli_sess_install,
};

/* Refuse an ID no session can have (any UUID, or 1-128 of [A-Za-z0-9_-])
 * before anything is opened. Returns 0, or the reported status 64. */
static int cli_sess_check_id(cli_sess_ctx *c) {
    const char *id = c->s->id;
    if (!id || lsb_session_id_check(id, true, c->err, sizeof c->err) == 0) return CLI_EXIT_OK;
    return cli_sess_fail(c, CLI_EXIT_USAGE, "invalid", "bad session id '%s': %s", id, c->err);
}

int cli_session_main(const cli_session *s) {
    cli_sess_ctx c = {.s = s};
    if (s->help || s->cmd <= CLI_SESSION_NONE || s->cmd >= CLI_SESSION_COUNT) {
        cli_session_print_help(stdout, s->help ? s->cmd : CLI_SESSION_NONE);
        return s->help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    int status = cli_sess_check_id(&c);
    if (status != CLI_EXIT_OK) return status;
    status = cli_sess_open(&c);
    if (status == CLI_EXIT_OK) status = cli_sess_fns[s->cmd](&c);
    lsb_sandbox_close(c.sandbox);
    return status;
}

bool cli_session_parse_error(int argc, char *const argv[], const char *msg, int status) {
    cli_session_cmd cmd = CLI_SESSION_NONE;
    bool json = false;
    if (argc < 2 || strcmp(argv[1], "session") != 0) return false;
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--json") == 0) json = true;
        for (int c = CLI_SESSION_NONE + 1; c < CLI_SESSION_COUNT && cmd == CLI_SESSION_NONE; c++)
            if (strcmp(argv[i], cli_session_cmd_name((cli_session_cmd)c)) == 0)
                cmd = (cli_session_cmd)c;
    }
    if (!json) return false;
    cli_sess_json_error(cmd,
                        status == CLI_EXIT_NOINPUT ? "no_input"
                        : status == CLI_EXIT_USAGE ? "usage"
                                                   : "system",
                        msg, status);
    return true;
}

/* ---- help ---- */

/* The end of every session help: shared options, paths, JSON, statuses. */
static void cli_sess_help_common(FILE *out) {
    fprintf(out,
            "Options of every session subcommand (each may also be written --option=VALUE):\n"
            "  --json               print one JSON object on stdout, also on failure (below)\n"
            "  --sessions-root DIR  where sessions live (default: $LSB_SESSIONS_ROOT, else\n"
            "                       ${XDG_STATE_HOME:-~/.local/state}/llm-wasm-sandbox/sessions)\n"
            "  --assets DIR         folder of the guest snapshots and stdlib (default: next to\n"
            "                       the executable)\n"
            "  --wheel-dir DIR      where install finds wheels by project name\n"
            "  -h, --help           show this help\n"
            "\n"
            "Paths: PATH is a path in the session's /app, \"data.csv\" or \"/app/data.csv\".\n"
            "Absolute paths outside /app, \"..\" escapes and symlinks leading out are refused.\n"
            "\n"
            "JSON: exec prints the result object of 'run --json'. The others print\n"
            "{\"ok\": true, \"command\": ..., ...} on success, and on any failure\n"
            "{\"ok\": false, \"command\": ..., \"error\": {\"code\": ..., \"message\": ...},\n"
            "\"exit_status\": N} with nothing on stderr. Without --json, failures are one line\n"
            "on stderr.\n"
            "\n"
            "Exit status:\n"
            "  0       success\n"
            "  1-125   exec only: as for 'run' (the guest's status 1-119; 120 killed, 121 trap,\n"
            "          122 stack overflow, 123 memory, 124 timeout, 125 fuel)\n"
            "  64      usage error: bad option or value, bad session id, a PATH outside /app,\n"
            "          bad code (as for run), a package that cannot be installed\n"
            "  66      no such session, no such file in it, no wheel of that name in\n"
            "          --wheel-dir, or an input FILE cannot be read\n"
            "  70      the sandbox itself failed (assets missing, fork or mmap failed)\n"
            "  73      cannot create: the session id is taken, or a write would exceed the\n"
            "          session's quota\n"
            "  74      the sessions root or a session record cannot be read or written\n");
}

/* `session --help`: what a session is, and every subcommand. */
static void cli_sess_help_overview(FILE *out) {
    fprintf(out,
            "Usage: " CLI_PROGRAM " session SUBCOMMAND [ARGS] [OPTIONS]\n"
            "       " CLI_PROGRAM " session SUBCOMMAND --help\n"
            "\n"
            "A session is a workspace folder (the guest's /app, with a quota), a record of its\n"
            "language and limits, and with --auto-persist the guest's JSON-able global\n"
            "variables: each exec sees the files, and that state, of the runs before it. Every\n"
            "command is a new process, so between commands the state lives on disk.\n"
            "\n"
            "Subcommands:\n"
            "  create [--lang LANG] [--id ID [--custom-id]] [--auto-persist] [LIMITS]\n"
            "                            make a session and print its id\n"
            "  exec ID (-c CODE | FILE | -) [LIMITS] [--env K=V]...\n"
            "                            run code in the session, like 'run'\n"
            "  info ID                   language, times, executions, size and limits\n"
            "  files ID [PATH] [--all] [--pattern GLOB]\n"
            "                            list the files under /app (or PATH) recursively\n"
            "  read ID PATH              copy a file's bytes to standard output\n"
            "  write ID PATH [FILE | -] [--no-overwrite]\n"
            "                            write a file from FILE or standard input\n"
            "  rm ID PATH [-r]           delete a file (-r: a folder and all in it)\n"
            "  reset ID                  empty the workspace and the state; keep the session\n"
            "  destroy ID                delete the session and its files\n"
            "  list                      every session\n"
            "  prune --older-than DURATION [--dry-run]\n"
            "                            destroy sessions unused for DURATION (30s, 15m, 2h, 7d)\n"
            "  install ID PACKAGE        install a pure-Python wheel into the session\n"
            "\n");
    cli_sess_help_common(out);
}

/* The limit options of create (stored) and exec (this run only). */
static void cli_sess_help_limits(FILE *out) {
    lsb_policy d;
    lsb_policy_init(&d);
    fprintf(out,
            "  --fuel N            instruction budget (default %llu)\n"
            "  --memory SIZE       memory cap (default %llu MiB)\n"
            "  --timeout SECONDS   wall-clock limit, e.g. 30 or 2.5 (default %u)\n"
            "  --stdout-max BYTES  stdout kept, the rest is dropped (default %llu)\n"
            "  --stderr-max BYTES  stderr kept, the rest is dropped (default %llu)\n",
            (unsigned long long)d.fuel, (unsigned long long)(d.memory_bytes / CLI_MIB),
            (unsigned)(d.timeout_ms / CLI_SESS_MS_PER_S), (unsigned long long)d.stdout_max,
            (unsigned long long)d.stderr_max);
}

/* `session create --help` */
static void cli_sess_help_create(FILE *out) {
    lsb_policy d;
    lsb_policy_init(&d);
    fprintf(
        out,
        "Usage: " CLI_PROGRAM " session create [--lang LANG] [--id ID [--custom-id]]\n"
        "           [--auto-persist] [LIMITS] [--json]\n"
        "\n"
        "Makes a session: an empty workspace and a record of its language and limits.\n"
        "A folder ID in the sessions root that has no record (a workspace left by an older\n"
        "version, or made by hand, with its files in ID/ or ID/workspace/) is adopted:\n"
        "its files are kept and the record is written.\n"
        "Prints its id (with --json: {\"ok\": true, \"command\": \"create\", \"session\": {id,\n"
        "language, created_at, last_used_at, execution_count, auto_persist_globals, live,\n"
        "workspace_bytes, workspace_files, limits}}).\n"
        "\n"
        "Options:\n"
        "  --lang LANG         python (or py, python3) or javascript (or js); default python\n"
        "  --id ID             the session's id: a UUID (default: a new random UUID)\n"
        "  --custom-id         let --id be any 1-%d characters of A-Z a-z 0-9 _ -\n"
        "  --auto-persist      keep the JSON-able globals in /app/.lsb/state.json after each\n"
        "                      successful exec, so the next exec (a new process) sees them\n",
        LSB_SESSION_ID_MAX);
    fprintf(out, "Limits, stored with the session (exec may override them for one run):\n");
    cli_sess_help_limits(out);
    fprintf(out,
            "  --quota-bytes SIZE  workspace bytes (default %llu MiB)\n"
            "  --quota-files N     workspace files and folders (default %llu)\n"
            "  SIZE and BYTES are a number with an optional unit: B; k, K or KiB (1024);\n"
            "  KB (1000); M or MiB; MB; G or GiB; GB. Examples: 64MiB, 128000000, 1GB, 512k.\n"
            "\n",
            (unsigned long long)(d.quota_bytes / CLI_MIB), (unsigned long long)d.quota_files);
    cli_sess_help_common(out);
}

/* `session exec --help` */
static void cli_sess_help_exec(FILE *out) {
    fprintf(out,
            "Usage: " CLI_PROGRAM " session exec ID (-c CODE | FILE | -) [LIMITS] [--env K=V]...\n"
            "           [--no-inject-setup] [--json]\n"
            "\n"
            "Runs the code in the session, in the session's language, with its workspace at\n"
            "/app. Output, --json and the exit status are those of 'run' (see\n"
            "'" CLI_PROGRAM " run --help'). A failed run leaves the session's state as it\n"
            "was; files it wrote stay. With --auto-persist, a later exec sees the JSON-able\n"
            "globals of the last successful one.\n"
            "\n"
            "Code (exactly one):\n"
            "  -c CODE             the program text\n"
            "  FILE                read the program from FILE\n"
            "  -                   read the program from standard input\n"
            "\n"
            "Options (for this run only; default: the limits stored with the session):\n");
    cli_sess_help_limits(out);
    fprintf(out, "  --env KEY=VALUE     add a variable to the guest environment; repeatable\n"
                 "  --raw               pass the guest's control characters to a terminal as\n"
                 "                      they are (by default they are shown escaped: \\x1b)\n"
                 "  --no-inject-setup   Python: run without /data/site-packages on sys.path\n"
                 "                      (the original's inject_setup=False); JavaScript: no\n"
                 "                      effect\n"
                 "\n");
    cli_sess_help_common(out);
}

/* Usage and description of the subcommands without options of their own
 * beyond those listed here. */
static const char *const cli_sess_help_texts[CLI_SESSION_COUNT] = {
    [CLI_SESSION_INFO] = "info ID [--json]\n\n"
                         "Prints the session's record: language, creation and last-use times,\n"
                         "number of executions, auto-persist, whether a process holds it now,\n"
                         "workspace size and limits. --json: {\"ok\", \"command\", \"session\"}.\n",
    [CLI_SESSION_FILES] =
        "files ID [PATH] [--all] [--pattern GLOB] [--json]\n\n"
        "Lists the files and folders under /app, or under the folder PATH, recursively:\n"
        "size, modification time (UTC) and path relative to /app (folders end in /).\n"
        "  --all           include the session's system files under /app/.lsb (state,\n"
        "                  packages)\n"
        "  --pattern GLOB  only the files (no folders) whose path below PATH matches GLOB\n"
        "                  at any depth, like Python's Path.rglob: '*.json' also matches\n"
        "                  a/b.json; '*' and '?' stay within a name; a part '**' is any\n"
        "                  number of folders ('data/**/*.csv'); [abc] [a-z] [!x] classes\n"
        "--json: {\"ok\", \"command\", \"session_id\", \"path\", \"files\": [{\"path\", \"size\",\n"
        "\"mtime\", \"is_dir\", \"is_system\"}]} (and \"pattern\" with --pattern).\n",
    [CLI_SESSION_READ] =
        "read ID PATH [--json]\n\n"
        "Copies the file's bytes, unchanged, to standard output. --json: {\"ok\", \"command\",\n"
        "\"session_id\", \"path\", \"size\", \"encoding\": \"utf-8\" or \"base64\", "
        "\"content\"}.\n",
    [CLI_SESSION_WRITE] =
        "write ID PATH [FILE | -] [--no-overwrite] [--json]\n\n"
        "Writes the bytes of FILE (default, or -: standard input) to PATH, creating missing\n"
        "folders. The input is read completely first; a write past the session's quota\n"
        "fails (73) and changes nothing.\n"
        "  --no-overwrite  fail (73) if PATH exists, even as an empty file\n"
        "--json: {\"ok\", \"command\", \"session_id\", \"path\", \"bytes\"}.\n",
    [CLI_SESSION_RM] = "rm ID PATH [-r] [--json]\n\n"
                       "Deletes the file PATH. A folder without -r, and /app itself, are\n"
                       "refused (64).\n"
                       "  -r, --recursive  delete a folder and everything in it\n",
    [CLI_SESSION_RESET] = "reset ID [--json]\n\n"
                          "Empties the workspace, including the persisted state and installed\n"
                          "packages; the session, its id and its limits stay.\n",
    [CLI_SESSION_DESTROY] = "destroy ID [--json]\n\n"
                            "Deletes the session: its workspace and its record.\n",
    [CLI_SESSION_LIST] = "list [--json]\n\n"
                         "One line per session: id, language, executions, last use, bytes.\n"
                         "A session whose record is damaged shows \"(damaged)\" as its language\n"
                         "(in --json: \"damaged\": true) and when its files last changed.\n"
                         "--json: {\"ok\", \"command\", \"sessions\": [{...as info...}]}.\n",
    [CLI_SESSION_PRUNE] =
        "prune --older-than DURATION [--dry-run] [--json]\n\n"
        "Destroys every session last used DURATION ago or earlier and prints a summary:\n"
        "\"Pruned N sessions (S skipped, E errors), reclaimed X\" (\"Would prune\" with\n"
        "--dry-run). A session whose record is damaged is as old as its files: skipped\n"
        "until they are older than DURATION, then deleted. Never deleted, whatever its\n"
        "age (skipped): a folder in the sessions root without a record (adopt it with\n"
        "'create --id ID --custom-id'). A session that cannot be deleted is an error.\n"
        "  --older-than DURATION  a whole number with a unit s, m, h or d (30s, 15m, 2h,\n"
        "                         7d); a bare number is seconds; 0 means every session\n"
        "  --dry-run              only list them; reclaimed_bytes stays 0\n"
        "--json: {\"ok\", \"command\", \"deleted_sessions\": [ID], \"skipped_sessions\": [ID],\n"
        "\"skipped_reasons\": {ID: why}, \"errors\": {ID: message}, \"reclaimed_bytes\",\n"
        "\"dry_run\", \"summary\", \"sessions\" (deleted), \"bytes\" (freed, or that would\n"
        "be), \"older_than_s\"}.\n",
    [CLI_SESSION_INSTALL] =
        "install ID PACKAGE [--wheel-dir DIR] [--json]\n\n"
        "Installs a pure-Python wheel (py3-none-any) into the session's own\n"
        "/app/.lsb/site-packages, importable in that session only. PACKAGE is a .whl\n"
        "file, or a project name looked up in --wheel-dir. Platform wheels, sdists and\n"
        "wheels with native files are refused (64); an unknown name is 66. --json: {\"ok\",\n"
        "\"command\", \"session_id\", \"name\", \"version\"}.\n",
};

void cli_session_print_help(FILE *out, cli_session_cmd cmd) {
    if (cmd == CLI_SESSION_CREATE) {
        cli_sess_help_create(out);
    } else if (cmd == CLI_SESSION_EXEC) {
        cli_sess_help_exec(out);
    } else if (cmd <= CLI_SESSION_NONE || cmd >= CLI_SESSION_COUNT || !cli_sess_help_texts[cmd]) {
        cli_sess_help_overview(out);
    } else {
        fprintf(out, "Usage: " CLI_PROGRAM " session %s\n", cli_sess_help_texts[cmd]);
        cli_sess_help_common(out);
    }
}
