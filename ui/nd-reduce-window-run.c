/* nd-reduce-window-run.c: the assistant's work off the main thread.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps are the engine's (reduce-workflow.h), the same as `neurode-cli reduce` runs: the full model
 * (nd_reduce_run_full) in one task, the reduced model's build, fit and free runs (nd_reduce_fit_reduced)
 * in another (nd_task_run). Each job works on its own copy of the protocols and a reference to the cell it
 * simulated (the page may change meanwhile), the task holds the window only through a weak reference (a
 * closed window is not kept alive) and has the window's GCancellable, cancelled when the window closes or
 * another cell opens: the engine then stops within a sample of the full model or an iteration of the
 * fit. The main loop only polls: a sample counter for the full run's progress bar, and the newest fit
 * report, which the fit's progress callback copies under a lock and a 10 Hz timer draws, so the plots
 * update at most ten times a second whatever the fit's pace and the main loop never waits for the fit.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "integrator.h"
#include "morph/reduce.h"
#include "nd-reduce-window-private.h"
#include "nd-task.h"
#include "spikes.h"
#include "units.h"

static int running_threads;   /* atomic */

int
nd_reduce_window_running_threads (void)
{
  return g_atomic_int_get (&running_threads);
}

static const nd_reduce_protocol *
prot (NdReduceWindow *self, guint k)
{
  return g_ptr_array_index (self->prots, k);
}

static double
largest_current (const nd_reduce_protocol *p)
{
  double amp = 0.0;
  for (gsize j = 0; j < p->n; j++)
    amp = fmax (amp, fabs (p->i_pA[j]));
  return amp;
}

static void
reduce_cell_clear (gpointer data)
{
  NdReduceCell *c = data;
  nd_cell_free (c->cell);
  nd_cell_file_free (c->file);
}

static void
reduce_cell_release (NdReduceCell *c)
{
  g_rc_box_release_full (c, reduce_cell_clear);
}

/* ---- tasks (nd-task.h): a weak reference to the window, the window's cancellable ---- */

static void
cancel_control (GCancellable *cancellable, gpointer ctl)
{
  nd_reduce_control_cancel (ctl);
}

static GCancellable *
window_cancellable (NdReduceWindow *self)
{
  if (!self->cancellable)
    self->cancellable = g_cancellable_new ();
  return self->cancellable;
}

/* ---- the full model ---- */

struct NdReduceFullJob
{
  NdReduceCell *run;             /* the cell and settings the run uses */
  GPtrArray *prots;
  char *labels[ND_REDUCE_N_PROT];
  double *frames;
  int n_frames, frame_every;
  gboolean files;                /* protocols from the stimulus files */
  nd_reduce_control ctl;         /* its samples_done drives the progress bar */
  gboolean ok;
  GError *error;
};
typedef struct NdReduceFullJob FullRun;

static void
full_run_free (gpointer data)
{
  FullRun *r = data;
  if (r->run)
    reduce_cell_release (r->run);
  g_clear_pointer (&r->prots, g_ptr_array_unref);
  for (int k = 0; k < ND_REDUCE_N_PROT; k++)
    g_free (r->labels[k]);
  g_free (r->frames);
  g_clear_error (&r->error);
  g_free (r);
}

/* The training protocol again, keeping every node's voltage now and then for the morphology. */
static gboolean
record_frames (FullRun *r, GError **error)
{
  const nd_cable *cable = r->run->cell->cable;
  const NdCellFile *file = r->run->file;
  const nd_reduce_protocol *p = g_ptr_array_index (r->prots, 0);
  int soma = r->run->cell->soma_node, nn = cable->n_nodes;
  nd_morph_sim *sim = nd_morph_sim_new (cable, &file->membrane, p->dt_ms / p->n_sub);
  nd_morph_sim_init (sim, file->v_init_mV);
  for (gsize j = 0; j < p->n && !atomic_load (&r->ctl.cancel); j++)
    {
      if (j % r->frame_every == 0 && (int) (j / r->frame_every) < r->n_frames)
        memcpy (r->frames + (j / r->frame_every) * nn, nd_morph_sim_voltages (sim), sizeof (double) * nn);
      if (j + 1 < p->n)
        for (int s = 0; s < p->n_sub; s++)
          nd_morph_sim_step (sim, soma, p->i_pA[j]);
      if (j % 256 == 0)
        atomic_fetch_add (&r->ctl.samples_done, 256);
    }
  nd_morph_sim_free (sim);
  if (!atomic_load (&r->ctl.cancel))
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The reduction was cancelled"));
  return FALSE;
}

