/* hines.c: Hines' elimination on a tree.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "hines.h"

void
nd_hines_solve (int n, const int *parent, const double *g, double *d, double *rhs, double *x)
{
  /* Leaves to root: fold each row into its parent's. */
  for (int i = n - 1; i >= 1; i--)
    {
      int p = parent[i];
      double f = g[i] / d[i];
      d[p] -= f * g[i];
      rhs[p] += f * rhs[i];
    }
  /* Root to leaves. */
  x[0] = rhs[0] / d[0];
  for (int i = 1; i < n; i++)
    x[i] = (rhs[i] + g[i] * x[parent[i]]) / d[i];
}
