/* nd-plot-model.h: what a plot shows (axes, series, shaded ranges, markers), independent of drawing.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A view owns an NdPlotModel, fills it, and hands it to an NdPlot widget (nd-plot.h), which redraws on
 * every "changed" signal (GTK coalesces redraws to one per frame, so a live update may change several
 * series in a row). Data arrays are copied in; replacing one series' data costs one copy of its arrays.
 * Main thread only (the model is a plain GObject, and PLplot draws it on the main thread).
 *
 *   NdPlotModel *m = nd_plot_model_new ();
 *   nd_plot_model_set_title (m, _("Loss"));
 *   nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, _("Iteration"), NULL, ND_PLOT_SCALE_LINEAR);
 *   nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, _("Loss"), "mV²", ND_PLOT_SCALE_LOG);
 *   guint train = nd_plot_model_add_series (m, _("Training"), ND_PLOT_COLOR_AUTO, ND_PLOT_LINE);
 *   ... each snapshot: nd_plot_model_set_series_data (m, train, it, loss, n);
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  ND_PLOT_AXIS_X,
  ND_PLOT_AXIS_Y,
} NdPlotAxis;

typedef enum
{
  ND_PLOT_SCALE_LINEAR,
  ND_PLOT_SCALE_LOG,  /* base 10; values <= 0 are left out (they break the line) */
} NdPlotScale;

typedef enum
{
  ND_PLOT_LINE,     /* solid line */
  ND_PLOT_DASHED,   /* dashed line: reference curves (e.g. the channel the learned gate replaces) */
  ND_PLOT_POINTS,   /* filled dots, no line (f-I points, measured values) */
  ND_PLOT_LINE_POINTS,
  ND_PLOT_THICK,    /* a line three times as wide: a stretch that stands out (where a band is narrow) */
  ND_PLOT_BAND,     /* a filled area, lightly tinted, behind the lines: its points are its outline
                     * (nd_plot_model_set_series_band); the automatic y range and the pointer readout
                     * leave it out (the range follows the lines, and a wide band is cut at the edge) */
} NdPlotStyle;

/* A fixed palette whose light and dark variants are both readable on Adwaita's light and dark
 * backgrounds; the renderer picks the variant. AUTO takes the next colour in this order. */
typedef enum
{
  ND_PLOT_COLOR_AUTO = -1,
  ND_PLOT_COLOR_BLUE,
  ND_PLOT_COLOR_RED,
  ND_PLOT_COLOR_GREEN,
  ND_PLOT_COLOR_ORANGE,
  ND_PLOT_COLOR_PURPLE,
  ND_PLOT_COLOR_BROWN,
  ND_PLOT_COLOR_GREY,   /* not picked by AUTO: for reference curves */
  ND_PLOT_N_COLORS,
} NdPlotColor;

#define ND_TYPE_PLOT_MODEL (nd_plot_model_get_type ())
G_DECLARE_FINAL_TYPE (NdPlotModel, nd_plot_model, ND, PLOT_MODEL, GObject)

NdPlotModel *nd_plot_model_new (void);

/* Title drawn above the plot (NULL or "" for none). */
void         nd_plot_model_set_title (NdPlotModel *self, const char *title);
const char  *nd_plot_model_get_title (NdPlotModel *self);

/* Axis label and unit, shown as "label (unit)"; unit may be NULL for dimensionless quantities. */
void         nd_plot_model_set_axis (NdPlotModel *self, NdPlotAxis axis, const char *label, const char *unit,
                                     NdPlotScale scale);
NdPlotScale  nd_plot_model_get_scale (NdPlotModel *self, NdPlotAxis axis);
/* The unit given to nd_plot_model_set_axis() (NULL for none): the pointer readout shows values in it. */
const char  *nd_plot_model_get_axis_unit (NdPlotModel *self, NdPlotAxis axis);
/* The text drawn along the axis ("Membrane potential (mV)"); free it. */
char        *nd_plot_model_dup_axis_title (NdPlotModel *self, NdPlotAxis axis);

/* A fixed range (in data units; both > 0 on a log axis), or back to automatic (fits the data with a
 * small margin on y). Ranges may be reversed (min > max) to flip an axis. */
