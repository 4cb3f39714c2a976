/* cell-props.c: the measurements of cell-props.h.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cell-props.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell-rc.h"
#include "cell-repeat.h"
#include "impedance.h"
#include "spikes.h"
#include "stats.h"

/* The steady state is the mean over this last fraction of the step. */
#define STEADY_FRACTION 0.15
/* Samples around a spike left out of a baseline: before its onset, after its peak. */
#define SPIKE_BEFORE_MS 0.5
#define SPIKE_AFTER_MS 3.0
/* Running mean for peaks and for where the charging curve starts. */
#define SMOOTH_MS 1.0
/* A step is at least this long (a glitch of a recorded current is none). */
#define MIN_STEP_MS 5.0
/* A level found by flat_run() is held this long at least (a sine sweep's slow first lobe stays within
 * 0.05 pA of its peak for 15 ms). */
#define FLAT_MIN_MS 50.0
/* The charging-curve fit starts where the deflection passes this fraction of its peak. */
#define FIT_START_FRACTION 0.1

void
nd_cell_options_default (nd_cell_options *o)
{
  *o = (nd_cell_options) { .cm_uF_per_cm2 = 1.0, .c_known_pF = NAN, .ljp_mV = 0.0 };
}

bool
nd_cell_props_baseline_drifts (const nd_cell_props *p)
{
  return p && p->v_base_hi_mV - p->v_base_lo_mV > ND_CELL_BASELINE_DRIFT_MV;
}

bool
nd_cell_props_rest_unusual (const nd_cell_props *p)
{
  return p && isfinite (p->v_rest_mV) && (p->v_rest_mV < ND_CELL_REST_MIN_MV || p->v_rest_mV > ND_CELL_REST_MAX_MV);
}

const char *
nd_cell_status_text (nd_cell_status s)
{
  switch (s)
    {
    case ND_CELL_OK: return "ok";
    case ND_CELL_NO_SWEEPS: return "there are no sweeps to measure";
    case ND_CELL_NO_STEP: return "the injected current never changes: a current step is needed";
    case ND_CELL_NO_BASELINE: return "nothing is recorded before the current step, so there is no resting level";
    case ND_CELL_NO_HYPERPOLARISING:
      return "needs a hyperpolarising current step to measure the input resistance";
    case ND_CELL_NO_MEMORY: return "out of memory";
    default: return "unknown";
    }
}

/* Median of the finite values among v[0..n) with keep[j] (keep may be NULL);
 * scratch holds n doubles. NAN when there are none. */
static double
median_of (const double *v, size_t n, const bool *keep, double *scratch)
{
  size_t m = 0;
  for (size_t j = 0; j < n; j++)
    if ((!keep || keep[j]) && isfinite (v[j]))
      scratch[m++] = v[j];
  return nd_median_inplace (scratch, m);
}

static double
mean_of (const double *v, size_t n)
{
  double s = 0.0;
  size_t m = 0;
  for (size_t j = 0; j < n; j++)
    if (isfinite (v[j]))
      s += v[j], m++;
  return m ? s / (double) m : NAN;
}

/* Running mean of v over w samples (centred), NaN samples left out; out[j] NAN when a window has none. */
static void
running_mean (const double *v, size_t n, size_t w, double *out)
{
  size_t half = w / 2;
  double s = 0.0;
  size_t m = 0, lo = 0, hi = 0;   /* window [lo, hi) */
  for (size_t j = 0; j < n; j++)
    {
      size_t want_lo = j > half ? j - half : 0, want_hi = j + half + 1 < n ? j + half + 1 : n;
      while (hi < want_hi)
        {
          if (isfinite (v[hi]))
            s += v[hi], m++;
          hi++;
        }
      while (lo < want_lo)
        {
          if (isfinite (v[lo]))
            s -= v[lo], m--;
          lo++;
        }
      out[j] = m ? s / (double) m : NAN;
    }
}

/* ---- the main step epoch ---- */

/* Longest run of flag[] set, allowing gaps shorter than max_gap; FALSE when none. */
static bool
longest_run (const bool *flag, size_t n, size_t max_gap, size_t *a, size_t *b)
{
  size_t best_len = 0, start = 0, last = 0;
  bool in = false;
  for (size_t j = 0; j <= n; j++)
    {
      bool on = j < n && flag[j];
      if (on)
        {
          if (!in || j - last > max_gap)
            {
              if (in && last + 1 - start > best_len)
                best_len = last + 1 - start, *a = start, *b = last + 1;
              start = j;
            }
          in = true;
          last = j;
        }
    }
  if (in && last + 1 - start > best_len)
    best_len = last + 1 - start, *a = start, *b = last + 1;
  return best_len > 0;
}

/* Per sample, over the sweeps with a current: its spread (largest minus
 * smallest) and its mean. */
