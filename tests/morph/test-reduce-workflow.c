/* test-reduce-workflow.c: the reduction's engine steps stop when told, and only as far as told.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the shipped CA1 cell (154 compartments): cancelling from another thread ends a long full-cell run
 * at once (the Reduce window cancels so when it closes); a stopped fit (fit.cancel, the window's Stop)
 * keeps its parameters and the free runs still follow; an abandoned fit (cancel) skips them; a copy of
 * the protocols (a thread's snapshot) shares no memory with the original.
 */
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "reduce-workflow.h"
#include "spikes.h"

static NdCellFile *file;
static NdCell *cell;

/* A step of amp_pA from 5 to 25 ms in n samples of 0.1 ms. */
static void
add_step (GPtrArray *prots, nd_reduce_set set, double amp_pA, gsize n)
{
  g_autofree double *i_pA = g_new (double, n);
  for (gsize j = 0; j < n; j++)
    i_pA[j] = j * 0.1 + 0.05 >= 5.0 && j * 0.1 + 0.05 < 25.0 ? amp_pA : 0.0;
  nd_stimulus_sweep sw = { .dt_ms = 0.1, .n = n, .i_pA = i_pA };
  g_autoptr (GError) error = NULL;
  g_assert_nonnull (nd_reduce_protocol_add (prots, set, (int) prots->len, &sw, 0.025, "test", &error));
  g_assert_no_error (error);
}

typedef struct
{
  GPtrArray *prots;
  nd_reduce_control *ctl;
  gboolean ok;
  GError *error;
  gint64 end_us;
} FullRun;

static gpointer
full_thread (gpointer data)
{
  FullRun *r = data;
  r->ok = nd_reduce_run_full (file, cell, r->prots, 0.025, r->ctl, &r->error);
  r->end_us = g_get_monotonic_time ();
  return NULL;
}

static void
test_cancel_full (void)
{
  g_autoptr (GPtrArray) prots = nd_reduce_protocols_new ();
  add_step (prots, ND_REDUCE_SET_TRAIN, 650.0, 40001);   /* 4 s of the cell: seconds of work */
  add_step (prots, ND_REDUCE_SET_HELD_OUT, 850.0, 40001);
  nd_reduce_control ctl;
  nd_reduce_control_init (&ctl);
  FullRun r = { .prots = prots, .ctl = &ctl };
  GThread *t = g_thread_new ("full", full_thread, &r);
  while (atomic_load (&ctl.samples_done) < 512)
    g_usleep (1000);
  gint64 t0 = g_get_monotonic_time ();
  nd_reduce_control_cancel (&ctl);
  g_thread_join (t);
  double secs = (r.end_us - t0) / 1e6;
  int done = atomic_load (&ctl.samples_done);
  g_test_message ("cancelled after %d of 80002 samples; returned %.4f s later", done, secs);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_cmpint (done, <, 40001);
  g_assert_cmpfloat (secs, <, 0.5);
}

typedef struct
{
  nd_reduce_control *ctl;
  int reports;
  gboolean abandon;   /* cancel the workflow, not just the fit */
} Stopper;

static void
stop_after_first (const nd_fit_progress *p, void *user)
{
  Stopper *s = user;
  if (s->reports++ == 0)
    {
      if (s->abandon)
        nd_reduce_control_cancel (s->ctl);
      else
        atomic_store (&s->ctl->fit.cancel, 1);
    }
}

static void
small_settings (nd_reduce_settings *s)
{
  nd_reduce_settings_default (s);
  s->shape.n_latent = 1;
  s->shape.width = 8;
  s->shape.depth = 1;
  s->fit.iterations = 50;
  s->fit.restarts = 1;
  s->fit.progress_interval_s = 0.0;
}

static GPtrArray *
simulated (void)
{
  GPtrArray *prots = nd_reduce_protocols_new ();
  add_step (prots, ND_REDUCE_SET_TRAIN, 650.0, 301);
  add_step (prots, ND_REDUCE_SET_HELD_OUT, 850.0, 301);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_reduce_run_full (file, cell, prots, 0.025, NULL, &error));
  g_assert_no_error (error);
  return prots;
}

