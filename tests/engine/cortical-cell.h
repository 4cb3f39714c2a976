/* cortical-cell.h: the cortical template sized as a 20,000 um2 cell (250 MOhm, rest -70 mV) with a given
 * sodium conductance, as the search and lanes tests fit it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "templates.h"

static inline nd_model *
cortical_cell (double g_na)
{
  nd_template_cell c;
  nd_template_cell_unknown (&c);
  c.area_um2 = 20000.0;
  c.v_rest_mV = -70.0;
  c.r_in_MOhm = 250.0;
  nd_model *m = nd_template_model (ND_TEMPLATE_CORTICAL, &c, true);
  m->params[m->blocks[m->channels[0].block_gbar].offset] = g_na;
  nd_model_params_changed (m);
  return m;
}
