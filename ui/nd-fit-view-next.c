/* nd-fit-view-next.c: the Fit view's Record Next group — which recording would tell the equally good fits
 * of an ensemble apart, in the amplifier's terms, with their predictions on it and its stimulus to export.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After an ensemble the runner hands over its kept fits and the options `neurode-cli fit --ensemble N
 * --propose` uses (nd_fit_runner_get_kept, propose-fit.h); nd_propose (propose.h) simulates each of them on
 * the protocols an amplifier applies and ranks the protocols by how much the fits disagree, as the CLI
 * does (test-propose-cli holds the two to the same proposals). That takes a second or more, so it runs as an
 * nd_task job on copies of the fits; the view's cancellable (a new fit, another project, the view going)
 * stops it between candidates. The best ND_FIT_VIEW_NEXT_SHOWN are offered as rows, the first chosen; the
 * "next" plot draws every kept fit's prediction on the chosen one, "next-spread" how far apart they are.
 * After a current-clamp fit the user may also ask for voltage-clamp recordings of the cell, with the clamp
 * current's noise they expect, as `--vc-noise PA` does: the two modes' candidates are ranked together, each
 * against its own noise.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nd-error.h"
#include "nd-fit-view-next.h"
#include "nd-fit-view-private.h"
#include "nd-scroll-guard.h"
#include "nd-task.h"
#include "nd-text.h"
#include "stimulus-file.h"

typedef struct
{
  nd_model **members;
  int n_members, n_out;
  nd_propose_options options;
  nd_proposal out[ND_FIT_VIEW_NEXT_SHOWN];
  double seconds;
} NextJob;

static void
next_job_free (gpointer data)
{
  NextJob *j = data;
  for (int k = 0; k < j->n_members; k++)
    nd_model_free (j->members[k]);
  g_free (j->members);
  for (int k = 0; k < j->n_out; k++)
    nd_proposal_clear (&j->out[k]);
  g_free (j);
}

static bool
job_cancelled (void *user)
{
  return g_cancellable_is_cancelled (user);
}

/* Worker thread. */
static void
next_work (gpointer data, GCancellable *cancellable)
{
  NextJob *j = data;
  gint64 t0 = g_get_monotonic_time ();
  j->options.cancelled = job_cancelled;
  j->options.cancelled_user = cancellable;
  j->n_out = MAX (0, nd_propose (j->members, j->n_members, &j->options, ND_FIT_VIEW_NEXT_SHOWN, j->out));
  j->seconds = (g_get_monotonic_time () - t0) / 1e6;
}

static gboolean
is_vc (const nd_proposal *p)
{
  return p->proto.mode == ND_PROPOSE_VC;
}

/* "current clamp: inject …" as a row title: "Current clamp: inject …". */
static char *
describe_capitalised (const nd_protocol *p)
{
  g_autofree char *d = nd_text_minus (nd_protocol_describe (p));
  if (!*d)
    return g_steal_pointer (&d);
  char first[8] = { 0 };
  g_unichar_to_utf8 (g_unichar_totitle (g_utf8_get_char (d)), first);
  return g_strconcat (first, g_utf8_next_char (d), NULL);
}

/* The noise p's score is relative to (propose.h), in its trace's unit. */
static double
noise_of (NdFitView *self, const nd_proposal *p)
{
  return nd_propose_noise (&self->next_options, p->proto.mode);
}

/* The spread of the fits' predictions (r.m.s. over samples of their s.d.), in the trace's unit. */
static double
spread (NdFitView *self, const nd_proposal *p)
{
  return sqrt (p->score) * noise_of (self, p);
}

/* A voltage-clamp candidate after a current-clamp fit: its noise is the one the user expects, not measured. */
static gboolean
noise_guessed (NdFitView *self, const nd_proposal *p)
{
  return self->next_vc_from_cc && is_vc (p);
}

static void
show_status (NdFitView *self, const char *text)
{
  gtk_label_set_text (self->next_status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->next_status), text && *text);
}

