/* cell-rc.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cell-rc.h"

#include <math.h>
#include <stdlib.h>

#include "spikes.h"
#include "stats.h"
#include "sweep-score.h"

typedef struct {
  const nd_cell_sweep *sw;
  int n;
  double ljp;
  unsigned char **use;   /* per sweep, per sample: 1 when fitted */
  double *u;             /* scratch: the low-passed current of one sweep */
} rc_data;

/* Sums over the used samples of one sweep for the least squares of
 * v = e + r u: counts, sums of u, v, uu, uv, vv. */
typedef struct {
  double n, su, sv, suu, suv, svv;
} sums;

static void
low_pass (const nd_cell_sweep *sw, double tau, double *u)
{
  double a = -expm1 (-sw->dt_ms / tau);   /* 1 - e^(-dt/tau) without cancellation */
  double x = isfinite (sw->i_pA[0]) ? sw->i_pA[0] : 0.0;
  for (size_t j = 0; j < sw->n; j++)
    {
      u[j] = x;
      double i = sw->i_pA[j];
      x += a * ((isfinite (i) ? i : x) - x);
    }
}

/* The residual sum of squares at tau, with R and each sweep's E fitted;
 * r_out and e_out (per sweep, may be NULL) get them, tss_out the total sum
 * of squares about the sweeps' means. */
static double
rss_at (const rc_data *d, double tau, double *r_out, double *e_out, double *tss_out)
{
  if (r_out)
    *r_out = NAN;
  if (tss_out)
    *tss_out = NAN;
  sums *s = calloc ((size_t) d->n, sizeof *s);
  if (!s)
    return NAN;
  double num = 0.0, den = 0.0;
  for (int k = 0; k < d->n; k++)
    {
      const nd_cell_sweep *sw = &d->sw[k];
      if (!d->use[k])
        continue;
      low_pass (sw, tau, d->u);
      sums *t = &s[k];
      for (size_t j = 0; j < sw->n; j++)
        if (d->use[k][j])
          {
            double u = d->u[j] * 1e-3, v = sw->v_mV[j] - d->ljp;   /* nA: MOhm nA = mV */
            t->n += 1.0, t->su += u, t->sv += v, t->suu += u * u, t->suv += u * v, t->svv += v * v;
          }
      if (t->n > 0.0)
        {
          num += t->suv - t->su * t->sv / t->n;
          den += t->suu - t->su * t->su / t->n;
        }
    }
  double r = den > 0.0 ? num / den : NAN, rss = 0.0, tss = 0.0;
  for (int k = 0; k < d->n; k++)
    {
      const sums *t = &s[k];
      if (t->n <= 0.0)
        {
          if (e_out)
            e_out[k] = NAN;
          continue;
        }
      double sst = t->svv - t->sv * t->sv / t->n;
      double suu = t->suu - t->su * t->su / t->n, suv = t->suv - t->su * t->sv / t->n;
      tss += sst;
      rss += sst - 2.0 * r * suv + r * r * suu;
      if (e_out)
        e_out[k] = (t->sv - r * t->su) / t->n;
    }
  free (s);
  if (r_out)
    *r_out = r;
  if (tss_out)
    *tss_out = tss;
  return isfinite (r) ? fmax (rss, 0.0) : NAN;
}

/* Marks the samples to fit: finite V and I, away from spikes. */
static bool
mark_samples (rc_data *d, double *range_pA)
{
  double lo = INFINITY, hi = -INFINITY;
  for (int k = 0; k < d->n; k++)
    {
      const nd_cell_sweep *sw = &d->sw[k];
      d->use[k] = NULL;
      if (sw->n < 2 || !sw->v_mV || !sw->i_pA || !(sw->dt_ms > 0.0))
        continue;
      unsigned char *use = malloc (sw->n);
      if (!use)
        return false;
      d->use[k] = use;
      for (size_t j = 0; j < sw->n; j++)
        use[j] = isfinite (sw->v_mV[j]) && isfinite (sw->i_pA[j]);
      size_t ns;
      nd_spike *spk = nd_spikes_find_all (sw->v_mV, sw->n, sw->dt_ms, &ns);
      if (ns && !spk)
        return false;
      for (size_t q = 0; q < ns; q++)
        {
          double t0 = spk[q].onset_ms - ND_SPIKE_CUT_BEFORE_MS, t1 = spk[q].t_ms + ND_CELL_RC_AFTER_MS;
          size_t a = t0 > 0.0 ? (size_t) (t0 / sw->dt_ms) : 0, b = (size_t) ceil (t1 / sw->dt_ms);
          for (size_t j = a; j < sw->n && j <= b; j++)
            use[j] = 0;
        }
      free (spk);
      for (size_t j = 0; j < sw->n; j++)
        if (use[j])
          {
            lo = fmin (lo, sw->i_pA[j]);
            hi = fmax (hi, sw->i_pA[j]);
          }
    }
  *range_pA = hi > lo ? hi - lo : 0.0;
  return true;
}

