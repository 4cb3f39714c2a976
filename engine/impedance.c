/* impedance.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "impedance.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>

#include "spikes.h"
#include "stats.h"
#include "sweep-score.h"

#define AFTER_SPIKE_MS 30.0

typedef struct {
  double f, z;
} cycle;

/* Upward crossings of the sweep's mean current, written to up (NULL: only counted); how many. */
static size_t
crossings (const nd_cell_sweep *sw, size_t *up)
{
  double mean = 0.0;
  size_t m = 0;
  for (size_t j = 0; j < sw->n; j++)
    if (isfinite (sw->i_pA[j]))
      mean += sw->i_pA[j], m++;
  if (m == 0)
    return 0;
  mean /= (double) m;
  size_t k = 0;
  for (size_t j = 1; j < sw->n; j++)
    if (sw->i_pA[j - 1] < mean && sw->i_pA[j] >= mean)
      {
        if (up)
          up[k] = j;
        k++;
      }
  return k;
}

/* A sweep the impedance can be read from. */
static bool
usable (const nd_cell_sweep *sw)
{
  return sw->n >= 2 && sw->v_mV && sw->i_pA && sw->dt_ms > 0.0;
}

/* A sine sweep: enough cycles, each within 25 % of the length of the one before for nine in ten. */
static bool
is_sine_sweep (const size_t *up, size_t k)
{
  if (k < ND_IMPEDANCE_MIN_CYCLES + 1)
    return false;
  size_t smooth = 0;
  for (size_t c = 2; c < k; c++)
    {
      double a = (double) (up[c - 1] - up[c - 2]), b = (double) (up[c] - up[c - 1]);
      smooth += fabs (b - a) <= 0.25 * a;
    }
  return (double) smooth >= 0.9 * (double) (k - 2);
}

/* The impedance of every spike-free cycle of one sweep, appended to cy. */
static bool
sweep_cycles (const nd_cell_sweep *sw, double ljp_mV, const size_t *up, size_t k, cycle *cy, int *nc)
{
  size_t ns;
  nd_spike *spk = nd_spikes_find_all (sw->v_mV, sw->n, sw->dt_ms, &ns);
  if (ns && !spk)
    return false;
  for (size_t c = 0; c + 1 < k; c++)
    {
      size_t a = up[c], b = up[c + 1], len = b - a;
      double t0 = (double) a * sw->dt_ms, t1 = (double) b * sw->dt_ms;
      bool spiky = false;
      for (size_t q = 0; q < ns && !spiky; q++)
        spiky = spk[q].onset_ms - ND_SPIKE_CUT_BEFORE_MS < t1 && spk[q].t_ms + AFTER_SPIKE_MS > t0;
      if (spiky || len < 4)
        continue;
      double complex zv = 0.0, zi = 0.0;
      bool finite = true;
      for (size_t j = 0; j < len; j++)
        {
          double complex w = cexp (-2.0 * I * M_PI * (double) j / (double) len);
          double v = sw->v_mV[a + j] - ljp_mV, i = sw->i_pA[a + j];
          finite &= isfinite (v) && isfinite (i);
          zv += v * w, zi += i * w;
        }
      if (!finite || cabs (zi) <= 0.0)
        continue;
      /* mV / pA = GOhm. */
      cy[(*nc)++] = (cycle) { 1000.0 / ((double) len * sw->dt_ms), 1000.0 * cabs (zv / zi) };
    }
  free (spk);
  return true;
}

bool
nd_impedance_measure (const nd_cell_sweep *sweeps, int n, double ljp_mV, nd_impedance *out)
{
  *out = (nd_impedance) { .resonance_Hz = NAN, .q = NAN, .f_lo_Hz = NAN, .f_hi_Hz = NAN };
  if (!sweeps || n <= 0)
    return false;
  /* Buffers as large as the crossings, not the samples: a gap-free hour at 20 kHz has 72 million. */
  size_t kmax = 0;
  for (int s = 0; s < n; s++)
    if (usable (&sweeps[s]))
      {
        size_t k = crossings (&sweeps[s], NULL);
        kmax = k > kmax ? k : kmax;
      }
  size_t *up = malloc ((kmax + 1) * sizeof *up), total = 0;
  bool ok = up != NULL;
  for (int s = 0; ok && s < n; s++)
    if (usable (&sweeps[s]))
      {
        size_t k = crossings (&sweeps[s], up);
        total += is_sine_sweep (up, k) ? k - 1 : 0;
      }
  cycle *cy = ok ? malloc ((total + 1) * sizeof *cy) : NULL;
  double *zs = ok ? malloc ((total + 1) * sizeof *zs) : NULL, *fs = ok ? malloc ((total + 1) * sizeof *fs) : NULL;
  ok = ok && cy && zs && fs;
  int nc = 0;
  for (int s = 0; ok && total > 0 && s < n; s++)
    if (usable (&sweeps[s]))
      {
        size_t k = crossings (&sweeps[s], up);
        if (is_sine_sweep (up, k))
          ok = sweep_cycles (&sweeps[s], ljp_mV, up, k, cy, &nc);
      }
  double lo = INFINITY, hi = 0.0;
  for (int c = 0; c < nc; c++)
    lo = fmin (lo, cy[c].f), hi = fmax (hi, cy[c].f);
  /* A profile needs a range of frequencies: an octave at least (a train of equal pulses has one). */
  if (ok && nc >= ND_IMPEDANCE_MIN_CYCLES && hi >= 2.0 * lo)
    {
      out->f_lo_Hz = lo, out->f_hi_Hz = hi, out->n_cycles = nc;
      double width = (log (hi) - log (lo)) / ND_IMPEDANCE_BANDS;
      for (int band = 0; band < ND_IMPEDANCE_BANDS; band++)
        {
          int m = 0;
          for (int c = 0; c < nc; c++)
            {
              int at = width > 0.0 ? (int) ((log (cy[c].f) - log (lo)) / width) : 0;
              at = at >= ND_IMPEDANCE_BANDS ? ND_IMPEDANCE_BANDS - 1 : at;
              if (at == band)
                zs[m] = cy[c].z, fs[m++] = cy[c].f;
            }
          if (m == 0)
            continue;
          /* The band's median frequency, not its centre: a sweep's cycles crowd towards one edge of a band. */
          out->f_Hz[out->n_bands] = nd_median_inplace (fs, (size_t) m);
          out->z_MOhm[out->n_bands++] = nd_median_inplace (zs, (size_t) m);
        }
      int best = 0;
      for (int b = 1; b < out->n_bands; b++)
        if (out->z_MOhm[b] > out->z_MOhm[best])
          best = b;
      out->resonance_Hz = best == 0 ? 0.0 : out->f_Hz[best];
      out->q = out->z_MOhm[best] / out->z_MOhm[0];
    }
  free (up);
  free (cy);
  free (zs);
  free (fs);
  return ok && isfinite (out->resonance_Hz);
}
