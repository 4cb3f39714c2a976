/* reduce-workflow.c: a reduction's steps, for `neurode-cli reduce` and the Reduce assistant.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reduce-workflow.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <math.h>
#include <time.h>

#include "drive-check.h"
#include "integrator.h"
#include "nd-error.h"
#include "recording.h"
#include "spikes.h"
#include "units.h"

static double
thread_cpu_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static gboolean
cancelled (nd_reduce_control *ctl, GError **error)
{
  if (!ctl || !atomic_load (&ctl->cancel))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The reduction was cancelled"));
  return TRUE;
}

static void
set_step (nd_reduce_control *ctl, int step)
{
  if (ctl)
    atomic_store (&ctl->step, step);
}

/* ---- stimuli ---- */

static void
sweep_clear (gpointer p)
{
  nd_stimulus_sweep *sw = p;
  g_clear_pointer (&sw->i_pA, g_free);
}

GArray *
nd_stimulus_sweeps_new (void)
{
  GArray *sweeps = g_array_new (FALSE, TRUE, sizeof (nd_stimulus_sweep));
  g_array_set_clear_func (sweeps, sweep_clear);
  return sweeps;
}

GArray *
nd_stimulus_sweeps_load (const char *path, GError **error)
{
  g_autoptr (NdRecording) rec = nd_recording_load (path, error);
  if (!rec)
    return NULL;
  /* A file of currents only (t_ms,i_pA) reads as a voltage-clamp recording:
   * take its first current signal as the stimulus. */
  if (nd_recording_stimulus_source (rec) == ND_STIMULUS_NONE)
    for (guint k = 0; k < nd_recording_n_signals (rec); k++)
      if (nd_units_parse (nd_recording_signal (rec, k)->units, NULL) == ND_QUANTITY_CURRENT)
        {
          if (!nd_recording_set_stimulus (rec, ND_STIMULUS_SIGNAL, (int) k, error))
            return NULL;
          break;
        }
  if (nd_recording_stimulus_source (rec) == ND_STIMULUS_NONE)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("“%s” has no stimulus current (a column such as “i_pA”)"), path);
      return NULL;
    }
  double factor = 1.0;
  if (nd_units_parse (nd_recording_stimulus_units (rec), &factor) != ND_QUANTITY_CURRENT)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("the stimulus of “%s” is in “%s”, not a current (pA, nA)"), path,
                   nd_recording_stimulus_units (rec));
      return NULL;
    }
  g_autoptr (GArray) sweeps = nd_stimulus_sweeps_new ();
  for (guint s = 0; s < nd_recording_n_sweeps (rec); s++)
    {
      nd_stimulus_sweep sw = { .dt_ms = 1000.0 / nd_recording_sample_rate_hz (rec),
                               .t0_ms = nd_recording_sweep_t0_ms (rec, s) };
      sw.i_pA = nd_recording_get_stimulus (rec, s, &sw.n, error);
      if (!sw.i_pA)
        return NULL;
      for (gsize k = 0; k < sw.n; k++)
        sw.i_pA[k] *= factor;
      g_array_append_val (sweeps, sw);
      if (!nd_drive_check_current (sw.i_pA, sw.n, sw.dt_ms, (int) s, error))
        return NULL;
    }
  return g_steal_pointer (&sweeps);
}

/* ---- settings, control, protocols ---- */

void
nd_reduce_settings_default (nd_reduce_settings *s)
{
  *s = (nd_reduce_settings) {
    .shape = { .n_latent = ND_REDUCE_LATENTS, .width = 32, .depth = 2, .z_leak_ms = ND_REDUCE_Z_LEAK_MS },
    .max_dt_ms = 0.025,
  };
  nd_reduce_fit_options_default (&s->fit);
}

void
nd_reduce_control_init (nd_reduce_control *c)
{
  atomic_init (&c->fit.cancel, 0);
  atomic_init (&c->fit.pause, 0);
  atomic_init (&c->cancel, 0);
  atomic_init (&c->step, 0);
  atomic_init (&c->samples_done, 0);
}

