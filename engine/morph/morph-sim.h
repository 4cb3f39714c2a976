/* morph-sim.h: simulating a multicompartment cell as NEURON's fixed step does.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One step of dt (NEURON's fadvance with secondorder = 0):
 *  1. membrane currents and their conductances at V(t) with the gates of t;
 *     the injected current is taken at t + dt/2 (where NEURON evaluates it);
 *  2. implicit (backward) Euler for V, linearised in V, solved on the tree
 *     with Hines' method;
 *  3. gates advanced with the new V by exponential Euler,
 *     x += (1 - exp(-dt/tau)) (x_inf - x)  (NEURON's cnexp for these gates).
 * Channels and their densities are set per region (soma, axon, basal,
 * apical, other); cm and Ra are the same everywhere.
 *
 * Units: mV, ms, um2; compartment currents in pA, conductances in nS.
 */
#pragma once

#include "cable.h"
#include "channel.h"

#define ND_MORPH_MAX_CHANNELS 8

typedef struct {
  const nd_channel_kind *kind;
  double gbar;   /* mS/cm2 */
  double e_rev;  /* mV */
} nd_channel_density;

typedef struct {
  nd_channel_density channels[ND_N_REGIONS][ND_MORPH_MAX_CHANNELS];
  int n_channels[ND_N_REGIONS];
  double cm;          /* uF/cm2 */
  double celsius;     /* passed to the rate functions */
} nd_membrane;

typedef struct nd_morph_sim nd_morph_sim;

nd_morph_sim *nd_morph_sim_new (const nd_cable *cable, const nd_membrane *membrane, double dt_ms);
void nd_morph_sim_free (nd_morph_sim *sim);

/* V = v0 everywhere, every gate at its steady state (NEURON's finitialize(v0)). */
void nd_morph_sim_init (nd_morph_sim *sim, double v0_mV);
/* One step of dt with `i_pA` injected into node `stim_node` (-1 for none). */
void nd_morph_sim_step (nd_morph_sim *sim, int stim_node, double i_pA);

const double *nd_morph_sim_voltages (const nd_morph_sim *sim);   /* per node, mV */
double nd_morph_sim_time (const nd_morph_sim *sim);               /* ms since init */
/* Current (pA) leaving `node` through the cable: sum over its neighbours j of
 * g_axial (V_node - V_j). For the soma this is the current the reduced model's
 * learned current must replace. */
double nd_morph_sim_axial_current (const nd_morph_sim *sim, int node);
