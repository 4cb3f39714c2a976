/* propose-fit.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "propose-fit.h"

#include <math.h>

#include "units.h"

/* The largest current the training sweeps inject (pA): the cell's range, neither silent nor saturated. */
static double
training_range_pA (const NdFitData *data, double area_um2)
{
  double r = 0.0;
  for (int k = 0; k < data->n_train; k++)
    for (size_t j = 0; data->train[k].drive.i_inj && j < data->train[k].drive.n; j++)
      r = fmax (r, fabs (nd_density_to_pA (data->train[k].drive.i_inj[j], area_um2)));
  return r;
}

void
nd_propose_options_for_fit (nd_propose_options *o, const NdFitData *data, double area_um2, double noise_sd)
{
  *o = (nd_propose_options) {
    .modes = data->voltage_clamp ? ND_PROPOSE_VC : ND_PROPOSE_CC,
    .dt_ms = data->n_train > 0 ? data->train[0].drive.dt_sample : 0.1,
    .max_dt_ms = 0.025,
    .i_ref_pA = training_range_pA (data, area_um2),
    .noise_mV = noise_sd,
    .noise_pA = noise_sd * data->i_unit_pA,
    .v_hold_mV = NAN,
  };
}

void
nd_propose_options_for_joint_fit (nd_propose_options *o, const NdFitData *data, const NdFitData *with,
                                  double area_um2)
{
  nd_propose_options_for_fit (o, data, area_um2, 0.0);
  const NdFitData *both[2] = { data, with };
  o->modes = 0;
  for (int k = 0; k < 2; k++)
    {
      const NdFitData *d = both[k];
      const double noise = nd_fit_noise_estimate (d->train, d->n_train);
      if (d->voltage_clamp)
        {
          o->modes |= ND_PROPOSE_VC;
          o->noise_pA = noise * d->i_unit_pA;
        }
      else
        {
          o->modes |= ND_PROPOSE_CC;
          o->noise_mV = noise;
          o->i_ref_pA = fmax (k == 0 ? 0.0 : o->i_ref_pA, training_range_pA (d, area_um2));
        }
    }
}
