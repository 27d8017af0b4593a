/*
 * guidance.h - what to tell a model when its code failed (prefix
 * guidance_): the error object's type, message, guidance and docs, and the
 * warnings a successful run may still need (truncated output).
 *
 * Invariants: the catalogue is one table in guidance.c (type, language, how
 * a failure is recognised, guidance templates, docs); every lookup returns
 * non-NULL, NULL-terminated lists; guest text (messages, paths, module
 * names) is only ever substituted into templates as data, never used as a
 * printf format, and is cut to a bounded length.
 */
#ifndef LSB_GUIDANCE_H
#define LSB_GUIDANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "llmsandbox.h"

#define GUIDANCE_MAX_LINES   8    /* guidance sentences per error */
#define GUIDANCE_TEXT_MAX    4096 /* bytes of all rendered sentences of one error */
#define GUIDANCE_MESSAGE_MAX 4608 /* "GuestType: guest message", cut beyond this */
#define GUIDANCE_SUBJECT_MAX 256  /* bytes of a path or module name quoted back */
#define GUIDANCE_WARNING_MAX 1024 /* bytes of one warning */

/*
 * The error object of a result, ready to serialise. Its strings point into
 * the result, into static tables or into this struct's own buffers, so it
 * must stay where guidance_describe filled it (do not copy it by value).
 *
 * type     a catalogue type ("OutOfFuel", "MemoryExhausted", "Timeout",
 *          "PathOutsideWorkspace", "FileNotFound", "MissingVendoredPackage" (a
 *          vendored package that did not import), "PackageNotInstalled",
 *          "NativeExtensionUnavailable", "SyntaxError", "RecursionError",
 *          "QuotaExceeded", "OutputTruncated"), a synthesised one for other
 *          stops ("Trap", "Killed", "NonZeroExit"), or else the guest's own
 *          error type unchanged (e.g. "ZeroDivisionError").
 * message  the guest's message when there is one, unchanged; when the
 *          catalogue type differs from the guest's type it is prefixed with
 *          that type ("ModuleNotFoundError: No module named 'numpy'"), so
 *          nothing is lost. Without a guest message: a sentence we write.
 * subject  the path or module name the matched row recognised in the
 *          message (a module reduced to its package: "numpy.linalg" ->
 *          "numpy"), or "" when the row reads none.
 */
typedef struct guidance_error {
    const char *type;
    const char *message;
    const char *guidance[GUIDANCE_MAX_LINES + 1]; /* NULL-terminated, numbers filled in */
    const char *const *docs;                      /* NULL-terminated: README.md#... or https */
    char subject[GUIDANCE_SUBJECT_MAX];
    char message_buf[GUIDANCE_MESSAGE_MAX];
    char text[GUIDANCE_TEXT_MAX];
} guidance_error;

/*
 * Describe why r failed. Returns false (and leaves *out untouched) when r
 * succeeded with exit status 0 and names no error; otherwise fills *out and
 * returns true. The first catalogue row that recognises r wins: traps
 * first (out of fuel, timeout, memory, stack overflow, other traps,
 * killed), then guest error types with message patterns, then a failed run
 * with no guest error (OutputTruncated when output was cut, else
 * NonZeroExit), then the language's generic advice.
 */
bool guidance_describe(const lsb_result *r, guidance_error *out);

/*
 * How OutputTruncated is reported: whenever stdout or stderr was cut at
 * its cap, the result carries one warning (in its "warnings" list, after
 * the guest's own), rendered from the catalogue's OutputTruncated warning
 * row, e.g. "Stdout was cut off after 2000000 bytes (its cap, --stdout-max),
 * so the rest of that output is lost. ...". The error object stays null for
 * a successful run; it names OutputTruncated only for a failed run that
 * nothing else explains (no trap, no guest error). This writes that warning
 * to buf (NUL-terminated, cut to len) and returns true, or returns false and
 * writes nothing when no output was truncated. result.c calls it when
 * writing "warnings".
 */
bool guidance_warning(const lsb_result *r, char *buf, size_t len);

/* The error type synthesised for a trap ("OutOfFuel"...), NULL for NONE. */
const char *guidance_trap_type(lsb_trap trap);

/* Whether module (a top-level import name for Python, a require() name for
 * JavaScript) is one of the packages vendored read-only under /data. */
bool guidance_is_vendored(lsb_language lang, const char *module);

/* The vendored package whose name equals module in any ASCII case, as it
 * is spelled ("pypdf2" -> "PyPDF2"), or NULL. */
const char *guidance_vendored_spelling(lsb_language lang, const char *module);

/* How many names guidance_is_vendored knows for lang. */
size_t guidance_vendored_count(lsb_language lang);

/* One catalogue row as seen by tests and docs: its type (NULL: the guest's
 * own), language (-1: any) and unrendered templates and docs. */
typedef struct guidance_row_info {
    const char *type;
    int lang;
    const char *const *templates;
    const char *const *docs;
} guidance_row_info;

/* The i-th catalogue row; false past the end. */
bool guidance_catalogue_row(size_t i, guidance_row_info *out);

/*
 * Check the catalogue itself: every template names only known {placeholders}
 * and has at most GUIDANCE_MAX_LINES sentences; every row has docs. Returns
 * 0, or -1 with a message naming the row and the problem in err.
 */
int guidance_catalogue_check(char *err, size_t errlen);

#endif
