/*
 * fuel_analysis.h - the fuel analysis every surface reports (prefix fuel_):
 * how much of its budget a run used, a status, a suggested budget and a
 * recommendation sentence.
 *
 * Invariants: the status and the sentence are decided on the same value,
 * utilisation rounded down to 0.01%; fuel_analyze never fails.
 */
#ifndef LSB_FUEL_ANALYSIS_H
#define LSB_FUEL_ANALYSIS_H

#include <stdint.h>

#include "llmsandbox.h"

/* fuel_analysis.status thresholds, in percent of the budget consumed. */
#define FUEL_MODERATE_PCT       50
#define FUEL_WARNING_PCT        75
#define FUEL_CRITICAL_PCT       90
#define FUEL_SUGGEST_FACTOR     2 /* suggested budget: about this times consumed */
#define FUEL_RECOMMENDATION_MAX 320

typedef enum fuel_status {
    FUEL_EFFICIENT, /* < 50% */
    FUEL_MODERATE,  /* 50% to < 75% */
    FUEL_WARNING,   /* 75% to < 90% */
    FUEL_CRITICAL,  /* >= 90%, and the run did not run out */
    FUEL_EXHAUSTED  /* the run stopped out of fuel */
} fuel_status;

typedef struct fuel_analysis {
    uint64_t consumed;
    uint64_t budget;
    double utilization_percent; /* consumed / budget * 100, rounded down to 0.01; 0 when
                                   budget is 0. The status is decided on the same value. */
    fuel_status status;
    /* warning, critical, exhausted: FUEL_SUGGEST_FACTOR x consumed (x budget when
       exhausted), rounded up to two significant digits, at most LSB_MAX_FUEL; otherwise
       the current budget. The guidance of an error quotes this exact number. */
    uint64_t suggested_budget;
    char recommendation[FUEL_RECOMMENDATION_MAX];
} fuel_analysis;

/* Analyse the fuel use of r into *out; never fails. */
void fuel_analyze(const lsb_result *r, fuel_analysis *out);

/* "efficient", "moderate", "warning", "critical" or "exhausted". */
const char *fuel_status_name(fuel_status status);

#endif
