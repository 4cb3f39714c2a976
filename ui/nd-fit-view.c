/* nd-fit-view.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-fit-view-private.h"

#include "nd-adaptive.h"

#include "clamp.h"
#include "gate-band.h"

#define CURVE_N ND_FIT_CURVE_POINTS

G_DEFINE_FINAL_TYPE (NdFitView, nd_fit_view, GTK_TYPE_BOX)

/* ---- plots ---- */

static void
setup_axes (NdFitView *self)
{
  NdPlotModel *loss = self->model[FIT_PLOT_LOSS], *trace = self->model[FIT_PLOT_TRACE];
  NdPlotModel *xinf = self->model[FIT_PLOT_XINF], *tau = self->model[FIT_PLOT_TAU];
  nd_plot_model_set_title (loss, _("Error during the fit"));
  nd_plot_model_set_axis (loss, ND_PLOT_AXIS_X, _("Iteration"), NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (loss, ND_PLOT_AXIS_Y, _("Error (RMSE)"), "mV", ND_PLOT_SCALE_LOG);
  nd_plot_model_set_axis (trace, ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (trace, ND_PLOT_AXIS_Y, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_title (xinf, _("Steady state of the learned gates"));
  nd_plot_model_set_axis (xinf, ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (xinf, ND_PLOT_AXIS_Y, _("x∞"), NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (xinf, ND_PLOT_AXIS_Y, -0.02, 1.02);
  nd_plot_model_set_title (tau, _("Time constant of the learned gates"));
  nd_plot_model_set_axis (tau, ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (tau, ND_PLOT_AXIS_Y, _("τ"), "ms", ND_PLOT_SCALE_LINEAR);
}

/* Curves of the learned gates (x_inf, tau: n_gates * CURVE_N) plus the reference channel, dashed. */
static void
show_curves (NdFitView *self, int n_gates, char **labels, const double *x_inf, const double *tau)
{
  /* Before any fit the networks are only initialised: draw the comparison channel and the data range. */
  gboolean learned = x_inf != NULL;
  double v[CURVE_N];
  for (int k = 0; k < CURVE_N; k++)
    v[k] = -100.0 + k * 160.0 / (CURVE_N - 1);
  NdPlotModel *xinf = self->model[FIT_PLOT_XINF], *tau_m = self->model[FIT_PLOT_TAU];
  nd_plot_model_clear (xinf);
  nd_plot_model_clear (tau_m);
  NdLearnedSpec l = nd_project_get_learned (self->project);
  const nd_channel_kind *ref = l.replaces[0] ? nd_channel_lookup (l.replaces) : NULL;
  double cm, area, v0, celsius;
  nd_project_get_membrane (self->project, &cm, &area, &v0, &celsius);
  static const NdPlotColor colors[] = { ND_PLOT_COLOR_BLUE, ND_PLOT_COLOR_RED };
  for (int g = 0; g < n_gates; g++)
    {
      guint sx, st;
      if (learned)
        {
          g_autofree char *label = g_strdup_printf (_("%s (learned)"), labels[g]);
          sx = nd_plot_model_add_series (xinf, label, colors[g % 2], ND_PLOT_LINE);
          st = nd_plot_model_add_series (tau_m, label, colors[g % 2], ND_PLOT_LINE);
          nd_plot_model_set_series_data (xinf, sx, v, x_inf + g * CURVE_N, CURVE_N);
          nd_plot_model_set_series_data (tau_m, st, v, tau + g * CURVE_N, CURVE_N);
        }
      if (ref && g < ref->n_gates)
        {
          double rx[CURVE_N], rt[CURVE_N];
          for (int k = 0; k < CURVE_N; k++)
            {
              nd_gate_rates r;
              ref->gates[g].rates (ref->data, v[k], celsius, &r);
              rx[k] = r.x_inf;
              rt[k] = r.tau;
            }
          g_autofree char *rl = g_strdup_printf (_("%s of %s"), ref->gates[g].name, _(ref->label));
          sx = nd_plot_model_add_series (xinf, rl, ND_PLOT_COLOR_GREY, ND_PLOT_DASHED);
          st = nd_plot_model_add_series (tau_m, rl, ND_PLOT_COLOR_GREY, ND_PLOT_DASHED);
          nd_plot_model_set_series_data (xinf, sx, v, rx, CURVE_N);
          nd_plot_model_set_series_data (tau_m, st, v, rt, CURVE_N);
        }
    }
  if (self->v_hi > self->v_lo)
    {
      nd_plot_model_add_shaded_range (xinf, self->v_lo, self->v_hi, _("Range of the data"));
      nd_plot_model_add_shaded_range (tau_m, self->v_lo, self->v_hi, _("Range of the data"));
    }
}

static void
show_model_curves (NdFitView *self, nd_model *m, gboolean fitted)
{
  int c = nd_model_learned_channel (m);
  nd_plot_model_clear (self->model[FIT_PLOT_XINF]);
  nd_plot_model_clear (self->model[FIT_PLOT_TAU]);
  if (c < 0)
    return;
  const nd_channel *ch = &m->channels[c];
  g_autofree double *x = g_new (double, ch->n_gates * CURVE_N), *t = g_new (double, ch->n_gates * CURVE_N);
  char *labels[ND_MAX_LEARNED_GATES + 1] = { NULL };
  for (int g = 0; g < ch->n_gates; g++)
    {
      labels[g] = g_strdup_printf ("%s.%s", ch->name, ch->learned[g].name);
      for (int k = 0; k < CURVE_N; k++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, -100.0 + k * 160.0 / (CURVE_N - 1), &r);
          x[g * CURVE_N + k] = r.x_inf;
          t[g * CURVE_N + k] = r.tau;
        }
    }
  show_curves (self, ch->n_gates, labels, fitted ? x : NULL, fitted ? t : NULL);
  if (fitted)
    nd_fit_view_show_bands (self, m);
  for (int g = 0; g < ch->n_gates; g++)
    g_free (labels[g]);
}

void
nd_fit_view_show_trace (NdFitView *self, const char *title, const double *obs, const double *model, gsize n, double dt)
{
  NdPlotModel *trace = self->model[FIT_PLOT_TRACE];
  nd_plot_model_clear (trace);
  nd_plot_model_set_title (trace, title);
  if (obs)
    nd_plot_model_set_series_trace (trace, nd_plot_model_add_series (trace, _("Recorded"), ND_PLOT_COLOR_GREY,
                                                                     ND_PLOT_LINE),
                                    0.0, dt, obs, n);
  if (model)
    nd_plot_model_set_series_trace (trace, nd_plot_model_add_series (trace, _("Model"), ND_PLOT_COLOR_BLUE,
                                                                     ND_PLOT_LINE),
                                    0.0, dt, model, n);
}

/* The trace plot shows V (current clamp) or the membrane current (voltage clamp). The loss plot draws the
 * RMSE (show_loss), of a clamp fit in units of 1 % of the current's range (fit.h). */
void
nd_fit_view_set_trace_axis (NdFitView *self, gboolean current)
{
  nd_plot_model_set_axis (self->model[FIT_PLOT_TRACE], ND_PLOT_AXIS_Y,
                          current ? _("Membrane current") : _("Membrane potential"), current ? "pA" : "mV",
                          ND_PLOT_SCALE_LINEAR);
}

void
nd_fit_view_set_clamp_axes (NdFitView *self, gboolean current)
{
  nd_fit_view_set_trace_axis (self, current);
  /* A joint fit's error adds the current-clamp sweeps' (mV) to the voltage-clamp ones' (% of the current). */
  const char *unit = nd_fit_runner_get_joint (self->runner) ? (current ? "%, mV" : "mV, %") : current ? "%" : "mV";
  nd_plot_model_set_axis (self->model[FIT_PLOT_LOSS], ND_PLOT_AXIS_Y, _("Error (RMSE)"), unit, ND_PLOT_SCALE_LOG);
}

/* A point of y with no finite neighbour: a line draws nothing there. */
static gboolean
has_lone_point (const double *y, guint n)
{
  for (guint i = 0; i < n; i++)
    if (isfinite (y[i]) && (i == 0 || !isfinite (y[i - 1])) && (i + 1 == n || !isfinite (y[i + 1])))
      return TRUE;
  return FALSE;
}

/* What the empty error plot says: before a fit, and while a real cell's fit searches (no gradient step has
 * an error yet, for a minute or more). */
static void
set_loss_placeholder (NdFitView *self, gboolean searching)
{
  nd_plot_set_placeholder (self->plots[FIT_PLOT_LOSS].plot,
                           searching ? _("The fit searches the conductances and kinetics first; the error of every "
                                         "step appears here after the search")
                                     : _("The error of every step appears here once the fit starts"));
}

/* The losses are mean squared errors (mV²); people read their square roots, the RMSE in mV. val NULL: not
 * drawn (a spike-aware fit's validation losses are scores, not squared errors). free_run (NULL: not known)
 * marks the steps whose model ran free: a stage that pulls the model towards the recording has errors of
 * another size (0.1-1 mV where the free run's are 10 mV on a real cell), so the two are drawn apart rather
 * than as one line that seems to jump up at the end. */
static void
show_loss (NdFitView *self, const double *x, const double *train, const double *val, const guint8 *free_run,
           guint n)
{
  NdPlotModel *loss = self->model[FIT_PLOT_LOSS];
  nd_plot_model_clear (loss);
  if (n == 0)
    return;
  guint n_free = 0;
  for (guint i = 0; free_run && i < n; i++)
    n_free += free_run[i] != 0;
  const gboolean split = n_free > 0 && n_free < n;
  g_autofree double *rmse = g_new (double, n), *rmse_free = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      const double r = train[i] >= 0.0 ? sqrt (train[i]) : NAN;
      const gboolean is_free = split && free_run[i];
      rmse[i] = is_free ? NAN : r;
      rmse_free[i] = is_free ? r : NAN;
    }
  /* The live history has the engine's progress reports, not every step, so a short stage may be one point:
   * drawn as dots then (a fresh-clone run's screenshot showed an empty plot for a stage of one point each). */
  guint st = nd_plot_model_add_series (loss, split ? _("Training, following the recording") : _("Training"),
                                       ND_PLOT_COLOR_BLUE,
                                       split && has_lone_point (rmse, n) ? ND_PLOT_LINE_POINTS : ND_PLOT_LINE);
  nd_plot_model_set_series_data (loss, st, x, rmse, n);
  if (split)
    nd_plot_model_set_series_data (loss,
                                   nd_plot_model_add_series (loss, _("Training, running free"), ND_PLOT_COLOR_PURPLE,
                                                             has_lone_point (rmse_free, n) ? ND_PLOT_LINE_POINTS
                                                                                           : ND_PLOT_LINE),
                                   x, rmse_free, n);
  /* Validation runs every few iterations: draw the points it has, joined. */
  g_autofree double *vx = g_new (double, n + 1), *vy = g_new (double, n + 1);
  guint m = 0;
  for (guint i = 0; val && i < n; i++)
    if (isfinite (val[i]) && val[i] >= 0.0 && (m == 0 || sqrt (val[i]) != vy[m - 1]))
      vx[m] = x[i], vy[m++] = sqrt (val[i]);
  if (m > 0)
    nd_plot_model_set_series_data (loss,
                                   nd_plot_model_add_series (loss, _("Validation"), ND_PLOT_COLOR_ORANGE,
                                                             ND_PLOT_LINE_POINTS),
                                   vx, vy, m);
}

static void
update_buttons (NdFitView *self)
{
  gboolean can_accept = nd_fit_view_update_actions (self);
  /* Accepting is the suggested next step only for a fit that reproduces the recording. */
  if (can_accept && self->shown_from_fit && nd_fit_view_fit_good (self))
    gtk_widget_add_css_class (self->accept_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->accept_button, "suggested-action");
  NdFitState st = nd_fit_runner_get_state (self->runner);
  nd_fit_view_bands_set_sensitive (self, st == ND_FIT_IDLE || st == ND_FIT_FINISHED);
  gtk_widget_set_visible (self->pause_button, st != ND_FIT_PAUSED);
  gtk_widget_set_visible (self->resume_button, st == ND_FIT_PAUSED);
}

static void
describe_ready (NdFitView *self)
{
  NdRecording *rec = self->project ? nd_project_get_recording (self->project) : NULL;
  if (!rec)
    {
      gtk_label_set_text (self->status, self->project && nd_project_get_recording_missing (self->project)
                                          ? _("Locate the project’s recording to fit.") : _("Open a recording to fit."));
      return;
    }
  guint nt = 0, nv = 0;
  for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
    {
      NdSweepRole r = nd_project_get_sweep_role (self->project, s);
      nt += r == ND_SWEEP_TRAIN;
      nv += r == ND_SWEEP_VALIDATE;
    }
  g_autofree char *a = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ready to fit %u training sweep",
                                                     "Ready to fit %u training sweeps", nt), nt);
  g_autofree char *b = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sweep checks the result.",
                                                     "%u sweeps check the result.", nv), nv);
  g_autofree char *text = g_strdup_printf ("%s; %s", a, b);
  gtk_label_set_text (self->status, text);
}