void
nd_reduce_control_cancel (nd_reduce_control *c)
{
  atomic_store (&c->cancel, 1);
  atomic_store (&c->fit.cancel, 1);
  atomic_store (&c->fit.pause, 0);
}

static void
protocol_free (gpointer data)
{
  nd_reduce_protocol *p = data;
  g_free (p->i_pA);
  g_free (p->dens);
  g_free (p->v_full);
  g_free (p->i_axial);
  g_free (p->v_red);
  g_free (p->i_learned);
  g_free (p);
}

GPtrArray *
nd_reduce_protocols_new (void)
{
  return g_ptr_array_new_with_free_func (protocol_free);
}

static double *
copy_samples (const double *x, gsize n)
{
  return x ? g_memdup2 (x, n * sizeof *x) : NULL;
}

GPtrArray *
nd_reduce_protocols_copy (GPtrArray *prots)
{
  GPtrArray *copy = nd_reduce_protocols_new ();
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      nd_reduce_protocol *q = g_memdup2 (p, sizeof *p);
      q->i_pA = copy_samples (p->i_pA, p->n);
      q->dens = copy_samples (p->dens, p->n);
      q->v_full = copy_samples (p->v_full, p->n);
      q->i_axial = copy_samples (p->i_axial, p->n);
      q->v_red = copy_samples (p->v_red, p->n);
      q->i_learned = copy_samples (p->i_learned, p->n);
      g_ptr_array_add (copy, q);
    }
  return copy;
}

nd_reduce_protocol *
nd_reduce_protocol_add (GPtrArray *prots, nd_reduce_set set, int index, const nd_stimulus_sweep *sw,
                        double max_dt_ms, const char *source, GError **error)
{
  if (sw->n < 2)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("sweep %u of “%s” has fewer than two samples"),
                   (guint) index, source);
      return NULL;
    }
  g_autoptr (GError) local = NULL;
  int n_sub = nd_drive_substeps (sw->dt_ms, max_dt_ms, sw->n, &local);
  if (n_sub == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("sweep %u of “%s”: %s"), (guint) index, source,
                   local->message);
      return NULL;
    }
  nd_reduce_protocol *p = g_new0 (nd_reduce_protocol, 1);
  *p = (nd_reduce_protocol) { .set = set, .index = index, .n = sw->n, .dt_ms = sw->dt_ms, .t0_ms = sw->t0_ms,
                              .n_sub = n_sub, .i_pA = copy_samples (sw->i_pA, sw->n),
                              .dens = g_new0 (double, sw->n), .v_full = g_new0 (double, sw->n),
                              .i_axial = g_new0 (double, sw->n), .v_red = g_new0 (double, sw->n),
                              .i_learned = g_new0 (double, sw->n) };
  g_ptr_array_add (prots, p);
  return p;
}

gboolean
nd_reduce_protocols_load (GPtrArray *prots, const char *path, nd_reduce_set set, double max_dt_ms,
                          guint max_prots, GError **error)
{
  g_autoptr (GArray) sweeps = nd_stimulus_sweeps_load (path, error);
  if (!sweeps)
    return FALSE;
  for (guint s = 0; s < sweeps->len && (max_prots == 0 || prots->len < max_prots); s++)
    if (!nd_reduce_protocol_add (prots, set, (int) s, &g_array_index (sweeps, nd_stimulus_sweep, s), max_dt_ms,
                                 path, error))
      return FALSE;
  return TRUE;
}

const char *
nd_reduce_set_label (nd_reduce_set set)
{
  return set == ND_REDUCE_SET_TRAIN ? _("training") : set == ND_REDUCE_SET_HELD_OUT ? _("held-out") : _("test");
}

gboolean
nd_reduce_check_cell (const NdCell *cell, GError **error)
{
  if (cell->stim_node == cell->soma_node)
    return TRUE;
  g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID,
                       _("the cell file's stimulus is not at the soma; the reduced model has only the soma, "
                         "so reduce a cell stimulated at soma[0]"));
  return FALSE;
}

/* ---- scores (also of step 1's sensitivity runs) ---- */

