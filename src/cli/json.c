/*
 * json.c - building and printing the JSON of the `llm-sandbox` commands
 * with jansson, the library's own JSON stack.
 *
 * Invariants: the dump flags match lsb_result_to_json's (compact, reals
 * with 15 significant digits), so a session's times and a result's
 * duration print the same way; guest and user bytes are repaired with
 * lsb_utf8_repair before jansson sees them.
 */
#include "cli/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/exitcodes.h"
#include "llmsandbox.h"

/* %.15g prints back exactly the decimal cli_json_fixed read, as long as it
 * has at most 15 significant digits: Unix times with three decimals have 13. */
#define CLI_JSON_FLAGS       (JSON_COMPACT | JSON_REAL_PRECISION(15))
#define CLI_JSON_FIXED_LIMIT 1e15 /* larger magnitudes are printed as they are */
#define CLI_JSON_NUMBER_MAX  48   /* "%.9f" of anything below the limit */

json_t *cli_json_text(const char *s, size_t n) {
    if (!s) return json_null();
    size_t len;
    char *text = lsb_utf8_repair(s, n, &len); /* jansson refuses invalid UTF-8 */
    json_t *v = text ? json_stringn_nocheck(text, len) : NULL;
    free(text);
    return v;
}

json_t *cli_json_str(const char *s) { return cli_json_text(s, s ? strlen(s) : 0); }

json_t *cli_json_uint(uint64_t v) {
    if (v <= (uint64_t)INT64_MAX) return json_integer((json_int_t)v);
    return json_real((double)v);
}

json_t *cli_json_fixed(double v, int decimals) {
    char num[CLI_JSON_NUMBER_MAX];
    if (!isfinite(v)) return json_null();
    if (fabs(v) >= CLI_JSON_FIXED_LIMIT) return json_real(v);
    snprintf(num, sizeof num, "%.*f", decimals, v);
    double r = strtod(num, NULL); /* the decimal printf chose, as the nearest double */
    if (r == trunc(r)) return json_integer((json_int_t)r); /* "12", not "12.0"; no -0 */
    return json_real(r);
}

int cli_json_print_text(char *text, int status, FILE *out, FILE *err) {
    if (!text) {
        fprintf(err, CLI_PROGRAM ": out of memory while writing the JSON result\n");
        return CLI_EXIT_SOFTWARE;
    }
    fputs(text, out);
    fputc('\n', out);
    fflush(out);
    free(text);
    return status;
}

int cli_json_print(json_t *obj, int status, FILE *out, FILE *err) {
    char *text = obj ? json_dumps(obj, CLI_JSON_FLAGS) : NULL;
    json_decref(obj);
    return cli_json_print_text(text, status, out, err);
}
