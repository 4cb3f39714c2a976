/* sweep-score.c: per-sweep figures of sweep-score.h.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep-score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "integrator.h"
#include "spikes.h"
#include "units.h"
#include "stats.h"

/* Marks the samples around every spike of v (inside the window) in cut;
 * returns the spike count and the first spike's time (NAN without one). */
static int
mark_spikes (const double *v, const double *weight, size_t n, double dt, unsigned char *cut, double *first,
             double *first_onset_mV)
{
  size_t total;
  nd_spike *s = nd_spikes_find_all (v, n, dt, &total);
  *first = NAN;
  *first_onset_mV = NAN;
  if (!s)
    return (int) total;
  int count = 0;
  for (size_t k = 0; k < total; k++)
    {
      size_t j = (size_t) lround (s[k].t_ms / dt);
      if (weight && j < n && !(weight[j] > 0.0))
        continue;
      if (count++ == 0)
        {
          *first = s[k].t_ms;
          *first_onset_mV = s[k].v_onset_mV;
        }
      double a = (s[k].onset_ms - ND_SPIKE_CUT_BEFORE_MS) / dt, b = (s[k].t_ms + ND_SPIKE_CUT_AFTER_MS) / dt;
      size_t ja = a > 0.0 ? (size_t) a : 0, jb = b < (double) n ? (size_t) ceil (b) : n - 1;
      memset (cut + ja, 1, jb - ja + 1);
    }
  free (s);
  return count;
}

void
nd_sweep_score_compute (const double *v_model, const double *v_rec, const double *weight, size_t n,
                        double dt_ms, nd_sweep_score *out)
{
  *out = (nd_sweep_score) { .first_spike_shift_ms = NAN, .subthreshold_rmse_mV = NAN, .rmse_mV = NAN,
                            .v_max_model_mV = NAN, .v_onset_recorded_mV = NAN,
                            .rmse_pA = NAN, .peak_pA = NAN, .peak_model_pA = NAN, .peak_error = NAN };
  if (n == 0)
    return;
  unsigned char *cut = calloc (n, 1);
  if (!cut)
    return;
  double t_rec, t_model, onset_model;
  out->spikes_recorded = mark_spikes (v_rec, weight, n, dt_ms, cut, &t_rec, &out->v_onset_recorded_mV);
  out->spikes_model = mark_spikes (v_model, weight, n, dt_ms, cut, &t_model, &onset_model);
  if (isfinite (t_rec) && isfinite (t_model))
    out->first_spike_shift_ms = t_model - t_rec;
  double se = 0.0, w_all = 0.0, se_sub = 0.0, w_sub = 0.0;
  for (size_t j = 0; j < n; j++)
    {
      double w = weight ? weight[j] : 1.0;
      if (!(w > 0.0))
        continue;
      double e = v_model[j] - v_rec[j];
      if (isnan (out->v_max_model_mV) || v_model[j] > out->v_max_model_mV)
        out->v_max_model_mV = v_model[j];
      se += w * e * e;
      w_all += w;
      if (!cut[j])
        se_sub += w * e * e, w_sub += w;
    }
  free (cut);
  if (w_all > 0.0)
    out->rmse_mV = sqrt (se / w_all);
  if (w_sub > 0.0)
    out->subthreshold_rmse_mV = sqrt (se_sub / w_sub);
}

bool
nd_spike_counts_agree (int recorded, int model)
{
  return abs (model - recorded) <= fmax (1.0, 0.2 * recorded);
}

double
nd_clamp_peak (const double *i, const double *weight, size_t n, double dt_ms)
{
  const size_t half = (size_t) fmax (0.0, round (0.5 * ND_CLAMP_PEAK_MS / dt_ms));
  double best = NAN;
  for (size_t j = 0; j < n; j++)
    {
      if (weight && !(weight[j] > 0.0))
        continue;
      double s = 0.0;
      int c = 0;
      for (size_t k = j > half ? j - half : 0; k < n && k <= j + half; k++)
        if (!weight || weight[k] > 0.0)
          s += i[k], c++;
      s /= c;
      if (!(fabs (s) <= fabs (best)))
        best = s;
    }
  return best;
}

