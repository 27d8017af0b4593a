/*
 * metrics.c - counters for the MCP server: executions by runtime and
 * outcome, a latency histogram, fuel consumed, rejections by reason and
 * tool calls by name. One lock guards them; updates are a few additions,
 * exports copy under the lock and format outside it.
 */
#include "mcp/metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRICS_OUTCOMES 9
#define METRICS_BUCKETS  13
#define METRICS_TOOLS    16
#define METRICS_TEXT_MAX 16384

static const char *const outcome_names[METRICS_OUTCOMES] = {
    "success",        "error", "timeout", "out_of_fuel", "memory",
    "stack_overflow", "trap",  "killed",  "cancelled"};
static const double bucket_bounds[METRICS_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                      1,     2.5,  5,     10,   30,  300};
static const char *const reject_names[MCP_REJECT_COUNT] = {
    "auth", "origin", "rate_limit", "body_too_large", "protocol", "session", "limit", "busy"};

typedef struct metrics_state {
    uint64_t executions[2][METRICS_OUTCOMES];
    uint64_t buckets[METRICS_BUCKETS + 1]; /* the last is +Inf */
    double seconds_sum;
    uint64_t fuel[2];
    uint64_t rejects[MCP_REJECT_COUNT];
    char tool_names[METRICS_TOOLS][32];
    uint64_t tool_calls[METRICS_TOOLS];
    uint64_t tool_errors[METRICS_TOOLS]; /* calls answered with isError */
    double tool_ms[METRICS_TOOLS];       /* their total time */
    uint64_t sessions_created, sessions_destroyed;
    uint64_t children_killed; /* executions killed from outside */
} metrics_state;

static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER;
static metrics_state metrics;

/* Index of an outcome name; unknown names count as "error". */
static int outcome_index(const char *outcome) {
    for (int i = 0; i < METRICS_OUTCOMES; i++)
        if (strcmp(outcome, outcome_names[i]) == 0) return i;
    return 1;
}

/* See metrics.h. */
void mcp_metrics_execution(lsb_language lang, const char *outcome, double seconds, uint64_t fuel) {
    int b = 0;
    while (b < METRICS_BUCKETS && seconds > bucket_bounds[b])
        b++;
    pthread_mutex_lock(&metrics_lock);
    metrics.executions[lang == LSB_LANG_JAVASCRIPT][outcome_index(outcome)]++;
    metrics.buckets[b]++;
    metrics.seconds_sum += seconds;
    metrics.fuel[lang == LSB_LANG_JAVASCRIPT] += fuel;
    pthread_mutex_unlock(&metrics_lock);
}

/* See metrics.h. */
uint64_t mcp_metrics_child_killed(void) {
    pthread_mutex_lock(&metrics_lock);
    uint64_t n = ++metrics.children_killed;
    pthread_mutex_unlock(&metrics_lock);
    return n;
}

/* See metrics.h. */
uint64_t mcp_metrics_children_killed(void) {
    pthread_mutex_lock(&metrics_lock);
    uint64_t n = metrics.children_killed;
    pthread_mutex_unlock(&metrics_lock);
    return n;
}

/* See metrics.h. */
void mcp_metrics_reject(mcp_reject why) {
    pthread_mutex_lock(&metrics_lock);
    if (why < MCP_REJECT_COUNT) metrics.rejects[why]++;
    pthread_mutex_unlock(&metrics_lock);
}

/* The slot of tool name, claiming a free one (lock held); -1 when full. */
static int tool_slot(const char *name) {
    for (int i = 0; i < METRICS_TOOLS; i++) {
        if (metrics.tool_names[i][0] == '\0')
            snprintf(metrics.tool_names[i], sizeof metrics.tool_names[i], "%s", name);
        if (strcmp(metrics.tool_names[i], name) == 0) return i;
    }
    return -1;
}

/* See metrics.h. */
void mcp_metrics_tool(const char *name) {
    pthread_mutex_lock(&metrics_lock);
    int i = tool_slot(name);
    if (i >= 0) metrics.tool_calls[i]++;
    pthread_mutex_unlock(&metrics_lock);
}

/* See metrics.h. */
void mcp_metrics_tool_done(const char *name, double ms, bool is_error) {
    pthread_mutex_lock(&metrics_lock);
    int i = tool_slot(name);
    if (i >= 0) {
        metrics.tool_ms[i] += ms;
        metrics.tool_errors[i] += is_error;
    }
    pthread_mutex_unlock(&metrics_lock);
}

