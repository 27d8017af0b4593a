/*
 * tools_code.c - the tools that run guest code: execute_code (one-shot or
 * in a session) and install_package, and the shaping of an execution
 * result into an MCP tool result.
 *
 * Invariants: code size and the timeout range are checked here against
 * the server's settings before anything runs; every run carries the
 * call's lsb_cancel, so cancellation kills it; output beyond
 * max_output_chars is cut at a UTF-8 character boundary, and the full text
 * is written to a file first (the session's /app/outputs/, within its
 * quota, or the server's outputs folder for one-shot runs, bounded in
 * bytes and age) so nothing is lost that the bounds leave room for.
 */
#include <nettle/base16.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "mcp/limits.h"
#include "mcp/metrics.h"
#include "mcp/outputs.h"
#include "mcp/recovery.h"
#include "mcp/tool_result.h"
#include "mcp/tools_impl.h"

#define CODE_ERR_MAX    1024
#define STATUS_LINE_MAX 512

/* Bytes of the first max_chars UTF-8 characters of s (len bytes); *chars
 * receives the number of characters in all of s. */
static size_t utf8_prefix(const char *s, size_t len, size_t max_chars, size_t *chars) {
    size_t n = 0, cut = len;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80) continue; /* a continuation byte */
        if (n == max_chars) cut = i;
        n++;
    }
    *chars = n;
    return n > max_chars ? cut : len;
}

/* A random 16-hex-digit name for a one-shot output file. */
static void random_name(char *buf, size_t len) {
    uint8_t r[8] = {0};
    char hex[BASE16_ENCODE_LENGTH(sizeof r) + 1];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) r[0] = (uint8_t)getpid();
    base16_encode_update(hex, sizeof r, r);
    hex[BASE16_ENCODE_LENGTH(sizeof r)] = '\0';
    snprintf(buf, len, "%s", hex);
}

/*
 * Where the full text of a run's cut streams goes, without the
 * "-stdout.txt" suffix: "outputs/execution-N" in the session's workspace
 * (a path the next run can open; it counts against the session's quota),
 * or a fresh random name in the server's bounded outputs folder
 * (outputs.h) for one-shot runs.
 */
static void output_stem(mcp_call *call, char *stem, size_t len) {
    mcp_server *srv = call->req->srv;
    if (call->session_id[0]) {
        lsb_session_info info;
        char err[CODE_ERR_MAX];
        uint64_t n =
            lsb_session_info_get(srv->sandbox, call->session_id, &info, err, sizeof err) == LSB_OK
                ? info.execution_count
                : 0;
        snprintf(stem, len, "outputs/execution-%llu", (unsigned long long)n);
        return;
    }
    random_name(stem, len); /* a name in srv->outputs_dir */
}

/* Keep the full text of one cut stream at STEM-STREAM.txt. Writes the
 * path given back into where; returns 0, or -1 with the reason in where. */
static int save_stream(mcp_call *call, const char *stem, const char *stream, const char *data,
                       size_t len, char *where, size_t wlen) {
    mcp_server *srv = call->req->srv;
    char err[CODE_ERR_MAX];
    if (call->session_id[0]) {
        char rel[PATH_MAX + 96];
        snprintf(rel, sizeof rel, "%s-%s.txt", stem, stream);
        if (lsb_session_file_write(srv->sandbox, call->session_id, rel, data, len, err,
                                   sizeof err) != LSB_OK) {
            snprintf(where, wlen, "could not be saved: %s", err);
            return -1;
        }
        snprintf(where, wlen, "/app/%s", rel);
        return 0;
    }
    char name[96];
    snprintf(name, sizeof name, "%s-%s.txt", stem, stream);
    if (mcp_outputs_write(srv->outputs_dir, name, data, len, srv->opt.max_outputs_bytes,
                          srv->opt.outputs_ttl_s, where, wlen) != 0)
        return -1;
    snprintf(where, wlen, "%s/%s", srv->outputs_dir, name);
    return 0;
}

/* Cut the structured result's stream field to keep characters, saving
 * the full raw text first (at stem); records the file in files. */
