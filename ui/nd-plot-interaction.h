/* nd-plot-interaction.h: zoom, pan, the crosshair readout and drag selection of every NdPlot.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every plot of the window (recordings, fit, Explore, Reduce, kinetics) is an NdPlot, and NdPlot takes all
 * its pointer and keyboard handling from here, so they all behave the same, as in Clampfit or Stimfit:
 *
 *   drag over the data              zoom to the dragged rectangle (a flat drag: to its time span, the
 *                                   height then fits the data); on a selectable plot the drag selects a
 *                                   range instead, and right-drag or Ctrl+drag zooms
 *   Shift+drag, middle-drag         pan
 *   Ctrl+scroll                     zoom in or out around the pointer (over an axis: that axis only)
 *   Shift+scroll, sideways scroll   pan in time once zoomed; a plain scroll is left to the page
 *   + and −                         zoom in and out; arrow keys pan (when the plot has the focus)
 *   double-click, Home, the button  show everything again
 *   pointer over the data           a crosshair and the time and value under it, in the units of the
 *                                   axes, snapped to the nearest curve and naming it ("Sweep 3")
 *
 * The zoom is the widget's (nd_plot_set_view()), not the model's, so a plot updated live ten times a
 * second keeps its zoom until the user resets it. NdPlot calls these functions; views never need to.
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-plot.h"

G_BEGIN_DECLS

typedef struct _NdPlotInteraction NdPlotInteraction;

/* The actions plot.zoom-in, plot.zoom-out, plot.reset-zoom, plot.pan("left"|"right"|"up"|"down") and
 * their keys, for NdPlot's class_init. */
void               nd_plot_interaction_class_init (GtkWidgetClass *widget_class);

/* Adds the gestures and controllers to `plot`; freed by the plot's dispose. */
NdPlotInteraction *nd_plot_interaction_new        (NdPlot *plot);
void               nd_plot_interaction_free       (NdPlotInteraction *self);

/* Draws the drag band or rectangle and the crosshair with its readout over the plot (after the frame). */
void               nd_plot_interaction_snapshot   (NdPlotInteraction *self, GtkSnapshot *snapshot, gboolean dark,
                                                   double font_pt);
/* The data or the view changed: the readout is computed again. */
void               nd_plot_interaction_invalidate (NdPlotInteraction *self);
/* "Sweep 3 · 1234.5 ms · −45.2 mV", or "" when the pointer is not over the data area. */
const char        *nd_plot_interaction_get_readout (NdPlotInteraction *self);

/* What a scroll of (dx, dy) steps with the modifiers `state` does with the pointer at (x, y): the scroll
 * controller's handler, also called by tests (GTK 4 cannot synthesise a Ctrl+scroll). TRUE when the plot
 * used it (a plain scroll is left to the page around the plot). */
gboolean           nd_plot_interaction_scroll     (NdPlotInteraction *self, double x, double y, double dx, double dy,
                                                   GdkModifierType state);

/* Provided by nd-plot.c for the drag selection. */
void               nd_plot_emit_range_selected    (NdPlot *plot, double x_min, double x_max);
NdPlotInteraction *nd_plot_get_interaction        (NdPlot *plot);

G_END_DECLS
