/* clamp.c: capacitive transients of voltage-clamp recordings (clamp.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "clamp.h"

#include "integrator.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline int
is_jump (const double *v, size_t j)
{
  return j > 0 && fabs (v[j] - v[j - 1]) > ND_CLAMP_JUMP_MV;
}

/* Noise s.d. of a current (nd_diff_noise); 0 when unknown. */
static double
noise_sd (const double *i, size_t n)
{
  if (n < 3)
    return 0.0;
  double *scratch = malloc (n * sizeof *scratch);
  if (!scratch)
    return 0.0;
  double s = nd_diff_noise (i, NULL, n, scratch);
  free (scratch);
  return isfinite (s) ? s : 0.0;
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
      qsort (all, c, sizeof *all, nd_cmp_double);
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
                   double sd, double range, double *s, size_t *examined)
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
  (*examined)++;
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
  size_t c = 0, examined = 0;
  for (int k = 0; s && len && k < n_sweeps; k++)
    {
      const double sd = noise_sd (i[k], n[k]);
      size_t prev = 0;
      for (size_t j = 1; j < n[k]; j++)
        if (is_jump (v_cmd[k], j))
          {
            double l = jump_transient_ms (v_cmd[k], i[k], n[k], j, prev, dt_ms, h, sd, range, s, &examined);
            if (isfinite (l))
              len[c++] = l;
            prev = j;
          }
    }
  /* A real clamp's transients follow every jump: when most jumps show
   * none, the few that seem to are noise or ionic currents (an ideal
   * clamp, or P/N-subtracted data, at 20 pA of noise: 1 jump in 30). */
  double skip = 0.0;
  if (c > 0 && 2 * c >= examined)
    skip = nd_median_inplace (len, c);
  free (s);
  free (len);
  return skip;
}

/* The charge of the transient after the jump at sample j (window k
 * samples, clamp.h) over the jump, or NAN when the sweep does not allow it. */
static double
jump_capacitance_pF (const double *v, const double *i, size_t n, size_t j, size_t k)
{
  const double dv = v[j] - v[j - 1];
  if (fabs (dv) <= 5.0 || j + 4 * k > n)
    return NAN;
  for (size_t t = j + 1; t < j + 4 * k; t++)
    if (is_jump (v, t))
      return NAN;
  const double settled = mean_of (i, j + 2 * k, j + 4 * k);
  /* Trapezoids from the jump's sample, where the transient starts. */
  double q = -0.5 * (i[j] - settled);
  for (size_t t = j; t < j + 2 * k; t++)
    q += i[t] - settled;
  return q / dv;   /* in samples: times dt, pA ms / mV = pF */
}

double
nd_clamp_capacitance_pF (const double *const *v_cmd, const double *const *i_pA, const size_t *n, int n_sweeps,
                         double dt_ms, double skip_ms)
{
  const size_t k = (size_t) fmax (2.0, ceil (skip_ms / dt_ms));
  size_t n_jumps = 0, c = 0;
  for (int s = 0; s < n_sweeps; s++)
    for (size_t j = 1; j < n[s]; j++)
      n_jumps += is_jump (v_cmd[s], j);
  double *cap = malloc ((n_jumps + 1) * sizeof *cap);
  if (!cap)
    return NAN;
  /* As a membrane test does: jumps below the holding potential (each
   * sweep's first command), where voltage-gated channels are mostly closed
   * and add little charge of their own (HH's K: 6 %); all jumps when no
   * sweep has one. */
  for (int below = 1; below >= 0 && c == 0; below--)
    for (int s = 0; s < n_sweeps; s++)
      for (size_t j = 1; j < n[s]; j++)
        {
          if (!is_jump (v_cmd[s], j) || (below && fmax (v_cmd[s][j], v_cmd[s][j - 1]) > v_cmd[s][0] + 1e-9))
            continue;
          double q = jump_capacitance_pF (v_cmd[s], i_pA[s], n[s], j, k) * dt_ms;
          if (q > 0.0)
            cap[c++] = q;
        }
  double med = nd_median_inplace (cap, c);
  free (cap);
  return med;
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

/* The model's one leak channel with conductance and reversal potential
 * trainable, or -1. */
static int
trainable_leak (const nd_model *m)
{
  int found = -1;
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_KNOWN && ch->n_gates == 0 && ch->block_gbar >= 0 && ch->block_e >= 0
          && m->blocks[ch->block_gbar].trainable && m->blocks[ch->block_e].trainable)
        {
          if (found >= 0)
            return -1;
          found = c;
        }
    }
  return found;
}

