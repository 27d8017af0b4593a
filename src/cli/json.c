/*
 * json.c - building and printing the JSON of the `llm-sandbox` commands
 * with jansson, the library's own JSON stack.
 *
 * Invariants: the dump flags are lsb_result_to_json's (UTIL_JSON_FLAGS),
 * so a session's times and a result's duration print the same way.
 */
#include "cli/json.h"

#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/exitcodes.h"
#include "llmsandbox.h"
#include "util/json.h"

/* See json.h. */
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

/* See json.h. */
int cli_json_print(json_t *obj, int status, FILE *out, FILE *err) {
    char *text = obj ? util_json_dumps(obj, UTIL_JSON_FLAGS) : NULL;
    json_decref(obj);
    return cli_json_print_text(text, status, out, err);
}
