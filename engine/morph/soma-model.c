/* soma-model.c: the soma compartment as an nd_model.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "soma-model.h"

nd_model *
nd_soma_model_new (const nd_cable *cable, const nd_membrane *membrane, double v_init_mV)
{
  int soma = nd_cable_node_at (cable, 0, 0.5);
  if (soma < 0)
    return NULL;
  nd_model *m = nd_model_new (membrane->cm, cable->area_um2[soma], v_init_mV, membrane->celsius);
  if (!m)
    return NULL;
  nd_region r = cable->region[soma];
  for (int k = 0; k < membrane->n_channels[r]; k++)
    {
      const nd_channel_density *cd = &membrane->channels[r][k];
      if (nd_model_add_known (m, cd->kind, cd->gbar, cd->e_rev) < 0)
        {
          nd_model_free (m);
          return NULL;
        }
    }
  return m;
}
