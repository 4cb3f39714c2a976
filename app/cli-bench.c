/* cli-bench.c: neurode-cli bench — the engine's speed figures, one "name: value" per line.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hh_forward_us_per_step: one classic HH compartment, dt 0.025 ms, 1 s
 *   simulated under 10 uA/cm2 (as ../shared/bench/neuron_hh.py), median of 5.
 * k_grad_step_ms: one loss + exact gradient of the K experiment (50 ms at
 *   dt 0.025 ms, learned n gate, MLP 1-32-32-2 with LayerNorm), median of 20;
 *   the gate table is refilled every step, as after an optimiser update.
 * k_mlp_per_step_ms: what evaluating and back-propagating the MLP at every
 *   time step (no table) would cost for the same 2000 steps.
 * k_fit_s: one default fit of the K experiment (seed 1).
 * real_sim_3_sweeps_ms, real_grad_3_sweeps_ms: a real cell's fit evaluates
 *   the cortical template (File_axon_5's size) on three 1 s sweeps at 20 kHz
 *   under the same holding current (steps of -100, +200 and +300 pA from
 *   215 to 715 ms), each after 300 ms of settling: free runs (the search)
 *   and losses with gradients (the gradient stages), median of 5, without
 *   and with the settling memo a fit uses (model.h), a parameter changed
 *   between repeats as an optimiser does; "_memo_ratio" is with / without.
 *   "_lanes_ms": with the memo, the three sweeps side by side on the cores
 *   this process may use, as a fit runs them; "_lanes_ratio" against one
 *   after the other (wall time; a fit's results are the same either way).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "lanes.h"
#include "cli.h"
#include "fit.h"
#include "integrator.h"
#include "learned-gate.h"
#include "model.h"
#include "stats.h"
#include "templates.h"
#include "units.h"

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static nd_model *
k_model (gboolean learned)
{
  double area = nd_cylinder_area_um2 (2.0, 10.0);
  nd_model *m = nd_model_new (1.0, area, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -70.0);
  if (learned)
    {
      nd_learned_gate net;
      nd_learned_gate_default (&net);
      const char *names[] = { "n" };
      const int powers[] = { 4 };
      nd_model_add_learned (m, "K", 36.0, -75.0, 1, names, powers, &net);
    }
  else
    nd_model_add_known (m, nd_channel_lookup ("hh_k"), 36.0, -75.0);
  return m;
}

/* Ms of one evaluation of the three sweeps: free runs, or losses with
 * gradients; a parameter (the leak's conductance) moves a little first, so
 * a memo starts afresh as in a fit. */
static double
real_cell_ms (nd_model *m, const nd_drive *d, const nd_loss_spec *spec, gboolean grad, double *g, double *v)
{
  const size_t gl = m->blocks[nd_model_find_block (m, 3, ND_PARAM_GBAR, -1)].offset;
  m->params[gl] *= 1.0 + 1e-6;
  nd_model_params_changed (m);
  double t0 = now_s ();
  for (int k = 0; k < 3; k++)
    {
      if (grad)
        nd_loss_gradient (m, &d[k], &spec[k], NULL, g);
      else
        nd_simulate (m, &d[k], v, NULL);
    }
  return (now_s () - t0) * 1e3;
}

typedef struct {
  const nd_drive *d;
  const nd_loss_spec *spec;
  gboolean grad;
} LaneWork;

static void
real_cell_item (int k, nd_model *m, int lane, void *user)
{
  (void) lane;
  const LaneWork *w = user;
  double *buf = malloc ((w->grad ? m->n_params : w->d[k].n) * sizeof *buf);
  if (w->grad)
    nd_loss_gradient (m, &w->d[k], &w->spec[k], NULL, buf);
  else
    nd_simulate (m, &w->d[k], buf, NULL);
  free (buf);
}

/* real_cell_ms with the sweeps on lanes. */
static double
real_cell_lanes_ms (nd_model *m, nd_lanes *lanes, const nd_drive *d, const nd_loss_spec *spec, gboolean grad)
{
  const size_t gl = m->blocks[nd_model_find_block (m, 3, ND_PARAM_GBAR, -1)].offset;
  m->params[gl] *= 1.0 + 1e-6;
  nd_model_params_changed (m);
  LaneWork w = { d, spec, grad };
  double t0 = now_s ();
  nd_lanes_run (lanes, 3, real_cell_item, &w);
  return (now_s () - t0) * 1e3;
}

