/*
 * dtoa_exact.h - interface of dtoa_exact.c: correctly rounded fixed-point
 * and fixed-precision decimal conversion of a double, with ECMAScript's
 * tie rule (an exact half rounds away from zero).
 *
 * Included by the patched quickjs.c (patches/0001-wasi.patch), which calls
 * these instead of its printf + fesetround emulation on wasm.
 */
#ifndef DTOA_EXACT_H
#define DTOA_EXACT_H

#include <stddef.h>

/* Largest digit count QuickJS asks for (toFixed 100, toPrecision 100 + 1). */
#define XDTOA_MAX_REQUEST_DIGITS 101

int xdtoa_fixed(char *buf, size_t buf_size, double d, int frac_digits);
void xdtoa_digits(double d, int n_digits, char *digits, int *decpt, int *sign);

#endif
