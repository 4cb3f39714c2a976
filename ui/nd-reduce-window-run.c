/* nd-reduce-window-run.c: the assistant's work off the main thread.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The full model runs in a GTask thread on its own copy of the cell (the page may change meanwhile); the
 * main loop only polls a sample counter for the progress bar. The fit runs on the engine's worker
 * (fit-worker.h): its progress callback copies the newest report under a lock, and a 10 Hz main-loop timer
 * draws it, so the plots update at most ten times a second whatever the fit's pace and the main loop never
 * waits for the fit. When the fit ends, the reduced model is run on every protocol in another GTask.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "integrator.h"
#include "json-input.h"
#include "morph/reduce.h"
#include "nd-reduce-window-private.h"
#include "spikes.h"
#include "units.h"

static double
thread_cpu_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
protocol_clear (NdReduceProtocol *p)
{
  g_free (p->i_pA);
  g_free (p->dens);
  g_free (p->v_full);
  g_free (p->i_axial);
  g_free (p->v_red);
  g_free (p->i_learned);
  g_free (p->label);
  memset (p, 0, sizeof *p);
}

/* The scoring thread works on its own copies, so closing the window meanwhile is safe. */
typedef struct
{
  nd_model *model;
  NdReduceProtocol prot[ND_REDUCE_N_PROT];
  int n_prot;
} Scoring;

static void
scoring_free (gpointer data)
{
  Scoring *s = data;
  nd_model_free (s->model);
  for (int k = 0; k < s->n_prot; k++)
    protocol_clear (&s->prot[k]);
  g_free (s);
}

/* ---- the full model ---- */

typedef struct
{
  NdCellFile *file;              /* the settings the run uses (owned) */
  NdCell *cell;
  NdReduceProtocol prot[ND_REDUCE_N_PROT];
  int n_prot;
  double *frames;
  int n_frames, frame_every;
  int *done;                     /* the window's counter */
  gboolean files;                /* protocols from the stimulus files */
  gboolean diverged;
} FullRun;

static void
full_run_free (gpointer data)
{
  FullRun *r = data;
  nd_cell_file_free (r->file);
  nd_cell_free (r->cell);
  for (int i = 0; i < r->n_prot; i++)
    protocol_clear (&r->prot[i]);
  g_free (r->frames);
  g_free (r);
}

static void
full_run_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  FullRun *r = data;
  const nd_cable *cable = r->cell->cable;
  int soma = r->cell->soma_node;
  for (int k = 0; k < r->n_prot; k++)
    {
      NdReduceProtocol *p = &r->prot[k];
      nd_morph_trace tr = { .n = p->n, .dt_ms = p->dt, .i_pA = p->i_pA, .v_mV = p->v_full, .i_axial_pA = p->i_axial };
      double t0 = thread_cpu_s ();
      if (nd_morph_record (cable, &r->file->membrane, r->file->v_init_mV, soma, ND_REDUCE_MAX_DT, &tr) < 0)
        r->diverged = TRUE;
      p->t_full_s = thread_cpu_s () - t0;
      g_atomic_int_add (r->done, (int) p->n);
    }
  /* The training step again, keeping every node's voltage now and then for the morphology. */
  NdReduceProtocol *p = &r->prot[0];
  nd_morph_sim *sim = nd_morph_sim_new (cable, &r->file->membrane, p->dt / p->n_sub);
  nd_morph_sim_init (sim, r->file->v_init_mV);
  int nn = cable->n_nodes;
  for (gsize j = 0; j < p->n && !r->diverged; j++)
    {
      if (j % r->frame_every == 0 && (int) (j / r->frame_every) < r->n_frames)
        memcpy (r->frames + (j / r->frame_every) * nn, nd_morph_sim_voltages (sim), sizeof (double) * nn);
      if (j + 1 < p->n)
        for (int s = 0; s < p->n_sub; s++)
          nd_morph_sim_step (sim, soma, p->i_pA[j]);
      if (j % 256 == 0)
        g_atomic_int_add (r->done, 256);
    }
  nd_morph_sim_free (sim);
  g_task_return_boolean (task, !r->diverged);
}

