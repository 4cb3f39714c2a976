/* fit-data.h: the sweeps of a recording as a fit's training and validation data.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by `neurode-cli fit` and the window: reads every sweep's V (mV) and
 * injected current (pA, turned into a density through the model's area),
 * chooses the integration sub-steps (steps of at most max_dt_ms per sample
 * interval) and splits the sweeps into training and validation sets. The
 * arrays stay owned by the NdFitData (nd_fit_worker_start copies them).
 */
#pragma once

#include <glib.h>

#include "fit.h"
#include "recording.h"

G_BEGIN_DECLS

typedef struct {
  int n_train, n_val;
  nd_fit_sweep *train, *val;
  int *train_sweeps, *val_sweeps;   /* the recording's sweep numbers (from 0) */
  /* owned buffers */
  int n_sweeps;
  NdSweepTrace *traces;
  double **density;
} NdFitData;

/* val_sweeps: sweep numbers (from 0) held out for validation (may be NULL
 * with n_val_sweeps 0). Fails with a message in the user's words when a
 * sweep number does not exist, every sweep is held out, or a sweep lacks a
 * membrane potential or an injected current. */
NdFitData *nd_fit_data_from_recording (const NdRecording *rec, const nd_model *m, double max_dt_ms,
                                       const int *val_sweeps, int n_val_sweeps, GError **error);
void nd_fit_data_free (NdFitData *d);

G_END_DECLS
