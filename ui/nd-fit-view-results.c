/* nd-fit-view-results.c: the Fit view's results — a verdict in words, a row per sweep with its spike
 * counts, first-spike shift, subthreshold RMSE and RMSE (in voltage clamp the membrane current's peak and
 * RMSE), and the sweep's overlay on a click.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cell-recording.h"
#include "integrator.h"
#include "nd-fit-view-private.h"
#include "nd-task.h"
#include "units.h"
#include "nd-text.h"

/* More level changes than this and the stimulus is no step protocol (noise, a recorded current). */
#define STEP_MAX_CHANGES 20

/* The level of a step protocol farthest from where the sweep starts: "" when the stimulus is no step. */
static gboolean
step_of (const double *x, gsize n, double tolerance, double *step)
{
  guint changes = 0;
  *step = 0.0;
  for (gsize j = 1; j < n && changes <= STEP_MAX_CHANGES; j++)
    {
      changes += fabs (x[j] - x[j - 1]) > tolerance;
      if (fabs (x[j] - x[0]) > fabs (*step))
        *step = x[j] - x[0];
    }
  return changes <= STEP_MAX_CHANGES;
}

/* Current-clamp labels for every sweep at once: the protocol's varying step as the Recording view and
 * `neurode-cli passive` name it (cell-props.h; 80 ms for 16 sweeps of 3 s, once per recording). A sweep's
 * own largest level named every sweep of 17o05028 by its fixed hyperpolarising epoch, "-50 pA". */
static void
label_steps_of (GHashTable *cache, const nd_cell_props *props)
{
  for (int k = 0; k < props->n_sweeps; k++)
    {
      double pa = round (props->sweeps[k].stimulus_pA);
      /* Translators: the current step of a sweep, e.g. "+200 pA". */
      g_hash_table_insert (cache, GUINT_TO_POINTER ((guint) k),
                           isfinite (pa) ? nd_text_printf (_("%+.0f pA"), pa == 0.0 ? 0.0 : pa)
                                           : g_strdup (""));
    }
}

static void
label_cc_steps (GHashTable *cache, NdRecording *rec)
{
  nd_cell_props props;
  nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &props, NULL);
  label_steps_of (cache, &props);
  nd_cell_props_clear (&props);
}

/* The view's own recording measured once (30-80 ms of cell properties on this, the main, thread): its
 * step labels and how closely the cell repeats itself from sweep to sweep (cell-repeat.h; NAN in voltage
 * clamp or without a recording). */
static void
measure_cell (NdFitView *self)
{
  NdRecording *rec = self->project ? nd_project_get_recording (self->project) : NULL;
  if (self->cell_measured)
    return;
  self->cell_measured = TRUE;
  self->cell_repeat_mV = NAN;
  if (!rec || nd_recording_is_voltage_clamp (rec))
    return;
  nd_cell_props props;
  nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &props, NULL);
  if (g_hash_table_size (self->step_labels) == 0)
    label_steps_of (self->step_labels, &props);
  self->cell_repeat_mV = props.repeat_rmse_mV;
  nd_cell_props_clear (&props);
}

/* The step of a sweep's stimulus relative to the holding current, "+200 pA" (in voltage clamp the level
 * the command steps to, "step to -50 mV"); "" when it is no step. */
static const char *
step_label (NdRecording *rec, GHashTable *cache, guint sweep)
{
  if (rec && !nd_recording_is_voltage_clamp (rec) && g_hash_table_size (cache) == 0)
    label_cc_steps (cache, rec);
  const char *known = g_hash_table_lookup (cache, GUINT_TO_POINTER (sweep));
  if (known)
    return known;
  char *label = g_strdup ("");
  NdClampTrace cl = { 0 };
  double step;
  if (rec && nd_recording_is_voltage_clamp (rec) && nd_recording_get_command_sweep (rec, sweep, &cl, NULL)
      && cl.n > 1 && step_of (cl.v_cmd_mV, cl.n, 0.5, &step))
    {
      g_free (label);
      /* Translators: the command potential a voltage-clamp sweep steps to, e.g. "step to -50 mV". */
      label = nd_text_printf (_("step to %.0f mV"), cl.v_cmd_mV[0] + step);
    }
  nd_clamp_trace_clear (&cl);
  g_hash_table_insert (cache, GUINT_TO_POINTER (sweep), label);
  return label;
}

