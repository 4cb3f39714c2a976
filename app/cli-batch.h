/* cli-batch.h: what cli-batch.c (the command, local runs) and cli-batch-slurm.c (Slurm) share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "batch/batch-plan.h"

typedef struct
{
  char *out_dir;        /* absolute */
  int jobs;             /* 0: not given */
  int ensemble;         /* --ensemble N for every fit row; 0: not given */
  gboolean propose;     /* --propose for every fit row */
  gboolean slurm, wait;
  char *partition, *time, *mem;
  int cpus_per_task;    /* --cpus-per-task N; 0: not given (cli-batch-slurm.c chooses) */
  char **sbatch_args;
  char *cli_path;       /* this program, absolute */
} NdCliBatchArgs;

/* Progress on standard error that reads well in a terminal (one status line, redrawn) and in a log file
 * (a line per event, and a status line a minute when nothing else happened). */
typedef struct
{
  gboolean tty;
  gboolean status_shown;
  gint64 last_line;
} NdCliBatchOutput;

void nd_cli_batch_output_init (NdCliBatchOutput *o);
/* A line of its own (clears the status line first). */
void nd_cli_batch_line (NdCliBatchOutput *o, const char *format, ...) G_GNUC_PRINTF (2, 3);
void nd_cli_batch_status (NdCliBatchOutput *o, guint finished, guint total, guint failed, guint running,
                          double seconds_left);
/* Ends the status line (before the program's last words). */
void nd_cli_batch_output_end (NdCliBatchOutput *o);
/* "in 8.1 s", "in 3 min 20 s" */
char *nd_cli_batch_duration (double seconds);

/* Writes summary.csv and prints the outcome (failed and incomplete rows with their messages). Returns
 * the exit status: 0 when every row is done, 1 otherwise. */
int  nd_cli_batch_finish (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes, NdCliBatchOutput *o);

/* " --ensemble N --propose" as given to batch (for the Slurm scripts' command lines), or "". */
char *nd_cli_batch_fit_options (const NdCliBatchArgs *a);

/* --slurm: submits the array and the gather job, with --wait follows them. */
int  nd_cli_batch_slurm (const NdBatchPlan *plan, const NdCliBatchArgs *a);
/* --gather (the gather job): summary.csv, with Slurm's word on the rows that left no result. */
int  nd_cli_batch_gather (const NdBatchPlan *plan, const NdCliBatchArgs *a);