char *
nd_fit_view_format_duration (double s)
{
  if (s < 60.0)
    return g_strdup_printf (_("%.0f s"), ceil (s));
  return g_strdup_printf (_("%.0f min %02.0f s"), floor (s / 60.0), fmod (floor (s), 60.0));
}

/* What the fit is doing, in words: where it is, the stage explained, the errors as RMSE in mV. */
static char *
describe_step (const NdFitSnapshot *s, gboolean spike_aware)
{
  int restarts = MAX (s->restarts, 1), restart = MIN (s->restart + 1, restarts);
  if (s->searching)
    {
      g_autofree char *start = restarts > 1 ? g_strdup_printf (_("Fitting: restart %d of %d"), restart, restarts)
                                            : g_strdup (_("Fitting"));
      /* Translators: "Fitting: restart 1 of 2 · searching …: simulation 120 of 600". */
      return g_strdup_printf (_("%s · searching conductances and kinetics: simulation %d of %d\n"
                                "Many models are simulated to start near one that fires like the cell, before the "
                                "gradient steps."),
                              start, s->search_done, s->search_total);
    }
  g_autofree char *where = restarts > 1
    ? g_strdup_printf (_("Fitting: restart %d of %d, step %d of %d"), restart, restarts, s->iteration, s->iterations)
    : g_strdup_printf (_("Fitting: step %d of %d"), s->iteration, s->iterations);
  const char *stage = s->horizon > 0
    ? _("following the recording: the model is pulled towards the recorded voltage as it runs, so it learns the "
        "currents before it has to fire on its own")
    : _("running free: the model runs from the stimulus alone, as it will after the fit");
  g_autofree char *stage_line = g_strdup_printf (_("Stage %d of %d, %s."), MIN (s->stage + 1, MAX (s->n_stages, 1)),
                                                 MAX (s->n_stages, 1), stage);
  g_autofree char *train = isfinite (s->train_loss) && s->train_loss >= 0.0
    ? g_strdup_printf (_("training error %.2f mV RMSE"), sqrt (s->train_loss)) : g_strdup (_("training error not defined"));
  /* A spike-aware fit's validation losses are scores, not squared errors: no RMSE to show for them. */
  g_autofree char *val = !spike_aware && isfinite (s->best_val_loss) && s->best_val_loss >= 0.0
    ? g_strdup_printf (_("best on validation %.2f mV RMSE"), sqrt (s->best_val_loss)) : NULL;
  /* Translators: "Fitting: step 120 of 400 · training error 2.30 mV RMSE". */
  g_autofree char *first = g_strdup_printf (_("%s · %s"), where, train);
  return val ? g_strdup_printf ("%s · %s\n%s", first, val, stage_line) : g_strdup_printf ("%s\n%s", first, stage_line);
}