static void
current_profile (const nd_cell_sweep *sw, int n, size_t len, double *spread, double *mean)
{
  for (size_t j = 0; j < len; j++)
    {
      double lo = INFINITY, hi = -INFINITY, sum = 0.0;
      int m = 0;
      for (int s = 0; s < n; s++)
        if (sw[s].n > 0 && sw[s].i_pA && isfinite (sw[s].i_pA[j]))
          {
            double i = sw[s].i_pA[j];
            lo = i < lo ? i : lo;
            hi = i > hi ? i : hi;
            sum += i, m++;
          }
      spread[j] = m ? hi - lo : NAN;
      mean[j] = m ? sum / m : NAN;
    }
}

/* The noise of v[0..n) (nd_diff_noise), 0 when it has no finite pair. */
static double
diff_noise (const double *v, size_t n, double *scratch)
{
  double noise = nd_diff_noise (v, NULL, n, scratch);
  return isfinite (noise) ? noise : 0.0;
}

/* A step stands out of a recorded current's noise (that of the mean sweep) by six times, and by 1 pA at least. */
static double
step_floor (const double *mean, size_t len, double *scratch)
{
  return 1.0 + 6.0 * diff_noise (mean, len, scratch);
}

/* The longest run of samples where x is at least half of top, when top reaches floor_pA. */
static bool
half_max_run (const double *x, size_t len, double top, double floor_pA, size_t gap, bool *flag, size_t *a,
              size_t *b)
{
  if (!(top >= floor_pA))
    return false;
  for (size_t j = 0; j < len; j++)
    flag[j] = x[j] >= 0.5 * top;
  return longest_run (flag, len, gap, a, b);
}

/* The step as the sweeps' spread (smoothed over w samples) of at least half its largest value. */
static bool
step_across_sweeps (const double *spread, size_t len, size_t w, double floor_pA, double *smooth, bool *flag,
                    size_t *a, size_t *b)
{
  running_mean (spread, len, w, smooth);
  double top = 0.0;
  for (size_t j = 0; j < len; j++)
    top = isfinite (smooth[j]) && smooth[j] > top ? smooth[j] : top;
  return half_max_run (smooth, len, top, floor_pA, w, flag, a, b);
}

/* The step as the mean sweep's current (smoothed) away from the level of its first samples by at least
 * half its largest deviation. */
static bool
step_in_mean (const double *mean, size_t len, size_t w, double floor_pA, double *scratch, double *smooth,
              bool *flag, size_t *a, size_t *b)
{
  running_mean (mean, len, w, smooth);
  size_t head = len / 100 > w ? len / 100 : w;
  double start = median_of (mean, head < len ? head : len, NULL, scratch);
  double dev = 0.0;
  for (size_t j = 0; j < len; j++)
    dev = isfinite (smooth[j]) && fabs (smooth[j] - start) > dev ? fabs (smooth[j] - start) : dev;
  for (size_t j = 0; j < len; j++)
    smooth[j] = fabs (smooth[j] - start);
  return half_max_run (smooth, len, dev, floor_pA, w, flag, a, b);
}

/* The longest run, at least FLAT_MIN_MS long, where the mean sweep's current (smoothed) holds one level
 * within tol_pA, a level at least floor_pA away from its first samples'. A single sweep that opens with a
 * hyperpolarising test step and then stimulates with brief pulses (pyABF's 18425108: -50 pA for 250 ms, then
 * a train of 2 ms pulses of 2.5 nA) has its step here, where the largest deviation is the pulses'. */
static bool
flat_run (const double *mean, size_t len, size_t w, double floor_pA, double tol_pA, double dt, double *scratch,
          double *smooth, size_t *a, size_t *b)
{
  running_mean (mean, len, w, smooth);
  size_t head = len / 100 > w ? len / 100 : w;
  double start = median_of (mean, head < len ? head : len, NULL, scratch);
  size_t best = 0, min_len = (size_t) ceil (FLAT_MIN_MS / dt);
  for (size_t j = 0; j < len;)
    {
      double level = smooth[j];
      size_t k = j + 1;
      while (k < len && isfinite (smooth[k]) && fabs (smooth[k] - level) <= tol_pA)
        k++;
      if (isfinite (level) && fabs (level - start) >= floor_pA && k - j >= min_len && k - j > best)
        best = k - j, *a = j, *b = k;
      j = k;
    }
  return best > 0;
}

/* The step epoch [a, b) in samples: where the sweeps' currents differ most
 * from each other, else (one sweep, or all alike) where the mean current is
 * furthest from its starting level. FALSE when the current never changes by
 * 1 pA. */
