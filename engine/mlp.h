/* mlp.h: a small multilayer perceptron over one flat parameter buffer.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * llm.c style: forward and backward take the same arguments, parameters live in
 * one contiguous array (layer by layer: W (out x in, row-major), b, then the
 * LayerNorm gain and bias when enabled), so optimisers are one loop over one
 * array. No allocation inside forward/backward: the caller provides the cache.
 *
 * Layers: input -> [Linear -> (LayerNorm) -> activation] x depth -> Linear -> output.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum {
  ND_ACT_TANH,
  ND_ACT_RELU,
  ND_ACT_SILU,
} nd_activation;

typedef struct {
  int n_in;           /* inputs (1 for a learned gate: scaled V) */
  int width;          /* hidden units per layer */
  int depth;          /* hidden layers (>= 1) */
  int n_out;          /* outputs (2 for a learned gate: a, b) */
  nd_activation act;
  bool layer_norm;    /* LayerNorm after each hidden Linear, as published */
} nd_mlp_shape;

size_t nd_mlp_n_params (const nd_mlp_shape *s);
/* Doubles of cache one sample needs between forward and backward. */
size_t nd_mlp_cache_size (const nd_mlp_shape *s);

/* Small normal initialisation (weights ~ N(0, scale^2 / fan_in), biases 0,
 * LayerNorm gain 1, bias 0), deterministic for a seed. */
void nd_mlp_init (const nd_mlp_shape *s, double *params, uint64_t seed, double scale);

/* One sample. `cache` may be NULL when no backward pass follows. */
void nd_mlp_forward (const nd_mlp_shape *s, const double *params,
                     const double *in, double *out, double *cache);
/* Accumulates d loss/d params into dparams (+=); writes d loss/d in into din
 * when din is not NULL. `cache` is what nd_mlp_forward filled for this sample. */
void nd_mlp_backward (const nd_mlp_shape *s, const double *params,
                      const double *cache, const double *dout,
                      double *dparams, double *din);

/* Forward pass plus its directional derivative: dout = (d out / d in) . din
 * (forward-mode, one pass; a learned gate uses it for dx_inf/dV and dtau/dV).
 * `cache` is required and is filled as by nd_mlp_forward. */
void nd_mlp_forward_tangent (const nd_mlp_shape *s, const double *params,
                             const double *in, const double *din,
                             double *out, double *dout, double *cache);

/* n samples, inputs and outputs contiguous per sample; cache holds
 * n * nd_mlp_cache_size() doubles (or NULL). */
void nd_mlp_forward_batch (const nd_mlp_shape *s, const double *params, size_t n,
                           const double *in, double *out, double *cache);
void nd_mlp_backward_batch (const nd_mlp_shape *s, const double *params, size_t n,
                            const double *cache, const double *dout,
                            double *dparams, double *din);
