/* test-fit-search.c: the biophysical search finds a firing model where the gradient's start is silent.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Truth: the cortical template's channels at their published conductances
 * (no learned current), three 300 ms steps of a 20,000 um2 cell. The start:
 * the same model with a fifth of the sodium, its kinetics 10 mV off, which
 * never fires. The search must
 * bring every sweep's spike count within tolerance, deterministically for a
 * seed, never end worse than its start, and stop when cancelled.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cortical-cell.h"
#include "fit-search.h"
#include "integrator.h"
#include "nd-check.h"
#include "spikes.h"
#include "sweep-score.h"
#include "templates.h"
#include "units.h"

#define DT 0.05
#define N 8000   /* 400 ms */
#define N_SWEEPS 3

static pthread_t main_thread;

/* Counts progress ticks; only the calling thread may give them (the fit's progress is not thread-safe). */
static void
count_tick (int evals, void *user)
{
  (void) evals;
  int *n = user;
  *n += pthread_equal (pthread_self (), main_thread) ? 1 : 1000;
}

typedef struct {
  nd_model *m;
  const nd_fit_sweep *sw;
  nd_fit_control ctl;
  atomic_int ticks;
  double score;
} paused_search;

static void
paused_tick (int evals, void *user)
{
  (void) evals;
  paused_search *ps = user;
  atomic_fetch_add (&ps->ticks, 1);
}

static void *
run_paused (void *user)
{
  paused_search *ps = user;
  ps->score = nd_fit_search_biophysics (ps->m, ps->sw, N_SWEEPS, 24, 5, NULL, &ps->ctl, paused_tick, ps);
  return NULL;
}

static nd_model *
cell (double g_na, double na_shift)
{
  nd_model *m = cortical_cell (g_na);
  m->params[m->blocks[m->channels[0].block_vshift].offset] = na_shift;
  /* No learned current in the truth: its conductance at the bottom of its range. */
  m->params[m->blocks[m->channels[4].block_gbar].offset] = 1e-3;
  nd_model_params_changed (m);
  return m;
}

