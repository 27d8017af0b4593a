/*
 * fuzz_policy.c - the parsers of the numbers people type (lsb_parse_u64,
 * lsb_parse_size, lsb_parse_seconds: the CLI flags, the MCP options and
 * the INI config go through them) and policy_validate over any policy.
 *
 * Proves: no text crashes them or reads past its end; a parsed value
 * prints back to text that parses to the same value (the parsers are
 * exact, never wrap on overflow); a seconds value is within the allowed
 * timeout range; and policy_validate either accepts a policy whose every
 * limit is within the bounds of defaults.h or names the bad field.
 */
#include <inttypes.h>

#include "fuzz.h"
#include "sandbox/policy.h"

/* A parsed u64 or size prints as plain decimal that parses the same. */
static void check_number(const char *text, int size, int zero_ok) {
    uint64_t v, again;
    char err[256] = "", back[32];
    int rc = size ? lsb_parse_size(text, zero_ok, &v, err, sizeof err)
                  : lsb_parse_u64(text, zero_ok, &v, err, sizeof err);
    if (rc != 0) {
        FZ_CHECK(err[0] != '\0');
        return;
    }
    FZ_CHECK(zero_ok || v > 0);
    snprintf(back, sizeof back, "%" PRIu64, v);
    rc = size ? lsb_parse_size(back, zero_ok, &again, err, sizeof err)
              : lsb_parse_u64(back, zero_ok, &again, err, sizeof err);
    FZ_CHECK(rc == 0 && again == v);
}

/* Seconds land in the timeout range and print back exactly (ms). */
static void check_seconds(const char *text) {
    uint32_t ms, again;
    char err[256] = "", back[32];
    if (lsb_parse_seconds(text, &ms, err, sizeof err) != 0) {
        FZ_CHECK(err[0] != '\0');
        return;
    }
    FZ_CHECK(ms >= LSB_MIN_TIMEOUT_MS && ms <= LSB_MAX_TIMEOUT_MS);
    snprintf(back, sizeof back, "%u.%03u", ms / 1000, ms % 1000);
    FZ_CHECK(lsb_parse_seconds(back, &again, err, sizeof err) == 0 && again == ms);
}

/* A policy from raw input: every limit, a workspace and env entries. */
static void check_policy(fz_in *in) {
    lsb_policy p;
    char err[512] = "";
    const char *env[4];
    char *owned[5];
    lsb_policy_init(&p);
    p.fuel = fz_u64(in), p.memory_bytes = fz_u64(in), p.timeout_ms = fz_u32(in);
    p.stdout_max = fz_u64(in), p.stderr_max = fz_u64(in);
    p.quota_bytes = fz_u64(in), p.quota_files = fz_u64(in);
    uint8_t flags = fz_u8(in);
    for (int i = 0; i < 5; i++)
        owned[i] = fz_text(in);
    p.workspace = flags & 1 ? owned[0] : NULL;
    for (size_t i = 0; i < 4; i++)
        env[i] = owned[i + 1];
    p.env = env;
    p.env_count = (flags >> 1) % 5;
    if (policy_validate(&p, err, sizeof err) == 0) {
        FZ_CHECK(p.fuel > 0 && p.fuel <= LSB_MAX_FUEL && p.timeout_ms >= LSB_MIN_TIMEOUT_MS);
        FZ_CHECK(p.memory_bytes >= LSB_MIN_MEMORY && p.timeout_ms <= LSB_MAX_TIMEOUT_MS);
        for (size_t i = 0; i < p.env_count; i++)
            FZ_CHECK(strchr(env[i], '=') != NULL);
    } else {
        FZ_CHECK(err[0] != '\0');
    }
    for (int i = 0; i < 5; i++)
        free(owned[i]);
}

/* Input: 1 selector byte, then the text (or the raw policy). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    uint8_t sel = fz_u8(&in);
    if (sel % 4 == 3) {
        check_policy(&in);
        return 0;
    }
    char *text = fz_strndup(in.p, in.len);
    if (sel % 4 == 0) check_number(text, 0, sel & 4);
    if (sel % 4 == 1) check_number(text, 1, sel & 4);
    if (sel % 4 == 2) check_seconds(text);
    free(text);
    return 0;
}
