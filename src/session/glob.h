/*
 * glob.h - the file patterns of lsb_session_file_glob (prefix sess_glob_),
 * with the meaning of the original's Path.rglob(pattern): the pattern may
 * match at any depth, "*" and "?" stay within one name, a part "**"
 * matches zero or more folders. Matching is on UTF-8 text ("?" is one
 * character, not one byte) and never touches the file system.
 *
 * Matching is linear in practice: "**" parts are matched like "*" in the
 * classic greedy wildcard algorithm (over path parts instead of
 * characters), so no pattern can make it backtrack exponentially.
 */
#ifndef LSB_SESSION_GLOB_H
#define LSB_SESSION_GLOB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define SESS_GLOB_MAX_PARTS 128 /* parts of a pattern, and of a matched path */

/* A compiled pattern: its parts, NUL-terminated, in buf. */
typedef struct sess_glob {
    char buf[PATH_MAX];
    const char *parts[SESS_GLOB_MAX_PARTS + 1];
    size_t count;
} sess_glob;

/* Compile pattern (NULL or "" means "*"; a leading "/app/" is dropped;
 * empty and "." parts are ignored; a final "**" means everything below).
 * 0, or -1 with the reason in err: absolute, a ".." part, too long. */
int sess_glob_compile(const char *pattern, sess_glob *g, char *err, size_t errlen);

/* True when the relative path rel ("a/b.txt") matches g at any depth. */
bool sess_glob_match(const sess_glob *g, const char *rel);

#endif