static void
full_run_thread (gpointer data, GCancellable *cancellable)
{
  FullRun *r = data;
  g_atomic_int_inc (&running_threads);
  gulong id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_control), &r->ctl, NULL);
  r->ok = nd_reduce_run_full (r->run->file, r->run->cell, r->prots, ND_REDUCE_MAX_DT, &r->ctl, &r->error)
          && record_frames (r, &r->error);
  g_cancellable_disconnect (cancellable, id);
  g_atomic_int_dec_and_test (&running_threads);
}

static gboolean
full_progress_tick (gpointer data)
{
  NdReduceWindow *self = data;
  FullRun *r = self->full_job;
  double f = r && self->full_total > 0 ? (double) atomic_load (&r->ctl.samples_done) / self->full_total : 0.0;
  gtk_progress_bar_set_fraction (self->full_progress, CLAMP (f, 0.0, 1.0));
  return G_SOURCE_CONTINUE;
}

void
nd_reduce_window_show_frame (NdReduceWindow *self, double t_ms)
{
  if (self->n_frames == 0 || !self->run)
    return;
  int k = CLAMP ((int) lround (t_ms / self->frame_ms), 0, self->n_frames - 1);
  nd_morphology_view_set_voltages (self->volt_view, self->frames + (gsize) k * self->run->cell->cable->n_nodes,
                                   k * self->frame_ms);
  NdPlotModel *m = self->plot_m[ND_REDUCE_PLOT_FULL];
  nd_plot_model_clear_markers (m);
  nd_plot_model_add_marker (m, k * self->frame_ms, NULL);
}

/* Frees the full run's results and the fit's (not the running work). */
static void
clear_run (NdReduceWindow *self)
{
  if (self->have_result)
    nd_fit_result_clear (&self->result);
  self->have_result = FALSE;
  g_clear_pointer (&self->model, nd_model_free);
  g_clear_pointer (&self->run, reduce_cell_release);
  g_clear_pointer (&self->prots, g_ptr_array_unref);
  for (int k = 0; k < ND_REDUCE_N_PROT; k++)
    g_clear_pointer (&self->labels[k], g_free);
  g_clear_pointer (&self->frames, g_free);
  self->n_frames = 0;
  self->n_results = 0;
}

