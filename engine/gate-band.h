/* gate-band.h: the uncertainty band of every learned gate, from an ensemble of fits.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Several fits can explain a recording equally well with different
 * kinetics (the data visit only part of the voltage range, and some
 * combinations of x_inf and tau trade off). A band is computed from the kept
 * members of an ensemble on the kinetics table's grid (-100..+60 mV, 1 mV):
 * at every voltage, the 90 % prediction interval of a further equally good
 * fit, mean +- t(0.95, n - 1) sqrt (1 + 1/n) s over the n members (x_inf
 * linearly, clipped to [0, 1]; tau on a log scale), widened where needed to
 * hold every member. Measured on the K experiment (docs/uncertainty.md):
 * the members' bare min/max held the truth on only 60 % of the visited
 * voltages with 4 members, as (n - 1)/(n + 1) = 60 % predicts for
 * exchangeable draws; the prediction interval is what a handful of members
 * can honestly claim. The members share a model class, a smoothness prior
 * and an optimiser, so they also share part of their error, which no spread
 * among them shows: the band is widened by ND_BAND_X_SHARED and a factor
 * ND_BAND_TAU_SHARED. Their size was read off seed 1 of three known-truth
 * cases (every miss of the interval lay within them) and held on seeds 11
 * and 21 (docs/uncertainty.md).
 *
 * The spread s at a voltage is the members' largest within
 * ND_BAND_SPREAD_WINDOW_MV of it. Fits that trade one gate against another
 * cross each other, and where they cross their spread is nil though the
 * data pin the gate down there no better than beside it: with the spread of
 * each voltage alone, the A current's a_inf band held the truth on 76-99 %
 * of the visited voltages (seeds 1, 11, 21), missing it mostly where two
 * kept fits crossed; with +-5 mV 91-100 %, with +-10 mV 96-100 %. On HH's K
 * and Ih the wider spread cost little (docs/uncertainty.md).
 *
 * A voltage is "constrained by the data" where at least two members agree:
 * the x_inf band is at most ND_BAND_X_WIDTH wide and tau_hi / tau_lo is at
 * most ND_BAND_TAU_FACTOR. One member tells nothing about the spread, so a
 * band of one member constrains nothing.
 */
#pragma once

#include <stdbool.h>

#include "model.h"

#define ND_BAND_V_FIRST_MV (-100)
#define ND_BAND_N 161            /* -100..+60 mV in 1 mV steps, as nd_model_kinetics_csv */
#define ND_BAND_X_WIDTH 0.1
#define ND_BAND_TAU_FACTOR 1.5
#define ND_BAND_LEVEL 0.9        /* of the prediction interval */
#define ND_BAND_X_SHARED 0.01    /* the members' shared error in x_inf ... */
#define ND_BAND_TAU_SHARED 1.1   /* ... and as a factor of tau */
#define ND_BAND_SPREAD_WINDOW_MV 10   /* the spread at V is the members' largest within +-10 mV */

typedef struct nd_gate_band {
  int n_members;
  double x_lo[ND_BAND_N], x_hi[ND_BAND_N];
  double tau_lo[ND_BAND_N], tau_hi[ND_BAND_N];   /* ms */
  bool constrained[ND_BAND_N];
  /* The potentials the training data visited, mV (in voltage clamp the command's): the band is evidence
   * only there. Not known unless v_data_hi > v_data_lo (a band read from an older file, or made by hand). */
  double v_data_lo, v_data_hi;
} nd_gate_band;

/* The band of n_members curves: x_inf[k * ND_BAND_N + i] and tau (ms) of
 * member k at ND_BAND_V_FIRST_MV + i mV. */
void nd_gate_band_compute (const double *x_inf, const double *tau, int n_members, nd_gate_band *band);
/* k of the interval mean +- k s for n members (0 for fewer than 2). */
double nd_gate_band_factor (int n_members);
/* Sets band->constrained from its limits and n_members (also after reading a file). */
void nd_gate_band_mark (nd_gate_band *band);
/* Whether the data's range is known, and whether grid index i lies in it (false when it is not known). */
bool nd_gate_band_has_range (const nd_gate_band *band);
bool nd_gate_band_in_data (const nd_gate_band *band, int i);

/* The band of learned gate g of channel c, or NULL. */
const nd_gate_band *nd_model_gate_band (const nd_model *m, int c, int g);
/* Gives learned gate g of channel c a copy of band (NULL: none). */
void nd_model_set_gate_band (nd_model *m, int c, int g, const nd_gate_band *band);
/* Every learned gate of m gets the band of the members (models of m's
 * structure; m itself may be one of them). */
void nd_model_set_bands (nd_model *m, nd_model *const *members, int n_members);
/* Every band of m gets the potentials its training data visited (min and
 * max of the recorded V, or of the command in voltage clamp). */
void nd_model_set_band_range (nd_model *m, double v_lo_mV, double v_hi_mV);
/* Drops every band: a model whose curves changed (a new fit) has none. */
void nd_model_clear_bands (nd_model *m);
bool nd_model_has_bands (const nd_model *m);