static void cut_stream(mcp_call *call, const char *stem, json_t *structured, const char *field,
                       const char *raw, size_t raw_len, size_t keep, json_t *files) {
    json_t *v = json_object_get(structured, field);
    const char *text = json_string_value(v);
    size_t chars, bytes = utf8_prefix(text, json_string_length(v), keep, &chars);
    if (chars <= keep) return;
    char where[PATH_MAX + 192];
    int saved = save_stream(call, stem, field, raw, raw_len, where, sizeof where);
    char marker[PATH_MAX + 400];
    snprintf(marker, sizeof marker, "\n[... %zu of %zu characters shown; the full %s %s%s ...]\n",
             keep, chars, field, saved == 0 ? "is in " : "", where);
    size_t mlen = strlen(marker);
    char *cut = malloc(bytes + mlen + 1);
    if (cut == NULL) return;
    memcpy(cut, text, bytes);
    memcpy(cut + bytes, marker, mlen + 1);
    json_object_set_new(structured, field, json_stringn(cut, bytes + mlen));
    free(cut);
    if (saved == 0) json_object_set_new(files, field, json_string(where));
}

/* Fit stdout and stderr into max_output_chars together (stderr keeps at
 * least a quarter when both are long). */
static void fit_output(mcp_call *call, const lsb_result *r, json_t *structured) {
    size_t cap = call->req->srv->opt.max_output_chars, out_chars, err_chars;
    json_t *o = json_object_get(structured, "stdout"), *e = json_object_get(structured, "stderr");
    utf8_prefix(json_string_value(o), json_string_length(o), cap, &out_chars);
    utf8_prefix(json_string_value(e), json_string_length(e), cap, &err_chars);
    if (out_chars + err_chars <= cap) return;
    size_t err_keep = err_chars < cap / 4 ? err_chars : cap / 4;
    size_t out_keep = out_chars < cap - err_keep ? out_chars : cap - err_keep;
    err_keep = cap - out_keep < err_chars ? cap - out_keep : err_chars;
    json_t *files = json_object();
    char stem[PATH_MAX + 64];
    output_stem(call, stem, sizeof stem);
    cut_stream(call, stem, structured, "stdout", r->stdout_data, r->stdout_len, out_keep, files);
    cut_stream(call, stem, structured, "stderr", r->stderr_data, r->stderr_len, err_keep, files);
    json_object_set_new(structured, "output_truncated", json_true());
    json_object_set_new(structured, "output_files", files);
}

/* The outcome word of a result, for metrics and the audit log. */
static const char *outcome_of(const lsb_result *r) {
    const char *trap = lsb_trap_name(r->trap);
    return trap ? trap : r->success ? "success" : "error";
}

/* Append s to the growing text t. */
static void text_add(char **t, size_t *len, const char *s) {
    size_t n = strlen(s);
    char *grown = realloc(*t, *len + n + 1);
    if (grown == NULL) return;
    memcpy(grown + *len, s, n + 1);
    *t = grown;
    *len += n;
}

/* The original's fuel note: when the analysis says warning, critical or
 * exhausted, "\n\n📊 Fuel Analysis: " and its recommendation end the text. */
static void fuel_note(char **t, size_t *len, json_t *analysis) {
    const char *status = json_string_value(json_object_get(analysis, "status"));
    const char *advice = json_string_value(json_object_get(analysis, "recommendation"));
    if (status == NULL || advice == NULL || advice[0] == '\0' ||
        (strcmp(status, "warning") != 0 && strcmp(status, "critical") != 0 &&
         strcmp(status, "exhausted") != 0))
        return;
    text_add(t, len, "\n\n\xF0\x9F\x93\x8A Fuel Analysis: ");
    text_add(t, len, advice);
}

/* The text content a model reads: output, error and guidance, a status
 * line, and the fuel note. */
