/* nd-fit-verdict.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-fit-verdict.h"
#include "stats.h"
#include "sweep-score.h"

double
nd_sweep_score_peak_error (const NdSweepScore *s)
{
  return s->voltage_clamp ? nd_clamp_peak_error (s->peak_model_pA, s->peak_pA) : NAN;
}

gboolean
nd_sweep_score_small_peak (const NdSweepScore *s, const NdFitVerdict *v)
{
  return s->voltage_clamp && v && isfinite (v->largest_peak_pA)
         && !(fabs (s->peak_pA) >= ND_FIT_CLAMP_LARGE_PEAK * v->largest_peak_pA);
}

NdScoreMarks
nd_sweep_score_marks (const NdSweepScore *s, const NdFitVerdict *v)
{
  NdScoreMarks m = ND_SCORE_OK;
  if (s->voltage_clamp)
    {
      if (!nd_sweep_score_small_peak (s, v) && fabs (nd_sweep_score_peak_error (s)) > ND_FIT_GOOD_PEAK_ERROR)
        m |= ND_SCORE_PEAK_OFF;
      if (v && s->rmse_pA > ND_FIT_GOOD_CLAMP_RMSE * v->largest_peak_pA)
        m |= ND_SCORE_CURRENT_OFF;
      return m;
    }
  if (!nd_spike_counts_agree (s->spikes_recorded, s->spikes_model))
    m |= ND_SCORE_SPIKES_DIFFER;
  if (s->subthreshold_rmse_mV > ND_FIT_GOOD_SUBTHRESHOLD_MV)
    m |= ND_SCORE_SUBTHRESHOLD_OFF;
  return m;
}

static char *
spikes_phrase (int n)
{
  /* Translators: a number of action potentials, as in "the model fires 0 spikes". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d spike", "%d spikes", (gulong) MAX (n, 0)), n);
}

/* A current in pA with as many digits as a reader needs: "3.12", "45.2", "1230". */
static char *
format_pA (double x)
{
  double a = fabs (x);
  return g_strdup_printf (a < 10.0 ? "%.2f" : a < 100.0 ? "%.1f" : "%.0f", x);
}

/* A potential in mV: two decimals below 1 mV, where one would round a good fit to 0. */
static char *
format_mV (double x)
{
  return g_strdup_printf (x < 1.0 ? "%.2f" : "%.1f", x);
}

