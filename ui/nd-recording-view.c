/* nd-recording-view.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-adaptive.h"
#include "nd-cell-card.h"
#include "nd-recording-view.h"
#include "nd-rows.h"
#include "nd-scroll-guard.h"
#include "nd-text.h"

/* Longer sweeps are reduced to min/max pairs before they reach the plot model. */
#define DIRECT_LIMIT 200000
#define MINMAX_BINS 4000

struct _NdRecordingView
{
  GtkBox parent_instance;

  NdProject *project;
  int shown;                 /* sweep, or -1 for all */
  gboolean syncing;

  NdPlotModel *trace_model, *stim_model;
  GPtrArray *file_rows, *sweep_rows;   /* rows we added, to remove them */
  GArray *stim_choices;      /* int: -2 none, -1 protocol, >= 0 signal */

  /* From the template. */
  NdPlot *trace_plot, *stim_plot;
  NdNamedPlot plots[2];       /* the two, as a list (nd_recording_view_get_plots) */
  GtkStack *stack;            /* "empty" (no recording yet), "missing" (the project's was not found) or "content" */
  AdwStatusPage *missing;
  AdwPreferencesGroup *file_group, *sweep_group, *stim_group;
  AdwComboRow *show_row;
  GtkSpinButton *start_spin, *end_spin, *area_spin;
  AdwComboRow *stim_row;
  NdCellCard *cell_card;
  gboolean rebuilding;       /* rebuild_all is measuring: no separate redraw */
  double detail_lo, detail_hi; /* the zoom the long sweeps were read for (NAN: none) */
  guint detail_timeout;
};

G_DEFINE_FINAL_TYPE (NdRecordingView, nd_recording_view, GTK_TYPE_BOX)

static NdPlotColor
role_color (NdSweepRole role)
{
  return role == ND_SWEEP_TRAIN ? ND_PLOT_COLOR_BLUE : role == ND_SWEEP_VALIDATE ? ND_PLOT_COLOR_ORANGE
                                                                                   : ND_PLOT_COLOR_GREY;
}

static const char *
axis_label (NdQuantity q, const char *fallback)
{
  return q == ND_QUANTITY_VOLTAGE ? _("Membrane potential") : q == ND_QUANTITY_CURRENT ? _("Current") : fallback;
}

/* Appends the min/max envelope of samples [first, first + n) in `bins` bins (two points per bin). */
static gboolean
append_envelope (NdRecording *rec, guint sweep, guint signal, gsize first, gsize n, gsize bins, double t0,
                 double dt, GArray *xs, GArray *ys)
{
  bins = MIN (bins, n);
  if (bins == 0)
    return TRUE;
  g_autofree double *mins = g_new (double, bins), *maxs = g_new (double, bins);
  if (!nd_recording_minmax (rec, sweep, signal, first, n, bins, mins, maxs, NULL))
    return FALSE;
  double bin = (double) n / bins * dt;
  for (gsize b = 0; b < bins; b++)
    {
      double x = t0 + first * dt + (b + 0.5) * bin;
      g_array_append_val (xs, x);
      g_array_append_val (xs, x);
      g_array_append_val (ys, mins[b]);
      g_array_append_val (ys, maxs[b]);
    }
  return TRUE;
}

/* One sweep of a signal (or of the stimulus when signal < 0) as plot data. A sweep too long to hand to
 * the plot whole is an envelope of MINMAX_BINS bins, with every sample of the time zoomed in on (t_lo to
 * t_hi ms, when set) as long as that is not too long either: the plot's own min/max per pixel column then
 * sees the real samples there. */
