/* nd-gate-plots.h: steady states and time constants of a channel's gates, as two plots.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "channel.h"
#include "nd-plot-model.h"

G_BEGIN_DECLS

/* Sets up the two plot models (axes, titles) and fills one series per gate of `kind` at `celsius`
 * from -100 to +60 mV; tau on a log scale when it spans more than a decade. */
void nd_gate_plots_fill (NdPlotModel *x_inf, NdPlotModel *tau, const nd_channel_kind *kind, double celsius);
/* "m⁴h": the gates with their exponents as they appear in the current. */
char *nd_gate_plots_formula (const nd_channel_kind *kind);
/* A modal window with both plots, titled after the kind and citing it. */
void nd_gate_plots_present_window (GtkWidget *parent, const nd_channel_kind *kind, const char *label, double celsius);

G_END_DECLS
