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
