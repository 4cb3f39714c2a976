/* k-experiment.h: the published K-channel recovery experiment (method.md, experiment 2).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Classic HH with gK 36 / EK -75, gL 0.3 / EL -70, V0 -70 mV, area 2 pi 1 um
 * 10 um; one 50 ms trace sampled at 0.1 ms with a step from 5 to 45 ms. The
 * hybrid model deletes K and learns its n gate (p = 4, gbar and E fixed).
 */
#pragma once

#include <math.h>
#include <stdlib.h>

#include "channel.h"
#include "integrator.h"
#include "learned-gate.h"
#include "model.h"
#include "units.h"

#define K_AREA (2.0 * M_PI * 1.0 * 10.0)
#define K_N 501
#define K_DT 0.1
#define K_SUB 4   /* dt 0.025 ms */

/* theta: gNa, ENa, gL, EL (misspecification perturbs them); NULL = published. */
static inline nd_model *
k_truth (const double *theta)
{
  double t[4] = { 120.0, 50.0, 0.3, -70.0 };
  if (theta)
    for (int i = 0; i < 4; i++)
      t[i] = theta[i];
  nd_model *m = nd_model_new (1.0, K_AREA, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), t[0], t[1]);
  nd_model_add_known (m, nd_channel_lookup ("hh_k"), 36.0, -75.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), t[2], t[3]);
  return m;
}

static inline nd_model *
k_hybrid (const double *theta, int width, int depth)
{
  double t[4] = { 120.0, 50.0, 0.3, -70.0 };
  if (theta)
    for (int i = 0; i < 4; i++)
      t[i] = theta[i];
  nd_model *m = nd_model_new (1.0, K_AREA, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), t[0], t[1]);
  nd_model_add_known (m, nd_channel_lookup ("leak"), t[2], t[3]);
  nd_learned_gate net;
  nd_learned_gate_make (&net, width, depth, ND_ACT_TANH, true);
  const char *names[] = { "n" };
  const int powers[] = { 4 };
  nd_model_add_learned (m, "K", 36.0, -75.0, 1, names, powers, &net);
  return m;
}

/* Injected current density of a step of amp_pA from 5 to 45 ms. */
static inline void
k_step (double amp_pA, double *i_inj)
{
  for (int j = 0; j < K_N; j++)
    i_inj[j] = (j * K_DT >= 5.0 - 1e-9 && j * K_DT < 45.0 - 1e-9) ? nd_pA_to_density (amp_pA, K_AREA) : 0.0;
}

static inline void
k_trace (nd_model *m, const double *i_inj, double *v)
{
  nd_drive d = { .n = K_N, .dt_sample = K_DT, .n_sub = K_SUB, .i_inj = i_inj };
  nd_simulate (m, &d, v, NULL);
}

static inline double
k_rmse (const double *a, const double *b, int n)
{
  double s = 0.0;
  for (int j = 0; j < n; j++)
    s += (a[j] - b[j]) * (a[j] - b[j]);
  return sqrt (s / n);
}
