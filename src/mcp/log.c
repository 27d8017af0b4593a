/*
 * log.c - JSON-lines logging for the MCP server. Each line is one JSON
 * object written with a single fwrite under a lock, so lines from worker
 * threads never interleave, and it always goes to stderr: in stdio mode
 * stdout carries protocol messages only.
 */
#include "mcp/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/json.h"
#include "util/utf8.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static mcp_log_level log_min = MCP_LOG_INFO;
static const char *const log_names[] = {"debug", "info", "warning", "error"};

/* See log.h. */
void mcp_log_set_level(const char *name) {
    for (int i = MCP_LOG_DEBUG; i <= MCP_LOG_ERROR; i++)
        if (strcmp(name, log_names[i]) == 0) log_min = (mcp_log_level)i;
}

/* See log.h. */
void mcp_log_timestamp(char *buf, size_t len) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* See log.h. */
void mcp_log_line(void *f, const char *text) {
    pthread_mutex_lock(&log_lock);
    fputs(text, f);
    fputc('\n', f);
    fflush(f);
    pthread_mutex_unlock(&log_lock);
}

/* See log.h. */
void mcp_log_event(mcp_log_level level, const char *event, json_t *fields) {
    if (level < log_min) {
        json_decref(fields);
        return;
    }
    char ts[40];
    mcp_log_timestamp(ts, sizeof ts);
    json_t *line =
        json_pack("{s:s, s:s, s:s}", "time", ts, "level", log_names[level], "event", event);
    if (line == NULL) {
        json_decref(fields);
        return;
    }
    if (json_is_object(fields)) json_object_update(line, fields);
    json_decref(fields);
    char *text = util_json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(line);
    if (text != NULL) mcp_log_line(stderr, text);
    free(text);
}

/* See log.h. */
void mcp_logf(mcp_log_level level, const char *event, const char *fmt, ...) {
    if (level < log_min) return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    /* A cut (or an argument) may leave invalid UTF-8, which JSON cannot
     * hold: repair it rather than lose the line. */
    char *fixed = utf8_valid(message, strlen(message), NULL)
                      ? NULL
                      : utf8_repair(message, strlen(message), NULL);
    mcp_log_event(level, event, json_pack("{s:s}", "message", fixed ? fixed : message));
    free(fixed);
}
