/* nd-fit-view-bands.c: the Fit view's uncertainty: the choice to repeat the fit, its progress in words, and
 * the bands of the learned gates in the kinetics plots.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With N >= 2 fits the runner runs an ensemble (ensemble.h): the model it gives carries, for every learned
 * gate, the range of x∞ and τ that the fits explaining the recording equally well allow (gate-band.h). The
 * plots shade that range behind the curve and thicken the curve where the range is narrow, "constrained by
 * the data". A saved model or project with bands shows them too.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "gate-band.h"
#include "nd-fit-view-private.h"
#include "nd-uncertainty-row.h"

void
nd_fit_view_bands_init (NdFitView *self)
{
  adw_preferences_group_add (self->uncertainty, nd_uncertainty_row (1, &self->members_spin));
}

void
nd_fit_view_bands_set_settings (NdFitView *self)
{
  if (self->settings)
    g_settings_bind (self->settings, "fit-ensemble", gtk_spin_button_get_adjustment (self->members_spin), "value",
                     G_SETTINGS_BIND_DEFAULT);
}

int
nd_fit_view_bands_members (NdFitView *self)
{
  return gtk_spin_button_get_value_as_int (self->members_spin);
}

void
nd_fit_view_bands_set_sensitive (NdFitView *self, gboolean sensitive)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->uncertainty), sensitive);
}

/* Learned gate g of channel c of m: its band shaded behind the curve, and the curve drawn thick where the
 * data constrain it. Labelled once (label): the legend explains the look, not every gate. */
static void
add_gate_band (NdFitView *self, nd_model *m, int c, int g, NdPlotColor color, gboolean label)
{
  const nd_gate_band *band = nd_model_gate_band (m, c, g);
  /* One fit says nothing about the spread: its "band" is only the margin every band gets (gate-band.h), and
   * drawn it would claim kinetics pinned down to that margin. */
  if (!band || band->n_members < 2)
    return;
  double v[ND_BAND_N], x[ND_BAND_N], t[ND_BAND_N];
  gboolean any = FALSE;
  for (int i = 0; i < ND_BAND_N; i++)
    {
      nd_gate_rates r;
      v[i] = ND_BAND_V_FIRST_MV + i;
      nd_model_gate_rates (m, c, g, v[i], &r);
      x[i] = band->constrained[i] ? r.x_inf : NAN;
      t[i] = band->constrained[i] ? r.tau : NAN;
      any |= band->constrained[i];
    }
  const char *range = label ? _("Equally good fits") : NULL;
  const char *pinned = label ? _("Pinned down by the data") : NULL;
  NdPlotModel *pm[2] = { self->model[FIT_PLOT_XINF], self->model[FIT_PLOT_TAU] };
  const double *lo[2] = { band->x_lo, band->tau_lo }, *hi[2] = { band->x_hi, band->tau_hi }, *thick[2] = { x, t };
  for (int k = 0; k < 2; k++)
    {
      guint s = nd_plot_model_add_series (pm[k], range, color, ND_PLOT_BAND);
      nd_plot_model_set_series_band (pm[k], s, v, lo[k], hi[k], ND_BAND_N);
      /* Nothing constrained: no thick line, and no legend entry for it. */
      if (any)
        nd_plot_model_set_series_data (pm[k], nd_plot_model_add_series (pm[k], pinned, color, ND_PLOT_THICK), v,
                                       thick[k], ND_BAND_N);
    }
}

void
nd_fit_view_show_bands (NdFitView *self, nd_model *m)
{
  int c = m ? nd_model_learned_channel (m) : -1;
  if (c < 0)
    return;
  static const NdPlotColor colors[] = { ND_PLOT_COLOR_BLUE, ND_PLOT_COLOR_RED };
  gboolean labelled = FALSE;
  for (int g = 0; g < m->channels[c].n_gates; g++)
    if (nd_model_gate_band (m, c, g) && nd_model_gate_band (m, c, g)->n_members >= 2)
      {
        add_gate_band (self, m, c, g, colors[g % 2], !labelled);
        labelled = TRUE;
      }
}

/* The ensemble's part of the progress: how many fits are done; the plots follow the first. */
char *
nd_fit_view_describe_members (NdFitView *self, double *fraction, double member0_fraction, const NdFitSnapshot *s)
{
  int done, members = nd_fit_runner_get_members (self->runner, &done, NULL);
  if (members < 2)
    return NULL;
  g_autofree char *count = g_strdup_printf (_("%d of %d fits done; the plots follow the first"), done, members);
  /* The runner's estimate (nd-fit-runner.c): the first fit's duration for each wave of fits side by side. */
  if (s && isfinite (s->members_left_s) && s->elapsed_s + s->members_left_s > 0.0)
    {
      *fraction = MIN (1.0, MAX ((double) done / members, s->elapsed_s / (s->elapsed_s + s->members_left_s)));
      g_autofree char *d = nd_fit_view_format_duration (s->members_left_s);
      g_autofree char *left = g_strdup_printf (_("about %s left"), d);
      return g_strdup_printf (_("%s · %s"), count, left);
    }
  /* The members run a core each, alike: while the first runs, as many as there are cores are as far. */
  int side_by_side = nd_fit_runner_get_at_once (self->runner);
  *fraction = MIN (1.0, MAX ((double) done, member0_fraction * side_by_side) / members);
  return g_steal_pointer (&count);
}