/* Every kept fit's prediction on p, and the band from the lowest to the highest of them at each time: where
 * the band opens, the fits disagree (what the proposal is for); where they agree it is a line. Up to as many
 * fits as the palette has colours, each has its own colour and legend entry; more could not be told apart,
 * so they are drawn alike and the band says where they differ. The band's width, highest minus lowest, goes
 * in the spread plot beneath: fits that differ by a few mV on a spike train's 120 mV look like one line,
 * but beside the recording's noise the difference is plain. */
static void
show_predictions (NdFitView *self, const nd_proposal *p, const char *unit)
{
  NdPlotModel *pm = self->model[FIT_PLOT_NEXT], *sm = self->model[FIT_PLOT_NEXT_SPREAD];
  g_autofree double *t = g_new (double, p->n), *lo = g_new (double, p->n), *hi = g_new (double, p->n);
  g_autofree double *zero = g_new0 (double, p->n), *width = g_new (double, p->n);
  for (size_t i = 0; i < p->n; i++)
    {
      t[i] = i * p->dt_ms;
      lo[i] = INFINITY;
      hi[i] = -INFINITY;
      for (int k = 0; k < p->n_members; k++)
        {
          lo[i] = fmin (lo[i], p->traces[(size_t) k * p->n + i]);
          hi[i] = fmax (hi[i], p->traces[(size_t) k * p->n + i]);
        }
      width[i] = hi[i] - lo[i];
    }
  gboolean own_colours = p->n_members <= ND_PLOT_COLOR_GREY;
  for (int k = 0; k < p->n_members; k++)
    {
      g_autofree char *name = g_strdup_printf (_("Fit %d"), k + 1);
      guint s = nd_plot_model_add_series (pm, own_colours ? name : NULL,
                                          own_colours ? (NdPlotColor) k : ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
      nd_plot_model_set_series_name (pm, s, name);
      nd_plot_model_set_series_trace (pm, s, 0.0, p->dt_ms, p->traces + (size_t) k * p->n, p->n);
    }
  /* Last in the legend; drawn behind the lines all the same. */
  guint band = nd_plot_model_add_series (pm, _("Where the fits disagree"), ND_PLOT_COLOR_GREY, ND_PLOT_BAND);
  nd_plot_model_set_series_band (pm, band, t, lo, hi, p->n);

  nd_plot_model_set_title (sm, _("How far apart the predictions are"));
  nd_plot_model_set_axis (sm, ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (sm, ND_PLOT_AXIS_Y, _("Difference"), unit, ND_PLOT_SCALE_LINEAR);
  /* The same grey area as the band above, its outline a line so that the y range follows it. */
  guint area = nd_plot_model_add_series (sm, _("Highest minus lowest prediction"), ND_PLOT_COLOR_GREY, ND_PLOT_BAND);
  nd_plot_model_set_series_band (sm, area, t, zero, width, p->n);
  guint edge = nd_plot_model_add_series (sm, NULL, ND_PLOT_COLOR_GREY, ND_PLOT_LINE);
  nd_plot_model_set_series_name (sm, edge, _("Highest minus lowest prediction"));
  nd_plot_model_set_series_trace (sm, edge, 0.0, p->dt_ms, width, p->n);
  const double level = noise_of (self, p);
  double noise_t[2] = { 0.0, (p->n - 1) * p->dt_ms }, noise_y[2] = { level, level };
  guint noise = nd_plot_model_add_series (sm, noise_guessed (self, p) ? _("Noise you expect of the clamp current")
                                                                      : _("Noise of the recording"),
                                          ND_PLOT_COLOR_ORANGE, ND_PLOT_DASHED);
  nd_plot_model_set_series_data (sm, noise, noise_t, noise_y, 2);
}

static void
show_chosen (NdFitView *self)
{
  NdPlotModel *pm = self->model[FIT_PLOT_NEXT];
  nd_plot_model_clear (pm);
  nd_plot_model_clear (self->model[FIT_PLOT_NEXT_SPREAD]);
  const nd_proposal *p = self->n_next > 0 ? &self->next[self->next_selected] : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->plots[FIT_PLOT_NEXT].plot), p != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->plots[FIT_PLOT_NEXT_SPREAD].plot), p != NULL);
  gtk_widget_set_sensitive (self->next_export, p != NULL);
  if (!p)
    return;
  g_autofree char *title = g_strdup_printf (_("The %d fits’ predictions on it"), p->n_members);
  nd_plot_model_set_title (pm, title);
  const char *unit = is_vc (p) ? "pA" : "mV";
  nd_plot_model_set_axis (pm, ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (pm, ND_PLOT_AXIS_Y, is_vc (p) ? _("Membrane current") : _("Membrane potential"), unit,
                          ND_PLOT_SCALE_LINEAR);
  show_predictions (self, p, unit);
  const double noise = noise_of (self, p), d = spread (self, p), ratio = d / noise;
  /* Whole sentences for the translators, one per case. */
  g_autofree char *why =
    noise_guessed (self, p)
      ? g_strdup_printf (_("The %d fits that explain the recording equally well disagree most on this one: their "
                           "predictions differ by %.2g %s on average, %.2g times the clamp current’s noise you "
                           "expect (%.2g %s)."), p->n_members, d, unit, ratio, noise, unit)
    : nd_fit_runner_get_joint (self->runner)
      ? g_strdup_printf (_("The %d fits that explain both recordings equally well disagree most on this one: their "
                           "predictions differ by %.2g %s on average, %.2g times the noise of the recordings in "
                           "this mode (%.2g %s)."), p->n_members, d, unit, ratio, noise, unit)
      : g_strdup_printf (_("The %d fits that explain the recording equally well disagree most on this one: their "
                           "predictions differ by %.2g %s on average, %.2g times the recording’s noise (%.2g %s)."),
                         p->n_members, d, unit, ratio, noise, unit);
  if (nd_proposal_hidden_by_noise (p))
    {
      g_autofree char *more = g_strdup_printf ("%s %s", why, _("Even on it the noise hides most of the difference: "
                                                               "repeat it several times."));
      show_status (self, more);
    }
  else
    show_status (self, why);
}