static gboolean
full_progress_tick (gpointer data)
{
  NdReduceWindow *self = data;
  double f = self->full_total > 0 ? (double) g_atomic_int_get (&self->full_done) / self->full_total : 0.0;
  gtk_progress_bar_set_fraction (self->full_progress, CLAMP (f, 0.0, 1.0));
  return G_SOURCE_CONTINUE;
}

void
nd_reduce_window_show_frame (NdReduceWindow *self, double t_ms)
{
  if (self->n_frames == 0 || !self->run_cell)
    return;
  int k = CLAMP ((int) lround (t_ms / self->frame_ms), 0, self->n_frames - 1);
  nd_morphology_view_set_voltages (self->volt_view, self->frames + (gsize) k * self->run_cell->cable->n_nodes,
                                   k * self->frame_ms);
  NdPlotModel *m = self->plot_m[ND_REDUCE_PLOT_FULL];
  nd_plot_model_clear_markers (m);
  nd_plot_model_add_marker (m, k * self->frame_ms, NULL);
}

static void
full_run_done (GObject *source, GAsyncResult *res, gpointer data)
{
  NdReduceWindow *self = ND_REDUCE_WINDOW (source);
  FullRun *r = g_task_get_task_data (G_TASK (res));
  gboolean ok = g_task_propagate_boolean (G_TASK (res), NULL);
  if (self->disposed)
    return;
  g_clear_handle_id (&self->full_timer, g_source_remove);
  gtk_progress_bar_set_fraction (self->full_progress, 1.0);
  if (!ok)
    {
      gtk_label_set_text (self->full_status, _("The full model diverged: lower the densities or the step amplitude."));
      nd_reduce_window_set_state (self, ND_REDUCE_LOADED);
      return;
    }
  /* Take the run's results. */
  nd_morphology_view_set_cell (self->volt_view, NULL, NULL);
  g_clear_pointer (&self->run_cell, nd_cell_free);
  g_clear_pointer (&self->run_file, nd_cell_file_free);
  for (int i = 0; i < self->n_prot; i++)
    protocol_clear (&self->prot[i]);
  g_free (self->frames);
  self->run_file = g_steal_pointer (&r->file);
  self->run_cell = g_steal_pointer (&r->cell);
  memcpy (self->prot, r->prot, sizeof r->prot);
  memset (r->prot, 0, sizeof r->prot);
  self->n_prot = r->n_prot;
  r->n_prot = 0;
  self->frames = g_steal_pointer (&r->frames);
  self->n_frames = r->n_frames;
  self->frame_ms = r->frame_every * self->prot[0].dt;

  NdReduceProtocol *p = &self->prot[0];
  nd_morphology_view_set_cell (self->volt_view, self->run_cell->morph, self->run_cell->cable);
  NdPlotModel *m = self->plot_m[ND_REDUCE_PLOT_FULL];
  nd_plot_model_clear (m);
  static const NdPlotColor colors[] = { ND_PLOT_COLOR_BLUE, ND_PLOT_COLOR_PURPLE, ND_PLOT_COLOR_ORANGE };
  /* The first training protocol and the first held-out ones (all three in step mode). */
  int shown[3] = { 0, -1, -1 }, n_shown = 1;
  for (int k = 1; k < self->n_prot && n_shown < 3; k++)
    if (self->prot[k].held_out)
      shown[n_shown++] = k;
  for (int i = n_shown - 1; i >= 0; i--)
    {
      int k = shown[i];
      guint s = nd_plot_model_add_series (m, self->prot[k].label, colors[i], i == 0 ? ND_PLOT_LINE : ND_PLOT_DASHED);
      nd_plot_model_set_series_trace (m, s, 0.0, self->prot[k].dt, self->prot[k].v_full, self->prot[k].n);
    }
  if (!r->files)
    nd_plot_model_add_shaded_range (m, self->run_file->step_start_ms, self->run_file->step_end_ms, _("Step"));
  double t_end = (p->n - 1) * p->dt;
  gtk_adjustment_configure (self->time_adj, 0.0, 0.0, t_end, self->frame_ms, 5.0, 0.0);
  /* Show the first spike if there is one: more telling than rest. */
  double t_show = 0.0;
  for (gsize j = 1; j < p->n; j++)
    if (p->v_full[j - 1] < 0.0 && p->v_full[j] >= 0.0)
      {
        t_show = j * p->dt;
        break;
      }
  gtk_adjustment_set_value (self->time_adj, t_show);
  nd_reduce_window_show_frame (self, t_show);
  double total = 0.0;
  for (int k = 0; k < self->n_prot; k++)
    total += self->prot[k].t_full_s;
  g_autofree char *status = g_strdup_printf (_("%d spikes at the soma under “%s”; %d compartments, %d protocols "
                                               "simulated in %.0f ms of processor time"),
                                             (int) nd_spikes_count (p->v_full, p->n, p->dt), p->label,
                                             self->run_cell->cable->n_compartments, self->n_prot, total * 1000.0);
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
                                                                   ND_PLOT_LINE), 0.0, p->dt, p->v_full, p->n);
  nd_plot_model_clear (ax);
  nd_plot_model_set_series_trace (ax, nd_plot_model_add_series (ax, _("True axial current"), ND_PLOT_COLOR_GREY,
                                                                 ND_PLOT_LINE), 0.0, p->dt, p->i_axial, p->n);
  nd_plot_model_clear (self->plot_m[ND_REDUCE_PLOT_LOSS]);
  self->n_results = 0;
  nd_reduce_window_show_results (self);
  nd_reduce_window_set_state (self, ND_REDUCE_SIMULATED);
}

