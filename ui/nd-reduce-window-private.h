/* nd-reduce-window-private.h: state shared by the assistant's files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cell-file.h"
#include "nd-reduce-window.h"
#include "reduce-workflow.h"

#define ND_REDUCE_N_STEPS 3         /* the training step and two held-out amplitudes */
#define ND_REDUCE_N_PROT 16         /* at most this many protocols (stimulus files) */
#define ND_REDUCE_MAX_DT 0.025      /* largest integration step, ms (as `neurode-cli reduce`) */
#define ND_REDUCE_FRAME_MS 0.25     /* voltage frames kept for the morphology (at most ND_REDUCE_MAX_FRAMES) */
#define ND_REDUCE_MAX_FRAMES 4000

enum { CH_NA, CH_KD, CH_KM, CH_LEAK, N_CH };
enum { R_SOMA, R_AXON, R_BASAL, R_APICAL, N_R };

/* The cell a full run simulated, shared (g_rc_box) by the window and the fit's thread. */
typedef struct
{
  NdCellFile *file;
  NdCell *cell;
} NdReduceCell;

struct _NdReduceWindow
{
  AdwWindow parent_instance;

  /* template */
  AdwToastOverlay *toasts;
  GtkStack *stack;

  /* step 1 */
  NdCellFile *file;
  NdCell *cell;
  NdMorphologyView *morph_view;
  GtkLabel *error_label;
  GtkLabel *count_labels[6];
  /* step 2 */
  GtkSpinButton *density[N_R][N_CH];
  GtkSpinButton *ra, *cm, *amp, *start, *end, *duration;
  GtkSwitch *use_files;          /* train on the CA1 stimulus files instead of the step */
  GtkWidget *files_row;
  char *stim_dir;                /* where the example's stimulus files are, or NULL */
  /* step 3 */
  NdMorphologyView *volt_view;
  GtkProgressBar *full_progress;
  GtkLabel *full_status;
  GtkAdjustment *time_adj;
  GtkToggleButton *play;
  guint play_timer, full_timer;
  int full_total;                /* samples the full run simulates */
  NdReduceCell *run;             /* what the full run simulated */
  GPtrArray *prots;              /* nd_reduce_protocol *: the full run's, with the reduced model's once scored */
  char *labels[ND_REDUCE_N_PROT];   /* "Training step, 0.65 nA" */
  /* The running work (nd-task.h: it holds the window only through a weak reference): cancelled when the
   * window closes or another cell opens. The jobs are the tasks' (freed after their callbacks), NULL
   * when none runs or the window no longer waits for it. */
  GCancellable *cancellable;
  struct NdReduceFullJob *full_job;
  struct NdReduceFitJob *fit_job;
  double *frames;                /* n_frames * n_nodes */
  int n_frames;
  double frame_ms;               /* time between frames */
  /* step 4 */
  GtkSpinButton *iterations, *latents;
  GtkWidget *pause_button, *resume_button, *stop_button;
  GtkProgressBar *fit_progress;
  GtkLabel *fit_status;
  nd_model *model;               /* the fitted reduced model */
  nd_fit_result result;
  gboolean have_result;
  guint fit_timer;
  GTimer *fit_clock;             /* the fit's running time, stopped while paused: for the time left */
  GArray *hist_x, *hist_train, *hist_val;
  int iterations_done;
  /* plots */
  NdPlotModel *plot_m[ND_REDUCE_N_PLOTS];
  NdPlot *plot[ND_REDUCE_N_PLOTS];
  /* step 5 */
  AdwPreferencesGroup *result_group, *timing_group;
  GPtrArray *result_rows;
  NdReduceResult results[ND_REDUCE_N_PROT];
  guint n_results;

  NdReduceState state;
};

/* nd-reduce-window-run.c */

/* "about 3 minutes left" from the time and iterations so far (the first seconds: "estimating …"). */
char *nd_reduce_time_left (double elapsed_s, int done, int total);
void nd_reduce_window_run_full (NdReduceWindow *self);
void nd_reduce_window_fit_start (NdReduceWindow *self);
void nd_reduce_window_fit_pause (NdReduceWindow *self, gboolean paused);
void nd_reduce_window_fit_stop (NdReduceWindow *self);
void nd_reduce_window_run_cancel (NdReduceWindow *self);  /* cancels the running work, keeps results */
void nd_reduce_window_run_clear (NdReduceWindow *self);   /* cancels and frees every run */
void nd_reduce_window_show_frame (NdReduceWindow *self, double t_ms);
/* nd-reduce-window.c */
void nd_reduce_window_set_state (NdReduceWindow *self, NdReduceState state);
void nd_reduce_window_toast (NdReduceWindow *self, const char *text);
void nd_reduce_window_read_settings (NdReduceWindow *self, NdCellFile *file);
void nd_reduce_window_show_results (NdReduceWindow *self);
