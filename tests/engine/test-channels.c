/* test-channels.c: the channel library against the papers' equations.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reference functions below are typed in again from the publications
 * (raw alpha/beta forms, no shared helpers), so a slip in the library's
 * algebra or in its vtrap/derivative code shows up here. Derivatives are
 * checked against central differences.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "channel.h"
#include "nd-check.h"

typedef struct { double x_inf, tau; } ref;

static ref
ab (double a, double b, double phi)
{
  return (ref) { a / (a + b), 1.0 / (phi * (a + b)) };
}

/* NEURON hh.mod, q10 3 from 6.3 C. */
static ref
ref_hh (const char *g, double v, double c)
{
  double phi = pow (3.0, (c - 6.3) / 10.0);
  if (!strcmp (g, "m"))
    return ab (0.1 * (v + 40.0) / (1.0 - exp (-(v + 40.0) / 10.0)), 4.0 * exp (-(v + 65.0) / 18.0), phi);
  if (!strcmp (g, "h"))
    return ab (0.07 * exp (-(v + 65.0) / 20.0), 1.0 / (exp (-(v + 35.0) / 10.0) + 1.0), phi);
  return ab (0.01 * (v + 55.0) / (1.0 - exp (-(v + 55.0) / 10.0)), 0.125 * exp (-(v + 65.0) / 80.0), phi);
}

/* Pospischil et al. 2008, VT = -60 mV, Vx = 2 mV, tau_max = 4000 ms. */
static ref
ref_posp (const char *type, const char *g, double v)
{
  const double vt = -60.0, vx = 2.0;
  if (!strcmp (type, "pospischil_na") && !strcmp (g, "m"))
    return ab (-0.32 * (v - vt - 13.0) / (exp (-(v - vt - 13.0) / 4.0) - 1.0),
               0.28 * (v - vt - 40.0) / (exp ((v - vt - 40.0) / 5.0) - 1.0), 1.0);
  if (!strcmp (type, "pospischil_na"))
    return ab (0.128 * exp (-(v - vt - 17.0) / 18.0), 4.0 / (1.0 + exp (-(v - vt - 40.0) / 5.0)), 1.0);
  if (!strcmp (type, "pospischil_kd"))
    return ab (-0.032 * (v - vt - 15.0) / (exp (-(v - vt - 15.0) / 5.0) - 1.0),
               0.5 * exp (-(v - vt - 10.0) / 40.0), 1.0);
  if (!strcmp (type, "pospischil_m"))
    return (ref) { 1.0 / (1.0 + exp (-(v + 35.0) / 10.0)),
                   4000.0 / (3.3 * exp ((v + 35.0) / 20.0) + exp (-(v + 35.0) / 20.0)) };
  if (!strcmp (type, "pospischil_cal") && !strcmp (g, "q"))
    return ab (0.055 * (-27.0 - v) / (exp ((-27.0 - v) / 3.8) - 1.0), 0.94 * exp ((-75.0 - v) / 17.0), 1.0);
  if (!strcmp (type, "pospischil_cal"))
    return ab (0.000457 * exp ((-13.0 - v) / 50.0), 0.0065 / (exp ((-15.0 - v) / 28.0) + 1.0), 1.0);
  if (!strcmp (g, "s"))
    return (ref) { 1.0 / (1.0 + exp (-(v + vx + 57.0) / 6.2)), 0.0 };
  return (ref) { 1.0 / (1.0 + exp ((v + vx + 81.0) / 4.0)),
                 (30.8 + (211.4 + exp ((v + vx + 113.2) / 5.0)) / (1.0 + exp ((v + vx + 84.0) / 3.2))) / 3.7 };
}

/* Dayan & Abbott eq. 6.4-6.5 (Connor-Stevens A current). */
static ref
ref_a (const char *g, double v)
{
  if (!strcmp (g, "a"))
    return (ref) { pow (0.0761 * exp ((v + 94.22) / 31.84) / (1.0 + exp ((v + 1.17) / 28.93)), 1.0 / 3.0),
                   0.3632 + 1.158 / (1.0 + exp ((v + 55.96) / 20.12)) };
  return (ref) { pow (1.0 + exp ((v + 53.3) / 14.54), -4.0),
                 1.24 + 2.678 / (1.0 + exp ((v + 50.0) / 16.027)) };
}

/* Kole et al. 2006 / Hay et al. 2011 Ih.mod. */
static ref
ref_ih (double v)
{
  return ab (0.001 * 6.43 * (v + 154.9) / (exp ((v + 154.9) / 11.9) - 1.0), 0.001 * 193.0 * exp (v / 33.1), 1.0);
}

static ref
reference (const char *type, const char *g, double v, double c)
{
  if (!strncmp (type, "hh_", 3))
    return ref_hh (g, v, c);
  if (!strncmp (type, "pospischil_", 11))
    return ref_posp (type, g, v);
  if (!strcmp (type, "a_type"))
    return ref_a (g, v);
  return ref_ih (v);
}