/* The same, and what the alternative start assumes (fit.h): the Model view shows the offset if it is kept. */
static char *
describe_progress (const NdFitSnapshot *s, gboolean spike_aware)
{
  g_autofree char *step = describe_step (s, spike_aware);
  if (!s->alternative)
    return g_steal_pointer (&step);
  return g_strdup_printf (_("%s\nThis start assumes sodium channels that inactivate %.0f mV further depolarised than "
                            "published, as in cells that fire from a plateau; it is kept only if it fits the "
                            "validation sweeps better."), step, ND_FIT_ALT_INACT_MV);
}

static void
runner_progress (NdFitRunner *runner, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  const NdFitSnapshot *s = nd_fit_runner_get_snapshot (runner);
  /* The plots change only with a new snapshot; an ensemble's signals in between move the bar. */
  if (nd_fit_runner_snapshot_is_new (runner))
    {
      set_loss_placeholder (self, s->searching);
      const double *x, *tr, *va;
      guint n = nd_fit_runner_get_history (runner, &x, &tr, &va);
      show_loss (self, x, tr, nd_fit_runner_get_spike_aware (runner) ? NULL : va,
                 nd_fit_runner_get_history_free (runner), n);
      show_curves (self, s->n_gates, s->gate_labels, s->x_inf, s->tau);
      /* The fit draws the model running free in every stage (a stage that follows the recording trains on
       * traces pulled towards it, which would look better than the model is). */
      const char *title = s->trace_current ? _("First training sweep: the model’s membrane current under the recorded command")
                                           : _("First training sweep, the model running free");
      nd_fit_view_set_clamp_axes (self, s->trace_current);
      nd_fit_view_show_trace (self, title, s->trace_obs, s->trace_v, s->trace_n, s->trace_dt);
    }
  /* The bar is the running time over the running time and the time left: the engine prices the
   * search's simulations and the gradient steps each at what they have cost (fit-eta.h); counting
   * both as iterations made the time left grow as a real cell's fit ran. It never moves back. */
  const gboolean timed = isfinite (s->seconds_left);
  double frac = timed && s->elapsed_s + s->seconds_left > 0.0 ? s->elapsed_s / (s->elapsed_s + s->seconds_left)
              : s->total > 0 ? (double) s->done / s->total : 0.0;
  frac = self->bar_fraction = MAX (self->bar_fraction, frac);
  /* An ensemble: the bar counts its fits, the status says how many are done above the first one's progress. */
  g_autofree char *members = nd_fit_view_describe_members (self, &frac, frac, s);
  gtk_progress_bar_set_fraction (self->progress, frac);
  g_autofree char *left = timed ? nd_fit_view_format_duration (s->seconds_left) : NULL;
  g_autofree char *text = members ? NULL
    /* The status below says which step of which stage; the bar says how long (its counts weigh a search's
     * simulations and a step alike, which they are not). */
    : left ? g_strdup_printf (_("about %s left"), left)
           : g_strdup_printf (_("Iteration %d of %d"), s->done, s->total);
  gtk_progress_bar_set_text (self->progress, members ? members : text);
  g_autofree char *status = s->trace_current && !s->searching
    ? g_strdup_printf (_("Fitting: step %d of %d · RMSE %.3g pA of membrane current under the recorded command"),
                       s->iteration, s->iterations, s->i_unit_pA * sqrt (fmax (s->train_loss, 0.0)))
    : describe_progress (s, nd_fit_runner_get_spike_aware (runner));
  /* An ensemble's count and time left are on the bar just above: the status says what the first fit does. */
  gtk_label_set_text (self->status, status);
}

