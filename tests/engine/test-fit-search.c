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
#include <stdlib.h>
#include <string.h>

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

static nd_model *
cell (double g_na, double na_shift)
{
  nd_template_cell c;
  nd_template_cell_unknown (&c);
  c.area_um2 = 20000.0;
  c.v_rest_mV = -70.0;
  c.r_in_MOhm = 250.0;
  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, &c, true);
  m->params[m->blocks[m->channels[0].block_gbar].offset] = g_na;
  m->params[m->blocks[m->channels[0].block_vshift].offset] = na_shift;
  /* No learned current in the truth: its conductance at the bottom of its range. */
  m->params[m->blocks[m->channels[4].block_gbar].offset] = 1e-3;
  nd_model_params_changed (m);
  return m;
}

int
main (void)
{
  static double iin[N_SWEEPS][N], obs[N_SWEEPS][N];
  const double amp[N_SWEEPS] = { -50.0, 100.0, 200.0 };
  nd_fit_sweep sw[N_SWEEPS];
  nd_model *truth = cell (50.0, 0.0);
  int spikes[N_SWEEPS];
  for (int k = 0; k < N_SWEEPS; k++)
    {
      for (int j = 0; j < N; j++)
        iin[k][j] = j * DT >= 50.0 && j * DT < 350.0 ? nd_pA_to_density (amp[k], truth->area_um2) : 0.0;
      sw[k] = (nd_fit_sweep) { .drive = { .n = N, .dt_sample = DT, .n_sub = 2, .i_inj = iin[k] }, .v_obs = obs[k] };
      nd_simulate (truth, &sw[k].drive, obs[k], NULL);
      spikes[k] = (int) nd_spikes_count (obs[k], N, DT);
    }
  printf ("truth: %d, %d, %d spikes\n", spikes[0], spikes[1], spikes[2]);
  ND_CHECK (spikes[0] <= 1 && spikes[1] > spikes[0] + 2 && spikes[2] > spikes[1], "the truth fires more for more current");

  nd_model *m = cell (10.0, 10.0);
  double start = nd_fit_spike_score (m, sw, N_SWEEPS, false);
  double *v = malloc (N * sizeof *v);
  nd_simulate (m, &sw[2].drive, v, NULL);
  ND_CHECK (nd_spikes_count (v, N, DT) == 0, "the start is silent");
  double best = nd_fit_search_biophysics (m, sw, N_SWEEPS, 400, 3, NULL, NULL, NULL);
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

  /* The same seed, the same search; another seed, another path. */
  nd_model *a = cell (10.0, 10.0), *b = cell (10.0, 10.0);
  double sa = nd_fit_search_biophysics (a, sw, N_SWEEPS, 36, 7, NULL, NULL, NULL);
  double sb = nd_fit_search_biophysics (b, sw, N_SWEEPS, 36, 7, NULL, NULL, NULL);
  ND_CHECK (sa == sb && memcmp (a->params, b->params, a->n_params * sizeof (double)) == 0, "deterministic");

  /* Cancelled before it starts: the model keeps its start. */
  nd_model *c = cell (10.0, 10.0), *c0 = cell (10.0, 10.0);
  nd_fit_control ctl = { 0 };
  atomic_store (&ctl.cancel, 1);
  nd_fit_search_biophysics (c, sw, N_SWEEPS, 100, 1, &ctl, NULL, NULL);
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