static void
check_toggled (GtkCheckButton *check, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  if (!gtk_check_button_get_active (check))
    return;
  for (int k = 0; k < self->n_next; k++)
    if (self->next_checks[k] == check && self->next_selected != k)
      {
        self->next_selected = k;
        show_chosen (self);
      }
}

static void
show_rows (NdFitView *self)
{
  for (int k = 0; k < ND_FIT_VIEW_NEXT_SHOWN; k++)
    {
      gboolean shown = k < self->n_next;
      gtk_widget_set_visible (self->next_rows[k], shown);
      if (!shown)
        continue;
      g_autofree char *title = describe_capitalised (&self->next[k].proto);
      const char *unit = is_vc (&self->next[k]) ? "pA" : "mV";
      g_autofree char *sub = g_strdup_printf (_("The fits differ by %.2g %s"), spread (self, &self->next[k]), unit);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->next_rows[k]), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->next_rows[k]), sub);
    }
  if (self->n_next > 0)
    {
      g_signal_handlers_block_by_func (self->next_checks[0], check_toggled, self);
      gtk_check_button_set_active (self->next_checks[0], TRUE);
      g_signal_handlers_unblock_by_func (self->next_checks[0], check_toggled, self);
    }
}

/* Main loop, view alive. */
static gboolean
next_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdFitView *self = ND_FIT_VIEW (owner);
  NextJob *j = data;
  if (cancelled)
    return FALSE;
  self->next_busy = FALSE;
  self->next_seconds = j->seconds;
  self->n_next = j->n_out;
  self->next_selected = 0;
  memcpy (self->next, j->out, sizeof j->out);
  j->n_out = 0;
  g_debug ("what to record next: %d proposals in %.2f s", self->n_next, j->seconds);
  show_rows (self);
  if (self->n_next == 0)
    show_status (self, _("None of the recordings Neurode can propose could be simulated with every kept fit."));
  show_chosen (self);
  return FALSE;
}

/* Drops the proposals and stops working one out; the group stays as it is. */
static void
drop_proposals (NdFitView *self)
{
  if (self->next_cancel)
    g_cancellable_cancel (self->next_cancel);
  g_clear_object (&self->next_cancel);
  for (int k = 0; k < self->n_next; k++)
    nd_proposal_clear (&self->next[k]);
  self->n_next = self->next_selected = 0;
  self->next_busy = FALSE;
  if (!self->next_group)
    return;
  for (int k = 0; k < ND_FIT_VIEW_NEXT_SHOWN && self->next_rows[k]; k++)
    gtk_widget_set_visible (self->next_rows[k], FALSE);
  if (self->model[FIT_PLOT_NEXT])
    show_chosen (self);
}

