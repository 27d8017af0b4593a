/*
 * external.h - --external-files (prefix mcp_external_): copy the operator's
 * files flat into a private folder mounted read-only at /external.
 */
#ifndef LSB_MCP_EXTERNAL_H
#define LSB_MCP_EXTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Make a fresh folder under parent and copy each of files into it under
 * its base name. Refuses (before copying anything) a symlink, a file that
 * is not regular, one larger than max_bytes, and two files with the same
 * base name. Returns 0 with the folder in dir, or -1 with the reason in
 * err (nothing is left behind). Delete the folder with mcp_external_remove. */
int mcp_external_prepare(const char *parent, char *const *files, size_t count, uint64_t max_bytes,
                         char *dir, size_t dirlen, char *err, size_t errlen);

/* Delete the folder dir made by mcp_external_prepare and everything in it
 * (symlinks are removed, never followed). Returns 0, or -1 with errno
 * when something could not be removed. */
int mcp_external_remove(const char *dir);

#endif
