/* ensemble.h: an ensemble of fits that explain the data equally well, and its bands.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * n_members complete fits (nd_fit, each with its own restarts) from seeds
 * seed, seed + 1, ... (member 0 is the fit the same options give alone), on
 * up to `jobs` threads at once. Kept: the members whose validation loss L
 * (nd_fit_result.best_val_loss) is within the noise of the best one's:
 *
 *   L <= L_best + max (tol * L_best, s^2),  s = max (noise s.d., ND_FIT_NOISE_FLOOR_MV)
 *
 * i.e. a member that misses the recording by less than the noise the
 * recording shows (or 0.3 mV on a clean one), or by less than a fraction
 * tol of the best's own error, explains it as well as the best does. The
 * best member's model is returned with the band of the kept members on
 * every learned gate (gate-band.h). Not with opt->warm_start: a warm start
 * refines the same weights the same way whatever the seed, so the members
 * would agree exactly, a band the data did not earn.
 */
#pragma once

#include "fit.h"

#define ND_ENSEMBLE_MAX 64
#define ND_ENSEMBLE_TOL 0.5

typedef struct {
  int n_members, jobs;
  double tol;                /* < 0: ND_ENSEMBLE_TOL */
  /* Hand back the kept members' models in nd_ensemble_result.members (e.g.
   * for propose.h, which asks where they disagree). */
  bool keep_members;
  /* Called on the calling thread as each member finishes (may be NULL). */
  void (*member_done) (int k, const nd_fit_result *r, double seconds, void *user);
  void *user;
  /* May be NULL. cancel: no further member starts and the running ones stop, keeping their best so far
   * (the band is then of the members that ran; best_result.cancelled is set); pause: the running members
   * pause and none starts until it is cleared. Checked every 20 ms. */
  nd_fit_control *ctl;
  /* May be NULL. Set: the running members abandon their simulations (nd_fit_worker_abort), none starts,
   * and nd_ensemble_fit returns NULL within milliseconds (a closed window's ensemble). */
  const atomic_int *abort;
  /* Member 0's progress reports (fit.h), on its worker thread; may be NULL. */
  nd_fit_progress_fn progress;
  void *progress_user;
} nd_ensemble_options;

/* How many members run side by side: min (jobs, n_members), at least 1 (what the window's time left
 * counts its waves by). */
int nd_ensemble_at_once (const nd_ensemble_options *eo);

typedef struct {
  int n_members, n_kept, best;
  double *loss;              /* n_members: validation loss of each member */
  double *seconds;           /* n_members: wall time of each member */
  bool *kept;
  double threshold;          /* the largest loss kept */
  double wall_s;             /* the whole ensemble */
  nd_fit_result best_result; /* the best member's (loss history etc.) */
  /* With keep_members: the n_kept kept members' models (the best one a copy
   * of the model returned), in member order; else NULL. Owned. */
  nd_model **members;
} nd_ensemble_result;

/* Decides which of n losses are kept (the rule above); returns the index
 * of the best (-1 when none is finite) and sets *threshold. */
int nd_ensemble_keep (const double *loss, int n, double noise_sd, double tol, bool *kept, double *threshold);

/* Runs the ensemble from m (not changed); returns the best member's model
 * with bands (caller frees), or NULL when no member gave a finite loss or a
 * thread could not start. */
nd_model *nd_ensemble_fit (const nd_model *m, const nd_fit_sweep *train, int n_train, const nd_fit_sweep *val,
                           int n_val, const nd_fit_options *opt, const nd_ensemble_options *eo,
                           nd_ensemble_result *res);
void nd_ensemble_result_clear (nd_ensemble_result *res);
