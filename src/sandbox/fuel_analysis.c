/*
 * fuel_analysis.c - what a run's fuel use means, in the original system's
 * words (SEED-SPEC 4.2): the share of the budget it used, a status, a
 * recommendation sentence and likely causes; plus our suggested budget,
 * which guidance.c quotes in error advice. result.c writes it as the
 * result's fuel_analysis object.
 *
 * Invariants: the status is decided exactly in basis points (no float can
 * push a value across a threshold); the printed numbers are formatted as
 * the original formatted them (printf and Python agree on rounding the
 * binary value); suggested budgets never exceed LSB_MAX_FUEL; heavy
 * imports are read from the code, never from the output.
 */
#include "sandbox/fuel_analysis.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/policy.h"

#define FUEL_BASIS_POINTS       10000 /* utilisation is computed in 0.01% steps */
#define FUEL_BP_PER_PERCENT     100
#define FUEL_PERCENT            100.0
#define FUEL_SUGGEST_SIG_DIGITS 2 /* suggested budgets keep two significant digits */
#define FUEL_BILLION            1000000000ULL
#define FUEL_HALF_BILLION       (FUEL_BILLION / 2)

#define FUEL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The original's table of packages that are heavy to import for the first
 * time, in billions of fuel (its light stdlib rows, below 1B, are left
 * out as it left them out). preimported: in guest/python/prelude.py's
 * VENDOR_WARM_IMPORTS, so the snapshot already holds it. */
static const struct {
    const char *name;   /* as the original names it */
    const char *module; /* the top-level import name */
    unsigned min_b, max_b;
    bool preimported;
} fuel_heavy[FUEL_HEAVY_MAX] = {
    {"openpyxl", "openpyxl", 5, 7, true}, {"PyPDF2", "PyPDF2", 5, 6, true},
    {"jinja2", "jinja2", 5, 10, true},    {"tabulate", "tabulate", 2, 2, true},
    {"markdown", "markdown", 2, 2, true}, {"python-dateutil", "dateutil", 2, 2, false},
};

static const char *const fuel_status_names[] = {
    [FUEL_EFFICIENT] = "efficient", [FUEL_MODERATE] = "moderate",   [FUEL_WARNING] = "warning",
    [FUEL_CRITICAL] = "critical",   [FUEL_EXHAUSTED] = "exhausted",
};

/* "critical" for a value outside the enum. */
const char *fuel_status_name(fuel_status status) {
    if ((unsigned)status >= FUEL_COUNT(fuel_status_names)) return "critical";
    return fuel_status_names[status];
}

/* ---- heavy imports in the code ------------------------------------------ */

