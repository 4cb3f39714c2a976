/* nd-reduce-window-private.h: state shared by the assistant's files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cell-file.h"
#include "fit-worker.h"
#include "nd-reduce-window.h"

#define ND_REDUCE_N_STEPS 3         /* the training step and two held-out amplitudes */
#define ND_REDUCE_N_PROT 16         /* at most this many protocols (stimulus files) */
#define ND_REDUCE_MAX_DT 0.025      /* largest integration step, ms (as `neurode-cli reduce`) */
#define ND_REDUCE_FRAME_MS 0.25     /* voltage frames kept for the morphology (at most ND_REDUCE_MAX_FRAMES) */
#define ND_REDUCE_MAX_FRAMES 4000

enum { CH_NA, CH_KD, CH_KM, CH_LEAK, N_CH };
enum { R_SOMA, R_AXON, R_BASAL, R_APICAL, N_R };

typedef struct
{
  double amp_pA;                 /* largest stimulus current */
  char *label;                   /* for people: "Training step, 0.65 nA" */
  gboolean held_out;
  gsize n;
  double dt;
  int n_sub;
  double *i_pA, *dens, *v_full, *i_axial, *v_red, *i_learned;
  double t_full_s, t_red_s;
} NdReduceProtocol;

struct _NdReduceWindow
{
  AdwWindow parent_instance;

  /* template */
  AdwToastOverlay *toasts;
  GtkStack *stack;
  GtkBox *cell_page, *channels_page, *full_page, *fit_page, *results_page;

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
  GtkWidget *run_button;
  GtkProgressBar *full_progress;
  GtkLabel *full_status;
  GtkAdjustment *time_adj;
  GtkToggleButton *play;
  guint play_timer, full_timer;
  int full_done, full_total;     /* atomic: samples simulated */
  NdCellFile *run_file;          /* what the full run simulated */
  NdCell *run_cell;
  NdReduceProtocol prot[ND_REDUCE_N_PROT];
  int n_prot;
  double *frames;                /* n_frames * n_nodes */
  int n_frames;
  double frame_ms;               /* time between frames */
  /* step 4 */
  GtkSpinButton *iterations, *latents;
  GtkWidget *start_button, *pause_button, *resume_button, *stop_button;
  GtkProgressBar *fit_progress;
  GtkLabel *fit_status;
  nd_fit_worker *worker;
  nd_model *model;               /* the reduced model before the fit, then the fitted one */
  nd_fit_result result;
  gboolean have_result;
  guint fit_timer;
  gint64 fit_started_us;         /* moved on by the time spent paused, for the estimate of time left */
  gint64 paused_at_us;
  GMutex lock;                   /* guards the snapshot below, written by the fit thread */
  struct
  {
    gboolean fresh;
    int done, total, horizon;
    int iteration, iterations, restart, restarts;   /* within the current start, and of the starts */
    double train_loss, val_loss;
    double *trace_v, *trace_i;     /* soma voltage and learned current (uA/cm2) of the first protocol */
    gsize trace_n;
  } snap;
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
  gboolean disposed;               /* callbacks of threads still running do nothing */
};

/* nd-reduce-window-run.c */
/* "about 3 minutes left" from the time and iterations so far (the first seconds: "estimating …"). */
char *nd_reduce_time_left (double elapsed_s, int done, int total);
void nd_reduce_window_run_full (NdReduceWindow *self);
void nd_reduce_window_fit_start (NdReduceWindow *self);
void nd_reduce_window_fit_pause (NdReduceWindow *self, gboolean paused);
void nd_reduce_window_fit_stop (NdReduceWindow *self);
void nd_reduce_window_run_clear (NdReduceWindow *self);   /* stops and frees every run */
void nd_reduce_window_show_frame (NdReduceWindow *self, double t_ms);
/* nd-reduce-window.c */
void nd_reduce_window_set_state (NdReduceWindow *self, NdReduceState state);
void nd_reduce_window_toast (NdReduceWindow *self, const char *text);
void nd_reduce_window_read_settings (NdReduceWindow *self, NdCellFile *file);
void nd_reduce_window_show_results (NdReduceWindow *self);
