/* batch-row.h: one row of a batch plan run as a neurode-cli process, and its result on disk.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row runs in OUT/.running/NAME/ (its command's --out, its standard error in log.txt), from the plan's
 * folder. When the command has ended, its result is written last, atomically, as
 * OUT/.running/NAME/batch-row.json, and the folder is renamed to OUT/NAME. So OUT/NAME is either a whole
 * result (done or failed) or not there: a crash, a cancelled Slurm task or Ctrl+C leaves only the work
 * folder, which the next run of the row clears. The same function runs a row on this computer and in a
 * Slurm array task, so a row's outputs do not depend on where it ran.
 *
 *   OUT/NAME/batch-row.json   {"name", "args", "status": "done"|"failed", "exit_code", "seconds", "message"}
 *   OUT/NAME/log.txt          what the command wrote on standard error (progress, warnings, its error)
 */
#pragma once

#include <gio/gio.h>

#include "batch/batch-plan.h"

G_BEGIN_DECLS

typedef enum
{
  ND_BATCH_INCOMPLETE,   /* no result: not run, stopped, or run with other arguments */
  ND_BATCH_DONE,
  ND_BATCH_FAILED,
} NdBatchStatus;

typedef struct
{
  NdBatchStatus status;
  int exit_code;         /* the command's; 128 + signal when a signal ended it; -1 when incomplete */
  double seconds;        /* wall time of the command, NAN when incomplete */
  char *message;         /* why it failed or is incomplete; NULL when done */
} NdBatchResult;

void         nd_batch_result_clear (NdBatchResult *res);

/* OUT/NAME and OUT/.running/NAME (newly allocated). */
char        *nd_batch_row_dir (const char *out_dir, const NdBatchRow *row);
char        *nd_batch_row_work_dir (const char *out_dir, const NdBatchRow *row);

/* The row's result as on disk. A result from other arguments than the row's (the plan was edited) is
 * incomplete; so is a row that was started but never finished (its work folder is there). */
void         nd_batch_row_result (const char *out_dir, const NdBatchRow *row, NdBatchResult *res);
/* Done with the row's present arguments: a run skips it. */
gboolean     nd_batch_row_complete (const char *out_dir, const NdBatchRow *row);

/* Checks, before anything runs, that no row's OUT/NAME is something other than a result of that row (a
 * row never replaces a file or folder of the user's). Fails like nd_batch_plan_load(), all rows at once. */
gboolean     nd_batch_plan_check_out (const NdBatchPlan *plan, const char *out_dir, GError **error);

/* Starts the row: clears its work folder, runs `cli_path` with the row's arguments and its --out in the
 * plan's folder. The child ends with SIGTERM if the calling thread ends first. A fit or reduce row with no
 * --jobs of its own gets "--jobs fit_jobs" (the cores its fits run on; 0: the fit's default, every core)
 * on its command line but not in its args: where a row runs changes its speed, never its result. */
GSubprocess *nd_batch_row_spawn (const NdBatchPlan *plan, const NdBatchRow *row, const char *out_dir,
                                 const char *cli_path, guint fit_jobs, GError **error);
/* After the process has exited (not when it was stopped on purpose: a stopped row keeps its work folder,
 * with the log so far, until it runs again): writes the result and moves the work folder into place.
 * `res` gets the result. */
gboolean     nd_batch_row_finish (const char *out_dir, const NdBatchRow *row, GSubprocess *proc, double seconds,
                                  NdBatchResult *res, GError **error);

/* Removes a folder and everything in it (not following links); TRUE when it is gone. */
gboolean     nd_batch_remove_tree (const char *path);

G_END_DECLS
