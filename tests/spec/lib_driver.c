/*
 * lib_driver.c - the C library surface of the spec suite (tests/spec/spec.py).
 *
 * Usage: lib_driver ASSETS_DIR SESSIONS_ROOT. Reads one JSON request per line
 * on stdin and writes one JSON reply per line on stdout, through
 * include/llmsandbox.h only. Requests ("op" and its arguments):
 *   run            lang, code, limits?, env?, external_dir?, inject_setup? -> {ok, result}
 *   session_create lang, auto_persist?, id?, custom_id?, limits? -> {ok, id}
 *   session_exec   id, code, limits?, env?, inject_setup? -> {ok, result}
 *   session_info / session_destroy / session_reset / session_evict   id
 *   file_write     id, path, data, overwrite?     -> {ok, bytes}
 *   file_read      id, path                       -> {ok, content}
 *   file_list      id, path?, all?, pattern?      -> {ok, files: [{path, size, is_dir, is_system}]}
 *   file_delete    id, path, recursive?           -> {ok}
 *   prune          older_than_s, dry_run?         -> {ok, ...the prune report}
 * limits: {fuel, memory_bytes, timeout_ms, stdout_max, stderr_max, quota_bytes,
 * quota_files}. A failed call replies {ok: false, code: lsb_status_name,
 * message}. One sandbox serves every request, as a long-running embedder's would.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmsandbox.h"

#define ERR_MAX 1024
#define ENV_MAX 32

static lsb_sandbox *sandbox;

/* A failure reply for status st with message msg. */
static json_t *fail(lsb_status st, const char *msg) {
    return json_pack("{s:b, s:s, s:s}", "ok", 0, "code", lsb_status_name(st), "message", msg);
}

/* The language named by req's "lang" (python when absent or unknown). */
static lsb_language req_lang(const json_t *req) {
    lsb_language lang = LSB_LANG_PYTHON;
    const char *name = json_string_value(json_object_get(req, "lang"));
    if (name) lsb_language_parse(name, &lang);
    return lang;
}

/* Copy the number at key of limits into *field when present. */
static void limit_u64(const json_t *limits, const char *key, uint64_t *field) {
    json_t *v = json_object_get(limits, key);
    if (json_is_integer(v)) *field = (uint64_t)json_integer_value(v);
}

/* Fill *p with defaults, then req's "limits" and "env" (env strings in envbuf). */
static void req_policy(const json_t *req, lsb_policy *p, const char **envbuf) {
    lsb_policy_init(p);
    const json_t *limits = json_object_get(req, "limits");
    uint64_t timeout = p->timeout_ms;
    limit_u64(limits, "fuel", &p->fuel);
    limit_u64(limits, "memory_bytes", &p->memory_bytes);
    limit_u64(limits, "timeout_ms", &timeout);
    limit_u64(limits, "stdout_max", &p->stdout_max);
    limit_u64(limits, "stderr_max", &p->stderr_max);
    limit_u64(limits, "quota_bytes", &p->quota_bytes);
    limit_u64(limits, "quota_files", &p->quota_files);
    p->timeout_ms = (uint32_t)timeout;
    p->external_dir = json_string_value(json_object_get(req, "external_dir"));
    if (json_is_boolean(json_object_get(req, "inject_setup")))
        p->inject_setup = json_is_true(json_object_get(req, "inject_setup"));
    const char *key;
    json_t *val;
    size_t n = 0;
    json_object_foreach(json_object_get(req, "env"), key, val) {
        if (n == ENV_MAX) break;
        char *kv = malloc(strlen(key) + strlen(json_string_value(val)) + 2);
        sprintf(kv, "%s=%s", key, json_string_value(val));
        envbuf[n++] = kv;
    }
    p->env = envbuf;
    p->env_count = n;
}

/* Free the env strings req_policy made. */
static void policy_done(lsb_policy *p) {
    for (size_t i = 0; i < p->env_count; i++)
        free((char *)p->env[i]);
}

/* The reply for an execution: the result JSON, or the call's failure. */
static json_t *result_reply(lsb_status st, lsb_result *r, const char *err) {
    if (st != LSB_OK) return fail(st, err);
    char *text = lsb_result_to_json(r);
    lsb_result_free(r);
    json_t *obj = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!obj) return fail(LSB_ERR_SYSTEM, "lsb_result_to_json gave no JSON");
    return json_pack("{s:b, s:o}", "ok", 1, "result", obj);
}

/* The code of req: its "code" string and length (may hold any UTF-8). */
static const char *req_code(const json_t *req, size_t *len) {
    json_t *code = json_object_get(req, "code");
    *len = json_string_length(code);
    return json_string_value(code) ? json_string_value(code) : "";
}