/* A stimulus file: CSV "sweep,t_ms,i_pA", sweeps one after the other, each value held over its sample. */
static gboolean
load_sweeps (const char *path, gboolean held_out, FullRun *r, GError **error)
{
  gsize len = 0;
  /* Bounded: a device or a huge file is refused before it is read (json-input.h). */
  g_autofree char *text = nd_read_file_bounded (path, (gsize) 1 << 30, _("stimulus file"), &len, error);
  if (!text)
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) cur = g_array_new (FALSE, FALSE, sizeof (double));
  long sweep = -1;
  int first = r->n_prot;
  for (guint i = 1; lines[i]; i++)
    {
      if (!lines[i][0] || lines[i][0] == '\r')
        continue;
      char *end;
      long s = strtol (lines[i], &end, 10);
      double tv = *end == ',' ? g_ascii_strtod (end + 1, &end) : NAN;
      double iv = *end == ',' ? g_ascii_strtod (end + 1, &end) : NAN;
      if (!isfinite (tv) || !isfinite (iv))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %u of “%s” is not sweep,t_ms,i_pA"), i + 1, path);
          return FALSE;
        }
      if (s != sweep || i == 1)
        {
          if (r->n_prot == ND_REDUCE_N_PROT)
            break;
          sweep = s;
          r->prot[r->n_prot++] = (NdReduceProtocol) { .held_out = held_out };
          g_array_set_size (t, 0);
          g_array_set_size (cur, 0);
        }
      NdReduceProtocol *p = &r->prot[r->n_prot - 1];
      g_array_append_val (t, tv);
      g_array_append_val (cur, iv);
      p->n = cur->len;
      p->dt = t->len > 1 ? g_array_index (t, double, 1) - g_array_index (t, double, 0) : 0.0;
      p->amp_pA = fmax (p->amp_pA, fabs (iv));
      g_free (p->i_pA);
      p->i_pA = g_memdup2 (cur->data, sizeof (double) * cur->len);
    }
  for (int k = first; k < r->n_prot; k++)
    {
      NdReduceProtocol *p = &r->prot[k];
      if (p->n < 2 || !(p->dt > 0.0))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("a sweep of “%s” has fewer than two samples"), path);
          return FALSE;
        }
      p->label = g_strdup_printf (held_out ? _("Held-out sweep %d, up to %.2f nA") : _("Training sweep %d, up to %.2f nA"),
                                  k - first + 1, p->amp_pA / 1000.0);
    }
  return TRUE;
}

