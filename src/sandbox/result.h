/*
 * result.h - the result of an execution (prefix result_, plus the public
 * lsb_result_* and name functions): serialisation to the JSON schema of
 * DESIGN.md and the fuel analysis every surface reports.
 *
 * Invariants: the JSON always carries every field of the schema, in schema
 * order, and is valid UTF-8 whatever bytes the guest wrote.
 */
#ifndef LSB_RESULT_H
#define LSB_RESULT_H

#include <stdint.h>

#include "llmsandbox.h"
#include "sandbox/json.h"

/* fuel_analysis.status thresholds, in percent of the budget consumed. */
#define RESULT_FUEL_MODERATE_PCT   50
#define RESULT_FUEL_WARNING_PCT    75
#define RESULT_FUEL_CRITICAL_PCT   90
#define RESULT_FUEL_SUGGEST_FACTOR 2 /* suggested budget: about this times consumed */
#define RESULT_RECOMMENDATION_MAX  320

typedef enum result_fuel_status {
    RESULT_FUEL_EFFICIENT, /* < 50% */
    RESULT_FUEL_MODERATE,  /* 50% to < 75% */
    RESULT_FUEL_WARNING,   /* 75% to < 90% */
    RESULT_FUEL_CRITICAL,  /* >= 90%, and the run did not run out */
    RESULT_FUEL_EXHAUSTED  /* the run stopped out of fuel */
} result_fuel_status;

typedef struct result_fuel_analysis {
    uint64_t consumed;
    uint64_t budget;
    double utilization_percent; /* consumed / budget * 100, rounded down to 0.01; 0 when
                                   budget is 0. The status is decided on the same value. */
    result_fuel_status status;
    /* warning, critical, exhausted: RESULT_FUEL_SUGGEST_FACTOR x consumed (x budget when
       exhausted), rounded up to two significant digits, at most LSB_MAX_FUEL; otherwise
       the current budget. The guidance of an error quotes this exact number. */
    uint64_t suggested_budget;
    char recommendation[RESULT_RECOMMENDATION_MAX];
} result_fuel_analysis;

/* Analyse the fuel use of r into *out; never fails. */
void result_fuel_analyze(const lsb_result *r, result_fuel_analysis *out);

/* "efficient", "moderate", "warning", "critical" or "exhausted". */
const char *result_fuel_status_name(result_fuel_status status);

/* Append r as one JSON object to b (for callers that embed it, such as the
 * MCP server). Errors are sticky in b. */
void result_write_json(jw_buf *b, const lsb_result *r);

#endif