/* Main loop, the window open (nd-task.h); a run the window has since cancelled finds it running no job. */
static gboolean
full_run_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdReduceWindow *self = owner;
  FullRun *r = data;
  if (r != self->full_job)
    return FALSE;
  self->full_job = NULL;
  g_clear_handle_id (&self->full_timer, g_source_remove);
  gtk_progress_bar_set_fraction (self->full_progress, 1.0);
  if (!r->ok)
    {
      g_autofree char *msg = g_strdup_printf (_("The full model failed: %s. Lower the densities or the step amplitude."),
                                              r->error->message);
      gtk_label_set_text (self->full_status, msg);
      nd_reduce_window_set_state (self, ND_REDUCE_LOADED);
      return FALSE;
    }
  /* Take the run's results. */
  nd_morphology_view_set_cell (self->volt_view, NULL, NULL);
  clear_run (self);
  self->run = g_rc_box_acquire (r->run);
  self->prots = g_steal_pointer (&r->prots);
  for (int k = 0; k < ND_REDUCE_N_PROT; k++)
    self->labels[k] = g_steal_pointer (&r->labels[k]);
  self->frames = g_steal_pointer (&r->frames);
  self->n_frames = r->n_frames;
  const nd_reduce_protocol *p = prot (self, 0);
  self->frame_ms = r->frame_every * p->dt_ms;
  nd_morphology_view_set_cell (self->volt_view, self->run->cell->morph, self->run->cell->cable);
  NdPlotModel *m = self->plot_m[ND_REDUCE_PLOT_FULL];
  nd_plot_model_clear (m);
  static const NdPlotColor colors[] = { ND_PLOT_COLOR_BLUE, ND_PLOT_COLOR_PURPLE, ND_PLOT_COLOR_ORANGE };
  /* The first training protocol and the first held-out ones (all three in step mode). */
  int shown[3] = { 0, -1, -1 }, n_shown = 1;
  for (guint k = 1; k < self->prots->len && n_shown < 3; k++)
    if (prot (self, k)->set == ND_REDUCE_SET_HELD_OUT)
      shown[n_shown++] = (int) k;
  for (int i = n_shown - 1; i >= 0; i--)
    {
      int k = shown[i];
      const nd_reduce_protocol *q = prot (self, k);
      guint s = nd_plot_model_add_series (m, self->labels[k], colors[i], i == 0 ? ND_PLOT_LINE : ND_PLOT_DASHED);
      nd_plot_model_set_series_trace (m, s, 0.0, q->dt_ms, q->v_full, q->n);
    }
  if (!r->files)
    nd_plot_model_add_shaded_range (m, self->run->file->step_start_ms, self->run->file->step_end_ms, _("Step"));
  double t_end = (p->n - 1) * p->dt_ms;
  gtk_adjustment_configure (self->time_adj, 0.0, 0.0, t_end, self->frame_ms, 5.0, 0.0);
  /* Show the first spike if there is one: more telling than rest. */
  double t_show = 0.0;
  for (gsize j = 1; j < p->n; j++)
    if (p->v_full[j - 1] < 0.0 && p->v_full[j] >= 0.0)
      {
        t_show = j * p->dt_ms;
        break;
      }
  gtk_adjustment_set_value (self->time_adj, t_show);
  nd_reduce_window_show_frame (self, t_show);
  double total = 0.0;
  for (guint k = 0; k < self->prots->len; k++)
    total += prot (self, k)->t_full_s;
  g_autofree char *status = g_strdup_printf (_("%d spikes at the soma under “%s”; %d compartments, %d protocols "
                                               "simulated in %.0f ms of processor time"),
                                             (int) nd_spikes_count (p->v_full, p->n, p->dt_ms), self->labels[0],
                                             self->run->cell->cable->n_compartments, (int) self->prots->len,
                                             total * 1000.0);
  gtk_label_set_text (self->full_status, status);
  /* The fit page shows the target already; early free runs of the reduced model can wander far off, so
   * its voltage axis stays on the full model's range. */
  NdPlotModel *soma = self->plot_m[ND_REDUCE_PLOT_SOMA], *ax = self->plot_m[ND_REDUCE_PLOT_AXIAL];
  double lo = INFINITY, hi = -INFINITY;
  for (gsize j = 0; j < p->n; j++)
    lo = fmin (lo, p->v_full[j]), hi = fmax (hi, p->v_full[j]);
  nd_plot_model_set_range (soma, ND_PLOT_AXIS_Y, lo - 0.25 * (hi - lo), hi + 0.15 * (hi - lo));
  nd_plot_model_clear (soma);
  nd_plot_model_set_series_trace (soma, nd_plot_model_add_series (soma, _("Full model"), ND_PLOT_COLOR_GREY,
                                                                   ND_PLOT_LINE), 0.0, p->dt_ms, p->v_full, p->n);
  nd_plot_model_clear (ax);
  nd_plot_model_set_series_trace (ax, nd_plot_model_add_series (ax, _("True axial current"), ND_PLOT_COLOR_GREY,
                                                                 ND_PLOT_LINE), 0.0, p->dt_ms, p->i_axial, p->n);
  nd_plot_model_clear (self->plot_m[ND_REDUCE_PLOT_LOSS]);
  self->n_results = 0;
  nd_reduce_window_show_results (self);
  nd_reduce_window_set_state (self, ND_REDUCE_SIMULATED);
  return FALSE;
}

