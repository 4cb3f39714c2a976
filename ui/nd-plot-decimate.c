/* nd-plot-decimate.c: min/max-per-pixel-column envelope of a trace.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-plot-decimate.h"

#include <math.h>

size_t
nd_plot_decimate_capacity (size_t n, unsigned n_cols)
{
  /* Never more than the input; a gap can split a column, so bound by n rather than by 2 * n_cols. */
  return n;
}

int
nd_plot_decimate_applies (const double *x, size_t n, unsigned n_cols)
{
  if (n_cols == 0 || n <= 4 * (size_t) n_cols)
    return 0;
  double prev = -INFINITY;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (x[i]))
        continue;
      if (x[i] < prev)
        return 0;
      prev = x[i];
    }
  return 1;
}

typedef struct
{
  size_t lo, hi;      /* indices of the min and max y in the current column */
  int    has;
} Column;

static size_t
flush (const Column *c, const double *x, const double *y, double *out_x, double *out_y, size_t m)
{
  if (!c->has)
    return m;
  size_t first = c->lo < c->hi ? c->lo : c->hi;
  size_t second = c->lo < c->hi ? c->hi : c->lo;
  out_x[m] = x[first]; out_y[m] = y[first]; m++;
  if (second != first)
    {
      out_x[m] = x[second]; out_y[m] = y[second]; m++;
    }
  return m;
}

size_t
nd_plot_decimate (const double *x, const double *y, size_t n, double x_lo, double x_hi, unsigned n_cols,
                  double *out_x, double *out_y)
{
  size_t m = 0;
  double width = (x_hi - x_lo) / n_cols;
  Column col = { 0 };
  long cur = -1;
  int gap_written = 0;

  if (n_cols == 0 || !(width > 0))
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        {
          m = flush (&col, x, y, out_x, out_y, m);
          col.has = 0;
          if (!gap_written && m > 0)
            {
              out_x[m] = NAN; out_y[m] = NAN; m++;
              gap_written = 1;
            }
          continue;
        }
      if (x[i] < x_lo)
        {
          /* Only the last point before the window matters: remember it as a one-point column. */
          if (i + 1 < n && isfinite (x[i + 1]) && isfinite (y[i + 1]) && x[i + 1] >= x_lo)
            {
              out_x[m] = x[i]; out_y[m] = y[i]; m++;
              gap_written = 0;
            }
          continue;
        }
      if (x[i] > x_hi)
        {
          m = flush (&col, x, y, out_x, out_y, m);
          out_x[m] = x[i]; out_y[m] = y[i]; m++;
          return m;
        }
      long k = (long) ((x[i] - x_lo) / width);
      if (k >= (long) n_cols)
        k = n_cols - 1;  /* x == x_hi belongs to the last column */
      if (k != cur)
        {
          m = flush (&col, x, y, out_x, out_y, m);
          col.has = 0;
          cur = k;
        }
      if (!col.has)
        {
          col.lo = col.hi = i;
          col.has = 1;
          gap_written = 0;
          continue;
        }
      if (y[i] < y[col.lo])
        col.lo = i;
      if (y[i] > y[col.hi])
        col.hi = i;
    }
  return flush (&col, x, y, out_x, out_y, m);
}