static char *result_text(const lsb_result *r, json_t *structured) {
    char *t = calloc(1, 1), line[STATUS_LINE_MAX];
    size_t len = 0;
    const char *out = json_string_value(json_object_get(structured, "stdout"));
    const char *err = json_string_value(json_object_get(structured, "stderr"));
    if (out && out[0]) text_add(&t, &len, out);
    if (out && out[0] && out[strlen(out) - 1] != '\n') text_add(&t, &len, "\n");
    if (err && err[0]) {
        text_add(&t, &len, "--- stderr ---\n");
        text_add(&t, &len, err);
        if (err[strlen(err) - 1] != '\n') text_add(&t, &len, "\n");
    }
    json_t *error = json_object_get(structured, "error"), *g;
    size_t i;
    if (json_is_object(error)) {
        snprintf(line, sizeof line, "--- error: %s ---\n%s\n",
                 json_string_value(json_object_get(error, "type")),
                 json_string_value(json_object_get(error, "message")));
        text_add(&t, &len, line);
        json_array_foreach(json_object_get(error, "guidance"), i, g) {
            text_add(&t, &len, "- ");
            text_add(&t, &len, json_string_value(g));
            text_add(&t, &len, "\n");
        }
    }
    snprintf(line, sizeof line,
             "--- %s: %s, exit code %d, %.1f ms, fuel %llu of %llu, peak memory %.1f MiB%s%s ---",
             lsb_language_name(r->runtime), r->success ? "success" : outcome_of(r), r->exit_code,
             r->duration_ms, (unsigned long long)r->fuel_consumed,
             (unsigned long long)r->fuel_budget, (double)r->memory_peak_bytes / (double)LSB_MCP_MIB,
             r->session_id ? ", session " : "", r->session_id ? r->session_id : "");
    text_add(&t, &len, line);
    fuel_note(&t, &len, json_object_get(structured, "fuel_analysis"));
    return t;
}

/* The original's files_changed: every created or modified file once (the
 * result lists them relative to /app, "out/x.csv"), as {absolute (the
 * guest path, "/app/out/x.csv"), relative, filename}. NULL when out of
 * memory. */
static json_t *files_changed(const lsb_result *r) {
    json_t *list = json_array();
    const struct {
        char **paths;
        size_t count;
    } sets[] = {{r->files_created, r->files_created_count},
                {r->files_modified, r->files_modified_count}};
    for (size_t s = 0; list != NULL && s < sizeof sets / sizeof sets[0]; s++)
        for (size_t i = 0; i < sets[s].count; i++) {
            const char *rel = sets[s].paths[i];
            const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
            char *abs = NULL;
            if (asprintf(&abs, "/app/%s", rel) < 0) abs = NULL;
            json_t *entry = abs ? json_pack("{s:s, s:s, s:s}", "absolute", abs, "relative", rel,
                                            "filename", base)
                                : NULL;
            free(abs);
            if (json_array_append_new(list, entry) != 0) {
                json_decref(list);
                return NULL;
            }
        }
    return list;
}

/* Turn an execution result into the tool result. */
static json_t *execution_result(mcp_call *call, const lsb_result *r) {
    char *json = lsb_result_to_json(r);
    json_t *structured = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    json_t *changed = structured ? files_changed(r) : NULL;
    if (changed == NULL || json_object_set_new(structured, "files_changed", changed) != 0 ||
        json_object_set(structured, "execution_time_ms",
                        json_object_get(structured, "duration_ms")) != 0) {
        json_decref(structured);
        return mcp_result_errorf("SandboxError", "out of memory");
    }
    fit_output(call, r, structured);
    char *text = result_text(r, structured);
    json_t *result = mcp_result_new(text ? text : "", structured, !r->success);
    free(text);
    return result;
}

/* Resolve the language: the argument, else the session's, else python.
 * Returns NULL, or an error result. */
static json_t *pick_language(mcp_call *call, lsb_language *lang) {
    const char *name = json_string_value(json_object_get(call->args, "language"));
    *lang = LSB_LANG_PYTHON;
    if (name != NULL) lsb_language_parse(name, lang);
    if (call->session_id[0] == '\0') return NULL;
    lsb_session_info info;
    char err[CODE_ERR_MAX];
    lsb_status st =
        lsb_session_info_get(call->req->srv->sandbox, call->session_id, &info, err, sizeof err);
    if (st != LSB_OK) return mcp_tool_status_error(call, st, call->session_id, err);
    if (name != NULL && info.language != *lang)
        return mcp_result_errorf("LanguageMismatch",
                                 "Session '%s' runs %s, not %s: omit language, or create a %s "
                                 "session with create_session.",
                                 call->session_id, lsb_language_name(info.language), name, name);
    *lang = info.language;
    return NULL;
}

