/* nd-fit-verdict.h: what a fit's per-sweep scores say, in words, and whether to recommend accepting it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fit is judged on its validation sweeps (on its training sweeps when none validate), summed up by
 * nd_sweep_summary_compute() as neurode-cli fit's report is, against the goal for real recordings: the spike count within max(1, 20 %) of the recording's
 * (nd_spike_counts_agree) on at least 80 % of them, and the median subthreshold RMSE (spikes cut out) at
 * most 3 mV. A sweep's row is marked when its spike counts disagree or its subthreshold RMSE is above 3 mV.
 *
 * A voltage-clamp fit compares the membrane current under the command, so it has no spikes to count. Its
 * scale is the largest peak current of any scored sweep (the current's range over the protocol): the
 * median RMSE of the judged sweeps must be at most 5 % of it, and the model's peak current within 20 % of
 * the recording's on at least 80 % of the judged sweeps whose peak is at least a tenth of the largest
 * (a smaller peak is mostly the recording's noise; neurode-cli fit's report judges the same sweeps). With
 * no such sweep among the judged ones the fit cannot be judged, and accepting it is not recommended.
 * A clamp sweep's row is marked when its peak is large and more than 20 % off, or its RMSE above 5 % of
 * the largest peak.
 */
#pragma once

#include "nd-project.h"

G_BEGIN_DECLS

#define ND_FIT_GOOD_SUBTHRESHOLD_MV 3.0
#define ND_FIT_GOOD_AGREE_FRACTION 0.8
#define ND_FIT_GOOD_PEAK_ERROR 0.2         /* voltage clamp: |model's peak - recording's| / |recording's| */
#define ND_FIT_GOOD_CLAMP_RMSE 0.05        /* voltage clamp: median RMSE over the largest peak current */
#define ND_FIT_CLAMP_LARGE_PEAK 0.1        /* voltage clamp: peaks judged from this fraction of the largest */

typedef enum
{
  ND_SCORE_OK = 0,
  ND_SCORE_SPIKES_DIFFER = 1 << 0,
  ND_SCORE_SUBTHRESHOLD_OFF = 1 << 1,
  ND_SCORE_PEAK_OFF = 1 << 2,         /* voltage clamp: a large peak current more than 20 % off */
  ND_SCORE_CURRENT_OFF = 1 << 3,      /* voltage clamp: RMSE above 5 % of the largest peak current */
} NdScoreMarks;

/* (model's peak - recording's) / |recording's| of a clamp sweep; NaN when either is not known or the
 * recording's is 0. */
double nd_sweep_score_peak_error (const NdSweepScore *s);

typedef struct
{
  guint n;                  /* sweeps judged */
  gboolean validation;      /* they are validation sweeps (else training sweeps) */
  guint n_agree;            /* with agreeing spike counts */
  double median_sub_mV;     /* median subthreshold RMSE; NaN when none was measured */
  double cell_repeat_mV;    /* the cell against itself from sweep to sweep (cell-repeat.h); NaN: not known */
  int worst;                /* index into the scores of the worst spike-count miss (nd_spike_count_error), in
                             * voltage clamp of the worst large peak more than 20 % off; or -1 */
  int first_spiking_recorded, first_spiking_model;   /* sweep (0-based) where firing starts, -1: none */
  gboolean good;            /* accepting can be recommended */
  char *summary;            /* "The model fires 0 spikes where the recording has 20 (sweep 7). Spike counts …" */
  char *advice;             /* why accepting is recommended or not */
  /* Voltage clamp (the judged sweeps are clamp sweeps): no spike figures above. */
  gboolean voltage_clamp;
  double largest_peak_pA;   /* the largest |peak current| of every scored clamp sweep; NaN without one */
  double median_rmse_pA;    /* of the judged sweeps; NaN without one */
  guint n_peak, n_peak_ok;  /* judged sweeps with a large peak, and those within 20 % */
} NdFitVerdict;

/* Judges scores[0..n-1] (any order, training and validation mixed). n may be 0: no verdict then. */
void nd_fit_verdict_init (NdFitVerdict *v, const NdSweepScore *scores, guint n);
/* The same, knowing how closely the cell repeats itself from sweep to sweep (nd_cell_props' repeat_rmse_mV;
 * NAN: not known): the summary gives it beside the model's subthreshold error, and when the model misses
 * 3 mV on a cell that itself varies by more, the advice says that a model behaving exactly as the cell would
 * miss it too; when a good fit is within the cell's own figure, the advice says so. It does not change whether
 * accepting is recommended. */
void nd_fit_verdict_init_cell (NdFitVerdict *v, const NdSweepScore *scores, guint n, double cell_repeat_mV);
void nd_fit_verdict_clear (NdFitVerdict *v);

/* What is wrong with one sweep (ND_SCORE_OK: nothing). A clamp sweep is judged against the largest peak
 * of v (a verdict of the same scores); with v NULL its peak is judged however small. */
NdScoreMarks nd_sweep_score_marks (const NdSweepScore *s, const NdFitVerdict *v);
/* A clamp sweep's peak current is too small to judge (below a tenth of v's largest). */
gboolean nd_sweep_score_small_peak (const NdSweepScore *s, const NdFitVerdict *v);

G_END_DECLS
