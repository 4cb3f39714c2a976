/* fit.h: fitting a model's trainable parameters to recorded voltage traces.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loss: MSE of V over the chosen sweeps and windows (+ optional dV/dt MSE),
 * gradients from the discrete adjoint (integrator.h). Optimiser: Adam on
 * biophysical parameters, AdamW on network weights, global-norm clipping,
 * warm-up + cosine learning-rate schedule, projection onto the bounds.
 *
 * Schedule of one restart (chosen by measurement on the K experiment):
 *  1. voltage forcing: the trace is pulled to the recording at every sample
 *     (force 1), so gates are driven by the recorded V and the loss is the
 *     one-sample-ahead prediction error: a smooth, well-conditioned regression
 *     that does not depend on the seed's first guess spiking at the right times;
 *  2. a weaker pull (V += 0.3 (V_rec - V) every sample: nudging), so the
 *     model's own dynamics carry more of the trace and noise averages out;
 *  3. free run on the whole trace.
 * All stages use L-BFGS by default: on the K experiment it reached 0.01 mV
 * training RMSE in 400 iterations where Adam (lr 1e-3..1e-2, 1000 steps)
 * stalled at 0.2-2 mV. A smoothness prior on the learned curves (below)
 * halved the held-out error on clean data and made noisy recordings
 * (sigma_V = 0.1) fit at all. Longer forcing horizons (multiple shooting) and
 * Adam stages remain available through the options.
 * Several restarts from different initialisations; the parameters with the
 * best free-running loss on the validation sweeps (or the training sweeps
 * when none are given) are kept. A step whose loss or gradient is not finite
 * is rejected: parameters go back to the last good ones and the learning
 * rate is halved.
 *
 * Deterministic for a given seed. Never allocates in the callback path beyond
 * the snapshot buffers it owns; never touches GUI toolkits: the progress
 * callback runs on the fitting thread and must copy what it needs.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "integrator.h"
#include "model.h"

/* One recorded sweep: current clamp (the injected current drives, V is
 * recorded) or voltage clamp (drive.v_clamp: the command drives, the
 * membrane current is recorded). A fit may mix both, e.g. recordings of
 * one cell in both modes. */
typedef struct {
  nd_drive drive;          /* stimulus (v_force/force are set by the fit) */
  const double *v_obs;     /* current clamp: recorded V (mV); NULL in voltage clamp */
  const double *weight;    /* loss window per sample, or NULL */
  /* Voltage clamp: the recorded membrane current (uA/cm2, outward
   * positive; capacitive transients left out by the window) and the current
   * (uA/cm2) that counts as one unit of the loss: fit-data.h takes 1 % of
   * the recording's range, so an error of 1 % of the range weighs as 1 mV
   * of a spiking trace (about 100 mV high) does in current clamp. Every
   * stage fits the current directly: V is the command, nothing to pull. */
  const double *i_obs;
  double i_unit;
} nd_fit_sweep;

#define ND_FIT_MAX_STAGES 6

