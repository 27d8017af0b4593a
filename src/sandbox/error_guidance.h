/*
 * error_guidance.h - the original system's error_guidance object (prefix
 * eg_): {error_type, actionable_guidance, related_docs, code_examples}
 * for a failed run (SEED-SPEC 4.1), next to our error object.
 *
 * Invariants: a run gets one exactly when exit_code != 0 or it trapped;
 * the original's six classifiers come first (with its words, and its
 * misses fixed: MemoryError and QuickJS out-of-memory are MemoryExhausted,
 * PyPDF2 and odf are vendored, /external is no restricted path); every
 * other failure carries our catalogue's type, guidance and docs. Guest
 * text is only ever a printf argument, never a format.
 */
#ifndef LSB_ERROR_GUIDANCE_H
#define LSB_ERROR_GUIDANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llmsandbox.h"
#include "sandbox/guidance.h"

#define EG_MAX_LINES  24   /* actionable_guidance entries */
#define EG_TEXT_MAX   8192 /* bytes of rendered lines and example */
#define EG_NUMBER_MAX 32   /* "9,223,372,036,854,775,807" */

/* One code_examples entry. */
typedef struct eg_example {
    const char *before;
    const char *after;
    const char *explanation;
} eg_example;

/*
 * The error_guidance of a failed run, ready to serialise. Its strings
 * point into static tables, into text or into ours, so it must stay where
 * eg_describe filled it (do not copy it by value).
 */
typedef struct error_guidance {
    const char *error_type;
    const char *lines[EG_MAX_LINES + 1]; /* actionable_guidance, NULL-terminated */
    const char *const *docs;             /* related_docs: our README sections and references */
    bool has_example;                    /* code_examples: [example], else null */
    eg_example example;
    size_t count; /* lines in use */
    size_t used;  /* bytes of text in use */
    char text[EG_TEXT_MAX];
    guidance_error ours; /* our catalogue's verdict on the same run */
} error_guidance;

/* Describe r's failure into *out and return true; false (out untouched
 * past ours) when exit_code is 0 and the run did not trap. */
bool eg_describe(const lsb_result *r, error_guidance *out);

/* v with ',' between groups of three digits ("10,000,000,000"), as
 * Python's "{:,}" writes it, into buf. */
void eg_commas(uint64_t v, char *buf, size_t len);

#endif
