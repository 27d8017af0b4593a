/*
 * json.h - the JSON the `llm-sandbox` commands print (prefix cli_json_):
 * values built with jansson from user and library data, and printing one
 * object per line.
 *
 * Invariants: values are built with util/json.h, as the library builds
 * its own, so every string goes through util_json_text (invalid UTF-8 in
 * argv, paths and messages becomes U+FFFD instead of failing) and numbers
 * print like the result JSON ("%.Nf" without trailing zeros); a NULL value
 * anywhere means out of memory and is reported as such.
 */
#ifndef LSB_CLI_JSON_H
#define LSB_CLI_JSON_H

#include <jansson.h>

#include "util/json.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Print obj (taken over; NULL means out of memory) as one line on out.
 * Returns status, or CLI_EXIT_SOFTWARE with a message on err when obj is
 * NULL or cannot be written as text.
 */
int cli_json_print(json_t *obj, int status, FILE *out, FILE *err);

/* Print JSON text (malloc'd, taken over and freed) and a newline on out,
 * or, when text is NULL (out of memory), say so on err. Returns status, or
 * CLI_EXIT_SOFTWARE when text is NULL. */
int cli_json_print_text(char *text, int status, FILE *out, FILE *err);

#endif
