/* nd-batch-window.h: Fit Several Recordings — the project's model fitted to every recording of a folder.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Takes a folder of recordings and the main window's project (its model, training and validation sweeps,
 * liquid-junction potential, stimulus) and the fit settings of the preferences, and writes a batch plan
 * (engine/batch/batch-plan.h) into a results folder: plan.csv and the starting model; with Uncertainty at 2
 * or more every row is an ensemble (--ensemble N), as in the Fit view. Then either runs it
 * here, N fits at a time, in a GTask thread through the same runner as `neurode-cli batch` (the dialog
 * cancels it when it closes; the main loop only receives progress), or leaves it for a cluster and shows
 * the command to run there. The results are a list: each done row opens as a project (written beside
 * its results as NAME.neurode). Running again with the same settings runs only the rows not done.
 *
 * Buttons are `batch.*` actions: choose-folder, choose-results, run, write-plan, stop, back, open-row (s).
 */
#pragma once

#include <adwaita.h>

#include "nd-window.h"

G_BEGIN_DECLS

#define ND_TYPE_BATCH_WINDOW (nd_batch_window_get_type ())
G_DECLARE_FINAL_TYPE (NdBatchWindow, nd_batch_window, ND, BATCH_WINDOW, AdwWindow)

NdBatchWindow *nd_batch_window_new (NdWindow *parent);

/* The folder of recordings (the results folder becomes FOLDER/neurode-fits unless one was chosen). */
void        nd_batch_window_set_folder (NdBatchWindow *self, const char *folder);
void        nd_batch_window_set_results_folder (NdBatchWindow *self, const char *folder);
const char *nd_batch_window_get_results_folder (NdBatchWindow *self);
guint       nd_batch_window_get_n_recordings (NdBatchWindow *self);
void        nd_batch_window_set_seeds (NdBatchWindow *self, int seeds);
/* Uncertainty: fits per row (an ensemble, --ensemble N); 1 is one fit. Kept as the "fit-ensemble" setting. */
void        nd_batch_window_set_fits (NdBatchWindow *self, int fits);
void        nd_batch_window_set_jobs (NdBatchWindow *self, int jobs);
/* Writes plan.csv and the starting model into the results folder; returns the plan's path. */
char       *nd_batch_window_write_plan (NdBatchWindow *self, GError **error);
gboolean    nd_batch_window_get_running (NdBatchWindow *self);
/* The result row of `name` (an AdwActionRow), NULL when there is none. */
GtkWidget  *nd_batch_window_get_row (NdBatchWindow *self, const char *name);
/* The status line above the list ("3 of 6 finished…"). */
const char *nd_batch_window_get_status (NdBatchWindow *self);

G_END_DECLS
