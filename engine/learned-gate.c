/* learned-gate.c: the published MLP gate head (see learned-gate.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cache layout per voltage: a, b (network outputs), then the MLP cache.
 */
#include "learned-gate.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "alloc.h"

void
nd_learned_gate_make (nd_learned_gate *g, int width, int depth, nd_activation act,
                      bool layer_norm)
{
  g->shape = (nd_mlp_shape) { .n_in = 1, .width = width, .depth = depth, .n_out = 2,
                              .act = act, .layer_norm = layer_norm };
  g->tau_bound = ND_TAU_BOUND_SMOOTH;
}

void
nd_learned_gate_default (nd_learned_gate *g)
{
  nd_learned_gate_make (g, 32, 2, ND_ACT_TANH, true);
}

size_t
nd_learned_gate_n_params (const nd_learned_gate *g)
{
  return nd_mlp_n_params (&g->shape);
}

size_t
nd_learned_gate_cache_size (const nd_learned_gate *g)
{
  return 2 + nd_mlp_cache_size (&g->shape);
}

void
nd_learned_gate_init (const nd_learned_gate *g, double *params, uint64_t seed, double scale)
{
  nd_mlp_init (&g->shape, params, seed, scale);
  if (!g->shape.layer_norm)
    return;
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  /* A stream apart from the weights' (same seed, different generator state). */
  gsl_rng_set (rng, (unsigned long) ((seed ^ (seed >> 32)) ^ 0x9e3779b97f4a7c15ull));
  double *b = params + (size_t) g->shape.width * (size_t) g->shape.n_in;
  for (int i = 0; i < g->shape.width; i++)
    b[i] = gsl_ran_flat (rng, -1.0, 1.0);
  gsl_rng_free (rng);
}

double
nd_learned_gate_scale_v (double v_mV)
{
  return (v_mV - ND_GATE_V_LO) * ND_GATE_DSCALE_DV - 1.0;
}

static inline double
sigmoid (double a)
{
  /* Both branches avoid overflow of exp() for large |a|. */
  if (a >= 0.0)
    return 1.0 / (1.0 + exp (-a));
  double e = exp (a);
  return e / (1.0 + e);
}

/* log tau = bound(b), and d bound / d b. */
static inline double
log_tau (nd_tau_bound kind, double b, double *slope)
{
  if (kind == ND_TAU_BOUND_HARD)
    {
      *slope = b < ND_GATE_LOG_TAU_MAX ? 1.0 : 0.0;
      return b < ND_GATE_LOG_TAU_MAX ? b : ND_GATE_LOG_TAU_MAX;
    }
  /* 85 - softplus(85 - b), with softplus(y) = max(y, 0) + log1p(exp(-|y|)). */
  double y = ND_GATE_LOG_TAU_MAX - b;
  double sp = (y > 0.0 ? y : 0.0) + log1p (exp (-fabs (y)));
  *slope = sigmoid (y);
  return ND_GATE_LOG_TAU_MAX - sp;
}

void
nd_learned_gate_values (const nd_learned_gate *g, const double *params, double v_mV,
                        double *x_inf, double *tau, double *cache)
{
  double in = nd_learned_gate_scale_v (v_mV);
  double ab[2];
  nd_mlp_forward (&g->shape, params, &in, ab, cache ? cache + 2 : NULL);
  if (cache)
    {
      cache[0] = ab[0];
      cache[1] = ab[1];
    }
  double slope;
  *x_inf = sigmoid (ab[0]);
  *tau = exp (log_tau (g->tau_bound, ab[1], &slope));
}

void
nd_learned_gate_eval (const nd_learned_gate *g, const double *params, double v_mV,
                      nd_gate_rates *out, double *cache)
{
  double local[2 + 4 * 256 + 8];
  double *c = cache;
  double *heap = NULL;
  if (!c)
    {
      size_t cs = nd_learned_gate_cache_size (g);
      c = cs <= sizeof local / sizeof local[0] ? local : (heap = nd_malloc (cs * sizeof *heap));
    }
  double in = nd_learned_gate_scale_v (v_mV);
  double din = ND_GATE_DSCALE_DV;
  double ab[2], dab[2];
  nd_mlp_forward_tangent (&g->shape, params, &in, &din, ab, dab, c + 2);
  c[0] = ab[0];
  c[1] = ab[1];
  double slope;
  double s = sigmoid (ab[0]);
  double tau = exp (log_tau (g->tau_bound, ab[1], &slope));
  out->x_inf = s;
  out->dx_inf = s * (1.0 - s) * dab[0];
  out->tau = tau;
  out->dtau = tau * slope * dab[1];
  free (heap);
}

void
nd_learned_gate_rates (const void *instance, double v_mV, double celsius, nd_gate_rates *out)
{
  const nd_learned_gate_instance *in = instance;
  nd_learned_gate_eval (&in->gate, in->params, v_mV, out, NULL);
}

void
nd_learned_gate_eval_batch (const nd_learned_gate *g, const double *params, size_t n,
                            const double *v_mV, nd_gate_rates *out, double *cache)
{
  size_t cs = nd_learned_gate_cache_size (g);
  for (size_t i = 0; i < n; i++)
    nd_learned_gate_eval (g, params, v_mV[i], out + i, cache ? cache + i * cs : NULL);
}

void
nd_learned_gate_head_derivs (const nd_learned_gate *g, const double *cache,
                             double *dxinf_da, double *dtau_db)
{
  double slope;
  double s = sigmoid (cache[0]);
  *dxinf_da = s * (1.0 - s);
  *dtau_db = exp (log_tau (g->tau_bound, cache[1], &slope)) * slope;
}

void
nd_learned_gate_backward (const nd_learned_gate *g, const double *params,
                          const double *cache, double dl_dxinf, double dl_dtau,
                          double *dparams)
{
  double da, db;
  nd_learned_gate_head_derivs (g, cache, &da, &db);
  double dout[2] = { dl_dxinf * da, dl_dtau * db };
  nd_mlp_backward (&g->shape, params, cache + 2, dout, dparams, NULL);
}

void
nd_learned_gate_backward_batch (const nd_learned_gate *g, const double *params, size_t n,
                                const double *cache, const double *dl_dxinf,
                                const double *dl_dtau, double *dparams)
{
  size_t cs = nd_learned_gate_cache_size (g);
  for (size_t i = 0; i < n; i++)
    nd_learned_gate_backward (g, params, cache + i * cs, dl_dxinf[i], dl_dtau[i], dparams);
}
