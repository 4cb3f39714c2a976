/* propose-fit.h: what proposing the next recording (propose.h) takes from a fit, decided once for
 * `neurode-cli fit --ensemble N --propose` and the Fit view's Record Next.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "fit-data.h"
#include "propose.h"

G_BEGIN_DECLS

/* The options for the kept fits of an ensemble on `data` (fit-data.h): the recording's clamp mode and the
 * training sweeps' sample interval, current clamp scaled to the largest current those sweeps inject (in pA
 * of the model's membrane area, area_um2), the fit's noise estimate noise_sd (nd_fit_result: mV, or in
 * voltage clamp units of the loss, data->i_unit_pA each); simulated in steps of at most 0.025 ms. */
void nd_propose_options_for_fit (nd_propose_options *o, const NdFitData *data, double area_um2, double noise_sd);
/* The same for two recordings of one cell fitted together (`fit --with`): candidates in the modes of both,
 * each mode's noise estimated from its own training sweeps, current clamp scaled to the current-clamp
 * recording's largest current, sampled as `data` is. */
void nd_propose_options_for_joint_fit (nd_propose_options *o, const NdFitData *data, const NdFitData *with,
                                       double area_um2);

G_END_DECLS