static bool
find_step (const nd_cell_sweep *sw, int n, size_t *a, size_t *b)
{
  size_t len = 0;
  double dt = 0.0;
  for (int s = 0; s < n; s++)
    if (sw[s].n > 0 && sw[s].i_pA)
      {
        len = len == 0 || sw[s].n < len ? sw[s].n : len;
        dt = dt > 0.0 ? dt : sw[s].dt_ms;
      }
  if (len < 4 || !(dt > 0.0))
    return false;
  double *spread = malloc (len * sizeof *spread), *smooth = malloc (len * sizeof *smooth);
  double *mean = malloc (len * sizeof *mean);
  bool *flag = malloc (len * sizeof *flag);
  bool found = false;
  double floor_pA = NAN;
  if (spread && smooth && mean && flag)
    {
      current_profile (sw, n, len, spread, mean);
      floor_pA = step_floor (mean, len, smooth);
    }
  size_t w = (size_t) lround (SMOOTH_MS / dt);
  w = w < 1 ? 1 : w;
  /* Across sweeps first: a protocol's step changes from sweep to sweep. */
  if (!isnan (floor_pA))
    found = n > 1 && step_across_sweeps (spread, len, w, floor_pA, smooth, flag, a, b);
  /* spread is free again: the scratch of step_in_mean. */
  if (!isnan (floor_pA) && !found)
    {
      found = step_in_mean (mean, len, w, floor_pA, spread, smooth, flag, a, b) && (double) (*b - *a) * dt >= MIN_STEP_MS;
      /* Nothing held long enough at half the largest deviation (brief pulses): the longest level held. The
       * tolerance: a protocol's level is exact, a recorded current's moves by its noise. */
      if (!found)
        found = flat_run (mean, len, w, floor_pA, 0.05 + (floor_pA - 1.0), dt, spread, smooth, a, b);
    }
  free (spread);
  free (smooth);
  free (mean);
  free (flag);
  return found && (double) (*b - *a) * dt >= MIN_STEP_MS;
}

/* ---- the charging curve ---- */

typedef struct {
  const double *v;       /* samples dt apart from the curve's start */
  size_t n;
  double dt;
} fit_data;

/* Least squares of v ~ c0 + c1 exp(-t/tau) for a fixed tau; returns the residual sum of squares.
 * exp(-t/tau) of evenly spaced samples is a power of exp(-dt/tau): one exp per call, not per sample. */
static double
fit_linear (const fit_data *d, double tau, double *c0, double *c1)
{
  double s1 = 0, se = 0, see = 0, sv = 0, sev = 0, svv = 0;
  double r = exp (-d->dt / tau), e = 1.0;
  /* Relative to the first sample, so that v.v does not swamp the residual. */
  double ref = d->n > 0 && isfinite (d->v[0]) ? d->v[0] : 0.0;
  for (size_t j = 0; j < d->n; j++, e *= r)
    {
      double v = d->v[j] - ref;
      if (!isfinite (v))
        continue;
      s1 += 1.0, se += e, see += e * e, sv += v, sev += e * v, svv += v * v;
    }
  double det = s1 * see - se * se;
  if (s1 < 3.0 || !(fabs (det) > 1e-12 * s1 * see))
    return INFINITY;
  *c0 = (see * sv - se * sev) / det;
  *c1 = (s1 * sev - se * sv) / det;
  /* At the least-squares solution the residual is v.v - c.(X^T v). */
  double rss = fmax (svv - *c0 * sv - *c1 * sev, 0.0);
  *c0 += ref;
  return rss;
}

/* The best tau in [lo, hi]: a log-spaced scan, then golden-section search around the best. */
static double
fit_tau (const fit_data *d, double lo, double hi, double *c0, double *c1)
{
  enum { SCAN = 48 };
  double llo = log (lo), lhi = log (hi), best = INFINITY;
  int kbest = -1;
  for (int k = 0; k <= SCAN; k++)
    {
      double a, b, r = fit_linear (d, exp (llo + (lhi - llo) * k / SCAN), &a, &b);
      if (r < best)
        best = r, kbest = k;
    }
  if (kbest < 0)
    return NAN;
  double x0 = llo + (lhi - llo) * (kbest > 0 ? kbest - 1 : 0) / SCAN;
  double x3 = llo + (lhi - llo) * (kbest < SCAN ? kbest + 1 : SCAN) / SCAN;
  const double g = 0.5 * (sqrt (5.0) - 1.0);
  double x1 = x3 - g * (x3 - x0), x2 = x0 + g * (x3 - x0), a, b;
  double f1 = fit_linear (d, exp (x1), &a, &b), f2 = fit_linear (d, exp (x2), &a, &b);
  for (int it = 0; it < 60 && x3 - x0 > 1e-7; it++)
    {
      if (f1 < f2)
        x3 = x2, x2 = x1, f2 = f1, x1 = x3 - g * (x3 - x0), f1 = fit_linear (d, exp (x1), &a, &b);
      else
        x0 = x1, x1 = x2, f1 = f2, x2 = x0 + g * (x3 - x0), f2 = fit_linear (d, exp (x2), &a, &b);
    }
  double tau = exp (0.5 * (x0 + x3));
  if (!isfinite (fit_linear (d, tau, c0, c1)))
    return NAN;
  return tau;
}

