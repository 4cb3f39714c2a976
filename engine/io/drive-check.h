/* drive-check.h: the bounds of a simulation, checked before it runs and after, in words.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every command that simulates (simulate, fit, morph-simulate, reduce, the
 * window) goes through these: the integration step and the stimulus' sample
 * interval are bounded before a step count is computed, every injected
 * current is finite and at most ±1 µA, and a simulated voltage that is not
 * finite or leaves ±1000 mV is an error, never a result (integrator.h has
 * the limits).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Steps per sample for a sweep of n samples dt_sample_ms apart at steps of at
 * most max_dt_ms (nd_substeps), or 0 with an error that gives the range. */
int nd_drive_substeps (double dt_sample_ms, double max_dt_ms, size_t n, GError **error);

/* TRUE when every sample of i_pA[0..n) is finite and within ±ND_CURRENT_MAX_PA;
 * else an error naming the sweep (counted from 0) and the time. */
gboolean nd_drive_check_current (const double *i_pA, size_t n, double dt_ms, int sweep, GError **error);

/* TRUE when every voltage of v[0..n) is finite and within ±ND_V_PHYSICAL_MV;
 * else an error naming the sweep, the time and what to check. */
gboolean nd_trace_check (const double *v, size_t n, double dt_ms, int sweep, GError **error);

G_END_DECLS
