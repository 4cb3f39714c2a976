/* spikes.h: the one spike detector of Neurode.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fit scoring, reports, the reduction, Explore and `neurode-cli passive` all
 * count spikes with this function, so a count means the same everywhere.
 *
 * A spike is an upstroke followed by a peak: the slope dV/dt (over about
 * 0.2 ms, so recording noise does not pass for an upstroke) rises through
 * dvdt_mV_per_ms at the onset, V then peaks at least min_height_mV above the
 * onset potential and above min_peak_mV, within max_rise_ms. A fixed voltage
 * threshold misses spikes fired from a depolarised plateau (onset -25 mV,
 * peak +10 mV) and counts a burst riding on a depolarisation as one spike;
 * the next spike is armed as soon as V has fallen halfway back from the
 * peak towards its onset, which separates the spikes of bursts and doublets.
 */
#pragma once

#include <stddef.h>

typedef struct {
  double dvdt_mV_per_ms;   /* onset slope (default 10 mV/ms) */
  double min_height_mV;    /* peak above the onset potential (default 15 mV) */
  double min_peak_mV;      /* lowest peak potential (default -35 mV) */
  double max_rise_ms;      /* longest onset-to-peak time (default 5 ms) */
} nd_spike_params;

typedef struct {
  double t_ms;             /* time of the peak */
  double onset_ms;         /* time the slope crossed dvdt_mV_per_ms */
  double v_onset_mV, v_peak_mV;
} nd_spike;

void nd_spike_params_default (nd_spike_params *p);

/* Spikes of v (n samples dt_ms apart), in time order. Writes at most max of
 * them to out (out may be NULL) and returns how many there are. p NULL: the
 * defaults. */
size_t nd_spikes_find (const double *v, size_t n, double dt_ms, const nd_spike_params *p, nd_spike *out,
                       size_t max);

/* Every spike of v (default parameters) in a new array, to free(); *count
 * their number. NULL when there are none (*count 0) or, with *count > 0,
 * when the array could not be allocated. */
nd_spike *nd_spikes_find_all (const double *v, size_t n, double dt_ms, size_t *count);

/* Mean absolute difference (ms) between the spike times of two traces of n
 * samples dt_ms apart, the k-th spike of one paired with the k-th of the
 * other, over the spikes both have; NAN when either has none. */
double nd_spikes_mean_shift (const double *v_a, const double *v_b, size_t n, double dt_ms);

/* Kistler's coincidence factor (Jolivet et al. 2008) of spike times tb (a
 * model) against ta (the reference), each sorted, over duration_ms:
 *   Gamma = (N_coinc - 2 nu w n_a) / (0.5 (n_a + n_b)) / (1 - 2 nu w),
 * N_coinc the spikes of a with a spike of b within +-w (each spike of b used
 * once), nu = n_b / duration_ms, so 2 nu w n_a is what a Poisson train of b's
 * rate would match by chance. 1: every spike matched; 0: chance. Unlike a
 * soma RMSE it does not grow with a shift once a spike is outside w. NAN when
 * neither has spikes or b fires so often that chance fills every window. */
double nd_spikes_coincidence (const double *ta, size_t na, const double *tb, size_t nb, double window_ms,
                              double duration_ms);

/* The same for the spikes of two traces of n samples dt_ms apart. */
double nd_spikes_coincidence_traces (const double *v_a, const double *v_b, size_t n, double dt_ms,
                                     double window_ms);

/* The count alone, with the default parameters. */
size_t nd_spikes_count (const double *v, size_t n, double dt_ms);

/* All peak times (ms), with the default parameters, in a new array (free()),
 * their number in *count; NULL when there are none (or no memory). */
double *nd_spikes_times_new (const double *v, size_t n, double dt_ms, size_t *count);

/* Peak times (ms) alone, with the default parameters: at most max written. */
size_t nd_spikes_times (const double *v, size_t n, double dt_ms, double *times_ms, size_t max);