static void
test_stop_fit (void)
{
  g_autoptr (GPtrArray) prots = simulated ();
  nd_reduce_settings s;
  small_settings (&s);
  nd_reduce_control ctl;
  nd_reduce_control_init (&ctl);
  Stopper stop = { .ctl = &ctl };
  g_auto (nd_reduce_result) res = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean ok = nd_reduce_fit_reduced (file, cell, prots, &s, &ctl, stop_after_first, &stop, &res, &error);
  g_test_message ("stopped fit: %d iterations of 50, then the free runs", res.fit.iterations_done);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (res.fit.cancelled);
  g_assert_cmpint (res.fit.iterations_done, <, 50);
  g_assert_cmpint (atomic_load (&ctl.step), ==, 4);
  g_assert_nonnull (res.model);
  /* The free runs ran: the reduced soma starts at rest and its voltage is a trace, not zeros. */
  const nd_reduce_protocol *p = g_ptr_array_index (prots, 1);
  g_assert_cmpfloat (fabs (p->v_red[0] + 70.0), <, 1.0);
  g_assert_cmpfloat (p->t_red_s, >, 0.0);
  /* Every protocol ran to its end: the soma moves under its step, and its last sample is a voltage (a run
   * cut short leaves zeros). */
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *q = g_ptr_array_index (prots, k);
      double lo = q->v_red[0], hi = q->v_red[0];
      for (gsize j = 0; j < q->n; j++)
        lo = fmin (lo, q->v_red[j]), hi = fmax (hi, q->v_red[j]);
      g_test_message ("protocol %u: reduced soma %.2f .. %.2f mV, last %.2f mV", k, lo, hi, q->v_red[q->n - 1]);
      g_assert_cmpfloat (q->t_red_s, >, 0.0);
      g_assert_cmpfloat (hi - lo, >, 1.0);
      g_assert_true (isfinite (q->v_red[q->n - 1]) && q->v_red[q->n - 1] != 0.0);
    }
}