/* op "run" and "session_exec": one execution, one-shot or in a session. */
static json_t *op_execute(const json_t *req, bool in_session) {
    const char *env[ENV_MAX];
    lsb_policy p;
    lsb_result r;
    char err[ERR_MAX] = "";
    size_t len;
    const char *code = req_code(req, &len);
    req_policy(req, &p, env);
    lsb_status st;
    if (in_session) {
        const char *id = json_string_value(json_object_get(req, "id"));
        bool custom = json_object_get(req, "limits") || json_object_get(req, "env") ||
                      json_object_get(req, "inject_setup");
        st = lsb_session_execute(sandbox, id ? id : "", code, len, NULL, custom ? &p : NULL, &r,
                                 err, sizeof err);
    } else {
        st = lsb_execute(sandbox, req_lang(req), code, len, NULL, &p, &r, err, sizeof err);
    }
    policy_done(&p);
    return result_reply(st, &r, err);
}

/* op "session_create". */
static json_t *op_create(const json_t *req) {
    const char *env[ENV_MAX];
    lsb_policy p;
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX] = "";
    req_policy(req, &p, env);
    lsb_session_options o = {
        .language = req_lang(req),
        .id = json_string_value(json_object_get(req, "id")),
        .allow_custom_id = json_is_true(json_object_get(req, "custom_id")),
        .auto_persist_globals = json_is_true(json_object_get(req, "auto_persist")),
        .policy = &p,
    };
    lsb_status st = lsb_session_create(sandbox, &o, id, err, sizeof err);
    policy_done(&p);
    if (st != LSB_OK) return fail(st, err);
    return json_pack("{s:b, s:s}", "ok", 1, "id", id);
}

/* op "session_info": the info object of lsb_session_info_to_json. */
static json_t *op_info(const char *id) {
    lsb_session_info info;
    char err[ERR_MAX] = "";
    lsb_status st = lsb_session_info_get(sandbox, id, &info, err, sizeof err);
    if (st != LSB_OK) return fail(st, err);
    char *text = lsb_session_info_to_json(&info);
    json_t *obj = text ? json_loads(text, 0, NULL) : json_null();
    free(text);
    return json_pack("{s:b, s:o}", "ok", 1, "session", obj);
}

/* ops "session_destroy", "session_reset", "session_evict". */
static json_t *op_session_call(const char *op, const char *id) {
    char err[ERR_MAX] = "";
    lsb_status st;
    if (!strcmp(op, "session_destroy"))
        st = lsb_session_destroy(sandbox, id, err, sizeof err);
    else if (!strcmp(op, "session_reset"))
        st = lsb_session_reset(sandbox, id, err, sizeof err);
    else
        st = lsb_session_evict(sandbox, id, err, sizeof err);
    if (st != LSB_OK) return fail(st, err);
    return json_pack("{s:b}", "ok", 1);
}

/* op "file_write": data is a UTF-8 string written as its bytes; "overwrite":
 * false refuses an existing file. */
static json_t *op_file_write(const json_t *req, const char *id, const char *path) {
    char err[ERR_MAX] = "";
    json_t *data = json_object_get(req, "data");
    const char *bytes = json_string_value(data) ? json_string_value(data) : "";
    size_t len = json_string_length(data);
    json_t *overwrite = json_object_get(req, "overwrite");
    lsb_status st;
    if (!overwrite)
        st = lsb_session_file_write(sandbox, id, path, bytes, len, err, sizeof err);
    else
        st = lsb_session_file_write_ex(sandbox, id, path, bytes, len, json_is_true(overwrite), err,
                                       sizeof err);
    if (st != LSB_OK) return fail(st, err);
    return json_pack("{s:b, s:I}", "ok", 1, "bytes", (json_int_t)len);
}

/* op "file_read": the content, with invalid UTF-8 replaced by U+FFFD. */
static json_t *op_file_read(const char *id, const char *path) {
    char err[ERR_MAX] = "", *data = NULL;
    size_t len = 0, fixed_len = 0;
    lsb_status st =
        lsb_session_file_read(sandbox, id, path, 64u << 20, &data, &len, err, sizeof err);
    if (st != LSB_OK) return fail(st, err);
    char *fixed = lsb_utf8_repair(data, len, &fixed_len);
    free(data);
    json_t *reply = json_pack("{s:b, s:s%, s:I}", "ok", 1, "content", fixed ? fixed : "",
                              fixed ? fixed_len : 0, "size", (json_int_t)len);
    free(fixed);
    return reply;
}

/* op "file_list": every entry under path (NULL: /app), or with "pattern"
 * the files matching it (the original's rglob). */