/* Voltage clamp: the judged sweeps' RMSE against the largest peak current, and their peaks (the header). */
static void
clamp_verdict_init (NdFitVerdict *v, const NdSweepScore *scores, guint n)
{
  v->voltage_clamp = TRUE;
  g_autofree double *rmse = g_new0 (double, n + 1);
  guint n_rmse = 0;
  double worst_e = ND_FIT_GOOD_PEAK_ERROR;
  for (guint i = 0; i < n; i++)
    {
      const NdSweepScore *s = &scores[i];
      if ((s->role != ND_SWEEP_TRAIN) != v->validation)
        continue;
      v->n++;
      if (isfinite (s->rmse_pA))
        rmse[n_rmse++] = s->rmse_pA;
      double e = fabs (nd_sweep_score_peak_error (s));
      if (nd_sweep_score_small_peak (s, v) || !isfinite (e))
        continue;
      v->n_peak++;
      v->n_peak_ok += e <= ND_FIT_GOOD_PEAK_ERROR;
      if (e > worst_e)
        worst_e = e, v->worst = (int) i;
    }
  if (n_rmse > 0)
    v->median_rmse_pA = nd_median_inplace (rmse, n_rmse);
  if (v->n == 0)
    return;
  gboolean peak_ok = v->n_peak > 0 && v->n_peak_ok >= ND_FIT_GOOD_AGREE_FRACTION * v->n_peak;
  double rel = v->median_rmse_pA / v->largest_peak_pA;
  gboolean rmse_ok = rel <= ND_FIT_GOOD_CLAMP_RMSE;
  v->good = peak_ok && rmse_ok;

  GString *summary = g_string_new (NULL);
  if (v->worst >= 0)
    {
      const NdSweepScore *w = &scores[v->worst];
      g_autofree char *model = format_pA (w->peak_model_pA), *rec = format_pA (w->peak_pA);
      /* Translators: "The model’s peak current is -820 pA where the recording’s is -1200 pA (sweep 7)." */
      g_string_append_printf (summary, _("The model’s peak current is %s pA where the recording’s is %s pA (sweep %u)."),
                              model, rec, w->sweep + 1);
      g_string_append_c (summary, ' ');
    }
  g_autofree char *agree = NULL;
  if (v->n_peak > 0)
    agree = g_strdup_printf (v->validation
                               ? g_dngettext (GETTEXT_PACKAGE, "Peak currents agree within %.0f %% on %u of %u validation sweep",
                                              "Peak currents agree within %.0f %% on %u of %u validation sweeps", v->n_peak)
                               : g_dngettext (GETTEXT_PACKAGE, "Peak currents agree within %.0f %% on %u of %u training sweep",
                                              "Peak currents agree within %.0f %% on %u of %u training sweeps", v->n_peak),
                             100.0 * ND_FIT_GOOD_PEAK_ERROR, v->n_peak_ok, v->n_peak);
  else
    agree = g_strdup (v->validation ? _("No validation sweep has a current large enough to judge its peak")
                                    : _("No training sweep has a current large enough to judge its peak"));
  if (isfinite (rel))
    {
      g_autofree char *pa = format_pA (v->median_rmse_pA);
      /* Translators: the first part is "Peak currents agree within 20 % on 2 of 2 validation sweeps", then a
       * current in pA and a percentage. */
      g_string_append_printf (summary, _("%s; membrane current error %s pA (median RMSE), %.1f %% of the largest "
                                         "current."), agree, pa, 100.0 * rel);
    }
  else
    g_string_append_printf (summary, _("%s."), agree);
  v->summary = g_string_free (summary, FALSE);

  GString *advice = g_string_new (NULL);
  if (v->good)
    g_string_append (advice, _("The model reproduces the recorded membrane current: accept the fit to keep it in the "
                               "model, then save or export it."));
  else
    {
      g_string_append (advice, _("Accepting this fit is not recommended."));
      if (v->n_peak == 0)
        {
          g_string_append_c (advice, ' ');
          g_string_append (advice, _("Let a sweep with a large current check the fit: a small current’s peak is "
                                     "mostly the recording’s noise."));
        }
      else if (!peak_ok)
        {
          g_string_append_c (advice, ' ');
          g_string_append_printf (advice, g_dngettext (GETTEXT_PACKAGE,
                                                       "The peak current is more than %.0f %% off on %u of %u sweep.",
                                                       "The peak current is more than %.0f %% off on %u of %u sweeps.",
                                                       v->n_peak),
                                  100.0 * ND_FIT_GOOD_PEAK_ERROR, v->n_peak - v->n_peak_ok, v->n_peak);
        }
      if (!rmse_ok && isfinite (rel))
        {
          g_autofree char *pa = format_pA (v->median_rmse_pA);
          g_string_append_c (advice, ' ');
          g_string_append_printf (advice, _("The model’s current is %s pA off the recording’s (median RMSE), %.1f %% "
                                            "of the largest current; a good fit stays within %.0f %%."),
                                  pa, 100.0 * rel, 100.0 * ND_FIT_GOOD_CLAMP_RMSE);
        }
      if (v->n_peak > 0 || !rmse_ok)
        {
          g_string_append_c (advice, ' ');
          g_string_append (advice, _("Fit with more iterations, or change the channels or the learned current in the "
                                     "Model view, and fit again."));
        }
    }
  v->advice = g_string_free (advice, FALSE);
}

void
nd_fit_verdict_init (NdFitVerdict *v, const NdSweepScore *scores, guint n)
{
  nd_fit_verdict_init_cell (v, scores, n, NAN);
}