/* The step of the cell file and two held-out amplitudes, sampled at the cell file's dt. */
static gboolean
add_steps (FullRun *r, GError **error)
{
  static const double factors[ND_REDUCE_N_STEPS] = { 1.0, 0.8, 1.2 };
  const NdCellFile *f = r->run->file;
  gsize n = (gsize) lround (f->duration_ms / f->dt_ms) + 1;
  g_autofree double *i_pA = g_new (double, n);
  for (int k = 0; k < ND_REDUCE_N_STEPS; k++)
    {
      double amp = f->step_amplitude_pA * factors[k];
      for (gsize j = 0; j < n; j++)
        {
          double t = j * f->dt_ms;
          i_pA[j] = t >= f->step_start_ms - 1e-9 && t < f->step_end_ms - 1e-9 ? amp : 0.0;
        }
      nd_stimulus_sweep sw = { .dt_ms = f->dt_ms, .n = n, .i_pA = i_pA };
      if (!nd_reduce_protocol_add (r->prots, k == 0 ? ND_REDUCE_SET_TRAIN : ND_REDUCE_SET_HELD_OUT, k, &sw,
                                   ND_REDUCE_MAX_DT, f->name, error))
        return FALSE;
      r->labels[k] = g_strdup_printf (k == 0 ? _("Training step, %.2f nA") : _("Held-out step, %.2f nA"),
                                      amp / 1000.0);
    }
  return TRUE;
}

/* The example's training and held-out stimulus files, read as `neurode-cli reduce` reads them. */
static gboolean
add_files (FullRun *r, const char *dir, GError **error)
{
  static const char *const names[2] = { "ca1-train-stimulus.csv", "ca1-heldout-stimulus.csv" };
  for (int set = 0; set < 2; set++)
    {
      guint first = r->prots->len;
      g_autofree char *path = g_build_filename (dir, names[set], NULL);
      if (!nd_reduce_protocols_load (r->prots, path, set == 0 ? ND_REDUCE_SET_TRAIN : ND_REDUCE_SET_HELD_OUT,
                                     ND_REDUCE_MAX_DT, ND_REDUCE_N_PROT, error))
        return FALSE;
      for (guint k = first; k < r->prots->len; k++)
        r->labels[k] = g_strdup_printf (set == 1 ? _("Held-out sweep %d, up to %.2f nA")
                                                 : _("Training sweep %d, up to %.2f nA"),
                                        (int) (k - first + 1),
                                        largest_current (g_ptr_array_index (r->prots, k)) / 1000.0);
    }
  return TRUE;
}

void
nd_reduce_window_run_full (NdReduceWindow *self)
{
  if (!self->file || self->full_job || self->fit_job)
    return;
  NdCellFile *f = g_memdup2 (self->file, sizeof *self->file);
  f->name = g_strdup (self->file->name);
  f->morphology_path = g_strdup (self->file->morphology_path);
  f->stim_section_name = g_strdup (self->file->stim_section_name);
  nd_reduce_window_read_settings (self, f);
  FullRun *r = g_new0 (FullRun, 1);
  nd_reduce_control_init (&r->ctl);
  r->run = g_rc_box_new0 (NdReduceCell);
  r->run->file = f;
  r->prots = nd_reduce_protocols_new ();
  g_autoptr (GError) error = NULL;
  gboolean use_files = self->stim_dir && gtk_switch_get_active (self->use_files);
  if (!use_files && (!(f->step_end_ms > f->step_start_ms) || f->step_start_ms >= f->duration_ms))
    {
      gtk_label_set_text (self->full_status, _("The step must end after it starts, and start before the end of the simulation."));
      full_run_free (r);
      return;
    }
  r->run->cell = nd_cell_build (f, &error);
  if (!r->run->cell)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not build the cell: %s"), error->message);
      gtk_label_set_text (self->full_status, msg);
      full_run_free (r);
      return;
    }
  r->files = use_files;
  if (!(use_files ? add_files (r, self->stim_dir, &error) : add_steps (r, &error)))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not read the stimuli: %s"), error->message);
      gtk_label_set_text (self->full_status, msg);
      full_run_free (r);
      return;
    }
  const nd_reduce_protocol *p0 = g_ptr_array_index (r->prots, 0);
  r->frame_every = MAX (1, (int) lround (ND_REDUCE_FRAME_MS / p0->dt_ms));
  r->frame_every = MAX (r->frame_every, (int) ((p0->n + ND_REDUCE_MAX_FRAMES - 1) / ND_REDUCE_MAX_FRAMES));
  r->n_frames = (int) ((p0->n - 1) / r->frame_every) + 1;
  r->frames = g_new0 (double, (gsize) r->n_frames * r->run->cell->cable->n_nodes);
  self->full_total = (int) p0->n;
  for (guint k = 0; k < r->prots->len; k++)
    self->full_total += 3 * (int) ((const nd_reduce_protocol *) g_ptr_array_index (r->prots, k))->n;
  gtk_label_set_text (self->full_status, _("Simulating the full model…"));
  gtk_progress_bar_set_fraction (self->full_progress, 0.0);
  nd_reduce_window_set_state (self, ND_REDUCE_SIMULATING);
  self->full_job = r;
  self->full_timer = g_timeout_add (50, full_progress_tick, self);
  nd_task_run (self, window_cancellable (self), r, full_run_free, full_run_thread, full_run_done);
}

