/* nd-plot-model.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-plot-model.h"

#include <math.h>
#include <string.h>

typedef struct
{
  char        *label;
  char        *name;     /* for the pointer readout when there is no label ("Sweep 3") */
  NdPlotColor  color;
  NdPlotStyle  style;
  gboolean     visible;
  double      *x, *y;
  gsize        n;
} Series;

typedef struct
{
  double  x_min, x_max;
  char   *label;
} Shade;

typedef struct
{
  double  x;
  char   *label;
} Marker;

typedef struct
{
  char        *label, *unit;
  NdPlotScale  scale;
  gboolean     fixed;
  double       min, max;
} Axis;

struct _NdPlotModel
{
  GObject  parent_instance;

  char    *title;
  Axis     axes[2];
  GArray  *series;   /* Series */
  GArray  *shades;   /* Shade */
  GArray  *markers;  /* Marker */
  guint    next_color;
  guint    y_label_min_chars;
};

G_DEFINE_FINAL_TYPE (NdPlotModel, nd_plot_model, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
changed (NdPlotModel *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
series_clear (gpointer p)
{
  Series *s = p;
  g_free (s->label);
  g_free (s->name);
  g_free (s->x);
  g_free (s->y);
}

static void
shade_clear (gpointer p)
{
  g_free (((Shade *) p)->label);
}

static void
marker_clear (gpointer p)
{
  g_free (((Marker *) p)->label);
}

static void
nd_plot_model_finalize (GObject *object)
{
  NdPlotModel *self = ND_PLOT_MODEL (object);

  g_free (self->title);
  for (guint i = 0; i < 2; i++)
    {
      g_free (self->axes[i].label);
      g_free (self->axes[i].unit);
    }
  g_array_unref (self->series);
  g_array_unref (self->shades);
  g_array_unref (self->markers);
  G_OBJECT_CLASS (nd_plot_model_parent_class)->finalize (object);
}

static void
nd_plot_model_class_init (NdPlotModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_plot_model_finalize;

  /**
   * NdPlotModel::changed:
   *
   * Anything shown changed; views redraw.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
nd_plot_model_init (NdPlotModel *self)
{
  self->series = g_array_new (FALSE, TRUE, sizeof (Series));
  g_array_set_clear_func (self->series, series_clear);
  self->shades = g_array_new (FALSE, TRUE, sizeof (Shade));
  g_array_set_clear_func (self->shades, shade_clear);
  self->markers = g_array_new (FALSE, TRUE, sizeof (Marker));
  g_array_set_clear_func (self->markers, marker_clear);
}

NdPlotModel *
nd_plot_model_new (void)
{
  return g_object_new (ND_TYPE_PLOT_MODEL, NULL);
}

void
nd_plot_model_set_title (NdPlotModel *self, const char *title)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  g_free (self->title);
  self->title = g_strdup (title);
  changed (self);
}

void
nd_plot_model_set_y_label_min_chars (NdPlotModel *self, guint chars)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  if (self->y_label_min_chars == chars)
    return;
  self->y_label_min_chars = chars;
  changed (self);
}

guint
nd_plot_model_get_y_label_min_chars (NdPlotModel *self)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), 0);
  return self->y_label_min_chars;
}

const char *
nd_plot_model_get_title (NdPlotModel *self)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), NULL);
  return self->title;
}

void
nd_plot_model_set_axis (NdPlotModel *self, NdPlotAxis axis, const char *label, const char *unit,
                        NdPlotScale scale)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  g_return_if_fail (axis <= ND_PLOT_AXIS_Y);
  Axis *a = &self->axes[axis];
  g_free (a->label);
  g_free (a->unit);
  a->label = g_strdup (label);
  a->unit = g_strdup (unit);
  a->scale = scale;
  changed (self);
}

NdPlotScale
nd_plot_model_get_scale (NdPlotModel *self, NdPlotAxis axis)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self) && axis <= ND_PLOT_AXIS_Y, ND_PLOT_SCALE_LINEAR);
  return self->axes[axis].scale;
}

char *
nd_plot_model_dup_axis_title (NdPlotModel *self, NdPlotAxis axis)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self) && axis <= ND_PLOT_AXIS_Y, NULL);
  const Axis *a = &self->axes[axis];
  const char *label = a->label ? a->label : "";
  if (a->unit && *a->unit)
    return *label ? g_strdup_printf ("%s (%s)", label, a->unit) : g_strdup_printf ("(%s)", a->unit);
  return g_strdup (label);
}

const char *
nd_plot_model_get_axis_unit (NdPlotModel *self, NdPlotAxis axis)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self) && axis <= ND_PLOT_AXIS_Y, NULL);
  return self->axes[axis].unit;
}

void
nd_plot_model_set_range (NdPlotModel *self, NdPlotAxis axis, double min, double max)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self) && axis <= ND_PLOT_AXIS_Y);
  g_return_if_fail (isfinite (min) && isfinite (max) && min != max);
  self->axes[axis].fixed = TRUE;
  self->axes[axis].min = min;
  self->axes[axis].max = max;
  changed (self);
}

void
nd_plot_model_set_range_auto (NdPlotModel *self, NdPlotAxis axis)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self) && axis <= ND_PLOT_AXIS_Y);
  self->axes[axis].fixed = FALSE;
  changed (self);
}

static gboolean
usable (double v, NdPlotScale scale)
{
  return isfinite (v) && (scale == ND_PLOT_SCALE_LINEAR || v > 0);
}

/* The automatic range of one axis over the points whose x lies in [x_lo, x_hi]. */
static gboolean
auto_range (NdPlotModel *self, NdPlotAxis axis, double x_lo, double x_hi, double *min, double *max)
{
  const Axis *a = &self->axes[axis];
  const Axis *xa = &self->axes[ND_PLOT_AXIS_X];
  double lo = INFINITY, hi = -INFINITY;

  for (guint s = 0; s < self->series->len; s++)
    {
      const Series *se = &g_array_index (self->series, Series, s);
      /* The height follows the lines: a band of two fits may span decades of tau; it is cut at the edge. */
      if (!se->visible || (axis == ND_PLOT_AXIS_Y && se->style == ND_PLOT_BAND))
        continue;
      for (gsize i = 0; i < se->n; i++)
        {
          double x = se->x[i], y = se->y[i];
          if (!usable (x, xa->scale) || !usable (y, self->axes[ND_PLOT_AXIS_Y].scale))
            continue;
          if (axis == ND_PLOT_AXIS_Y && (x < x_lo || x > x_hi))
            continue;
          double v = axis == ND_PLOT_AXIS_X ? x : y;
          lo = MIN (lo, v);
          hi = MAX (hi, v);
        }
    }
  if (lo > hi)
    {
      *min = a->scale == ND_PLOT_SCALE_LOG ? 1 : 0;
      *max = a->scale == ND_PLOT_SCALE_LOG ? 10 : 1;
      return FALSE;
    }
  if (a->scale == ND_PLOT_SCALE_LOG)
    {
      double l = log10 (lo), h = log10 (hi);
      double pad = axis == ND_PLOT_AXIS_Y ? 0.05 * (h - l) : 0;
      /* A log axis is labelled at decades: show at least one. */
      if (h - l < 1)
        pad = MAX (pad, (1 - (h - l)) / 2);
      *min = pow (10, l - pad);
      *max = pow (10, h + pad);
    }
  else
    {
      double pad = axis == ND_PLOT_AXIS_Y ? 0.05 * (hi - lo) : 0;
      if (hi - lo <= 1e-12 * MAX (fabs (lo), fabs (hi)) || hi == lo)
        pad = lo != 0 ? 0.1 * fabs (lo) : 1;
      *min = lo - pad;
      *max = hi + pad;
    }
  return TRUE;
}

gboolean
nd_plot_model_get_range (NdPlotModel *self, NdPlotAxis axis, double *min, double *max)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self) && axis <= ND_PLOT_AXIS_Y, FALSE);
  const Axis *a = &self->axes[axis];
  const Axis *xa = &self->axes[ND_PLOT_AXIS_X];

  if (a->fixed)
    {
      *min = a->min;
      *max = a->max;
      return TRUE;
    }
  /* y fits the points inside a fixed x range, so a zoomed trace fills the height. */
  if (axis == ND_PLOT_AXIS_Y && xa->fixed)
    return auto_range (self, axis, MIN (xa->min, xa->max), MAX (xa->min, xa->max), min, max);
  return auto_range (self, axis, -INFINITY, INFINITY, min, max);
}