/* The clamp figures of sweep-score.h from currents in uA/cm2. */
static void
score_clamp (const double *i_model, const double *i_rec, const double *weight, size_t n, double dt_ms,
             double area_um2, nd_sweep_score *out)
{
  *out = (nd_sweep_score) { .voltage_clamp = true, .first_spike_shift_ms = NAN, .subthreshold_rmse_mV = NAN,
                            .rmse_mV = NAN, .rmse_pA = NAN, .peak_error = NAN };
  double se = 0.0, ws = 0.0;
  for (size_t j = 0; j < n; j++)
    {
      double w = weight ? weight[j] : 1.0;
      if (w > 0.0)
        se += w * (i_model[j] - i_rec[j]) * (i_model[j] - i_rec[j]), ws += w;
    }
  if (ws > 0.0)
    out->rmse_pA = nd_density_to_pA (sqrt (se / ws), area_um2);
  out->peak_pA = nd_density_to_pA (nd_clamp_peak (i_rec, weight, n, dt_ms), area_um2);
  out->peak_model_pA = nd_density_to_pA (nd_clamp_peak (i_model, weight, n, dt_ms), area_um2);
  out->peak_error = nd_clamp_peak_error (out->peak_model_pA, out->peak_pA);
}

double
nd_clamp_peak_error (double peak_model, double peak_recorded)
{
  /* Divided by the signed recording, so that "-60 %" means 60 % smaller for
   * an inward current too (over |recorded| it read "+60 %"). */
  return isfinite (peak_model) && isfinite (peak_recorded) && peak_recorded != 0.0
           ? (peak_model - peak_recorded) / peak_recorded : NAN;
}

void
nd_sweep_score_model (nd_model *m, const nd_fit_sweep *sweep, double *v_out, nd_sweep_score *out)
{
  nd_drive d = sweep->drive;
  d.v_force = NULL;
  d.force = 0.0;
  double *v = v_out ? v_out : malloc (d.n * sizeof *v);
  if (!v)
    {
      nd_sweep_score_compute (NULL, NULL, NULL, 0, d.dt_sample, out);
      return;
    }
  nd_simulate (m, &d, v, NULL);
  if (d.v_clamp)
    score_clamp (v, sweep->i_obs, sweep->weight, d.n, d.dt_sample, m->area_um2, out);
  else
    nd_sweep_score_compute (v, sweep->v_obs, sweep->weight, d.n, d.dt_sample, out);
  if (!v_out)
    free (v);
}

double
nd_spike_count_error (int recorded, int model)
{
  double r = recorded > 0 ? recorded : 0, m = model > 0 ? model : 0;
  double tol = log (1.0 + fmax (1.0, 0.2 * r) / (r + 1.0));
  return fabs (log ((m + 1.0) / (r + 1.0))) / tol;
}

void
nd_sweep_summary_compute (const nd_sweep_score *sc, const int *ids, int n, nd_sweep_summary *out)
{
  *out = (nd_sweep_summary) { .n = n, .median_sub_mV = NAN, .first_spiking_recorded = -1,
                              .first_spiking_model = -1, .worst = -1 };
  double *sub = malloc ((n > 0 ? n : 1) * sizeof *sub), worst_e = 0.0;
  int n_sub = 0;
  for (int k = 0; k < n; k++)
    {
      if (nd_spike_counts_agree (sc[k].spikes_recorded, sc[k].spikes_model))
        out->n_agree++;
      else
        {
          double e = nd_spike_count_error (sc[k].spikes_recorded, sc[k].spikes_model);
          if (e > worst_e)
            worst_e = e, out->worst = k;
        }
      if (sc[k].spikes_recorded > 0 && (out->first_spiking_recorded < 0 || ids[k] < out->first_spiking_recorded))
        out->first_spiking_recorded = ids[k];
      if (sc[k].spikes_model > 0 && (out->first_spiking_model < 0 || ids[k] < out->first_spiking_model))
        out->first_spiking_model = ids[k];
      if (sub && isfinite (sc[k].subthreshold_rmse_mV))
        sub[n_sub++] = sc[k].subthreshold_rmse_mV;
    }
  if (sub && n_sub > 0)
    out->median_sub_mV = nd_median_inplace (sub, n_sub);
  free (sub);
}