static void
runner_state_changed (NdFitRunner *runner, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  NdFitState st = nd_fit_runner_get_state (runner);
  update_buttons (self);
  if (st != ND_FIT_RUNNING && st != ND_FIT_PAUSED)
    set_loss_placeholder (self, FALSE);
  /* A new fit: the last one's proposal is not this one's. */
  if (st == ND_FIT_RUNNING)
    nd_fit_view_next_clear (self);
  if (st == ND_FIT_PAUSED)
    gtk_label_set_text (self->status, _("Paused. Resume to go on, or stop to keep the best result so far."));
  else if (st == ND_FIT_STOPPING)
    gtk_label_set_text (self->status, _("Stopping after this iteration…"));
  else if (st == ND_FIT_SCORING)
    gtk_label_set_text (self->status, _("Running the fitted model on every sweep to compare it with the recording…"));
}

static void
runner_finished (NdFitRunner *runner, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  nd_model *m = nd_fit_runner_get_model (runner);
  guint n;
  const NdSweepScore *scores = nd_fit_runner_get_scores (runner, &n);
  const nd_fit_result *r = nd_fit_runner_get_result (runner);
  gtk_progress_bar_set_fraction (self->progress, 1.0);
  int kept, members = nd_fit_runner_get_members (runner, NULL, &kept);
  g_autofree char *done = members >= 2 ? g_strdup_printf (_("%d fits, %d kept"), members, kept)
                                       : g_strdup_printf (_("%d iterations"), r->iterations_done);
  gtk_progress_bar_set_text (self->progress, done);
  gtk_label_set_text (self->outcome, nd_fit_runner_get_outcome (runner));
  gtk_widget_set_visible (GTK_WIDGET (self->outcome), TRUE);
  if (nd_fit_runner_get_failed (runner))
    gtk_widget_add_css_class (GTK_WIDGET (self->outcome), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->outcome), "error");
  show_model_curves (self, m, TRUE);
  /* An ensemble's plot followed member 0 live; the model is the best member's: its own error history. */
  if (members >= 2 && r->n_history > 0)
    {
      g_autofree double *x = g_new (double, r->n_history);
      for (int i = 0; i < r->n_history; i++)
        x[i] = i + 1;
      show_loss (self, x, r->history_train, nd_fit_runner_get_spike_aware (runner) ? NULL : r->history_val,
                 r->history_free, (guint) r->n_history);
    }
  self->accepted = FALSE;
  nd_fit_view_show_scores (self, scores, n, TRUE);
  /* The status says whether to accept, and why not; the outcome line above it how the fit ended. */
  if (self->verdict.good && !nd_fit_view_fit_good (self))
    gtk_label_set_text (self->status, _("Accepting this fit is not recommended: it reproduces this recording, but not "
                                        "the one fitted together with it (below). Check that both are of the same cell "
                                        "in the same state, or fit this recording alone."));
  else
    gtk_label_set_text (self->status, self->verdict.advice ? self->verdict.advice : "");
  int shown = nd_fit_view_default_overlay (self);
  if (shown >= 0)
    nd_fit_view_show_overlay (self, (guint) shown);
  nd_fit_view_next_start (self);
  update_buttons (self);
}