char *
nd_fit_view_sweep_title_in (NdRecording *rec, GHashTable *cache, guint sweep)
{
  const char *step = step_label (rec, cache, sweep);
  /* Translators: "Sweep 7 · +200 pA", a sweep and its current step. */
  return step[0] ? g_strdup_printf (_("Sweep %u · %s"), sweep + 1, step) : g_strdup_printf (_("Sweep %u"), sweep + 1);
}

static char *
sweep_title (NdFitView *self, guint sweep)
{
  measure_cell (self);
  return nd_fit_view_sweep_title_in (nd_project_get_recording (self->project), self->step_labels, sweep);
}

static char *
format_mV (double x)
{
  return isfinite (x) ? g_strdup_printf (_("%.2f mV"), x) : g_strdup (_("not measured"));
}

/* A current in pA with as many digits as a reader needs. */
static char *
format_pA (double x)
{
  double a = fabs (x);
  return !isfinite (x) ? g_strdup (_("not measured"))
         : g_strdup_printf (a < 10.0 ? _("%.2f pA") : a < 100.0 ? _("%.1f pA") : _("%.0f pA"), x);
}

/* A voltage-clamp sweep: the membrane current's peak and RMSE, no spike words. */
static char *
clamp_subtitle (const NdSweepScore *s, NdScoreMarks marks, gboolean small)
{
  const char *role = s->role == ND_SWEEP_TRAIN ? _("Training") : _("Validation");
  /* Translators: "Validation · Membrane current under the clamp". */
  g_autofree char *what = g_strdup_printf (_("%s · Membrane current under the clamp"), role);
  g_autofree char *rec = format_pA (s->peak_pA), *model = format_pA (s->peak_model_pA), *rmse = format_pA (s->rmse_pA);
  /* In whole percent, and 0 without a sign ("-0 %" reads as an error). */
  double e = round (100.0 * nd_sweep_score_peak_error (s));
  if (e == 0.0)
    e = 0.0;
  /* Translators: "Peak current: recorded -1200 pA / model -1150 pA (-4 %) · RMSE 3.10 pA"; the per cent
   * is the model's peak over the recording's, minus 1: negative when the model's is smaller. */
  g_autofree char *figures = isfinite (e)
    ? g_strdup_printf (_("Peak current: recorded %s / model %s (%+.0f %%) · RMSE %s"), rec, model, e, rmse)
    : g_strdup_printf (_("Peak current: recorded %s / model %s · RMSE %s"), rec, model, rmse);
  GString *text = g_string_new (NULL);
  g_string_append_printf (text, "%s\n%s", what, figures);
  if (small)
    g_string_append_printf (text, "\n%s", _("A small current: its peak is mostly the recording’s noise and is not judged."));
  if (marks & ND_SCORE_PEAK_OFF)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("The model’s peak current is more than %.0f %% off."), 100.0 * ND_FIT_GOOD_PEAK_ERROR);
    }
  if (marks & ND_SCORE_CURRENT_OFF)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("The model’s current is off by more than %.0f %% of the largest current."),
                              100.0 * ND_FIT_GOOD_CLAMP_RMSE);
    }
  return g_string_free (text, FALSE);
}