void
nd_fit_view_next_clear (NdFitView *self)
{
  drop_proposals (self);
  if (self->next_group)
    gtk_widget_set_visible (GTK_WIDGET (self->next_group), FALSE);
}

/* Works the proposals out anew from the runner's kept fits, with the voltage-clamp row's choice. */
static void
propose (NdFitView *self)
{
  drop_proposals (self);
  nd_model *const *kept;
  const nd_propose_options *o;
  int n_kept = nd_fit_runner_get_kept (self->runner, &kept, &o);
  int members = nd_fit_runner_get_members (self->runner, NULL, NULL);
  /* A single fit has nothing to compare, and says so elsewhere (the Uncertainty row). */
  if (members < 2 || nd_fit_runner_get_failed (self->runner))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->next_group), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->next_group), TRUE);
  /* Only a current-clamp fit can add the other mode; a voltage-clamp or joint fit proposes in both already or
   * has no current-clamp data to scale steps by. */
  gboolean cc_only = o->modes == ND_PROPOSE_CC;
  gtk_widget_set_visible (self->next_vc_row, cc_only && n_kept >= 2);
  if (n_kept < 2)
    {
      show_status (self, _("No proposal: only one fit explains the recording this well, so there is no "
                           "disagreement to settle. Fit again with more fits."));
      return;
    }
  self->next_members = n_kept;
  self->next_options = *o;
  self->next_vc_from_cc = cc_only && gtk_switch_get_active (self->next_vc_switch);
  if (self->next_vc_from_cc)
    {
      /* As neurode-cli fit --propose --vc-noise PA (cli-propose.c). */
      self->next_options.modes |= ND_PROPOSE_VC;
      self->next_options.noise_pA = gtk_spin_button_get_value (self->next_vc_noise);
    }
  self->next_busy = TRUE;
  show_status (self, _("Finding the recording on which the equally good fits disagree most…"));
  NextJob *j = g_new0 (NextJob, 1);
  j->members = g_new (nd_model *, n_kept);
  for (int k = 0; k < n_kept; k++)
    j->members[k] = nd_model_copy (kept[k]);
  j->n_members = n_kept;
  j->options = self->next_options;
  self->next_cancel = g_cancellable_new ();
  nd_task_run (self, self->next_cancel, j, next_job_free, next_work, next_done);
}

void
nd_fit_view_next_start (NdFitView *self)
{
  propose (self);
}

/* The voltage-clamp row changed: propose again from the same fits (a second or more, on its thread). */
static void
vc_changed (NdFitView *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_vc_noise), gtk_switch_get_active (self->next_vc_switch));
  if (gtk_widget_get_visible (GTK_WIDGET (self->next_group)))
    propose (self);
}

static void
vc_switch_notify (GObject *sw, GParamSpec *pspec, gpointer user_data)
{
  vc_changed (ND_FIT_VIEW (user_data));
}

static void
vc_noise_changed (GtkSpinButton *spin, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  if (gtk_switch_get_active (self->next_vc_switch))
    vc_changed (self);
}

/* "Also propose voltage-clamp recordings", with the clamp current's noise the user expects (pA). */
static void
add_vc_row (NdFitView *self)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Also Propose _Voltage-Clamp Recordings"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("If you can clamp this cell too. The number is the noise "
                                                       "you expect of its clamp current, in pA."));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  GtkWidget *spin = gtk_spin_button_new_with_range (0.5, 1000.0, 0.5);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 5.0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  /* Scrolling the view past it must not change the noise (and propose again). */
  nd_scroll_guard_spin (GTK_SPIN_BUTTON (spin));
  gtk_widget_set_sensitive (spin, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Noise of the clamp current, pA"), -1);
  gtk_widget_set_tooltip_text (spin, _("Noise of the clamp current, pA (s.d. at the recording’s bandwidth)"));
  GtkWidget *sw = gtk_switch_new ();
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  g_signal_connect (sw, "notify::active", G_CALLBACK (vc_switch_notify), self);
  g_signal_connect (spin, "value-changed", G_CALLBACK (vc_noise_changed), self);
  gtk_widget_set_visible (row, FALSE);
  adw_preferences_group_add (self->next_group, row);
  self->next_vc_row = row;
  self->next_vc_switch = GTK_SWITCH (sw);
  self->next_vc_noise = GTK_SPIN_BUTTON (spin);
}

