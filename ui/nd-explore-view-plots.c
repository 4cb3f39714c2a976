/* nd-explore-view-plots.c: what one Explore run computes, and how its plots show it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-explore-view-private.h"
#include "nd-text.h"

/* Colours by channel and gate index, so a channel keeps its colour in every plot. */
static const NdPlotColor palette[] = {
  ND_PLOT_COLOR_RED, ND_PLOT_COLOR_BLUE, ND_PLOT_COLOR_GREEN, ND_PLOT_COLOR_ORANGE, ND_PLOT_COLOR_PURPLE,
  ND_PLOT_COLOR_BROWN,
};
#define COLOR(i) palette[(i) % G_N_ELEMENTS (palette)]

const char *
nd_explore_channel_short_name (const nd_model *m, int c)
{
  static const struct { const char *type, *name; } names[] = {
    { "hh_na", "Na" }, { "hh_k", "K" }, { "pospischil_na", "Na" }, { "pospischil_kd", "Kd" },
    { "pospischil_m", "M" }, { "pospischil_cal", "CaL" }, { "pospischil_cat", "CaT" }, { "a_type", "KA" },
    { "ih", "Ih" },
  };
  const nd_channel *ch = &m->channels[c];
  if (ch->slot == ND_CHANNEL_KNOWN)
    {
      if (g_str_equal (ch->kind->type, "leak"))
        return _("Leak");
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (g_str_equal (ch->kind->type, names[i].type))
          return names[i].name;
    }
  return ch->name;
}

char *
nd_explore_gate_label (const nd_model *m, const nd_explore_gates *gates, int k)
{
  const nd_channel *ch = &m->channels[gates->channel[k]];
  const char *name = ch->slot == ND_CHANNEL_KNOWN ? ch->kind->gates[gates->gate[k]].name
                                                   : ch->learned[gates->gate[k]].name;
  gboolean repeated = FALSE;
  for (int j = 0; j < gates->n; j++)
    {
      const nd_channel *cj = &m->channels[gates->channel[j]];
      const char *nj = cj->slot == ND_CHANNEL_KNOWN ? cj->kind->gates[gates->gate[j]].name
                                                     : cj->learned[gates->gate[j]].name;
      repeated |= j != k && g_str_equal (nj, name);
    }
  if (repeated)
    return g_strdup_printf ("%s %s", nd_explore_channel_short_name (m, gates->channel[k]), name);
  return g_strdup (name);
}

/* ---- The job -------------------------------------------------------------------------------- */

NdExploreJob *
nd_explore_job_new (NdExploreView *self)
{
  NdExploreJob *job = g_new0 (NdExploreJob, 1);
  job->serial = self->requested;
  job->base = nd_model_copy (self->model);
  job->params = self->params;
  job->phase_gate = self->phase_gate;
  return job;
}

void
nd_explore_job_free (NdExploreJob *job)
{
  if (!job)
    return;
  nd_model_free (job->base);
  nd_explore_trace_free (job->trace);
  g_free (job->kin_inf);
  g_free (job->kin_tau);
  g_free (job);
}

/* The stimulus current the V nullcline shows during the stimulus. */
static double
stimulus_current (const nd_explore_params *p)
{
  return p->offset + p->amplitude;
}

void
nd_explore_job_run (NdExploreJob *job)
{
  gint64 start = g_get_monotonic_time ();
  nd_model *m = nd_explore_prepare (job->base, &job->params);
  if (!m)
    return;
  job->v_rest = m->v_init;
  for (int c = 0; c < m->n_channels; c++)
    job->e_rev[c] = nd_explore_reversal (job->base, c, &job->params);
  job->trace = nd_explore_run_prepared (m, &job->params);

  nd_explore_gates gates;
  nd_explore_list_gates (m, &gates);
  if (gates.n > 0)
    {
      int k = CLAMP (job->phase_gate, 0, gates.n - 1);
      job->i_rest = job->params.offset;
      job->i_stim = stimulus_current (&job->params);
      nd_explore_nullclines (m, k, job->i_rest, ND_EXPLORE_V_LO, ND_EXPLORE_V_HI, ND_EXPLORE_NULL_N, job->null_v,
                             job->null_gate, job->null_rest);
      nd_explore_nullclines (m, k, job->i_stim, ND_EXPLORE_V_LO, ND_EXPLORE_V_HI, ND_EXPLORE_NULL_N, job->null_v,
                             job->null_gate, job->null_stim);
    }
  for (int i = 0; i < ND_EXPLORE_KIN_N; i++)
    job->kin_v[i] = ND_EXPLORE_V_LO + (ND_EXPLORE_V_HI - ND_EXPLORE_V_LO) * i / (ND_EXPLORE_KIN_N - 1);
  job->kin_inf = g_new (double, (gsize) MAX (gates.n, 1) * ND_EXPLORE_KIN_N);
  job->kin_tau = g_new (double, (gsize) MAX (gates.n, 1) * ND_EXPLORE_KIN_N);
  for (int k = 0; k < gates.n; k++)
    nd_explore_kinetics (m, k, job->kin_v, ND_EXPLORE_KIN_N, job->kin_inf + k * ND_EXPLORE_KIN_N,
                         job->kin_tau + k * ND_EXPLORE_KIN_N);
  nd_model_free (m);
  job->elapsed_us = g_get_monotonic_time () - start;
}