gboolean
nd_plot_model_get_y_range_within (NdPlotModel *self, double x_lo, double x_hi, double *min, double *max)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), FALSE);
  const Axis *a = &self->axes[ND_PLOT_AXIS_Y];
  if (a->fixed)
    {
      *min = a->min;
      *max = a->max;
      return TRUE;
    }
  return auto_range (self, ND_PLOT_AXIS_Y, MIN (x_lo, x_hi), MAX (x_lo, x_hi), min, max);
}

gboolean
nd_plot_model_get_range_fixed (NdPlotModel *self, NdPlotAxis axis)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self) && axis <= ND_PLOT_AXIS_Y, FALSE);
  return self->axes[axis].fixed;
}

guint
nd_plot_model_add_series (NdPlotModel *self, const char *label, NdPlotColor color, NdPlotStyle style)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), 0);
  g_return_val_if_fail (color >= ND_PLOT_COLOR_AUTO && color < ND_PLOT_N_COLORS, 0);
  Series s = { .label = g_strdup (label), .color = color, .style = style, .visible = TRUE };
  if (color == ND_PLOT_COLOR_AUTO)
    s.color = (NdPlotColor) (self->next_color++ % ND_PLOT_COLOR_GREY);
  g_array_append_val (self->series, s);
  changed (self);
  return self->series->len - 1;
}