int
main (void)
{
  const double volts[] = { -100.0, -80.0, -65.0, -55.0, -40.0, -20.0, 0.0, 25.0, 50.0 };
  const char *expected[] = { "hh_na", "hh_k", "leak", "pospischil_na", "pospischil_kd", "pospischil_m",
                             "pospischil_cal", "pospischil_cat", "a_type", "ih" };
  int n = 0;
  for (const nd_channel_kind *const *k = nd_channel_library (); *k; k++, n++)
    {
      ND_CHECK (n < 10 && !strcmp ((*k)->type, expected[n]), "library order: %s", (*k)->type);
      ND_CHECK (nd_channel_lookup ((*k)->type) == *k, "lookup %s", (*k)->type);
      ND_CHECK ((*k)->citation && (*k)->label && (*k)->ion, "metadata of %s", (*k)->type);
    }
  ND_CHECK (n == 10, "library has %d kinds", n);
  ND_CHECK (nd_channel_lookup ("no_such") == NULL, "unknown type");
  ND_CHECK (nd_channel_lookup (NULL) == NULL, "NULL type");

  /* Textbook HH steady states at rest (-65 mV): m 0.0529, h 0.5961, n 0.3177. */
  const nd_channel_kind *na = nd_channel_lookup ("hh_na"), *k = nd_channel_lookup ("hh_k");
  nd_gate_rates r;
  na->gates[0].rates (na->data, -65.0, 6.3, &r);
  ND_CHECK_CLOSE (r.x_inf, 0.0529, 1e-4, 0, "hh m_inf(-65)");
  na->gates[1].rates (na->data, -65.0, 6.3, &r);
  ND_CHECK_CLOSE (r.x_inf, 0.5961, 1e-4, 0, "hh h_inf(-65)");
  k->gates[0].rates (k->data, -65.0, 6.3, &r);
  ND_CHECK_CLOSE (r.x_inf, 0.3177, 1e-4, 0, "hh n_inf(-65)");
  ND_CHECK_CLOSE (r.tau, 5.46, 5e-3, 0, "hh tau_n(-65)");
  ND_CHECK_CLOSE (nd_channel_open_inf (k, -65.0, 6.3), pow (0.31768, 4), 1e-5, 0, "hh_k open_inf");
  /* q10 = 3 per 10 C: tau at 16.3 C is a third. */
  nd_gate_rates r16;
  k->gates[0].rates (k->data, -65.0, 16.3, &r16);
  ND_CHECK_CLOSE (r16.tau * 3.0, r.tau, 0, 1e-12, "hh q10");

  for (const nd_channel_kind *const *kp = nd_channel_library (); *kp; kp++)
    for (int g = 0; g < (*kp)->n_gates; g++)
      for (size_t i = 0; i < sizeof volts / sizeof volts[0]; i++)
        for (int ci = 0; ci < 2; ci++)
          {
            const nd_channel_kind *kind = *kp;
            const nd_gate_kind *gk = &kind->gates[g];
            double v = volts[i], c = ci ? 16.3 : 6.3;
            char what[96];
            ref want = reference (kind->type, gk->name, v, c);
            double rtol = 1e-10;
            if (isnan (want.x_inf) || isnan (want.tau))
              {
                /* 0/0 in the paper's form: its limit is the mean of the neighbours. */
                ref lo = reference (kind->type, gk->name, v - 1e-6, c);
                ref hi = reference (kind->type, gk->name, v + 1e-6, c);
                want = (ref) { (lo.x_inf + hi.x_inf) / 2, (lo.tau + hi.tau) / 2 };
                rtol = 1e-8; /* cancellation in the reference itself */
              }
            gk->rates (kind->data, v, c, &r);
            snprintf (what, sizeof what, "%s.%s x_inf(%g mV, %g C)", kind->type, gk->name, v, c);
            ND_CHECK_CLOSE (r.x_inf, want.x_inf, 1e-14, rtol, what);
            snprintf (what, sizeof what, "%s.%s tau(%g mV, %g C)", kind->type, gk->name, v, c);
            ND_CHECK_CLOSE (r.tau, want.tau, 1e-14, rtol, what);
            /* Derivatives vs central differences (h = 1e-4 mV; also exercises the
             * vtrap singularities, e.g. hh m at -40 mV and n at -55 mV). */
            const double h = 1e-4;
            nd_gate_rates rp, rm;
            gk->rates (kind->data, v + h, c, &rp);
            gk->rates (kind->data, v - h, c, &rm);
            double fx = (rp.x_inf - rm.x_inf) / (2 * h), ft = (rp.tau - rm.tau) / (2 * h);
            snprintf (what, sizeof what, "%s.%s dx_inf(%g)", kind->type, gk->name, v);
            ND_CHECK_CLOSE (r.dx_inf, fx, 1e-10, 1e-6, what);
            snprintf (what, sizeof what, "%s.%s dtau(%g)", kind->type, gk->name, v);
            ND_CHECK_CLOSE (r.dtau, ft, 1e-9 * (1.0 + fabs (r.tau)), 1e-6, what);
            /* Connor-Stevens' a_inf, as published, overshoots 1 by < 1% above +40 mV. */
            ND_CHECK (r.x_inf >= 0.0 && r.x_inf <= 1.02 && r.tau >= 0.0, "range %s.%s", kind->type, gk->name);
          }
  /* Exactly at the removable singularities the value is the limit. */
  na->gates[0].rates (na->data, -40.0, 6.3, &r);
  double a = 1.0, b = 4.0 * exp (-25.0 / 18.0);
  ND_CHECK_CLOSE (r.x_inf, a / (a + b), 1e-12, 0, "hh m_inf at -40 mV (vtrap limit)");
  return nd_check_done ("channels");
}