static void
bench_real_cell (void)
{
  nd_template_cell cell = { .area_um2 = 29594.0, .v_rest_mV = -72.5, .r_in_MOhm = 160.0, .cm_uF_per_cm2 = 1.0 };
  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, &cell, true);
  if (!m || nd_model_find_block (m, 3, ND_PARAM_GBAR, -1) < 0 || strcmp (m->channels[3].name, "leak") != 0)
    {
      printf ("real_cell: the cortical template has changed; bench.c needs updating\n");
      nd_model_free (m);
      return;
    }
  const size_t n = 20000;
  const double steps_pA[3] = { -100.0, 200.0, 300.0 };
  double *cur = malloc (3 * n * sizeof *cur), *obs = malloc (3 * n * sizeof *obs);
  nd_drive d[3];
  nd_loss_spec spec[3];
  for (int k = 0; k < 3; k++)
    {
      for (size_t j = 0; j < n; j++)
        {
          double t = j * 0.05;
          cur[k * n + j] = t >= 215.0 && t < 715.0 ? nd_pA_to_density (steps_pA[k], m->area_um2) : 0.0;
          obs[k * n + j] = -72.5;
        }
      d[k] = (nd_drive) { .n = n, .dt_sample = 0.05, .n_sub = 2, .i_inj = cur + k * n };
      spec[k] = (nd_loss_spec) { .v_obs = obs + k * n };
    }
  const char *what[2] = { "sim", "grad" };
  double *g = calloc (m->n_params, sizeof *g), *v = malloc (n * sizeof *v);
  for (int grad = 0; grad < 2; grad++)
    {
      /* Alternately without and with, so a busy machine slows both alike. */
      double off[5], on[5];
      for (int r = 0; r < 5; r++)
        {
          off[r] = real_cell_ms (m, d, spec, grad, g, v);
          nd_model_settle_memo (m, true);
          on[r] = real_cell_ms (m, d, spec, grad, g, v);
          nd_model_settle_memo (m, false);
        }
      double a = nd_median_inplace (off, 5), b = nd_median_inplace (on, 5);
      printf ("real_%s_3_sweeps_ms: %.1f\n", what[grad], a);
      printf ("real_%s_3_sweeps_memo_ms: %.1f\n", what[grad], b);
      printf ("real_%s_3_sweeps_memo_ratio: %.3f\n", what[grad], b / a);
    }
  /* The three sweeps side by side, each on a lane with its own memo, as a
   * fit runs them (fit.h, threads), against one after the other. */
  nd_model_settle_memo (m, true);
  nd_lanes *lanes = nd_lanes_new (m, nd_cpu_count ());
  for (int grad = 0; grad < 2; grad++)
    {
      double one[5], all[5];
      for (int r = 0; r < 5; r++)
        {
          one[r] = real_cell_ms (m, d, spec, grad, g, v);
          all[r] = real_cell_lanes_ms (m, lanes, d, spec, grad);
        }
      double a = nd_median_inplace (one, 5), b = nd_median_inplace (all, 5);
      printf ("real_%s_3_sweeps_lanes_ms: %.1f (%d cores)\n", what[grad], b, nd_lanes_count (lanes));
      printf ("real_%s_3_sweeps_lanes_ratio: %.3f\n", what[grad], b / a);
    }
  nd_lanes_free (lanes);
  free (g);
  free (v);
  free (cur);
  free (obs);
  nd_model_free (m);
}

