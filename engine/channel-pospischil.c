/* channel-pospischil.c: the cortical channel set of Pospischil et al. (2008).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pospischil M, Toledo-Rodriguez M, Monier C, Piwkowska Z, Bal T, Fregnac Y,
 * Markram H, Destexhe A (2008) "Minimal Hodgkin-Huxley type models for
 * different classes of cortical and thalamic neurons", Biol Cybern 99:427-441.
 * Rates in 1/ms at the paper's temperature (36 C; the paper gives no q10, so
 * none is applied). V_T = -60 mV and tau_max = 4000 ms as in Jaxley's
 * implementation used for the published morphology reduction; V_x = 2 mV.
 *   Na:  m^3 h, alpha_m = -0.32 (V-VT-13)/(exp(-(V-VT-13)/4) - 1),
 *        beta_m = 0.28 (V-VT-40)/(exp((V-VT-40)/5) - 1),
 *        alpha_h = 0.128 exp(-(V-VT-17)/18), beta_h = 4/(1 + exp(-(V-VT-40)/5))
 *   Kd:  n^4, alpha_n = -0.032 (V-VT-15)/(exp(-(V-VT-15)/5) - 1),
 *        beta_n = 0.5 exp(-(V-VT-10)/40)
 *   M:   p, p_inf = 1/(1 + exp(-(V+35)/10)),
 *        tau_p = tau_max/(3.3 exp((V+35)/20) + exp(-(V+35)/20))
 *   CaL: q^2 r, alpha_q = 0.055 (-27-V)/(exp((-27-V)/3.8) - 1),
 *        beta_q = 0.94 exp((-75-V)/17), alpha_r = 0.000457 exp((-13-V)/50),
 *        beta_r = 0.0065/(exp((-15-V)/28) + 1)
 *   CaT: s_inf^2 u (s instantaneous), s_inf = 1/(1 + exp(-(V+Vx+57)/6.2)),
 *        u_inf = 1/(1 + exp((V+Vx+81)/4)),
 *        tau_u = (30.8 + (211.4 + exp((V+Vx+113.2)/5))/(1 + exp((V+Vx+84)/3.2)))/3.7
 */
#include "channel-rates.h"

#include <math.h>

/* Marks a channel label for translation without GLib; the user interface passes it through gettext. */
#ifndef N_
#define N_(s) (s)
#endif

#define POSPISCHIL_CITATION "Pospischil et al. 2008, Biol Cybern 99:427"
#define VT (-60.0)
#define VX 2.0
#define TAU_MAX 4000.0

static void
na_m (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double df, db_df;
  /* -0.32 (x)/(exp(-x/4) - 1) = 0.32 vtrap(-x, 4) with x = V-VT-13. */
  double a = 0.32 * nd_vtrap (-(v - VT - 13.0), 4.0, &df);
  double da = -0.32 * df;
  double b = 0.28 * nd_vtrap (v - VT - 40.0, 5.0, &db_df);
  double db = 0.28 * db_df;
  nd_rates_from_alpha_beta (a, da, b, db, 1.0, out);
}

static void
na_h (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double a = 0.128 * exp (-(v - VT - 17.0) / 18.0);
  double da = -a / 18.0;
  double e = exp (-(v - VT - 40.0) / 5.0);
  double b = 4.0 / (1.0 + e);
  double db = b * e / (1.0 + e) / 5.0;
  nd_rates_from_alpha_beta (a, da, b, db, 1.0, out);
}

static void
kd_n (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double df;
  double a = 0.032 * nd_vtrap (-(v - VT - 15.0), 5.0, &df);
  double da = -0.032 * df;
  double b = 0.5 * exp (-(v - VT - 10.0) / 40.0);
  double db = -b / 40.0;
  nd_rates_from_alpha_beta (a, da, b, db, 1.0, out);
}