/* ---- actions ---- */

gboolean
nd_fit_view_start (NdFitView *self, GError **error)
{
  nd_model *m = nd_project_get_model (self->project);
  /* The user's choices; the rest is planned as neurode-cli fit plans it (fit-plan.h). */
  NdFitPlanSpec choices;
  nd_fit_plan_spec_init (&choices);
  if (self->settings)
    {
      choices.max_dt_ms = g_settings_get_double (self->settings, "integration-step-ms");
      choices.iterations = g_settings_get_int (self->settings, "fit-iterations");
      choices.restarts = g_settings_get_int (self->settings, "fit-restarts");
      /* -1, Automatic, is the engine's ND_FIT_AUTO. */
      choices.search_evals = g_settings_get_int (self->settings, "fit-search");
    }
  choices.progress_interval_s = 0.05;
  nd_fit_runner_set_ensemble (self->runner, nd_fit_view_bands_members (self));
  NdProjectSweeps *sw = nd_project_make_fit (self->project, m, &choices, error);
  if (!sw)
    return FALSE;
  /* The shaded range: where the training data's potential went (in voltage clamp, the command). */
  nd_fit_v_range (sw->sweeps, (int) sw->n_train, &self->v_lo, &self->v_hi);
  if (!nd_fit_runner_start (self->runner, sw, error))
    return FALSE;
  self->bar_fraction = 0.0;
  gtk_widget_set_visible (GTK_WIDGET (self->outcome), FALSE);
  nd_fit_view_show_scores (self, NULL, 0, FALSE);
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  gtk_progress_bar_set_text (self->progress, _("Starting…"));
  self->accepted = FALSE;
  update_buttons (self);
  return TRUE;
}

