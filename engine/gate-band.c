/* gate-band.c: bands of learned gates (gate-band.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "gate-band.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void
nd_gate_band_mark (nd_gate_band *band)
{
  for (int i = 0; i < ND_BAND_N; i++)
    band->constrained[i] = band->n_members >= 2 && band->x_hi[i] - band->x_lo[i] <= ND_BAND_X_WIDTH
                           && band->tau_hi[i] <= ND_BAND_TAU_FACTOR * band->tau_lo[i];
}

bool
nd_gate_band_has_range (const nd_gate_band *band)
{
  return isfinite (band->v_data_lo) && isfinite (band->v_data_hi) && band->v_data_hi > band->v_data_lo;
}

bool
nd_gate_band_in_data (const nd_gate_band *band, int i)
{
  const double v = ND_BAND_V_FIRST_MV + i;
  return nd_gate_band_has_range (band) && v >= band->v_data_lo && v <= band->v_data_hi;
}

double
nd_gate_band_factor (int n_members)
{
  if (n_members < 2)
    return 0.0;
  return gsl_cdf_tdist_Pinv (0.5 + ND_BAND_LEVEL / 2, n_members - 1) * sqrt (1.0 + 1.0 / n_members);
}

void
nd_gate_band_compute (const double *x_inf, const double *tau, int n_members, nd_gate_band *band)
{
  memset (band, 0, sizeof *band);
  band->n_members = n_members;
  band->v_data_lo = band->v_data_hi = NAN;
  const double k = nd_gate_band_factor (n_members);
  double xmin[ND_BAND_N], xmax[ND_BAND_N], lmin[ND_BAND_N], lmax[ND_BAND_N];
  double xm[ND_BAND_N], lm[ND_BAND_N], xs[ND_BAND_N], ls[ND_BAND_N];
  for (int i = 0; i < ND_BAND_N; i++)
    {
      xmin[i] = lmin[i] = INFINITY, xmax[i] = lmax[i] = -INFINITY;
      xm[i] = lm[i] = xs[i] = ls[i] = 0.0;
      for (int k2 = 0; k2 < n_members; k2++)
        {
          double x = x_inf[(size_t) k2 * ND_BAND_N + i], l = log (tau[(size_t) k2 * ND_BAND_N + i]);
          xmin[i] = fmin (xmin[i], x), xmax[i] = fmax (xmax[i], x);
          lmin[i] = fmin (lmin[i], l), lmax[i] = fmax (lmax[i], l);
          xm[i] += x / n_members, lm[i] += l / n_members;
        }
      for (int k2 = 0; k2 < n_members && n_members > 1; k2++)
        {
          double x = x_inf[(size_t) k2 * ND_BAND_N + i], l = log (tau[(size_t) k2 * ND_BAND_N + i]);
          xs[i] += (x - xm[i]) * (x - xm[i]) / (n_members - 1);
          ls[i] += (l - lm[i]) * (l - lm[i]) / (n_members - 1);
        }
    }
  const int w = ND_BAND_SPREAD_WINDOW_MV;   /* grid points are 1 mV apart */
  for (int i = 0; i < ND_BAND_N; i++)
    {
      /* The members' spread at i is the largest within +-w mV: curves that cross at a voltage do not pin
       * the gate down there more than beside it (gate-band.h). */
      double sx = 0.0, sl = 0.0;
      for (int j = i - w; j <= i + w; j++)
        if (j >= 0 && j < ND_BAND_N)
          sx = fmax (sx, xs[j]), sl = fmax (sl, ls[j]);
      /* The prediction interval, never narrower than the members themselves, widened by the error the
       * members share (gate-band.h). */
      band->x_lo[i] = fmax (0.0, fmin (xmin[i], xm[i] - k * sqrt (sx)) - ND_BAND_X_SHARED);
      band->x_hi[i] = fmin (1.0, fmax (xmax[i], xm[i] + k * sqrt (sx)) + ND_BAND_X_SHARED);
      band->tau_lo[i] = exp (fmin (lmin[i], lm[i] - k * sqrt (sl))) / ND_BAND_TAU_SHARED;
      band->tau_hi[i] = exp (fmax (lmax[i], lm[i] + k * sqrt (sl))) * ND_BAND_TAU_SHARED;
    }
  nd_gate_band_mark (band);
}

const nd_gate_band *
nd_model_gate_band (const nd_model *m, int c, int g)
{
  if (c < 0 || c >= m->n_channels || m->channels[c].slot != ND_CHANNEL_LEARNED || g < 0
      || g >= m->channels[c].n_gates)
    return NULL;
  return m->channels[c].learned[g].band;
}

void
nd_model_set_gate_band (nd_model *m, int c, int g, const nd_gate_band *band)
{
  nd_learned_gate_slot *s = &m->channels[c].learned[g];
  free (s->band);
  s->band = NULL;
  if (band)
    {
      s->band = nd_malloc (sizeof *s->band);
      *s->band = *band;
    }
}

void
nd_model_set_bands (nd_model *m, nd_model *const *members, int n_members)
{
  double *x = nd_malloc ((size_t) n_members * ND_BAND_N * sizeof *x);
  double *t = nd_malloc ((size_t) n_members * ND_BAND_N * sizeof *t);
  nd_gate_band *band = nd_malloc (sizeof *band);
  for (int c = 0; c < m->n_channels; c++)
    for (int g = 0; g < m->channels[c].n_gates && m->channels[c].slot == ND_CHANNEL_LEARNED; g++)
      {
        for (int k = 0; k < n_members; k++)
          for (int i = 0; i < ND_BAND_N; i++)
            {
              nd_gate_rates r;
              nd_model_gate_rates (members[k], c, g, ND_BAND_V_FIRST_MV + i, &r);
              x[(size_t) k * ND_BAND_N + i] = r.x_inf;
              t[(size_t) k * ND_BAND_N + i] = r.tau;
            }
        nd_gate_band_compute (x, t, n_members, band);
        nd_model_set_gate_band (m, c, g, band);
      }
  free (band);
  free (x);
  free (t);
}

void
nd_model_set_band_range (nd_model *m, double v_lo_mV, double v_hi_mV)
{
  for (int c = 0; c < m->n_channels; c++)
    for (int g = 0; g < m->channels[c].n_gates && m->channels[c].slot == ND_CHANNEL_LEARNED; g++)
      {
        nd_gate_band *b = m->channels[c].learned[g].band;
        if (b)
          {
            b->v_data_lo = v_lo_mV;
            b->v_data_hi = v_hi_mV;
          }
      }
}

void
nd_model_clear_bands (nd_model *m)
{
  for (int c = 0; c < m->n_channels; c++)
    for (int g = 0; g < ND_MAX_LEARNED_GATES; g++)
      {
        free (m->channels[c].learned[g].band);
        m->channels[c].learned[g].band = NULL;
      }
}

bool
nd_model_has_bands (const nd_model *m)
{
  for (int c = 0; c < m->n_channels; c++)
    for (int g = 0; g < ND_MAX_LEARNED_GATES; g++)
      if (m->channels[c].learned[g].band)
        return true;
  return false;
}
