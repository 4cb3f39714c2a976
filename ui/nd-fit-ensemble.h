/* nd-fit-ensemble.h: an ensemble of fits (ensemble.h) on a thread of its own, for the Fit view's runner.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counterpart of the engine's fit worker (fit-worker.h) for nd_ensemble_fit, which blocks: pause,
 * cancel (every member stops, keeping its best so far) and abort (a closed window: the thread ends within
 * milliseconds, the result is dropped) reach the members through the ensemble's control. Member 0 reports
 * its progress through `progress` on its own worker thread, as a single fit does. The sweeps are read while
 * members start: they must live until nd_fit_ensemble_finish.
 */
#pragma once

#include <glib.h>

#include "fit.h"

G_BEGIN_DECLS

typedef struct _NdFitEnsemble NdFitEnsemble;

/* n_members fits from seeds opt->seed ... on up to `jobs` threads; NULL if the thread could not start. */
NdFitEnsemble *nd_fit_ensemble_start (const nd_model *m, const nd_fit_sweep *train, int n_train,
                                      const nd_fit_sweep *val, int n_val, const nd_fit_options *opt,
                                      int n_members, int jobs, nd_fit_progress_fn progress, void *user);
void      nd_fit_ensemble_pause (NdFitEnsemble *e, gboolean paused);
void      nd_fit_ensemble_cancel (NdFitEnsemble *e);
void      nd_fit_ensemble_abort (NdFitEnsemble *e);
gboolean  nd_fit_ensemble_done (NdFitEnsemble *e);
/* Members finished so far (any thread). */
int       nd_fit_ensemble_members_done (NdFitEnsemble *e);
/* How many members run side by side (ensemble.h: nd_ensemble_at_once). */
int       nd_fit_ensemble_at_once (NdFitEnsemble *e);
/* Waits for the thread and frees e. Returns the best member's model with the kept members' bands and its
 * result (caller clears); when no member gave a finite loss, a copy of the starting model and a result
 * whose loss is infinite (the runner then says the fit failed). *n_kept: the members kept. members (may be
 * NULL): the kept members' models, *n_kept of them (nd_model_free each, free() the array; NULL when none), for what to
 * record next (propose.h). */
nd_model *nd_fit_ensemble_finish (NdFitEnsemble *e, nd_fit_result *result, int *n_kept, nd_model ***members);

G_END_DECLS