void
nd_reduce_window_run_full (NdReduceWindow *self)
{
  if (!self->file || self->state == ND_REDUCE_SIMULATING || self->worker)
    return;
  FullRun *r = g_new0 (FullRun, 1);
  r->file = g_memdup2 (self->file, sizeof *self->file);
  r->file->name = g_strdup (self->file->name);
  r->file->morphology_path = g_strdup (self->file->morphology_path);
  r->file->stim_section_name = g_strdup (self->file->stim_section_name);
  nd_reduce_window_read_settings (self, r->file);
  g_autoptr (GError) error = NULL;
  NdCellFile *f = r->file;
  gboolean use_files = self->stim_dir && gtk_switch_get_active (self->use_files);
  if (!use_files && (!(f->step_end_ms > f->step_start_ms) || f->step_start_ms >= f->duration_ms))
    {
      gtk_label_set_text (self->full_status, _("The step must end after it starts, and start before the end of the simulation."));
      full_run_free (r);
      return;
    }
  r->cell = nd_cell_build (f, &error);
  if (!r->cell)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not build the cell: %s"), error->message);
      gtk_label_set_text (self->full_status, msg);
      full_run_free (r);
      return;
    }
  r->files = use_files;
  if (use_files)
    {
      static const char *const names[2] = { "ca1-train-stimulus.csv", "ca1-heldout-stimulus.csv" };
      for (int set = 0; set < 2; set++)
        {
          g_autofree char *path = g_build_filename (self->stim_dir, names[set], NULL);
          if (!load_sweeps (path, set == 1, r, &error))
            {
              g_autofree char *msg = g_strdup_printf (_("Could not read the stimuli: %s"), error->message);
              gtk_label_set_text (self->full_status, msg);
              full_run_free (r);
              return;
            }
        }
    }
  else
    {
      static const double factors[ND_REDUCE_N_STEPS] = { 1.0, 0.8, 1.2 };
      gsize n = (gsize) lround (f->duration_ms / f->dt_ms) + 1;
      r->n_prot = ND_REDUCE_N_STEPS;
      for (int k = 0; k < r->n_prot; k++)
        {
          NdReduceProtocol *p = &r->prot[k];
          p->amp_pA = f->step_amplitude_pA * factors[k];
          p->held_out = k > 0;
          p->label = g_strdup_printf (k == 0 ? _("Training step, %.2f nA") : _("Held-out step, %.2f nA"),
                                      p->amp_pA / 1000.0);
          p->n = n;
          p->dt = f->dt_ms;
          p->i_pA = g_new (double, n);
          for (gsize j = 0; j < n; j++)
            {
              double t = j * p->dt;
              p->i_pA[j] = t >= f->step_start_ms - 1e-9 && t < f->step_end_ms - 1e-9 ? p->amp_pA : 0.0;
            }
        }
    }
  for (int k = 0; k < r->n_prot; k++)
    {
      NdReduceProtocol *p = &r->prot[k];
      p->n_sub = nd_morph_substeps (p->dt, ND_REDUCE_MAX_DT);
      p->v_full = g_new0 (double, p->n);
      p->i_axial = g_new0 (double, p->n);
    }
  gsize n = r->prot[0].n;
  double dt0 = r->prot[0].dt;
  r->frame_every = MAX (1, (int) lround (ND_REDUCE_FRAME_MS / dt0));
  r->frame_every = MAX (r->frame_every, (int) ((n + ND_REDUCE_MAX_FRAMES - 1) / ND_REDUCE_MAX_FRAMES));
  r->n_frames = (int) ((n - 1) / r->frame_every) + 1;
  r->frames = g_new0 (double, (gsize) r->n_frames * r->cell->cable->n_nodes);
  g_atomic_int_set (&self->full_done, 0);
  self->full_total = (int) n;
  for (int k = 0; k < r->n_prot; k++)
    self->full_total += (int) r->prot[k].n;
  r->done = &self->full_done;
  gtk_label_set_text (self->full_status, _("Simulating the full model…"));
  gtk_progress_bar_set_fraction (self->full_progress, 0.0);
  nd_reduce_window_set_state (self, ND_REDUCE_SIMULATING);
  self->full_timer = g_timeout_add (50, full_progress_tick, self);
  GTask *task = g_task_new (self, NULL, full_run_done, NULL);
  g_task_set_task_data (task, r, full_run_free);
  g_task_run_in_thread (task, full_run_thread);
  g_object_unref (task);
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