guint
nd_plot_model_get_n_series (NdPlotModel *self)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), 0);
  return self->series->len;
}

static Series *
get_series (NdPlotModel *self, guint series)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);
  return &g_array_index (self->series, Series, series);
}

static void
resize (Series *s, gsize n)
{
  if (n != s->n)
    {
      s->x = g_renew (double, s->x, n);
      s->y = g_renew (double, s->y, n);
      s->n = n;
    }
}

void
nd_plot_model_set_series_data (NdPlotModel *self, guint series, const double *x, const double *y, gsize n)
{
  Series *s = get_series (self, series);
  g_return_if_fail (s != NULL && (n == 0 || (x != NULL && y != NULL)));
  resize (s, n);
  if (n > 0)
    {
      memcpy (s->x, x, n * sizeof *x);
      memcpy (s->y, y, n * sizeof *y);
    }
  changed (self);
}

void
nd_plot_model_set_series_trace (NdPlotModel *self, guint series, double x0, double dx, const double *y, gsize n)
{
  Series *s = get_series (self, series);
  g_return_if_fail (s != NULL && (n == 0 || y != NULL));
  resize (s, n);
  for (gsize i = 0; i < n; i++)
    s->x[i] = x0 + (double) i * dx;
  if (n > 0)
    memcpy (s->y, y, n * sizeof *y);
  changed (self);
}

void
nd_plot_model_set_series_band (NdPlotModel *self, guint series, const double *x, const double *lo,
                               const double *hi, gsize n)
{
  Series *s = get_series (self, series);
  g_return_if_fail (s != NULL && (n == 0 || (x != NULL && lo != NULL && hi != NULL)));
  gsize m = 0;
  for (gsize i = 0; i < n; i++)
    m += isfinite (x[i]) && isfinite (lo[i]) && isfinite (hi[i]);
  resize (s, 2 * m);
  for (gsize i = 0, k = 0; i < n; i++)
    if (isfinite (x[i]) && isfinite (lo[i]) && isfinite (hi[i]))
      {
        s->x[k] = s->x[2 * m - 1 - k] = x[i];
        s->y[k] = hi[i];
        s->y[2 * m - 1 - k] = lo[i];
        k++;
      }
  changed (self);
}

