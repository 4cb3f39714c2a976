/* nd-plot-decimate.h: reduce a long series to its min/max envelope per pixel column.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>

/* Splits [x_lo, x_hi] into n_cols equal columns and keeps, for each column, only the points holding the
 * smallest and the largest y of the column (in the order they occur), so a polyline through the result
 * covers exactly the pixels the full polyline covers. x must be non-decreasing (a trace); use
 * nd_plot_decimate_applies() first. Values are in plot space (already log10 for a log axis).
 *
 * - The last point before x_lo and the first after x_hi are kept as they are, so lines enter and leave
 *   the viewport at the right slope; points further outside are dropped.
 * - A NaN or infinite y (or x) is a gap: a NaN is written once, and the polyline is broken there.
 * - out_x/out_y must hold at least nd_plot_decimate_capacity(n, n_cols) values.
 * Returns the number of points written. */
size_t nd_plot_decimate (const double *x, const double *y, size_t n, double x_lo, double x_hi, unsigned n_cols,
                         double *out_x, double *out_y);

/* Upper bound of nd_plot_decimate()'s output. */
size_t nd_plot_decimate_capacity (size_t n, unsigned n_cols);

/* True when x is non-decreasing (non-finite entries ignored) and n is large enough (more than 4 points per column)
 * that decimating pays. */
int nd_plot_decimate_applies (const double *x, size_t n, unsigned n_cols);
