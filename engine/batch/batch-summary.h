/* batch-summary.h: OUT/summary.csv — every row of a plan, its status and its headline figures.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   name,status,exit_code,seconds,message,train_rmse_mV,validation_rmse_mV,spike_count_agreement,
 *   held_out_rmse_mV,speedup
 *
 * status is done, failed or incomplete. The figures come from the row's report.csv, never from the
 * command's internals, and are empty where they do not apply:
 * - fit: the RMSE over all training sweeps together (the root of the mean of their squared RMSEs), the
 *   same over the validation sweeps, and the share of validation sweeps whose spike counts agree within
 *   max(1, 20 %) of the recorded count;
 * - reduce: the RMSE over the held-out sweeps together, and the speed-up over all sweeps (the full
 *   cell's integration time over the reduced model's).
 */
#pragma once

#include "batch/batch-row.h"

G_BEGIN_DECLS

typedef struct
{
  double train_rmse_mV, validation_rmse_mV, spike_count_agreement;   /* fit */
  double held_out_rmse_mV, speedup;                                   /* reduce */
} NdBatchFigures;

typedef struct
{
  char *name;
  char *command;          /* the row's command (argv[0]) */
  NdBatchResult result;
  NdBatchFigures figures; /* NAN where not known */
} NdBatchSummaryRow;

/* Figures of a row's result folder (NAN where its report.csv does not give them). */
void       nd_batch_figures_read (const char *row_dir, const char *command, NdBatchFigures *f);

/* Every row of the plan as it stands in `out_dir`, in plan order (NdBatchSummaryRow). `notes`, if not
 * NULL, maps a row name to a message that replaces an incomplete row's own ("cancelled by Slurm"). */
GArray    *nd_batch_summary_collect (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes);
GString   *nd_batch_summary_csv (GArray *rows);
/* Collects, writes OUT/summary.csv atomically and counts the rows by status (any count may be NULL). */
gboolean   nd_batch_summary_write (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes,
                                   guint *n_done, guint *n_failed, guint *n_incomplete, GError **error);

G_END_DECLS
