/* cell-repeat.h: how closely a cell repeats itself from one sweep to the next.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model is deterministic: given the same current it does the same thing.
 * A cell is not: its spontaneous spikes come at other times on every sweep,
 * and its potential wanders. Where two sweeps of a protocol get the same
 * current (before and after the step, a fixed epoch between two steps) the
 * difference between them is measured in the fit reports' own figure: the
 * subthreshold RMSE of one sweep against the other (sweep-score.h, spikes of
 * either cut out), the median over pairs of neighbouring sweeps. A model that
 * behaved exactly as the cell, its noise and spontaneous spikes included,
 * would be this far off the recording; a deterministic model that fires where
 * the cell fires at random cannot expect to come closer (a smooth trace, the
 * average over the cell's sweeps, could: by a factor of up to sqrt(2), but it
 * fires no spikes). A fit's median subthreshold RMSE is judged against it.
 *
 * Only samples where the two sweeps' currents agree (within 1 pA, or six
 * times the noise of a recorded current's difference) count, and only
 * from ND_CELL_REPEAT_SETTLE_TAUS membrane time constants after the currents
 * last differed, so a step's different after-effect (a slower recovery from
 * a larger step) is not counted as the cell's variability. A pair with less
 * than ND_CELL_REPEAT_MIN_MS of such samples is left out.
 *
 * Measured on the real recordings (docs/real-recordings.md): 17o05028, which
 * fires spontaneously between its steps, 4.5 mV (15 pairs: 3.9-6.4 mV on
 * sweeps 0-9, which fire there, 1.1-2.8 mV on the later ones, which do not);
 * 190619B 1.3 mV; File_axon_5 1.0 mV; pyABF's model cell 2020_03_02_0000
 * 0.2 mV (its noise).
 */
#pragma once

#include <stdbool.h>

#include "cell-props.h"

#define ND_CELL_REPEAT_MIN_MS 100.0
#define ND_CELL_REPEAT_SETTLE_TAUS 3.0
/* The settling time without a measured time constant. */
#define ND_CELL_REPEAT_SETTLE_MS 150.0

typedef struct {
  double rmse_mV;    /* median over the pairs; NAN without one */
  double lo_mV, hi_mV;   /* the smallest and largest pair's */
  int n_pairs;       /* pairs of neighbouring sweeps measured */
  double shared_ms;  /* time under the same current, settled, summed over the pairs (spikes not yet cut) */
} nd_cell_repeat;

/* Measures n sweeps (in their recorded order; tau_m_ms the cell's time
 * constant, or NAN; ljp_mV subtracted from V as cell-props does). Returns
 * false only when out of memory; out->n_pairs 0 when no pair shares enough
 * samples of the same current. */
bool nd_cell_repeat_measure (const nd_cell_sweep *sweeps, int n, double tau_m_ms, double ljp_mV,
                             nd_cell_repeat *out);
