/* nd-plot-render.h: draws an NdPlotModel with PLplot on any cairo context, and into PNG/SVG/PDF files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One drawing function serves the widget (nd-plot.h) and the export, so what is saved is what is seen.
 * PLplot keeps global state: call these from the main thread only.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "nd-plot-model.h"

G_BEGIN_DECLS

#define ND_PLOT_ERROR (nd_plot_error_quark ())
typedef enum
{
  ND_PLOT_ERROR_FORMAT,   /* unknown file extension or format */
  ND_PLOT_ERROR_DRAW,     /* PLplot failed (e.g. its cairo driver is missing) */
  ND_PLOT_ERROR_WRITE,    /* the file could not be written */
} NdPlotError;
GQuark nd_plot_error_quark (void);

typedef enum
{
  ND_PLOT_FORMAT_AUTO,  /* from the file name's extension: .png, .svg, .pdf */
  ND_PLOT_FORMAT_PNG,
  ND_PLOT_FORMAT_SVG,
  ND_PLOT_FORMAT_PDF,
} NdPlotFormat;

/* A zoomed view: the ranges shown instead of the model's (data units; min > max flips the axis). An axis
 * not set keeps the model's range, except that an automatic y range then fits the points inside the
 * view's x range. */
typedef struct
{
  gboolean x_set, y_set;
  double   x_min, x_max, y_min, y_max;
} NdPlotView;

/* How to draw: light or dark colours, and the text size (points, as in the UI font). */
typedef struct
{
  gboolean dark;
  double   font_pt;           /* tick labels and axis titles; the title is a little larger and bold */
  gboolean paint_background;  /* FALSE in the widget (the window shows through), TRUE for files */
  double   min_left;          /* the data area starts at least this far from the left (aligning plots) */
  const NdPlotView *view;     /* the zoomed ranges, or NULL for the model's */
} NdPlotLook;

/* The default look: light, 9 pt, background painted. */
void nd_plot_look_init (NdPlotLook *look);

/* The ranges a plot of `model` shows through `view` (NULL: the model's own), in data units. */
void nd_plot_visible_ranges (NdPlotModel *model, const NdPlotView *view, double *x_min, double *x_max,
                             double *y_min, double *y_max);

/* Where the last drawing put the data, to map pointer positions back to data units. */
typedef struct
{
  double      left, top, width, height;  /* the data area, in the cairo context's units */
  double      x_min, x_max, y_min, y_max; /* its edges in plot space (log10 of the data on a log axis) */
  NdPlotScale x_scale, y_scale;
  double      natural_left;  /* the left margin the labels need (left may be larger: min_left) */
  guint       n_x_labels, n_y_labels;   /* labelled ticks drawn on each axis */
} NdPlotFrame;

/* Data x at horizontal position px (in the units of NdPlotFrame.left). */
double nd_plot_frame_x_to_data (const NdPlotFrame *frame, double px);
/* Horizontal position of data x. */
double nd_plot_frame_data_to_x (const NdPlotFrame *frame, double x);

/* Draws `model` into the rectangle (0, 0, width, height) of `cr` (in cr's user units; a device scale on
 * the surface, as GTK sets at 2x, gives sharp output). `frame` may be NULL. On failure nothing sensible
 * is drawn and `error` says why. Long monotonic series are decimated to min/max per pixel column. */
gboolean nd_plot_render (NdPlotModel *model, cairo_t *cr, int width, int height, const NdPlotLook *look,
                         NdPlotFrame *frame, GError **error);

/* Writes the plot to `path`: PNG of width x height pixels times `scale` (1 or 2), SVG and PDF of
 * width x height points (scale ignored). `look` may be NULL for the default look. */
gboolean nd_plot_render_to_file (NdPlotModel *model, const char *path, NdPlotFormat format, int width,
                                 int height, double scale, const NdPlotLook *look, GError **error);

/* The format a file name asks for, or ND_PLOT_FORMAT_AUTO when the extension is not known. */
NdPlotFormat nd_plot_format_from_path (const char *path);

G_END_DECLS
