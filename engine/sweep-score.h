/* sweep-score.h: how well a model's trace reproduces one recorded sweep.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures every report gives per sweep (the window's results, `neurode-cli
 * fit`'s report.csv, scoring a model): spike counts of both traces (spikes.h),
 * the shift of the first spike, the RMSE between the traces with the spikes of
 * either cut out (how well the model follows the cell below threshold, which a
 * spike a millisecond early would otherwise swamp), and the plain RMSE.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fit.h"

typedef struct {
  int spikes_recorded, spikes_model;
  double first_spike_shift_ms;   /* model's first spike minus the recording's; NAN unless both fire */
  double subthreshold_rmse_mV;   /* NAN when spikes cover the whole window */
  double rmse_mV;
  double v_max_model_mV;         /* the model's highest potential in the window */
  double v_onset_recorded_mV;    /* onset potential of the recording's first spike; NAN without one */
  /* Voltage clamp (the sweep's drive.v_clamp): no spikes (counts 0, the
   * mV figures NAN); the membrane current's figures inside the window. */
  bool voltage_clamp;
  double rmse_pA;
  double peak_pA, peak_model_pA;  /* the recording's and the model's peak (nd_clamp_peak) */
  double peak_error;              /* nd_clamp_peak_error: -0.6 when the model's peak is 60 % smaller */
} nd_sweep_score;

/* Around each spike of either trace, samples from SPIKE_BEFORE_MS before
 * its onset to SPIKE_AFTER_MS after its peak are left out of the
 * subthreshold RMSE. */
#define ND_SPIKE_CUT_BEFORE_MS 2.0
#define ND_SPIKE_CUT_AFTER_MS 8.0

/* Scores v_model against v_rec (n samples dt_ms apart). weight: the fit
 * window (samples with weight 0 are ignored, spikes included), or NULL. */
void nd_sweep_score_compute (const double *v_model, const double *v_rec, const double *weight, size_t n,
                             double dt_ms, nd_sweep_score *out);

/* The peak of a clamp current: the largest |I| of its running mean over
 * ND_CLAMP_PEAK_MS (so noise does not set it), signed; samples with weight 0
 * (the capacitive transients) are left out. NAN without samples. */
#define ND_CLAMP_PEAK_MS 0.25
double nd_clamp_peak (const double *i, const double *weight, size_t n, double dt_ms);

/* The model's peak relative to the recording's, model / recorded - 1:
 * negative when the model's current is smaller in magnitude, whether the
 * peaks are outward or inward (the recording's -125 pA and the model's
 * -45 pA give -0.64), below -1 when their signs differ. NAN without a
 * recorded peak. */
double nd_clamp_peak_error (double peak_model, double peak_recorded);

/* Simulates the model free-running under the sweep's stimulus (v_out: the
 * trace, sweep->drive.n values, or NULL; in voltage clamp the current,
 * uA/cm2) and scores it inside the sweep's window (currents in pA through
 * the model's area). */
void nd_sweep_score_model (nd_model *m, const nd_fit_sweep *sweep, double *v_out, nd_sweep_score *out);

/* What a set of scored sweeps says, for a sentence in words. */
typedef struct {
  int n, n_agree;                 /* sweeps, and those whose spike counts agree */
  double median_sub_mV;           /* median subthreshold RMSE (NAN without one) */
  int first_spiking_recorded;     /* sweep id of the first (lowest id) sweep with a spike, -1: none */
  int first_spiking_model;
  int worst;                      /* index of the largest spike-count error, -1 when all agree */
} nd_sweep_summary;

/* Sums up n scores of the sweeps ids (in any order). */
void nd_sweep_summary_compute (const nd_sweep_score *sc, const int *ids, int n, nd_sweep_summary *out);

/* How far a model's spike count is from the recording's, in units of the
 * agreement tolerance: |log((model + 1) / (recorded + 1))| over
 * log(1 + max(1, 0.2 recorded) / (recorded + 1)), so 1 at the edge of the
 * tolerance, 0 when equal; on a log scale, so a model firing twice as often
 * as the cell is nearer than one that stays silent. */
double nd_spike_count_error (int recorded, int model);

/* The model's spike count agrees with the recording's: within one spike or
 * 20 %, whichever is more. */
bool nd_spike_counts_agree (int recorded, int model);