void
nd_fit_view_pause (NdFitView *self, gboolean paused)
{
  nd_fit_runner_pause (self->runner, paused);
}

void
nd_fit_view_stop (NdFitView *self)
{
  nd_fit_runner_stop (self->runner);
}

gboolean
nd_fit_view_accept (NdFitView *self)
{
  nd_model *m = nd_fit_runner_get_model (self->runner);
  const nd_fit_result *r = nd_fit_runner_get_result (self->runner);
  if (!m || !r || self->accepted)
    return FALSE;
  guint n;
  const NdSweepScore *scores = nd_fit_runner_get_scores (self->runner, &n);
  self->accepted = TRUE;
  nd_project_accept_model (self->project, m, scores, n, r->history_train, r->history_val, r->history_free,
                           (guint) r->n_history);
  gtk_label_set_text (self->status, _("The fitted model is now the project’s model."));
  update_buttons (self);
  return TRUE;
}

NdFitRunner *
nd_fit_view_get_runner (NdFitView *self)
{
  return self->runner;
}

nd_model *
nd_fit_view_get_export_model (NdFitView *self)
{
  nd_model *m = nd_fit_runner_get_model (self->runner);
  return m && !self->accepted ? m : nd_project_get_model (self->project);
}

const char *
nd_fit_view_get_verdict (NdFitView *self, gboolean *good)
{
  if (good)
    *good = nd_fit_view_fit_good (self);
  return self->verdict.summary;
}

const NdNamedPlot *
nd_fit_view_get_plots (NdFitView *self, guint *n_plots)
{
  *n_plots = FIT_N_PLOTS;
  return self->plots;
}

NdPlot *
nd_fit_view_get_plot (NdFitView *self, const char *name)
{
  for (guint i = 0; i < FIT_N_PLOTS; i++)
    if (g_str_equal (self->plots[i].name, name))
      return self->plots[i].plot;
  return NULL;
}

/* Field by field (the struct has padding); NaN equals NaN. */
static gboolean
scores_equal (const NdSweepScore *a, const NdSweepScore *b)
{
  const double x[] = { a->rmse_mV, a->first_spike_shift_ms, a->subthreshold_rmse_mV, a->rmse_pA, a->peak_pA,
                       a->peak_model_pA };
  const double y[] = { b->rmse_mV, b->first_spike_shift_ms, b->subthreshold_rmse_mV, b->rmse_pA, b->peak_pA,
                       b->peak_model_pA };
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    if (!(x[i] == y[i] || (isnan (x[i]) && isnan (y[i]))))
      return FALSE;
  return a->sweep == b->sweep && a->role == b->role && a->spikes_recorded == b->spikes_recorded
         && a->spikes_model == b->spikes_model && !a->voltage_clamp == !b->voltage_clamp;
}