void
nd_plot_model_set_series_visible (NdPlotModel *self, guint series, gboolean visible)
{
  Series *s = get_series (self, series);
  g_return_if_fail (s != NULL);
  s->visible = visible;
  changed (self);
}

void
nd_plot_model_set_series_label (NdPlotModel *self, guint series, const char *label)
{
  Series *s = get_series (self, series);
  g_return_if_fail (s != NULL);
  g_free (s->label);
  s->label = g_strdup (label);
  changed (self);
}

void
nd_plot_model_set_series_name (NdPlotModel *self, guint series, const char *name)
{
  Series *s = get_series (self, series);
  g_return_if_fail (s != NULL);
  g_free (s->name);
  s->name = g_strdup (name);
}

const char *
nd_plot_model_get_series_name (NdPlotModel *self, guint series)
{
  Series *s = get_series (self, series);
  g_return_val_if_fail (s != NULL, NULL);
  return s->label && *s->label ? s->label : s->name;
}

gsize
nd_plot_model_get_series (NdPlotModel *self, guint series, const double **x, const double **y,
                          NdPlotColor *color, NdPlotStyle *style, const char **label, gboolean *visible)
{
  Series *s = get_series (self, series);
  g_return_val_if_fail (s != NULL, 0);
  if (x) *x = s->x;
  if (y) *y = s->y;
  if (color) *color = s->color;
  if (style) *style = s->style;
  if (label) *label = s->label;
  if (visible) *visible = s->visible;
  return s->n;
}

void
nd_plot_model_add_shaded_range (NdPlotModel *self, double x_min, double x_max, const char *label)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  g_return_if_fail (isfinite (x_min) && isfinite (x_max));
  Shade s = { MIN (x_min, x_max), MAX (x_min, x_max), g_strdup (label) };
  g_array_append_val (self->shades, s);
  changed (self);
}

void
nd_plot_model_clear_shaded_ranges (NdPlotModel *self)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  g_array_set_size (self->shades, 0);
  changed (self);
}

guint
nd_plot_model_get_n_shaded_ranges (NdPlotModel *self)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), 0);
  return self->shades->len;
}

void
nd_plot_model_get_shaded_range (NdPlotModel *self, guint i, double *x_min, double *x_max, const char **label)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self) && i < self->shades->len);
  const Shade *s = &g_array_index (self->shades, Shade, i);
  *x_min = s->x_min;
  *x_max = s->x_max;
  if (label)
    *label = s->label;
}

void
nd_plot_model_add_marker (NdPlotModel *self, double x, const char *label)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  g_return_if_fail (isfinite (x));
  Marker m = { x, g_strdup (label) };
  g_array_append_val (self->markers, m);
  changed (self);
}

void
nd_plot_model_clear_markers (NdPlotModel *self)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  g_array_set_size (self->markers, 0);
  changed (self);
}

guint
nd_plot_model_get_n_markers (NdPlotModel *self)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self), 0);
  return self->markers->len;
}

double
nd_plot_model_get_marker (NdPlotModel *self, guint i, const char **label)
{
  g_return_val_if_fail (ND_IS_PLOT_MODEL (self) && i < self->markers->len, NAN);
  const Marker *m = &g_array_index (self->markers, Marker, i);
  if (label)
    *label = m->label;
  return m->x;
}

void
nd_plot_model_clear (NdPlotModel *self)
{
  g_return_if_fail (ND_IS_PLOT_MODEL (self));
  g_array_set_size (self->series, 0);
  g_array_set_size (self->shades, 0);
  g_array_set_size (self->markers, 0);
  self->next_color = 0;
  changed (self);
}