/* Fits the charging curve of a hyperpolarising step [a, b) of v (already
 * corrected), from 10 % of the peak deflection to the peak. */
static double
charge_fit (const double *v, const double *smooth, size_t a, size_t b, double dt, double baseline,
            nd_cell_charge_curve *curve)
{
  size_t jpk = a;
  for (size_t j = a; j < b; j++)
    if (isfinite (smooth[j]) && (!isfinite (smooth[jpk]) || smooth[j] < smooth[jpk]))
      jpk = j;
  double depth = baseline - smooth[jpk];
  if (!(depth > 0.0))
    return NAN;
  size_t j0 = a;
  while (j0 < jpk && !(baseline - smooth[j0] >= FIT_START_FRACTION * depth))
    j0++;
  if (jpk <= j0 + 4)
    return NAN;
  fit_data d = { v + j0, jpk - j0 + 1, dt };
  double c0 = NAN, c1 = NAN;
  double tau = fit_tau (&d, 0.5 * dt, 2.0 * (double) (b - a) * dt, &c0, &c1);
  /* A charging curve falls towards its end (c1 > 0) and settles within the fitted span's reach. */
  if (!isfinite (tau) || !(c1 > 0.0) || tau >= 1.9 * (double) (b - a) * dt)
    return NAN;
  *curve = (nd_cell_charge_curve) { .sweep = -1, .t0_ms = (double) j0 * dt, .t1_ms = (double) jpk * dt,
                                    .v_inf_mV = c0, .amp_mV = c1, .tau_ms = tau };
  return tau;
}

double
nd_cell_charge_curve_at (const nd_cell_charge_curve *c, double t_ms)
{
  return c->v_inf_mV + c->amp_mV * exp (-(t_ms - c->t0_ms) / c->tau_ms);
}

/* ---- one sweep ---- */

typedef struct {
  double *v;          /* corrected potential */
  double *smooth;     /* its running mean */
  double *scratch;
  bool *keep;
} sweep_work;

/* Robust standard deviation (interquartile range / 1.349) of the finite values of v[0..n). */
static double
robust_sd (const double *v, size_t n, double *scratch)
{
  size_t m = 0;
  for (size_t j = 0; j < n; j++)
    if (isfinite (v[j]))
      scratch[m++] = v[j];
  if (m < 4)
    return NAN;
  qsort (scratch, m, sizeof *scratch, nd_cmp_double);
  return (scratch[(3 * m) / 4] - scratch[m / 4]) / 1.349;
}

static bool
measure_sweep (const nd_cell_sweep *in, size_t a, size_t b, double ljp, nd_cell_sweep_props *p,
               double *step_sd, double *step_noise, sweep_work *w)
{
  size_t n = in->n;
  double dt = in->dt_ms;
  for (size_t j = 0; j < n; j++)
    w->v[j] = in->v_mV ? in->v_mV[j] - ljp : NAN;
  /* Spikes over the whole sweep; NaN samples never start one. */
  size_t ns = 0;
  nd_spike *spk = in->v_mV ? nd_spikes_find_all (w->v, n, dt, &ns) : NULL;
  if (ns && !spk)
    return false;
  p->n_spikes = ns;
  p->spike_times_ms = ns ? malloc (ns * sizeof (double)) : NULL;
  if (ns && !p->spike_times_ms)
    {
      free (spk);
      return false;
    }
  for (size_t k = 0; k < ns; k++)
    {
      p->spike_times_ms[k] = spk[k].t_ms;
      if (spk[k].t_ms >= (double) a * dt && spk[k].t_ms < (double) b * dt)
        p->n_step_spikes++;
    }
  if (b > n)
    {
      /* Too short to hold the step. */
      free (spk);
      return true;
    }
  /* Baseline: before the step, spikes left out. */
  for (size_t j = 0; j < a; j++)
    w->keep[j] = true;
  for (size_t k = 0; k < ns; k++)
    {
      double lo = spk[k].onset_ms - SPIKE_BEFORE_MS, hi = spk[k].t_ms + SPIKE_AFTER_MS;
      for (size_t j = lo > 0 ? (size_t) (lo / dt) : 0; j < a && (double) j * dt <= hi; j++)
        w->keep[j] = false;
    }
  free (spk);
  p->baseline_mV = median_of (w->v, a, w->keep, w->scratch);
  if (in->i_pA)
    {
      p->holding_pA = median_of (in->i_pA, a, NULL, w->scratch);
      size_t lo = a + (b - a) / 10, hi = b - (b - a) / 10;
      p->stimulus_pA = median_of (in->i_pA + lo, hi - lo, NULL, w->scratch) - p->holding_pA;
      *step_sd = robust_sd (in->i_pA + lo, hi - lo, w->scratch);
      *step_noise = diff_noise (in->i_pA + lo, hi - lo, w->scratch);
    }
  size_t steady = (size_t) ceil (STEADY_FRACTION * (double) (b - a));
  p->steady_mV = mean_of (w->v + (b - steady), steady);
  size_t sw = (size_t) lround (SMOOTH_MS / dt);
  running_mean (w->v, n, sw < 1 ? 1 : sw, w->smooth);
  double pk = NAN;
  for (size_t j = a; j < b; j++)
    if (isfinite (w->smooth[j]) &&
        (!isfinite (pk) || (p->stimulus_pA < 0 ? w->smooth[j] < pk : w->smooth[j] > pk)))
      pk = w->smooth[j];
  p->peak_mV = pk;
  return true;
}

