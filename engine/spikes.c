/* spikes.c: the spike detector of spikes.h.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "spikes.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* The slope is taken over this span: white noise of 0.3 mV s.d. at 20 kHz
 * gives a one-sample slope of 8.5 mV/ms s.d., close to the onset slope, but
 * 2 mV/ms over 0.2 ms; a spike's upstroke (50-500 mV/ms) is unaffected. */
#define SLOPE_SPAN_MS 0.2
/* Longest time from a peak until V is halfway back to the onset potential. */
#define MAX_FALL_MS 10.0

void
nd_spike_params_default (nd_spike_params *p)
{
  *p = (nd_spike_params) {
    .dvdt_mV_per_ms = 10.0,
    .min_height_mV = 15.0,
    .min_peak_mV = -35.0,
    .max_rise_ms = 5.0,
  };
}

static double
slope (const double *v, size_t n, size_t j, size_t w, double dt)
{
  size_t k = j + w < n ? j + w : n - 1;
  return k > j ? (v[k] - v[j]) / ((double) (k - j) * dt) : 0.0;
}

size_t
nd_spikes_find (const double *v, size_t n, double dt, const nd_spike_params *params, nd_spike *out,
                size_t max)
{
  nd_spike_params p;
  if (params)
    p = *params;
  else
    nd_spike_params_default (&p);
  if (!v || n < 2 || !(dt > 0.0) || !isfinite (dt))
    return 0;
  size_t w = (size_t) lround (SLOPE_SPAN_MS / dt);
  if (w < 1)
    w = 1;
  double rise = p.max_rise_ms / dt;
  size_t rise_n = rise > (double) n ? n : (size_t) rise + 1;
  size_t fall_n = (size_t) (MAX_FALL_MS / dt) + 1;
  size_t count = 0;
  double s_prev = slope (v, n, 0, w, dt);
  /* An upstroke already under way at the start is not an onset. */
  bool armed = !(s_prev >= p.dvdt_mV_per_ms);
  for (size_t j = 1; j + 1 < n; j++)
    {
      double s = slope (v, n, j, w, dt);
      if (!armed)
        {
          armed = s < p.dvdt_mV_per_ms;
          s_prev = s;
          continue;
        }
      if (!(s >= p.dvdt_mV_per_ms) || !isfinite (v[j]))
        {
          s_prev = s;
          continue;
        }
      /* Onset: follow V to its peak, which ends when V has fallen clearly
       * below the highest value so far, or after max_rise_ms. */
      double von = v[j], vmax = v[j];
      size_t jmax = j, end = j + rise_n < n ? j + rise_n : n;
      for (size_t k = j + 1; k < end; k++)
        {
          if (v[k] > vmax)
            vmax = v[k], jmax = k;
          else if (v[k] < vmax - fmax (3.0, 0.3 * (vmax - von)))
            break;
        }
      double height = vmax - von;
      /* A spike comes back down: V falls halfway from the peak towards the
       * onset within MAX_FALL_MS (or the trace ends first). A current step
       * seen through an unbalanced bridge rises as fast but stays up. */
      double rearm = vmax - 0.5 * height;
      size_t k = jmax + 1, fall_end = jmax + fall_n < n ? jmax + fall_n : n;
      while (k < fall_end && v[k] >= rearm)
        k++;
      bool fell = k < fall_end || fall_end == n;
      if (!(height >= p.min_height_mV) || !(vmax >= p.min_peak_mV) || !fell)
        {
          /* Not a spike from here; a later sample of the same rise may
           * still start one (a depolarisation that turns into a spike). */
          s_prev = s;
          continue;
        }
      if (out && count < max)
        {
          double frac = s > s_prev ? (p.dvdt_mV_per_ms - s_prev) / (s - s_prev) : 1.0;
          out[count] = (nd_spike) {
            .t_ms = jmax * dt,
            .onset_ms = (j - 1 + fmin (fmax (frac, 0.0), 1.0)) * dt,
            .v_onset_mV = von,
            .v_peak_mV = vmax,
          };
        }
      count++;
      /* Re-armed where V is halfway back. */
      if (k >= n)
        break;
      j = k;
      s_prev = slope (v, n, j, w, dt);
      armed = !(s_prev >= p.dvdt_mV_per_ms);
    }
  return count;
}

size_t
nd_spikes_count (const double *v, size_t n, double dt_ms)
{
  return nd_spikes_find (v, n, dt_ms, NULL, NULL, 0);
}

nd_spike *
nd_spikes_find_all (const double *v, size_t n, double dt_ms, size_t *count)
{
  *count = nd_spikes_find (v, n, dt_ms, NULL, NULL, 0);
  nd_spike *s = *count ? malloc (*count * sizeof *s) : NULL;
  if (s)
    nd_spikes_find (v, n, dt_ms, NULL, s, *count);
  return s;
}

size_t
nd_spikes_times (const double *v, size_t n, double dt_ms, double *times_ms, size_t max)
{
  if (!times_ms || max == 0)
    return nd_spikes_find (v, n, dt_ms, NULL, NULL, 0);
  size_t total;
  nd_spike *s = nd_spikes_find_all (v, n, dt_ms, &total);
  for (size_t i = 0; s && i < total && i < max; i++)
    times_ms[i] = s[i].t_ms;
  free (s);
  return total;
}

double *
nd_spikes_times_new (const double *v, size_t n, double dt_ms, size_t *count)
{
  nd_spike *s = nd_spikes_find_all (v, n, dt_ms, count);
  double *t = s ? malloc (*count * sizeof *t) : NULL;
  for (size_t i = 0; t && i < *count; i++)
    t[i] = s[i].t_ms;
  free (s);
  return t;
}

double
nd_spikes_mean_shift (const double *v_a, const double *v_b, size_t n, double dt_ms)
{
  size_t na, nb;
  double *ta = nd_spikes_times_new (v_a, n, dt_ms, &na), *tb = nd_spikes_times_new (v_b, n, dt_ms, &nb);
  size_t k = na < nb ? na : nb;
  double sum = 0.0;
  for (size_t i = 0; ta && tb && i < k; i++)
    sum += fabs (ta[i] - tb[i]);
  double shift = ta && tb && k > 0 ? sum / (double) k : NAN;
  free (ta);
  free (tb);
  return shift;
}

double
nd_spikes_coincidence (const double *ta, size_t na, const double *tb, size_t nb, double window_ms,
                       double duration_ms)
{
  if (na + nb == 0 || !(duration_ms > 0.0) || !(window_ms >= 0.0))
    return NAN;
  size_t coinc = 0, j = 0;
  for (size_t i = 0; i < na; i++)
    {
      while (j < nb && tb[j] < ta[i] - window_ms)
        j++;
      if (j < nb && tb[j] <= ta[i] + window_ms)
        {
          coinc++;
          j++;
        }
    }
  double chance = 2.0 * (double) nb / duration_ms * window_ms;
  if (!(chance < 1.0))
    return NAN;
  return ((double) coinc - chance * (double) na) / (0.5 * (double) (na + nb)) / (1.0 - chance);
}

double
nd_spikes_coincidence_traces (const double *v_a, const double *v_b, size_t n, double dt_ms, double window_ms)
{
  size_t na, nb;
  double *ta = nd_spikes_times_new (v_a, n, dt_ms, &na), *tb = nd_spikes_times_new (v_b, n, dt_ms, &nb);
  /* A train with spikes whose times could not be had: no figure. */
  double g = (na && !ta) || (nb && !tb) ? NAN : nd_spikes_coincidence (ta, na, tb, nb, window_ms, (double) n * dt_ms);
  free (ta);
  free (tb);
  return g;
}