bool
nd_cell_rc_fit (const nd_cell_sweep *sweeps, int n, double ljp_mV, nd_cell_rc *out)
{
  *out = (nd_cell_rc) { .r_MOhm = NAN, .tau_ms = NAN, .e_mV = NAN, .r2 = NAN, .rmse_mV = NAN };
  if (!sweeps || n <= 0)
    return false;
  size_t nmax = 0;
  for (int k = 0; k < n; k++)
    nmax = sweeps[k].n > nmax ? sweeps[k].n : nmax;
  rc_data d = { sweeps, n, ljp_mV, calloc ((size_t) n, sizeof (unsigned char *)), malloc ((nmax + 1) * sizeof (double)) };
  double *e = malloc ((size_t) n * sizeof *e);
  bool ok = d.use && d.u && e && mark_samples (&d, &out->range_pA);
  /* A current that does not change (by 1 pA) says nothing of R. */
  if (ok && out->range_pA >= 1.0)
    {
      /* A log grid, then golden section around its best point. */
      const int grid = 36;
      double lg0 = log (ND_CELL_RC_TAU_MIN_MS), lg1 = log (ND_CELL_RC_TAU_MAX_MS), step = (lg1 - lg0) / (grid - 1);
      int best = -1;
      double best_rss = INFINITY;
      for (int g = 0; g < grid; g++)
        {
          double rss = rss_at (&d, exp (lg0 + g * step), NULL, NULL, NULL);
          if (rss < best_rss)
            best_rss = rss, best = g;
        }
      if (best >= 0)
        {
          double a = lg0 + (best > 0 ? best - 1 : 0) * step, b = lg0 + (best < grid - 1 ? best + 1 : grid - 1) * step;
          const double phi = 0.5 * (sqrt (5.0) - 1.0);
          double x1 = b - phi * (b - a), x2 = a + phi * (b - a);
          double f1 = rss_at (&d, exp (x1), NULL, NULL, NULL), f2 = rss_at (&d, exp (x2), NULL, NULL, NULL);
          for (int it = 0; it < 40 && b - a > 1e-4; it++)
            if (f1 < f2)
              b = x2, x2 = x1, f2 = f1, x1 = b - phi * (b - a), f1 = rss_at (&d, exp (x1), NULL, NULL, NULL);
            else
              a = x1, x1 = x2, f1 = f2, x2 = a + phi * (b - a), f2 = rss_at (&d, exp (x2), NULL, NULL, NULL);
          double tau = exp (0.5 * (a + b)), r = NAN, tss = NAN;
          double rss = rss_at (&d, tau, &r, e, &tss);
          double count = 0.0;
          int m = 0;
          for (int k = 0; k < n; k++)
            if (d.use[k])
              for (size_t j = 0; j < sweeps[k].n; j++)
                count += d.use[k][j];
          for (int k = 0; k < n; k++)
            if (isfinite (e[k]))
              e[m++] = e[k];
          if (m > 0 && count > 0.0 && tss > 0.0 && r > 0.0)
            {
              out->e_mV = nd_median_inplace (e, (size_t) m);   /* of the sweeps' resting levels */
              out->r_MOhm = r;
              out->tau_ms = tau;
              out->r2 = 1.0 - rss / tss;
              out->rmse_mV = sqrt (rss / count);
              out->n_sweeps = m;
            }
        }
    }
  for (int k = 0; d.use && k < n; k++)
    free (d.use[k]);
  free (d.use);
  free (d.u);
  free (e);
  return ok && out->r2 >= ND_CELL_RC_MIN_R2 && out->tau_ms < 0.99 * ND_CELL_RC_TAU_MAX_MS
         && out->tau_ms > 1.01 * ND_CELL_RC_TAU_MIN_MS;
}
