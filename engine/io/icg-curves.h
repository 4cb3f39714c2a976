/* icg-curves.h: the ICGenealogy gating-curve table (CSV, plain or gzip).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Columns (any order, by header name): icg_class, channel, gate, temp_C, V_mV,
 * x_inf, tau_ms. Rows of one curve share (icg_class, channel, gate, temp_C)
 * (channel alone is not unique: some files appear in two classes). Empty cells
 * are NAN. Data from Podlaski et al. 2017 (eLife 6:e22152), GPL-3.0.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char *icg_class;   /* K, Na, Ca, KCa, IH */
  char *channel;     /* "<ModelDB id>_<file>.mod" */
  char *gate;
  double temp_C;
  int n;             /* points, in the file's order (ascending V) */
  double *v;         /* mV */
  double *x_inf;     /* NAN where the source has no value */
  double *tau;       /* ms, NAN where missing */
} NdIcgCurve;

void nd_icg_curve_free (NdIcgCurve *c);

/* Reads all curves, or only those at `temp_C` when it is finite (matched to
 * 0.01 C). Returns a GPtrArray of NdIcgCurve (frees them), in the order of
 * first appearance, or NULL with an ND_ERROR in the reader's terms. */
GPtrArray *nd_icg_curves_load (const char *path, double temp_C, GError **error);

/* Number of usable (finite) x_inf and tau points. */
int nd_icg_curve_n_inf (const NdIcgCurve *c);
int nd_icg_curve_n_tau (const NdIcgCurve *c);

/* Opens a file as text, decompressing gzip transparently (by magic bytes). */
GInputStream *nd_open_maybe_gzip (const char *path, GError **error);

G_END_DECLS
