/* stimulus-csv.h: the minimal recording CSV (t_ms, v_mV, i_pA[, sweep]).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A header row names the columns, in any order; `sweep` (an integer, one
 * contiguous block per sweep) is optional, `v_mV` may be absent when only the
 * stimulus is needed. Each sweep must be sampled at a constant interval.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int id;            /* the sweep column's value (0 without one) */
  size_t n;
  double dt_ms;      /* sample interval */
  double *t, *v, *i; /* ms, mV (NULL without v_mV), pA */
} NdStimSweep;

typedef struct {
  int n_sweeps;
  NdStimSweep *sweeps;
  gboolean has_v;
} NdStimulus;

NdStimulus *nd_stimulus_csv_load (const char *path, gboolean need_v, GError **error);
void nd_stimulus_free (NdStimulus *s);

G_END_DECLS
