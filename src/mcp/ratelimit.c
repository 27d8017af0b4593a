/*
 * ratelimit.c - token buckets keyed by client (a token hash or an
 * address). Each bucket refills at per_min/60 tokens a second up to
 * burst. The same slot counts failed authentications: too many within a
 * window block the key for a while (the caller answers 429). The table has a fixed number of slots;
 * when it is full, the bucket refilled longest ago is reused (it is the least likely to be limiting
 * anyone), so memory stays bounded whatever the number of clients.
 */
#include "mcp/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/limits.h"

#define RATE_SLOTS   4096
#define RATE_KEY_MAX 80

typedef struct rate_bucket {
    char key[RATE_KEY_MAX];
    double tokens, updated_s;
    uint32_t fails; /* failed authentications since fail_since_s */
    double fail_since_s, blocked_until_s;
} rate_bucket;

struct mcp_rate {
    pthread_mutex_t lock;
    double per_s, burst;
    rate_bucket slots[RATE_SLOTS];
};

/* See ratelimit.h. */
mcp_rate *mcp_rate_new(uint32_t per_min, uint32_t burst) {
    mcp_rate *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->per_s = per_min / 60.0;
    r->burst = burst > 0 ? burst : 1;
    return r;
}

/* See ratelimit.h. */
void mcp_rate_free(mcp_rate *r) {
    if (r == NULL) return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* FNV-1a of key. */
static uint64_t key_hash(const char *key) {
    uint64_t h = 1469598037103934665ULL;
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return h;
}

/* The bucket of key: found by probing, else a free or the stalest slot
 * among the probed ones. */
static rate_bucket *find(mcp_rate *r, const char *key, double now_s) {
    enum { PROBES = 16 };
    size_t start = key_hash(key) % RATE_SLOTS;
    rate_bucket *empty = NULL, *stalest = NULL;
    for (size_t i = 0; i < PROBES; i++) {
        rate_bucket *b = &r->slots[(start + i) % RATE_SLOTS];
        if (strcmp(b->key, key) == 0) return b;
        if (b->key[0] == '\0' && empty == NULL) empty = b;
        if (stalest == NULL || b->updated_s < stalest->updated_s) stalest = b;
    }
    rate_bucket *victim = empty ? empty : stalest;
    strncpy(victim->key, key, RATE_KEY_MAX - 1);
    victim->key[RATE_KEY_MAX - 1] = '\0';
    victim->tokens = r->burst;
    victim->updated_s = now_s;
    victim->fails = 0;
    victim->fail_since_s = victim->blocked_until_s = 0;
    return victim;
}

/* See ratelimit.h. */
uint32_t mcp_rate_take(mcp_rate *r, const char *key, double now_s) {
    if (r == NULL || r->per_s <= 0) return 0;
    pthread_mutex_lock(&r->lock);
    rate_bucket *b = find(r, key, now_s);
    b->tokens += (now_s - b->updated_s) * r->per_s;
    if (b->tokens > r->burst) b->tokens = r->burst;
    b->updated_s = now_s;
    uint32_t wait = 0;
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
    } else {
        double s = (1.0 - b->tokens) / r->per_s;
        wait = s < 1.0 ? 1 : (uint32_t)(s + 0.999);
    }
    pthread_mutex_unlock(&r->lock);
    return wait;
}

/* See ratelimit.h. */
uint32_t mcp_rate_fail(mcp_rate *r, const char *key, double now_s) {
    if (r == NULL) return 0;
    pthread_mutex_lock(&r->lock);
    rate_bucket *b = find(r, key, now_s);
    b->updated_s = now_s; /* a recent offender is the last to lose its slot */
    if (b->fails == 0 || now_s - b->fail_since_s > LSB_MCP_AUTH_FAIL_WINDOW_S) {
        b->fails = 0;
        b->fail_since_s = now_s;
    }
    uint32_t blocked = 0;
    if (++b->fails >= LSB_MCP_AUTH_FAILS_MAX) {
        b->blocked_until_s = now_s + LSB_MCP_AUTH_BLOCK_S;
        b->fails = 0;
        blocked = LSB_MCP_AUTH_BLOCK_S;
    }
    pthread_mutex_unlock(&r->lock);
    return blocked;
}

/* See ratelimit.h. */
uint32_t mcp_rate_blocked(mcp_rate *r, const char *key, double now_s) {
    if (r == NULL) return 0;
    pthread_mutex_lock(&r->lock);
    rate_bucket *b = find(r, key, now_s);
    double left = b->blocked_until_s - now_s;
    pthread_mutex_unlock(&r->lock);
    return left <= 0 ? 0 : (uint32_t)(left + 0.999);
}
