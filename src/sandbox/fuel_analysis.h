/*
 * fuel_analysis.h - the fuel analysis every surface reports (prefix fuel_):
 * how much of its budget a run used, a status, the original system's
 * recommendation sentence and likely causes, and our suggested budget.
 *
 * Invariants: the status is decided exactly (integer arithmetic, no float
 * can push a value across a threshold); the texts are the original's
 * (SEED-SPEC 4.2) word for word, except the note on import caching, which
 * says what is true here; fuel_analyze never fails.
 */
#ifndef LSB_FUEL_ANALYSIS_H
#define LSB_FUEL_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "llmsandbox.h"

/* fuel_analysis.status thresholds, in percent of the budget consumed. */
#define FUEL_MODERATE_PCT       50
#define FUEL_WARNING_PCT        75
#define FUEL_CRITICAL_PCT       90
#define FUEL_EXHAUSTED_PCT      100
#define FUEL_SUGGEST_FACTOR     2 /* suggested budget: about this times consumed */
#define FUEL_RECOMMENDATION_MAX 1024
#define FUEL_CAUSES_MAX         2   /* likely causes: heavy imports, large data */
#define FUEL_CAUSE_MAX          256 /* bytes of one likely cause */
#define FUEL_HEAVY_MAX          6   /* packages of the heavy-import table */
/* Consumed fuel above which, without heavy imports, the cause is data. */
#define FUEL_LARGE_DATASET 3000000000ULL

typedef enum fuel_status {
    FUEL_EFFICIENT, /* < 50% */
    FUEL_MODERATE,  /* 50% to < 75% */
    FUEL_WARNING,   /* 75% to < 90% */
    FUEL_CRITICAL,  /* 90% to < 100% */
    FUEL_EXHAUSTED  /* >= 100%, or the run stopped out of fuel */
} fuel_status;

typedef struct fuel_analysis {
    uint64_t consumed;
    uint64_t budget;
    /* consumed / budget * 100 as a double (0 when budget is 0), computed
       as the original did; serialised rounded to two decimals. */
    double utilization_percent;
    fuel_status status;
    /* warning, critical, exhausted: FUEL_SUGGEST_FACTOR x consumed (x budget when
       exhausted), rounded up to two significant digits, at most LSB_MAX_FUEL; otherwise
       the current budget. Ours; the error guidance quotes this exact number. */
    uint64_t suggested_budget;
    char recommendation[FUEL_RECOMMENDATION_MAX];
    size_t causes_count;
    char likely_causes[FUEL_CAUSES_MAX][FUEL_CAUSE_MAX];
} fuel_analysis;

/* Analyse the fuel use of r into *out; never fails. Heavy imports are read
 * from r->code (Python only; none when it is NULL). */
void fuel_analyze(const lsb_result *r, fuel_analysis *out);

/* "efficient", "moderate", "warning", "critical" or "exhausted". */
const char *fuel_status_name(fuel_status status);

/*
 * The heavy packages (the original's table: openpyxl, PyPDF2, jinja2,
 * tabulate, markdown, python-dateutil) that the Python code imports, by
 * their table names in table order, into names (at most FUEL_HEAVY_MAX).
 * Recognises "import a.b as c, d" and "from a.b import c" statements at
 * the start of a line or after ';', any ASCII case. Returns the count.
 */
size_t fuel_heavy_imports(const char *code, const char *names[FUEL_HEAVY_MAX]);

/* Whether the table's package name is imported into the Python snapshot
 * (guest/python/prelude.py's VENDOR_WARM_IMPORTS), so importing it costs
 * a run almost nothing. */
bool fuel_heavy_preimported(const char *name);

#endif