static void
m_p (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double d;
  out->x_inf = nd_boltzmann (v, -35.0, -10.0, &d);
  out->dx_inf = d;
  double e1 = 3.3 * exp ((v + 35.0) / 20.0), e2 = exp (-(v + 35.0) / 20.0);
  double s = e1 + e2;
  out->tau = TAU_MAX / s;
  out->dtau = -TAU_MAX * (e1 - e2) / 20.0 / (s * s);
}

static void
cal_q (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double df;
  double a = 0.055 * nd_vtrap (-27.0 - v, 3.8, &df);
  double da = -0.055 * df;
  double b = 0.94 * exp ((-75.0 - v) / 17.0);
  double db = -b / 17.0;
  nd_rates_from_alpha_beta (a, da, b, db, 1.0, out);
}

static void
cal_r (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double a = 0.000457 * exp ((-13.0 - v) / 50.0);
  double da = -a / 50.0;
  double e = exp ((-15.0 - v) / 28.0);
  double b = 0.0065 / (e + 1.0);
  double db = 0.0065 * e / 28.0 / ((e + 1.0) * (e + 1.0));
  nd_rates_from_alpha_beta (a, da, b, db, 1.0, out);
}

static void
cat_s (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double d;
  out->x_inf = nd_boltzmann (v, -VX - 57.0, -6.2, &d);
  out->dx_inf = d;
  out->tau = 0.0;
  out->dtau = 0.0;
}

static void
cat_u (const void *data, double v, double celsius, nd_gate_rates *out)
{
  double d;
  out->x_inf = nd_boltzmann (v, -VX - 81.0, 4.0, &d);
  out->dx_inf = d;
  double e1 = exp ((v + VX + 113.2) / 5.0), e2 = exp ((v + VX + 84.0) / 3.2);
  double num = 211.4 + e1, den = 1.0 + e2;
  out->tau = (30.8 + num / den) / 3.7;
  out->dtau = ((e1 / 5.0) * den - num * (e2 / 3.2)) / (den * den) / 3.7;
}

const nd_channel_kind nd_channel_pospischil_na = {
  .type = "pospischil_na", .label = N_("Cortical sodium (Na)"), .ion = "na", .blocker = "TTX",
  .citation = POSPISCHIL_CITATION, .gbar_default = 50.0, .e_default = 50.0,
  .n_gates = 2, .gates = { { "m", 3, na_m }, { "h", 1, na_h, true } },
};

const nd_channel_kind nd_channel_pospischil_kd = {
  .type = "pospischil_kd", .label = N_("Cortical delayed rectifier (Kd)"), .ion = "k",
  .blocker = "TEA", .citation = POSPISCHIL_CITATION, .gbar_default = 5.0, .e_default = -90.0,
  .n_gates = 1, .gates = { { "n", 4, kd_n } },
};

const nd_channel_kind nd_channel_pospischil_m = {
  .type = "pospischil_m", .label = N_("Slow M-type potassium (Km)"), .ion = "k",
  .blocker = "XE991", .citation = POSPISCHIL_CITATION, .gbar_default = 0.004, .e_default = -90.0,
  .n_gates = 1, .gates = { { "p", 1, m_p } },
};

const nd_channel_kind nd_channel_pospischil_cal = {
  .type = "pospischil_cal", .label = N_("L-type calcium (CaL)"), .ion = "ca",
  .blocker = "nifedipine", .citation = POSPISCHIL_CITATION, .gbar_default = 0.1,
  .e_default = 120.0,
  .n_gates = 2, .gates = { { "q", 2, cal_q }, { "r", 1, cal_r, true } },
};

const nd_channel_kind nd_channel_pospischil_cat = {
  .type = "pospischil_cat", .label = N_("T-type calcium (CaT)"), .ion = "ca",
  .blocker = "Ni2+", .citation = POSPISCHIL_CITATION, .gbar_default = 0.04, .e_default = 120.0,
  .n_gates = 2, .gates = { { "s", 2, cat_s }, { "u", 1, cat_u, true } },
};