static void
test_abandon_fit (void)
{
  g_autoptr (GPtrArray) prots = simulated ();
  nd_reduce_settings s;
  small_settings (&s);
  nd_reduce_control ctl;
  nd_reduce_control_init (&ctl);
  Stopper stop = { .ctl = &ctl, .abandon = TRUE };
  g_auto (nd_reduce_result) res = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (nd_reduce_fit_reduced (file, cell, prots, &s, &ctl, stop_after_first, &stop, &res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (atomic_load (&ctl.step), ==, 3);
  /* No free run. */
  const nd_reduce_protocol *p = g_ptr_array_index (prots, 0);
  g_assert_cmpfloat (p->v_red[0], ==, 0.0);
  g_assert_cmpfloat (p->t_red_s, ==, 0.0);
}

static void
test_copy (void)
{
  g_autoptr (GPtrArray) prots = simulated ();
  g_autoptr (GPtrArray) copy = nd_reduce_protocols_copy (prots);
  g_assert_cmpuint (copy->len, ==, prots->len);
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *a = g_ptr_array_index (prots, k), *b = g_ptr_array_index (copy, k);
      g_assert_true (a != b);
      g_assert_cmpint (a->set, ==, b->set);
      g_assert_cmpuint (a->n, ==, b->n);
      g_assert_cmpint (a->n_sub, ==, b->n_sub);
      g_assert_true (a->v_full != b->v_full && a->i_pA != b->i_pA && a->v_red != b->v_red);
      g_assert_cmpmem (a->v_full, a->n * sizeof (double), b->v_full, b->n * sizeof (double));
      g_assert_cmpmem (a->i_pA, a->n * sizeof (double), b->i_pA, b->n * sizeof (double));
      /* Every trace is the thread's own copy of the same samples. */
      g_assert_cmpint (a->index, ==, b->index);
      g_assert_cmpfloat (a->dt_ms, ==, b->dt_ms);
      g_assert_true (a->dens != b->dens && a->i_axial != b->i_axial && a->i_learned != b->i_learned);
      g_assert_cmpmem (a->dens, a->n * sizeof (double), b->dens, b->n * sizeof (double));
      g_assert_cmpmem (a->i_axial, a->n * sizeof (double), b->i_axial, b->n * sizeof (double));
      g_assert_cmpmem (a->v_red, a->n * sizeof (double), b->v_red, b->n * sizeof (double));
      g_assert_cmpmem (a->i_learned, a->n * sizeof (double), b->i_learned, b->n * sizeof (double));
    }
}

/* The drift figures (nd_reduce_protocol_score, nd_reduce_protocol_spike_pairs) on the full cell's own soma
 * trace under a 240 ms step, against that trace slowed by 2 % (what a reduced model 2 % short in rate
 * does): the rate error reads -2 %, the shift grows with the spike index to 2 % of the last spike's time
 * from the first, and an identical trace reads 0. */
static void
test_score_drift (void)
{
  g_autoptr (GPtrArray) prots = nd_reduce_protocols_new ();
  add_step (prots, ND_REDUCE_SET_TEST, 550.0, 2401);
  nd_reduce_protocol *p = g_ptr_array_index (prots, 0);
  for (gsize j = 0; j < p->n; j++)
    p->i_pA[j] = j * 0.1 + 0.05 >= 10.0 && j * 0.1 + 0.05 < 230.0 ? 550.0 : 0.0;
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_reduce_run_full (file, cell, prots, 0.025, NULL, &error));
  memcpy (p->v_red, p->v_full, p->n * sizeof *p->v_red);
  nd_reduce_score sc;
  nd_reduce_protocol_score (p, &sc);
  g_test_message ("full cell: %d spikes, %.3f Hz", sc.spikes_full, sc.rate_full_hz);
  g_assert_cmpint (sc.spikes_full, >=, 20);
  g_assert_cmpfloat (sc.rate_error_pct, ==, 0.0);
  g_assert_cmpfloat (sc.last_shift_ms, ==, 0.0);
  g_assert_cmpfloat (fabs (sc.coincidence - 1.0), <, 1e-12);

  /* Slowed about the first spike's time: v_red(t) = v_full(t0 + (t - t0) / 1.02), linearly interpolated. */
  double t0;
  nd_spikes_times (p->v_full, p->n, p->dt_ms, &t0, 1);
  for (gsize j = 0; j < p->n; j++)
    {
      double t = j * p->dt_ms, ts = t <= t0 ? t : t0 + (t - t0) / 1.02, x = ts / p->dt_ms;
      gsize i = MIN ((gsize) x, p->n - 2);
      p->v_red[j] = p->v_full[i] + (x - i) * (p->v_full[i + 1] - p->v_full[i]);
    }
  nd_reduce_protocol_score (p, &sc);
  gsize k = nd_reduce_protocol_spike_pairs (p, NULL, NULL, 0);
  g_autofree double *t = g_new (double, 2 * k);
  g_assert_cmpuint (nd_reduce_protocol_spike_pairs (p, t, t + k, k), ==, k);
  g_test_message ("slowed 2 %%: %d/%d spikes, rate %.3f against %.3f Hz (%+.2f %%), last shift %.2f ms",
                  sc.spikes_reduced, sc.spikes_full, sc.rate_reduced_hz, sc.rate_full_hz, sc.rate_error_pct,
                  sc.last_shift_ms);
  g_assert_cmpuint (k, >=, 19);
  /* Coincidence within 2 ms: the spikes up to a shift of 2 ms, and no more. */
  gsize within = 0;
  for (gsize j = 0; j < k; j++)
    within += fabs (t[k + j] - t[j]) <= ND_REDUCE_COINCIDENCE_MS;
  double nu = (double) sc.spikes_reduced / (p->n * p->dt_ms), chance = 2.0 * nu * ND_REDUCE_COINCIDENCE_MS;
  double want = (within - chance * sc.spikes_full) / (0.5 * (sc.spikes_full + sc.spikes_reduced)) / (1.0 - chance);
  g_test_message ("coincidence %.4f (%u of %u spikes within 2 ms; by hand %.4f)", sc.coincidence, (guint) within,
                  (guint) k, want);
  g_assert_cmpuint (within, <, k);
  g_assert_cmpfloat (fabs (sc.coincidence - want), <, 1e-9);
  g_assert_cmpfloat (fabs (sc.rate_error_pct - 100.0 * (1.0 / 1.02 - 1.0)), <, 0.1);
  g_assert_cmpfloat (fabs (t[2 * k - 1] - t[k - 1] - sc.last_shift_ms), <, 1e-12);
  g_assert_cmpfloat (fabs (sc.last_shift_ms - 0.02 * (t[k - 1] - t[0])), <, 0.15);
  for (gsize j = 1; j < k; j++)
    g_assert_cmpfloat (t[k + j] - t[j], >=, t[k + j - 1] - t[j - 1] - 0.1);   /* grows, to the sample */
}