/* ---- the fit ---- */

char *
nd_reduce_time_left (double elapsed_s, int done, int total)
{
  /* Too early for a rate: the first iterations include setting up. */
  if (done < 10 || elapsed_s < 3.0 || total <= done)
    return g_strdup (total <= done && done > 0 ? _("finishing") : _("estimating the time left"));
  double left = elapsed_s / done * (total - done);
  if (left < 60.0)
    {
      int s = MAX (10, (int) (ceil (left / 10.0) * 10.0));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d second left", "about %d seconds left", s), s);
    }
  int m = (int) ceil (left / 60.0);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d minute left", "about %d minutes left", m), m);
}

struct NdReduceFitJob
{
  NdReduceCell *run;
  GPtrArray *prots;              /* a copy of the window's, filled by the free runs */
  nd_reduce_settings settings;
  nd_reduce_control ctl;         /* ctl.fit: the window's pause and stop */
  nd_reduce_result result;
  char *warning;                 /* the free runs' divergence, shown with the result */
  gboolean ok;
  GError *error;
  GMutex lock;                   /* guards the snapshot, written by the fit thread */
  struct
  {
    gboolean fresh;
    int done, total, horizon;
    int iteration, iterations, restart, restarts;   /* within the current start, and of the starts */
    double train_loss, val_loss;
    double *trace_v, *trace_i;     /* soma voltage and learned current (pA) of the first protocol */
    gsize trace_n;
  } snap;
};
typedef struct NdReduceFitJob FitRun;

static void
fit_run_free (gpointer data)
{
  FitRun *f = data;
  reduce_cell_release (f->run);
  g_ptr_array_unref (f->prots);
  nd_reduce_result_clear (&f->result);
  g_free (f->warning);
  g_clear_error (&f->error);
  g_mutex_clear (&f->lock);
  g_free (f->snap.trace_v);
  g_free (f->snap.trace_i);
  g_free (f);
}

static void
fit_progress (const nd_fit_progress *p, void *user)
{
  FitRun *f = user;
  g_mutex_lock (&f->lock);
  f->snap.fresh = TRUE;
  f->snap.done = p->done;
  f->snap.total = p->total;
  f->snap.horizon = p->horizon;
  f->snap.iteration = p->iteration;
  f->snap.iterations = p->iterations;
  f->snap.restart = p->restart;
  f->snap.restarts = p->restarts;
  f->snap.train_loss = p->train_loss;
  f->snap.val_loss = p->val_loss;
  if (p->trace_v && p->trace_n > 0)
    {
      if (f->snap.trace_n != p->trace_n)
        {
          g_free (f->snap.trace_v);
          g_free (f->snap.trace_i);
          f->snap.trace_v = g_new (double, p->trace_n);
          f->snap.trace_i = g_new0 (double, p->trace_n);
          f->snap.trace_n = p->trace_n;
        }
      memcpy (f->snap.trace_v, p->trace_v, sizeof (double) * p->trace_n);
      /* The learned current in pA at the soma, as the true axial current is drawn (the model being
       * fitted is this thread's). */
      for (gsize j = 0; p->trace_free && j < p->trace_n; j++)
        f->snap.trace_i[j] = nd_density_to_pA (p->trace_free[j], f->result.model->area_um2);
    }
  g_mutex_unlock (&f->lock);
}