typedef struct {
  uint64_t seed;
  int iterations;          /* optimiser steps per restart (all stages); 0: automatic */
  /* > 0: the whole fit's optimiser steps, a limit the user set: every
   * restart gets an equal share (iterations is ignored), and the extra
   * restarts and the polish run only within what is left, so the fit stops
   * after at most this many steps (the search's simulations are counted by
   * search_evals, not here). */
  int total_iterations;
  /* Stages: the trace is pulled to the recording every horizon[k] samples
   * (multiple shooting; 0 = free run) for a share frac[k] of the iterations. */
  int n_stages;
  int horizon[ND_FIT_MAX_STAGES];
  double frac[ND_FIT_MAX_STAGES];
  double force[ND_FIT_MAX_STAGES];  /* pull strength 0..1 of forced stages (0 means 1) */
  bool lbfgs[ND_FIT_MAX_STAGES];  /* L-BFGS (exact line search-free Armijo steps) instead of Adam */
  int lbfgs_memory;
  int restarts;            /* 0: automatic (1, 2 with validation sweeps) */
  /* Up to this many further restarts, one at a time, while the kept fit's
   * free-running validation (or training) MSE exceeds 1.5 times the
   * recording's estimated noise variance plus ND_FIT_MISS_MV squared: a fit that
   * does not explain the recording is a local minimum, not the answer.
   * Only with automatic restarts (restarts 0). */
  int extra_restarts;
  /* Then the kept fit is refined for this many free-running iterations from
   * its own parameters (0: never) if it still misses, if its loss is above
   * ND_FIT_POLISH_ABOVE times the noise variance (for noise of at least
   * ND_FIT_POLISH_NOISE_MV; a clamp current's noise in its i_unit), or if
   * the recording is noisier than ND_FIT_SMOOTH_ABOVE_MV. All three converge
   * slowly in the free run: a fit near the limit of what its model can
   * explain (a misspecified model), whose fresh restarts land in the same
   * place; a fit whose optimiser stopped short of the noise (a slow gate);
   * and a noisy recording, whose free-running loss is the one that averages
   * the noise out (K experiment, sigma_V 0.1: training-trace RMSE median 1.08 ->
   * 0.83 mV). Only with automatic restarts. */
  int polish_iterations;
  double lr;               /* peak learning rate of network weights */
  double lr_bio;           /* peak learning rate of gbar/E (relative to their size) */
  double weight_decay;     /* AdamW, network weights only */
  double clip;             /* global gradient norm */
  double dvdt_weight;      /* dV/dt term of the free-run loss */
  /* Gaussian smoothing (s.d. in ms) of the recording used by forced stages;
   * < 0: chosen from the noise the recording shows, 0: none. Free-running
   * stages always fit the raw recording (noise there only adds a constant). */
  double smooth_ms;
  /* Smoothness prior on every learned gate: lambda * sum of squared second
   * differences of logit x_inf and log tau on a 2 mV grid from -100 to +60 mV,
   * with lambda = smoothness * max(noise s.d., 0.3 mV)^2, so the prior weighs
   * the same against the data whatever the noise. 0: none. */
  double smoothness;
  double init_scale;       /* network initialisation scale */
  /* Refine instead of starting afresh: the first restart keeps the model's
   * network weights and spends all its iterations on the last (free-running)
   * stage; further restarts start from new initialisations as usual. */
  bool warm_start;
  int validate_every;      /* iterations between validation runs */
  /* Choose the kept parameters by the worst validation sweep's loss instead
   * of the mean over the sweeps (a reduction is judged per protocol). */
  bool val_worst;
  double progress_interval_s; /* minimum time between progress callbacks */
  /* Real recordings: spikes are sparse, a few milliseconds off in any
   * model, and the model cannot be exact, so a free-running voltage MSE
   * prefers a model that never fires (a spike a little late costs twice a
   * spike left out). With spike_aware the free-running stages
   *  - leave the recording's spikes out of the MSE (mask_spikes),
   *  - add the mean and s.d. of V in windows of stats_window_ms, weighted
   *    by stats_weight (the s.d. of a window is what its spikes add,
   *    wherever in the window they fall; as Jaxley fits real cells),
   * and the kept parameters are those with the best spike-aware score
   * (nd_fit_spike_score) instead of the lowest MSE. */
  int spike_aware;          /* 1, 0, or ND_FIT_AUTO: on for a real cell (nd_fit_real_cell) */
  double stats_window_ms;
  double stats_weight;
  /* Simulations of the biophysical search (fit-search.h) at the start of
   * every fresh restart: 0 none, ND_FIT_AUTO: ND_FIT_SEARCH_EVALS for a
   * real cell, else none. */
  int search_evals;
  /* Cores the fit may use at once (lanes.h): the sweeps of a gradient or a
   * check and the search's candidates run side by side, with results
   * identical to one core's. 0: every core the process may use. */
  int threads;
} nd_fit_options;

#define ND_FIT_AUTO (-1)
/* Automatic iterations per restart: measured on the K experiment; a real
 * cell's restarts spend fewer after their search: on the three real
 * recordings the kept model came from the search or early free-running
 * checkpoints, identical at 150 and 200 steps, and 150 keeps two starts of a
 * 3-sweep, 3 s, 20 kHz fit within 10 minutes of a core (508-549 s against
 * 637-641 s on the 2-core test machine). */
#define ND_FIT_ITERATIONS 400
#define ND_FIT_REAL_ITERATIONS 150
/* A real cell's restart ends its gradient stages after this many gradient
 * evaluations per planned iteration: a line search that backtracks on every
 * step (up to 12 gradients) tripled 190619B's time for no better model. */
#define ND_FIT_REAL_GRADIENTS_PER_STEP 2
/* Measured on three real recordings (docs/real-recordings.md): CMA-ES
 * reaches its plateau on 13 searched numbers within about 600 simulations. */