static void
fit_progress (const nd_fit_progress *p, void *user)
{
  NdReduceWindow *self = user;
  g_mutex_lock (&self->lock);
  self->snap.fresh = TRUE;
  self->snap.done = p->done;
  self->snap.total = p->total;
  self->snap.horizon = p->horizon;
  self->snap.iteration = p->iteration;
  self->snap.iterations = p->iterations;
  self->snap.restart = p->restart;
  self->snap.restarts = p->restarts;
  self->snap.train_loss = p->train_loss;
  self->snap.val_loss = p->val_loss;
  if (p->trace_v && p->trace_n > 0)
    {
      if (self->snap.trace_n != p->trace_n)
        {
          g_free (self->snap.trace_v);
          g_free (self->snap.trace_i);
          self->snap.trace_v = g_new (double, p->trace_n);
          self->snap.trace_i = g_new0 (double, p->trace_n);
          self->snap.trace_n = p->trace_n;
        }
      memcpy (self->snap.trace_v, p->trace_v, sizeof (double) * p->trace_n);
      if (p->trace_free)
        memcpy (self->snap.trace_i, p->trace_free, sizeof (double) * p->trace_n);
    }
  g_mutex_unlock (&self->lock);
}

static void show_fit_plots (NdReduceWindow *self, const double *v_red, gsize n, const double *i_learned);

static void
fit_scored (GObject *source, GAsyncResult *res, gpointer data)
{
  NdReduceWindow *self = ND_REDUCE_WINDOW (source);
  Scoring *sc = g_task_get_task_data (G_TASK (res));
  g_task_propagate_boolean (G_TASK (res), NULL);
  if (self->disposed || self->n_prot != sc->n_prot)
    return;
  self->n_results = self->n_prot;
  for (int k = 0; k < self->n_prot; k++)
    {
      NdReduceProtocol *p = &self->prot[k];
      memcpy (p->v_red, sc->prot[k].v_red, sizeof (double) * p->n);
      memcpy (p->i_learned, sc->prot[k].i_learned, sizeof (double) * p->n);
      p->t_red_s = sc->prot[k].t_red_s;
      double se = 0.0;
      for (gsize j = 0; j < p->n; j++)
        se += (p->v_red[j] - p->v_full[j]) * (p->v_red[j] - p->v_full[j]);
      NdReduceResult *out = &self->results[k];
      *out = (NdReduceResult) { .amplitude_pA = p->amp_pA, .held_out = p->held_out,
                                            .rmse_mV = sqrt (se / p->n),
                                            .spikes_full = (int) nd_spikes_count (p->v_full, p->n, p->dt),
                                            .spikes_reduced = (int) nd_spikes_count (p->v_red, p->n, p->dt),
                                            .spike_shift_ms = nd_spikes_mean_shift (p->v_full, p->v_red, p->n, p->dt),
                                            .t_full_s = p->t_full_s, .t_reduced_s = p->t_red_s };
      g_strlcpy (out->label, p->label ? p->label : "", sizeof out->label);
    }
  NdReduceProtocol *p = &self->prot[0];
  show_fit_plots (self, p->v_red, p->n, p->i_learned);
  nd_reduce_window_show_results (self);
  g_autofree char *status = g_strdup_printf (_("Finished after %d iterations: soma RMSE %.2f mV on the first training protocol"),
                                             self->iterations_done, self->results[0].rmse_mV);
  gtk_label_set_text (self->fit_status, status);
  gtk_progress_bar_set_fraction (self->fit_progress, 1.0);
  nd_reduce_window_set_state (self, ND_REDUCE_DONE);
}

