/* stats.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

int
nd_cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
nd_median_inplace (double *x, size_t n)
{
  if (n == 0)
    return NAN;
  qsort (x, n, sizeof *x, nd_cmp_double);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

double
nd_diff_noise (const double *x, const double *y, size_t n, double *scratch)
{
  size_t m = 0;
  for (size_t j = 0; j + 1 < n; j++)
    {
      double d = fabs (y ? (x[j + 1] - y[j + 1]) - (x[j] - y[j]) : x[j + 1] - x[j]);
      if (isfinite (d))
        scratch[m++] = d;
    }
  return nd_median_inplace (scratch, m) / (0.6745 * sqrt (2.0));
}
