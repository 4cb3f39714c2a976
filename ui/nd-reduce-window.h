/* nd-reduce-window.h: the Reduce a Morphology assistant.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Five steps in one window: 1. open a cell (the shipped CA1 cell, a cell file or a bare SWC with default
 * channels) and see its morphology; 2. set channel densities per region, Ra, cm and the current step;
 * (for the CA1 example, the shipped training and held-out stimulus files may be used instead of the step);
 * 3. simulate the full cell on a worker thread and colour the morphology by voltage over time; 4. fit the
 * soma plus a learned current to the soma voltage (the steps are engine/io/reduce-workflow.h's, as for
 * `neurode-cli reduce`; progress coalesced to a 10 Hz main-loop timer); 5. results per protocol (the step trained on and two held-out amplitudes), the
 * integration time of both models and exports.
 *
 * Every button is a `reduce.*` action on the window: example, open-cell, open-swc, run-full, play,
 * fit-start, fit-pause, fit-resume, fit-stop, save-model, export-plots, back, next.
 */
#pragma once

#include <adwaita.h>

#include "nd-morphology-view.h"
#include "nd-plot.h"

G_BEGIN_DECLS

typedef enum
{
  ND_REDUCE_EMPTY,        /* no cell */
  ND_REDUCE_LOADED,       /* a cell, not simulated */
  ND_REDUCE_SIMULATING,
  ND_REDUCE_SIMULATED,    /* full model traces ready */
  ND_REDUCE_FITTING,
  ND_REDUCE_PAUSED,
  ND_REDUCE_SCORING,      /* fit ended; reduced model being run */
  ND_REDUCE_DONE,         /* results ready */
} NdReduceState;

typedef enum
{
  ND_REDUCE_PLOT_FULL,    /* soma voltage of the full model (step 3) */
  ND_REDUCE_PLOT_LOSS,
  ND_REDUCE_PLOT_SOMA,    /* full vs reduced soma voltage */
  ND_REDUCE_PLOT_AXIAL,   /* true axial vs learned current */
  ND_REDUCE_N_PLOTS
} NdReducePlot;

typedef struct
{
  double amplitude_pA;            /* largest stimulus current */
  char label[96];                 /* "Training step, 0.65 nA", "Held-out sweep 2, up to 0.85 nA" */
  gboolean held_out;
  double rmse_mV;
  int spikes_full, spikes_reduced;
  double spike_shift_ms;          /* mean |difference| of paired spike times, NAN without spikes */
  /* From the mean interspike interval; NAN with fewer than two spikes. The error is reduced against full. */
  double rate_full_hz, rate_reduced_hz, rate_error_pct;
  /* The full cell against itself with its input ND_REDUCE_SENSITIVITY weaker or stronger: the yardstick. */
  double sens_rmse_mV;
  double t_full_s, t_reduced_s;   /* integration CPU time */
} NdReduceResult;

#define ND_TYPE_REDUCE_WINDOW (nd_reduce_window_get_type ())
G_DECLARE_FINAL_TYPE (NdReduceWindow, nd_reduce_window, ND, REDUCE_WINDOW, AdwWindow)

NdReduceWindow *nd_reduce_window_new (GtkApplication *app);

/* A cell file (.json) or an SWC morphology (default CA1 channels); errors in the user's words. */
gboolean       nd_reduce_window_open (NdReduceWindow *self, const char *path, GError **error);
gboolean       nd_reduce_window_open_example (NdReduceWindow *self, GError **error);
NdReduceState  nd_reduce_window_get_state (NdReduceWindow *self);
int            nd_reduce_window_get_n_compartments (NdReduceWindow *self);
void           nd_reduce_window_show_step (NdReduceWindow *self, const char *name);
/* Plays (or pauses) the voltage animation of step 3, as its play button does. */
void           nd_reduce_window_set_playing (NdReduceWindow *self, gboolean playing);
/* Whether the fit trains on the example's stimulus files (steps and noisy inputs) rather than the step. */
void           nd_reduce_window_set_use_stimulus_files (NdReduceWindow *self, gboolean use);
void           nd_reduce_window_set_iterations (NdReduceWindow *self, int iterations);
/* The full model's soma voltage under the training step (NULL before a run). */
const double  *nd_reduce_window_get_soma_trace (NdReduceWindow *self, gsize *n, double *dt_ms);
NdPlot        *nd_reduce_window_get_plot (NdReduceWindow *self, NdReducePlot which);
NdMorphologyView *nd_reduce_window_get_morphology (NdReduceWindow *self, gboolean voltage);
/* Iterations reported so far by the running (or last) fit. */
int            nd_reduce_window_get_iterations_done (NdReduceWindow *self);
const NdReduceResult *nd_reduce_window_get_results (NdReduceWindow *self, guint *n);
/* Worker threads of Reduce windows still running, open or closed (a closed window's end within a
 * second of its closing). */
int            nd_reduce_window_running_threads (void);

gboolean       nd_reduce_window_save_model (NdReduceWindow *self, const char *path, GError **error);
/* Writes every plot next to `path` (its extension chooses PNG, SVG or PDF): NAME-loss.EXT,
 * NAME-soma.EXT, NAME-axial.EXT, NAME-full.EXT, NAME-morphology.png and, after a full run,
 * NAME-morphology-voltage.png (the voltage at the time shown). */
gboolean       nd_reduce_window_export_plots (NdReduceWindow *self, const char *path, GError **error);

G_END_DECLS