/* ---- R_in by least squares ---- */

static double
slope_with_origin (const double *x, const double *y, int m)
{
  /* Points (x, y) plus (0, 0), line with intercept. */
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int k = 0; k < m; k++)
    sx += x[k], sy += y[k], sxx += x[k] * x[k], sxy += x[k] * y[k];
  double np = m + 1.0, den = np * sxx - sx * sx;
  return den > 0.0 ? (np * sxy - sx * sy) / den : NAN;
}

/* The buffers of nd_cell_props_measure. */
typedef struct {
  sweep_work w;                 /* per sample of the longest sweep */
  double *base, *x, *y, *taus, *sds, *noises;   /* per sweep */
  nd_cell_charge_curve *curves;
} measure_work;

static bool
measure_work_init (measure_work *mw, size_t nmax, int n)
{
  mw->w = (sweep_work) { malloc ((nmax + 1) * sizeof (double)), malloc ((nmax + 1) * sizeof (double)),
                         malloc ((nmax + 1) * sizeof (double)), malloc ((nmax + 1) * sizeof (bool)) };
  mw->base = malloc ((size_t) n * sizeof *mw->base);
  mw->x = malloc ((size_t) n * sizeof *mw->x);
  mw->y = malloc ((size_t) n * sizeof *mw->y);
  mw->taus = malloc ((size_t) n * sizeof *mw->taus);
  mw->sds = malloc ((size_t) n * sizeof *mw->sds);
  mw->noises = malloc ((size_t) n * sizeof *mw->noises);
  mw->curves = malloc ((size_t) n * sizeof *mw->curves);
  return mw->w.v && mw->w.smooth && mw->w.scratch && mw->w.keep && mw->base && mw->x && mw->y && mw->taus
         && mw->curves && mw->sds && mw->noises;
}

static void
measure_work_clear (measure_work *mw)
{
  free (mw->w.v);
  free (mw->w.smooth);
  free (mw->w.scratch);
  free (mw->w.keep);
  free (mw->base);
  free (mw->x);
  free (mw->y);
  free (mw->taus);
  free (mw->curves);
  free (mw->sds);
  free (mw->noises);
}

/* A sweep whose current wanders within the step far more than the others' (a noise stimulus, as in the
 * demo's last sweep), or whose current there is a waveform (a sine sweep), has no step level: it is left out
 * of R_in, rheobase and the split. */
static void
drop_wandering_steps (nd_cell_props *out, int n, measure_work *mw)
{
  int nsd = 0;
  for (int s = 0; s < n; s++)
    if (isfinite (mw->sds[s]))
      mw->x[nsd++] = mw->sds[s];
  double sd_typical = median_of (mw->x, (size_t) nsd, NULL, mw->y);
  double top = 0.0;
  for (int s = 0; s < n; s++)
    if (isfinite (out->sweeps[s].stimulus_pA))
      top = fmax (top, fabs (out->sweeps[s].stimulus_pA));
  for (int s = 0; s < n; s++)
    {
      if (isfinite (sd_typical) && !(mw->sds[s] <= 3.0 * sd_typical + 1.0))
        out->sweeps[s].stimulus_pA = NAN;
      /* A waveform is no level: within a chirp's lobe or a slow noise current the current moves far more than
       * from one sample to the next, while a level with recording noise moves only by its noise. A recorded
       * current with mains hum moves slowly too, but by little beside the protocol's steps (a tenth of the
       * largest). */
      if (!(mw->sds[s] <= 3.0 * mw->noises[s] + 1.0) && mw->sds[s] > 0.1 * top)
        out->sweeps[s].stimulus_pA = NAN;
    }
}

/* Rheobase: the smallest non-negative step with a spike in it. Returns the
 * current below which a step counts as none: 2 % of the largest step, at
 * least 1 pA. */
static double
find_rheobase (nd_cell_props *out, int n)
{
  double istep_max = 0.0;
  for (int s = 0; s < n; s++)
    if (isfinite (out->sweeps[s].stimulus_pA))
      istep_max = fmax (istep_max, fabs (out->sweeps[s].stimulus_pA));
  double zero = fmax (1.0, 0.02 * istep_max);
  for (int s = 0; s < n; s++)
    {
      const nd_cell_sweep_props *p = &out->sweeps[s];
      if (p->n_step_spikes > 0 && p->stimulus_pA > -zero &&
          (out->rheobase_sweep < 0 || p->stimulus_pA < out->rheobase_pA))
        {
          out->rheobase_sweep = s;
          out->rheobase_pA = p->stimulus_pA;
        }
    }
  return zero;
}