static void
add_sweep_series (NdPlotModel *model, NdRecording *rec, guint sweep, int signal, NdPlotColor color, double t_lo,
                  double t_hi)
{
  gsize n = nd_recording_sweep_length (rec, sweep);
  double dt = 1000.0 / nd_recording_sample_rate_hz (rec), t0 = nd_recording_sweep_t0_ms (rec, sweep);
  guint series = nd_plot_model_add_series (model, NULL, color, ND_PLOT_LINE);
  /* The pointer readout names the sweep under it. */
  g_autofree char *name = g_strdup_printf (_("Sweep %u"), sweep + 1);
  nd_plot_model_set_series_name (model, series, name);
  if (n == 0)
    return;
  if (n <= DIRECT_LIMIT || signal < 0)
    {
      g_autofree double *y = g_new (double, n);
      gboolean ok = signal >= 0 ? nd_recording_read (rec, sweep, (guint) signal, 0, n, y, NULL)
                                : nd_recording_read_stimulus (rec, sweep, 0, n, y, NULL);
      if (ok)
        nd_plot_model_set_series_trace (model, series, t0, dt, y, n);
      return;
    }
  gsize a = 0, b = 0;
  if (isfinite (t_lo) && isfinite (t_hi) && t_hi > t_lo)
    {
      a = (gsize) CLAMP (floor ((t_lo - t0) / dt) - 1, 0, (double) n);
      b = (gsize) CLAMP (ceil ((t_hi - t0) / dt) + 2, 0, (double) n);
      if (b - a > DIRECT_LIMIT)
        a = b = 0;
    }
  g_autoptr (GArray) xs = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * MINMAX_BINS + (b - a));
  g_autoptr (GArray) ys = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * MINMAX_BINS + (b - a));
  gsize bins_before = (gsize) ceil ((double) MINMAX_BINS * a / n), bins_after = (gsize) ceil ((double) MINMAX_BINS * (n - b) / n);
  if (b == 0)
    bins_before = MINMAX_BINS, a = b = n;
  if (!append_envelope (rec, sweep, (guint) signal, 0, a, bins_before, t0, dt, xs, ys))
    return;
  if (b > a)
    {
      g_autofree double *y = g_new (double, b - a);
      if (!nd_recording_read (rec, sweep, (guint) signal, a, b - a, y, NULL))
        return;
      for (gsize i = a; i < b; i++)
        {
          double x = t0 + i * dt;
          g_array_append_val (xs, x);
          g_array_append_val (ys, y[i - a]);
        }
    }
  if (b < n && !append_envelope (rec, sweep, (guint) signal, b, n - b, bins_after, t0, dt, xs, ys))
    return;
  nd_plot_model_set_series_data (model, series, (double *) xs->data, (double *) ys->data, xs->len);
}

/* The charging curve the time constant was fitted to, over its sweep, in the plotted signal's units
 * (the fit saw the potential corrected for the liquid-junction potential; the plot shows it as recorded). */
static void
add_charge_curve (NdRecordingView *self, NdRecording *rec, int signal)
{
  const nd_cell_props *p = nd_cell_card_get_props (self->cell_card);
  if (!p || p->charge.sweep < 0 || signal < 0 || (self->shown >= 0 && self->shown != p->charge.sweep))
    return;
  double to_mV = 1.0;
  if (nd_units_parse (nd_recording_signal (rec, (guint) signal)->units, &to_mV) != ND_QUANTITY_VOLTAGE)
    return;
  enum { POINTS = 200 };
  double x[POINTS], y[POINTS], ljp = nd_recording_get_ljp (rec);
  for (int k = 0; k < POINTS; k++)
    {
      x[k] = p->charge.t0_ms + (p->charge.t1_ms - p->charge.t0_ms) * k / (POINTS - 1);
      y[k] = (nd_cell_charge_curve_at (&p->charge, x[k]) + ljp) / to_mV;
    }
  g_autofree char *label = g_strdup_printf (_("Charging curve, τ = %.1f ms"), p->charge.tau_ms);
  guint s = nd_plot_model_add_series (self->trace_model, label, ND_PLOT_COLOR_RED, ND_PLOT_DASHED);
  nd_plot_model_set_series_data (self->trace_model, s, x, y, POINTS);
}