static void
score_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Scoring *s = data;
  for (int k = 0; k < s->n_prot; k++)
    {
      NdReduceProtocol *p = &s->prot[k];
      /* Timed with its current output, as the full model is timed with its axial current. */
      double t0 = thread_cpu_s ();
      nd_reduced_run (s->model, p->n, p->dt, p->n_sub, p->i_pA, p->v_red, p->i_learned);
      p->t_red_s = thread_cpu_s () - t0;
    }
  g_task_return_boolean (task, TRUE);
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
  NdReduceProtocol *p = &self->prot[0];
  NdPlotModel *soma = self->plot_m[ND_REDUCE_PLOT_SOMA];
  nd_plot_model_clear (soma);
  nd_plot_model_set_series_trace (soma, nd_plot_model_add_series (soma, _("Full model"), ND_PLOT_COLOR_GREY,
                                                                   ND_PLOT_LINE), 0.0, p->dt, p->v_full, p->n);
  if (v_red)
    nd_plot_model_set_series_trace (soma, nd_plot_model_add_series (soma, _("Reduced model"), ND_PLOT_COLOR_BLUE,
                                                                     ND_PLOT_LINE), 0.0, p->dt, v_red, MIN (n, p->n));
  if (i_learned)
    {
      NdPlotModel *ax = self->plot_m[ND_REDUCE_PLOT_AXIAL];
      nd_plot_model_clear (ax);
      nd_plot_model_set_series_trace (ax, nd_plot_model_add_series (ax, _("True axial current"), ND_PLOT_COLOR_GREY,
                                                                     ND_PLOT_LINE), 0.0, p->dt, p->i_axial, p->n);
      nd_plot_model_set_series_trace (ax, nd_plot_model_add_series (ax, _("Learned current"), ND_PLOT_COLOR_RED,
                                                                     ND_PLOT_LINE), 0.0, p->dt, i_learned, p->n);
    }
}