void
nd_fit_verdict_init_cell (NdFitVerdict *v, const NdSweepScore *scores, guint n, double cell_repeat_mV)
{
  *v = (NdFitVerdict) { .median_sub_mV = NAN, .worst = -1, .first_spiking_recorded = -1, .first_spiking_model = -1,
                        .largest_peak_pA = NAN, .median_rmse_pA = NAN, .cell_repeat_mV = cell_repeat_mV };
  gboolean clamp = FALSE;
  for (guint i = 0; i < n; i++)
    {
      v->validation |= scores[i].role != ND_SWEEP_TRAIN;
      clamp |= scores[i].voltage_clamp;
      if (scores[i].voltage_clamp && isfinite (scores[i].peak_pA)
          && !(fabs (scores[i].peak_pA) <= v->largest_peak_pA))
        v->largest_peak_pA = fabs (scores[i].peak_pA);
    }
  if (clamp)
    {
      clamp_verdict_init (v, scores, n);
      return;
    }
  /* The judged sweeps in the engine's terms, summed up as neurode-cli fit's report does. */
  g_autofree nd_sweep_score *sc = g_new0 (nd_sweep_score, n + 1);
  g_autofree int *ids = g_new0 (int, n + 1), *index = g_new0 (int, n + 1);
  int k = 0;
  for (guint i = 0; i < n; i++)
    if ((scores[i].role != ND_SWEEP_TRAIN) == v->validation)
      {
        sc[k] = (nd_sweep_score) { .spikes_recorded = scores[i].spikes_recorded, .spikes_model = scores[i].spikes_model,
                                   .first_spike_shift_ms = scores[i].first_spike_shift_ms,
                                   .subthreshold_rmse_mV = scores[i].subthreshold_rmse_mV, .rmse_mV = scores[i].rmse_mV };
        ids[k] = (int) scores[i].sweep;
        index[k++] = (int) i;
      }
  nd_sweep_summary sum;
  nd_sweep_summary_compute (sc, ids, k, &sum);
  v->n = (guint) sum.n;
  v->n_agree = (guint) sum.n_agree;
  v->median_sub_mV = sum.median_sub_mV;
  v->worst = sum.worst >= 0 ? index[sum.worst] : -1;
  v->first_spiking_recorded = sum.first_spiking_recorded;
  v->first_spiking_model = sum.first_spiking_model;
  if (v->n == 0)
    return;
  gboolean spikes_ok = v->n_agree >= ND_FIT_GOOD_AGREE_FRACTION * v->n;
  gboolean sub_ok = !(v->median_sub_mV > ND_FIT_GOOD_SUBTHRESHOLD_MV);
  v->good = spikes_ok && sub_ok;

  GString *summary = g_string_new (NULL);
  if (v->worst >= 0)
    {
      const NdSweepScore *w = &scores[v->worst];
      g_autofree char *model = spikes_phrase (w->spikes_model), *rec = spikes_phrase (w->spikes_recorded);
      /* Translators: "The model fires 0 spikes where the recording has 20 (sweep 7)." */
      g_string_append_printf (summary, _("The model fires %s where the recording has %s (sweep %u)."), model, rec,
                              w->sweep + 1);
      g_string_append_c (summary, ' ');
    }
  /* Where firing starts (the rheobase sweep), when the model's differs from the cell's. */
  if (v->first_spiking_recorded != v->first_spiking_model)
    {
      if (v->first_spiking_model < 0)
        g_string_append_printf (summary, _("The model fires on none of these sweeps; the recording from sweep %d on."),
                                v->first_spiking_recorded + 1);
      else if (v->first_spiking_recorded < 0)
        g_string_append_printf (summary, _("The model fires from sweep %d on; the recording on none of these sweeps."),
                                v->first_spiking_model + 1);
      else
        g_string_append_printf (summary, _("The model fires from sweep %d on, the recording from sweep %d on."),
                                v->first_spiking_model + 1, v->first_spiking_recorded + 1);
      g_string_append_c (summary, ' ');
    }
  g_autofree char *agree = g_strdup_printf (v->validation
                                              ? g_dngettext (GETTEXT_PACKAGE, "Spike counts agree on %u of %u validation sweep",
                                                             "Spike counts agree on %u of %u validation sweeps", v->n)
                                              : g_dngettext (GETTEXT_PACKAGE, "Spike counts agree on %u of %u training sweep",
                                                             "Spike counts agree on %u of %u training sweeps", v->n),
                                            v->n_agree, v->n);
  if (isfinite (v->median_sub_mV))
    {
      g_autofree char *mv = format_mV (v->median_sub_mV);
      if (isfinite (v->cell_repeat_mV))
        /* Translators: the first part is "Spike counts agree on 5 of 6 validation sweeps", then the model's
         * error and how far the cell itself is from one sweep to the next, both in mV. */
        g_string_append_printf (summary, _("%s; subthreshold error %s mV (median; the cell itself %.1f mV from "
                                           "sweep to sweep)."), agree, mv, v->cell_repeat_mV);
      else
        /* Translators: the first part is "Spike counts agree on 5 of 6 validation sweeps", then a number of mV. */
        g_string_append_printf (summary, _("%s; subthreshold error %s mV (median)."), agree, mv);
    }
  else
    g_string_append_printf (summary, _("%s."), agree);
  v->summary = g_string_free (summary, FALSE);

  GString *advice = g_string_new (NULL);
  if (v->good)
    {
      g_string_append (advice, _("The model reproduces the recording: accept the fit to keep it in the model, then "
                                 "save or export it."));
      /* Within the cell's own variability: as close as any model of it can be expected to come. */
      if (v->median_sub_mV <= v->cell_repeat_mV)
        {
          g_string_append_c (advice, ' ');
          g_autofree char *model = format_mV (v->median_sub_mV), *cell = format_mV (v->cell_repeat_mV);
          /* Translators: two potentials in mV, already formatted ("0.73", "1.2"). */
          g_string_append_printf (advice, _("Below threshold it is as close to the recording (%s mV) as the cell is "
                                            "to itself from sweep to sweep (%s mV)."), model, cell);
        }
    }
  else
    {
      g_string_append (advice, _("Accepting this fit is not recommended."));
      if (!spikes_ok)
        {
          g_string_append_c (advice, ' ');
          g_string_append_printf (advice, g_dngettext (GETTEXT_PACKAGE, "The spike counts are wrong on %u of %u sweep.",
                                                       "The spike counts are wrong on %u of %u sweeps.", v->n),
                                  v->n - v->n_agree, v->n);
        }
      if (!sub_ok)
        {
          g_string_append_c (advice, ' ');
          g_string_append_printf (advice, _("Below threshold the model is %.1f mV off the recording (median); a good "
                                            "fit stays within %.0f mV."),
                                  v->median_sub_mV, ND_FIT_GOOD_SUBTHRESHOLD_MV);
          if (v->cell_repeat_mV > ND_FIT_GOOD_SUBTHRESHOLD_MV)
            {
              g_string_append_c (advice, ' ');
              g_string_append_printf (advice, _("The cell itself differs by %.1f mV from one sweep to the next where "
                                                "the current is the same (its spontaneous spikes come at other "
                                                "times): a model that behaved exactly as the cell would be as far "
                                                "off."),
                                      v->cell_repeat_mV);
            }
        }
      g_string_append_c (advice, ' ');
      g_string_append (advice, _("Let the fit adjust the known channels’ conductances in the Model view, or change "
                                 "the channels, and fit again."));
    }
  v->advice = g_string_free (advice, FALSE);
}

void
nd_fit_verdict_clear (NdFitVerdict *v)
{
  g_clear_pointer (&v->summary, g_free);
  g_clear_pointer (&v->advice, g_free);
}