static double
rmse (const double *a, const double *b, gsize n)
{
  double se = 0.0;
  for (gsize i = 0; i < n; i++)
    se += (a[i] - b[i]) * (a[i] - b[i]);
  return n ? sqrt (se / n) : 0.0;
}

static double
correlation (const double *a, const double *b, gsize n)
{
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (gsize i = 0; i < n; i++)
    {
      ma += a[i];
      mb += b[i];
    }
  ma /= n;
  mb /= n;
  for (gsize i = 0; i < n; i++)
    {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
  return saa > 0 && sbb > 0 ? sab / sqrt (saa * sbb) : 0.0;
}

/* (count - 1) / (last - first) in Hz, from the peak times of v; NAN below two spikes. */
static double
isi_rate_hz (const double *v, gsize n, double dt_ms)
{
  size_t k;
  g_autofree double *all = nd_spikes_times_new (v, n, dt_ms, &k);
  return all && k >= 2 && all[k - 1] > all[0] ? 1000.0 * (double) (k - 1) / (all[k - 1] - all[0]) : NAN;
}

/* ---- the steps ---- */

/* The full cell against itself with the stimulus scaled by 1 -/+ ND_REDUCE_SENSITIVITY (p's sens_*).
 * FALSE when cancelled or the cell diverged (then p's figures are NAN). */
static gboolean
run_sensitivity (const NdCellFile *file, const NdCell *cell, nd_reduce_protocol *p, double max_dt_ms,
                 nd_reduce_control *ctl)
{
  g_autofree double *i = g_new (double, p->n), *v = g_new (double, p->n);
  double rate = isi_rate_hz (p->v_full, p->n, p->dt_ms);
  double se = 0.0, shift = 0.0, dr = 0.0, gamma = 0.0;
  p->sens_rmse_mV = p->sens_shift_ms = p->sens_rate_pct = p->sens_coincidence = NAN;
  for (int sign = -1; sign <= 1; sign += 2)
    {
      for (gsize j = 0; j < p->n; j++)
        i[j] = p->i_pA[j] * (1.0 + sign * ND_REDUCE_SENSITIVITY);
      nd_morph_trace tr = { .n = p->n, .dt_ms = p->dt_ms, .i_pA = i, .v_mV = v };
      int status = nd_morph_record_ctl (cell->cable, &file->membrane, file->v_init_mV, cell->soma_node, max_dt_ms,
                                        &tr, ctl ? &ctl->cancel : NULL, ctl ? &ctl->samples_done : NULL);
      if (status < 0 || nd_trace_unphysical (v, p->n) < p->n || (ctl && atomic_load (&ctl->cancel)))
        return FALSE;
      se += rmse (v, p->v_full, p->n);
      shift += nd_spikes_mean_shift (p->v_full, v, p->n, p->dt_ms);
      dr += fabs (100.0 * (isi_rate_hz (v, p->n, p->dt_ms) - rate) / rate);
      gamma += nd_spikes_coincidence_traces (p->v_full, v, p->n, p->dt_ms, ND_REDUCE_COINCIDENCE_MS);
    }
  p->sens_rmse_mV = se / 2.0;
  p->sens_shift_ms = shift / 2.0;
  p->sens_rate_pct = dr / 2.0;
  p->sens_coincidence = gamma / 2.0;
  return TRUE;
}

gboolean
nd_reduce_run_full (const NdCellFile *file, const NdCell *cell, GPtrArray *prots, double max_dt_ms,
                    nd_reduce_control *ctl, GError **error)
{
  set_step (ctl, 1);
  for (guint k = 0; k < prots->len; k++)
    {
      nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      nd_morph_trace tr = { .n = p->n, .dt_ms = p->dt_ms, .i_pA = p->i_pA, .v_mV = p->v_full,
                            .i_axial_pA = p->i_axial };
      double t0 = thread_cpu_s ();
      int status = nd_morph_record_ctl (cell->cable, &file->membrane, file->v_init_mV, cell->soma_node, max_dt_ms,
                                        &tr, ctl ? &ctl->cancel : NULL, ctl ? &ctl->samples_done : NULL);
      p->t_full_s = thread_cpu_s () - t0;
      if (cancelled (ctl, error))
        return FALSE;
      gboolean ok = status >= 0 && nd_trace_unphysical (p->v_full, p->n) == p->n
                    && run_sensitivity (file, cell, p, max_dt_ms, ctl);
      if (cancelled (ctl, error))
        return FALSE;
      if (!ok)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("the full cell diverged under %s sweep %d (its voltage left ±%g mV)"),
                       nd_reduce_set_label (p->set), p->index, ND_V_PHYSICAL_MV);
          return FALSE;
        }
    }
  return TRUE;
}