#define ND_FIT_SEARCH_EVALS 600
/* A real cell's automatic restarts end with one more: sodium inactivation
 * ND_FIT_ALT_INACT_MV further depolarised than published (the offset of every
 * known sodium channel's inactivation that is not fitted), kept only when its
 * model scores better on the validation sweeps. Pospischil's inactivation
 * leaves no plateau between spikes; 190619B's cell rides one at -30 to
 * -10 mV. Set by hand, +25 mV took its median subthreshold error from 15.4
 * to 8.2 mV; fitted from 0 the offset stopped at +11.5 mV (11.4 mV). */
#define ND_FIT_ALT_INACT_MV 25.0

void nd_fit_options_default (nd_fit_options *o);

/* A model of a real cell: the fit may change known channels' conductances,
 * reversal potentials or kinetics offsets (a template's, or ticked in the
 * Model view). Its fit is spike-aware, starts each restart with the
 * biophysical search, and keeps the best of two restarts (with validation
 * sweeps) and the alternative start (ND_FIT_ALT_INACT_MV), without the extra
 * restarts and polish that aim at a noise-level fit. */
bool nd_fit_real_cell (const nd_model *m);

typedef struct {
  atomic_int cancel;       /* set to stop; the best parameters so far are kept */
  atomic_int pause;        /* set to pause between iterations (and the search's generations), clear to resume */
} nd_fit_control;

/* Waits while ctl is paused (NULL: never); false when the fit is cancelled.
 * The time held is left out of the fit's time left (fit-eta.h). */
bool nd_fit_hold (nd_fit_control *ctl);

#define ND_FIT_CURVE_POINTS 161  /* -100..+60 mV in 1 mV steps */

typedef struct {
  int iteration, iterations;   /* within the current restart */
  int restart, restarts;       /* rounds run so far (fresh restarts, then the polish) */
  int done, total;             /* iterations over all rounds, and the planned total (a miss adds rounds) */
  int steps_done;              /* gradient steps over all rounds, without the searches (a loss plot's x) */
  int stage;                   /* index into the options' stages */
  /* The biophysical search at a restart's start (fit-search.h): while it
   * runs, searching is true and search_done of search_total simulations
   * are done; done and total count 3 simulations as one iteration (a
   * count, not a time: a step costs 1.8 to 18 simulations, seconds_left
   * prices each). */
  bool searching;
  int search_done, search_total;
  int horizon;                 /* its forcing horizon in samples (0: free run) */
  double train_loss;           /* of the last step (forced or free-running) */
  double val_loss;             /* last free-running validation loss (NaN before the first) */
  double best_val_loss;
  /* x_inf and tau (ms) of every learned gate at -100..+60 mV */
  int n_gates;
  const char *const *gate_labels;  /* "K.n" */
  const double *x_inf, *tau;       /* n_gates * ND_FIT_CURVE_POINTS */
  /* the model's free-running trace of the first training sweep */
  size_t trace_n;
  const double *trace_v, *trace_obs;
  double trace_dt;
  /* along it, the model's first free learned current (uA/cm2; NULL without one) */
  const double *trace_free;
  /* The first training sweep is voltage clamp: trace_v and trace_obs are
   * the model's and the recorded membrane current (uA/cm2), not V. */
  bool trace_current;
  /* The parameters kept so far (m->n_params doubles, valid during the
   * callback), and a count that grows whenever they change: a caller can
   * save the best model so far, so a stopped fit leaves a usable result. */
  const double *best_params;
  int best_version;
  /* Seconds the planned rounds still take, priced at what the search's
   * simulations and the gradient steps have cost so far (fit-eta.h); NAN
   * until something has been timed. Extra rounds of a miss are not planned. */
  double seconds_left;
  /* The round running now is the alternative start (ND_FIT_ALT_INACT_MV). */
  bool alternative;
} nd_fit_progress;

typedef void (*nd_fit_progress_fn) (const nd_fit_progress *p, void *user);