static gboolean
fit_tick (gpointer data)
{
  NdReduceWindow *self = data;
  gboolean fresh;
  int done = 0, total = 1, horizon = 0, iteration = 0, iterations = 0, restart = 0, restarts = 1;
  double loss = NAN, val = NAN;
  g_autofree double *trace = NULL, *learned = NULL;
  gsize trace_n = 0;
  g_mutex_lock (&self->lock);
  fresh = self->snap.fresh;
  if (fresh)
    {
      self->snap.fresh = FALSE;
      done = self->snap.done;
      total = self->snap.total;
      horizon = self->snap.horizon;
      iteration = self->snap.iteration;
      iterations = self->snap.iterations;
      restart = self->snap.restart;
      restarts = self->snap.restarts;
      loss = self->snap.train_loss;
      val = self->snap.val_loss;
      trace = g_memdup2 (self->snap.trace_v, sizeof (double) * self->snap.trace_n);
      learned = g_memdup2 (self->snap.trace_i, sizeof (double) * self->snap.trace_n);
      trace_n = self->snap.trace_n;
    }
  g_mutex_unlock (&self->lock);
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
        {
          /* The learned current in pA at the soma, as the true axial current is drawn. */
          for (gsize j = 0; j < trace_n; j++)
            learned[j] = nd_density_to_pA (learned[j], self->model->area_um2);
          show_fit_plots (self, trace, trace_n, learned);
        }
      gtk_progress_bar_set_fraction (self->fit_progress, total > 0 ? CLAMP ((double) done / total, 0.0, 1.0) : 0.0);
      double elapsed = (g_get_monotonic_time () - self->fit_started_us) / 1e6;
      g_autofree char *left = nd_reduce_time_left (elapsed, done, total);
      /* The iterations field counts per start; the bar counts all starts. */
      g_autofree char *status = g_strdup_printf (_("Start %d of %d, iteration %d of %d (%s) · loss %.3g mV² · %s"),
                                                 restart + 1, MAX (restarts, restart + 1), iteration, iterations,
                                                 horizon == 0 ? _("running on its own") : _("guided by the full model"),
                                                 loss, left);
      if (self->state == ND_REDUCE_FITTING)
        gtk_label_set_text (self->fit_status, status);
    }
  if (self->worker && nd_fit_worker_done (self->worker))
    {
      nd_model *fitted = nd_fit_worker_finish (self->worker, &self->result);
      self->worker = NULL;
      self->have_result = TRUE;
      self->fit_timer = 0;
      if (fitted)
        {
          nd_model_free (self->model);
          self->model = fitted;
        }
      gtk_label_set_text (self->fit_status, _("Running the reduced model on every protocol…"));
      nd_reduce_window_set_state (self, ND_REDUCE_SCORING);
      Scoring *sc = g_new0 (Scoring, 1);
      sc->model = nd_model_copy (self->model);
      sc->n_prot = self->n_prot;
      for (int k = 0; k < self->n_prot; k++)
        {
          NdReduceProtocol *p = &self->prot[k], *q = &sc->prot[k];
          *q = (NdReduceProtocol) { .n = p->n, .dt = p->dt, .n_sub = p->n_sub,
                                    .i_pA = g_memdup2 (p->i_pA, sizeof (double) * p->n),
                                    .dens = g_memdup2 (p->dens, sizeof (double) * p->n),
                                    .v_red = g_new0 (double, p->n), .i_learned = g_new0 (double, p->n) };
        }
      GTask *task = g_task_new (self, NULL, fit_scored, NULL);
      g_task_set_task_data (task, sc, scoring_free);
      g_task_run_in_thread (task, score_thread);
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
nd_reduce_window_fit_start (NdReduceWindow *self)
{
  if (self->n_prot == 0 || self->worker || !self->run_cell)
    return;
  const nd_cable *cable = self->run_cell->cable;
  /* Scale the network's inputs and output to the training data, as `neurode-cli reduce` does. */
  nd_reduce_scales scales = { 0 };
  for (int k = 0; k < self->n_prot; k++)
    if (!self->prot[k].held_out)
      nd_reduce_scales_add (&scales, self->prot[k].v_full, self->prot[k].i_axial, self->prot[k].n,
                            cable->area_um2[self->run_cell->soma_node]);
  double v_mean, v_std, i_scale;
  nd_reduce_scales_get (&scales, &v_mean, &v_std, &i_scale);
  nd_reduce_shape shape = { .n_latent = gtk_spin_button_get_value_as_int (self->latents), .width = 32, .depth = 2,
                            .z_leak_ms = ND_REDUCE_Z_LEAK_MS };
  nd_model *m = nd_reduced_model_new (cable, &self->run_file->membrane, self->run_file->v_init_mV, &shape,
                                      v_mean, v_std, i_scale);
  if (!m)
    {
      gtk_label_set_text (self->fit_status, _("Could not build the reduced model from the soma’s channels."));
      return;
    }
  nd_fit_sweep train[ND_REDUCE_N_PROT], val[ND_REDUCE_N_PROT];
  int n_train = 0, n_val = 0;
  for (int k = 0; k < self->n_prot; k++)
    {
      NdReduceProtocol *p = &self->prot[k];
      g_free (p->dens);
      p->dens = g_new (double, p->n);
      for (gsize j = 0; j < p->n; j++)
        p->dens[j] = nd_pA_to_density (p->i_pA[j], m->area_um2);
      if (!p->v_red)
        {
          p->v_red = g_new0 (double, p->n);
          p->i_learned = g_new0 (double, p->n);
        }
      nd_fit_sweep f = { .drive = { .n = p->n, .dt_sample = p->dt, .n_sub = p->n_sub, .i_inj = p->dens },
                         .v_obs = p->v_full };
      if (p->held_out)
        val[n_val++] = f;
      else
        train[n_train++] = f;
    }
  nd_fit_options opt;
  nd_reduce_fit_options_default (&opt);
  opt.iterations = gtk_spin_button_get_value_as_int (self->iterations);
  opt.progress_interval_s = 0.1;
  if (self->have_result)
    nd_fit_result_clear (&self->result);
  self->have_result = FALSE;
  nd_model_free (self->model);
  self->model = m;
  g_array_set_size (self->hist_x, 0);
  g_array_set_size (self->hist_train, 0);
  g_array_set_size (self->hist_val, 0);
  self->iterations_done = 0;
  self->snap.fresh = FALSE;
  show_loss (self);
  show_fit_plots (self, NULL, 0, NULL);
  self->worker = nd_fit_worker_start (m, train, n_train, val, n_val, &opt, fit_progress, self);
  if (!self->worker)
    {
      gtk_label_set_text (self->fit_status, _("Could not start the fit’s thread."));
      return;
    }
  self->n_results = 0;
  nd_reduce_window_show_results (self);
  self->fit_started_us = g_get_monotonic_time ();
  self->paused_at_us = 0;
  gtk_label_set_text (self->fit_status, _("Starting…"));
  gtk_progress_bar_set_fraction (self->fit_progress, 0.0);
  nd_reduce_window_set_state (self, ND_REDUCE_FITTING);
  self->fit_timer = g_timeout_add (100, fit_tick, self);
}

void
nd_reduce_window_fit_pause (NdReduceWindow *self, gboolean paused)
{
  if (!self->worker)
    return;
  nd_fit_worker_pause (self->worker, paused);
  /* Time paused is not time the fit takes. */
  gint64 now = g_get_monotonic_time ();
  if (paused)
    self->paused_at_us = now;
  else if (self->paused_at_us)
    {
      self->fit_started_us += now - self->paused_at_us;
      self->paused_at_us = 0;
    }
  if (paused)
    gtk_label_set_text (self->fit_status, _("Paused"));
  nd_reduce_window_set_state (self, paused ? ND_REDUCE_PAUSED : ND_REDUCE_FITTING);
}

void
nd_reduce_window_fit_stop (NdReduceWindow *self)
{
  if (!self->worker)
    return;
  nd_fit_worker_pause (self->worker, FALSE);
  nd_fit_worker_cancel (self->worker);
  gtk_label_set_text (self->fit_status, _("Stopping after this iteration…"));
  nd_reduce_window_set_state (self, ND_REDUCE_FITTING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reduce.fit-pause", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reduce.fit-stop", FALSE);
}

void
nd_reduce_window_run_clear (NdReduceWindow *self)
{
  g_clear_handle_id (&self->fit_timer, g_source_remove);
  g_clear_handle_id (&self->full_timer, g_source_remove);
  if (self->worker)
    {
      nd_fit_worker_pause (self->worker, FALSE);
      nd_fit_worker_cancel (self->worker);
      nd_fit_result r;
      nd_model_free (nd_fit_worker_finish (self->worker, &r));
      nd_fit_result_clear (&r);
      self->worker = NULL;
    }
  if (self->have_result)
    nd_fit_result_clear (&self->result);
  self->have_result = FALSE;
  g_clear_pointer (&self->model, nd_model_free);
  if (self->volt_view)
    nd_morphology_view_set_cell (self->volt_view, NULL, NULL);
  g_clear_pointer (&self->run_cell, nd_cell_free);
  g_clear_pointer (&self->run_file, nd_cell_file_free);
  for (int i = 0; i < self->n_prot; i++)
    protocol_clear (&self->prot[i]);
  self->n_prot = 0;
  g_clear_pointer (&self->frames, g_free);
  self->n_frames = 0;
  self->n_results = 0;
  for (int i = 0; i < ND_REDUCE_N_PLOTS; i++)
    if (self->plot_m[i])
      nd_plot_model_clear (self->plot_m[i]);
}