static void
fit_thread (gpointer data, GCancellable *cancellable)
{
  FitRun *f = data;
  g_atomic_int_inc (&running_threads);
  gulong id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_control), &f->ctl, NULL);
  f->ok = nd_reduce_fit_reduced (f->run->file, f->run->cell, f->prots, &f->settings, &f->ctl, fit_progress, f,
                                 &f->result, &f->error);
  g_cancellable_disconnect (cancellable, id);
  /* A diverging reduced model is still shown, with the engine's words. */
  if (!f->ok && f->result.model && atomic_load (&f->ctl.step) == 4 && !atomic_load (&f->ctl.cancel))
    {
      f->warning = g_strdup (f->error->message);
      g_clear_error (&f->error);
      f->ok = TRUE;
    }
  g_atomic_int_dec_and_test (&running_threads);
}

static void
show_loss (NdReduceWindow *self)
{
  NdPlotModel *m = self->plot_m[ND_REDUCE_PLOT_LOSS];
  nd_plot_model_clear (m);
  guint n = self->hist_x->len;
  if (n == 0)
    return;
  guint s = nd_plot_model_add_series (m, _("Training"), ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
  nd_plot_model_set_series_data (m, s, (double *) self->hist_x->data, (double *) self->hist_train->data, n);
  g_autofree double *vx = g_new (double, n), *vy = g_new (double, n);
  guint k = 0;
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->hist_val, double, i);
      if (isfinite (v) && v > 0 && (k == 0 || v != vy[k - 1]))
        vx[k] = g_array_index (self->hist_x, double, i), vy[k++] = v;
    }
  if (k > 0)
    nd_plot_model_set_series_data (m, nd_plot_model_add_series (m, _("Worst held-out protocol"), ND_PLOT_COLOR_ORANGE,
                                                                ND_PLOT_LINE_POINTS), vx, vy, k);
}

static void
show_fit_plots (NdReduceWindow *self, const double *v_red, gsize n, const double *i_learned)
{
  const nd_reduce_protocol *p = g_ptr_array_index (self->prots, 0);
  NdPlotModel *soma = self->plot_m[ND_REDUCE_PLOT_SOMA];
  nd_plot_model_clear (soma);
  nd_plot_model_set_series_trace (soma, nd_plot_model_add_series (soma, _("Full model"), ND_PLOT_COLOR_GREY,
                                                                   ND_PLOT_LINE), 0.0, p->dt_ms, p->v_full, p->n);
  if (v_red)
    nd_plot_model_set_series_trace (soma, nd_plot_model_add_series (soma, _("Reduced model"), ND_PLOT_COLOR_BLUE,
                                                                     ND_PLOT_LINE), 0.0, p->dt_ms, v_red, MIN (n, p->n));
  if (i_learned)
    {
      NdPlotModel *ax = self->plot_m[ND_REDUCE_PLOT_AXIAL];
      nd_plot_model_clear (ax);
      nd_plot_model_set_series_trace (ax, nd_plot_model_add_series (ax, _("True axial current"), ND_PLOT_COLOR_GREY,
                                                                     ND_PLOT_LINE), 0.0, p->dt_ms, p->i_axial, p->n);
      nd_plot_model_set_series_trace (ax, nd_plot_model_add_series (ax, _("Learned current"), ND_PLOT_COLOR_RED,
                                                                     ND_PLOT_LINE), 0.0, p->dt_ms, i_learned, p->n);
    }
}