/* See metrics.h. */
void mcp_metrics_session(bool created) {
    pthread_mutex_lock(&metrics_lock);
    if (created)
        metrics.sessions_created++;
    else
        metrics.sessions_destroyed++;
    pthread_mutex_unlock(&metrics_lock);
}

/* A copy of the counters taken under the lock. */
static metrics_state snapshot(void) {
    pthread_mutex_lock(&metrics_lock);
    metrics_state s = metrics;
    pthread_mutex_unlock(&metrics_lock);
    return s;
}

/* Append printf output to buf at *n (bounded by cap). */
static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The definition of put (declared above with its format check). */
static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...) {
    if (*n >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (w > 0) *n += (size_t)w < cap - *n ? (size_t)w : cap - *n;
}

/* The executions, histogram and fuel families. */
static void put_executions(char *buf, size_t cap, size_t *n, const metrics_state *s) {
    static const char *const langs[2] = {"python", "javascript"};
    put(buf, cap, n,
        "# HELP lsb_executions_total Executions finished, by runtime and outcome.\n"
        "# TYPE lsb_executions_total counter\n");
    for (int l = 0; l < 2; l++)
        for (int o = 0; o < METRICS_OUTCOMES; o++)
            put(buf, cap, n, "lsb_executions_total{runtime=\"%s\",outcome=\"%s\"} %llu\n", langs[l],
                outcome_names[o], (unsigned long long)s->executions[l][o]);
    put(buf, cap, n,
        "# HELP lsb_execution_duration_seconds Wall time of executions.\n"
        "# TYPE lsb_execution_duration_seconds histogram\n");
    uint64_t total = 0;
    for (int b = 0; b <= METRICS_BUCKETS; b++) {
        total += s->buckets[b];
        if (b < METRICS_BUCKETS)
            put(buf, cap, n, "lsb_execution_duration_seconds_bucket{le=\"%g\"} %llu\n",
                bucket_bounds[b], (unsigned long long)total);
        else
            put(buf, cap, n, "lsb_execution_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                (unsigned long long)total);
    }
    put(buf, cap, n, "lsb_execution_duration_seconds_sum %.6f\n", s->seconds_sum);
    put(buf, cap, n, "lsb_execution_duration_seconds_count %llu\n", (unsigned long long)total);
    put(buf, cap, n,
        "# HELP lsb_fuel_consumed_total Fuel (instructions) consumed, by runtime.\n"
        "# TYPE lsb_fuel_consumed_total counter\n");
    for (int l = 0; l < 2; l++)
        put(buf, cap, n, "lsb_fuel_consumed_total{runtime=\"%s\"} %llu\n", langs[l],
            (unsigned long long)s->fuel[l]);
}

/* See metrics.h. */
char *mcp_metrics_prometheus(const mcp_gauges *g, size_t *len) {
    metrics_state s = snapshot();
    char *buf = malloc(METRICS_TEXT_MAX);
    size_t n = 0, cap = METRICS_TEXT_MAX;
    if (buf == NULL) return NULL;
    put_executions(buf, cap, &n, &s);
    put(buf, cap, &n,
        "# HELP lsb_rejections_total Requests refused before running, by reason.\n"
        "# TYPE lsb_rejections_total counter\n");
    for (int r = 0; r < MCP_REJECT_COUNT; r++)
        put(buf, cap, &n, "lsb_rejections_total{reason=\"%s\"} %llu\n", reject_names[r],
            (unsigned long long)s.rejects[r]);
    put(buf, cap, &n,
        "# HELP lsb_tool_calls_total Tool calls, by tool.\n# TYPE lsb_tool_calls_total counter\n");
    for (int t = 0; t < METRICS_TOOLS && s.tool_names[t][0]; t++)
        put(buf, cap, &n, "lsb_tool_calls_total{tool=\"%s\"} %llu\n", s.tool_names[t],
            (unsigned long long)s.tool_calls[t]);
    put(buf, cap, &n,
        "# HELP lsb_sessions Sessions stored.\n# TYPE lsb_sessions gauge\nlsb_sessions %llu\n"
        "# HELP lsb_live_sessions Sessions with a live interpreter process.\n"
        "# TYPE lsb_live_sessions gauge\nlsb_live_sessions %llu\n"
        "# HELP lsb_executions_running Executions running now.\n"
        "# TYPE lsb_executions_running gauge\nlsb_executions_running %llu\n"
        "# HELP lsb_executions_queued Executions waiting for a worker.\n"
        "# TYPE lsb_executions_queued gauge\nlsb_executions_queued %llu\n"
        "# HELP lsb_http_sessions MCP protocol sessions (Mcp-Session-Id) open.\n"
        "# TYPE lsb_http_sessions gauge\nlsb_http_sessions %llu\n",
        (unsigned long long)g->sessions, (unsigned long long)g->live_sessions,
        (unsigned long long)g->running, (unsigned long long)g->queued,
        (unsigned long long)g->http_sessions);
    put(buf, cap, &n,
        "# HELP lsb_zygote_restarts_total Zygotes found dead and started again.\n"
        "# TYPE lsb_zygote_restarts_total counter\nlsb_zygote_restarts_total %llu\n"
        "# HELP lsb_sessions_lost_total Live session processes that died under a run.\n"
        "# TYPE lsb_sessions_lost_total counter\nlsb_sessions_lost_total %llu\n"
        "# HELP lsb_children_killed_externally_total Executions killed by a signal not ours.\n"
        "# TYPE lsb_children_killed_externally_total counter\n"
        "lsb_children_killed_externally_total %llu\n",
        (unsigned long long)g->zygote_restarts, (unsigned long long)g->sessions_lost,
        (unsigned long long)s.children_killed);
    *len = n;
    return buf;
}

/* The original's tool_executions object: calls, errors and time, with
 * the errors by tool. */
static json_t *tool_executions(const metrics_state *s) {
    uint64_t calls = 0, errors = 0;
    double ms = 0;
    json_t *by_tool = json_object();
    for (int t = 0; t < METRICS_TOOLS && s->tool_names[t][0]; t++) {
        calls += s->tool_calls[t];
        errors += s->tool_errors[t];
        ms += s->tool_ms[t];
        if (s->tool_errors[t])
            json_object_set_new(by_tool, s->tool_names[t],
                                json_integer((json_int_t)s->tool_errors[t]));
    }
    return json_pack("{s:I, s:I, s:f, s:f, s:f, s:o}", "total_count", (json_int_t)calls,
                     "error_count", (json_int_t)errors, "error_rate",
                     calls ? (double)errors / (double)calls : 0.0, "average_time_ms",
                     calls ? ms / (double)calls : 0.0, "total_time_ms", ms, "errors_by_tool",
                     by_tool);
}

/* See metrics.h. */
json_t *mcp_metrics_json(const mcp_gauges *g) {
    metrics_state s = snapshot();
    json_t *by_runtime = json_object(), *rejects = json_object(), *tools = json_object();
    static const char *const langs[2] = {"python", "javascript"};
    uint64_t total = 0;
    for (int l = 0; l < 2; l++) {
        json_t *o = json_object();
        for (int k = 0; k < METRICS_OUTCOMES; k++) {
            json_object_set_new(o, outcome_names[k], json_integer((json_int_t)s.executions[l][k]));
            total += s.executions[l][k];
        }
        json_object_set_new(o, "fuel_consumed", json_integer((json_int_t)s.fuel[l]));
        json_object_set_new(by_runtime, langs[l], o);
    }
    for (int r = 0; r < MCP_REJECT_COUNT; r++)
        json_object_set_new(rejects, reject_names[r], json_integer((json_int_t)s.rejects[r]));
    for (int t = 0; t < METRICS_TOOLS && s.tool_names[t][0]; t++)
        json_object_set_new(tools, s.tool_names[t], json_integer((json_int_t)s.tool_calls[t]));
    return json_pack(
        "{s:I, s:o, s:f, s:o, s:o, s:o, s:{s:I, s:I, s:I}, s:{s:I, s:f}, s:I, s:I, s:I, s:I, "
        "s:{s:I, s:I, s:I}}",
        "executions_total", (json_int_t)total, "executions", by_runtime, "execution_seconds_total",
        s.seconds_sum, "rejections", rejects, "tool_calls", tools, "tool_executions",
        tool_executions(&s), "sessions", "active_count", (json_int_t)g->sessions, "created_count",
        (json_int_t)s.sessions_created, "destroyed_count", (json_int_t)s.sessions_destroyed,
        "resources", "total_fuel_consumed", (json_int_t)(s.fuel[0] + s.fuel[1]),
        "total_execution_time_seconds", s.seconds_sum, "live_sessions",
        (json_int_t)g->live_sessions, "running", (json_int_t)g->running, "queued",
        (json_int_t)g->queued, "http_sessions", (json_int_t)g->http_sessions, "recovery",
        "zygote_restarts", (json_int_t)g->zygote_restarts, "sessions_lost",
        (json_int_t)g->sessions_lost, "children_killed_externally", (json_int_t)s.children_killed);
}
