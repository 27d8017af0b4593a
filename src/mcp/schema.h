/*
 * schema.h - the subset of JSON Schema the tool schemas use (prefix
 * mcp_schema_): type, enum, minimum/maximum, minLength/maxLength,
 * required, and no properties beyond those listed.
 */
#ifndef LSB_MCP_SCHEMA_H
#define LSB_MCP_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

/* Check args (an object) against schema, an object schema whose
 * properties are listed. NULL when they conform, else a sentence saying
 * which argument is wrong and what it must be, written into buf (tool
 * names the tool in that sentence). */
const char *mcp_schema_check(const json_t *schema, const char *tool, json_t *args, char *buf,
                             size_t len);

#endif