/* The state before any fit: the project's model and recording, and the accepted results. */
static void
show_project (NdFitView *self)
{
  NdFitState st = nd_fit_runner_get_state (self->runner);
  if (st != ND_FIT_IDLE && st != ND_FIT_FINISHED)
    return;
  if (st == ND_FIT_FINISHED && !self->accepted)
    return;
  /* The first training sweep only: a project edit must not read the whole recording. */
  self->v_lo = self->v_hi = 0.0;
  NdRecording *rec = nd_project_get_recording (self->project);
  int first = -1;
  for (guint s = 0; rec && s < nd_recording_n_sweeps (rec) && first < 0; s++)
    if (nd_project_get_sweep_role (self->project, s) == ND_SWEEP_TRAIN)
      first = (int) s;
  NdSweepTrace tr = { 0 };
  NdClampTrace cl = { 0 };
  if (first >= 0 && nd_recording_is_voltage_clamp (rec) && nd_recording_get_vc_sweep (rec, (guint) first, &cl, NULL)
      && cl.n > 1)
    {
      /* Voltage clamp: the recorded current; the shaded range is the command's. */
      self->v_lo = INFINITY;
      self->v_hi = -INFINITY;
      for (gsize j = 0; j < cl.n; j++)
        {
          self->v_lo = MIN (self->v_lo, cl.v_cmd_mV[j]);
          self->v_hi = MAX (self->v_hi, cl.v_cmd_mV[j]);
        }
      g_autofree char *title = g_strdup_printf (_("Sweep %u, recorded"), (guint) first + 1);
      nd_fit_view_set_clamp_axes (self, TRUE);
      nd_fit_view_show_trace (self, title, cl.i_pA, NULL, cl.n, cl.t_ms[1] - cl.t_ms[0]);
      nd_clamp_trace_clear (&cl);
    }
  else if (first >= 0 && !nd_recording_is_voltage_clamp (rec) && nd_recording_get_cc_sweep (rec, (guint) first, &tr, NULL)
           && tr.n > 1)
    {
      nd_fit_view_set_clamp_axes (self, FALSE);
      self->v_lo = INFINITY;
      self->v_hi = -INFINITY;
      for (gsize j = 0; j < tr.n; j++)
        {
          self->v_lo = MIN (self->v_lo, tr.v_mV[j]);
          self->v_hi = MAX (self->v_hi, tr.v_mV[j]);
        }
      g_autofree char *title = g_strdup_printf (_("Sweep %u, recorded"), (guint) first + 1);
      nd_fit_view_show_trace (self, title, tr.v_mV, NULL, tr.n, tr.t_ms[1] - tr.t_ms[0]);
    }
  else
    nd_fit_view_show_trace (self, NULL, NULL, NULL, 0, 1.0);
  nd_sweep_trace_clear (&tr);
  /* A model fitted several times keeps the range of all its training sweeps with its bands (gate-band.h):
   * the range the fit saw, not only the first sweep's. */
  nd_model *pm = nd_project_get_model (self->project);
  const int lc = pm ? nd_model_learned_channel (pm) : -1;
  const nd_gate_band *band = lc >= 0 ? nd_model_gate_band (pm, lc, 0) : NULL;
  if (band && nd_gate_band_has_range (band))
    {
      self->v_lo = band->v_data_lo;
      self->v_hi = band->v_data_hi;
    }
  show_model_curves (self, pm, nd_project_get_fitted (self->project));
  const double *val;
  const guint8 *running_free;
  guint n;
  const double *train = nd_project_get_loss (self->project, &val, &running_free, &n);
  g_autofree double *x = g_new (double, n + 1);
  for (guint i = 0; i < n; i++)
    x[i] = i + 1;
  /* A real cell's fit (known channels fitted) was spike-aware: its validation losses are scores. */
  /* A project of before the stages were kept has none: one line. */
  show_loss (self, x, train, nd_fit_real_cell (nd_project_get_model (self->project)) ? NULL : val, running_free, n);
  guint ns;
  const NdSweepScore *scores = nd_project_get_scores (self->project, &ns);
  /* The rows stay (and the sweep drawn with them) while the project's results are the same. After Accept
   * they are the finished fit's, whose traces the runner still has. */
  gboolean from_fit = st == ND_FIT_FINISHED && self->accepted;
  gboolean same = from_fit == self->shown_from_fit && ns == self->shown->len;
  for (guint i = 0; same && i < ns; i++)
    same = scores_equal (&scores[i], &g_array_index (self->shown, NdSweepScore, i));
  if (!same)
    nd_fit_view_show_scores (self, scores, ns, from_fit);
  else if (self->overlay >= 0)
    nd_fit_view_show_overlay (self, (guint) self->overlay);
  if (st == ND_FIT_IDLE)
    {
      describe_ready (self);
      /* A project opened with its fit results: no fit ran in this window, but the model is fitted. */
      gboolean fitted = nd_project_get_fitted (self->project);
      gtk_progress_bar_set_fraction (self->progress, fitted ? 1.0 : 0.0);
      gtk_progress_bar_set_text (self->progress, fitted ? _("Fitted: the results below") : _("Not started"));
    }
  update_buttons (self);
}

static void
project_changed (NdProject *project, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  nd_fit_view_with_update (self);
  /* Cheap enough to follow every edit; the recording is read from memory or a mapped file. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    show_project (self);
  else
    update_buttons (self);
}

static void
nd_fit_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (nd_fit_view_parent_class)->map (widget);
  show_project (ND_FIT_VIEW (widget));
}

static void
watch_runner (NdFitView *self)
{
  g_signal_connect (self->runner, "progress", G_CALLBACK (runner_progress), self);
  g_signal_connect (self->runner, "state-changed", G_CALLBACK (runner_state_changed), self);
  g_signal_connect (self->runner, "finished", G_CALLBACK (runner_finished), self);
}

/* Another project took this one's place: a fit of the old one is stopped and forgotten, so that nothing
 * of it (its plots, results, Accept Fit) reaches the new project. */
static void
project_loaded (NdProject *project, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  if (nd_fit_runner_get_state (self->runner) != ND_FIT_IDLE)
    {
      g_signal_handlers_disconnect_by_data (self->runner, self);
      /* The last reference: its dispose stops the fit's thread. */
      g_object_unref (self->runner);
      self->runner = nd_fit_runner_new ();
      watch_runner (self);
      nd_fit_view_next_clear (self);
      self->accepted = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->outcome), FALSE);
      gtk_progress_bar_set_fraction (self->progress, 0.0);
      gtk_progress_bar_set_text (self->progress, _("Not started"));
    }
  project_changed (project, self);
}