static void
update_plots (NdRecordingView *self)
{
  NdRecording *rec = nd_project_get_recording (self->project);
  nd_plot_model_clear (self->trace_model);
  nd_plot_model_clear (self->stim_model);
  if (!rec)
    return;
  int signal = nd_project_get_trace_signal (self->project);
  const NdSignal *sig = signal >= 0 ? nd_recording_signal (rec, (guint) signal) : NULL;
  NdQuantity q = nd_units_parse (sig ? sig->units : "", NULL);
  nd_plot_model_set_axis (self->trace_model, ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (self->trace_model, ND_PLOT_AXIS_Y, axis_label (q, sig ? sig->name : _("Signal")),
                          sig && sig->units[0] ? sig->units : NULL, ND_PLOT_SCALE_LINEAR);
  const char *su = nd_recording_stimulus_units (rec);
  nd_plot_model_set_axis (self->stim_model, ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (self->stim_model, ND_PLOT_AXIS_Y,
                          nd_units_parse (su, NULL) == ND_QUANTITY_VOLTAGE ? _("Command potential")
                          : nd_units_parse (su, NULL) == ND_QUANTITY_CURRENT ? _("Injected current") : _("Stimulus"),
                          su[0] ? su : NULL, ND_PLOT_SCALE_LINEAR);
  guint n = nd_recording_n_sweeps (rec);
  gboolean has_stim = nd_recording_stimulus_source (rec) != ND_STIMULUS_NONE;
  /* Legend entries for the roles, then the sweeps without labels. */
  gboolean role_used[3] = { FALSE };
  for (guint s = 0; s < n; s++)
    if (self->shown < 0 || self->shown == (int) s)
      role_used[nd_project_get_sweep_role (self->project, s)] = TRUE;
  const char *role_names[] = { N_("Not used"), N_("Training"), N_("Validation") };
  for (int r = ND_SWEEP_TRAIN; r >= ND_SWEEP_IGNORE; r = r == ND_SWEEP_TRAIN ? ND_SWEEP_VALIDATE : r == ND_SWEEP_VALIDATE ? ND_SWEEP_IGNORE : -1)
    if (role_used[r])
      nd_plot_model_add_series (self->trace_model, _(role_names[r]), role_color (r), ND_PLOT_LINE);
  /* The time zoomed in on, for sweeps too long to plot whole. */
  double t_lo = NAN, t_hi = NAN;
  NdPlotView view;
  nd_plot_get_view (self->trace_plot, &view);
  if (view.x_set)
    {
      t_lo = MIN (view.x_min, view.x_max);
      t_hi = MAX (view.x_min, view.x_max);
    }
  self->detail_lo = t_lo;
  self->detail_hi = t_hi;
  /* Draw ignored sweeps first so the chosen ones lie on top. */
  for (int pass = 0; pass < 2; pass++)
    for (guint s = 0; s < n; s++)
      {
        NdSweepRole role = nd_project_get_sweep_role (self->project, s);
        if ((self->shown >= 0 && self->shown != (int) s) || (pass == 0) != (role == ND_SWEEP_IGNORE))
          continue;
        if (signal >= 0)
          add_sweep_series (self->trace_model, rec, s, signal, role_color (role), t_lo, t_hi);
        if (has_stim)
          add_sweep_series (self->stim_model, rec, s, -1, role_color (role), t_lo, t_hi);
      }
  add_charge_curve (self, rec, signal);
  double a, b;
  nd_project_get_window (self->project, &a, &b);
  if (b > a)
    nd_plot_model_add_shaded_range (self->trace_model, a, b, _("Fit window"));
  gtk_widget_set_visible (GTK_WIDGET (self->stim_plot), has_stim);
}

/* ---- side panel ---- */

static void
clear_rows (AdwPreferencesGroup *group, GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static GtkWidget *
info_row (AdwPreferencesGroup *group, GPtrArray *rows, const char *title, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  GtkWidget *label = gtk_label_new (value);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 26);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
  return row;
}

static void
role_changed (GtkDropDown *drop, GParamSpec *pspec, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  if (self->syncing)
    return;
  guint sweep = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (drop), "sweep"));
  static const NdSweepRole roles[] = { ND_SWEEP_TRAIN, ND_SWEEP_VALIDATE, ND_SWEEP_IGNORE };
  nd_project_set_sweep_role (self->project, sweep, roles[MIN (gtk_drop_down_get_selected (drop), 2u)]);
  update_plots (self);
}

static char *
sweep_subtitle (NdRecording *rec, guint s)
{
  NdEpochSegment seg[ND_PROTOCOL_MAX_SEGMENTS];
  gsize nseg = nd_recording_protocol_segments (rec, s, seg);
  double ms = nd_recording_sweep_length (rec, s) * 1000.0 / nd_recording_sample_rate_hz (rec);
  /* The largest step of the protocol tells sweeps apart better than their length. */
  if (nseg > 0 && nd_recording_stimulus_source (rec) == ND_STIMULUS_PROTOCOL)
    {
      double level = 0.0;
      for (gsize i = 0; i < nseg; i++)
        if (fabs (seg[i].level) > fabs (level))
          level = seg[i].level;
      return nd_text_printf (_("%.0f ms, step to %g %s"), ms, level, nd_recording_stimulus_units (rec));
    }
  return g_strdup_printf (_("%.0f ms"), ms);
}

