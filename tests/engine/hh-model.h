/* hh-model.h: the classic HH compartment and the published K experiment, shared by engine tests.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "channel.h"
#include "model.h"

/* Classic HH: 1 uF/cm2, 120/36/0.3 mS/cm2, 50/-77/-54.387 mV, 6.3 C. */
static inline nd_model *
nd_test_classic_hh (double v_init)
{
  nd_model *m = nd_model_new (1.0, 1000.0, v_init, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_model_add_known (m, nd_channel_lookup ("hh_k"), 36.0, -77.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -54.387);
  return m;
}
