/* nd-plot.h: the plot widget every view uses (loss curves, traces, kinetics, phase plane, f-I).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NdPlot draws an NdPlotModel (nd-plot-model.h) with PLplot through cairo (nd-plot-render.h), in the
 * light or dark colours of the current AdwStyleManager state, sharp at any scale factor, with text a
 * little smaller than the UI font. It redraws whenever the model emits "changed", so a live view only
 * updates its model:
 *
 *   NdPlotModel *model = nd_plot_model_new ();
 *   nd_plot_model_set_axis (model, ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
 *   nd_plot_model_set_axis (model, ND_PLOT_AXIS_Y, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
 *   guint rec = nd_plot_model_add_series (model, _("Recorded"), ND_PLOT_COLOR_GREY, ND_PLOT_LINE);
 *   guint sim = nd_plot_model_add_series (model, _("Model"), ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
 *   GtkWidget *plot = nd_plot_new (model);            // the widget keeps a reference
 *   nd_plot_model_set_series_trace (model, rec, 0.0, dt, v, n);
 *
 * Zoom, pan and the crosshair readout come with every plot (nd-plot-interaction.h): drag to zoom,
 * Ctrl+scroll, + and −, arrows, double-click or Home to show everything; the plot is focusable and shows
 * the focus. The zoom belongs to the widget, so live updates of the model keep it; plots aligned with
 * nd_plot_align() zoom and pan in time together.
 *
 * Drag selection: with nd_plot_set_selectable (plot, TRUE) a horizontal drag over the data area emits
 * "range-selected" (x_min, x_max in data units, x_min < x_max) when the button is released; the widget
 * only shows the band while dragging, so a view that keeps the choice adds it as a shaded range. Such a
 * plot zooms by right-drag or Ctrl+drag.
 *
 * Export: nd_plot_export() writes PNG, SVG or PDF with the same drawing function, always in the light
 * colours (for papers and slides), at the size given, zoomed as shown.
 *
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-plot-model.h"
#include "nd-plot-render.h"

G_BEGIN_DECLS

#define ND_TYPE_PLOT (nd_plot_get_type ())
G_DECLARE_FINAL_TYPE (NdPlot, nd_plot, ND, PLOT, GtkWidget)

/* `model` may be NULL (an empty widget until one is set). */
GtkWidget   *nd_plot_new            (NdPlotModel *model);
void         nd_plot_set_model      (NdPlot *self, NdPlotModel *model);
NdPlotModel *nd_plot_get_model      (NdPlot *self);

/* Whether a horizontal drag selects an x-range ("range-selected"). Off by default. */
void         nd_plot_set_selectable (NdPlot *self, gboolean selectable);
gboolean     nd_plot_get_selectable (NdPlot *self);

/* The zoom: the ranges shown instead of the model's (NULL, or nothing set: the model's ranges). A view
 * set on one of aligned plots sets the x range of the others too. Emits "view-changed". */
void         nd_plot_set_view       (NdPlot *self, const NdPlotView *view);
void         nd_plot_get_view       (NdPlot *self, NdPlotView *view);
gboolean     nd_plot_is_zoomed      (NdPlot *self);
/* Shows everything again (double-click, Home, the plot's button), in aligned plots too. */
void         nd_plot_reset_zoom     (NdPlot *self);
/* The range the plot shows now on one axis, in data units (the zoom, else the model's range). */
void         nd_plot_get_visible_range (NdPlot *self, NdPlotAxis axis, double *min, double *max);
/* The crosshair readout for the pointer ("Sweep 3 · 1234.5 ms · −45.2 mV"), "" when it is not over the data. */
const char  *nd_plot_get_readout    (NdPlot *self);

/* Writes the plot to `path` at width x height (pixels for PNG, points for SVG/PDF; 0 x 0 for the size
 * shown on screen); `format` ND_PLOT_FORMAT_AUTO chooses by the extension. Errors are in the user's
 * words (unknown extension, folder not writable). */
gboolean     nd_plot_export         (NdPlot *self, const char *path, NdPlotFormat format, int width, int height,
                                     GError **error);

/* Lines up the data areas of plots stacked in a column (voltage above stimulus, V above gates above
 * currents): they all use the largest left margin any of them needs. A plot is in one group at a time;
 * align a single plot (n = 1) to take it out. Set the same x range on the models to share the x axis. */
void         nd_plot_align          (NdPlot * const *plots, guint n);

/* Text said in the data area while the model has no series ("The error of each step appears here once the
 * fit starts"), NULL for none; whether the last draw showed it. */
void         nd_plot_set_placeholder (NdPlot *self, const char *text);
const char  *nd_plot_get_placeholder (NdPlot *self);
gboolean     nd_plot_get_placeholder_shown (NdPlot *self);

/* Where the last draw put the data (for mapping pointer positions); FALSE before the first draw. */
gboolean     nd_plot_get_frame      (NdPlot *self, NdPlotFrame *frame);
/* Number of completed draws and the duration of the last one (microseconds): for responsiveness tests. */
guint        nd_plot_get_draw_count (NdPlot *self);
gint64       nd_plot_get_last_draw_us (NdPlot *self);

/* A view's plot with the name its exported files take ("loss": loss.png, loss.svg, loss.pdf). */
typedef struct
{
  const char *name;
  NdPlot *plot;
} NdNamedPlot;

G_END_DECLS
