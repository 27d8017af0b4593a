/*
 * outputs.h - the server's folder of one-shot runs' full outputs
 * (STORAGE/outputs/, prefix mcp_outputs_), kept bounded: files older than
 * the TTL go, and the oldest go first when the folder would pass its
 * byte cap or LSB_MCP_OUTPUTS_MAX_FILES. A session's outputs are not
 * here: they are written in its workspace and count against its quota.
 */
#ifndef LSB_MCP_OUTPUTS_H
#define LSB_MCP_OUTPUTS_H

#include <stddef.h>
#include <stdint.h>

/* Write len bytes of data to dir/name (a new file) after making room for
 * them: expired files are deleted, then the oldest until the folder with
 * the new file fits max_bytes. Returns 0, or -1 with the reason in err
 * (the data alone is over the cap, or the write failed). Calls are
 * serialised, so concurrent writers never overfill the folder. */
int mcp_outputs_write(const char *dir, const char *name, const char *data, size_t len,
                      uint64_t max_bytes, uint32_t ttl_s, char *err, size_t errlen);

/* Delete dir's expired files, then the oldest while it holds more than
 * max_bytes (for the periodic sweep). */
void mcp_outputs_prune(const char *dir, uint64_t max_bytes, uint32_t ttl_s);

#endif
