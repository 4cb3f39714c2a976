/* nd-fit-verdict.h: what a fit's per-sweep scores say, in words, and whether to recommend accepting it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fit is judged on its validation sweeps (on its training sweeps when none validate), summed up by
 * nd_sweep_summary_compute() as neurode-cli fit's report is, against the goal for real recordings: the spike count within max(1, 20 %) of the recording's
 * (nd_spike_counts_agree) on at least 80 % of them, and the median subthreshold RMSE (spikes cut out) at
 * most 3 mV. A sweep's row is marked when its spike counts disagree or its subthreshold RMSE is above 3 mV.
 */
#pragma once

#include "nd-project.h"

G_BEGIN_DECLS

#define ND_FIT_GOOD_SUBTHRESHOLD_MV 3.0
#define ND_FIT_GOOD_AGREE_FRACTION 0.8

typedef enum
{
  ND_SCORE_OK = 0,
  ND_SCORE_SPIKES_DIFFER = 1 << 0,
  ND_SCORE_SUBTHRESHOLD_OFF = 1 << 1,
} NdScoreMarks;

NdScoreMarks nd_sweep_score_marks (const NdSweepScore *s);

typedef struct
{
  guint n;                  /* sweeps judged */
  gboolean validation;      /* they are validation sweeps (else training sweeps) */
  guint n_agree;            /* with agreeing spike counts */
  double median_sub_mV;     /* median subthreshold RMSE; NaN when none was measured */
  int worst;                /* index into the scores of the worst spike-count miss (nd_spike_count_error), or -1 */
  int first_spiking_recorded, first_spiking_model;   /* sweep (0-based) where firing starts, -1: none */
  gboolean good;            /* accepting can be recommended */
  char *summary;            /* "The model fires 0 spikes where the recording has 20 (sweep 7). Spike counts …" */
  char *advice;             /* why accepting is recommended or not */
} NdFitVerdict;

/* Judges scores[0..n-1] (any order, training and validation mixed). n may be 0: no verdict then. */
void nd_fit_verdict_init (NdFitVerdict *v, const NdSweepScore *scores, guint n);
void nd_fit_verdict_clear (NdFitVerdict *v);

G_END_DECLS