static json_t *op_file_list(const json_t *req, const char *id, const char *path) {
    lsb_file_entry *entries;
    size_t count;
    char err[ERR_MAX] = "";
    bool all = json_is_true(json_object_get(req, "all"));
    const char *pattern = json_string_value(json_object_get(req, "pattern"));
    lsb_status st;
    if (!pattern)
        st = lsb_session_file_list(sandbox, id, path, all, &entries, &count, err, sizeof err);
    else
        st = lsb_session_file_glob(sandbox, id, path, pattern, all, &entries, &count, err,
                                   sizeof err);
    if (st != LSB_OK) return fail(st, err);
    json_t *files = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(files,
                              json_pack("{s:s, s:I, s:b, s:b}", "path", entries[i].path, "size",
                                        (json_int_t)entries[i].size, "is_dir", entries[i].is_dir,
                                        "is_system", entries[i].is_system));
    lsb_file_list_free(entries, count);
    return json_pack("{s:b, s:o}", "ok", 1, "files", files);
}

/* op "file_delete". */
static json_t *op_file_delete(const json_t *req, const char *id, const char *path) {
    char err[ERR_MAX] = "";
    bool recursive = json_is_true(json_object_get(req, "recursive"));
    lsb_status st = lsb_session_file_delete(sandbox, id, path, recursive, err, sizeof err);
    if (st != LSB_OK) return fail(st, err);
    return json_pack("{s:b}", "ok", 1);
}

/* op "prune": the report of lsb_prune_report_to_json, plus ok. */
static json_t *op_prune(const json_t *req) {
    lsb_prune_report rep = {0};
    char err[ERR_MAX] = "";
    json_int_t older = json_integer_value(json_object_get(req, "older_than_s"));
    bool dry = json_is_true(json_object_get(req, "dry_run"));
    lsb_status st = lsb_session_prune(sandbox, (uint64_t)older, dry, &rep, err, sizeof err);
    if (st != LSB_OK) return fail(st, err);
    char *text = lsb_prune_report_to_json(&rep);
    lsb_prune_report_free(&rep);
    json_t *reply = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!reply) return fail(LSB_ERR_SYSTEM, "lsb_prune_report_to_json gave no JSON");
    json_object_set_new(reply, "ok", json_true());
    return reply;
}

/* Dispatch one request to its op. */
static json_t *handle(const json_t *req) {
    const char *op = json_string_value(json_object_get(req, "op"));
    const char *id = json_string_value(json_object_get(req, "id"));
    const char *path = json_string_value(json_object_get(req, "path"));
    if (!op) return fail(LSB_ERR_INVALID, "no op");
    if (!strcmp(op, "run")) return op_execute(req, false);
    if (!strcmp(op, "session_create")) return op_create(req);
    if (!strcmp(op, "prune")) return op_prune(req);
    if (!id) return fail(LSB_ERR_INVALID, "no id");
    if (!strcmp(op, "session_exec")) return op_execute(req, true);
    if (!strcmp(op, "session_info")) return op_info(id);
    if (!strncmp(op, "session_", 8)) return op_session_call(op, id);
    if (!strcmp(op, "file_list")) return op_file_list(req, id, path);
    if (!path) return fail(LSB_ERR_INVALID, "no path");
    if (!strcmp(op, "file_write")) return op_file_write(req, id, path);
    if (!strcmp(op, "file_read")) return op_file_read(id, path);
    if (!strcmp(op, "file_delete")) return op_file_delete(req, id, path);
    return fail(LSB_ERR_INVALID, "unknown op");
}

/* Open the sandbox, then answer requests until the end of stdin. */
int main(int argc, char **argv) {
    char err[ERR_MAX] = "";
    if (argc != 3) {
        fprintf(stderr, "usage: lib_driver ASSETS_DIR SESSIONS_ROOT\n");
        return 64;
    }
    lsb_sessions_config cfg = {.root = argv[2]};
    if (lsb_sandbox_open(&sandbox, argv[1], err, sizeof err) != LSB_OK ||
        lsb_sandbox_configure_sessions(sandbox, &cfg, err, sizeof err) != LSB_OK) {
        fprintf(stderr, "lib_driver: %s\n", err);
        return 70;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        json_error_t jerr;
        json_t *req = json_loads(line, 0, &jerr);
        json_t *reply = req ? handle(req) : fail(LSB_ERR_INVALID, jerr.text);
        char *text = json_dumps(reply, JSON_COMPACT | JSON_ENSURE_ASCII);
        printf("%s\n", text ? text : "{\"ok\":false,\"code\":\"system\",\"message\":\"dump\"}");
        fflush(stdout);
        free(text);
        json_decref(reply);
        json_decref(req);
    }
    free(line);
    lsb_sandbox_close(sandbox);
    return 0;
}
