/* reduce-workflow.h: a reduction's steps, once, for `neurode-cli reduce` and the Reduce assistant.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 1. the full cell under every protocol (nd_reduce_run_full), then 2-4 (nd_reduce_fit_reduced): the
 * soma plus a learned current scaled to the training data, its fit to the soma voltage of the training
 * protocols (the held-out ones choose the start kept), and free runs of the fitted model on every
 * protocol. The command line calls nd_reduce_workflow_run (all four); the window runs 1 and 2-4 on
 * threads of its own, on copies of the protocols (nd_reduce_protocols_copy). Both get the same model
 * from the same settings and stimuli, byte for byte.
 *
 * Control: every step checks nd_reduce_control.cancel (at every sample of the full cell, between the
 * fit's iterations), so a closed window's work ends at once; fit.cancel alone ends only the fit, which
 * keeps its best parameters, and the free runs still follow.
 */
#pragma once

#include <glib.h>

#include "cell-file.h"
#include "fit.h"
#include "morph/reduce.h"

G_BEGIN_DECLS

typedef enum { ND_REDUCE_SET_TRAIN, ND_REDUCE_SET_HELD_OUT, ND_REDUCE_SET_TEST, ND_REDUCE_N_SETS } nd_reduce_set;

/* One stimulus sweep of a file (what `neurode-cli morph-simulate` runs, too). */
typedef struct {
  double dt_ms;     /* sample interval */
  double t0_ms;     /* time of the first sample */
  gsize n;
  double *i_pA;     /* stimulus current */
} nd_stimulus_sweep;

/* Every sweep's stimulus current (pA) from any recording Neurode reads; a file of currents only
 * (sweep,t_ms,i_pA) is fine. The array frees the currents when it is unreferenced. */
GArray *nd_stimulus_sweeps_load (const char *path, GError **error);
/* An empty sweep array that frees its currents. */
GArray *nd_stimulus_sweeps_new (void);

/* A protocol and what both models did under it (arrays of n, owned). */
typedef struct {
  nd_reduce_set set;
  int index;                     /* sweep number within its file */
  gsize n;
  double dt_ms, t0_ms;
  int n_sub;                     /* integration steps per sample */
  double *i_pA, *dens;           /* stimulus; as a density at the reduced soma (step 2) */
  double *v_full, *i_axial;      /* step 1 */
  double *v_red, *i_learned;     /* step 4 */
  double t_full_s, t_red_s;      /* integration time (CPU of the thread) of both models */
  /* Step 1 also runs the full cell with its stimulus ND_REDUCE_SENSITIVITY weaker and stronger and scores
   * it against itself (the mean of the two): how far the cell moves when its input is off by that much,
   * the yardstick for the reduced model's error under this protocol (NAN rate below two spikes). */
  double sens_rmse_mV, sens_shift_ms, sens_rate_pct, sens_coincidence;
} nd_reduce_protocol;

/* 0.5 %: a current calibration a good amplifier keeps, and about the reduced model's rate error. Near
 * threshold a noisy input's spikes move by milliseconds when the input changes by this much. */
#define ND_REDUCE_SENSITIVITY 0.005
/* Spikes within this much of each other coincide (nd_spikes_coincidence): the "every spike within
 * 2 ms", and Jolivet et al.'s window. */
#define ND_REDUCE_COINCIDENCE_MS 2.0

typedef struct {
  nd_reduce_shape shape;         /* ND_REDUCE_LATENTS with a ND_REDUCE_Z_LEAK_MS leak, MLP 32x2 */
  double max_dt_ms;              /* largest integration step, 0.025 ms */
  nd_fit_options fit;            /* nd_reduce_fit_options_default */
} nd_reduce_settings;

void nd_reduce_settings_default (nd_reduce_settings *s);

typedef struct {
  nd_fit_control fit;            /* fit.cancel: stop fitting, keep the best so far; fit.pause */
  atomic_int cancel;             /* abandon the workflow (nd_reduce_control_cancel) */
  atomic_int step;               /* the step running: 1 full cell, 2 build, 3 fit, 4 free runs */
  atomic_int samples_done;       /* of the full cell, over all protocols and their three runs */
} nd_reduce_control;

void nd_reduce_control_init (nd_reduce_control *c);
/* Thread-safe: ends every step as soon as it next checks. */
void nd_reduce_control_cancel (nd_reduce_control *c);

