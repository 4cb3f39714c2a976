/* nd-plot-ticks.h: where an axis gets its ticks and what their labels say.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ticks are chosen here rather than by PLplot's plbox() so the renderer can measure the labels for its
 * margins, a log axis spanning less than two decades still gets labels (at 1, 2 and 5), numbers use a true
 * minus sign, and a short axis over a large range (an ionic current axis during spikes, −800 to +100
 * µA/cm² in 70 pixels) still gets at least three labels rather than a lone "0".
 */
#pragma once

#include <glib.h>

#include "nd-plot-model.h"

G_BEGIN_DECLS

typedef struct
{
  double   v;          /* plot space (log10 of the value on a log axis) */
  gboolean labelled;   /* labelled ticks also get a grid line */
  char     text[48];   /* PLplot text ("10#u-4#d" is 10 with a superscript) */
} NdPlotTick;

/* Ticks of an axis from a to b (plot space, either order) that is length_px long. Labels are placed
 * about spacing_px apart; when that leaves fewer than three labels, closer, down to min_spacing_px (the
 * room a label needs), until there are three. `step` receives the distance between labelled ticks of a
 * linear axis (0 on a log axis). Returns an array of NdPlotTick; free it with g_array_unref(). */
GArray *nd_plot_ticks (NdPlotScale scale, double a, double b, double length_px, double spacing_px,
                       double min_spacing_px, double *step);

/* Number of labelled ticks in an array from nd_plot_ticks(). */
guint   nd_plot_ticks_n_labelled (GArray *ticks);

G_END_DECLS