int
main (void)
{
  main_thread = pthread_self ();
  static double iin[N_SWEEPS][N], obs[N_SWEEPS][N];
  const double amp[N_SWEEPS] = { -50.0, 100.0, 200.0 };
  nd_fit_sweep sw[N_SWEEPS];
  nd_model *truth = cell (50.0, 0.0);
  int spikes[N_SWEEPS];
  cortical_steps (truth, amp, N_SWEEPS, N, DT, 350.0, &iin[0][0], &obs[0][0], sw);
  for (int k = 0; k < N_SWEEPS; k++)
    spikes[k] = (int) nd_spikes_count (obs[k], N, DT);
  printf ("truth: %d, %d, %d spikes\n", spikes[0], spikes[1], spikes[2]);
  ND_CHECK (spikes[0] <= 1 && spikes[1] > spikes[0] + 2 && spikes[2] > spikes[1], "the truth fires more for more current");

  nd_model *m = cell (10.0, 10.0);
  double start = nd_fit_spike_score (m, sw, N_SWEEPS, false);
  double *v = malloc (N * sizeof *v);
  nd_simulate (m, &sw[2].drive, v, NULL);
  ND_CHECK (nd_spikes_count (v, N, DT) == 0, "the start is silent");
  double best = nd_fit_search_biophysics (m, sw, N_SWEEPS, 400, 3, NULL, NULL, NULL, NULL);
  printf ("search: score %.1f from %.1f\n", best, start);
  for (int b = 0; b < m->n_blocks; b++)
    if (m->blocks[b].trainable && m->blocks[b].count <= 3)
      for (size_t i = 0; i < m->blocks[b].count; i++)
        printf ("  %s[%zu] = %.4g\n", m->blocks[b].name, i, m->params[m->blocks[b].offset + i]);
  ND_CHECK (best <= start, "never worse than the start");
  ND_CHECK_CLOSE (nd_fit_spike_score (m, sw, N_SWEEPS, false), best, 1e-9, 1e-9, "the model holds the best");
  for (int k = 0; k < N_SWEEPS; k++)
    {
      nd_sweep_score sc;
      nd_sweep_score_model (m, &sw[k], v, &sc);
      printf ("sweep %d: %d/%d spikes, subthreshold RMSE %.2f mV\n", k, sc.spikes_recorded, sc.spikes_model,
              sc.subthreshold_rmse_mV);
      ND_CHECK (nd_spike_counts_agree (sc.spikes_recorded, sc.spikes_model), "sweep %d: %d vs %d spikes", k,
                sc.spikes_recorded, sc.spikes_model);
    }

  /* The leak's reversal potential keeps the found model at the cell's rest. */
  double rest0 = 0.0;
  nd_simulate (m, &sw[0].drive, v, NULL);
  for (int j = 0; j < 900; j++)
    rest0 += v[j] / 900.0;
  printf ("found model at rest: %.2f mV\n", rest0);
  ND_CHECK (fabs (rest0 - m->v_init) < 1.0, "rest %.2f mV, the cell's %.2f mV", rest0, m->v_init);

  /* The same seed, the same search, bit for bit, whether its candidates
   * are scored one at a time or on three lanes (threads, lanes.h); 120
   * simulations span more than one CMA-ES run (a restart doubles lambda). */
  nd_model *a = cell (10.0, 10.0), *b = cell (10.0, 10.0);
  nd_model_settle_memo (b, true);
  nd_lanes *lanes = nd_lanes_new (b, 3);
  int ticks = 0;
  double sa = nd_fit_search_biophysics (a, sw, N_SWEEPS, 120, 7, NULL, NULL, NULL, NULL);
  double sb = nd_fit_search_biophysics (b, sw, N_SWEEPS, 120, 7, lanes, NULL, count_tick, &ticks);
  printf ("one lane %.6f, three lanes %.6f, %d ticks\n", sa, sb, ticks);
  ND_CHECK (sa == sb && memcmp (a->params, b->params, a->n_params * sizeof (double)) == 0,
            "deterministic, and the same on three lanes");
  ND_CHECK (ticks > 0 && ticks <= 120, "progress ticks on the calling thread (%d)", ticks);
  nd_lanes_free (lanes);

  /* Paused: no simulation runs until it resumes, then the search ends as it would have. */
  nd_model *pz = cell (10.0, 10.0);
  paused_search ps = { .m = pz, .sw = sw };
  atomic_store (&ps.ctl.pause, 1);
  pthread_t th;
  pthread_create (&th, NULL, run_paused, &ps);
  nanosleep (&(struct timespec) { 0, 300000000L }, NULL);
  int during = atomic_load (&ps.ticks);
  atomic_store (&ps.ctl.pause, 0);
  pthread_join (th, NULL);
  printf ("paused: %d ticks in 0.3 s, %d after resuming\n", during, atomic_load (&ps.ticks));
  ND_CHECK (during == 0 && atomic_load (&ps.ticks) > 0, "a paused search waits (%d ticks), then runs", during);
  nd_model *pz0 = cell (10.0, 10.0);
  double sz = nd_fit_search_biophysics (pz0, sw, N_SWEEPS, 24, 5, NULL, NULL, NULL, NULL);
  ND_CHECK (ps.score == sz && memcmp (pz->params, pz0->params, pz->n_params * sizeof (double)) == 0,
            "the paused search ends as one never paused");
  nd_model_free (pz);
  nd_model_free (pz0);

  /* Cancelled before it starts: the model keeps its start. */
  nd_model *c = cell (10.0, 10.0), *c0 = cell (10.0, 10.0);
  nd_fit_control ctl = { 0 };
  atomic_store (&ctl.cancel, 1);
  nd_fit_search_biophysics (c, sw, N_SWEEPS, 100, 1, NULL, &ctl, NULL, NULL);
  double sc0 = nd_fit_spike_score (c0, sw, N_SWEEPS, false), sc1 = nd_fit_spike_score (c, sw, N_SWEEPS, false);
  ND_CHECK (sc1 == sc0 && memcmp (c->params, c0->params, c->n_params * sizeof (double)) == 0,
            "cancelled: the start kept (%.1f vs %.1f)", sc1, sc0);

  free (v);
  nd_model_free (truth);
  nd_model_free (m);
  nd_model_free (a);
  nd_model_free (b);
  nd_model_free (c);
  nd_model_free (c0);
  return nd_check_done ("test-fit-search");
}