static char *
row_subtitle (const NdSweepScore *s, NdScoreMarks marks)
{
  const char *role = s->role == ND_SWEEP_TRAIN ? _("Training") : _("Validation");
  g_autofree char *spikes = g_strdup_printf (_("%s · spikes: recorded %d / model %d"), role, s->spikes_recorded,
                                             s->spikes_model);
  g_autofree char *sub = format_mV (s->subthreshold_rmse_mV), *rmse = format_mV (s->rmse_mV);
  /* The first-spike shift only where both traces fire, in words: a signed number left the reader to guess
   * which trace was first. */
  const double shift = s->first_spike_shift_ms;
  g_autofree char *figures
    = !isfinite (shift) ? g_strdup_printf (_("Subthreshold RMSE %s · RMSE %s"), sub, rmse)
      : fabs (shift) < 0.05 ? g_strdup_printf (_("Model’s first spike on time · subthreshold RMSE %s · RMSE %s"), sub, rmse)
      : shift < 0.0
        ? g_strdup_printf (_("Model’s first spike %.1f ms early · subthreshold RMSE %s · RMSE %s"), -shift, sub, rmse)
        : g_strdup_printf (_("Model’s first spike %.1f ms late · subthreshold RMSE %s · RMSE %s"), shift, sub, rmse);
  GString *text = g_string_new (NULL);
  g_string_append_printf (text, "%s\n%s", spikes, figures);
  if (marks & ND_SCORE_SPIKES_DIFFER)
    g_string_append_printf (text, "\n%s", _("The spike counts differ."));
  if (marks & ND_SCORE_SUBTHRESHOLD_OFF)
    g_string_append_printf (text, "\n%s", _("Below threshold the model is more than 3 mV off."));
  return g_string_free (text, FALSE);
}

void
nd_fit_view_set_shown_marks (NdFitView *self)
{
  /* The eye marks the row whose sweep the trace plot shows, in either group. */
  for (guint i = 1; i < self->result_rows->len; i++)
    gtk_widget_set_visible (g_object_get_data (G_OBJECT (g_ptr_array_index (self->result_rows, i)), "shown-icon"),
                            (int) i - 1 == self->overlay);
  for (guint i = 1; self->with_rows && i < self->with_rows->len; i++)
    gtk_widget_set_visible (g_object_get_data (G_OBJECT (g_ptr_array_index (self->with_rows, i)), "shown-icon"),
                            (int) i - 1 == self->with_overlay);
}

static void
row_activated (AdwActionRow *row, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  nd_fit_view_show_overlay (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index")));
}

static GtkWidget *
icon (const char *name, const char *css, const char *tooltip)
{
  GtkWidget *image = gtk_image_new_from_icon_name (name);
  if (css)
    gtk_widget_add_css_class (image, css);
  gtk_widget_set_tooltip_text (image, tooltip);
  gtk_widget_set_valign (image, GTK_ALIGN_CENTER);
  return image;
}

static void
add_row (NdFitView *self, GtkWidget *row)
{
  adw_preferences_group_add (self->results, row);
  g_ptr_array_add (self->result_rows, row);
}

/* How closely the recorded cell repeats itself from sweep to sweep, for the verdict of n scores. */
static double
cell_repeat (NdFitView *self, guint n)
{
  if (n == 0)
    return NAN;
  measure_cell (self);
  return self->cell_repeat_mV;
}

void
nd_fit_view_show_scores (NdFitView *self, const NdSweepScore *scores, guint n, gboolean from_fit)
{
  for (guint i = 0; i < self->result_rows->len; i++)
    adw_preferences_group_remove (self->results, g_ptr_array_index (self->result_rows, i));
  g_ptr_array_set_size (self->result_rows, 0);
  g_array_set_size (self->shown, 0);
  g_array_append_vals (self->shown, scores, n);
  self->shown_from_fit = from_fit;
  nd_fit_view_with_show_scores (self, from_fit);
  self->overlay = -1;
  self->overlay_request++;
  nd_fit_verdict_clear (&self->verdict);
  nd_fit_verdict_init_cell (&self->verdict, scores, n, cell_repeat (self, n));
  adw_preferences_group_set_description (self->results,
    n == 0 ? _("When a fit ends, the fitted model runs on every training and validation sweep and is compared with "
               "the recording.")
           : _("Click a sweep to see the recording and the model over it."));
  if (n == 0)
    return;

  /* The verdict first, in words, with an icon (not only a colour). */
  GtkWidget *verdict = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (verdict), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (verdict), self->verdict.summary);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (verdict), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (verdict),
                             self->verdict.good ? icon ("emblem-ok-symbolic", "success", _("The fit is good"))
                                                : icon ("dialog-warning-symbolic", "warning", _("The fit is not good")));
  add_row (self, verdict);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = sweep_title (self, scores[i].sweep);
      GtkWidget *row = nd_fit_view_score_row (self, &scores[i], &self->verdict, title);
      g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (i));
      g_signal_connect (row, "activated", G_CALLBACK (row_activated), self);
      add_row (self, row);
    }
  nd_fit_view_set_shown_marks (self);
}

