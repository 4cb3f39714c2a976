/* cli-fit-ensemble.h: neurode-cli fit --ensemble N, the ensemble run in place of the single fit.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fit-data.h"
#include "fit.h"

/* Checks --ensemble (-1: not given), --jobs and --warm-start; prints the error and returns its exit
 * status, or 0. */
int nd_cli_fit_ensemble_check (int n_members, int jobs, gboolean warm_start);
/* Fits an ensemble of n_members from m on `jobs` threads (0: one per core), prints what it kept and its
 * time, and returns the best member's model with its bands (m is freed) and its result in *res. When no
 * member gives a finite loss, returns m unchanged with res->train_loss NaN. With members not NULL, the kept
 * members' models are handed back there (*n_kept of them; the caller frees each and the array). */
nd_model *nd_cli_fit_ensemble (nd_model *m, const NdFitData *data, const nd_fit_options *opt, int n_members,
                               int jobs, nd_fit_result *res, nd_model ***members, int *n_kept);