void
nd_fit_view_next_init (NdFitView *self)
{
  self->next_seconds = NAN;
  GtkWidget *list_first = NULL;
  for (int k = 0; k < ND_FIT_VIEW_NEXT_SHOWN; k++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      if (list_first)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (list_first));
      else
        list_first = check;
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      /* The description is a sentence: it wraps rather than being cut. */
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      g_signal_connect (check, "toggled", G_CALLBACK (check_toggled), self);
      gtk_widget_set_visible (row, FALSE);
      adw_preferences_group_add (self->next_group, row);
      self->next_rows[k] = row;
      self->next_checks[k] = GTK_CHECK_BUTTON (check);
    }
  add_vc_row (self);
  GtkWidget *status = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0.0);
  gtk_widget_set_margin_top (status, 12);
  gtk_widget_add_css_class (status, "dim-label");
  adw_preferences_group_add (self->next_group, status);
  self->next_status = GTK_LABEL (status);

  /* The predictions, and beneath them how far apart they are, over the same time (zoomed together). */
  const struct { FitPlot which; const char *name; int height; } plots[] = {
    { FIT_PLOT_NEXT, "next", 220 }, { FIT_PLOT_NEXT_SPREAD, "next-spread", 160 } };
  NdPlot *column[G_N_ELEMENTS (plots)];
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      self->model[plots[i].which] = nd_plot_model_new ();
      GtkWidget *plot = nd_plot_new (self->model[plots[i].which]);
      gtk_widget_set_size_request (plot, 200, plots[i].height);
      gtk_widget_set_margin_top (plot, 6);
      gtk_widget_set_visible (plot, FALSE);
      adw_preferences_group_add (self->next_group, plot);
      self->plots[plots[i].which] = (NdNamedPlot) { plots[i].name, ND_PLOT (plot) };
      column[i] = ND_PLOT (plot);
    }
  nd_plot_align (column, G_N_ELEMENTS (plots));
}

gboolean
nd_fit_view_propose_vc (NdFitView *self, gboolean on, double noise_pA)
{
  if (!gtk_widget_get_visible (self->next_vc_row))
    return FALSE;
  gtk_spin_button_set_value (self->next_vc_noise, noise_pA);
  gtk_switch_set_active (self->next_vc_switch, on);
  return TRUE;
}

const nd_proposal *
nd_fit_view_get_proposal (NdFitView *self, gboolean *proposing)
{
  if (proposing)
    *proposing = self->next_busy;
  return self->n_next > 0 ? &self->next[self->next_selected] : NULL;
}

gboolean
nd_fit_view_choose_proposal (NdFitView *self, int i)
{
  if (i < 0 || i >= self->n_next)
    return FALSE;
  gtk_check_button_set_active (self->next_checks[i], TRUE);
  return TRUE;
}

double
nd_fit_view_get_proposal_seconds (NdFitView *self)
{
  return self->next_seconds;
}

gboolean
nd_fit_view_write_stimulus (NdFitView *self, const char *path, GError **error)
{
  const nd_proposal *p = nd_fit_view_get_proposal (self, NULL);
  if (!p)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("There is no proposed recording: run the fit with "
                                                        "Uncertainty at 2 or more first"));
      return FALSE;
    }
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *desc = nd_protocol_describe (&p->proto);
  g_autoptr (GString) text = g_str_has_suffix (lower, ".csv") ? nd_stimulus_csv (p) : nd_stimulus_atf (p, desc);
  /* g_file_set_contents writes a temporary file beside it and renames it: no half-written stimulus. */
  return g_file_set_contents (path, text->str, (gssize) text->len, error);
}
