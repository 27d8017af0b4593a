/*
 * dtoa_exact.c - exact decimal expansion of a double, rounded the way
 * Number.prototype.toFixed / toPrecision / toExponential require.
 *
 * QuickJS emulates ECMAScript's "round half away from zero" by re-running
 * printf under FE_UPWARD / FE_DOWNWARD, but wasm only has round-to-nearest
 * (wasi-libc's fesetround rejects every other mode), so exact ties came out
 * rounded to even: (2.5).toFixed(0) was "2". Here a finite double, which is
 * exactly m * 2^e, is expanded to all of its decimal digits with a small
 * base-10^9 bignum; the digit string is then rounded, so every decision is
 * taken on the true binary value ((1.005).toFixed(2) is "1.00").
 * Pure C, no libc rounding modes, no allocation.
 */
#include "dtoa_exact.h"

#include <stdint.h>
#include <string.h>

/* IEEE 754 binary64 layout. */
#define F64_MANT_BITS     52
#define F64_EXP_MASK      0x7ff
#define F64_EXP_BIAS      1075 /* bias 1023 plus the 52 fraction bits */
#define F64_SUBNORMAL_EXP (-1074)

/* Bignum limbs hold 9 decimal digits each, least significant first. */
#define LIMB_BASE   1000000000u
#define LIMB_DIGITS 9
/* Multipliers applied one limb pass at a time; limb * mul + carry < 2^64. */
#define POW2_STEP_BITS 31
#define POW5_STEP_EXP  13
#define POW5_STEP      1220703125u /* 5^13 */

/* The longest exact expansion: a 53-bit mantissa times 5^1074 (the smallest
 * subnormals) has 767 significant digits; 2^1024 has 309. */
#define MAX_EXACT_DIGITS 770
#define MAX_LIMBS        ((MAX_EXACT_DIGITS + LIMB_DIGITS - 1) / LIMB_DIGITS)
/* Room for the exact digits plus the zeros appended for a request. */
#define DIGIT_BUF_SIZE (MAX_EXACT_DIGITS + XDTOA_MAX_REQUEST_DIGITS + 2)

typedef struct {
    uint32_t limb[MAX_LIMBS];
    int n;
} bigdec;

/* Multiplies b by mul in place. b never outgrows MAX_LIMBS for a double. */
static void big_mul_small(bigdec *b, uint32_t mul) {
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->limb[i] * mul + carry;
        b->limb[i] = (uint32_t)(t % LIMB_BASE);
        carry = t / LIMB_BASE;
    }
    while (carry != 0 && b->n < MAX_LIMBS) {
        b->limb[b->n++] = (uint32_t)(carry % LIMB_BASE);
        carry /= LIMB_BASE;
    }
}

/*
 * Writes the exact decimal digits of |d| (finite, non-zero) to out, most
 * significant first, without leading zeros, and returns their count L.
 * *frac_out receives F such that |d| = digits * 10^-F.
 */
static int exact_digits(double d, char *out, int *frac_out) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    int biased = (int)((bits >> F64_MANT_BITS) & F64_EXP_MASK);
    uint64_t mant = bits & ((UINT64_C(1) << F64_MANT_BITS) - 1);
    int e;
    if (biased == 0) {
        e = F64_SUBNORMAL_EXP;
    } else {
        mant |= UINT64_C(1) << F64_MANT_BITS;
        e = biased - F64_EXP_BIAS;
    }
    while ((mant & 1) == 0) { /* fewer bignum passes; mant != 0 */
        mant >>= 1;
        e++;
    }

    bigdec b = {.n = 0};
    for (uint64_t m = mant; m != 0; m /= LIMB_BASE)
        b.limb[b.n++] = (uint32_t)(m % LIMB_BASE);

    if (e >= 0) { /* an integer: m * 2^e */
        for (int left = e; left > 0; left -= POW2_STEP_BITS) {
            int step = left < POW2_STEP_BITS ? left : POW2_STEP_BITS;
            big_mul_small(&b, UINT32_C(1) << step);
        }
        *frac_out = 0;
    } else { /* m / 2^k = m * 5^k / 10^k */
        int k = -e;
        for (int left = k; left > 0; left -= POW5_STEP_EXP) {
            uint32_t mul = POW5_STEP;
            if (left < POW5_STEP_EXP) {
                mul = 1;
                for (int i = 0; i < left; i++)
                    mul *= 5;
            }
            big_mul_small(&b, mul);
        }
        *frac_out = k;
    }

    /* Most significant limb without padding, the others as 9 digits. */
    int len = 0;
    char top[LIMB_DIGITS + 1];
    int tn = 0;
    for (uint32_t v = b.limb[b.n - 1]; v != 0; v /= 10)
        top[tn++] = (char)('0' + v % 10);
    while (tn > 0)
        out[len++] = top[--tn];
    for (int i = b.n - 2; i >= 0; i--) {
        uint32_t v = b.limb[i];
        for (int j = LIMB_DIGITS - 1; j >= 0; j--) {
            out[len + j] = (char)('0' + v % 10);
            v /= 10;
        }
        len += LIMB_DIGITS;
    }
    return len;
}

