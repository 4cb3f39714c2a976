/* stats.h: the order statistics the engine's measurements share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>

/* qsort's comparison of two doubles, ascending. */
int nd_cmp_double (const void *a, const void *b);

/* The median of x[0..n) (sorts x in place); NAN when n is 0. */
double nd_median_inplace (double *x, size_t n);

/* The s.d. of white noise on x[0..n) (of x - y when y is given), from its
 * sample-to-sample differences: their median absolute value over
 * 0.6745 sqrt 2, which a slow change or a few steps do not raise. Pairs
 * with a non-finite value are left out; scratch holds n doubles. NAN when
 * no pair is finite. */
double nd_diff_noise (const double *x, const double *y, size_t n, double *scratch);
