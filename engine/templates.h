/* templates.h: starting models for the cells people record.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A template is a single compartment with known channels and one learned
 * current, sized to the recorded cell:
 *  - squid axon: classic Hodgkin-Huxley (Na, leak) with a learned potassium
 *    current in place of HH's K, as in the paper and the demo;
 *  - cortical or hippocampal neuron: the Pospischil et al. (2008) channels
 *    (Na, delayed-rectifier Kd, slow M-type K, leak) plus a learned
 *    potassium current for what they miss (adaptation, A-type, ...).
 * For a real cell the membrane area comes from its capacitance, the leak
 * from its input resistance and resting potential, and the known channels'
 * conductances, the leak and the sodium kinetics' voltage offset are fitted
 * within bounds (a factor of ten around the template's values), because the
 * published values describe another cell.
 */
#pragma once

#include <stdbool.h>

#include "model.h"

#define ND_TEMPLATE_SETTLE_MS 300.0

typedef enum {
  ND_TEMPLATE_SQUID,
  ND_TEMPLATE_CORTICAL,
  ND_N_TEMPLATES
} nd_template_kind;

/* What is known of the recorded cell; NAN where unknown (the template's
 * own value is used). */
typedef struct {
  double area_um2;
  double v_rest_mV;
  double r_in_MOhm;
  double cm_uF_per_cm2;
} nd_template_cell;

void nd_template_cell_unknown (nd_template_cell *c);

/* "squid" or "cortical" -> kind; -1 for another name. */
int nd_template_lookup (const char *name);
const char *nd_template_name (nd_template_kind kind);

/* A new model (networks initialised with seed 0), or NULL. With fit_known
 * the known channels' conductances, the leak's reversal potential and the
 * sodium kinetics' offset are trainable, within bounds. */
nd_model *nd_template_model (nd_template_kind kind, const nd_template_cell *cell, bool fit_known);
