/* test-soma-model.c: the soma alone, driven by the true axial current, follows the full cell.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reduction replaces the dendrites by a learned current at the soma. If
 * that current were exactly the axial current the full cell's soma sends into
 * its dendrites (nd_morph_sim_axial_current), the one-compartment soma model
 * (nd_soma_model_new, integrated by the engine's own fixed-step scheme) would
 * reproduce the soma voltage up to the difference between the two schemes.
 * This checks the sign, units and timing of that current, the target of
 * `reduce`. Without it (the stimulus scaled by the soma's share of the area,
 * the published baseline) the soma alone is far off.
 */
#include <string.h>

#include "integrator.h"
#include "morph/morph-sim.h"
#include "morph/reduce.h"
#include "morph/soma-model.h"
#include "spikes.h"
#include "morph-test-util.h"
#include "units.h"

#define DT 0.025
#define N (2801)

static int
count_spikes (const double *v, int n)
{
  int k = 0;
  for (int i = 1; i < n; i++)
    k += v[i - 1] < 0.0 && v[i] >= 0.0;
  return k;
}

int
main (void)
{
  static double v_full[N], i_ax[N], stim[N], dens[N], v_soma[N];
  nd_morph *m = load_ca1 ();
  nd_cable *c = ca1_cable (m);
  nd_membrane mem = ca1_membrane ();
  int soma = nd_cable_node_at (c, 0, 0.5);
  nd_morph_sim *sim = nd_morph_sim_new (c, &mem, DT);
  nd_morph_sim_init (sim, -70.0);
  v_full[0] = nd_morph_sim_voltages (sim)[soma];
  i_ax[0] = nd_morph_sim_axial_current (sim, soma);
  for (int j = 0; j + 1 < N; j++)
    {
      stim[j] = (j + 0.5) * DT >= 10.0 && (j + 0.5) * DT < 50.0 ? 650.0 : 0.0;
      nd_morph_sim_step (sim, soma, stim[j]);
      v_full[j + 1] = nd_morph_sim_voltages (sim)[soma];
      i_ax[j + 1] = nd_morph_sim_axial_current (sim, soma);
    }
  stim[N - 1] = 0.0;

  nd_model *sm = nd_soma_model_new (c, &mem, -70.0);
  ND_CHECK (sm != NULL, "soma model");
  if (!sm)
    return 1;
  ND_CHECK_CLOSE (sm->area_um2, c->area_um2[soma], 0, 1e-15, "soma area");
  ND_CHECK (sm->n_channels == 4, "soma channels: %d", sm->n_channels);

  /* Interval j -> j+1 of the full cell's implicit step carries the axial current at j+1. */
  for (int j = 0; j < N; j++)
    dens[j] = nd_pA_to_density (stim[j] - (j + 1 < N ? i_ax[j + 1] : i_ax[j]), sm->area_um2);
  nd_drive d = { .n = N, .dt_sample = DT, .n_sub = 1, .i_inj = dens };
  nd_simulate (sm, &d, v_soma, NULL);
  double se = 0.0;
  for (int j = 0; j < N; j++)
    se += (v_soma[j] - v_full[j]) * (v_soma[j] - v_full[j]);
  double rmse = sqrt (se / N);
  int ns_full = count_spikes (v_full, N), ns_soma = count_spikes (v_soma, N);
  ND_CHECK (ns_soma == ns_full, "spikes: soma + axial current %d, full cell %d", ns_soma, ns_full);
  ND_CHECK (rmse < 0.1, "soma + true axial current: RMSE %.4f mV", rmse);

  /* Published baseline: the soma alone with the stimulus scaled by its share of the area. */
  double share = c->area_um2[soma] / nd_cable_total_area (c);
  for (int j = 0; j < N; j++)
    dens[j] = nd_pA_to_density (stim[j] * share, sm->area_um2);
  nd_simulate (sm, &d, v_soma, NULL);
  double se0 = 0.0;
  for (int j = 0; j < N; j++)
    se0 += (v_soma[j] - v_full[j]) * (v_soma[j] - v_full[j]);
  double rmse0 = sqrt (se0 / N);
  ND_CHECK (rmse0 > 5.0 * rmse, "the axial current matters: %.3f vs %.3f mV", rmse0, rmse);
  printf ("soma + true axial current: RMSE %.4f mV, %d/%d spikes; soma alone (stimulus x %.4f): RMSE %.3f mV\n",
          rmse, ns_soma, ns_full, share, rmse0);

  /* The reports' spike counter (spikes.h) agrees with plain 0 mV crossings
   * on the full cell's spikes. */
  ND_CHECK ((int) nd_spikes_count (v_full, N, DT) == ns_full, "report spikes %zu vs %d",
            nd_spikes_count (v_full, N, DT), ns_full);

  /* Spike timing: the full cell's spikes against the same trace 8 samples
   * (0.2 ms) later are 0.2 ms apart; a trace without spikes has no shift. */
  static double v_late[N];
  for (int j = 0; j < N; j++)
    v_late[j] = v_full[j >= 8 ? j - 8 : 0];
  ND_CHECK_CLOSE (nd_spikes_mean_shift (v_full, v_late, N, DT), 0.2, 1e-9, 0, "spike shift");
  static const double zero_v[N] = { 0 };
  ND_CHECK (isnan (nd_spikes_mean_shift (v_full, zero_v, N, DT)), "no spikes, no shift");

  /* The network's scales from two sweeps: V -70/-50 (mean -60, s.d. 10 mV)
   * and an axial current of 10 then 30 uA/cm2 over the soma (RMS sqrt(500)). */
  const double va[] = { -70, -50 }, vb[] = { -50, -70 };
  const double pa10 = 10.0 / nd_pA_to_density (1.0, sm->area_um2);
  const double ia[] = { pa10, pa10 }, ib[] = { 3 * pa10, 3 * pa10 };
  nd_reduce_scales sc = { 0 };
  nd_reduce_scales_add (&sc, va, ia, 2, sm->area_um2);
  nd_reduce_scales_add (&sc, vb, ib, 2, sm->area_um2);
  double vm, vs, is;
  nd_reduce_scales_get (&sc, &vm, &vs, &is);
  ND_CHECK_CLOSE (vm, -60.0, 1e-12, 0, "V mean");
  ND_CHECK_CLOSE (vs, 10.0, 1e-12, 0, "V s.d.");
  ND_CHECK_CLOSE (is, sqrt (500.0), 1e-9, 0, "current scale");
  nd_reduce_scales flat = { 0 };
  nd_reduce_scales_add (&flat, va, ia, 1, sm->area_um2);
  nd_reduce_scales_get (&flat, &vm, &vs, &is);
  ND_CHECK (vs == 1.0, "a constant V gets the 1 mV floor, not 0: %g", vs);

  /* The reduced model at rest: its learned current is 0 at the initial
   * state, so before the stimulus (10 ms) the soma follows the full cell's
   * slow drift from -70 mV; without the anchor it runs off. */
  nd_reduce_shape shape = { .n_latent = 4, .width = 32, .depth = 2, .z_leak_ms = ND_REDUCE_Z_LEAK_MS };
  static double zero[101], v_rest[101], i_rest[101];
  for (int anchored = 1; anchored >= 0; anchored--)
    {
      shape.free_at_rest = !anchored;
      nd_model *rm = nd_reduced_model_new (c, &mem, -70.0, &shape, -60.0, 15.0, 20.0);
      /* Small weights: a steep random network can make rest unstable, which
       * the anchor does not prevent (a fitted one has learned a stable rest). */
      nd_model_init_networks (rm, 3, 0.1);
      nd_reduced_run (rm, 101, 0.1, 4, zero, v_rest, i_rest);
      double dv = 0.0, di = 0.0;
      for (int j = 0; j < 101; j++)
        dv = fmax (dv, fabs (v_rest[j] - v_full[4 * j])), di = fmax (di, fabs (i_rest[j]));
      printf ("reduced model at rest, %s: V within %.3g mV of the full cell's, learned current within %.3g pA\n",
              anchored ? "anchored" : "not anchored", dv, di);
      if (anchored)
        ND_CHECK (dv < 1e-3 && di < 1e-3, "anchored at rest: V off by %g mV, current %g pA", dv, di);
      else
        ND_CHECK (dv > 0.1, "without the anchor the test network drifts (%g mV)", dv);
      nd_model_free (rm);
    }

  nd_model_free (sm);
  nd_morph_sim_free (sim);
  nd_cable_free (c);
  nd_morph_free (m);
  return nd_check_done ("soma-model");
}
