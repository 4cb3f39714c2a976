/* reduce.c: recording the full cell and running the reduced model.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "reduce.h"

#include <math.h>
#include <stdlib.h>

#include "explore.h"
#include "integrator.h"
#include "model-private.h"
#include "morph/soma-model.h"
#include "units.h"

int
nd_morph_substeps (double dt_sample_ms, double max_dt_ms)
{
  /* Bounded (integrator.h): callers check the step and the samples first, with a message. */
  int sub = nd_substeps (dt_sample_ms, max_dt_ms, 1);
  return sub < 1 ? 1 : sub;
}

int
nd_morph_record (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV,
                 int stim_node, double max_dt_ms, nd_morph_trace *tr)
{
  return nd_morph_record_ctl (cable, membrane, v_init_mV, stim_node, max_dt_ms, tr, NULL, NULL);
}

int
nd_morph_record_ctl (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV,
                     int stim_node, double max_dt_ms, nd_morph_trace *tr, const atomic_int *cancel,
                     atomic_int *done)
{
  int sub = nd_morph_substeps (tr->dt_ms, max_dt_ms);
  int soma = nd_cable_node_at (cable, 0, 0.5);
  nd_morph_sim *sim = nd_morph_sim_new (cable, membrane, tr->dt_ms / sub);
  nd_morph_sim_init (sim, v_init_mV);
  int status = 0;
  for (size_t k = 0; k < tr->n; k++)
    {
      tr->v_mV[k] = nd_morph_sim_voltages (sim)[soma];
      if (tr->i_axial_pA)
        tr->i_axial_pA[k] = nd_morph_sim_axial_current (sim, soma);
      if (!isfinite (tr->v_mV[k]))
        {
          status = -1;
          break;
        }
      if (cancel && atomic_load (cancel))
        {
          status = -2;
          break;
        }
      /* In batches: one atomic add per sample would cost more than it tells. */
      if (done && (k % 256 == 255 || k + 1 == tr->n))
        atomic_fetch_add (done, (int) (k % 256) + 1);
      if (k + 1 < tr->n)
        for (int j = 0; j < sub; j++)
          nd_morph_sim_step (sim, stim_node, tr->i_pA[k]);
    }
  nd_morph_sim_free (sim);
  return status;
}

void
nd_reduce_fit_options_default (nd_fit_options *o)
{
  nd_fit_options_default (o);
  /* A short voltage-forced regression, a ramp of weaker pulls, then a long
   * free run: the forced loss stops improving after ~150 iterations, while
   * the free-running validation loss was still falling at the end of 1000
   * free-running iterations (data/cells/README.md). */
  o->n_stages = 5;
  const int horizon[] = { 1, 1, 1, 1, 0 };
  const double frac[] = { 0.1, 1.0 / 15, 1.0 / 15, 1.0 / 15, 0.7 }, force[] = { 1.0, 0.3, 0.1, 0.03, 0.0 };
  for (int k = 0; k < o->n_stages; k++)
    {
      o->horizon[k] = horizon[k];
      o->frac[k] = frac[k];
      o->force[k] = force[k];
      o->lbfgs[k] = true;
    }
  /* Two starts of 1800 iterations (180 forced, 3 x 120 pulled, 1260 free),
   * the one whose worst held-out sweep is best kept: which start generalises
   * depends on the seed (held-out worst sweep 2.7-9.9 mV over eight single
   * 1500-iteration starts). For seed 1, two long starts beat three of 1500
   * (held-out worst 3.2 against 4.7 mV), and choosing by the worst sweep
   * rather than the mean lowered three starts' worst from 4.7 to 3.7 mV.
   * 2 x 2250 took 548-654 s of processor time (seeds 1-4), too close to the
   * ten minutes; 2 x 1800 took 449 and 485 s for seeds 3 and 4 and kept
   * their held-out worst sweeps under 3.4 mV (data/cells/README.md). */
  o->iterations = 1800;
  o->restarts = 2;
  o->dvdt_weight = 0.01;  /* as published */
  o->val_worst = true;
}

void
nd_reduce_scales_add (nd_reduce_scales *s, const double *v_mV, const double *i_axial_pA, size_t n,
                      double soma_area_um2)
{
  for (size_t j = 0; j < n; j++)
    {
      double d = nd_pA_to_density (i_axial_pA[j], soma_area_um2);
      s->v_sum += v_mV[j];
      s->v_sq += v_mV[j] * v_mV[j];
      s->i_sq += d * d;
      s->count++;
    }
}

void
nd_reduce_scales_get (const nd_reduce_scales *s, double *v_mean, double *v_std, double *i_scale)
{
  double c = s->count > 0 ? s->count : 1.0;
  *v_mean = s->v_sum / c;
  *v_std = sqrt (fmax (s->v_sq / c - *v_mean * *v_mean, 1.0));
  *i_scale = fmax (sqrt (s->i_sq / c), 1.0);
}

nd_model *
nd_reduced_model_new (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV,
                      const nd_reduce_shape *shape, double v_mean, double v_std, double i_scale)
{
  if (!shape || shape->n_latent < 0 || shape->n_latent > ND_MAX_LATENTS || shape->width < 1
      || shape->depth < 1 || !(v_std > 0.0) || !(i_scale > 0.0))
    return NULL;
  nd_model *m = nd_soma_model_new (cable, membrane, v_init_mV);
  if (!m)
    return NULL;
  nd_mlp_shape net = {
    .n_in = 1 + shape->n_latent, .width = shape->width, .depth = shape->depth,
    .n_out = 1 + shape->n_latent, .act = ND_ACT_TANH, .layer_norm = true,
  };
  double z_mean[ND_MAX_LATENTS] = { 0 }, z_std[ND_MAX_LATENTS];
  for (int i = 0; i < ND_MAX_LATENTS; i++)
    z_std[i] = 1.0;
  int c = nd_model_add_free (m, "axial", shape->n_latent, &net, v_mean, v_std, z_mean, z_std, i_scale);
  if (c < 0 || !(shape->z_leak_ms >= 0.0))
    {
      nd_model_free (m);
      return NULL;
    }
  m->channels[c].z_leak_ms = shape->z_leak_ms;
  /* The full cell at rest sends no axial current: anchoring the learned one
   * there removed the 1-2 mV offset every sweep began and ended with. */
  if (!shape->free_at_rest)
    nd_model_anchor_free (m, c, v_init_mV);
  return m;
}

void
nd_reduced_run (nd_model *m, size_t n, double dt_ms, int n_sub, const double *i_pA,
                double *v_mV, double *i_learned_pA)
{
  int c_free = -1;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_FREE)
      c_free = c;
  double *dens = malloc (2 * n * sizeof *dens), *i_free = dens + n;
  for (size_t k = 0; k < n; k++)
    dens[k] = nd_pA_to_density (i_pA[k], m->area_um2);
  nd_drive d = { .n = n, .dt_sample = dt_ms, .n_sub = n_sub, .i_inj = dens };
  if (c_free < 0)
    nd_simulate (m, &d, v_mV, NULL);
  else
    nd_simulate_free (m, &d, c_free, v_mV, i_free);
  if (i_learned_pA)
    for (size_t k = 0; k < n; k++)
      i_learned_pA[k] = c_free >= 0 ? nd_density_to_pA (i_free[k], m->area_um2) : 0.0;
  free (dens);
}