/* Hyperpolarising steps without spikes: their currents and deflections in
 * mw->x and mw->y, the deepest as the sag sweep; returns how many. */
static int
hyperpolarising_steps (nd_cell_props *out, int n, double zero, measure_work *mw)
{
  int m = 0;
  for (int s = 0; s < n; s++)
    {
      nd_cell_sweep_props *p = &out->sweeps[s];
      if (!(p->stimulus_pA <= -zero) || p->n_step_spikes > 0 || !isfinite (p->baseline_mV) ||
          !isfinite (p->steady_mV))
        continue;
      p->used_for_r_in = true;
      mw->x[m] = p->stimulus_pA;
      mw->y[m] = p->steady_mV - p->baseline_mV;
      m++;
      if (out->sag_sweep < 0 || p->stimulus_pA < out->sweeps[out->sag_sweep].stimulus_pA)
        out->sag_sweep = s;
    }
  return m;
}

/* The membrane time constant: the charging curve of each step used for R_in
 * [a, b), and of their median the curve. */
static void
time_constant (nd_cell_props *out, const nd_cell_sweep *sweeps, int n, size_t a, size_t b, double ljp_mV,
               measure_work *mw)
{
  int nt = 0;
  for (int s = 0; s < n; s++)
    {
      nd_cell_sweep_props *p = &out->sweeps[s];
      if (!p->used_for_r_in)
        continue;
      const nd_cell_sweep *in = &sweeps[s];
      for (size_t j = 0; j < in->n; j++)
        mw->w.v[j] = in->v_mV[j] - ljp_mV;
      size_t sw = (size_t) lround (SMOOTH_MS / in->dt_ms);
      running_mean (mw->w.v, in->n, sw < 1 ? 1 : sw, mw->w.smooth);
      nd_cell_charge_curve c;
      p->tau_ms = charge_fit (mw->w.v, mw->w.smooth, a, b, in->dt_ms, p->baseline_mV, &c);
      if (isfinite (p->tau_ms))
        {
          c.sweep = s;
          mw->curves[nt] = c;
          mw->taus[nt++] = p->tau_ms;
        }
    }
  if (nt == 0)
    return;
  double *taus = mw->taus;
  nd_cell_charge_curve *curves = mw->curves;
  /* The median, and the sweep it comes from. */
  for (int i = 1; i < nt; i++)
    for (int k = i; k > 0 && taus[k] < taus[k - 1]; k--)
      {
        double t = taus[k];
        taus[k] = taus[k - 1], taus[k - 1] = t;
        nd_cell_charge_curve c = curves[k];
        curves[k] = curves[k - 1], curves[k - 1] = c;
      }
  /* Of two middle ones, the smaller step's: it stirs the least h-current. The time constant is the
   * drawn curve's, so the card and the plot agree. */
  int mid = nt / 2;
  if (nt % 2 == 0 && fabs (out->sweeps[curves[mid - 1].sweep].stimulus_pA) <=
                         fabs (out->sweeps[curves[mid].sweep].stimulus_pA))
    mid--;
  out->charge = curves[mid];
  out->tau_m_ms = curves[mid].tau_ms;
}

/* Capacitance (known, else tau / R_in), membrane area and sag. */
static void
capacitance (nd_cell_props *out, const nd_cell_options *opt)
{
  if (isfinite (opt->c_known_pF) && opt->c_known_pF > 0.0)
    {
      out->c_m_pF = opt->c_known_pF;
      out->c_known = true;
    }
  else if (isfinite (out->tau_m_ms) && isfinite (out->r_in_MOhm))
    out->c_m_pF = out->tau_m_ms / out->r_in_MOhm * 1000.0;   /* ms / MOhm = nF */
  if (isfinite (out->c_m_pF) && opt->cm_uF_per_cm2 > 0.0)
    out->area_um2 = out->c_m_pF * 100.0 / opt->cm_uF_per_cm2;   /* 1 uF/cm2 = 0.01 pF/um2 */
}

static void
capacitance_and_sag (nd_cell_props *out, const nd_cell_options *opt)
{
  capacitance (out, opt);
  const nd_cell_sweep_props *sg = &out->sweeps[out->sag_sweep];
  double depth = sg->baseline_mV - sg->peak_mV;
  if (depth >= 0.5)
    out->sag_ratio = fmax (0.0, (sg->steady_mV - sg->peak_mV) / depth);
}

/* Everything after the sweeps' own measurements: resting potential, then,
 * with a step, rheobase, R_in, time constant, capacitance and sag. */
