/* test-neuron.c: the CA1 cell's soma voltage against NEURON 8.2.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The published set-up (154 compartments, Pospischil Na/Kd/M and leak
 * everywhere, Ra 100 Ohm cm, cm 1 uF/cm2, 0.65 nA into the soma from 10 to
 * 50 ms, 70 ms at dt 0.025 ms) simulated by Neurode must reproduce the trace
 * NEURON wrote (make_reference.py): same spike count, spike times within
 * 0.2 ms, RMSE < 0.5 mV; the current the soma sends into the dendrites must
 * match the one computed from NEURON's voltages. A second set-up, read from
 * a cell file (ca1-dlambda.json: d_lambda segmentation with 780 compartments,
 * channels per region, Ra 150, cm 1.2, the step injected at apic[1](0.3)),
 * must match NEURON at the soma and at the stimulus site.
 */
#include <string.h>
#include <time.h>

#include "cell-file.h"
#include "channel.h"
#include "morph/morph-sim.h"
#include "morph-test-util.h"

#define DT 0.025
#define N_STEPS 2800

typedef struct {
  double rmse, worst_spike_dt;
  int n_spikes, n_spikes_ref;
} comparison;

static int spike_times (const double *v, int n, double *out, int max);

static comparison
compare (const char *what, const double *v, const double *ref, int n)
{
  comparison c = { 0 };
  double se = 0.0;
  for (int i = 0; i < n; i++)
    se += (v[i] - ref[i]) * (v[i] - ref[i]);
  c.rmse = sqrt (se / n);
  double sp[64], sp_ref[64];
  c.n_spikes = spike_times (v, n, sp, 64);
  c.n_spikes_ref = spike_times (ref, n, sp_ref, 64);
  for (int k = 0; k < c.n_spikes && k < c.n_spikes_ref; k++)
    c.worst_spike_dt = fmax (c.worst_spike_dt, fabs (sp[k] - sp_ref[k]));
  ND_CHECK (c.n_spikes_ref >= 2, "%s: the reference should spike (%d spikes)", what, c.n_spikes_ref);
  ND_CHECK (c.n_spikes == c.n_spikes_ref, "%s: spikes: Neurode %d, NEURON %d", what, c.n_spikes, c.n_spikes_ref);
  ND_CHECK (c.worst_spike_dt < 0.2, "%s: spike times differ by up to %.4f ms", what, c.worst_spike_dt);
  ND_CHECK (c.rmse < 0.5, "%s: RMSE %.4f mV", what, c.rmse);
  printf ("%s: %d spikes (NEURON %d), worst spike-time difference %.5f ms, RMSE %.6f mV\n", what, c.n_spikes,
          c.n_spikes_ref, c.worst_spike_dt, c.rmse);
  return c;
}