void
nd_reduce_result_clear (nd_reduce_result *r)
{
  g_clear_pointer (&r->model, nd_model_free);
  nd_fit_result_clear (&r->fit);
  r->fit_s = 0.0;
}

/* 2. The reduced model, scaled to the training data; the stimuli as densities at its soma. */
static nd_model *
build_model (const NdCellFile *file, const NdCell *cell, GPtrArray *prots, const nd_reduce_shape *shape,
             GError **error)
{
  nd_reduce_scales scales = { 0 };
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      if (p->set == ND_REDUCE_SET_TRAIN)
        nd_reduce_scales_add (&scales, p->v_full, p->i_axial, p->n, cell->cable->area_um2[cell->soma_node]);
    }
  double v_mean, v_std, i_scale;
  nd_reduce_scales_get (&scales, &v_mean, &v_std, &i_scale);
  nd_model *m = nd_reduced_model_new (cell->cable, &file->membrane, file->v_init_mV, shape, v_mean, v_std, i_scale);
  if (!m)
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID,
                           _("cannot build the reduced model from the soma's channels"));
      return NULL;
    }
  for (guint k = 0; k < prots->len; k++)
    {
      nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      for (gsize j = 0; j < p->n; j++)
        p->dens[j] = nd_pA_to_density (p->i_pA[j], m->area_um2);
    }
  return m;
}

/* 3. Fitted to the soma voltage of the training protocols; the held-out ones choose. */
static gboolean
fit_model (nd_model *m, GPtrArray *prots, const nd_fit_options *opt, nd_reduce_control *ctl,
           nd_fit_progress_fn progress, void *user, nd_reduce_result *out, GError **error)
{
  g_autofree nd_fit_sweep *train = g_new0 (nd_fit_sweep, prots->len + 1);
  g_autofree nd_fit_sweep *val = g_new0 (nd_fit_sweep, prots->len + 1);
  int n_train = 0, n_val = 0;
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      nd_fit_sweep f = { .drive = { .n = p->n, .dt_sample = p->dt_ms, .n_sub = p->n_sub, .i_inj = p->dens },
                         .v_obs = p->v_full };
      if (p->set == ND_REDUCE_SET_HELD_OUT)
        val[n_val++] = f;
      else if (p->set == ND_REDUCE_SET_TRAIN)
        train[n_train++] = f;
    }
  gint64 t0 = g_get_monotonic_time ();
  int status = nd_fit (m, train, n_train, val, n_val, opt, ctl ? &ctl->fit : NULL, progress, user, &out->fit);
  out->fit_s = (g_get_monotonic_time () - t0) / 1e6;
  if (status < 0)
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID, _("nothing to fit"));
      return FALSE;
    }
  return !cancelled (ctl, error);
}

/* 4. Free runs of the reduced model, timed like the full cell (with its current output, as the full
 * cell is timed with its axial current). A diverging run is no result (issue 15). */
