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
  const double k = nd_gate_band_factor (n_members);
  for (int i = 0; i < ND_BAND_N; i++)
    {
      double xmin = INFINITY, xmax = -INFINITY, lmin = INFINITY, lmax = -INFINITY;
      double xm = 0.0, lm = 0.0, xs = 0.0, ls = 0.0;
      for (int k2 = 0; k2 < n_members; k2++)
        {
          double x = x_inf[(size_t) k2 * ND_BAND_N + i], l = log (tau[(size_t) k2 * ND_BAND_N + i]);
          xmin = fmin (xmin, x), xmax = fmax (xmax, x);
          lmin = fmin (lmin, l), lmax = fmax (lmax, l);
          xm += x / n_members, lm += l / n_members;
        }
      for (int k2 = 0; k2 < n_members && n_members > 1; k2++)
        {
          double x = x_inf[(size_t) k2 * ND_BAND_N + i], l = log (tau[(size_t) k2 * ND_BAND_N + i]);
          xs += (x - xm) * (x - xm) / (n_members - 1);
          ls += (l - lm) * (l - lm) / (n_members - 1);
        }
      /* The prediction interval, never narrower than the members themselves, widened by the error the
       * members share (gate-band.h). */
      band->x_lo[i] = fmax (0.0, fmin (xmin, xm - k * sqrt (xs)) - ND_BAND_X_SHARED);
      band->x_hi[i] = fmin (1.0, fmax (xmax, xm + k * sqrt (xs)) + ND_BAND_X_SHARED);
      band->tau_lo[i] = exp (fmin (lmin, lm - k * sqrt (ls))) / ND_BAND_TAU_SHARED;
      band->tau_hi[i] = exp (fmax (lmax, lm + k * sqrt (ls))) * ND_BAND_TAU_SHARED;
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
