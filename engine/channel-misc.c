/* channel-misc.c: the A-type potassium and the hyperpolarisation-activated (HCN) channels.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A-type (Connor & Stevens 1971, as given in Dayan & Abbott, Theoretical
 * Neuroscience, ch. 6.2, eq. 6.4-6.5; rates at their temperature, no q10):
 *   I = g a^3 b (V - E), gbar 47.7 mS/cm2, E -75 mV,
 *   a_inf = (0.0761 exp((V+94.22)/31.84) / (1 + exp((V+1.17)/28.93)))^(1/3),
 *   tau_a = 0.3632 + 1.158/(1 + exp((V+55.96)/20.12)),
 *   b_inf = (1 + exp((V+53.3)/14.54))^-4,
 *   tau_b = 1.24 + 2.678/(1 + exp((V+50)/16.027)).
 * Ih (HCN; Kole, Hallermann & Stuart 2006 J Neurosci 26:1677, as implemented
 * in Hay et al. 2011 PLoS Comput Biol, ModelDB 139653 Ih.mod):
 *   I = g m (V - E), E -45 mV,
 *   alpha = 0.001 * 6.43 (V+154.9)/(exp((V+154.9)/11.9) - 1),
 *   beta = 0.001 * 193 exp(V/33.1).
 */
#include "channel-rates.h"

#include <math.h>

/* Marks a channel label for translation without GLib; the user interface passes it through gettext. */
#ifndef N_
#define N_(s) (s)
#endif

static void
a_a (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double e1 = exp ((v + 94.22) / 31.84), e2 = exp ((v + 1.17) / 28.93);
  double g = 0.0761 * e1 / (1.0 + e2);
  double dg = g * (1.0 / 31.84 - e2 / (1.0 + e2) / 28.93);
  out->x_inf = cbrt (g);
  out->dx_inf = dg / (3.0 * out->x_inf * out->x_inf);
  double e3 = exp ((v + 55.96) / 20.12);
  out->tau = 0.3632 + 1.158 / (1.0 + e3);
  out->dtau = -1.158 * e3 / 20.12 / ((1.0 + e3) * (1.0 + e3));
}

static void
a_b (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double d;
  double f = nd_boltzmann (v, -53.3, 14.54, &d);
  out->x_inf = f * f * f * f;
  out->dx_inf = 4.0 * f * f * f * d;
  double e = exp ((v + 50.0) / 16.027);
  out->tau = 1.24 + 2.678 / (1.0 + e);
  out->dtau = -2.678 * e / 16.027 / ((1.0 + e) * (1.0 + e));
}

static void
ih_m (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double df;
  double a = 0.00643 * nd_vtrap (v + 154.9, 11.9, &df);
  double da = 0.00643 * df;
  double b = 0.193 * exp (v / 33.1);
  double db = b / 33.1;
  nd_rates_from_alpha_beta (a, da, b, db, 1.0, out);
}

const nd_channel_kind nd_channel_a_type = {
  .type = "a_type", .label = N_("A-type potassium (KA)"), .ion = "k", .blocker = "4-AP",
  .citation = "Connor & Stevens 1971; Dayan & Abbott 2001, ch. 6.2",
  .gbar_default = 47.7, .e_default = -75.0,
  .n_gates = 2, .gates = { { "a", 3, a_a }, { "b", 1, a_b, true } },
};

const nd_channel_kind nd_channel_ih = {
  .type = "ih", .label = N_("HCN (Ih)"), .ion = "h", .blocker = "ZD7288",
  .citation = "Kole, Hallermann & Stuart 2006, J Neurosci 26:1677 (as Hay et al. 2011)",
  .gbar_default = 0.1, .e_default = -45.0,
  .n_gates = 1, .gates = { { "m", 1, ih_m } },
};