GtkWidget *
nd_fit_view_score_row (NdFitView *self, const NdSweepScore *s, const NdFitVerdict *v, const char *title)
{
  NdScoreMarks marks = nd_sweep_score_marks (s, v);
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_autofree char *sub = s->voltage_clamp ? clamp_subtitle (s, marks, nd_sweep_score_small_peak (s, v))
                                          : row_subtitle (s, marks);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             marks ? icon ("dialog-warning-symbolic", "warning", _("This sweep is not reproduced well"))
                                   : icon ("object-select-symbolic", "success", _("This sweep is reproduced well")));
  GtkWidget *eye = icon ("view-reveal-symbolic", NULL, _("Shown in the trace plot"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), eye);
  g_object_set_data (G_OBJECT (row), "shown-icon", eye);
  gtk_widget_set_tooltip_text (row, _("Show this sweep’s recording and the model over it"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

int
nd_fit_view_default_overlay (NdFitView *self)
{
  const NdSweepScore *s = (const NdSweepScore *) self->shown->data;
  if (self->shown->len == 0)
    return -1;
  if (self->verdict.worst >= 0)
    return self->verdict.worst;
  for (guint i = 0; i < self->shown->len; i++)
    if ((s[i].role != ND_SWEEP_TRAIN) == self->verdict.validation && nd_sweep_score_marks (&s[i], &self->verdict))
      return (int) i;
  for (guint i = 0; i < self->shown->len; i++)
    if ((s[i].role != ND_SWEEP_TRAIN) == self->verdict.validation)
      return (int) i;
  return 0;
}

/* ---- the overlay of one sweep ---- */

typedef struct
{
  nd_model *model;
  double *i_inj, *v_clamp;    /* what drives: the injected current, or (voltage clamp) the command */
  double *v_obs, *v;          /* recorded and model: V in mV, in voltage clamp the current in pA */
  gsize n;
  double dt;
  int n_sub;
  guint request;
  guint index;
  atomic_int abort;           /* set by the cancellable: the simulation stops (integrator.h) */
} Overlay;

static void
overlay_free (Overlay *o)
{
  nd_model_free (o->model);
  g_free (o->i_inj);
  g_free (o->v_clamp);
  g_free (o->v_obs);
  g_free (o->v);
  g_free (o);
}

static void
overlay_abort (GCancellable *cancellable, gpointer data)
{
  atomic_store (&((Overlay *) data)->abort, 1);
}

/* Works on the job's own copies (nd-task.h); a closed view cancels the simulation under way. */
static void
overlay_thread (gpointer data, GCancellable *cancellable)
{
  Overlay *o = data;
  gulong id = g_cancellable_connect (cancellable, G_CALLBACK (overlay_abort), o, NULL);
  nd_drive d = { .n = o->n, .dt_sample = o->dt, .n_sub = o->n_sub, .i_inj = o->i_inj, .v_clamp = o->v_clamp,
                 .abort = &o->abort };
  nd_simulate (o->model, &d, o->v, NULL);
  g_cancellable_disconnect (cancellable, id);
  /* Under the clamp the model gives its membrane current as a density: drawn in pA, as recorded. */
  for (gsize j = 0; o->v_clamp && j < o->n; j++)
    o->v[j] = nd_density_to_pA (o->v[j], o->model->area_um2);
}

static char *
overlay_title (NdFitView *self, guint sweep)
{
  g_autofree char *title = sweep_title (self, sweep);
  /* Translators: "Sweep 7 · +200 pA: recorded and model". */
  return g_strdup_printf (_("%s: recorded and model"), title);
}

/* Main loop, the view alive (nd-task.h). */
static gboolean
overlay_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdFitView *self = ND_FIT_VIEW (owner);
  Overlay *o = data;
  /* A newer click, or new results, came first. */
  if (cancelled || o->request != self->overlay_request || !self->project || o->index >= self->shown->len)
    return FALSE;
  g_autofree char *title = overlay_title (self, g_array_index (self->shown, NdSweepScore, o->index).sweep);
  nd_fit_view_set_clamp_axes (self, o->v_clamp != NULL);
  nd_fit_view_show_trace (self, title, o->v_obs, o->v, o->n, o->dt);
  return FALSE;
}

/* One sweep as the overlay draws it: what drives the model (the injected current in pA, or the command in
 * mV) and what is compared (V in mV, or the membrane current in pA), taken from their traces. */
typedef struct
{
  gboolean clamp;
  gsize n;
  double dt;
  double *drive, *recorded;
} OverlaySweep;

static gboolean
read_overlay_sweep (NdRecording *rec, guint sweep, OverlaySweep *out)
{
  *out = (OverlaySweep) { .clamp = nd_recording_is_voltage_clamp (rec) };
  NdSweepTrace tr = { 0 };
  NdClampTrace cl = { 0 };
  if (out->clamp ? nd_recording_get_vc_sweep (rec, sweep, &cl, NULL) && cl.n > 1
                 : nd_recording_get_cc_sweep (rec, sweep, &tr, NULL) && tr.n > 1)
    {
      out->n = out->clamp ? cl.n : tr.n;
      out->dt = out->clamp ? cl.t_ms[1] - cl.t_ms[0] : tr.t_ms[1] - tr.t_ms[0];
      out->drive = out->clamp ? g_steal_pointer (&cl.v_cmd_mV) : g_steal_pointer (&tr.i_pA);
      out->recorded = out->clamp ? g_steal_pointer (&cl.i_pA) : g_steal_pointer (&tr.v_mV);
    }
  nd_sweep_trace_clear (&tr);
  nd_clamp_trace_clear (&cl);
  return out->n > 1;
}

void
nd_fit_view_show_overlay (NdFitView *self, guint index)
{
  if (index >= self->shown->len)
    return;
  guint sweep = g_array_index (self->shown, NdSweepScore, index).sweep;
  self->overlay = (int) index;
  self->with_overlay = -1;
  self->overlay_request++;
  nd_fit_view_set_shown_marks (self);
  NdRecording *rec = nd_project_get_recording (self->project);
  OverlaySweep sw;
  if (!rec || !read_overlay_sweep (rec, sweep, &sw))
    return;
  g_autofree double *drive = sw.drive, *recorded = sw.recorded;
  g_autofree char *title = overlay_title (self, sweep);
  nd_fit_view_set_clamp_axes (self, sw.clamp);
  /* The fit's own trace of this sweep when it has one (in voltage clamp the runner's are in pA). */
  if (self->shown_from_fit && nd_fit_runner_get_state (self->runner) == ND_FIT_FINISHED)
    {
      guint n;
      const NdSweepScore *rs = nd_fit_runner_get_scores (self->runner, &n);
      for (guint i = 0; i < n; i++)
        if (rs[i].sweep == sweep)
          {
            gsize len;
            double dt;
            const double *v = nd_fit_runner_get_model_trace (self->runner, i, &len, &dt);
            if (v)
              nd_fit_view_show_trace (self, title, recorded, v, MIN (len, sw.n), dt);
            return;
          }
    }
  /* Otherwise the project's model runs on the sweep on a thread (a long sweep takes a while); the recording
   * is drawn at once. */
  nd_fit_view_show_trace (self, title, recorded, NULL, sw.n, sw.dt);
  Overlay *o = g_new0 (Overlay, 1);
  o->model = nd_model_copy (nd_project_get_model (self->project));
  o->n = sw.n;
  o->dt = sw.dt;
  double max_dt = self->settings ? g_settings_get_double (self->settings, "integration-step-ms") : 0.025;
  o->n_sub = MAX ((int) ceil (o->dt / max_dt - 1e-9), 1);
  if (sw.clamp)
    o->v_clamp = g_steal_pointer (&drive);
  else
    {
      o->i_inj = g_new (double, sw.n);
      for (gsize j = 0; j < sw.n; j++)
        o->i_inj[j] = nd_pA_to_density (drive[j], o->model->area_um2);
    }
  o->v_obs = g_steal_pointer (&recorded);
  o->v = g_new (double, sw.n);
  o->request = self->overlay_request;
  o->index = index;
  nd_task_run (self, self->overlay_cancel, o, (GDestroyNotify) overlay_free, overlay_thread, overlay_done);
}

void
nd_fit_view_show_with_overlay (NdFitView *self, guint index)
{
  if (!self->with_shown || index >= self->with_shown->len)
    return;
  guint sweep = g_array_index (self->with_shown, NdSweepScore, index).sweep;
  self->overlay = -1;
  self->with_overlay = (int) index;
  self->overlay_request++;
  nd_fit_view_set_shown_marks (self);
  /* Only the fit's own traces: the rows exist only after a joint fit in this window. */
  NdRecording *rec = nd_project_get_fitted_with (self->project);
  gsize len;
  double dt;
  const double *v = nd_fit_runner_get_with_trace (self->runner, index, &len, &dt);
  OverlaySweep sw;
  if (!rec || !v || !read_overlay_sweep (rec, sweep, &sw))
    return;
  /* The fit's trace is drawn: what drove it is not needed. */
  g_free (sw.drive);
  g_autofree double *recorded = sw.recorded;
  /* Its row's title: the step labels are not worked out again (a current-clamp file's take its cell properties). */
  const char *sweep_name = adw_preferences_row_get_title (g_ptr_array_index (self->with_rows, index + 1));
  g_autofree char *name = g_path_get_basename (nd_project_get_fitted_with_path (self->project));
  /* Translators: "cell-vc.abf · Sweep 3 · step to -40 mV: recorded and model". */
  g_autofree char *title = g_strdup_printf (_("%s · %s: recorded and model"), name, sweep_name);
  /* The loss stays in the project's recording's unit. */
  nd_fit_view_set_trace_axis (self, sw.clamp);
  nd_fit_view_show_trace (self, title, recorded, v, MIN (len, sw.n), dt);
}

static void
recording_changed (NdProject *project, gpointer user_data)
{
  g_hash_table_remove_all (ND_FIT_VIEW (user_data)->step_labels);
  ND_FIT_VIEW (user_data)->cell_measured = FALSE;
}

void
nd_fit_view_results_init (NdFitView *self)
{
  self->result_rows = g_ptr_array_new ();
  self->shown = g_array_new (FALSE, TRUE, sizeof (NdSweepScore));
  self->step_labels = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->overlay = -1;
  self->overlay_cancel = g_cancellable_new ();
}

void
nd_fit_view_results_set_project (NdFitView *self)
{
  g_signal_connect_object (self->project, "recording-changed", G_CALLBACK (recording_changed), self, 0);
}

void
nd_fit_view_results_dispose (NdFitView *self)
{
  if (self->overlay_cancel)
    g_cancellable_cancel (self->overlay_cancel);
}

void
nd_fit_view_results_finalize (NdFitView *self)
{
  g_clear_object (&self->overlay_cancel);
  g_clear_pointer (&self->result_rows, g_ptr_array_unref);
  g_clear_pointer (&self->shown, g_array_unref);
  g_clear_pointer (&self->step_labels, g_hash_table_unref);
  nd_fit_verdict_clear (&self->verdict);
}