/* "Sweep 3 · +50 pA · 2 spikes": the step level and the spikes tell sweeps apart at a glance. */
static char *
sweep_title (NdRecordingView *self, guint s)
{
  const nd_cell_props *p = nd_cell_card_get_props (self->cell_card);
  GString *t = g_string_new (NULL);
  g_string_printf (t, _("Sweep %u"), s + 1);
  if (p && (int) s < p->n_sweeps)
    {
      const nd_cell_sweep_props *sw = &p->sweeps[s];
      /* Rounded to whole pA, with its sign ("+50 pA", "0 pA", never "-0 pA"). */
      double pa = round (sw->stimulus_pA);
      if (isfinite (pa))
        {
          g_autofree char *step = nd_text_printf ("%s%.0f pA", pa > 0.0 ? "+" : "", pa == 0.0 ? 0.0 : pa);
          g_string_append_printf (t, " · %s", step);
        }
      g_string_append (t, " · ");
      g_string_append_printf (t, g_dngettext (GETTEXT_PACKAGE, "%u spike", "%u spikes", (gulong) sw->n_spikes),
                              (guint) sw->n_spikes);
    }
  return g_string_free (t, FALSE);
}

/* The ticked sweeps, in order (free with g_array_unref). */
static GArray *
ticked_sweeps (NdRecordingView *self)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < self->sweep_rows->len; i++)
    {
      GtkCheckButton *check = g_object_get_data (g_ptr_array_index (self->sweep_rows, i), "check");
      if (check && gtk_check_button_get_active (check))
        g_array_append_val (out, i);
    }
  return out;
}

static void
update_role_actions (NdRecordingView *self)
{
  g_autoptr (GArray) ticked = ticked_sweeps (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweeps.set-role", ticked->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweeps.select-none", ticked->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweeps.select-all", self->sweep_rows->len > 0);
  const nd_cell_props *p = nd_cell_card_get_props (self->cell_card);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweeps.default-split",
                                 p && (isfinite (p->step_start_ms) || p->rc_fit));
}

static void
tick_toggled (GtkCheckButton *check, gpointer user_data)
{
  update_role_actions (ND_RECORDING_VIEW (user_data));
}

/* The rows' titles and role menus after the cell was measured or roles changed elsewhere. */
static void
sync_sweep_rows (NdRecordingView *self)
{
  self->syncing = TRUE;
  for (guint s = 0; s < self->sweep_rows->len; s++)
    {
      GtkWidget *row = g_ptr_array_index (self->sweep_rows, s);
      g_autofree char *title = sweep_title (self, s);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      NdSweepRole role = nd_project_get_sweep_role (self->project, s);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (g_object_get_data (G_OBJECT (row), "role")),
                                  role == ND_SWEEP_TRAIN ? 0 : role == ND_SWEEP_VALIDATE ? 1 : 2);
    }
  self->syncing = FALSE;
  update_role_actions (self);
}

static void
build_sweep_rows (NdRecordingView *self)
{
  NdRecording *rec = nd_project_get_recording (self->project);
  clear_rows (self->sweep_group, self->sweep_rows);
  if (!rec)
    return;
  guint n = MIN (nd_recording_n_sweeps (rec), 500u);
  const char *const choices[] = { _("Training"), _("Validation"), _("Not used"), NULL };
  for (guint s = 0; s < n; s++)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      g_autofree char *title = sweep_title (self, s);
      g_autofree char *sub = sweep_subtitle (rec, s);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      /* Ticked sweeps get a role together from the group's menu. */
      GtkWidget *check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (check, _("Tick sweeps to set their role together"));
      g_signal_connect (check, "toggled", G_CALLBACK (tick_toggled), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data (G_OBJECT (row), "check", check);
      GtkWidget *drop = gtk_drop_down_new_from_strings (choices);
      gtk_widget_set_valign (drop, GTK_ALIGN_CENTER);
      NdSweepRole role = nd_project_get_sweep_role (self->project, s);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), role == ND_SWEEP_TRAIN ? 0 : role == ND_SWEEP_VALIDATE ? 1 : 2);
      g_object_set_data (G_OBJECT (drop), "sweep", GUINT_TO_POINTER (s));
      g_object_set_data (G_OBJECT (row), "role", drop);
      g_signal_connect (drop, "notify::selected", G_CALLBACK (role_changed), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), drop);
      adw_preferences_group_add (self->sweep_group, row);
      g_ptr_array_add (self->sweep_rows, row);
    }
  /* Show: all, or one sweep. */
  GtkStringList *list = gtk_string_list_new (NULL);
  gtk_string_list_append (list, _("All sweeps"));
  for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
    {
      g_autofree char *t = g_strdup_printf (_("Sweep %u"), s + 1);
      gtk_string_list_append (list, t);
    }
  adw_combo_row_set_model (self->show_row, G_LIST_MODEL (list));
  g_object_unref (list);
  adw_combo_row_set_selected (self->show_row, self->shown < 0 ? 0 : (guint) self->shown + 1);
  update_role_actions (self);
}

