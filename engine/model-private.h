/* model-private.h: what the integrator and its adjoint share with model.c.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>

#include "model.h"

/* A learned gate evaluated at one V through its table. */
typedef struct {
  int i;              /* first of the four nodes */
  double w[4], dw[4]; /* interpolation weights and their V-derivatives */
  double sig;         /* x_inf (1 - x_inf) = d x_inf / d a */
  nd_gate_rates r;
} nd_table_point;

void nd_table_lookup (nd_model *m, int c, int g, double v, nd_table_point *p);
/* Accumulates dL/dx_inf and dL/dtau at p into the table's node adjoints. */
void nd_table_scatter (nd_model *m, int c, int g, const nd_table_point *p, double d_xinf, double d_tau);
/* Pushes the node adjoints through the networks into grad (+=; NULL: just
 * clears them). */
void nd_table_backward (nd_model *m, double *grad);

double nd_ipow (double x, int p);

/* Exponent of gate g of a conductance channel. */
static inline double
nd_gate_power (const nd_model *m, const nd_channel *ch, int g)
{
  return ch->slot == ND_CHANNEL_LEARNED ? m->params[m->blocks[ch->learned[g].block_power].offset]
                                        : (double) ch->power[g];
}

/* x^p, by multiplication for whole p (the usual case). */
static inline double
nd_gate_pow (double x, double p)
{
  int ip = (int) p;
  return p == (double) ip ? nd_ipow (x, ip) : pow (x, p);
}
/* Free learned current (uA/cm2) of channel c and dz/dt of its latents; the
 * network cache (for a backward pass) is written when cache is not NULL. */
double nd_free_current (nd_model *m, int c, double v, const double *z, double *dz, double *cache);
/* The network input at a free current's rest anchor (1 + n_latent values). */
void nd_free_anchor_input (const nd_channel *ch, double *in);

/* log tau = bound(b) of learned-gate.h, with d bound / d b in *slope. */
double nd_log_tau_bound (nd_tau_bound kind, double b, double *slope);
