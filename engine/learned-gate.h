/* learned-gate.h: a gate whose x_inf(V) and tau(V) come from an MLP of V.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The published head: the input is V scaled from [-80, 60] mV to [-1, 1]; the
 * network returns (a, b); x_inf = sigmoid(a) and tau = exp(bound(b)) ms.
 *
 * bound(b) keeps exp() finite. The published bound is the hard min(b, 85),
 * whose gradient is exactly zero once b > 85, so an optimiser step that lands
 * there can never come back, and whose kink breaks the smoothness that
 * Levenberg-Marquardt and BFGS assume. The default here is the smooth bound
 * 85 - softplus(85 - b): it equals b to within exp(b - 85) (below 1e-30 for
 * any tau under 1e20 ms, so published networks give the same tau), is strictly
 * increasing, and its slope sigmoid(85 - b) never vanishes.
 *
 * Rates come with their V-derivatives (nd_gate_rates of channel.h), computed
 * by one forward-mode pass. The backward pass takes dL/dx_inf and dL/dtau.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "mlp.h"

#define ND_GATE_V_LO -80.0      /* mV, maps to -1 */
#define ND_GATE_V_HI 60.0       /* mV, maps to +1 */
#define ND_GATE_LOG_TAU_MAX 85.0

typedef enum {
  ND_TAU_BOUND_SMOOTH,   /* 85 - softplus(85 - b) (default) */
  ND_TAU_BOUND_HARD,     /* min(b, 85), as published */
} nd_tau_bound;

typedef struct {
  nd_mlp_shape shape;    /* n_in must be 1 and n_out 2 */
  nd_tau_bound tau_bound;
} nd_learned_gate;

/* The published gate: 1-32-32-2, tanh, LayerNorm, smooth tau bound. */
void nd_learned_gate_default (nd_learned_gate *g);
/* A gate of the given hidden size with the published head. */
void nd_learned_gate_make (nd_learned_gate *g, int width, int depth, nd_activation act,
                           bool layer_norm);

size_t nd_learned_gate_n_params (const nd_learned_gate *g);
/* Doubles of cache per voltage between eval and backward. */
size_t nd_learned_gate_cache_size (const nd_learned_gate *g);

/* Deterministic small normal initialisation (see nd_mlp_init). With
 * LayerNorm, the first hidden layer's biases are also drawn, uniform in
 * [-1, 1] (PyTorch's and Equinox's default for one input): with zero biases
 * its pre-activations are w_i * x, LayerNorm divides out |x|, and the whole
 * network starts as a step function of V at -10 mV (x = 0), with dx_inf/dV
 * ~ 100 per mV there (measured on the published 1-32-32-2). */
void nd_learned_gate_init (const nd_learned_gate *g, double *params, uint64_t seed, double scale);

/* Scaled network input for V (mV), and d input / dV. */
double nd_learned_gate_scale_v (double v_mV);
#define ND_GATE_DSCALE_DV (2.0 / (ND_GATE_V_HI - ND_GATE_V_LO))

/* x_inf, tau and their V-derivatives at one V. `cache` (cache_size doubles)
 * is needed for a later backward pass and may be NULL otherwise. */
void nd_learned_gate_eval (const nd_learned_gate *g, const double *params, double v_mV,
                           nd_gate_rates *out, double *cache);
/* The same for n voltages; cache holds n * cache_size doubles or is NULL. */
void nd_learned_gate_eval_batch (const nd_learned_gate *g, const double *params, size_t n,
                                 const double *v_mV, nd_gate_rates *out, double *cache);

/* Only x_inf and tau (no derivatives; cheaper): for fitting. */
void nd_learned_gate_values (const nd_learned_gate *g, const double *params, double v_mV,
                             double *x_inf, double *tau, double *cache);

/* Accumulates (+=) into dparams the gradient of a loss L given dL/dx_inf and
 * dL/dtau at the V that filled `cache`. */
void nd_learned_gate_backward (const nd_learned_gate *g, const double *params,
                               const double *cache, double dl_dxinf, double dl_dtau,
                               double *dparams);
void nd_learned_gate_backward_batch (const nd_learned_gate *g, const double *params, size_t n,
                                     const double *cache, const double *dl_dxinf,
                                     const double *dl_dtau, double *dparams);

/* A fitted gate as channel.h wants it: pass a pointer to this struct as the
 * kind's `data` and nd_learned_gate_rates as the gate's rates function (the
 * temperature is ignored: the network was fitted at one temperature). */
typedef struct {
  nd_learned_gate gate;
  const double *params;
} nd_learned_gate_instance;

void nd_learned_gate_rates (const void *instance, double v_mV, double celsius, nd_gate_rates *out);

/* d x_inf / d a and d tau / d b at the V that filled `cache`: the chain-rule
 * factors between the network outputs and the rates (for Jacobians). */
void nd_learned_gate_head_derivs (const nd_learned_gate *g, const double *cache,
                                  double *dxinf_da, double *dtau_db);
