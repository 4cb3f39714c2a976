/* channel-rates.h: helpers shared by the channel families.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most published gates are given as opening/closing rates alpha(V), beta(V);
 * these helpers turn them (and their V-derivatives) into x_inf, tau and
 * their V-derivatives, and evaluate the removable singularity x/(exp(x/y)-1)
 * that appears in many alpha functions.
 */
#pragma once

#include "channel.h"

/* x_inf = a/(a+b), tau = 1/(phi (a+b)) with temperature factor phi. */
void nd_rates_from_alpha_beta (double a, double da, double b, double db, double phi,
                               nd_gate_rates *out);

/* f(x) = x / (exp(x/y) - 1) and df/dx, continuous through x = 0 (NEURON's vtrap). */
double nd_vtrap (double x, double y, double *dfdx);

/* Logistic 1/(1+exp((v - vh)/k)) and its V-derivative. */
double nd_boltzmann (double v, double vh, double k, double *dfdv);

/* q10^((celsius - t_ref)/10). */
double nd_q10_factor (double q10, double celsius, double t_ref);

/* The families' kinds, used by the library table. */
extern const nd_channel_kind nd_channel_hh_na, nd_channel_hh_k, nd_channel_leak;
extern const nd_channel_kind nd_channel_pospischil_na, nd_channel_pospischil_kd,
  nd_channel_pospischil_m, nd_channel_pospischil_cal, nd_channel_pospischil_cat;
extern const nd_channel_kind nd_channel_a_type, nd_channel_ih;
