/* clamp.h: what a fit needs to know about a voltage-clamp recording.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model clamps ideally (integrator.h): its output is the ionic current.
 * A real clamp charges the membrane through the series resistance after
 * every jump of the command: a spike of current in the direction of the
 * jump that decays within a fraction of a millisecond to several
 * milliseconds (a cell with dendrites charges them more slowly). The fit
 * compares the current only outside these transients: its window leaves out
 * skip_ms after every jump. The skip is measured on the recording: the
 * capacitive current decays, so the current right after a jump moves back
 * against the jump's direction, fast; the transient ends where that fall
 * has slowed to ND_CLAMP_END_SLOPE of its steepest (or the ionic currents
 * turn it round). Ionic currents rarely start as such a spike, so the median
 * over the jumps that show one is the recording's transient (when most
 * jumps do: a real clamp's transients follow every jump).
 */
#pragma once

#include <stddef.h>

#include "fit.h"

#define ND_CLAMP_JUMP_MV 2.0        /* a command change above this between two samples is a jump */
#define ND_CLAMP_END_SLOPE 0.01     /* the transient ends when its fall has slowed to 1 % */
#define ND_CLAMP_SMOOTH_MS 0.25     /* the slope is measured over this span (noise) */
#define ND_CLAMP_MAX_SKIP_MS 10.0

/* Length (ms) of the capacitive transients of n_sweeps sweeps (command in
 * mV, current in any unit, n[k] samples each, dt_ms apart): the median over
 * every jump that starts with a spike of current in its direction larger
 * than 6 noise s.d. and 2 % of the current's range; 0 when fewer than half
 * of the jumps do (an ideal clamp, or a recording after P/N subtraction). */
double nd_clamp_transient_ms (const double *const *v_cmd, const double *const *i, const size_t *n, int n_sweeps,
                              double dt_ms);

/* The membrane capacitance (pF) the transients charge: after every jump of
 * more than 5 mV, the charge of the current above the level it settles to
 * (the mean over the next 2 skip_ms after 2 skip_ms), over the jump; the
 * median over the jumps (currents in pA). NAN without such a jump. What an
 * amplifier's membrane test measures, for a cell with no capacitance in
 * its file: the area at 1 uF/cm2 is 100 um2 per pF. */
double nd_clamp_capacitance_pF (const double *const *v_cmd, const double *const *i_pA, const size_t *n,
                                int n_sweeps, double dt_ms, double skip_ms);

/* Sets weight[j] = 0 for the samples from every jump of the command to
 * skip_ms after it (the jump's own sample always); other weights stay.
 * Returns the number of jumps. */
size_t nd_clamp_window (const double *v_cmd, size_t n, double dt_ms, double skip_ms, double *weight);

/* A fitted leak. A leak current is linear in V, and in voltage clamp V is
 * the command, so for given kinetics the best leak of the model (its
 * "leak" channel, conductance and reversal potential shared by every
 * sweep) is a weighted least-squares line through what the other currents
 * leave of the recorded current: solved exactly at every evaluation of the
 * fit's loss (variable projection) rather than by the optimiser, to which
 * the leak's reversal potential matters 10^4 times less than the kinetics'
 * weights (the K experiment in clamp: E_L moved 1.5 mV in 2000 iterations
 * while the n gate made up for it, tau_n off by 10-15 % near -70 mV).
 * Sets the leak in m (the best within its bounds) when n sweeps are all
 * voltage clamp and the model has one leak channel with conductance and
 * reversal potential both trainable; returns that channel, or -1 (nothing
 * done). The fit's loss then depends on the other parameters alone: the
 * caller zeroes the leak's gradient. */
int nd_clamp_fit_leak (nd_model *m, const nd_fit_sweep *sw, int n);

/* Marks the conductance and reversal potential of the model's leak
 * channels (known channels without gates) trainable, so a clamp fit solves
 * them (the leak and offset of a recording are the cell's and the seal's,
 * never known beforehand). Returns how many channels changed. */
int nd_clamp_free_leak (nd_model *m);