void         nd_plot_model_set_range (NdPlotModel *self, NdPlotAxis axis, double min, double max);
void         nd_plot_model_set_range_auto (NdPlotModel *self, NdPlotAxis axis);
/* The range the plot uses now (fixed, or computed from the data); FALSE when there is nothing to show
 * and a default range is returned. */
gboolean     nd_plot_model_get_range (NdPlotModel *self, NdPlotAxis axis, double *min, double *max);
/* Whether the axis has a fixed range (nd_plot_model_set_range()). */
gboolean     nd_plot_model_get_range_fixed (NdPlotModel *self, NdPlotAxis axis);
/* The y range for the points whose x lies between x_lo and x_hi (the fixed y range if there is one):
 * a plot zoomed in x fits its height to what it shows. */
gboolean     nd_plot_model_get_y_range_within (NdPlotModel *self, double x_lo, double x_hi, double *min,
                                               double *max);

/* Reserves room for y tick labels at least `chars` digits wide, so that plots stacked in a column
 * (stimulus, voltage, currents over the same time) line up their x axes; 0 (the default): just
 * the labels' own width. */
void         nd_plot_model_set_y_label_min_chars (NdPlotModel *self, guint chars);
guint        nd_plot_model_get_y_label_min_chars (NdPlotModel *self);

/* Series. The returned index stays valid until nd_plot_model_clear(). `label` may be NULL: the series
 * then has no legend entry. The legend is drawn when at least one series has a label. */
guint        nd_plot_model_add_series (NdPlotModel *self, const char *label, NdPlotColor color, NdPlotStyle style);
guint        nd_plot_model_get_n_series (NdPlotModel *self);
/* Replaces the data of one series (copied). NaN in x or y breaks the line. */
void         nd_plot_model_set_series_data (NdPlotModel *self, guint series, const double *x, const double *y,
                                            gsize n);
/* Same for an evenly sampled trace: x[i] = x0 + i * dx. */
void         nd_plot_model_set_series_trace (NdPlotModel *self, guint series, double x0, double dx,
                                             const double *y, gsize n);
/* Gives a band series (ND_PLOT_BAND) the area between lo and hi over x (n points each): its outline runs
 * along hi, then back along lo. Points where x, lo or hi is not finite are left out. */
void         nd_plot_model_set_series_band (NdPlotModel *self, guint series, const double *x, const double *lo,
                                            const double *hi, gsize n);
void         nd_plot_model_set_series_visible (NdPlotModel *self, guint series, gboolean visible);
void         nd_plot_model_set_series_label (NdPlotModel *self, guint series, const char *label);
/* A name for the pointer readout of a series without a legend entry ("Sweep 3"); not drawn, and setting it
 * does not redraw. */
void         nd_plot_model_set_series_name (NdPlotModel *self, guint series, const char *name);
/* The label, else the name, else NULL. */
const char  *nd_plot_model_get_series_name (NdPlotModel *self, guint series);
/* Read access for the renderer and tests; arrays are owned by the model. */
gsize        nd_plot_model_get_series (NdPlotModel *self, guint series, const double **x, const double **y,
                                       NdPlotColor *color, NdPlotStyle *style, const char **label,
                                       gboolean *visible);

/* Shaded x-ranges (e.g. the voltage range the data visited, the fit window); label may be NULL. */
void         nd_plot_model_add_shaded_range (NdPlotModel *self, double x_min, double x_max, const char *label);
void         nd_plot_model_clear_shaded_ranges (NdPlotModel *self);
guint        nd_plot_model_get_n_shaded_ranges (NdPlotModel *self);
void         nd_plot_model_get_shaded_range (NdPlotModel *self, guint i, double *x_min, double *x_max,
                                             const char **label);

/* Vertical markers at x (e.g. a stimulus onset, the current iteration); label may be NULL. */
void         nd_plot_model_add_marker (NdPlotModel *self, double x, const char *label);
void         nd_plot_model_clear_markers (NdPlotModel *self);
guint        nd_plot_model_get_n_markers (NdPlotModel *self);
double       nd_plot_model_get_marker (NdPlotModel *self, guint i, const char **label);

/* Removes all series, shaded ranges and markers (axes and title stay). */
void         nd_plot_model_clear (NdPlotModel *self);

G_END_DECLS
