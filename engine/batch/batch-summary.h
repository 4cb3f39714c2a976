/* batch-summary.h: OUT/summary.csv — every row of a plan, its status and its headline figures.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   name,status,exit_code,seconds,message,train_rmse_mV,validation_rmse_mV,spike_count_agreement,
 *   held_out_rmse_mV,speedup,fits,fits_kept[,CHANNEL.GATE_x_inf_band,CHANNEL.GATE_constrained]...
 *
 * status is done, failed or incomplete. The figures come from the row's report.csv, never from the
 * command's internals, and are empty where they do not apply:
 * - fit: the RMSE over all training sweeps together (the root of the mean of their squared RMSEs), the
 *   same over the validation sweeps, and the share of validation sweeps whose spike counts agree within
 *   max(1, 20 %) of the recorded count;
 * - reduce: the RMSE over the held-out sweeps together, and the speed-up over all sweeps (the full
 *   cell's integration time over the reduced model's).
 * - fit --ensemble N: N (the row's argument) and the fits kept (the band's members in model.json); for
 *   every learned gate with a band in kinetics.csv, the median over its grid (-100..+60 mV) of the x_inf
 *   band's width, and the share of the grid's voltages constrained by the data. These two columns per gate
 *   follow the others, one pair per gate any row has, in the order first met.
 */
#pragma once

#include "batch/batch-row.h"

G_BEGIN_DECLS

#define ND_BATCH_MAX_GATES 4

/* A learned gate's band, as a fit's kinetics.csv gives it. */
typedef struct
{
  char name[64];                  /* "K.n": channel.gate */
  double x_inf_band;              /* median of x_inf_hi - x_inf_lo over the grid */
  double constrained;             /* share of the grid's voltages constrained by the data */
} NdBatchGateBand;

typedef struct
{
  double train_rmse_mV, validation_rmse_mV, spike_count_agreement;   /* fit */
  double held_out_rmse_mV, speedup;                                   /* reduce */
  int fits, fits_kept;                                                /* fit --ensemble; 0: none */
  int n_gates;
  NdBatchGateBand gates[ND_BATCH_MAX_GATES];
} NdBatchFigures;

typedef struct
{
  char *name;
  char *command;          /* the row's command (argv[0]) */
  NdBatchResult result;
  NdBatchFigures figures; /* NAN where not known */
} NdBatchSummaryRow;

/* Figures of a row's result folder (NAN where its report.csv does not give them; no fits and gates where
 * model.json and kinetics.csv have no band). */
void       nd_batch_figures_read (const char *row_dir, const NdBatchRow *row, NdBatchFigures *f);

/* Every row of the plan as it stands in `out_dir`, in plan order (NdBatchSummaryRow). `notes`, if not
 * NULL, maps a row name to a message that replaces an incomplete row's own ("cancelled by Slurm"). */
GArray    *nd_batch_summary_collect (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes);
GString   *nd_batch_summary_csv (GArray *rows);
/* Collects, writes OUT/summary.csv atomically and counts the rows by status (any count may be NULL). */
gboolean   nd_batch_summary_write (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes,
                                   guint *n_done, guint *n_failed, guint *n_incomplete, GError **error);

G_END_DECLS
