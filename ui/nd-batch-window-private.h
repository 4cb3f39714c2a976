/* nd-batch-window-private.h: what nd-batch-window*.c share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "batch/batch-plan.h"
#include "batch/batch-summary.h"
#include "nd-batch-window.h"

struct _NdBatchWindow
{
  AdwWindow parent_instance;

  NdWindow *parent;            /* weak */
  GSettings *settings;
  char *folder;                /* recordings */
  char *results;
  gboolean results_chosen;     /* by the user, not derived from the folder */
  GPtrArray *recordings;       /* file names in `folder`, sorted */

  /* The run shown on the results page. */
  guint run_id;                /* messages from an older run are dropped */
  GCancellable *cancellable;   /* while a run is going */
  NdBatchPlan *plan;
  char *source_json;           /* the project the plan was made from, for opening rows as projects */
  GHashTable *rows;            /* row name -> AdwActionRow on the results page */
  char *status;

  /* Template children */
  AdwToastOverlay *toasts;
  GtkStack *stack;
  GtkWidget *back_button, *stop_button;
  AdwActionRow *folder_row, *found_row, *model_row, *sweeps_row, *fit_row, *results_row;
  AdwPreferencesGroup *settings_group, *run_group;
  GtkSpinButton *seeds, *fits, *jobs;   /* fits: of an ensemble per row (Uncertainty), 1: one fit */
  GtkLabel *status_label, *summary_label;
  GtkProgressBar *progress;
  GtkListBox *rows_list;
};

void nd_batch_window_toast (NdBatchWindow *self, const char *text);
void nd_batch_window_update_actions (NdBatchWindow *self);

/* nd-batch-window-plan.c: the plan for the folder, from the main window's project. NULL (error set, in the
 * user's words) when there is nothing to fit or no training sweep. *source_json gets the project. */
char *nd_batch_window_make_plan (NdBatchWindow *self, char **source_json, GError **error);
/* The project's model, sweeps and fit settings in words, for the settings page. */
void  nd_batch_window_describe_project (NdBatchWindow *self);

/* nd-batch-window-run.c: runs the plan here (GTask), shows the rows and their results. */
void  nd_batch_window_start (NdBatchWindow *self, const char *plan_path, gboolean run);
void  nd_batch_window_stop (NdBatchWindow *self);
/* Writes NAME.neurode beside the row's results and opens it in the main window. */
void  nd_batch_window_open_row (NdBatchWindow *self, const char *name);