static gboolean
run_reduced (nd_model *m, GPtrArray *prots, nd_reduce_control *ctl, GError **error)
{
  GError *first = NULL;
  for (guint k = 0; k < prots->len; k++)
    {
      if (cancelled (ctl, error))
        {
          g_clear_error (&first);
          return FALSE;
        }
      nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      double t0 = thread_cpu_s ();
      nd_reduced_run (m, p->n, p->dt_ms, p->n_sub, p->i_pA, p->v_red, p->i_learned);
      p->t_red_s = thread_cpu_s () - t0;
      g_autoptr (GError) bad = NULL;
      if (!first && !nd_trace_check (p->v_red, p->n, p->dt_ms, p->index, &bad))
        first = g_error_new (ND_ERROR, ND_ERROR_INVALID, _("the reduced model diverges under %s %s"),
                             nd_reduce_set_label (p->set), bad->message);
    }
  if (first)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

gboolean
nd_reduce_fit_reduced (const NdCellFile *file, const NdCell *cell, GPtrArray *prots, const nd_reduce_settings *s,
                       nd_reduce_control *ctl, nd_fit_progress_fn progress, void *user, nd_reduce_result *out,
                       GError **error)
{
  *out = (nd_reduce_result) { 0 };
  set_step (ctl, 2);
  if (cancelled (ctl, error) || !(out->model = build_model (file, cell, prots, &s->shape, error)))
    return FALSE;
  set_step (ctl, 3);
  if (!fit_model (out->model, prots, &s->fit, ctl, progress, user, out, error))
    return FALSE;
  set_step (ctl, 4);
  return run_reduced (out->model, prots, ctl, error);
}

gboolean
nd_reduce_workflow_run (const NdCellFile *file, const NdCell *cell, GPtrArray *prots, const nd_reduce_settings *s,
                        nd_reduce_control *ctl, nd_fit_progress_fn progress, void *user, nd_reduce_result *out,
                        GError **error)
{
  *out = (nd_reduce_result) { 0 };
  return nd_reduce_run_full (file, cell, prots, s->max_dt_ms, ctl, error)
         && nd_reduce_fit_reduced (file, cell, prots, s, ctl, progress, user, out, error);
}

/* ---- how the reduced model did ---- */

gsize
nd_reduce_protocol_spike_pairs (const nd_reduce_protocol *p, double *t_full_ms, double *t_reduced_ms, gsize max)
{
  gsize nf = nd_spikes_count (p->v_full, p->n, p->dt_ms), nr = nd_spikes_count (p->v_red, p->n, p->dt_ms);
  gsize k = MIN (nf, nr), w = MIN (k, max);
  if (w > 0)
    {
      nd_spikes_times (p->v_full, p->n, p->dt_ms, t_full_ms, w);
      nd_spikes_times (p->v_red, p->n, p->dt_ms, t_reduced_ms, w);
    }
  return k;
}

void
nd_reduce_protocol_score (const nd_reduce_protocol *p, nd_reduce_score *out)
{
  double rf = isi_rate_hz (p->v_full, p->n, p->dt_ms), rr = isi_rate_hz (p->v_red, p->n, p->dt_ms);
  double last = NAN;
  gsize k = nd_reduce_protocol_spike_pairs (p, NULL, NULL, 0);
  if (k > 0)
    {
      g_autofree double *tf = g_new (double, 2 * k);
      nd_reduce_protocol_spike_pairs (p, tf, tf + k, k);
      last = tf[2 * k - 1] - tf[k - 1];
    }
  *out = (nd_reduce_score) {
    .rmse_mV = rmse (p->v_red, p->v_full, p->n),
    .spikes_full = (int) nd_spikes_count (p->v_full, p->n, p->dt_ms),
    .spikes_reduced = (int) nd_spikes_count (p->v_red, p->n, p->dt_ms),
    .spike_shift_ms = nd_spikes_mean_shift (p->v_full, p->v_red, p->n, p->dt_ms),
    .axial_rmse_pA = rmse (p->i_learned, p->i_axial, p->n),
    .axial_correlation = correlation (p->i_learned, p->i_axial, p->n),
    .rate_full_hz = rf,
    .rate_reduced_hz = rr,
    .rate_error_pct = 100.0 * (rr - rf) / rf,
    .last_shift_ms = last,
    .coincidence = nd_spikes_coincidence_traces (p->v_full, p->v_red, p->n, p->dt_ms, ND_REDUCE_COINCIDENCE_MS),
    .sens_rmse_mV = p->sens_rmse_mV,
    .sens_shift_ms = p->sens_shift_ms,
    .sens_rate_pct = p->sens_rate_pct,
    .sens_coincidence = p->sens_coincidence,
  };
}
