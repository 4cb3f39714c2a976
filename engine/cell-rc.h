/* cell-rc.h: a passive membrane fitted to a recording whose current is no step.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chirp (a sine sweep for resonance), a noise current or a ramp says as
 * much about a cell's input resistance and time constant as a step does, but
 * not by the step's recipe. Here the recording is fitted with the simplest
 * membrane: V(t) = E_sweep + R u(t), u the injected current through a
 * first-order low pass of time constant tau (tau du/dt = I - u, u starting
 * at the sweep's first current, exact for a current held over each sample).
 * For a given tau the least squares in R and each sweep's own E (a cell's
 * rest wanders between sweeps) is exact; tau is searched on a log grid from
 * ND_CELL_RC_TAU_MIN_MS to ND_CELL_RC_TAU_MAX_MS and refined by golden
 * section. Samples from 2 ms before a spike's onset to ND_CELL_RC_AFTER_MS
 * after its peak are left out (an after-hyperpolarisation is not passive).
 *
 * The fit is accepted only when it explains at least ND_CELL_RC_MIN_R2 of
 * the voltage's variance (about its sweeps' means): a membrane whose
 * channels answer the current far from linearly is no RC circuit, and its
 * figures would mislead. Measured (docs/cell-properties.md): pyABF's
 * 171116sh_0017 (a ±20 pA sine sweep of 0-32 Hz, 3 sweeps of 10 s) 156 MOhm,
 * 34.7 ms, explaining 0.73 (its potential wanders by 2-3 mV over seconds,
 * which no current explains); an RC fit of its impedance per cycle of the
 * sine, by hand, 158.6 MOhm and 34.6 ms. pyABF's model cell 2020_03_02_0000
 * (steps): 504.7 MOhm, 14.1 ms, 1.000, against 502.7 MOhm and 13.9 ms from
 * its steps.
 */
#pragma once

#include <stdbool.h>

#include "cell-props.h"

#define ND_CELL_RC_TAU_MIN_MS 0.5
#define ND_CELL_RC_TAU_MAX_MS 2000.0
#define ND_CELL_RC_AFTER_MS 30.0
#define ND_CELL_RC_MIN_R2 0.5

typedef struct {
  double r_MOhm, tau_ms;
  double e_mV;       /* median of the sweeps' own resting levels */
  double r2;         /* fraction of the voltage's variance explained */
  double rmse_mV;
  double range_pA;   /* the current's range over the sweeps used */
  int n_sweeps;      /* sweeps with samples used */
} nd_cell_rc;

/* Fits n sweeps (ljp_mV subtracted from V). Returns true when the fit is
 * accepted (the figures of out set; else NAN where unknown). */
bool nd_cell_rc_fit (const nd_cell_sweep *sweeps, int n, double ljp_mV, nd_cell_rc *out);
