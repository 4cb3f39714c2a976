/* clamp.c: capacitive transients of voltage-clamp recordings (clamp.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "clamp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static inline int
is_jump (const double *v, size_t j)
{
  return j > 0 && fabs (v[j] - v[j - 1]) > ND_CLAMP_JUMP_MV;
}

/* Noise s.d. of a current from its first differences (median absolute). */
static double
noise_sd (const double *i, size_t n)
{
  if (n < 3)
    return 0.0;
  double *d = malloc ((n - 1) * sizeof *d);
  if (!d)
    return 0.0;
  for (size_t j = 0; j + 1 < n; j++)
    d[j] = fabs (i[j + 1] - i[j]);
  qsort (d, n - 1, sizeof *d, cmp_doubles);
  double s = 1.4826 * d[(n - 1) / 2] / sqrt (2.0);
  free (d);
  return s;
}

/* Range of the currents between their 1st and 99th percentiles (the
 * transients, a small share of the samples, left out). */
static double
current_range (const double *const *i, const size_t *n, int n_sweeps)
{
  size_t total = 0, c = 0;
  for (int k = 0; k < n_sweeps; k++)
    total += n[k];
  if (total < 2)
    return 0.0;
  double *all = malloc (total * sizeof *all);
  if (!all)
    return 0.0;
  for (int k = 0; k < n_sweeps; k++)
    for (size_t j = 0; j < n[k]; j++)
      if (isfinite (i[k][j]))
        all[c++] = i[k][j];
  double r = 0.0;
  if (c >= 2)
    {
      qsort (all, c, sizeof *all, cmp_doubles);
      r = all[(size_t) (0.99 * (c - 1))] - all[(size_t) (0.01 * (c - 1))];
    }
  free (all);
  return r;
}

/* Mean of s[a, b). */
static double
mean_of (const double *s, size_t a, size_t b)
{
  double t = 0.0;
  for (size_t j = a; j < b; j++)
    t += s[j];
  return t / (double) (b - a);
}

/* Length (ms) of the transient after the jump at sample j, or NAN when the
 * current does not start with a spike in the jump's direction. */
static double
jump_transient_ms (const double *v, const double *i, size_t n, size_t j, size_t prev, double dt, size_t h,
                   double sd, double range, double *s)
{
  const double sgn = v[j] > v[j - 1] ? 1.0 : -1.0;
  size_t nb = j - prev < h ? j - prev : h;
  if (nb < 1)
    return NAN;
  const double base = mean_of (i, j - nb, j);
  size_t end = j + 1;
  const size_t cap = (size_t) ceil (ND_CLAMP_MAX_SKIP_MS / dt) + 2 * h + 1;
  while (end < n && end - j < cap && !is_jump (v, end))
    end++;
  const size_t len = end - j;
  if (len < 4 * h + 2)
    return NAN;
  for (size_t t = 0; t < len; t++)
    s[t] = sgn * (i[j + t] - base);
  /* The spike: the largest current in the jump's direction within 0.5 ms. */
  size_t tp = 0, lim = (size_t) fmax (3.0, ceil (0.5 / dt));
  for (size_t t = 1; t < lim && t < len; t++)
    if (s[t] > s[tp])
      tp = t;
  const double peak = s[tp];
  if (!(peak > 6.0 * sd && peak > 0.02 * range))
    return NAN;
  /* Slope of the box means either side of t: (mean s[t+1..t+h] - mean s[t-h+1..t]) / (h dt). */
  const double noise_slope = sd * sqrt (2.0 / (double) h) / ((double) h * dt);
  double steep = 0.0;
  size_t t0 = tp + h - 1 < len ? tp + h - 1 : len - 1, t_steep = t0;
  for (size_t t = t0; t + h < len && t <= t0 + 2 * h + (size_t) ceil (0.5 / dt); t++)
    {
      double sl = (mean_of (s, t + 1, t + h + 1) - mean_of (s, t + 1 - h, t + 1)) / ((double) h * dt);
      if (-sl > steep)
        steep = -sl, t_steep = t;
    }
  if (!(steep > 3.0 * noise_slope))
    return NAN;   /* no fall: an ionic current that jumps with the command */
  const double slow = fmax (ND_CLAMP_END_SLOPE * steep, 3.0 * noise_slope);
  for (size_t t = t_steep; t + h < len; t++)
    {
      double sl = (mean_of (s, t + 1, t + h + 1) - mean_of (s, t + 1 - h, t + 1)) / ((double) h * dt);
      if (sl > -slow)
        return fmin ((double) (t + 1) * dt, ND_CLAMP_MAX_SKIP_MS);
    }
  return fmin ((double) len * dt, ND_CLAMP_MAX_SKIP_MS);
}

double
nd_clamp_transient_ms (const double *const *v_cmd, const double *const *i, const size_t *n, int n_sweeps,
                       double dt_ms)
{
  if (n_sweeps < 1 || !(dt_ms > 0.0))
    return 0.0;
  const size_t h = (size_t) fmax (1.0, round (ND_CLAMP_SMOOTH_MS / dt_ms));
  const double range = current_range (i, n, n_sweeps);
  size_t max_n = 0, n_jumps = 0;
  for (int k = 0; k < n_sweeps; k++)
    {
      max_n = n[k] > max_n ? n[k] : max_n;
      for (size_t j = 1; j < n[k]; j++)
        n_jumps += is_jump (v_cmd[k], j);
    }
  if (n_jumps == 0)
    return 0.0;
  double *s = malloc (max_n * sizeof *s), *len = malloc (n_jumps * sizeof *len);
  size_t c = 0;
  for (int k = 0; s && len && k < n_sweeps; k++)
    {
      const double sd = noise_sd (i[k], n[k]);
      size_t prev = 0;
      for (size_t j = 1; j < n[k]; j++)
        if (is_jump (v_cmd[k], j))
          {
            double l = jump_transient_ms (v_cmd[k], i[k], n[k], j, prev, dt_ms, h, sd, range, s);
            if (isfinite (l))
              len[c++] = l;
            prev = j;
          }
    }
  double skip = 0.0;
  if (c > 0)
    {
      qsort (len, c, sizeof *len, cmp_doubles);
      skip = c % 2 ? len[c / 2] : 0.5 * (len[c / 2 - 1] + len[c / 2]);
    }
  free (s);
  free (len);
  return skip;
}

size_t
nd_clamp_window (const double *v_cmd, size_t n, double dt_ms, double skip_ms, double *weight)
{
  size_t jumps = 0;
  const size_t k = skip_ms > 0.0 ? (size_t) ceil (skip_ms / dt_ms - 1e-9) : 0;
  for (size_t j = 1; j < n; j++)
    if (is_jump (v_cmd, j))
      {
        jumps++;
        for (size_t t = j; t < n && t <= j + k; t++)
          weight[t] = 0.0;
      }
  return jumps;
}
