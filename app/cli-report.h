/* cli-report.h: the per-sweep report of a fitted or given model (report.csv).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "fit-data.h"
#include "model.h"

/* Scores the model on every sweep of d (free-running, inside each sweep's
 * window) and returns report.csv's text:
 * sweep,role,spikes_recorded,spikes_model,first_spike_shift_ms,subthreshold_rmse_mV,rmse_mV
 * with role "train" or "validate". Prints the same as a table on `table`
 * (may be NULL), with a line in words for each sweep whose spikes are wrong.
 * Voltage clamp (d->voltage_clamp) has its own columns:
 * sweep,role,rmse_pA,peak_pA,peak_model_pA,peak_error_percent
 * cell_repeat_mV: how far the recorded cell is from itself from sweep to
 * sweep (cell-repeat.h), said beside the summary; NAN: not said. */
GString *nd_cli_report (nd_model *m, const NdFitData *d, double cell_repeat_mV, FILE *table);
