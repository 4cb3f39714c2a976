/* batch-local.h: running a plan's rows on this computer, a few at a time.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each row is a neurode-cli process (batch-row.h); at most `jobs` run at once. Rows already complete are
 * skipped, so running the same plan again runs only what is missing or failed. The runner blocks the
 * calling thread on a main context of its own, so `neurode-cli batch` calls it from main() and the window
 * from a GTask thread; progress is reported in that thread.
 */
#pragma once

#include "batch/batch-row.h"

G_BEGIN_DECLS

typedef enum
{
  ND_BATCH_EVENT_TICK,       /* once a second */
  ND_BATCH_EVENT_STARTED,
  ND_BATCH_EVENT_FINISHED,
  ND_BATCH_EVENT_STOPPING,   /* cancelled or a signal: running rows are being stopped */
} NdBatchEvent;

typedef struct
{
  NdBatchEvent event;
  const NdBatchRow *row;          /* STARTED, FINISHED */
  const NdBatchResult *result;    /* FINISHED */
  guint to_run;                   /* rows this run runs */
  guint skipped;                  /* rows complete before it started */
  guint done, failed, running;    /* of the rows this run runs */
  double elapsed_s;
  double seconds_left;            /* estimate; NAN until a row has finished */
} NdBatchProgress;

typedef void (*NdBatchProgressFunc) (const NdBatchProgress *p, gpointer user);

typedef struct
{
  guint jobs;                     /* rows at a time (at least 1); an ensemble's fits run on jobs / rows
                                   * to run threads (at least 1) */
  const char *cli_path;           /* the neurode-cli program */
  const char *only;               /* run only the row of this name, NULL: all */
  gboolean stop_on_signals;       /* SIGINT, SIGTERM and SIGHUP stop the run as cancelling does */
} NdBatchLocalOptions;

/* Runs the rows that are not complete and returns when all have ended: TRUE, even when some failed (see
 * their results). When stopped (cancellable or a signal) the running rows get SIGTERM (SIGKILL 5 s later)
 * and keep no result; returns FALSE with G_IO_ERROR_CANCELLED. */
gboolean nd_batch_run_local (const NdBatchPlan *plan, const char *out_dir, const NdBatchLocalOptions *opt,
                             NdBatchProgressFunc progress, gpointer user, GCancellable *cancellable,
                             GError **error);

/* The neurode-cli beside the running program (neurode or neurode-cli), else $NEURODE_CLI, else the one on
 * PATH; NULL when none is found. */
char    *nd_batch_find_cli (void);

G_END_DECLS
