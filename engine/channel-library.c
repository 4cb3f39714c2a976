/* channel-library.c: the table of built-in channel kinds and shared rate helpers.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "channel-rates.h"

#include <math.h>
#include <string.h>

void
nd_rates_from_alpha_beta (double a, double da, double b, double db, double phi,
                          nd_gate_rates *out)
{
  double s = a + b;
  out->x_inf = a / s;
  out->dx_inf = (da * b - a * db) / (s * s);
  out->tau = 1.0 / (phi * s);
  out->dtau = -(da + db) / (phi * s * s);
}

double
nd_vtrap (double x, double y, double *dfdx)
{
  double u = x / y;
  if (fabs (u) < 1e-6)
    {
      /* Taylor series of y u/(e^u - 1) = y (1 - u/2 + u^2/12 - ...). */
      *dfdx = -0.5 + u / 6.0;
      return y * (1.0 - u / 2.0 + u * u / 12.0);
    }
  double em1 = expm1 (u);
  *dfdx = (em1 - u * (em1 + 1.0)) / (em1 * em1);
  return x / em1;
}

double
nd_boltzmann (double v, double vh, double k, double *dfdv)
{
  double e = exp ((v - vh) / k);
  double f = 1.0 / (1.0 + e);
  *dfdv = -f * f * e / k;
  return f;
}

double
nd_q10_factor (double q10, double celsius, double t_ref)
{
  return pow (q10, (celsius - t_ref) / 10.0);
}

static const nd_channel_kind *const library[] = {
  &nd_channel_hh_na,
  &nd_channel_hh_k,
  &nd_channel_leak,
  &nd_channel_pospischil_na,
  &nd_channel_pospischil_kd,
  &nd_channel_pospischil_m,
  &nd_channel_pospischil_cal,
  &nd_channel_pospischil_cat,
  &nd_channel_a_type,
  &nd_channel_ih,
  NULL,
};

const nd_channel_kind *const *
nd_channel_library (void)
{
  return library;
}

const nd_channel_kind *
nd_channel_lookup (const char *type)
{
  if (!type)
    return NULL;
  for (const nd_channel_kind *const *k = library; *k; k++)
    if (strcmp ((*k)->type, type) == 0)
      return *k;
  return NULL;
}

double
nd_channel_open_inf (const nd_channel_kind *kind, double v_mV, double celsius)
{
  double open = 1.0;
  for (int i = 0; i < kind->n_gates; i++)
    {
      nd_gate_rates r;
      kind->gates[i].rates (kind->data, v_mV, celsius, &r);
      open *= pow (r.x_inf, kind->gates[i].power);
    }
  return open;
}