static nd_cell_status
measure_cell (nd_cell_props *out, const nd_cell_sweep *sweeps, int n, bool have_step, size_t a, size_t b,
              const nd_cell_options *opt, measure_work *mw)
{
  /* Resting potential. */
  int nb = 0;
  for (int s = 0; s < n; s++)
    if (isfinite (out->sweeps[s].baseline_mV))
      mw->base[nb++] = out->sweeps[s].baseline_mV;
  out->v_rest_mV = median_of (mw->base, (size_t) nb, NULL, mw->taus);
  for (int k = 0; k < nb; k++)
    {
      out->v_base_lo_mV = k == 0 ? mw->base[k] : fmin (out->v_base_lo_mV, mw->base[k]);
      out->v_base_hi_mV = k == 0 ? mw->base[k] : fmax (out->v_base_hi_mV, mw->base[k]);
    }
  if (!have_step)
    return ND_CELL_NO_STEP;
  if (nb == 0)
    return ND_CELL_NO_BASELINE;
  drop_wandering_steps (out, n, mw);
  double zero = find_rheobase (out, n);
  int m = hyperpolarising_steps (out, n, zero, mw);
  out->n_r_in_steps = m;
  if (m == 0)
    return ND_CELL_NO_HYPERPOLARISING;
  /* mV / pA = GOhm. */
  double r = slope_with_origin (mw->x, mw->y, m) * 1000.0;
  out->r_in_MOhm = r > 0.0 ? r : NAN;
  time_constant (out, sweeps, n, a, b, opt->ljp_mV, mw);
  capacitance_and_sag (out, opt);
  return ND_CELL_OK;
}

/* A recording whose current is no step protocol (no sweep has a step level: a chirp, a noise current)
 * and that never fires gets R_in and tau from a passive membrane fitted to it (cell-rc.h); status stays as
 * it was when the fit is not accepted. A protocol of depolarising steps is left as it is (the steps say
 * what is missing in the step's own terms), and so is a cell that fires: its after-hyperpolarisations
 * outlast the spikes cut out, and pyABF's 18425108 (a pulse train, 20 spikes) fitted so gave a time constant
 * of 6 ms where its test step charges with 19 ms. */
static nd_cell_status
passive_from_rc (nd_cell_props *out, const nd_cell_sweep *sweeps, int n, const nd_cell_options *opt,
                 nd_cell_status status)
{
  for (int s = 0; s < n; s++)
    if (isfinite (out->sweeps[s].stimulus_pA) || out->sweeps[s].n_spikes > 0)
      return status;
  nd_cell_rc rc;
  if (!nd_cell_rc_fit (sweeps, n, opt->ljp_mV, &rc))
    return status;
  out->rc_fit = true;
  out->rc_r2 = rc.r2;
  out->r_in_MOhm = rc.r_MOhm;
  out->tau_m_ms = rc.tau_ms;
  if (!isfinite (out->v_rest_mV))
    out->v_rest_mV = rc.e_mV;
  out->step_start_ms = out->step_end_ms = NAN;
  capacitance (out, opt);
  return ND_CELL_OK;
}