int
nd_cli_bench (int argc, char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("— measure the engine’s speed"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 1)
    return nd_cli_fail (2, _("usage: neurode-cli bench"));

  /* HH forward. */
  nd_model *hh = nd_model_new (1.0, 1000.0, -65.0, 6.3);
  nd_model_add_known (hh, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_model_add_known (hh, nd_channel_lookup ("hh_k"), 36.0, -77.0);
  nd_model_add_known (hh, nd_channel_lookup ("leak"), 0.3, -54.3);
  const size_t n_hh = 40001;
  double *i_hh = malloc (n_hh * sizeof *i_hh), *v_hh = malloc (n_hh * sizeof *v_hh);
  for (size_t j = 0; j < n_hh; j++)
    i_hh[j] = 10.0;
  nd_drive d_hh = { .n = n_hh, .dt_sample = 0.025, .n_sub = 1, .i_inj = i_hh };
  double t_hh[5];
  for (int r = 0; r < 5; r++)
    {
      double t0 = now_s ();
      nd_simulate (hh, &d_hh, v_hh, NULL);
      t_hh[r] = (now_s () - t0) / (n_hh - 1) * 1e6;
    }
  int spikes = 0;
  for (size_t j = 1; j < n_hh; j++)
    spikes += v_hh[j - 1] < 0.0 && v_hh[j] >= 0.0;
  printf ("hh_forward_us_per_step: %.4f\n", nd_median_inplace (t_hh, 5));
  printf ("hh_spikes_per_s: %d\n", spikes);

  /* K experiment gradient step. */
  nd_model *truth = k_model (FALSE), *m = k_model (TRUE);
  const size_t n = 2001;
  double *i_k = malloc (n * sizeof *i_k), *obs = malloc (n * sizeof *obs), *grad = malloc (m->n_params * sizeof *grad);
  for (size_t j = 0; j < n; j++)
    i_k[j] = (j * 0.025 >= 5.0 && j * 0.025 < 45.0) ? nd_pA_to_density (15.0, m->area_um2) : 0.0;
  nd_drive d = { .n = n, .dt_sample = 0.025, .n_sub = 1, .i_inj = i_k };
  nd_simulate (truth, &d, obs, NULL);
  nd_fit_init_networks (m, 1, 1.0);
  nd_loss_spec spec = { .v_obs = obs, .dvdt_weight = 1e-2 };
  double t_g[20];
  for (int r = 0; r < 20; r++)
    {
      memset (grad, 0, m->n_params * sizeof *grad);
      double t0 = now_s ();
      nd_model_params_changed (m);
      nd_loss_gradient (m, &d, &spec, NULL, grad);
      t_g[r] = (now_s () - t0) * 1e3;
    }
  printf ("k_grad_step_ms: %.4f\n", nd_median_inplace (t_g, 20));

  /* The same 2000 MLP evaluations and backward passes without the table. */
  const nd_learned_gate *net = &m->channels[2].learned[0].net;
  const double *w = m->params + m->blocks[m->channels[2].learned[0].block].offset;
  double *cache = malloc (nd_learned_gate_cache_size (net) * sizeof *cache);
  double t_mlp[5];
  for (int r = 0; r < 5; r++)
    {
      memset (grad, 0, m->n_params * sizeof *grad);
      double t0 = now_s ();
      for (size_t j = 0; j < n; j++)
        {
          nd_gate_rates rr;
          nd_learned_gate_eval (net, w, obs[j], &rr, cache);
          nd_learned_gate_backward (net, w, cache, 1e-3, 1e-3, grad);
        }
      t_mlp[r] = (now_s () - t0) * 1e3;
    }
  printf ("k_mlp_per_step_ms: %.4f\n", nd_median_inplace (t_mlp, 5));
  free (cache);

  /* One default fit (recording at 0.1 ms, as published). */
  const size_t nk = 501;
  double *i_s = malloc (nk * sizeof *i_s), *o_s = malloc (nk * sizeof *o_s);
  for (size_t j = 0; j < nk; j++)
    i_s[j] = (j * 0.1 >= 5.0 - 1e-9 && j * 0.1 < 45.0 - 1e-9) ? nd_pA_to_density (15.0, m->area_um2) : 0.0;
  nd_drive ds = { .n = nk, .dt_sample = 0.1, .n_sub = 4, .i_inj = i_s };
  nd_simulate (truth, &ds, o_s, NULL);
  nd_fit_options opt;
  nd_fit_options_default (&opt);
  nd_fit_sweep sw = { .drive = ds, .v_obs = o_s };
  nd_fit_result res;
  double t0 = now_s ();
  nd_fit (m, &sw, 1, NULL, 0, &opt, NULL, NULL, NULL, &res);
  printf ("k_fit_s: %.3f\n", now_s () - t0);
  printf ("k_fit_train_rmse_mV: %.4f\n", sqrt (res.train_loss));
  nd_fit_result_clear (&res);

  bench_real_cell ();

  free (i_s);
  free (o_s);
  free (i_hh);
  free (v_hh);
  free (i_k);
  free (obs);
  free (grad);
  nd_model_free (hh);
  nd_model_free (truth);
  nd_model_free (m);
  return 0;
}