/* Adds one unit in the last place of the n digits of s. Returns 1 when the
 * carry runs off the front (s was all nines and is now all zeros). */
static int increment_digits(char *s, int n) {
    for (int i = n - 1; i >= 0; i--) {
        if (s[i] != '9') {
            s[i]++;
            return 0;
        }
        s[i] = '0';
    }
    return 1;
}

/*
 * Formats d with exactly frac_digits digits after the point, as
 * "[-]int[.frac]" (the sign kept even when the result rounds to zero, as
 * printf and ECMAScript's toFixed do), ties rounded away from zero.
 * frac_digits must be in 0..XDTOA_MAX_REQUEST_DIGITS and d finite.
 * Returns the length written, or -1 (buf set to "") if buf_size is too
 * small or the arguments are out of range.
 */
int xdtoa_fixed(char *buf, size_t buf_size, double d, int frac_digits) {
    char digits[DIGIT_BUF_SIZE + 1];
    int n = 0; /* digits of R = round(|d| * 10^frac_digits) */

    if (buf_size == 0) return -1;
    buf[0] = '\0';
    if (frac_digits < 0 || frac_digits > XDTOA_MAX_REQUEST_DIGITS ||
        d - d != 0) /* NaN or infinity */
        return -1;

    if (d != 0) {
        int frac;
        int len = exact_digits(d, digits, &frac);
        if (frac_digits >= frac) { /* exact: append zeros */
            memset(digits + len, '0', (size_t)(frac_digits - frac));
            n = len + frac_digits - frac;
        } else {
            int keep = len - (frac - frac_digits);
            int round_up;
            if (keep < 0) {
                round_up = 0; /* below 10^-(frac_digits+1) */
            } else {
                round_up = digits[keep] >= '5';
            }
            n = keep > 0 ? keep : 0;
            if (round_up && increment_digits(digits, n)) {
                memmove(digits + 1, digits, (size_t)n);
                digits[0] = '1';
                n++;
            }
        }
    }
    if (n == 0) digits[n++] = '0';

    /* Lay out as [-]int.frac, padding with leading zeros. */
    int int_len = n > frac_digits ? n - frac_digits : 1;
    int lead_zeros = n > frac_digits ? 0 : frac_digits - n + 1;
    size_t need =
        (size_t)(d < 0) + (size_t)int_len + (frac_digits > 0 ? 1 + (size_t)frac_digits : 0) + 1;
    if (need > buf_size) return -1;
    char *q = buf;
    if (d < 0) *q++ = '-';
    /* Virtual string: lead_zeros '0's followed by the n digits. */
    int total = lead_zeros + n;
    for (int i = 0; i < total; i++) {
        if (i == total - frac_digits) *q++ = '.';
        *q++ = i < lead_zeros ? '0' : digits[i - lead_zeros];
    }
    *q = '\0';
    return (int)(q - buf);
}

/*
 * Rounds |d| to n_digits significant digits, ties away from zero, the way
 * QuickJS's js_ecvt reports them: digits gets n_digits characters plus a
 * NUL, and |d| ~= 0.digits * 10^*decpt; *sign is 1 for negative d. Zero
 * gives all '0' digits and *decpt 1. n_digits must be in
 * 1..XDTOA_MAX_REQUEST_DIGITS and d finite; otherwise digits is "".
 */
void xdtoa_digits(double d, int n_digits, char *digits, int *decpt, int *sign) {
    char exact[DIGIT_BUF_SIZE + 1];

    *sign = d < 0;
    *decpt = 1;
    digits[0] = '\0';
    if (n_digits < 1 || n_digits > XDTOA_MAX_REQUEST_DIGITS || d - d != 0) return;
    if (d == 0) {
        memset(digits, '0', (size_t)n_digits);
        digits[n_digits] = '\0';
        return;
    }

    int frac;
    int len = exact_digits(d, exact, &frac);
    *decpt = len - frac;
    if (n_digits >= len) {
        memcpy(digits, exact, (size_t)len);
        memset(digits + len, '0', (size_t)(n_digits - len));
    } else {
        memcpy(digits, exact, (size_t)n_digits);
        if (exact[n_digits] >= '5' && increment_digits(digits, n_digits)) {
            digits[0] = '1'; /* 99.9 -> 100: one more integer digit */
            (*decpt)++;
        }
    }
    digits[n_digits] = '\0';
}