/* Main loop, the window open (nd-task.h), as full_run_done. */
static gboolean
fit_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdReduceWindow *self = owner;
  FitRun *f = data;
  if (f != self->fit_job)
    return FALSE;
  g_clear_handle_id (&self->fit_timer, g_source_remove);
  self->fit_job = NULL;
  if (!f->ok)
    {
      g_autofree char *msg = g_strdup_printf (_("The fit failed: %s"), f->error->message);
      gtk_label_set_text (self->fit_status, msg);
      nd_reduce_window_set_state (self, ND_REDUCE_SIMULATED);
      return FALSE;
    }
  /* Take the fitted model and the protocols with its free runs. */
  self->model = g_steal_pointer (&f->result.model);
  self->result = f->result.fit;
  memset (&f->result.fit, 0, sizeof f->result.fit);
  self->have_result = TRUE;
  g_ptr_array_unref (self->prots);
  self->prots = g_steal_pointer (&f->prots);
  f->prots = nd_reduce_protocols_new ();
  self->n_results = MIN (self->prots->len, ND_REDUCE_N_PROT);
  for (guint k = 0; k < self->n_results; k++)
    {
      const nd_reduce_protocol *p = prot (self, k);
      nd_reduce_score sc;
      nd_reduce_protocol_score (p, &sc);
      NdReduceResult *out = &self->results[k];
      *out = (NdReduceResult) { .amplitude_pA = largest_current (p), .held_out = p->set == ND_REDUCE_SET_HELD_OUT,
                                .rmse_mV = sc.rmse_mV, .spikes_full = sc.spikes_full,
                                .spikes_reduced = sc.spikes_reduced, .spike_shift_ms = sc.spike_shift_ms,
                                .rate_full_hz = sc.rate_full_hz, .rate_reduced_hz = sc.rate_reduced_hz,
                                .rate_error_pct = sc.rate_error_pct, .sens_rmse_mV = sc.sens_rmse_mV,
                                .t_full_s = p->t_full_s, .t_reduced_s = p->t_red_s };
      g_strlcpy (out->label, self->labels[k] ? self->labels[k] : "", sizeof out->label);
    }
  const nd_reduce_protocol *p = prot (self, 0);
  show_fit_plots (self, p->v_red, p->n, p->i_learned);
  nd_reduce_window_show_results (self);
  g_autofree char *status = f->warning ? g_strdup (f->warning)
                                       : g_strdup_printf (_("Finished after %d iterations: soma RMSE %.2f mV on the first training protocol"),
                                                          self->iterations_done, self->results[0].rmse_mV);
  gtk_label_set_text (self->fit_status, status);
  gtk_progress_bar_set_fraction (self->fit_progress, 1.0);
  nd_reduce_window_set_state (self, ND_REDUCE_DONE);
  return FALSE;
}

static gboolean
fit_tick (gpointer data)
{
  NdReduceWindow *self = data;
  FitRun *f = self->fit_job;
  if (!f)
    return G_SOURCE_CONTINUE;
  gboolean fresh;
  int done = 0, total = 1, horizon = 0, iteration = 0, iterations = 0, restart = 0, restarts = 1;
  double loss = NAN, val = NAN;
  g_autofree double *trace = NULL, *learned = NULL;
  gsize trace_n = 0;
  g_mutex_lock (&f->lock);
  fresh = f->snap.fresh;
  if (fresh)
    {
      f->snap.fresh = FALSE;
      done = f->snap.done;
      total = f->snap.total;
      horizon = f->snap.horizon;
      iteration = f->snap.iteration;
      iterations = f->snap.iterations;
      restart = f->snap.restart;
      restarts = f->snap.restarts;
      loss = f->snap.train_loss;
      val = f->snap.val_loss;
      trace = g_memdup2 (f->snap.trace_v, sizeof (double) * f->snap.trace_n);
      learned = g_memdup2 (f->snap.trace_i, sizeof (double) * f->snap.trace_n);
      trace_n = f->snap.trace_n;
    }
  g_mutex_unlock (&f->lock);
  if (fresh)
    {
      self->iterations_done = done;
      if (isfinite (loss) && loss > 0)
        {
          double x = done;
          g_array_append_val (self->hist_x, x);
          g_array_append_val (self->hist_train, loss);
          g_array_append_val (self->hist_val, val);
          show_loss (self);
        }
      if (trace && learned)
        show_fit_plots (self, trace, trace_n, learned);
      gtk_progress_bar_set_fraction (self->fit_progress, total > 0 ? CLAMP ((double) done / total, 0.0, 1.0) : 0.0);
      g_autofree char *left = nd_reduce_time_left (g_timer_elapsed (self->fit_clock, NULL), done, total);
      /* The iterations field counts per start; the bar counts all starts. */
      g_autofree char *status = g_strdup_printf (_("Start %d of %d, iteration %d of %d (%s) · loss %.3g mV² · %s"),
                                                 restart + 1, MAX (restarts, restart + 1), iteration, iterations,
                                                 horizon == 0 ? _("running on its own") : _("guided by the full model"),
                                                 loss, left);
      if (self->state == ND_REDUCE_FITTING)
        gtk_label_set_text (self->fit_status, status);
    }
  if (atomic_load (&f->ctl.step) == 4 && self->state != ND_REDUCE_SCORING)
    {
      gtk_label_set_text (self->fit_status, _("Running the reduced model on every protocol…"));
      nd_reduce_window_set_state (self, ND_REDUCE_SCORING);
    }
  return G_SOURCE_CONTINUE;
}

