/* curve-fit.h: fitting a learned gate to tabulated x_inf(V) and tau(V).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The published loss: L = mean_i (x_inf_i - x̂_inf_i)^2 + mean_j ((tau_j - τ̂_j) / s)^2,
 * s = max(std over V of tau, 1) (population std of the usable tau points).
 * Missing points are NAN and are skipped; a curve without usable tau fits
 * x_inf alone and says so (n_tau == 0, mse_tau NAN).
 *
 * Optimisers (chosen by measurement, see docs/icg/README.md): Levenberg-Marquardt
 * (GSL multifit_nlinear with the analytic Jacobian) is the default; GSL's
 * vector BFGS2 and Adam are there for comparison. A fit that misses the target
 * restarts from another seed and then moves up the ladder of network sizes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "learned-gate.h"

typedef struct {
  int n;                 /* points */
  const double *v;       /* mV */
  const double *x_inf;   /* NAN where missing */
  const double *tau;     /* ms, NAN where missing */
} nd_curve_pair;

typedef enum {
  ND_FIT_LM,
  ND_FIT_BFGS,
  ND_FIT_ADAM,
} nd_fit_method;

#define ND_FIT_MAX_LADDER 4

typedef struct {
  /* Network sizes tried in order until one reaches the target. */
  int n_ladder;
  nd_learned_gate ladder[ND_FIT_MAX_LADDER];
  nd_fit_method method;
  int attempts;          /* seeds per network size */
  int max_iter;          /* iterations per attempt (Adam: steps) */
  double target;         /* accept when mse_inf and mse_tau are both below this */
  double stop;           /* an attempt stops early when both are below this */
  uint64_t seed;
  double init_scale;
  double adam_lr;
} nd_curve_fit_options;

typedef struct {
  double mse_inf;        /* NAN when there is no usable x_inf point */
  double mse_tau;        /* scaled as in the loss; NAN without usable tau */
  int n_inf, n_tau;
  double tau_scale;      /* s in the loss */
  int rung;              /* index in the ladder of the returned network */
  int attempts;          /* attempts made in total */
  int iterations;        /* iterations in total */
  bool reached_target;
} nd_curve_fit_result;

/* Default: LM, ladder of 1-W-W-2 tanh networks without LayerNorm, W = 4, 6,
 * 8, 12 (1-4-4-2 has 38 parameters and fits 99% of the ICG gates; measured in
 * docs/icg/README.md), 3 seeds per size, target 1e-5 (ten times under the
 * benchmark's 1e-4), an attempt stops at 1e-6. */
void nd_curve_fit_options_default (nd_curve_fit_options *o);

/* Largest parameter count of the ladder: the size `params` must have. */
size_t nd_curve_fit_max_params (const nd_curve_fit_options *o);

/* Fits; writes the best network's parameters to `params` (the network is
 * o->ladder[r->rung]). Returns 0, or -1 if the curve has no usable point. */
int nd_curve_fit (const nd_curve_fit_options *o, const nd_curve_pair *c,
                  double *params, nd_curve_fit_result *r);

/* The loss terms of given parameters on a curve (what nd_curve_fit reports). */
void nd_curve_fit_eval (const nd_learned_gate *g, const double *params, const nd_curve_pair *c,
                        double *mse_inf, double *mse_tau);

/* The least-squares form of the loss, as the LM solver sees it: residual rows
 * (x_inf rows (x̂ - x)/sqrt(n_inf), tau rows (τ̂ - τ)/(s sqrt(n_tau)), in point
 * order, then `n_params` ridge rows when there are fewer data rows than
 * parameters). nd_curve_fit_n_residuals gives the row count; r has that
 * many entries, jac that many rows of n_params (row-major). The loss
 * functions return |r|^2 and its gradient 2 J^T r. For tests and for callers
 * that bring their own optimiser. */
size_t nd_curve_fit_n_residuals (const nd_learned_gate *g, const nd_curve_pair *c);
void nd_curve_fit_residuals (const nd_learned_gate *g, const double *params, const nd_curve_pair *c,
                             double *r);
void nd_curve_fit_jacobian (const nd_learned_gate *g, const double *params, const nd_curve_pair *c,
                            double *jac);
double nd_curve_fit_loss_grad (const nd_learned_gate *g, const double *params, const nd_curve_pair *c,
                               double *grad);

/* s = max(population std of the usable tau, 1); 1 when there is none. */
double nd_curve_tau_scale (const nd_curve_pair *c);