/* ---- Plots ---------------------------------------------------------------------------------- */

static NdPlot *
add_plot (NdExploreView *self, NdExplorePlot which, GtkBox *box, int min_height)
{
  NdPlotModel *model = nd_plot_model_new ();
  GtkWidget *plot = nd_plot_new (model);
  self->plot_model[which] = model;
  self->plot[which] = ND_PLOT (plot);
  gtk_widget_set_hexpand (plot, TRUE);
  gtk_widget_set_vexpand (plot, min_height > 120);
  if (min_height > 0)
    gtk_widget_set_size_request (plot, -1, min_height);
  gtk_box_append (box, plot);
  return ND_PLOT (plot);
}

void
nd_explore_view_create_plots (NdExploreView *self)
{
  /* Stimulus small on top, then V, currents and gates: the layout of Hodgkin and Huxley's figures. */
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), column);
  gtk_box_append (self->time_box, scroller);
  add_plot (self, PLOT_STIMULUS, GTK_BOX (column), 0);
  add_plot (self, PLOT_VOLTAGE, GTK_BOX (column), 190);
  add_plot (self, PLOT_CURRENTS, GTK_BOX (column), 170);
  add_plot (self, PLOT_GATES, GTK_BOX (column), 170);
  /* One time axis: zooming into a spike in one of them zooms all four. */
  NdPlot *stacked[] = { self->plot[PLOT_STIMULUS], self->plot[PLOT_VOLTAGE], self->plot[PLOT_CURRENTS],
                        self->plot[PLOT_GATES] };
  nd_plot_align (stacked, G_N_ELEMENTS (stacked));
  gtk_widget_set_vexpand (GTK_WIDGET (add_plot (self, PLOT_PHASE, self->phase_box, 0)), TRUE);
  add_plot (self, PLOT_XINF, self->kinetics_box, 0);
  add_plot (self, PLOT_TAU, self->kinetics_box, 0);
  add_plot (self, PLOT_FI, self->curves_box, 0);
  add_plot (self, PLOT_IV, self->curves_box, 0);

  NdPlotModel **pm = self->plot_model;
  nd_plot_model_set_title (pm[PLOT_PHASE], _("Phase plane"));
  nd_plot_model_set_title (pm[PLOT_XINF], _("Steady state"));
  nd_plot_model_set_title (pm[PLOT_TAU], _("Time constants"));
  for (int i = PLOT_STIMULUS; i <= PLOT_GATES; i++)
    {
      nd_plot_model_set_axis (pm[i], ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
      /* The same left margin in the column, so time lines up from plot to plot. */
      nd_plot_model_set_y_label_min_chars (pm[i], 4);
    }
  nd_plot_model_set_axis (pm[PLOT_CURRENTS], ND_PLOT_AXIS_Y, _("Ionic current"), "µA/cm²", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (pm[PLOT_GATES], ND_PLOT_AXIS_Y, _("Open fraction"), NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (pm[PLOT_GATES], ND_PLOT_AXIS_Y, -0.02, 1.02);
  nd_plot_model_set_axis (pm[PLOT_PHASE], ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (pm[PLOT_PHASE], ND_PLOT_AXIS_X, ND_EXPLORE_V_LO, ND_EXPLORE_V_HI);
  nd_plot_model_set_range (pm[PLOT_PHASE], ND_PLOT_AXIS_Y, -0.02, 1.02);
  nd_plot_model_set_axis (pm[PLOT_XINF], ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (pm[PLOT_XINF], ND_PLOT_AXIS_Y, _("Steady-state open fraction x∞"), NULL,
                          ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (pm[PLOT_XINF], ND_PLOT_AXIS_Y, -0.02, 1.02);
  nd_plot_model_set_axis (pm[PLOT_TAU], ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (pm[PLOT_TAU], ND_PLOT_AXIS_Y, _("Time constant τ"), "ms", ND_PLOT_SCALE_LOG);
  nd_plot_model_set_axis (pm[PLOT_FI], ND_PLOT_AXIS_X, _("Injected current"), "µA/cm²", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (pm[PLOT_FI], ND_PLOT_AXIS_Y, _("Firing rate"), "Hz", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (pm[PLOT_IV], ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (pm[PLOT_IV], ND_PLOT_AXIS_Y, _("Clamp current"), "µA/cm²", ND_PLOT_SCALE_LINEAR);
  nd_explore_view_show_fi (self);
  nd_explore_view_show_iv (self);
}

static void
show_time_course (NdExploreView *self, NdExploreJob *job)
{
  NdPlotModel **pm = self->plot_model;
  const nd_explore_trace *t = job->trace;
  const nd_explore_params *p = &job->params;
  const gboolean vc = p->clamp == ND_EXPLORE_VOLTAGE_CLAMP;

  for (int i = PLOT_STIMULUS; i <= PLOT_GATES; i++)
    {
      nd_plot_model_clear (pm[i]);
      nd_plot_model_set_range (pm[i], ND_PLOT_AXIS_X, 0.0, p->t_stop);
    }
  if (vc)
    {
      nd_plot_model_set_axis (pm[PLOT_STIMULUS], ND_PLOT_AXIS_Y, _("Command"), "mV", ND_PLOT_SCALE_LINEAR);
      nd_plot_model_set_axis (pm[PLOT_VOLTAGE], ND_PLOT_AXIS_Y, _("Clamp current"), "µA/cm²", ND_PLOT_SCALE_LINEAR);
    }
  else
    {
      nd_plot_model_set_axis (pm[PLOT_STIMULUS], ND_PLOT_AXIS_Y, _("Stimulus"), "µA/cm²", ND_PLOT_SCALE_LINEAR);
      nd_plot_model_set_axis (pm[PLOT_VOLTAGE], ND_PLOT_AXIS_Y, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
    }
  guint s = nd_plot_model_add_series (pm[PLOT_STIMULUS], NULL, ND_PLOT_COLOR_GREY, ND_PLOT_LINE);
  nd_plot_model_set_series_trace (pm[PLOT_STIMULUS], s, 0.0, t->dt, t->command, t->n);
  /* A flat command would get a zero-height axis: keep a little room around it. */
  double lo = t->command[0], hi = t->command[0];
  for (size_t j = 0; j < t->n; j++)
    lo = MIN (lo, t->command[j]), hi = MAX (hi, t->command[j]);
  double pad = MAX ((hi - lo) * 0.15, vc ? 5.0 : 1.0);
  nd_plot_model_set_range (pm[PLOT_STIMULUS], ND_PLOT_AXIS_Y, lo - pad, hi + pad);

  s = nd_plot_model_add_series (pm[PLOT_VOLTAGE], NULL, vc ? ND_PLOT_COLOR_PURPLE : ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
  nd_plot_model_set_series_trace (pm[PLOT_VOLTAGE], s, 0.0, t->dt, vc ? t->i_clamp : t->v, t->n);
  if (vc)
    nd_plot_model_set_range_auto (pm[PLOT_VOLTAGE], ND_PLOT_AXIS_Y);
  else
    {
      /* A fixed frame keeps spikes comparable between settings; it widens when V leaves it. */
      double vlo = -90.0, vhi = 55.0;
      for (size_t j = 0; j < t->n; j++)
        vlo = MIN (vlo, t->v[j] - 5.0), vhi = MAX (vhi, t->v[j] + 5.0);
      nd_plot_model_set_range (pm[PLOT_VOLTAGE], ND_PLOT_AXIS_Y, vlo, vhi);
    }
  if (!vc)
    {
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u spike", "%u spikes", t->n_spikes),
                                                (guint) t->n_spikes);
      nd_plot_model_set_title (pm[PLOT_VOLTAGE], title);
    }
  else
    nd_plot_model_set_title (pm[PLOT_VOLTAGE], NULL);

  for (int c = 0; c < t->n_channels; c++)
    {
      s = nd_plot_model_add_series (pm[PLOT_CURRENTS], nd_explore_channel_short_name (job->base, c), COLOR (c),
                                    ND_PLOT_LINE);
      nd_plot_model_set_series_trace (pm[PLOT_CURRENTS], s, 0.0, t->dt, t->current[c], t->n);
    }
  for (int k = 0; k < t->gates.n; k++)
    {
      g_autofree char *label = nd_explore_gate_label (job->base, &t->gates, k);
      s = nd_plot_model_add_series (pm[PLOT_GATES], label, COLOR (k), ND_PLOT_LINE);
      nd_plot_model_set_series_trace (pm[PLOT_GATES], s, 0.0, t->dt, t->gate[k], t->n);
    }
}

static void
show_phase_plane (NdExploreView *self, NdExploreJob *job)
{
  NdPlotModel *pm = self->plot_model[PLOT_PHASE];
  const nd_explore_trace *t = job->trace;
  nd_plot_model_clear (pm);
  if (t->gates.n == 0)
    return;
  int k = CLAMP (job->phase_gate, 0, t->gates.n - 1);
  g_autofree char *gate = nd_explore_gate_label (job->base, &t->gates, k);
  g_autofree char *ylabel = g_strdup_printf (_("Gate %s"), gate);
  nd_plot_model_set_axis (pm, ND_PLOT_AXIS_Y, ylabel, NULL, ND_PLOT_SCALE_LINEAR);
  /* TRANSLATORS: %s is a gate such as n; the curve where the gate does not change */
  g_autofree char *gnull = g_strdup_printf (_("%s nullcline"), gate);
  guint s = nd_plot_model_add_series (pm, gnull, ND_PLOT_COLOR_GREEN, ND_PLOT_DASHED);
  nd_plot_model_set_series_data (pm, s, job->null_v, job->null_gate, ND_EXPLORE_NULL_N);
  if (job->params.clamp == ND_EXPLORE_CURRENT_CLAMP)
    {
      /* TRANSLATORS: the curve where dV/dt = 0 with the current of the resting state, in µA/cm² */
      g_autofree char *rest = nd_text_printf (_("V nullcline, %.3g µA/cm²"), job->i_rest);
      s = nd_plot_model_add_series (pm, rest, ND_PLOT_COLOR_ORANGE, ND_PLOT_DASHED);
      nd_plot_model_set_series_data (pm, s, job->null_v, job->null_rest, ND_EXPLORE_NULL_N);
      if (job->i_stim != job->i_rest)
        {
          g_autofree char *stim = nd_text_printf (_("V nullcline, %.3g µA/cm²"), job->i_stim);
          s = nd_plot_model_add_series (pm, stim, ND_PLOT_COLOR_RED, ND_PLOT_DASHED);
          nd_plot_model_set_series_data (pm, s, job->null_v, job->null_stim, ND_EXPLORE_NULL_N);
        }
    }
  s = nd_plot_model_add_series (pm, _("Trajectory"), ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
  nd_plot_model_set_series_data (pm, s, t->v, t->gate[k], t->n);
  s = nd_plot_model_add_series (pm, _("Start"), ND_PLOT_COLOR_BLUE, ND_PLOT_POINTS);
  nd_plot_model_set_series_data (pm, s, t->v, t->gate[k], 1);
}

static void
show_kinetics (NdExploreView *self, NdExploreJob *job)
{
  NdPlotModel *xinf = self->plot_model[PLOT_XINF], *tau = self->plot_model[PLOT_TAU];
  const nd_explore_gates *g = &job->trace->gates;
  nd_plot_model_clear (xinf);
  nd_plot_model_clear (tau);
  /* TRANSLATORS: plot title; %.1f is the temperature in degrees Celsius */
  g_autofree char *title = g_strdup_printf (_("Time constants at %.1f °C"), job->params.celsius);
  nd_plot_model_set_title (tau, title);
  for (int k = 0; k < g->n; k++)
    {
      g_autofree char *label = nd_explore_gate_label (job->base, g, k);
      guint s = nd_plot_model_add_series (xinf, label, COLOR (k), ND_PLOT_LINE);
      nd_plot_model_set_series_data (xinf, s, job->kin_v, job->kin_inf + k * ND_EXPLORE_KIN_N, ND_EXPLORE_KIN_N);
      s = nd_plot_model_add_series (tau, label, COLOR (k), ND_PLOT_LINE);
      nd_plot_model_set_series_data (tau, s, job->kin_v, job->kin_tau + k * ND_EXPLORE_KIN_N, ND_EXPLORE_KIN_N);
    }
  nd_plot_model_add_marker (xinf, job->v_rest, _("rest"));
}

void
nd_explore_view_show_job (NdExploreView *self, NdExploreJob *job)
{
  if (!job->trace)
    return;
  show_time_course (self, job);
  show_phase_plane (self, job);
  show_kinetics (self, job);
  nd_explore_view_check_curves (self);
}

/* Whether the cell is the same under a and b: drugs, temperature, conductances, reversal
 * potentials, concentrations, bias current and time step. */
static gboolean
same_cell (const nd_explore_params *a, const nd_explore_params *b)
{
  if (a->celsius != b->celsius || a->drugs != b->drugs || a->nernst != b->nernst || a->offset != b->offset
      || a->dt != b->dt)
    return FALSE;
  if (a->nernst && (a->na_out != b->na_out || a->na_in != b->na_in || a->k_out != b->k_out || a->k_in != b->k_in))
    return FALSE;
  for (int c = 0; c < ND_EXPLORE_MAX_CHANNELS; c++)
    if (a->gbar_scale[c] != b->gbar_scale[c]
        || (a->e_rev[c] != b->e_rev[c] && !(isnan (a->e_rev[c]) && isnan (b->e_rev[c]))))
      return FALSE;
  return TRUE;
}

void
nd_explore_view_check_curves (NdExploreView *self)
{
  const nd_explore_params *p = &self->params;
  gboolean fi = self->fi_n > 0 && (!same_cell (p, &self->fi_params) || p->fi_hi != self->fi_params.fi_hi);
  gboolean iv = self->iv_n > 0 && (!same_cell (p, &self->iv_params) || p->v_hold != self->iv_params.v_hold);
  if (fi != self->fi_stale)
    {
      self->fi_stale = fi;
      nd_plot_model_set_title (self->plot_model[PLOT_FI], fi ? _("f-I curve of earlier settings") : _("f-I curve"));
    }
  if (iv != self->iv_stale)
    {
      self->iv_stale = iv;
      nd_plot_model_set_title (self->plot_model[PLOT_IV], iv ? _("I-V curve of earlier settings") : _("I-V curve"));
    }
}

void
nd_explore_view_show_fi (NdExploreView *self)
{
  NdPlotModel *pm = self->plot_model[PLOT_FI];
  nd_plot_model_clear (pm);
  nd_plot_model_set_title (pm, self->fi_n ? _("f-I curve") : _("f-I curve: not computed yet"));
  if (self->fi_n == 0)
    return;
  /* No line across the onset: a type II neuron jumps there from silence to a finite rate. */
  g_autofree double *x = g_new (double, self->fi_n + 1), *y = g_new (double, self->fi_n + 1);
  guint m = 0;
  for (guint i = 0; i < self->fi_n; i++)
    {
      if (i > 0 && self->fi_rate[i] > 0.0 && self->fi_rate[i - 1] == 0.0)
        {
          x[m] = self->fi_current[i];
          y[m++] = NAN;
        }
      x[m] = self->fi_current[i];
      y[m++] = self->fi_rate[i];
    }
  guint s = nd_plot_model_add_series (pm, NULL, ND_PLOT_COLOR_BLUE, ND_PLOT_LINE_POINTS);
  nd_plot_model_set_series_data (pm, s, x, y, m);
  if (isfinite (self->fi_onset))
    {
      /* TRANSLATORS: marker at the current where repetitive firing starts */
      g_autofree char *label = nd_text_printf (_("onset %.2f µA/cm²"), self->fi_onset);
      nd_plot_model_add_marker (pm, self->fi_onset, label);
    }
}

void
nd_explore_view_show_iv (NdExploreView *self)
{
  NdPlotModel *pm = self->plot_model[PLOT_IV];
  nd_plot_model_clear (pm);
  nd_plot_model_set_title (pm, self->iv_n ? _("I-V curve") : _("I-V curve: not computed yet"));
  if (self->iv_n == 0)
    return;
  /* TRANSLATORS: legend of the I-V curve: total current at the end of each voltage step */
  guint s = nd_plot_model_add_series (pm, _("Total, late"), ND_PLOT_COLOR_GREY, ND_PLOT_LINE_POINTS);
  nd_plot_model_set_series_data (pm, s, self->iv_v, self->iv_late, self->iv_n);
  for (int c = 0; c < self->iv_channels && c < self->model->n_channels; c++)
    {
      const nd_channel *ch = &self->model->channels[c];
      if (ch->slot == ND_CHANNEL_KNOWN && g_str_equal (ch->kind->type, "leak"))
        continue;
      /* TRANSLATORS: legend of a channel's peak current in the I-V curve, e.g. "Na peak" */
      g_autofree char *label = g_strdup_printf (_("%s peak"), nd_explore_channel_short_name (self->model, c));
      s = nd_plot_model_add_series (pm, label, COLOR (c), ND_PLOT_LINE_POINTS);
      nd_plot_model_set_series_data (pm, s, self->iv_v, self->iv_peak + (gsize) c * self->iv_stride, self->iv_n);
    }
}
