/*
 * json.h - the JSON the `llm-sandbox` commands print (prefix cli_json_):
 * values built with jansson from user and library data, and printing one
 * object per line.
 *
 * Invariants: every string goes through cli_json_text, so invalid UTF-8
 * (in argv, paths, messages) becomes U+FFFD instead of failing; numbers
 * print like the library's result JSON ("%.Nf" without trailing zeros);
 * a NULL value anywhere means out of memory and is reported as such.
 */
#ifndef LSB_CLI_JSON_H
#define LSB_CLI_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* n bytes as a JSON string, invalid UTF-8 repaired; null when s is NULL.
 * Returns NULL only when out of memory. */
json_t *cli_json_text(const char *s, size_t n);

/* A NUL-terminated string as cli_json_text. */
json_t *cli_json_str(const char *s);

/* v as a JSON integer (a real above INT64_MAX). NULL when out of memory. */
json_t *cli_json_uint(uint64_t v);

/* v rounded to `decimals` digits after the point, printed without
 * trailing zeros; null when not finite. NULL when out of memory. */
json_t *cli_json_fixed(double v, int decimals);

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
