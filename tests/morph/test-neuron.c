/* test-neuron.c: the CA1 cell's soma voltage against NEURON 8.2.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The published set-up (154 compartments, Pospischil Na/Kd/M and leak
 * everywhere, Ra 100 Ohm cm, cm 1 uF/cm2, 0.65 nA into the soma from 10 to
 * 50 ms, 70 ms at dt 0.025 ms) simulated by Neurode must reproduce the trace
 * NEURON wrote (make_reference.py): same spike count, spike times within
 * 0.2 ms, RMSE < 0.5 mV.
 */
#include <string.h>
#include <time.h>

#include "channel.h"
#include "morph/morph-sim.h"
#include "morph-test-util.h"

#define DT 0.025
#define N_STEPS 2800

static int
spike_times (const double *v, int n, double *out, int max)
{
  int k = 0;
  for (int i = 1; i < n && k < max; i++)
    if (v[i - 1] < 0.0 && v[i] >= 0.0)
      out[k++] = (i - 1 + v[i - 1] / (v[i - 1] - v[i])) * DT;
  return k;
}

int
main (void)
{
  static double ref[N_STEPS + 1], v[N_STEPS + 1];
  FILE *f = open_data ("neuron_ca1_step.csv");
  char line[256];
  int n = 0;
  if (!fgets (line, sizeof line, f))
    return 1;
  while (n <= N_STEPS && fgets (line, sizeof line, f))
    {
      double t;
      if (sscanf (line, "%lf,%lf", &t, &ref[n]) == 2)
        n++;
    }
  fclose (f);
  ND_CHECK (n == N_STEPS + 1, "reference has %d samples", n);

  nd_morph *m = load_ca1 ();
  char err[ND_MORPH_ERROR_LEN];
  nd_segmentation one = { .mode = ND_SEGMENT_FIXED, .nseg = 1 };
  nd_cable *c = nd_cable_new (m, &one, 100.0, 1.0, err, sizeof err);
  nd_membrane mem = { .cm = 1.0, .celsius = 36.0 };
  for (int r = 0; r < ND_N_REGIONS; r++)
    {
      mem.channels[r][0] = (nd_channel_density) { nd_channel_lookup ("pospischil_na"), 50.0, 50.0 };
      mem.channels[r][1] = (nd_channel_density) { nd_channel_lookup ("pospischil_kd"), 5.0, -90.0 };
      mem.channels[r][2] = (nd_channel_density) { nd_channel_lookup ("pospischil_m"), 0.004, -90.0 };
      mem.channels[r][3] = (nd_channel_density) { nd_channel_lookup ("leak"), 0.1, -70.0 };
      mem.n_channels[r] = 4;
    }
  int soma = nd_cable_node_at (c, 0, 0.5);
  nd_morph_sim *sim = nd_morph_sim_new (c, &mem, DT);

  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  nd_morph_sim_init (sim, -70.0);
  v[0] = nd_morph_sim_voltages (sim)[soma];
  for (int i = 0; i < N_STEPS; i++)
    {
      double t_mid = (i + 0.5) * DT;
      nd_morph_sim_step (sim, soma, t_mid >= 10.0 && t_mid < 50.0 ? 650.0 : 0.0);
      v[i + 1] = nd_morph_sim_voltages (sim)[soma];
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);

  double se = 0.0, worst = 0.0;
  for (int i = 0; i <= N_STEPS; i++)
    {
      double d = v[i] - ref[i];
      se += d * d;
      worst = fmax (worst, fabs (d));
    }
  double rmse = sqrt (se / (N_STEPS + 1));
  double sp[64], sp_ref[64];
  int ns = spike_times (v, N_STEPS + 1, sp, 64), ns_ref = spike_times (ref, N_STEPS + 1, sp_ref, 64);
  ND_CHECK (ns_ref >= 2, "the reference should spike (%d spikes)", ns_ref);
  ND_CHECK (ns == ns_ref, "spikes: Neurode %d, NEURON %d", ns, ns_ref);
  double worst_dt = 0.0;
  for (int k = 0; k < ns && k < ns_ref; k++)
    worst_dt = fmax (worst_dt, fabs (sp[k] - sp_ref[k]));
  ND_CHECK (worst_dt < 0.2, "spike times differ by up to %.4f ms", worst_dt);
  ND_CHECK (rmse < 0.5, "RMSE %.4f mV", rmse);
  printf ("%d compartments, %d spikes (NEURON %d), worst spike-time difference %.5f ms, "
          "RMSE %.5f mV, max |dV| %.5f mV, 70 ms integrated in %.4f s\n",
          c->n_compartments, ns, ns_ref, worst_dt, rmse, worst, seconds);

  nd_morph_sim_free (sim);
  nd_cable_free (c);
  nd_morph_free (m);
  return nd_check_done ("neuron");
}