void
nd_fit_view_set_project (NdFitView *self, NdProject *project, GSettings *settings)
{
  g_return_if_fail (self->project == NULL);
  self->project = g_object_ref (project);
  self->settings = settings ? g_object_ref (settings) : NULL;
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed), self, 0);
  g_signal_connect_object (project, "loaded", G_CALLBACK (project_loaded), self, 0);
  nd_fit_view_results_set_project (self);
  nd_fit_view_bands_set_settings (self);
  nd_fit_view_with_update (self);
  show_project (self);
}

static void
nd_fit_view_dispose (GObject *object)
{
  NdFitView *self = ND_FIT_VIEW (object);
  if (self->runner)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  nd_fit_view_results_dispose (self);
  nd_fit_view_next_clear (self);
  g_clear_object (&self->runner);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);
  for (guint i = 0; i < FIT_N_PLOTS; i++)
    g_clear_object (&self->model[i]);
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_FIT_VIEW);
  G_OBJECT_CLASS (nd_fit_view_parent_class)->dispose (object);
}

static void
nd_fit_view_finalize (GObject *object)
{
  nd_fit_view_results_finalize (ND_FIT_VIEW (object));
  nd_fit_view_with_finalize (ND_FIT_VIEW (object));
  G_OBJECT_CLASS (nd_fit_view_parent_class)->finalize (object);
}

/* Narrow: the side column goes below the plots and scrolls with them; the plots get the window's width. */
static void
narrow_changed (NdAdaptive *adaptive, GParamSpec *pspec, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  gboolean narrow = nd_adaptive_get_narrow (adaptive);
  nd_adaptive_scroll_alone (self->side_scroller, narrow);
  gtk_widget_set_size_request (GTK_WIDGET (self->side_scroller), narrow ? -1 : 330, -1);
  gtk_widget_set_margin_end (GTK_WIDGET (self->plot_grid), narrow ? 12 : 0);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->plot_grid), narrow ? 0 : 12);
}

static void
nd_fit_view_class_init (NdFitViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nd_fit_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = nd_fit_view_finalize;
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  widget_class->map = nd_fit_view_map;
  g_type_ensure (ND_TYPE_ADAPTIVE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/nd-fit-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NdFitView, plot_grid);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, side_scroller);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, resume_button);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, stop_button);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, progress);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, outcome);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, status);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, results);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, accept_button);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, export_button);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, uncertainty);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, next_group);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, with_results);
  gtk_widget_class_bind_template_child (widget_class, NdFitView, next_export);
  gtk_widget_class_bind_template_callback (widget_class, narrow_changed);
  nd_fit_view_install_actions (widget_class);
  nd_fit_view_with_install_actions (widget_class);
}

/* The plots of the list, into a grid of two columns; a column's plots share their left margin. */
static void
add_plots (NdFitView *self, GtkGrid *grid)
{
  /* The exported files' names (nd_fit_view_get_plots), in FitPlot order. */
  static const char *const names[FIT_N_GRID_PLOTS] = { "loss", "trace", "xinf", "tau" };
  for (guint i = 0; i < FIT_N_GRID_PLOTS; i++)
    {
      self->model[i] = nd_plot_model_new ();
      GtkWidget *plot = nd_plot_new (self->model[i]);
      gtk_widget_set_hexpand (plot, TRUE);
      gtk_widget_set_vexpand (plot, TRUE);
      /* Small enough that the results column stays in an 800 px wide window. */
      gtk_widget_set_size_request (plot, 200, 180);
      gtk_grid_attach (grid, plot, (int) i % 2, (int) i / 2, 1, 1);
      self->plots[i] = (NdNamedPlot) { names[i], ND_PLOT (plot) };
    }
  set_loss_placeholder (self, FALSE);
  for (guint col = 0; col < 2; col++)
    {
      NdPlot *column[FIT_N_GRID_PLOTS];
      guint n = 0;
      for (guint i = col; i < FIT_N_GRID_PLOTS; i += 2)
        column[n++] = self->plots[i].plot;
      nd_plot_align (column, n);
    }
}

static void
nd_fit_view_init (NdFitView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->runner = nd_fit_runner_new ();
  nd_fit_view_results_init (self);
  watch_runner (self);
  nd_fit_view_bands_init (self);
  nd_fit_view_with_init (self);
  add_plots (self, self->plot_grid);
  setup_axes (self);
  nd_fit_view_next_init (self);

  GtkBuilder *builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/nd-export-menu.ui");
  gtk_menu_button_set_menu_model (self->export_button, G_MENU_MODEL (gtk_builder_get_object (builder, "export_menu")));
  g_object_unref (builder);

  nd_fit_view_show_scores (self, NULL, 0, FALSE);
  update_buttons (self);
}