nd_cell_status
nd_cell_props_measure (const nd_cell_sweep *sweeps, int n, const nd_cell_options *o, nd_cell_props *out)
{
  nd_cell_options opt;
  if (o)
    opt = *o;
  else
    nd_cell_options_default (&opt);
  memset (out, 0, sizeof *out);
  out->v_rest_mV = out->r_in_MOhm = out->tau_m_ms = out->c_m_pF = out->area_um2 = NAN;
  out->v_base_lo_mV = out->v_base_hi_mV = NAN;
  out->repeat_rmse_mV = out->repeat_lo_mV = out->repeat_hi_mV = out->rc_r2 = NAN;
  out->resonance_Hz = out->resonance_q = out->z_lo_MOhm = out->z_lo_Hz = out->z_hi_MOhm = out->z_hi_Hz = NAN;
  out->sag_ratio = out->rheobase_pA = out->step_start_ms = out->step_end_ms = NAN;
  out->rheobase_sweep = out->sag_sweep = out->charge.sweep = -1;
  if (!sweeps || n <= 0)
    return ND_CELL_NO_SWEEPS;
  out->sweeps = calloc ((size_t) n, sizeof *out->sweeps);
  if (!out->sweeps)
    return ND_CELL_NO_MEMORY;
  out->n_sweeps = n;
  size_t nmax = 0;
  for (int s = 0; s < n; s++)
    {
      nd_cell_sweep_props *p = &out->sweeps[s];
      p->stimulus_pA = p->holding_pA = p->baseline_mV = p->steady_mV = p->peak_mV = p->tau_ms = NAN;
      nmax = sweeps[s].n > nmax ? sweeps[s].n : nmax;
    }

  size_t a = 0, b = 0;
  bool have_step = find_step (sweeps, n, &a, &b);
  double dt = sweeps[0].dt_ms;
  if (have_step)
    {
      out->step_start_ms = (double) a * dt;
      out->step_end_ms = (double) b * dt;
    }

  measure_work mw;
  nd_cell_status status = measure_work_init (&mw, nmax, n) ? ND_CELL_OK : ND_CELL_NO_MEMORY;
  for (int s = 0; s < n && status == ND_CELL_OK; s++)
    {
      const nd_cell_sweep *in = &sweeps[s];
      mw.sds[s] = mw.noises[s] = NAN;
      if (in->n == 0 || !(in->dt_ms > 0.0))
        continue;
      /* Without a step, the whole sweep is "before the step" for spikes and the baseline. */
      size_t sa = have_step ? a : in->n, sb = have_step ? b : in->n;
      if (!measure_sweep (in, sa, sb, opt.ljp_mV, &out->sweeps[s], &mw.sds[s], &mw.noises[s], &mw.w))
        status = ND_CELL_NO_MEMORY;
    }
  if (status == ND_CELL_OK)
    status = measure_cell (out, sweeps, n, have_step, a, b, &opt, &mw);
  measure_work_clear (&mw);
  if (status == ND_CELL_NO_STEP || status == ND_CELL_NO_HYPERPOLARISING)
    status = passive_from_rc (out, sweeps, n, &opt, status);
  nd_impedance z;
  if (nd_impedance_measure (sweeps, n, opt.ljp_mV, &z))
    {
      out->resonance_Hz = z.resonance_Hz;
      out->resonance_q = z.q;
      out->z_lo_MOhm = z.z_MOhm[0], out->z_lo_Hz = z.f_Hz[0];
      out->z_hi_MOhm = z.z_MOhm[z.n_bands - 1], out->z_hi_Hz = z.f_Hz[z.n_bands - 1];
    }
  nd_cell_repeat rep;
  if (!nd_cell_repeat_measure (sweeps, n, out->tau_m_ms, opt.ljp_mV, &rep) && status == ND_CELL_OK)
    status = ND_CELL_NO_MEMORY;
  out->repeat_rmse_mV = rep.rmse_mV;
  out->repeat_lo_mV = rep.lo_mV;
  out->repeat_hi_mV = rep.hi_mV;
  out->repeat_pairs = rep.n_pairs;
  return status;
}

void
nd_cell_props_clear (nd_cell_props *p)
{
  if (!p)
    return;
  for (int s = 0; s < p->n_sweeps; s++)
    free (p->sweeps[s].spike_times_ms);
  free (p->sweeps);
  p->sweeps = NULL;
  p->n_sweeps = 0;
}

/* ---- default training sweeps ---- */

static bool
add_unique (int *train, int *k, int max, int s)
{
  if (s < 0 || *k >= max)
    return false;
  for (int i = 0; i < *k; i++)
    if (train[i] == s)
      return false;
  train[(*k)++] = s;
  return true;
}

int
nd_cell_props_default_split (const nd_cell_props *p, int *train, int max_train)
{
  int n = p ? p->n_sweeps : 0;
  if (n <= 0 || max_train <= 0 || !train)
    return 0;
  if (n == 1)
    {
      train[0] = 0;
      return 1;
    }
  int max = max_train < n - 1 ? max_train : n - 1;
  /* Sweeps with a step, ordered by its current. */
  int *order = malloc ((size_t) n * sizeof *order), m = 0;
  if (!order)
    return 0;
  for (int s = 0; s < n; s++)
    if (isfinite (p->sweeps[s].stimulus_pA))
      order[m++] = s;
  for (int i = 1; i < m; i++)
    for (int k = i; k > 0 && p->sweeps[order[k]].stimulus_pA < p->sweeps[order[k - 1]].stimulus_pA; k--)
      {
        int t = order[k];
        order[k] = order[k - 1], order[k - 1] = t;
      }
  int k = 0;
  if (m == 0)
    {
      /* No step anywhere: spread over the recording. */
      for (int i = 0; i < max; i++)
        add_unique (train, &k, max, max > 1 ? (int) lround ((double) i * (n - 1) / (max - 1)) : 0);
      free (order);
      return k;
    }
  int hyper = order[0];
  int near = p->rheobase_sweep >= 0 ? p->rheobase_sweep : order[m / 2];
  int strong = order[m - 1];
  /* Of equal currents, the sweep with more spikes. */
  for (int i = m - 2; i >= 0 && p->sweeps[order[i]].stimulus_pA == p->sweeps[strong].stimulus_pA; i--)
    if (p->sweeps[order[i]].n_step_spikes > p->sweeps[strong].n_step_spikes)
      strong = order[i];
  add_unique (train, &k, max, hyper);
  add_unique (train, &k, max, near);
  add_unique (train, &k, max, strong);
  /* Fewer than three distinct ones (few sweeps): the rest from the top down. */
  for (int i = m - 1; i >= 0 && k < max && k < 3; i--)
    add_unique (train, &k, max, order[i]);
  free (order);
  return k;
}