/* execute_code(code, language?, timeout?, session_id?) */
json_t *mcp_tool_execute_code(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    json_t *code = json_object_get(call->args, "code");
    size_t code_len = json_string_length(code);
    if (code_len > srv->opt.max_code_bytes) {
        mcp_metrics_reject(MCP_REJECT_LIMIT);
        return mcp_result_errorf("CodeTooLarge",
                                 "The code is too large: %zu bytes; this server accepts at most "
                                 "%llu. Split "
                                 "the work, or write data to /app in one run and process it in "
                                 "the next.",
                                 code_len, (unsigned long long)srv->opt.max_code_bytes);
    }
    json_t *bad = call->session_id[0] ? mcp_tool_check_session(call, call->session_id) : NULL;
    lsb_language lang;
    if (bad == NULL) bad = pick_language(call, &lang);
    if (bad != NULL) return bad;
    lsb_policy policy;
    lsb_policy_init(&policy);
    policy.fuel = srv->opt.fuel;
    policy.memory_bytes = srv->opt.memory_bytes;
    policy.timeout_ms = call->timeout_ms; /* the argument (checked: 1-300 s) or the default */
    policy.external_dir = srv->external_dir[0] ? srv->external_dir : NULL;
    policy.cancel = call->cancel;
    lsb_result r = {0};
    char err[CODE_ERR_MAX] = "";
    const char *text = json_string_value(code);
    lsb_status st =
        call->session_id[0]
            ? lsb_session_execute(srv->sandbox, call->session_id, text, code_len, NULL, &policy, &r,
                                  err, sizeof err)
            : lsb_execute(srv->sandbox, lang, text, code_len, NULL, &policy, &r, err, sizeof err);
    mcp_recovery_note(srv, call, st, &r);
    if (st != LSB_OK) {
        snprintf(call->outcome, sizeof call->outcome, "rejected");
        return mcp_tool_status_error(call, st, call->session_id[0] ? call->session_id : NULL, err);
    }
    snprintf(call->outcome, sizeof call->outcome, "%s", outcome_of(&r));
    call->fuel = r.fuel_consumed;
    mcp_metrics_execution(r.runtime, call->outcome, r.duration_ms / 1000.0, r.fuel_consumed);
    json_t *result = execution_result(call, &r);
    lsb_result_free(&r);
    return result;
}

/* Whether name can only mean a file in the wheel folder: letters,
 * digits, '.', '_', '-', not starting with '.'. */
static bool plain_package_name(const char *name) {
    return name[0] != '.' && name[0] != '-' &&
           strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
               strlen(name) &&
           strstr(name, "..") == NULL;
}

/* install_package(package, session_id) */
json_t *mcp_tool_install_package(mcp_call *call) {
    mcp_server *srv = call->req->srv;
    const char *package = json_string_value(json_object_get(call->args, "package"));
    json_t *bad = mcp_tool_check_session(call, call->session_id);
    if (bad != NULL) return bad;
    if (!plain_package_name(package))
        return mcp_result_errorf("InvalidArguments",
                                 "package '%.100s' must be a project name or a wheel file name "
                                 "(letters, digits, '.', '_', '-'); paths are not accepted.",
                                 package);
    char target[PATH_MAX + 256], installed[256] = "", err[CODE_ERR_MAX] = "";
    bool is_file = strlen(package) > 4 && strcmp(package + strlen(package) - 4, ".whl") == 0;
    if (is_file) /* a file name: only inside the wheel folder */
        snprintf(target, sizeof target, "%s/%s", srv->wheel_dir, package);
    else
        snprintf(target, sizeof target, "%s", package);
    lsb_status st = lsb_session_install_package(srv->sandbox, call->session_id, target, installed,
                                                sizeof installed, err, sizeof err);
    snprintf(call->outcome, sizeof call->outcome, "%s", st == LSB_OK ? "success" : "error");
    if (st == LSB_ERR_NO_PACKAGE)
        return mcp_result_errorf("PackageNotFound",
                                 "%s. Only wheels in the server's wheel folder can be installed; "
                                 "list_available_packages shows them.",
                                 err);
    if (st != LSB_OK) return mcp_tool_status_error(call, st, call->session_id, err);
    char text[512];
    snprintf(text, sizeof text, "Installed %s into session %s; import it in that session's code.",
             installed, call->session_id);
    return mcp_result_new(
        text, json_pack("{s:s, s:s}", "installed", installed, "session_id", call->session_id),
        false);
}
