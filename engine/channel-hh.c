/* channel-hh.c: the Hodgkin-Huxley squid axon channels.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hodgkin & Huxley (1952) J Physiol 117:500-544, in the modern sign convention
 * and with the constants of NEURON's hh.mod (rest near -65 mV, rates given at
 * 6.3 C, q10 = 3): alpha_m = 0.1 vtrap(-(v+40), 10), beta_m = 4 exp(-(v+65)/18),
 * alpha_h = 0.07 exp(-(v+65)/20), beta_h = 1/(exp(-(v+35)/10) + 1),
 * alpha_n = 0.01 vtrap(-(v+55), 10), beta_n = 0.125 exp(-(v+65)/80).
 */
#include "channel-rates.h"

#include <math.h>
#include <stddef.h>

/* Marks a channel label for translation without GLib; the user interface passes it through gettext. */
#ifndef N_
#define N_(s) (s)
#endif

#define HH_CITATION "Hodgkin & Huxley 1952, J Physiol 117:500 (constants as NEURON hh.mod)"

/* pow() is the costliest call of a step: remember the last temperature (per
 * thread, so kinds stay shareable). */
static double
hh_phi (double celsius)
{
  static _Thread_local double last_c = 6.3, last_phi = 1.0;
  if (celsius != last_c)
    {
      last_phi = nd_q10_factor (3.0, celsius, 6.3);
      last_c = celsius;
    }
  return last_phi;
}

static void
hh_m (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double df;
  double a = 0.1 * nd_vtrap (-(v + 40.0), 10.0, &df);
  double da = -0.1 * df;
  double b = 4.0 * exp (-(v + 65.0) / 18.0);
  double db = -b / 18.0;
  nd_rates_from_alpha_beta (a, da, b, db, hh_phi (celsius), out);
}

static void
hh_h (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double a = 0.07 * exp (-(v + 65.0) / 20.0);
  double da = -a / 20.0;
  double e = exp (-(v + 35.0) / 10.0);
  double b = 1.0 / (e + 1.0);
  double db = b * b * e / 10.0;
  nd_rates_from_alpha_beta (a, da, b, db, hh_phi (celsius), out);
}

static void
hh_n (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double df;
  double a = 0.01 * nd_vtrap (-(v + 55.0), 10.0, &df);
  double da = -0.01 * df;
  double b = 0.125 * exp (-(v + 65.0) / 80.0);
  double db = -b / 80.0;
  nd_rates_from_alpha_beta (a, da, b, db, hh_phi (celsius), out);
}

const nd_channel_kind nd_channel_hh_na = {
  .type = "hh_na", .label = N_("HH sodium (Na)"), .ion = "na", .blocker = "TTX",
  .citation = HH_CITATION, .gbar_default = 120.0, .e_default = 50.0,
  .n_gates = 2, .gates = { { "m", 3, hh_m }, { "h", 1, hh_h, true } },
};

const nd_channel_kind nd_channel_hh_k = {
  .type = "hh_k", .label = N_("HH delayed rectifier (K)"), .ion = "k", .blocker = "TEA",
  .citation = HH_CITATION, .gbar_default = 36.0, .e_default = -77.0,
  .n_gates = 1, .gates = { { "n", 4, hh_n } },
};

const nd_channel_kind nd_channel_leak = {
  .type = "leak", .label = N_("Passive leak"), .ion = "leak", .blocker = NULL,
  .citation = HH_CITATION, .gbar_default = 0.3, .e_default = -54.3,
  .n_gates = 0,
};
