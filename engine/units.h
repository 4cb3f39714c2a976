/* units.h: Neurode's unit conventions.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside the engine everything is in NEURON's units: mV, ms, uF/cm2, mS/cm2,
 * uA/cm2, degrees Celsius. Currents in pA and areas in um2 appear only at the
 * edges (recordings, the user interface) and are converted here.
 */
#pragma once

/* 1 pA spread over 1 um2 is 1e-12 A / 1e-8 cm2 = 1e-4 A/cm2 = 100 uA/cm2. */
#define ND_PA_PER_UM2_IN_UA_PER_CM2 100.0

double nd_pA_to_density (double current_pA, double area_um2);
double nd_density_to_pA (double density_uA_cm2, double area_um2);
/* Area of a cylinder's side (no end caps), the classic single-compartment area. */
double nd_cylinder_area_um2 (double diameter_um, double length_um);
/* Nernst reversal potential in mV for an ion of valence z at temperature T. */
double nd_nernst_mV (double z, double conc_out_mM, double conc_in_mM, double celsius);