/* An array of nd_reduce_protocol * that frees them; a deep copy of one (a thread's snapshot). */
GPtrArray *nd_reduce_protocols_new (void);
GPtrArray *nd_reduce_protocols_copy (GPtrArray *prots);
/* Adds a copy of a sweep; an error names the sweep and `source` (a file) when it has fewer than two
 * samples or its sample interval does not suit max_dt_ms. */
nd_reduce_protocol *nd_reduce_protocol_add (GPtrArray *prots, nd_reduce_set set, int index,
                                            const nd_stimulus_sweep *sweep, double max_dt_ms,
                                            const char *source, GError **error);
/* Every sweep of a stimulus file, at most max_prots protocols in all (0: no limit). */
gboolean nd_reduce_protocols_load (GPtrArray *prots, const char *path, nd_reduce_set set, double max_dt_ms,
                                   guint max_prots, GError **error);
/* "training", "held-out" or "test", for messages. */
const char *nd_reduce_set_label (nd_reduce_set set);

/* The reduced model has only the soma: the cell must be stimulated there. */
gboolean nd_reduce_check_cell (const NdCell *cell, GError **error);

/* 1. The full cell (stimulated at the soma) under every protocol: v_full, i_axial, t_full_s, and the
 * sensitivity (sens_*) from two more runs at ± ND_REDUCE_SENSITIVITY (3 n samples_done per protocol). An
 * error names the protocol whose voltage diverged; G_IO_ERROR_CANCELLED when cancelled. ctl may be
 * NULL. */
gboolean nd_reduce_run_full (const NdCellFile *file, const NdCell *cell, GPtrArray *prots, double max_dt_ms,
                             nd_reduce_control *ctl, GError **error);

typedef struct {
  nd_model *model;               /* the fitted reduced model (owned) */
  nd_fit_result fit;
  double fit_s;                  /* wall time of the fit */
} nd_reduce_result;

void nd_reduce_result_clear (nd_reduce_result *r);

/* 2-4. After step 1: builds the reduced model, fits it (progress on this thread, as nd_fit) and runs
 * it on every protocol (v_red, i_learned, t_red_s). A diverging reduced model is an error naming the
 * protocol; its result is kept in *out all the same (a window may still show it). */
gboolean nd_reduce_fit_reduced (const NdCellFile *file, const NdCell *cell, GPtrArray *prots,
                                const nd_reduce_settings *s, nd_reduce_control *ctl, nd_fit_progress_fn progress,
                                void *user, nd_reduce_result *out, GError **error);

/* 1-4. */
gboolean nd_reduce_workflow_run (const NdCellFile *file, const NdCell *cell, GPtrArray *prots,
                                 const nd_reduce_settings *s, nd_reduce_control *ctl, nd_fit_progress_fn progress,
                                 void *user, nd_reduce_result *out, GError **error);

/* How the reduced model did under one protocol (after step 4). */
typedef struct {
  double rmse_mV;                /* soma voltage, reduced against full */
  int spikes_full, spikes_reduced;
  double spike_shift_ms;         /* nd_spikes_mean_shift */
  double axial_rmse_pA, axial_correlation;   /* learned against true axial current */
  /* Firing rate from the mean interspike interval, (spikes - 1) / (last - first peak), of each trace
   * (NAN with fewer than two spikes): a count would hide a drift of a few per cent. rate_error_pct is
   * reduced against full. */
  double rate_full_hz, rate_reduced_hz, rate_error_pct;
  double last_shift_ms;          /* signed shift (reduced - full) of the last spike pair, or NAN */
  double coincidence;            /* of the reduced model's spikes with the full cell's, ND_REDUCE_COINCIDENCE_MS */
  double sens_rmse_mV, sens_shift_ms, sens_rate_pct, sens_coincidence;   /* the protocol's (above) */
} nd_reduce_score;

void nd_reduce_protocol_score (const nd_reduce_protocol *p, nd_reduce_score *out);

/* The spike times of both models under a protocol, paired by index (the k-th spike of the full cell with
 * the k-th of the reduced model): how the shift grows spike by spike. Returns the pairs (the smaller
 * count); writes at most max of them to t_full_ms and t_reduced_ms (either may be NULL when max is 0). */
gsize nd_reduce_protocol_spike_pairs (const nd_reduce_protocol *p, double *t_full_ms, double *t_reduced_ms,
                                      gsize max);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (nd_reduce_result, nd_reduce_result_clear)

G_END_DECLS