/* ASCII case-insensitive equality of the n bytes at a with the string b. */
static bool fuel_equal_ci(const char *a, size_t n, const char *b) {
    if (strlen(b) != n) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

/* Skip spaces and tabs. */
static const char *fuel_blank(const char *p) {
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Length of the dotted name at p (identifier bytes, non-ASCII included). */
static size_t fuel_name_len(const char *p) {
    size_t n = 0;
    for (unsigned char c; (c = (unsigned char)p[n]) != '\0'; n++)
        if (!(c == '_' || c == '.' || c >= 0x80 || (c >= '0' && c <= '9') ||
              (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            break;
    return n;
}

/* Whether p starts with keyword kw followed by a blank; *after past it. */
static bool fuel_keyword(const char *p, const char *kw, const char **after) {
    size_t n = strlen(kw);
    if (strncmp(p, kw, n) != 0 || (p[n] != ' ' && p[n] != '\t')) return false;
    *after = p + n;
    return true;
}

/* Mark the heavy package whose module is the top level of the n-byte
 * dotted name at p. */
static void fuel_mark(const char *p, size_t n, bool found[FUEL_HEAVY_MAX]) {
    const char *dot = memchr(p, '.', n);
    size_t top = dot ? (size_t)(dot - p) : n;
    for (size_t i = 0; i < FUEL_HEAVY_MAX; i++)
        if (fuel_equal_ci(p, top, fuel_heavy[i].module)) found[i] = true;
}

/* Read the statement at p: "from NAME ..." or "import NAME [as X], ...". */
static void fuel_statement(const char *p, bool found[FUEL_HEAVY_MAX]) {
    p = fuel_blank(p);
    if (fuel_keyword(p, "from", &p)) {
        p = fuel_blank(p);
        fuel_mark(p, fuel_name_len(p), found);
        return;
    }
    if (!fuel_keyword(p, "import", &p)) return;
    for (;;) {
        p = fuel_blank(p);
        size_t n = fuel_name_len(p);
        if (n == 0) return;
        fuel_mark(p, n, found);
        p = fuel_blank(p + n);
        if (fuel_keyword(p, "as", &p)) {
            p = fuel_blank(p);
            p = fuel_blank(p + fuel_name_len(p));
        }
        if (*p != ',') return;
        p++;
    }
}

size_t fuel_heavy_imports(const char *code, const char *names[FUEL_HEAVY_MAX]) {
    bool found[FUEL_HEAVY_MAX] = {false};
    size_t count = 0;
    for (const char *p = code; p; p = strpbrk(p, "\n;")) {
        if (*p == '\n' || *p == ';') p++;
        fuel_statement(p, found);
    }
    for (size_t i = 0; i < FUEL_HEAVY_MAX; i++)
        if (found[i]) names[count++] = fuel_heavy[i].name;
    return count;
}

bool fuel_heavy_preimported(const char *name) {
    for (size_t i = 0; i < FUEL_HEAVY_MAX; i++)
        if (strcmp(fuel_heavy[i].name, name) == 0) return fuel_heavy[i].preimported;
    return false;
}

/* ---- numbers ------------------------------------------------------------ */

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

/* Our suggested budget: about FUEL_SUGGEST_FACTOR times what the run needed. */
static uint64_t fuel_suggest_budget(uint64_t consumed, uint64_t budget, bool exhausted) {
    uint64_t base = consumed;
    if (exhausted && budget > base) base = budget; /* it needed more than the whole budget */
    if (base > LSB_MAX_FUEL / FUEL_SUGGEST_FACTOR) return LSB_MAX_FUEL;
    return fuel_round_up(base * FUEL_SUGGEST_FACTOR);
}

/* The status for a utilisation of bp basis points (0.01%). */
static fuel_status fuel_status_of(uint64_t bp, bool out_of_fuel) {
    if (out_of_fuel || bp >= FUEL_EXHAUSTED_PCT * FUEL_BP_PER_PERCENT) return FUEL_EXHAUSTED;
    if (bp >= FUEL_CRITICAL_PCT * FUEL_BP_PER_PERCENT) return FUEL_CRITICAL;
    if (bp >= FUEL_WARNING_PCT * FUEL_BP_PER_PERCENT) return FUEL_WARNING;
    if (bp >= FUEL_MODERATE_PCT * FUEL_BP_PER_PERCENT) return FUEL_MODERATE;
    return FUEL_EFFICIENT;
}

/* consumed / budget in basis points, rounded down, computed exactly. */
static uint64_t fuel_basis_points(uint64_t consumed, uint64_t budget) {
    if (budget == 0) return 0;
    __extension__ unsigned __int128 bp =
        (unsigned __int128)consumed * FUEL_BASIS_POINTS / (unsigned __int128)budget;
    return bp > UINT64_MAX ? UINT64_MAX : (uint64_t)bp;
}

/* The original's "S" of "SB instructions": int(consumed x 1.5) for a
 * warning, else consumed x 2, in billions rounded half to even (Python's
 * round), at least 1. Exact in integers. */
static uint64_t fuel_suggest_billions(uint64_t consumed, fuel_status status) {
    uint64_t s = status == FUEL_WARNING      ? consumed + consumed / 2
                 : consumed > UINT64_MAX / 2 ? UINT64_MAX
                                             : consumed * 2;
    uint64_t q = s / FUEL_BILLION, rem = s % FUEL_BILLION;
    if (rem > FUEL_HALF_BILLION || (rem == FUEL_HALF_BILLION && q % 2 == 1)) q++;
    return q < 1 ? 1 : q;
}

/* ---- texts -------------------------------------------------------------- */

/* Append printf-formatted text (fmt is always one of ours) to buf. */
__attribute__((format(printf, 3, 4))) static void fuel_append(char *buf, size_t cap,
                                                              const char *fmt, ...) {
    size_t used = strlen(buf);
    if (used + 1 >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
}

/* The first part of the recommendation, by status (the original's words). */
static void fuel_headline(fuel_analysis *a) {
    char *buf = a->recommendation;
    size_t n = sizeof a->recommendation;
    double pct = a->utilization_percent;
    double budget_b = (double)a->budget / (double)FUEL_BILLION;
    unsigned long long s = (unsigned long long)fuel_suggest_billions(a->consumed, a->status);
    buf[0] = '\0';
    switch (a->status) {
    case FUEL_EFFICIENT: fuel_append(buf, n, "Fuel budget is appropriate for this workload"); break;
    case FUEL_MODERATE:
        fuel_append(buf, n,
                    "Fuel usage is moderate (%.1f%%). Current budget is adequate, but consider "
                    "increasing if similar tasks are planned",
                    pct);
        break;
    case FUEL_EXHAUSTED:
        fuel_append(buf, n,
                    "\u26a0\ufe0f Fuel budget exhausted! Increase to at least %lluB instructions "
                    "(current: %.0fB, consumed: %.1fB)",
                    s, budget_b, (double)a->consumed / (double)FUEL_BILLION);
        break;
    case FUEL_CRITICAL:
        fuel_append(buf, n,
                    "\U0001f6a8 Fuel usage is critical (%.1f%%). Increase budget to %lluB "
                    "instructions to avoid exhaustion (current: %.0fB)",
                    pct, s, budget_b);
        break;
    default:
        fuel_append(buf, n,
                    "\u26a0\ufe0f Fuel usage is high (%.1f%%). Consider increasing budget to %lluB "
                    "instructions for similar tasks (current: %.0fB)",
                    pct, s, budget_b);
        break;
    }
}

/* Append ". Package fuel requirements: ..." and a note that is true here:
 * which of the packages the snapshot already imported, and that a session
 * kept by a long-running process keeps the others imported. (The
 * original's note promised import caching its sessions did not do.) */
static void fuel_package_notes(fuel_analysis *a, const char *const *pkgs, size_t count) {
    char *buf = a->recommendation;
    size_t n = sizeof a->recommendation;
    size_t warm = 0, cold = 0;
    fuel_append(buf, n, ". Package fuel requirements: ");
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < FUEL_HEAVY_MAX; k++)
            if (strcmp(fuel_heavy[k].name, pkgs[i]) == 0)
                fuel_append(buf, n, "%s%s requires %u-%uB for first import", i ? "; " : "", pkgs[i],
                            fuel_heavy[k].min_b, fuel_heavy[k].max_b);
    for (size_t i = 0; i < count; i++)
        fuel_heavy_preimported(pkgs[i]) ? warm++ : cold++;
    if (warm) {
        fuel_append(buf, n, ". Note: this sandbox's interpreter snapshot already imported ");
        for (size_t i = 0, k = 0; i < count; i++)
            if (fuel_heavy_preimported(pkgs[i]))
                fuel_append(buf, n, "%s%s", k++ ? ", " : "", pkgs[i]);
        fuel_append(buf, n, ", so importing %s costs almost no fuel here",
                    warm > 1 ? "them" : "it");
    }
    if (cold)
        fuel_append(buf, n,
                    ". Note: a session served by a long-running process (the MCP server or the "
                    "C library) keeps its imported modules, so later executions in it do not "
                    "import them again");
}

/* Fill likely_causes, as the original did. */
static void fuel_causes(fuel_analysis *a, const char *const *pkgs, size_t count) {
    a->causes_count = 0;
    if (count > 0) {
        char *c = a->likely_causes[a->causes_count++];
        c[0] = '\0';
        fuel_append(c, FUEL_CAUSE_MAX, "Heavy package imports detected: ");
        for (size_t i = 0; i < count; i++)
            fuel_append(c, FUEL_CAUSE_MAX, "%s%s", i ? ", " : "", pkgs[i]);
    } else if (a->consumed > FUEL_LARGE_DATASET) {
        snprintf(a->likely_causes[a->causes_count++], FUEL_CAUSE_MAX,
                 "High fuel usage suggests large dataset processing or complex computation");
    }
}

/* Never fails. */
void fuel_analyze(const lsb_result *r, fuel_analysis *out) {
    const char *pkgs[FUEL_HEAVY_MAX];
    size_t count = 0;
    uint64_t bp = fuel_basis_points(r->fuel_consumed, r->fuel_budget);
    memset(out, 0, sizeof *out);
    out->consumed = r->fuel_consumed;
    out->budget = r->fuel_budget;
    out->utilization_percent =
        r->fuel_budget ? (double)r->fuel_consumed / (double)r->fuel_budget * FUEL_PERCENT : 0.0;
    out->status = fuel_status_of(bp, r->trap == LSB_TRAP_OUT_OF_FUEL);
    out->suggested_budget =
        out->status >= FUEL_WARNING
            ? fuel_suggest_budget(r->fuel_consumed, r->fuel_budget, out->status == FUEL_EXHAUSTED)
            : r->fuel_budget;
    if (r->runtime == LSB_LANG_PYTHON && r->code) count = fuel_heavy_imports(r->code, pkgs);
    fuel_causes(out, pkgs, count);
    fuel_headline(out);
    if (count > 0 && out->status >= FUEL_WARNING) fuel_package_notes(out, pkgs, count);
}