/* The second set-up, from its cell file. */
static void
test_cell_file (void)
{
  static double ref_soma[N_STEPS + 1], ref_site[N_STEPS + 1], v_soma[N_STEPS + 1], v_site[N_STEPS + 1];
  FILE *f = open_data ("neuron_ca1_dlambda.csv");
  char line[256];
  int n = 0;
  if (!fgets (line, sizeof line, f))
    exit (1);
  while (n <= N_STEPS && fgets (line, sizeof line, f))
    {
      double t;
      if (sscanf (line, "%lf,%lf,%lf", &t, &ref_soma[n], &ref_site[n]) == 3)
        n++;
    }
  fclose (f);
  ND_CHECK (n == N_STEPS + 1, "d_lambda reference has %d samples", n);

  char path[4096];
  snprintf (path, sizeof path, "%s/morphology/ca1-dlambda.json", getenv ("ND_TEST_DATA"));
  GError *error = NULL;
  NdCellFile *file = nd_cell_file_load (path, &error);
  ND_CHECK (file != NULL, "cell file: %s", error ? error->message : "");
  if (!file)
    return;
  NdCell *cell = nd_cell_build (file, &error);
  ND_CHECK (cell != NULL, "cell: %s", error ? error->message : "");
  if (!cell)
    return;
  ND_CHECK (cell->cable->n_compartments == 780, "d_lambda compartments: %d (NEURON 780)", cell->cable->n_compartments);
  ND_CHECK (file->has_protocol && file->dt_ms == DT && file->step_amplitude_pA == 1000.0, "protocol");
  ND_CHECK (cell->cable->section[cell->stim_node] == nd_morph_find_section (cell->morph, "apic[1]")
            && fabs (cell->cable->x[cell->stim_node] - 0.3) < 1e-12, "stimulus at apic[1](0.3)");
  nd_morph_sim *sim = nd_morph_sim_new (cell->cable, &file->membrane, file->dt_ms);
  nd_morph_sim_init (sim, file->v_init_mV);
  v_soma[0] = nd_morph_sim_voltages (sim)[cell->soma_node];
  v_site[0] = nd_morph_sim_voltages (sim)[cell->stim_node];
  for (int i = 0; i < N_STEPS; i++)
    {
      double t_mid = (i + 0.5) * DT;
      double amp = t_mid >= file->step_start_ms && t_mid < file->step_end_ms ? file->step_amplitude_pA : 0.0;
      nd_morph_sim_step (sim, cell->stim_node, amp);
      v_soma[i + 1] = nd_morph_sim_voltages (sim)[cell->soma_node];
      v_site[i + 1] = nd_morph_sim_voltages (sim)[cell->stim_node];
    }
  compare ("d_lambda soma", v_soma, ref_soma, N_STEPS + 1);
  compare ("d_lambda apic[1](0.3)", v_site, ref_site, N_STEPS + 1);
  nd_morph_sim_free (sim);
  nd_cell_free (cell);
  nd_cell_file_free (file);
}

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
  static double ref[N_STEPS + 1], v[N_STEPS + 1], ref_ax[N_STEPS + 1], ax[N_STEPS + 1];
  FILE *f = open_data ("neuron_ca1_step.csv");
  char line[256];
  int n = 0;
  if (!fgets (line, sizeof line, f))
    return 1;
  while (n <= N_STEPS && fgets (line, sizeof line, f))
    {
      double t;
      if (sscanf (line, "%lf,%lf,%lf", &t, &ref[n], &ref_ax[n]) == 3)
        n++;
    }
  fclose (f);
  ND_CHECK (n == N_STEPS + 1, "reference has %d samples", n);

  nd_morph *m = load_ca1 ();
  nd_cable *c = ca1_cable (m);
  nd_membrane mem = ca1_membrane ();
  int soma = nd_cable_node_at (c, 0, 0.5);
  nd_morph_sim *sim = nd_morph_sim_new (c, &mem, DT);

  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  nd_morph_sim_init (sim, -70.0);
  v[0] = nd_morph_sim_voltages (sim)[soma];
  ax[0] = nd_morph_sim_axial_current (sim, soma);
  for (int i = 0; i < N_STEPS; i++)
    {
      double t_mid = (i + 0.5) * DT;
      nd_morph_sim_step (sim, soma, t_mid >= 10.0 && t_mid < 50.0 ? 650.0 : 0.0);
      v[i + 1] = nd_morph_sim_voltages (sim)[soma];
      ax[i + 1] = nd_morph_sim_axial_current (sim, soma);
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);

  double worst = 0.0, se_ax = 0.0, max_ax = 0.0;
  for (int i = 0; i <= N_STEPS; i++)
    {
      worst = fmax (worst, fabs (v[i] - ref[i]));
      se_ax += (ax[i] - ref_ax[i]) * (ax[i] - ref_ax[i]);
      max_ax = fmax (max_ax, fabs (ref_ax[i]));
    }
  comparison cmp = compare ("published set-up, soma", v, ref, N_STEPS + 1);
  double rmse_ax = sqrt (se_ax / (N_STEPS + 1));
  ND_CHECK (rmse_ax < 1e-3 * max_ax, "axial current: RMSE %.4g pA of up to %.4g pA", rmse_ax, max_ax);
  printf ("%d compartments, max |dV| %.5f mV, soma axial current RMSE %.3g pA (peak %.1f pA), "
          "70 ms integrated in %.4f s\n", c->n_compartments, worst, rmse_ax, max_ax, seconds);
  (void) cmp;

  nd_morph_sim_free (sim);
  nd_cable_free (c);
  nd_morph_free (m);
  test_cell_file ();
  return nd_check_done ("neuron");
}
