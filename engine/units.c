/* units.c: conversions between the engine's units and the user's.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "units.h"

#include <math.h>

double
nd_pA_to_density (double current_pA, double area_um2)
{
  return current_pA / area_um2 * ND_PA_PER_UM2_IN_UA_PER_CM2;
}

double
nd_density_to_pA (double density_uA_cm2, double area_um2)
{
  return density_uA_cm2 * area_um2 / ND_PA_PER_UM2_IN_UA_PER_CM2;
}

double
nd_cylinder_area_um2 (double diameter_um, double length_um)
{
  return M_PI * diameter_um * length_um;
}

double
nd_nernst_mV (double z, double conc_out_mM, double conc_in_mM, double celsius)
{
  /* R T / (z F) in mV; R = 8.314462618 J/(mol K), F = 96485.33212 C/mol. */
  const double rt_f = 8.314462618 * (celsius + 273.15) / 96485.33212 * 1e3;
  return rt_f / z * log (conc_out_mM / conc_in_mM);
}
