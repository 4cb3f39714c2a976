/* soma-model.h: the soma of a multicompartment cell as a one-compartment model.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The starting point of a morphology reduction: the soma compartment's
 * membrane (area, cm, V_init and the soma region's channels with their
 * densities) as an nd_model, to which the reduction adds a free learned
 * current standing for the rest of the cell. Driven with the stimulus minus
 * the true axial current (nd_morph_sim_axial_current), it follows the full
 * cell's soma voltage; that current is what the learned one must become.
 */
#pragma once

#include "model.h"
#include "morph/morph-sim.h"

/* NULL if a channel cannot be added (bad densities). */
nd_model *nd_soma_model_new (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV);