/* Weighted sums of the leak's least squares: v^2, v, 1, v r, r, r^2. */
typedef struct {
  double vv, v, one, vr, r, rr;
} leak_sums;

/* Residual sum of squares of the line a V + b (up to a constant). */
static double
leak_rss (const leak_sums *s, double a, double b)
{
  return a * a * s->vv + 2 * a * b * s->v + b * b * s->one - 2 * a * s->vr - 2 * b * s->r;
}

/* The best line through a fixed reversal potential E: I = g (V - E), g >= 0. */
static double
leak_on_ray (const leak_sums *s, double e, double *g)
{
  double num = s->vr - e * s->r, den = s->vv - 2 * e * s->v + e * e * s->one;
  *g = den > 0.0 && num > 0.0 ? num / den : 0.0;
  return leak_rss (s, *g, -*g * e);
}

int
nd_clamp_fit_leak (nd_model *m, const nd_fit_sweep *sw, int n)
{
  const int c = trainable_leak (m);
  if (c < 0 || n < 1)
    return -1;
  size_t max_n = 0;
  for (int k = 0; k < n; k++)
    {
      if (!sw[k].drive.v_clamp || !sw[k].i_obs)
        return -1;
      max_n = sw[k].drive.n > max_n ? sw[k].drive.n : max_n;
    }
  const nd_param_block *bg = &m->blocks[m->channels[c].block_gbar], *be = &m->blocks[m->channels[c].block_e];
  double *g = &m->params[bg->offset], *e = &m->params[be->offset];
  const double g0 = *g;
  double *rest = malloc (max_n * sizeof *rest);
  if (!rest)
    return -1;
  /* The other currents: the model without its leak (the leak has no
   * gates, so nothing else depends on it under a clamp). The sums weigh
   * every sample as the fit's loss does (integrator.h, fit.c): by its
   * weight over the sweep's total, its unit squared, and 1/n. */
  *g = 0.0;
  leak_sums su = { 0 };
  for (int k = 0; k < n; k++)
    {
      nd_drive d = sw[k].drive;
      d.v_force = NULL;
      nd_simulate (m, &d, rest, NULL);
      double wsum = 0.0;
      for (size_t j = 0; j < d.n; j++)
        wsum += sw[k].weight ? sw[k].weight[j] : 1.0;
      const double u = sw[k].i_unit > 0.0 ? sw[k].i_unit : 1.0;
      if (!(wsum > 0.0))
        continue;
      for (size_t j = 0; j < d.n; j++)
        {
          const double w = (sw[k].weight ? sw[k].weight[j] : 1.0) / (wsum * u * u * n), v = d.v_clamp[j];
          const double r = sw[k].i_obs[j] - rest[j];
          if (!(w > 0.0) || !isfinite (r))
            continue;
          su.vv += w * v * v, su.v += w * v, su.one += w, su.vr += w * v * r, su.r += w * r;
        }
    }
  free (rest);
  /* I_leak = a V + b with a = g >= 0 and b = -g E, E within its bounds: a
   * convex cone in (a, b). The free optimum if it lies inside, else the
   * best on the cone's edges (E at either bound). */
  const double det = su.vv * su.one - su.v * su.v;
  if (!(det > 1e-12 * su.vv * su.one))
    {
      *g = g0;   /* one potential only: the line is not determined */
      return -1;
    }
  double a = (su.vr * su.one - su.v * su.r) / det, b = (su.vv * su.r - su.v * su.vr) / det;
  if (a > 0.0 && -b / a >= be->lo && -b / a <= be->hi)
    {
      *g = a;
      *e = -b / a;
    }
  else
    {
      double g_lo, g_hi;
      double r_lo = leak_on_ray (&su, be->lo, &g_lo), r_hi = leak_on_ray (&su, be->hi, &g_hi);
      *g = r_lo <= r_hi ? g_lo : g_hi;
      *e = r_lo <= r_hi ? be->lo : be->hi;
    }
  *g = fmin (fmax (*g, bg->lo), bg->hi);
  nd_model_params_changed (m);
  return c;
}

int
nd_clamp_free_leak (nd_model *m)
{
  int changed = 0;
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot != ND_CHANNEL_KNOWN || ch->n_gates != 0 || ch->block_gbar < 0 || ch->block_e < 0)
        continue;
      nd_param_block *bg = &m->blocks[ch->block_gbar], *be = &m->blocks[ch->block_e];
      if (bg->trainable && be->trainable)
        continue;
      bg->trainable = be->trainable = true;
      changed++;
    }
  return changed;
}