static void
set_role_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdRecordingView *self = ND_RECORDING_VIEW (widget);
  const char *name = g_variant_get_string (param, NULL);
  NdSweepRole role = g_str_equal (name, "train") ? ND_SWEEP_TRAIN
                     : g_str_equal (name, "validate") ? ND_SWEEP_VALIDATE : ND_SWEEP_IGNORE;
  g_autoptr (GArray) ticked = ticked_sweeps (self);
  nd_project_set_sweep_roles (self->project, (const guint *) ticked->data, ticked->len, role);
  sync_sweep_rows (self);
  update_plots (self);
}

static void
select_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdRecordingView *self = ND_RECORDING_VIEW (widget);
  gboolean on = g_str_equal (action_name, "sweeps.select-all");
  for (guint i = 0; i < self->sweep_rows->len; i++)
    gtk_check_button_set_active (g_object_get_data (g_ptr_array_index (self->sweep_rows, i), "check"), on);
  update_role_actions (self);
}

/* Train on the most hyperpolarising step, the rheobase sweep and the strongest step; validate on the rest. */
static void
default_split_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdRecordingView *self = ND_RECORDING_VIEW (widget);
  const nd_cell_props *p = nd_cell_card_get_props (self->cell_card);
  int train[3];
  int k = p ? nd_cell_props_default_split (p, train, 3) : 0;
  if (k == 0)
    return;
  NdRecording *rec = nd_project_get_recording (self->project);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
    g_array_append_val (all, s);
  nd_project_set_sweep_roles (self->project, (const guint *) all->data, all->len, ND_SWEEP_VALIDATE);
  for (int i = 0; i < k; i++)
    {
      guint s = (guint) train[i];
      nd_project_set_sweep_roles (self->project, &s, 1, ND_SWEEP_TRAIN);
    }
  sync_sweep_rows (self);
  update_plots (self);
}

static void
build_file_rows (NdRecordingView *self)
{
  NdRecording *rec = nd_project_get_recording (self->project);
  clear_rows (self->file_group, self->file_rows);
  if (!rec)
    return;
  g_autofree char *base = g_path_get_basename (nd_recording_path (rec));
  adw_preferences_group_set_title (self->file_group, base);
  g_autofree char *fmt = g_strdup_printf (_("%s, %s, %g kHz"), nd_recording_format (rec),
                                          _(nd_recording_acquisition (rec)), nd_recording_sample_rate_hz (rec) / 1000.0);
  info_row (self->file_group, self->file_rows, _("Format"), fmt);
  g_autoptr (GString) sigs = g_string_new (NULL);
  for (guint i = 0; i < nd_recording_n_signals (rec); i++)
    {
      const NdSignal *s = nd_recording_signal (rec, i);
      g_string_append_printf (sigs, "%s%s (%s)", i ? ", " : "", s->name, s->units[0] ? s->units : "–");
    }
  info_row (self->file_group, self->file_rows, _("Signals"), sigs->str);
  g_autofree char *ns = g_strdup_printf ("%u", nd_recording_n_sweeps (rec));
  info_row (self->file_group, self->file_rows, _("Sweeps"), ns);
}

