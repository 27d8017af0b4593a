/*
 * fuel_analysis.c - what a run's fuel use means: the share of the budget
 * it used, a status, a budget to suggest and a sentence a model can act
 * on. guidance.c quotes it in error advice, result.c writes it as the
 * result's fuel_analysis object.
 *
 * Invariants: utilisation is computed exactly in basis points (no float
 * can push a value across a threshold) and the sentence rounds down like
 * the status; suggested budgets never exceed LSB_MAX_FUEL.
 */
#include "sandbox/fuel_analysis.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/policy.h"

#define FUEL_BASIS_POINTS       10000 /* utilisation is computed in 0.01% steps */
#define FUEL_BP_PER_PERCENT     100
#define FUEL_BP_PER_TENTH       10 /* recommendations show one decimal */
#define FUEL_SUGGEST_SIG_DIGITS 2  /* suggested budgets keep two significant digits */

#define FUEL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const fuel_status_names[] = {
    [FUEL_EFFICIENT] = "efficient", [FUEL_MODERATE] = "moderate",   [FUEL_WARNING] = "warning",
    [FUEL_CRITICAL] = "critical",   [FUEL_EXHAUSTED] = "exhausted",
};

/* "critical" for a value outside the enum. */
const char *fuel_status_name(fuel_status status) {
    if ((unsigned)status >= FUEL_COUNT(fuel_status_names)) return "critical";
    return fuel_status_names[status];
}

/* Round v up to FUEL_SUGGEST_SIG_DIGITS significant digits, saturating
 * at LSB_MAX_FUEL. */
static uint64_t fuel_round_up(uint64_t v) {
    uint64_t unit = 1, limit = 1;
    for (int i = 0; i < FUEL_SUGGEST_SIG_DIGITS; i++)
        limit *= 10;
    while (v / unit >= limit)
        unit *= 10;
    uint64_t q = v / unit + (v % unit != 0);
    if (q > LSB_MAX_FUEL / unit) return LSB_MAX_FUEL;
    return q * unit;
}

/* About FUEL_SUGGEST_FACTOR times what the run needed. */
static uint64_t fuel_suggest_budget(uint64_t consumed, uint64_t budget, bool exhausted) {
    uint64_t base = consumed;
    if (exhausted && budget > base) base = budget; /* it needed more than the whole budget */
    if (base > LSB_MAX_FUEL / FUEL_SUGGEST_FACTOR) return LSB_MAX_FUEL;
    return fuel_round_up(base * FUEL_SUGGEST_FACTOR);
}

/* The status for a utilisation of bp basis points (0.01%). */
static fuel_status fuel_status_of(uint64_t bp, bool exhausted) {
    if (exhausted) return FUEL_EXHAUSTED;
    if (bp >= FUEL_CRITICAL_PCT * FUEL_BP_PER_PERCENT) return FUEL_CRITICAL;
    if (bp >= FUEL_WARNING_PCT * FUEL_BP_PER_PERCENT) return FUEL_WARNING;
    if (bp >= FUEL_MODERATE_PCT * FUEL_BP_PER_PERCENT) return FUEL_MODERATE;
    return FUEL_EFFICIENT;
}

/* consumed / budget in basis points, rounded down, computed exactly (no
 * float rounding can push a value across a status threshold). */
static uint64_t fuel_basis_points(uint64_t consumed, uint64_t budget) {
    if (budget == 0) return 0;
    __extension__ unsigned __int128 bp =
        (unsigned __int128)consumed * FUEL_BASIS_POINTS / (unsigned __int128)budget;
    return bp > UINT64_MAX ? UINT64_MAX : (uint64_t)bp;
}

/* Write the sentence of a fuel analysis a model can act on; the percentage
 * is printed rounded down to 0.1%, like the status it explains. */
static void fuel_recommend(fuel_analysis *a, uint64_t bp) {
    char *buf = a->recommendation;
    size_t n = sizeof a->recommendation;
    unsigned long long s = (unsigned long long)a->suggested_budget;
    unsigned long long whole = bp / FUEL_BP_PER_PERCENT;
    unsigned tenth = (unsigned)(bp % FUEL_BP_PER_PERCENT / FUEL_BP_PER_TENTH);
    switch (a->status) {
    case FUEL_EXHAUSTED:
        snprintf(buf, n,
                 "The code ran out of fuel after %llu instructions. If it should finish, look for "
                 "an infinite loop; if the work is genuinely large, raise the budget to %llu "
                 "(--fuel %llu / fuel=%llu).",
                 (unsigned long long)a->consumed, s, s, s);
        break;
    case FUEL_CRITICAL:
        snprintf(buf, n,
                 "The code used %llu.%u%% of its fuel budget and nearly ran out; raise the budget "
                 "to %llu (--fuel %llu / fuel=%llu) before running larger inputs.",
                 whole, tenth, s, s, s);
        break;
    case FUEL_WARNING:
        snprintf(buf, n,
                 "The code used %llu.%u%% of its fuel budget; larger inputs may run out. Consider "
                 "a budget of %llu (--fuel %llu / fuel=%llu).",
                 whole, tenth, s, s, s);
        break;
    case FUEL_MODERATE:
        snprintf(buf, n,
                 "The code used %llu.%u%% of its fuel budget; the budget is adequate, with some "
                 "room for larger inputs.",
                 whole, tenth);
        break;
    default:
        snprintf(buf, n, "The code used %llu.%u%% of its fuel budget; the budget is ample.", whole,
                 tenth);
        break;
    }
}

/* Never fails. */
void fuel_analyze(const lsb_result *r, fuel_analysis *out) {
    bool exhausted = r->trap == LSB_TRAP_OUT_OF_FUEL;
    uint64_t bp = fuel_basis_points(r->fuel_consumed, r->fuel_budget);
    memset(out, 0, sizeof *out);
    out->consumed = r->fuel_consumed;
    out->budget = r->fuel_budget;
    out->utilization_percent = (double)bp / (double)FUEL_BP_PER_PERCENT;
    out->status = fuel_status_of(bp, exhausted);
    out->suggested_budget = out->status >= FUEL_WARNING
                                ? fuel_suggest_budget(r->fuel_consumed, r->fuel_budget, exhausted)
                                : r->fuel_budget;
    fuel_recommend(out, bp);
}
