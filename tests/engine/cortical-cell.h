/* cortical-cell.h: the cortical template sized as a 20,000 um2 cell (250 MOhm, rest -70 mV) with a given
 * sodium conductance, as the search and lanes tests fit it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fit.h"
#include "integrator.h"
#include "templates.h"
#include "units.h"

static inline nd_model *
cortical_cell (double g_na)
{
  nd_template_cell c;
  nd_template_cell_unknown (&c);
  c.area_um2 = 20000.0;
  c.v_rest_mV = -70.0;
  c.r_in_MOhm = 250.0;
  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, &c, true);
  m->params[m->blocks[m->channels[0].block_gbar].offset] = g_na;
  nd_model_params_changed (m);
  return m;
}

/* Sweep k of n: n_samples at dt ms, a step of amp_pA[k] from 50 ms to step_end_ms, recorded from truth.
 * iin and obs hold n * n_samples doubles each. */
static inline void
cortical_steps (nd_model *truth, const double *amp_pA, int n, size_t n_samples, double dt, double step_end_ms,
                double *iin, double *obs, nd_fit_sweep *sw)
{
  for (int k = 0; k < n; k++)
    {
      double *in = iin + (size_t) k * n_samples, *v = obs + (size_t) k * n_samples;
      for (size_t j = 0; j < n_samples; j++)
        in[j] = j * dt >= 50.0 && j * dt < step_end_ms ? nd_pA_to_density (amp_pA[k], truth->area_um2) : 0.0;
      sw[k] = (nd_fit_sweep) { .drive = { .n = n_samples, .dt_sample = dt, .n_sub = 2, .i_inj = in }, .v_obs = v };
      nd_simulate (truth, &sw[k].drive, v, NULL);
    }
}

/* A short real-cell fit: a search of 36 simulations, 8 steps per start, checks every 4, every progress
 * report (the time-left and alternative-start tests). */
static inline void
cortical_short_fit (nd_fit_options *o)
{
  nd_fit_options_default (o);
  o->seed = 3;
  o->iterations = 8;
  o->validate_every = 4;
  o->search_evals = 36;
  o->progress_interval_s = 0.0;
}