static void
build_stimulus_row (NdRecordingView *self)
{
  NdRecording *rec = nd_project_get_recording (self->project);
  g_array_set_size (self->stim_choices, 0);
  GtkStringList *list = gtk_string_list_new (NULL);
  guint selected = 0;
  if (rec)
    {
      int v;
      for (guint i = 0; i < nd_recording_n_signals (rec); i++)
        {
          const NdSignal *s = nd_recording_signal (rec, i);
          g_autofree char *t = g_strdup_printf (_("Signal “%s” (%s)"), s->name, s->units[0] ? s->units : "–");
          gtk_string_list_append (list, t);
          v = (int) i;
          if (nd_recording_stimulus_source (rec) == ND_STIMULUS_SIGNAL && nd_recording_stimulus_signal (rec) == v)
            selected = self->stim_choices->len;
          g_array_append_val (self->stim_choices, v);
        }
      if (nd_recording_has_protocol (rec))
        {
          gtk_string_list_append (list, _("Protocol"));
          v = -1;
          if (nd_recording_stimulus_source (rec) == ND_STIMULUS_PROTOCOL)
            selected = self->stim_choices->len;
          g_array_append_val (self->stim_choices, v);
        }
      gtk_string_list_append (list, _("None"));
      v = -2;
      if (nd_recording_stimulus_source (rec) == ND_STIMULUS_NONE)
        selected = self->stim_choices->len;
      g_array_append_val (self->stim_choices, v);
    }
  /* In voltage clamp the stimulus is the command potential. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->stim_row), rec && nd_recording_is_voltage_clamp (rec)
                                                                          ? _("Command potential")
                                                                          : _("Injected current"));
  self->syncing = TRUE;
  adw_combo_row_set_model (self->stim_row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (self->stim_row, selected);
  self->syncing = FALSE;
  g_object_unref (list);
  g_autofree char *desc = rec && nd_recording_stimulus_source (rec) != ND_STIMULUS_NONE
                            ? nd_text_minus (g_strdup_printf (_("Stimulus: %s."), nd_recording_stimulus_description (rec)))
                            : g_strdup (_("No stimulus: the model cannot be driven. Choose the signal that carries the injected current."));
  adw_preferences_group_set_description (self->stim_group, desc);
}

static void
sync_numbers (NdRecordingView *self)
{
  double a, b, cm, area, v0, temp;
  nd_project_get_window (self->project, &a, &b);
  NdRecording *rec = nd_project_get_recording (self->project);
  double len = rec ? (nd_recording_max_sweep_length (rec) - 1) * 1000.0 / nd_recording_sample_rate_hz (rec) : 1000.0;
  gtk_spin_button_set_range (self->start_spin, 0.0, len);
  gtk_spin_button_set_range (self->end_spin, 0.0, len);
  nd_spin_set_quietly (self->start_spin, b > a ? a : 0.0, self);
  nd_spin_set_quietly (self->end_spin, b > a ? b : len, self);
  nd_project_get_membrane (self->project, &cm, &area, &v0, &temp);
  nd_spin_set_quietly (self->area_spin, area, self);
}

static void
rebuild_all (NdRecordingView *self)
{
  /* The cell first: the sweep rows are titled with its step levels and spikes. */
  self->rebuilding = TRUE;
  nd_cell_card_refresh (self->cell_card);
  self->rebuilding = FALSE;
  self->syncing = TRUE;
  NdRecording *rec = nd_project_get_recording (self->project);
  if (self->shown >= 0 && (!rec || self->shown >= (int) nd_recording_n_sweeps (rec)))
    self->shown = -1;
  build_file_rows (self);
  build_sweep_rows (self);
  sync_numbers (self);
  self->syncing = FALSE;
  build_stimulus_row (self);
  update_plots (self);
  gboolean missing = nd_project_get_recording_missing (self->project);
  if (missing)
    {
      /* The description is markup; a path is text. */
      g_autofree char *where = g_markup_escape_text (nd_project_get_recording_path (self->project), -1);
      adw_status_page_set_description (self->missing, where);
    }
  gtk_stack_set_visible_child_name (self->stack, rec ? "content" : missing ? "missing" : "empty");
}

static void
window_spin_changed (GtkSpinButton *spin, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  if (self->syncing)
    return;
  double a = gtk_spin_button_get_value (self->start_spin), b = gtk_spin_button_get_value (self->end_spin);
  NdRecording *rec = nd_project_get_recording (self->project);
  double len = rec ? (nd_recording_max_sweep_length (rec) - 1) * 1000.0 / nd_recording_sample_rate_hz (rec) : 0.0;
  /* The whole sweep is stored as "no window". */
  if (a <= 0.0 && b >= len)
    a = b = 0.0;
  nd_project_set_window (self->project, a, b);
  update_plots (self);
}

static void
range_selected (NdPlot *plot, double x_min, double x_max, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  nd_project_set_window (self->project, MAX (x_min, 0.0), x_max);
  self->syncing = TRUE;
  sync_numbers (self);
  self->syncing = FALSE;
  update_plots (self);
}

static void
whole_sweep_clicked (GtkButton *button, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  nd_project_set_window (self->project, 0.0, 0.0);
  self->syncing = TRUE;
  sync_numbers (self);
  self->syncing = FALSE;
  update_plots (self);
}

static void
area_changed (GtkSpinButton *spin, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  double cm, area, v0, temp;
  if (self->syncing)
    return;
  nd_project_get_membrane (self->project, &cm, &area, &v0, &temp);
  nd_project_set_membrane (self->project, cm, gtk_spin_button_get_value (spin), v0, temp);
}