typedef struct {
  double best_val_loss;    /* validation (or training) MSE of the kept parameters */
  double train_loss;       /* free-running training MSE of the kept parameters */
  int best_restart;        /* round of the kept parameters (fresh restarts, then the polish) */
  int alt_restart;         /* round of the alternative start (ND_FIT_ALT_INACT_MV), -1 for none */
  int iterations_done;     /* over all restarts */
  int rejected_steps;      /* NaN/Inf guard */
  long gradients;          /* loss-and-gradient evaluations over all restarts (the optimiser's cost) */
  bool cancelled;
  double noise_sd;         /* noise s.d. estimated from the training recording, mV */
  double smooth_ms;
  /* Smoothness prior on every learned gate: lambda * sum of squared second
   * differences of logit x_inf and log tau on a 2 mV grid from -100 to +60 mV,
   * with lambda = smoothness * max(noise s.d., 0.3 mV)^2, so the prior weighs
   * the same against the data whatever the noise. 0: none. */
  double smoothness;        /* smoothing used by the forced stages */
  /* loss history (one row per iteration over all restarts) */
  int n_history;
  double *history_train, *history_val;   /* val: NaN where not evaluated */
  /* 1 where the training loss is the model's running free, 0 where it was pulled towards the recording
   * (a smaller number of another kind: the loss plot draws the two apart). */
  unsigned char *history_free;
} nd_fit_result;

/* Fits m's trainable parameters in place (m ends with the best parameters).
 * val may be NULL / n_val 0. ctl and progress may be NULL. Returns 0, or -1
 * if m has nothing to train or the data are empty. */
int nd_fit (nd_model *m, const nd_fit_sweep *train, int n_train, const nd_fit_sweep *val, int n_val,
            const nd_fit_options *opt, nd_fit_control *ctl, nd_fit_progress_fn progress, void *user,
            nd_fit_result *result);
void nd_fit_result_clear (nd_fit_result *r);

/* Spike-aware score of a model on sweeps (lower is better): the mean over
 * the sweeps of the subthreshold MSE (spikes cut out, sweep-score.h) plus
 * (ND_FIT_SPIKE_MV)^2 e^2, where e is the spike-count error
 * nd_spike_count_error(), plus, for a model that stays silent where the
 * cell fires, its peak's distance below the cell's first spike onset over
 * ND_FIT_SILENT_MV: a count at the edge of the tolerance costs as
 * much as 10 mV of subthreshold RMSE, a model that stays silent where the
 * cell fires 20 spikes as much as 175 mV. With worst, the worst sweep
 * instead of the mean. 10 mV: at 3 mV the subthreshold error of a tonically
 * firing cell (spikes a few ms apart in phase) outweighed a count off by
 * half, and the search settled on models firing 40 % too often (17o05028:
 * 5 of 13 validation sweeps agreed, 11 of 13 at 10 mV). */
#define ND_FIT_SPIKE_MV 10.0
/* A silent model's gap to the recording's threshold adds one unit of spike
 * error per this many mV. */
#define ND_FIT_SILENT_MV 5.0
double nd_fit_spike_score (nd_model *m, const nd_fit_sweep *sw, int n, bool worst);

/* Smoothing chosen for a recording with this noise s.d. (smooth_ms < 0). */
#define ND_FIT_NOISE_FLOOR_MV 0.3   /* floor of the prior's noise scale */
#define ND_FIT_SMOOTH_ABOVE_MV 2.0  /* smoothing only pays off for strong noise */
#define ND_FIT_AUTO_SMOOTH_MS 0.3
#define ND_FIT_MISS_MV 2.0          /* unexplained RMSE that triggers an extra restart */
#define ND_FIT_POLISH_ABOVE 1.1     /* times the noise variance: a fit above it is polished ... */
#define ND_FIT_POLISH_NOISE_MV 0.1  /* ... if the recording's noise is at least this */
double nd_fit_auto_smooth_ms (double noise_sd_mV);
/* The noise s.d. of the sweeps' recorded signal (mV; a clamp current in units of its i_unit), robust to
 * spikes: what nd_fit_result.noise_sd reports for the training sweeps. */
double nd_fit_noise_estimate (const nd_fit_sweep *sw, int n);
/* The potentials the sweeps visit (mV): the recorded V, or in voltage clamp the command. Non-finite samples
 * are skipped; *lo > *hi when there are none. */
void nd_fit_v_range (const nd_fit_sweep *sw, int n, double *lo, double *hi);

/* Initialises every network for a fresh fit: nd_mlp_init plus first-layer
 * biases spread over the input range (uniform in [-scale, scale]), so that
 * LayerNorm of the scalar input is not a step function of V. */
void nd_fit_init_networks (nd_model *m, uint64_t seed, double scale);
