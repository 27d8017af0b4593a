/*
 * schema.c - the argument check of the MCP tools: the JSON Schema subset
 * their inputSchemas use, so the schema tools/list publishes is the very
 * one arguments are checked against.
 *
 * Invariants: every argument is checked (required first, then each given
 * one in order) and the first failure is the one reported; the check never
 * changes the schema or the arguments.
 */
#include "mcp/schema.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether v has the JSON Schema type named type. */
static bool has_type(const json_t *v, const char *type) {
    if (strcmp(type, "string") == 0) return json_is_string(v);
    if (strcmp(type, "integer") == 0) { /* a whole real counts; cast only what fits */
        double d = json_real_value(v);
        return json_is_integer(v) || (json_is_real(v) && d >= -9223372036854775808.0 &&
                                      d < 9223372036854775808.0 && d == (double)(long long)d);
    }
    if (strcmp(type, "number") == 0) return json_is_number(v);
    if (strcmp(type, "boolean") == 0) return json_is_boolean(v);
    if (strcmp(type, "object") == 0) return json_is_object(v);
    if (strcmp(type, "array") == 0) return json_is_array(v);
    if (strcmp(type, "null") == 0) return json_is_null(v);
    return false;
}

/* Whether v matches the schema's "type": a name, or a list of names (the
 * original's optional arguments are ["string", "null"]); true when the
 * schema has none. *first receives the first name (for the message). */
static bool type_ok(json_t *schema, const json_t *v, const char **first) {
    json_t *type = json_object_get(schema, "type"), *t;
    size_t i;
    *first = json_string_value(type);
    if (*first != NULL) return has_type(v, *first);
    if (!json_is_array(type)) return true;
    *first = json_string_value(json_array_get(type, 0));
    json_array_foreach(type, i, t) {
        if (json_is_string(t) && has_type(v, json_string_value(t))) return true;
    }
    return *first == NULL;
}

/* The enum failure of a value: "Unsupported NAME: VALUE. Supported: A, B"
 * (the original's words for a language) in buf. */
static const char *enum_error(const char *name, json_t *en, json_t *v, char *buf, size_t len) {
    size_t n = 0, i;
    json_t *item;
    if (json_is_string(v))
        n = (size_t)snprintf(buf, len, "Unsupported %s: %.100s. Supported: ", name,
                             json_string_value(v));
    else
        n = (size_t)snprintf(buf, len, "Unsupported %s value. Supported: ", name);
    json_array_foreach(en, i, item) {
        if (n >= len) break;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                              json_is_string(item) ? json_string_value(item) : "?");
    }
    return buf;
}

/* Check one property value against its schema; NULL or a reason in buf. */
static const char *check_value(const char *name, json_t *schema, json_t *v, char *buf, size_t len) {
    const char *type;
    if (!type_ok(schema, v, &type)) {
        snprintf(buf, len, "argument '%s' must be %s %s", name,
                 strchr("aeiou", type[0]) ? "an" : "a", type);
        return buf;
    }
    if (json_is_null(v)) return NULL; /* an optional argument given as null: its default */
    json_t *en = json_object_get(schema, "enum"), *item;
    size_t i;
    if (json_is_array(en)) {
        bool ok = false;
        json_array_foreach(en, i, item) ok = ok || json_equal(item, v);
        if (!ok) return enum_error(name, en, v, buf, len);
    }
    json_t *min = json_object_get(schema, "minimum"), *max = json_object_get(schema, "maximum");
    if (json_is_number(v) && ((min && json_number_value(v) < json_number_value(min)) ||
                              (max && json_number_value(v) > json_number_value(max)))) {
        snprintf(buf, len, "Invalid %s value: argument '%s' must be between %g and %g", name, name,
                 min ? json_number_value(min) : -1e308, max ? json_number_value(max) : 1e308);
        return buf;
    }
    json_t *minl = json_object_get(schema, "minLength"),
           *maxl = json_object_get(schema, "maxLength");
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        if ((minl && n < (size_t)json_integer_value(minl)) ||
            (maxl && n > (size_t)json_integer_value(maxl))) {
            snprintf(buf, len, "argument '%s' must be %lld to %lld characters long", name,
                     minl ? json_integer_value(minl) : 0LL,
                     maxl ? json_integer_value(maxl) : (long long)SIZE_MAX);
            return buf;
        }
    }
    return NULL;
}

/* See schema.h. */
const char *mcp_schema_check(const json_t *schema, const char *tool, json_t *args, char *buf,
                             size_t len) {
    json_t *props = json_object_get(schema, "properties");
    const char *bad = NULL, *key;
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(schema, "required"), i, v) {
        if (bad == NULL && json_object_get(args, json_string_value(v)) == NULL) {
            snprintf(buf, len, "missing required argument '%s' (see the tool's inputSchema)",
                     json_string_value(v));
            bad = buf;
        }
    }
    json_object_foreach(args, key, v) {
        if (bad != NULL) break;
        json_t *ps = json_object_get(props, key);
        if (ps == NULL) {
            snprintf(buf, len,
                     "unknown argument '%.60s'; %s takes only the arguments its "
                     "inputSchema lists",
                     key, tool);
            bad = buf;
        } else {
            bad = check_value(key, ps, v, buf, len);
        }
    }
    return bad;
}