/* The full cell's sensitivity to its input (step 1's sens_* figures) against two references of its own:
 * below threshold the cell is nearly linear, so a response 0.5 % larger is 0.5 % of the deflection from rest
 * off; firing tonically, the rate moves by the slope of the cell's f-I curve (from steps 10 pA apart) times
 * the change of the current. */
static double
rate_under (double amp_pA)
{
  g_autoptr (GPtrArray) prots = nd_reduce_protocols_new ();
  add_step (prots, ND_REDUCE_SET_TEST, amp_pA, 2401);
  nd_reduce_protocol *p = g_ptr_array_index (prots, 0);
  for (gsize j = 0; j < p->n; j++)
    p->i_pA[j] = j * 0.1 + 0.05 >= 10.0 && j * 0.1 + 0.05 < 230.0 ? amp_pA : 0.0;
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_reduce_run_full (file, cell, prots, 0.025, NULL, &error));
  memcpy (p->v_red, p->v_full, p->n * sizeof *p->v_red);
  nd_reduce_score sc;
  nd_reduce_protocol_score (p, &sc);
  if (amp_pA == 550.0)
    {
      g_test_message ("550 pA: the cell itself at +-0.5 %%: %.2f mV, spikes %.3f ms apart, rate %.3f %% off",
                      sc.sens_rmse_mV, sc.sens_shift_ms, sc.sens_rate_pct);
      g_assert_cmpfloat (sc.sens_rmse_mV, >, 1.0);     /* spikes a fraction of a ms apart cost mV */
      g_assert_cmpfloat (sc.sens_shift_ms, >, 0.01);
      g_assert_cmpfloat (sc.sens_shift_ms, <, 1.0);
      return sc.sens_rate_pct;
    }
  return sc.rate_full_hz;
}

static void
test_sensitivity (void)
{
  g_autoptr (GPtrArray) prots = nd_reduce_protocols_new ();
  add_step (prots, ND_REDUCE_SET_TEST, 100.0, 301);
  nd_reduce_protocol *p = g_ptr_array_index (prots, 0);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_reduce_run_full (file, cell, prots, 0.025, NULL, &error));
  double dev = 0.0;
  for (gsize j = 0; j < p->n; j++)
    dev += (p->v_full[j] - file->v_init_mV) * (p->v_full[j] - file->v_init_mV);
  double linear = ND_REDUCE_SENSITIVITY * sqrt (dev / p->n);
  g_test_message ("100 pA: the cell itself at +-0.5 %%: %.5f mV; linear response %.5f mV", p->sens_rmse_mV, linear);
  g_assert_cmpfloat (linear, >, 0.005);
  g_assert_cmpfloat (fabs (p->sens_rmse_mV / linear - 1.0), <, 0.05);
  g_assert_true (isnan (p->sens_shift_ms) && isnan (p->sens_rate_pct));   /* no spikes */

  double sens_rate = rate_under (550.0), lo = rate_under (540.0), hi = rate_under (560.0);
  double expected = 100.0 * (hi - lo) / 20.0 * 550.0 * ND_REDUCE_SENSITIVITY / rate_under (550.0 + 1e-9);
  g_test_message ("rate: %.3f %% off at +-0.5 %%, %.3f %% from the f-I slope (%.2f to %.2f Hz)", sens_rate, expected,
                  lo, hi);
  g_assert_cmpfloat (expected, >, 0.05);
  g_assert_cmpfloat (fabs (sens_rate / expected - 1.0), <, 0.3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autofree char *path = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "cells", "ca1-pospischil.json", NULL);
  g_autoptr (GError) error = NULL;
  file = nd_cell_file_load (path, &error);
  g_assert_no_error (error);
  cell = nd_cell_build (file, &error);
  g_assert_no_error (error);
  g_assert_true (nd_reduce_check_cell (cell, NULL));
  g_test_add_func ("/reduce-workflow/cancel-full", test_cancel_full);
  g_test_add_func ("/reduce-workflow/stop-fit", test_stop_fit);
  g_test_add_func ("/reduce-workflow/abandon-fit", test_abandon_fit);
  g_test_add_func ("/reduce-workflow/copy", test_copy);
  g_test_add_func ("/reduce-workflow/score-drift", test_score_drift);
  g_test_add_func ("/reduce-workflow/sensitivity", test_sensitivity);
  int status = g_test_run ();
  nd_cell_free (cell);
  nd_cell_file_free (file);
  return status;
}
