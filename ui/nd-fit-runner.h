/* nd-fit-runner.h: runs an engine fit on its worker thread and feeds the main loop.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's worker (fit-worker.h) calls back on its own thread; the runner copies each progress report
 * into an immutable NdFitSnapshot under a lock, keeping only the newest. A 10 Hz main-loop timer takes it
 * and emits "progress", so views redraw at most ten times a second however fast the fit reports, and the
 * main loop never waits for the fit. When the fit ends, the validation scores and the final model traces
 * are computed on a GTask thread, then "finished" is emitted.
 */
#pragma once

#include <gio/gio.h>

#include "fit.h"
#include "nd-project.h"

G_BEGIN_DECLS

typedef struct
{
  int done, total;            /* iterations over all restarts */
  int iteration, iterations;  /* within the current restart */
  int restart, restarts;
  int stage, n_stages;
  int horizon;                /* > 0: the trace follows the recording (forced every horizon samples); 0: free run */
  gboolean searching;         /* the search of conductances and kinetics at a restart's start (fit-search.h) */
  int search_done, search_total;
  double train_loss, val_loss, best_val_loss;
  int n_gates;
  char **gate_labels;         /* "K.n" */
  double *x_inf, *tau;        /* n_gates * ND_FIT_CURVE_POINTS, -100..+60 mV */
  gsize trace_n;
  double *trace_v, *trace_obs;
  double trace_dt;
  gboolean trace_current;     /* voltage clamp: the traces are the membrane current in pA, not V in mV */
  double i_unit_pA;           /* voltage clamp: pA of one unit of the loss (1 % of the current's range), else 0 */
  double elapsed_s;           /* running time, pauses left out */
  double seconds_left;        /* the engine's estimate (nd_fit_progress), NAN before one */
  gboolean alternative;       /* the alternative start runs (fit.h, ND_FIT_ALT_INACT_MV) */
  double members_left_s;      /* an ensemble's time left, NAN before it is known or for a single fit */
} NdFitSnapshot;

typedef enum
{
  ND_FIT_IDLE,
  ND_FIT_RUNNING,
  ND_FIT_PAUSED,
  ND_FIT_STOPPING,
  ND_FIT_SCORING,
  ND_FIT_FINISHED,
} NdFitState;

#define ND_TYPE_FIT_RUNNER (nd_fit_runner_get_type ())
G_DECLARE_FINAL_TYPE (NdFitRunner, nd_fit_runner, ND, FIT_RUNNER, GObject)

NdFitRunner *nd_fit_runner_new (void);
/* Fits the plan's model with its options (nd_project_make_fit); takes ownership of `sweeps`. */
gboolean     nd_fit_runner_start (NdFitRunner *self, NdProjectSweeps *sweeps, GError **error);
void         nd_fit_runner_pause (NdFitRunner *self, gboolean paused);
void         nd_fit_runner_stop (NdFitRunner *self);
NdFitState   nd_fit_runner_get_state (NdFitRunner *self);
/* The newest snapshot (NULL before the first); valid until the next "progress". */
const NdFitSnapshot *nd_fit_runner_get_snapshot (NdFitRunner *self);
/* In a "progress" handler: whether the snapshot is new; an ensemble also signals once a second for its
 * time left and as its fits end, with the snapshot unchanged. */
gboolean     nd_fit_runner_snapshot_is_new (NdFitRunner *self);
/* Loss history gathered from the snapshots: x = iteration, NaN where validation was not run. */
guint        nd_fit_runner_get_history (NdFitRunner *self, const double **iteration, const double **train,
                                        const double **val);
/* Per point of the history: 1 where the model ran free, 0 where it was pulled towards the recording. */
const guint8 *nd_fit_runner_get_history_free (NdFitRunner *self);
/* After "finished": the fitted model, the engine's result, the scores (one per training and validation
 * sweep of the project's recording, in its order) and each scored sweep's model trace; the same for the
 * sweeps of a recording fitted together with it (all training; their sweep numbers its own). */
nd_model    *nd_fit_runner_get_model (NdFitRunner *self);
const nd_fit_result *nd_fit_runner_get_result (NdFitRunner *self);
const NdSweepScore *nd_fit_runner_get_scores (NdFitRunner *self, guint *n);
const double *nd_fit_runner_get_model_trace (NdFitRunner *self, guint i, gsize *n, double *dt);
const NdSweepScore *nd_fit_runner_get_with_scores (NdFitRunner *self, guint *n);
const double *nd_fit_runner_get_with_trace (NdFitRunner *self, guint i, gsize *n, double *dt);
/* n_members >= 2: the next start runs an ensemble of that many fits (ensemble.h) on one thread per core, and
 * the model it gives has the bands of the members that explain the data equally well; 0 or 1: one fit. */
void         nd_fit_runner_set_ensemble (NdFitRunner *self, int n_members);
/* The running (or last) ensemble's members (0 for a single fit); *done: finished so far, *kept: after
 * "finished", those kept for the bands. The snapshots follow member 0. */
int          nd_fit_runner_get_members (NdFitRunner *self, int *done, int *kept);
/* How many of the running (or last) ensemble's fits run side by side (1 for a single fit). */
int          nd_fit_runner_get_at_once (NdFitRunner *self);
/* After an ensemble: its kept members (their count; 0 after a single fit, or none kept) and what proposing
 * the next recording asks of the fitted one (propose-fit.h, as neurode-cli fit --propose asks it); valid
 * until the next start. */
struct nd_propose_options;   /* propose.h, whose nd_protocol is not explore.h's */
int          nd_fit_runner_get_kept (NdFitRunner *self, nd_model *const **members,
                                     const struct nd_propose_options **options);
/* Whether the running (or last) fit keeps the parameters with the best spike-aware score (a real cell,
 * nd_fit_real_cell): its validation losses are then scores, not mean squared errors. */
gboolean     nd_fit_runner_get_spike_aware (NdFitRunner *self);
/* A sentence for people about how the fit ended (failed, stopped, finished). */
const char  *nd_fit_runner_get_outcome (NdFitRunner *self);
gboolean     nd_fit_runner_get_failed (NdFitRunner *self);
/* Whether the last fit started trained on another recording of the cell too (nd_project_set_fitted_with). */
gboolean     nd_fit_runner_get_joint (NdFitRunner *self);

/* Scores one sweep (sweep-score.h: spike counts, first-spike shift, subthreshold RMSE and RMSE inside the
 * sweep's weights) of the model running free. `v` receives the model trace (drive.n values). */
NdSweepScore nd_fit_score_sweep (nd_model *model, const nd_fit_sweep *sweep, guint id, NdSweepRole role, double *v);

G_END_DECLS