static void
stimulus_selected (AdwComboRow *row, GParamSpec *pspec, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  guint i = adw_combo_row_get_selected (row);
  if (self->syncing || i >= self->stim_choices->len)
    return;
  int c = g_array_index (self->stim_choices, int, i);
  g_autoptr (GError) error = NULL;
  NdStimulusSource src = c == -2 ? ND_STIMULUS_NONE : c == -1 ? ND_STIMULUS_PROTOCOL : ND_STIMULUS_SIGNAL;
  if (!nd_project_set_stimulus (self->project, src, c, &error))
    {
      /* Go back to the working choice and say why under it. */
      build_stimulus_row (self);
      if (error)
        adw_preferences_group_set_description (self->stim_group, error->message);
    }
}

static void
show_selected (AdwComboRow *row, GParamSpec *pspec, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  if (self->syncing)
    return;
  self->shown = (int) adw_combo_row_get_selected (row) - 1;
  update_plots (self);
}

static gboolean
reread_zoomed (gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  self->detail_timeout = 0;
  update_plots (self);
  return G_SOURCE_REMOVE;
}

/* Sweeps too long to plot whole are read again at full resolution for the time zoomed in on, once the
 * zoom has settled (not at every step of a pan). */
static void
trace_view_changed (NdPlot *plot, NdRecordingView *self)
{
  NdRecording *rec = self->project ? nd_project_get_recording (self->project) : NULL;
  NdPlotView view;
  if (!rec || nd_recording_max_sweep_length (rec) <= DIRECT_LIMIT)
    return;
  nd_plot_get_view (plot, &view);
  if (!view.x_set && isnan (self->detail_lo))
    return;
  g_clear_handle_id (&self->detail_timeout, g_source_remove);
  self->detail_timeout = g_timeout_add (150, reread_zoomed, self);
}

void
nd_recording_view_show_sweep (NdRecordingView *self, int sweep)
{
  adw_combo_row_set_selected (self->show_row, sweep < 0 ? 0 : (guint) sweep + 1);
}

int
nd_recording_view_get_shown_sweep (NdRecordingView *self)
{
  return self->shown;
}

/* Page Down and Page Up over the plots step through the sweeps one at a time, as in Clampfit; from
 * "All sweeps" they go to the first or the last. The zoom stays, so sweeps compare at the same place. */
static void
step_sweep_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdRecordingView *self = ND_RECORDING_VIEW (widget);
  NdRecording *rec = self->project ? nd_project_get_recording (self->project) : NULL;
  if (!rec || nd_recording_n_sweeps (rec) == 0)
    return;
  int n = (int) nd_recording_n_sweeps (rec);
  gboolean next = g_str_equal (action_name, "sweeps.next");
  int to = self->shown < 0 ? (next ? 0 : n - 1) : CLAMP (self->shown + (next ? 1 : -1), 0, n - 1);
  nd_recording_view_show_sweep (self, to);
}

static void
project_recording_changed (NdProject *project, gpointer user_data)
{
  rebuild_all (ND_RECORDING_VIEW (user_data));
}

/* A membrane area set elsewhere (a template in the Model view, the Cell card) shows here. */
static void
project_changed (NdProject *project, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  double cm, area, v0, temp;
  nd_project_get_membrane (project, &cm, &area, &v0, &temp);
  if (gtk_spin_button_get_value (self->area_spin) != area)
    nd_spin_set_quietly (self->area_spin, area, self);
}

static void
project_loaded (NdProject *project, gpointer user_data)
{
  rebuild_all (ND_RECORDING_VIEW (user_data));
}

/* The liquid-junction potential or the known capacitance changed in the card. */
static void
cell_measured (NdCellCard *card, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  if (self->rebuilding)
    return;
  sync_sweep_rows (self);
  update_plots (self);
}

void
nd_recording_view_set_project (NdRecordingView *self, NdProject *project)
{
  g_return_if_fail (self->project == NULL);
  self->project = g_object_ref (project);
  self->rebuilding = TRUE;
  nd_cell_card_set_project (self->cell_card, project);
  self->rebuilding = FALSE;
  g_signal_connect_object (project, "recording-changed", G_CALLBACK (project_recording_changed), self, 0);
  g_signal_connect_object (project, "loaded", G_CALLBACK (project_loaded), self, 0);
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed), self, 0);
  rebuild_all (self);
}

const NdNamedPlot *
nd_recording_view_get_plots (NdRecordingView *self, guint *n_plots)
{
  *n_plots = G_N_ELEMENTS (self->plots);
  return self->plots;
}

NdPlot *
nd_recording_view_get_trace_plot (NdRecordingView *self)
{
  return self->trace_plot;
}

NdPlot *
nd_recording_view_get_stimulus_plot (NdRecordingView *self)
{
  return self->stim_plot;
}