void
nd_reduce_window_fit_start (NdReduceWindow *self)
{
  if (!self->prots || self->prots->len == 0 || self->fit_job || self->full_job || !self->run)
    return;
  FitRun *f = g_new0 (FitRun, 1);
  g_mutex_init (&f->lock);
  nd_reduce_control_init (&f->ctl);
  f->run = g_rc_box_acquire (self->run);
  f->prots = nd_reduce_protocols_copy (self->prots);
  /* `neurode-cli reduce`'s defaults, with the page's latents and iterations. */
  nd_reduce_settings_default (&f->settings);
  f->settings.max_dt_ms = ND_REDUCE_MAX_DT;
  f->settings.shape.n_latent = gtk_spin_button_get_value_as_int (self->latents);
  f->settings.fit.iterations = gtk_spin_button_get_value_as_int (self->iterations);
  f->settings.fit.progress_interval_s = 0.1;
  if (self->have_result)
    nd_fit_result_clear (&self->result);
  self->have_result = FALSE;
  g_clear_pointer (&self->model, nd_model_free);
  g_array_set_size (self->hist_x, 0);
  g_array_set_size (self->hist_train, 0);
  g_array_set_size (self->hist_val, 0);
  self->iterations_done = 0;
  show_loss (self);
  show_fit_plots (self, NULL, 0, NULL);
  self->n_results = 0;
  nd_reduce_window_show_results (self);
  g_timer_start (self->fit_clock);
  gtk_label_set_text (self->fit_status, _("Starting…"));
  gtk_progress_bar_set_fraction (self->fit_progress, 0.0);
  nd_reduce_window_set_state (self, ND_REDUCE_FITTING);
  self->fit_job = f;
  self->fit_timer = g_timeout_add (100, fit_tick, self);
  nd_task_run (self, window_cancellable (self), f, fit_run_free, fit_thread, fit_done);
}

void
nd_reduce_window_fit_pause (NdReduceWindow *self, gboolean paused)
{
  FitRun *f = self->fit_job;
  if (!f)
    return;
  atomic_store (&f->ctl.fit.pause, paused);
  /* Time paused is not time the fit takes (as NdFitRunner's clock). */
  if (paused)
    g_timer_stop (self->fit_clock);
  else if (!g_timer_is_active (self->fit_clock))
    g_timer_continue (self->fit_clock);
  if (paused)
    gtk_label_set_text (self->fit_status, _("Paused"));
  nd_reduce_window_set_state (self, paused ? ND_REDUCE_PAUSED : ND_REDUCE_FITTING);
}

void
nd_reduce_window_fit_stop (NdReduceWindow *self)
{
  FitRun *f = self->fit_job;
  if (!f)
    return;
  /* The fit ends and keeps its best parameters; the free runs follow. */
  atomic_store (&f->ctl.fit.cancel, 1);
  atomic_store (&f->ctl.fit.pause, 0);
  gtk_label_set_text (self->fit_status, _("Stopping after this iteration…"));
  nd_reduce_window_set_state (self, ND_REDUCE_FITTING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reduce.fit-pause", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reduce.fit-stop", FALSE);
}

void
nd_reduce_window_run_cancel (NdReduceWindow *self)
{
  /* The threads end on their own within a sample or an iteration; their callbacks find no job. */
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->full_job = NULL;
  self->fit_job = NULL;
  g_clear_handle_id (&self->fit_timer, g_source_remove);
  g_clear_handle_id (&self->full_timer, g_source_remove);
}

void
nd_reduce_window_run_clear (NdReduceWindow *self)
{
  nd_reduce_window_run_cancel (self);
  if (self->volt_view)
    nd_morphology_view_set_cell (self->volt_view, NULL, NULL);
  clear_run (self);
  for (int i = 0; i < ND_REDUCE_N_PLOTS; i++)
    if (self->plot_m[i])
      nd_plot_model_clear (self->plot_m[i]);
}
