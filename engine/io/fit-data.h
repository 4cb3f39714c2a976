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
 *
 * A voltage-clamp recording gives voltage-clamp sweeps (fit.h): the command
 * drives, the membrane current (a density, like the injected current) is
 * fitted, outside the capacitive transients after every jump of the command
 * (clamp.h: measured on the sweeps read, or given), in units of 1 % of the
 * range of the current the windows keep.
 */
#pragma once

#include <glib.h>

#include "fit.h"
#include "recording.h"

G_BEGIN_DECLS

#define ND_FIT_DATA_LEAD_MS 100.0

typedef struct {
  int n_train, n_val;
  nd_fit_sweep *train, *val;
  int *train_sweeps, *val_sweeps;   /* the recording's sweep numbers (from 0) */
  /* voltage clamp: the sweeps are clamp sweeps; ms left out after every
   * jump of the command, and the current (pA) of one unit of the loss */
  gboolean voltage_clamp;
  double clamp_skip_ms, i_unit_pA;
  /* owned buffers */
  int n_sweeps;
  NdSweepTrace *traces;
  NdClampTrace *clamp;
  double **density, **weight;
} NdFitData;

/* Which sweeps a fit trains and validates on, and how they are read. */
typedef struct {
  const int *train;        /* sweep numbers (from 0); NULL: every sweep not validated */
  int n_train;
  const int *val;          /* held out for validation; may be NULL */
  int n_val;
  double max_dt_ms;        /* largest integration step */
  /* The time window the loss compares, in ms from the sweep's start
   * (end <= start: the whole sweep). The fit simulates only the window and
   * ND_FIT_DATA_LEAD_MS before it (the model settles there from rest, with
   * weight 0), so a short window makes a fit faster. */
  double window_start_ms, window_end_ms;
  /* Voltage clamp: ms left out after every jump of the command; 0:
   * measured on the sweeps (clamp.h), < 0: none (the transients are
   * already subtracted). */
  double clamp_skip_ms;
  /* Simulate the whole sweeps even with a window (no lead-in cut), so the
   * traces start where the recording's do (the window's plots). */
  gboolean whole_sweeps;
} NdFitDataSpec;

/* The membrane potential is the recording's, corrected for its
 * liquid-junction potential (nd_recording_set_ljp). Fails with a message in the user's words when a sweep number does not
 * exist or is both trained and validated, nothing is left to train on, or a
 * sweep lacks a membrane potential or an injected current (in voltage
 * clamp: a command or a membrane current). Sweeps in neither list are not
 * read. */
NdFitData *nd_fit_data_new (const NdRecording *rec, const nd_model *m, const NdFitDataSpec *spec, GError **error);

/* The older form: every sweep not in val_sweeps trains, the whole sweep. */
NdFitData *nd_fit_data_from_recording (const NdRecording *rec, const nd_model *m, double max_dt_ms,
                                       const int *val_sweeps, int n_val_sweeps, GError **error);
void nd_fit_data_free (NdFitData *d);

G_END_DECLS
