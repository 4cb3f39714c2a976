/* fit-search.h: a derivative-free search over a model's biophysical parameters.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whether a model fires at all, and how often, changes abruptly with its
 * conductances and kinetics (a bifurcation), so a gradient from a silent
 * model says little about the spiking one nearby. Before the gradient
 * stages of a real recording's fit, the trainable conductances (on a log
 * scale), reversal potentials and kinetics offsets are searched by CMA-ES
 * (ranks, not values, drive it: the spike counts' plateaus and jumps do not
 * mislead it; a Nelder-Mead simplex on the same budget ended 20-30 % worse
 * and in more dimensions stalled) for the best spike-aware score
 * (nd_fit_spike_score: subthreshold error plus spike-count errors) of the
 * free-running model on the training sweeps. A learned gate with a
 * trainable network is searched as a Boltzmann gate (half-activation, slope,
 * constant tau: the gate's prior, model.h) with its network's output layer
 * zeroed; afterwards the prior is trainable, so the gradient stages refine
 * it and the network learns what the Boltzmann gate misses.
 */
#pragma once

#include "fit.h"
#include "lanes.h"

/* Searches in place (m keeps the best parameters found) for at most
 * max_evals simulations of the sweeps; returns the best score (the start's
 * if nothing was better). Deterministic for a seed, whatever the lanes:
 * lanes (may be NULL; lane 0's model must be m) score a generation's
 * candidates at once. ctl (may be NULL) cancels; tick (may be NULL) is
 * called on the calling thread as simulations end. */
double nd_fit_search_biophysics (nd_model *m, const nd_fit_sweep *sw, int n, int max_evals, uint64_t seed,
                                 nd_lanes *lanes, nd_fit_control *ctl, void (*tick) (int evals, void *user),
                                 void *user);