static void
nd_recording_view_dispose (GObject *object)
{
  NdRecordingView *self = ND_RECORDING_VIEW (object);
  g_clear_handle_id (&self->detail_timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_RECORDING_VIEW);
  g_clear_object (&self->project);
  g_clear_object (&self->trace_model);
  g_clear_object (&self->stim_model);
  g_clear_pointer (&self->file_rows, g_ptr_array_unref);
  g_clear_pointer (&self->sweep_rows, g_ptr_array_unref);
  g_clear_pointer (&self->stim_choices, g_array_unref);
  G_OBJECT_CLASS (nd_recording_view_parent_class)->dispose (object);
}

/* Narrow: the side panel below the plots, scrolling with the whole view; the plots get a right margin. */
static void
narrow_changed (NdAdaptive *adaptive, GParamSpec *pspec, gpointer user_data)
{
  NdRecordingView *self = ND_RECORDING_VIEW (user_data);
  gboolean narrow = nd_adaptive_get_narrow (adaptive);
  gtk_widget_set_margin_end (gtk_widget_get_parent (GTK_WIDGET (self->trace_plot)), narrow ? 12 : 0);
  GtkWidget *row = nd_adaptive_get_box (adaptive);
  for (GtkWidget *c = gtk_widget_get_first_child (row); c; c = gtk_widget_get_next_sibling (c))
    for (GtkWidget *s = gtk_widget_get_first_child (c); s; s = gtk_widget_get_next_sibling (s))
      if (GTK_IS_SCROLLED_WINDOW (s))
        nd_adaptive_scroll_alone (GTK_SCROLLED_WINDOW (s), narrow);
}

static void
nd_recording_view_class_init (NdRecordingViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nd_recording_view_dispose;
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  /* The role of the ticked sweeps: "train", "validate" or "ignore". */
  gtk_widget_class_install_action (widget_class, "sweeps.set-role", "s", set_role_activated);
  gtk_widget_class_install_action (widget_class, "sweeps.select-all", NULL, select_activated);
  gtk_widget_class_install_action (widget_class, "sweeps.select-none", NULL, select_activated);
  gtk_widget_class_install_action (widget_class, "sweeps.default-split", NULL, default_split_activated);
  gtk_widget_class_install_action (widget_class, "sweeps.next", NULL, step_sweep_activated);
  gtk_widget_class_install_action (widget_class, "sweeps.previous", NULL, step_sweep_activated);

  g_type_ensure (ND_TYPE_PLOT);
  g_type_ensure (ND_TYPE_CELL_CARD);
  g_type_ensure (ND_TYPE_ADAPTIVE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/nd-recording-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, trace_plot);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, stim_plot);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, stack);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, missing);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, file_group);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, sweep_group);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, stim_group);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, show_row);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, start_spin);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, end_spin);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, area_spin);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, stim_row);
  gtk_widget_class_bind_template_child (widget_class, NdRecordingView, cell_card);
  gtk_widget_class_bind_template_callback (widget_class, range_selected);
  gtk_widget_class_bind_template_callback (widget_class, trace_view_changed);
  gtk_widget_class_bind_template_callback (widget_class, cell_measured);
  gtk_widget_class_bind_template_callback (widget_class, stimulus_selected);
  gtk_widget_class_bind_template_callback (widget_class, area_changed);
  gtk_widget_class_bind_template_callback (widget_class, window_spin_changed);
  gtk_widget_class_bind_template_callback (widget_class, whole_sweep_clicked);
  gtk_widget_class_bind_template_callback (widget_class, show_selected);
  gtk_widget_class_bind_template_callback (widget_class, narrow_changed);
}

static void
nd_recording_view_init (NdRecordingView *self)
{
  self->shown = -1;
  self->detail_lo = self->detail_hi = NAN;
  self->file_rows = g_ptr_array_new ();
  self->sweep_rows = g_ptr_array_new ();
  self->stim_choices = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_widget_init_template (GTK_WIDGET (self));
  nd_scroll_guard_all (GTK_WIDGET (self));
  self->trace_model = nd_plot_model_new ();
  self->stim_model = nd_plot_model_new ();
  nd_plot_set_model (self->trace_plot, self->trace_model);
  nd_plot_set_model (self->stim_plot, self->stim_model);
  self->plots[0] = (NdNamedPlot) { "recording", self->trace_plot };
  self->plots[1] = (NdNamedPlot) { "stimulus", self->stim_plot };
  /* Voltage above stimulus: one time axis, data areas lined up. */
  NdPlot *column[] = { self->trace_plot, self->stim_plot };
  nd_plot_align (column, 2);
}
