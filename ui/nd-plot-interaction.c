/* nd-plot-interaction.c: the gestures, keys and crosshair readout shared by every NdPlot.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All arithmetic is in the frame's plot space (log10 of the data on a log axis), taken from the last
 * drawn NdPlotFrame, so what the pointer touches is what the zoom and the readout use.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-plot-interaction.h"
#include "nd-text.h"

/* A zoom step of the keys and of one scroll notch. */
#define ZOOM_STEP 1.5
#define SCROLL_STEP 1.25
/* A pan step of the arrow keys and of one sideways scroll notch, as a fraction of what is shown. */
#define PAN_STEP 0.1
/* A drag shorter than this (pixels) is a click; a zoom drag flatter than FLAT_DRAG keeps the height. */
#define CLICK_SLOP 3
#define FLAT_DRAG 8
/* The readout names a curve when the pointer is this close to it (pixels). */
#define SNAP_PX 12
/* Zooming in stops at this fraction of the whole range (the numbers would stop meaning anything). */
#define MIN_SPAN 1e-7

typedef enum
{
  DRAG_NONE,
  DRAG_SELECT,
  DRAG_ZOOM,
  DRAG_PAN,
} DragMode;

struct _NdPlotInteraction
{
  NdPlot      *plot;     /* not owned: the plot owns this */

  /* The pointer, in widget coordinates, while it is over the plot. */
  gboolean     inside;
  double       px, py;

  /* The readout for that position, computed when asked after a change. */
  gboolean     readout_valid;
  char        *readout;
  gboolean     snapped;
  double       snap_py;  /* where the curve it names is, under the pointer */

  DragMode     drag;
  double       x0, y0, x1, y1;
  NdPlotFrame  pan_frame;   /* the frame when a pan began */
};

/* ---- Plot space ---------------------------------------------------------------------------------- */

static double
to_data (double v, NdPlotScale scale)
{
  return scale == ND_PLOT_SCALE_LOG ? pow (10, v) : v;
}

static double
to_plot (double v, NdPlotScale scale)
{
  if (scale == ND_PLOT_SCALE_LINEAR)
    return v;
  return v > 0 ? log10 (v) : NAN;
}

static double
frame_x (const NdPlotFrame *f, double px)
{
  return f->x_min + (px - f->left) / f->width * (f->x_max - f->x_min);
}

static double
frame_y (const NdPlotFrame *f, double py)
{
  return f->y_max - (py - f->top) / f->height * (f->y_max - f->y_min);
}

static double
frame_px (const NdPlotFrame *f, double xp)
{
  return f->left + (xp - f->x_min) / (f->x_max - f->x_min) * f->width;
}

static double
frame_py (const NdPlotFrame *f, double yp)
{
  return f->top + (f->y_max - yp) / (f->y_max - f->y_min) * f->height;
}

static gboolean
in_data (const NdPlotFrame *f, double x, double y)
{
  return x >= f->left && x <= f->left + f->width && y >= f->top && y <= f->top + f->height;
}

/* The whole range of one axis in plot space (what "show everything" shows), given the x range shown. */
static void
full_range (NdPlot *plot, NdPlotAxis axis, const NdPlotView *view, double *lo, double *hi)
{
  NdPlotModel *m = nd_plot_get_model (plot);
  NdPlotScale scale = nd_plot_model_get_scale (m, axis);
  double a, b;
  if (axis == ND_PLOT_AXIS_X || view == NULL || !view->x_set)
    nd_plot_model_get_range (m, axis, &a, &b);
  else
    nd_plot_model_get_y_range_within (m, view->x_min, view->x_max, &a, &b);
  *lo = to_plot (MIN (a, b), scale);
  *hi = to_plot (MAX (a, b), scale);
}

/* Sets one axis of `view` to [lo, hi] in plot space (kept in the frame's orientation), or back to the
 * model's range when that shows as much as everything. */
static void
set_axis (NdPlot *plot, NdPlotView *view, NdPlotAxis axis, double lo, double hi)
{
  NdPlotModel *m = nd_plot_get_model (plot);
  NdPlotScale scale = nd_plot_model_get_scale (m, axis);
  double flo, fhi;
  full_range (plot, axis, view, &flo, &fhi);
  double span = fabs (hi - lo), whole = fhi - flo;
  gboolean all = isfinite (whole) && whole > 0 && span >= whole * (1 - 1e-9)
                 && MIN (lo, hi) <= flo + 1e-9 * whole && MAX (lo, hi) >= fhi - 1e-9 * whole;
  if (axis == ND_PLOT_AXIS_X)
    {
      view->x_set = !all;
      view->x_min = to_data (lo, scale);
      view->x_max = to_data (hi, scale);
    }
  else
    {
      view->y_set = !all;
      view->y_min = to_data (lo, scale);
      view->y_max = to_data (hi, scale);
    }
}

/* A span too small to show, relative to everything on that axis. */
static gboolean
too_small (NdPlot *plot, NdPlotAxis axis, double span)
{
  double flo, fhi;
  full_range (plot, axis, NULL, &flo, &fhi);
  return !(fabs (span) > MIN_SPAN * MAX (fhi - flo, 1e-300));
}

/* Zooms by `factor` (< 1 in, > 1 out) around the widget point (ax, ay), on x and/or y. */
static void
zoom_around (NdPlot *plot, double factor, double ax, double ay, gboolean zx, gboolean zy)
{
  NdPlotFrame f;
  NdPlotView view;
  if (!nd_plot_get_frame (plot, &f) || nd_plot_get_model (plot) == NULL)
    return;
  nd_plot_get_view (plot, &view);
  if (zx)
    {
      double a = frame_x (&f, CLAMP (ax, f.left, f.left + f.width));
      double lo = a + (f.x_min - a) * factor, hi = a + (f.x_max - a) * factor;
      if (factor < 1 && too_small (plot, ND_PLOT_AXIS_X, hi - lo))
        return;
      set_axis (plot, &view, ND_PLOT_AXIS_X, lo, hi);
    }
  if (zy)
    {
      double a = frame_y (&f, CLAMP (ay, f.top, f.top + f.height));
      double lo = a + (f.y_min - a) * factor, hi = a + (f.y_max - a) * factor;
      if (factor < 1 && too_small (plot, ND_PLOT_AXIS_Y, hi - lo))
        return;
      set_axis (plot, &view, ND_PLOT_AXIS_Y, lo, hi);
    }
  nd_plot_set_view (plot, &view);
}

/* Moves what is shown by fractions of its width and height (positive: later times, higher values). */
static void
pan_by (NdPlot *plot, const NdPlotFrame *f, double fx, double fy)
{
  NdPlotView view;
  nd_plot_get_view (plot, &view);
  if (fx != 0)
    {
      double d = fx * (f->x_max - f->x_min);
      set_axis (plot, &view, ND_PLOT_AXIS_X, f->x_min + d, f->x_max + d);
    }
  if (fy != 0)
    {
      double d = fy * (f->y_max - f->y_min);
      set_axis (plot, &view, ND_PLOT_AXIS_Y, f->y_min + d, f->y_max + d);
    }
  nd_plot_set_view (plot, &view);
}

/* The zoom anchor of the keys: the pointer when it is over the data, else the middle. */
static void
key_anchor (NdPlotInteraction *self, const NdPlotFrame *f, double *ax, double *ay)
{
  if (self->inside && in_data (f, self->px, self->py))
    {
      *ax = self->px;
      *ay = self->py;
    }
  else
    {
      *ax = f->left + f->width / 2;
      *ay = f->top + f->height / 2;
    }
}

/* ---- Readout ------------------------------------------------------------------------------------- */

/* Decimals that resolve one pixel of an axis spanning `span` data units over `px` pixels. */
static int
decimals_for (double span, double px)
{
  double per_px = fabs (span) / MAX (px, 1);
  if (!(per_px > 0) || !isfinite (per_px))
    return 2;
  return CLAMP ((int) round (-log10 (per_px)), 0, 6);
}

/* "−45.2 mV": the locale's decimal point, a true minus sign and the axis unit. */
static void
append_value (GString *out, double v, NdPlotScale scale, int decimals, const char *unit)
{
  char buf[64];
  if (scale == ND_PLOT_SCALE_LOG || (fabs (v) >= 1e6 && decimals == 0) || (v != 0 && fabs (v) < 1e-4))
    g_snprintf (buf, sizeof buf, "%.3g", v);
  else
    g_snprintf (buf, sizeof buf, "%.*f", decimals, v);
  /* No "−0.0": a value that rounds to zero is zero. */
  const gboolean zero = strpbrk (buf, "123456789") == NULL;
  g_autofree char *text = nd_text_minus (g_strdup (buf[0] == '-' && zero ? buf + 1 : buf));
  g_string_append (out, text);
  if (unit && *unit)
    g_string_append_printf (out, " %s", unit);
}

/* Whether x never decreases (a trace): then the curve under the pointer is found by bisection. */
static gboolean
is_trace (const double *x, gsize n)
{
  double last = -INFINITY;
  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]))
      {
        if (x[i] < last)
          return FALSE;
        last = x[i];
      }
  return TRUE;
}

/* The first index with x >= v in a trace (n when none). */
static gsize
lower_bound (const double *x, gsize n, double v)
{
  gsize lo = 0, hi = n;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (x[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

typedef struct
{
  double   dist;      /* pixels from the pointer */
  double   x, y;      /* the curve's point there, in data units */
  double   py;        /* its vertical position */
  guint    series;
} Hit;

/* How close a trace passes to the pointer: its extent within a few pixels of the pointer's column (a
 * spike is a near-vertical line) and its value at the pointer's time, interpolated. FALSE when the trace
 * does not reach the pointer's time. */
static gboolean
hit_trace (const NdPlotFrame *f, const double *x, const double *y, gsize n, double px, double py, Hit *hit)
{
  double ds = to_data (frame_x (f, px), f->x_scale);
  double da = to_data (frame_x (f, px - 3), f->x_scale), db = to_data (frame_x (f, px + 3), f->x_scale);
  double dlo = MIN (da, db), dhi = MAX (da, db);

  gsize j = lower_bound (x, n, ds);
  if (j >= n || (j == 0 && x[0] != ds))
    return FALSE;
  double value;
  if (x[j] == ds || j == 0)
    value = y[j];
  else
    {
      double t = (ds - x[j - 1]) / (x[j] - x[j - 1]);
      value = y[j - 1] + t * (y[j] - y[j - 1]);
    }
  double vp = to_plot (value, f->y_scale);
  if (!isfinite (vp))
    return FALSE;
  double vpx = frame_py (f, vp), top = vpx, bottom = vpx;
  /* The samples in the column and the one on either side (their segments cross it). */
  gsize k = lower_bound (x, n, dlo);
  for (k = k > 0 ? k - 1 : 0; k < n; k++)
    {
      double yp = to_plot (y[k], f->y_scale);
      if (isfinite (yp) && isfinite (x[k]))
        {
          top = MIN (top, frame_py (f, yp));
          bottom = MAX (bottom, frame_py (f, yp));
        }
      if (x[k] > dhi)
        break;
    }
  hit->dist = py < top ? top - py : py > bottom ? py - bottom : 0;
  hit->x = ds;
  hit->y = value;
  hit->py = vpx;
  return TRUE;
}

/* The nearest point of a series that is not a trace (a phase-plane loop, f-I points). */
static gboolean
hit_points (const NdPlotFrame *f, const double *x, const double *y, gsize n, double px, double py, Hit *hit)
{
  gboolean any = FALSE;
  for (gsize i = 0; i < n; i++)
    {
      double xp = to_plot (x[i], f->x_scale), yp = to_plot (y[i], f->y_scale);
      if (!isfinite (xp) || !isfinite (yp))
        continue;
      double d = hypot (frame_px (f, xp) - px, frame_py (f, yp) - py);
      if (!any || d < hit->dist)
        {
          any = TRUE;
          hit->dist = d;
          hit->x = x[i];
          hit->y = y[i];
          hit->py = frame_py (f, yp);
        }
    }
  return any;
}

static void
compute_readout (NdPlotInteraction *self)
{
  NdPlot *plot = self->plot;
  NdPlotModel *m = nd_plot_get_model (plot);
  NdPlotFrame f;

  self->readout_valid = TRUE;
  self->snapped = FALSE;
  g_clear_pointer (&self->readout, g_free);
  if (!self->inside || self->drag != DRAG_NONE || m == NULL || !nd_plot_get_frame (plot, &f)
      || !in_data (&f, self->px, self->py))
    return;

  Hit best = { .dist = INFINITY };
  gboolean found = FALSE;
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      const double *x, *y;
      gboolean visible;
      NdPlotStyle style;
      gsize n = nd_plot_model_get_series (m, s, &x, &y, NULL, &style, NULL, &visible);
      Hit h = { .dist = INFINITY, .series = s };
      /* A band's outline is no curve to read values off. */
      if (!visible || n == 0 || style == ND_PLOT_BAND)
        continue;
      gboolean ok = is_trace (x, n) ? hit_trace (&f, x, y, n, self->px, self->py, &h)
                                    : hit_points (&f, x, y, n, self->px, self->py, &h);
      /* Ties go to the later series: it is drawn on top. */
      if (ok && h.dist <= best.dist)
        {
          best = h;
          best.series = s;
          found = TRUE;
        }
    }

  NdPlotScale xs = nd_plot_model_get_scale (m, ND_PLOT_AXIS_X), ys = nd_plot_model_get_scale (m, ND_PLOT_AXIS_Y);
  int xd = decimals_for (to_data (f.x_max, xs) - to_data (f.x_min, xs), f.width);
  int yd = decimals_for (to_data (f.y_max, ys) - to_data (f.y_min, ys), f.height);
  const char *xu = nd_plot_model_get_axis_unit (m, ND_PLOT_AXIS_X), *yu = nd_plot_model_get_axis_unit (m, ND_PLOT_AXIS_Y);
  GString *out = g_string_new (NULL);
  double x = to_data (frame_x (&f, self->px), xs), y = to_data (frame_y (&f, self->py), ys);
  if (found && best.dist <= SNAP_PX)
    {
      const char *name = nd_plot_model_get_series_name (m, best.series);
      self->snapped = TRUE;
      self->snap_py = best.py;
      if (name && *name)
        g_string_append_printf (out, "%s · ", name);
      x = best.x;
      y = best.y;
      /* An interpolated curve value is known better than a pixel: one more digit. */
      yd = MIN (yd + 1, 6);
    }
  append_value (out, x, xs, xd, xu);
  g_string_append (out, " · ");
  append_value (out, y, ys, yd, yu);
  self->readout = g_string_free (out, FALSE);
}

const char *
nd_plot_interaction_get_readout (NdPlotInteraction *self)
{
  if (!self->readout_valid)
    compute_readout (self);
  return self->readout ? self->readout : "";
}

void
nd_plot_interaction_invalidate (NdPlotInteraction *self)
{
  self->readout_valid = FALSE;
}

/* ---- Pointer ------------------------------------------------------------------------------------- */

static void
motion (GtkEventControllerMotion *controller, double x, double y, NdPlotInteraction *self)
{
  self->inside = TRUE;
  self->px = x;
  self->py = y;
  self->readout_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
}

static void
leave (GtkEventControllerMotion *controller, NdPlotInteraction *self)
{
  self->inside = FALSE;
  self->readout_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
}

gboolean
nd_plot_interaction_scroll (NdPlotInteraction *self, double x, double y, double dx, double dy,
                            GdkModifierType state)
{
  NdPlot *plot = self->plot;
  NdPlotFrame f;
  NdPlotView view;
  if (!nd_plot_get_frame (plot, &f) || nd_plot_get_model (plot) == NULL)
    return FALSE;
  nd_plot_get_view (plot, &view);
  if (state & GDK_CONTROL_MASK)
    {
      if (dy == 0)
        return FALSE;
      /* Over the y axis only y, over the x axis only x; over the data x, and y when it is zoomed. */
      gboolean over_y = x < f.left, over_x = y > f.top + f.height;
      zoom_around (plot, pow (SCROLL_STEP, dy), x, y, !over_y, over_y || (!over_x && view.y_set));
      return TRUE;
    }
  double sideways = dx != 0 ? dx : (state & GDK_SHIFT_MASK) ? dy : 0;
  if (sideways != 0 && view.x_set)
    {
      pan_by (plot, &f, sideways * PAN_STEP, 0);
      return TRUE;
    }
  return FALSE;
}

static gboolean
scroll (GtkEventControllerScroll *controller, double dx, double dy, NdPlotInteraction *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  return nd_plot_interaction_scroll (self, self->px, self->py, dx, dy, state);
}

static void
pressed (GtkGestureClick *gesture, int n_press, double x, double y, NdPlotInteraction *self)
{
  /* A click gives the plot the keyboard (+, −, arrows, Home); a double-click shows everything. */
  if (gtk_widget_get_focusable (GTK_WIDGET (self->plot)))
    gtk_widget_grab_focus (GTK_WIDGET (self->plot));
  if (n_press == 2 && gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) <= GDK_BUTTON_PRIMARY)
    nd_plot_reset_zoom (self->plot);
}

/* ---- Drags --------------------------------------------------------------------------------------- */

static void
drag_begin (GtkGestureDrag *gesture, double x, double y, NdPlotInteraction *self)
{
  NdPlotFrame f;
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (!nd_plot_get_frame (self->plot, &f) || !in_data (&f, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  /* Button 0: a drag without a device (tests), taken as the primary button. */
  if (button == GDK_BUTTON_MIDDLE || (button <= GDK_BUTTON_PRIMARY && (state & GDK_SHIFT_MASK)))
    self->drag = DRAG_PAN;
  else if (button == GDK_BUTTON_SECONDARY || (state & GDK_CONTROL_MASK))
    self->drag = DRAG_ZOOM;
  else
    self->drag = nd_plot_get_selectable (self->plot) ? DRAG_SELECT : DRAG_ZOOM;
  self->x0 = self->x1 = x;
  self->y0 = self->y1 = y;
  self->pan_frame = f;
  self->readout_valid = FALSE;
}

static void
drag_update (GtkGestureDrag *gesture, double dx, double dy, NdPlotInteraction *self)
{
  if (self->drag == DRAG_NONE)
    return;
  /* Claimed only once it moves, so that a double-click reaches the click gesture. */
  if (hypot (dx, dy) >= CLICK_SLOP)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->x1 = self->x0 + dx;
  self->y1 = self->y0 + dy;
  if (self->drag == DRAG_PAN)
    {
      const NdPlotFrame *f = &self->pan_frame;
      NdPlotView view;
      nd_plot_get_view (self->plot, &view);
      double ddx = -dx / f->width * (f->x_max - f->x_min), ddy = dy / f->height * (f->y_max - f->y_min);
      set_axis (self->plot, &view, ND_PLOT_AXIS_X, f->x_min + ddx, f->x_max + ddx);
      if (view.y_set || dy != 0)
        set_axis (self->plot, &view, ND_PLOT_AXIS_Y, f->y_min + ddy, f->y_max + ddy);
      nd_plot_set_view (self->plot, &view);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
}

static void
drag_end (GtkGestureDrag *gesture, double dx, double dy, NdPlotInteraction *self)
{
  DragMode mode = self->drag;
  NdPlotFrame f;

  self->drag = DRAG_NONE;
  self->readout_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
  if (mode == DRAG_NONE || mode == DRAG_PAN || !nd_plot_get_frame (self->plot, &f))
    return;
  double a = CLAMP (self->x0, f.left, f.left + f.width), b = CLAMP (self->x0 + dx, f.left, f.left + f.width);
  double c = CLAMP (self->y0, f.top, f.top + f.height), d = CLAMP (self->y0 + dy, f.top, f.top + f.height);
  /* A click or a tiny wobble is not a selection. */
  if (fabs (b - a) < CLICK_SLOP)
    return;
  if (mode == DRAG_SELECT)
    {
      double xa = nd_plot_frame_x_to_data (&f, a), xb = nd_plot_frame_x_to_data (&f, b);
      nd_plot_emit_range_selected (self->plot, MIN (xa, xb), MAX (xa, xb));
      return;
    }
  NdPlotView view;
  nd_plot_get_view (self->plot, &view);
  if (too_small (self->plot, ND_PLOT_AXIS_X, frame_x (&f, b) - frame_x (&f, a)))
    return;
  /* Left to right in the frame's orientation, so a flipped axis stays flipped. */
  set_axis (self->plot, &view, ND_PLOT_AXIS_X, frame_x (&f, MIN (a, b)), frame_x (&f, MAX (a, b)));
  if (fabs (d - c) >= FLAT_DRAG && !too_small (self->plot, ND_PLOT_AXIS_Y, frame_y (&f, c) - frame_y (&f, d)))
    {
      view.y_set = TRUE;
      NdPlotScale ys = nd_plot_model_get_scale (nd_plot_get_model (self->plot), ND_PLOT_AXIS_Y);
      view.y_min = to_data (frame_y (&f, MAX (c, d)), ys);
      view.y_max = to_data (frame_y (&f, MIN (c, d)), ys);
    }
  nd_plot_set_view (self->plot, &view);
}

static void
drag_cancel (GtkGesture *gesture, GdkEventSequence *sequence, NdPlotInteraction *self)
{
  self->drag = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self->plot));
}

/* ---- Drawing ------------------------------------------------------------------------------------- */

static void
append_rect (GtkSnapshot *snapshot, const GdkRGBA *color, double x, double y, double w, double h)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, w, h));
}

static void
draw_readout (NdPlotInteraction *self, GtkSnapshot *snapshot, const NdPlotFrame *f, gboolean dark, double font_pt)
{
  const char *text = nd_plot_interaction_get_readout (self);
  if (!*text)
    return;
  GdkRGBA line = dark ? (GdkRGBA) { 0.9, 0.9, 0.9, 0.45 } : (GdkRGBA) { 0.2, 0.2, 0.2, 0.4 };
  GdkRGBA plate = dark ? (GdkRGBA) { 0.14, 0.14, 0.14, 0.92 } : (GdkRGBA) { 1, 1, 1, 0.92 };
  GdkRGBA ink = dark ? (GdkRGBA) { 0.94, 0.94, 0.94, 1 } : (GdkRGBA) { 0.18, 0.18, 0.18, 1 };
  GdkRGBA edge = dark ? (GdkRGBA) { 0.35, 0.35, 0.35, 1 } : (GdkRGBA) { 0.8, 0.8, 0.8, 1 };
  double cy = self->snapped ? self->snap_py : self->py;

  /* The crosshair: through the pointer's time and the value read. */
  append_rect (snapshot, &line, round (self->px), f->top, 1, f->height);
  if (cy >= f->top && cy <= f->top + f->height)
    append_rect (snapshot, &line, f->left, round (cy), f->width, 1);
  if (self->snapped && cy >= f->top && cy <= f->top + f->height)
    {
      GskRoundedRect dot;
      gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT (self->px - 3.5, cy - 3.5, 7, 7), 3.5);
      gtk_snapshot_push_rounded_clip (snapshot, &dot);
      append_rect (snapshot, &ink, self->px - 4, cy - 4, 8, 8);
      gtk_snapshot_pop (snapshot);
    }

  /* The text on a plate beside the pointer, turned inwards at the edges of the data area. */
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->plot), text);
  PangoFontDescription *desc = pango_font_description_from_string ("Sans");
  pango_font_description_set_size (desc, (int) (font_pt * PANGO_SCALE));
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  int tw, th;
  pango_layout_get_pixel_size (layout, &tw, &th);
  const double pad = 5, gap = 10;
  double w = tw + 2 * pad, h = th + 2 * pad;
  double x = self->px + gap, y = cy - h - gap;
  if (x + w > f->left + f->width)
    x = self->px - gap - w;
  x = MAX (x, f->left);
  if (y < f->top)
    y = cy + gap;
  if (y + h > f->top + f->height)
    y = MAX (f->top, f->top + f->height - h);
  GskRoundedRect box;
  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (x, y, w, h), 5);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  append_rect (snapshot, &plate, x, y, w, h);
  gtk_snapshot_pop (snapshot);
  const float widths[4] = { 1, 1, 1, 1 };
  const GdkRGBA edges[4] = { edge, edge, edge, edge };
  gtk_snapshot_append_border (snapshot, &box, widths, edges);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + pad, y + pad));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

void
nd_plot_interaction_snapshot (NdPlotInteraction *self, GtkSnapshot *snapshot, gboolean dark, double font_pt)
{
  NdPlotFrame f;
  if (!nd_plot_get_frame (self->plot, &f))
    return;
  GdkRGBA fill = { 0.21, 0.52, 0.89, 0.22 }, edge = { 0.21, 0.52, 0.89, 0.9 };
  if (dark)
    fill = (GdkRGBA) { 0.38, 0.63, 0.92, 0.25 }, edge = (GdkRGBA) { 0.38, 0.63, 0.92, 0.9 };
  if (self->drag == DRAG_SELECT || self->drag == DRAG_ZOOM)
    {
      double a = CLAMP (MIN (self->x0, self->x1), f.left, f.left + f.width);
      double b = CLAMP (MAX (self->x0, self->x1), f.left, f.left + f.width);
      double top = f.top, bottom = f.top + f.height;
      /* A zoom rectangle, or a band over the whole height (a selection, a flat zoom drag). */
      if (self->drag == DRAG_ZOOM && fabs (self->y1 - self->y0) >= FLAT_DRAG)
        {
          top = CLAMP (MIN (self->y0, self->y1), f.top, f.top + f.height);
          bottom = CLAMP (MAX (self->y0, self->y1), f.top, f.top + f.height);
          append_rect (snapshot, &edge, a, top, b - a, 1);
          append_rect (snapshot, &edge, a, bottom - 1, b - a, 1);
        }
      append_rect (snapshot, &fill, a, top, b - a, bottom - top);
      append_rect (snapshot, &edge, a, top, 1, bottom - top);
      append_rect (snapshot, &edge, b - 1, top, 1, bottom - top);
      return;
    }
  if (self->drag == DRAG_NONE)
    draw_readout (self, snapshot, &f, dark, font_pt);
}

/* ---- Actions and keys ---------------------------------------------------------------------------- */

static void
zoom_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  NdPlot *plot = ND_PLOT (widget);
  NdPlotInteraction *self = nd_plot_get_interaction (plot);
  NdPlotFrame f;
  NdPlotView view;
  double ax, ay;
  if (!nd_plot_get_frame (plot, &f))
    return;
  nd_plot_get_view (plot, &view);
  key_anchor (self, &f, &ax, &ay);
  zoom_around (plot, g_str_equal (action, "plot.zoom-in") ? 1 / ZOOM_STEP : ZOOM_STEP, ax, ay, TRUE, view.y_set);
}

static void
reset_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  nd_plot_reset_zoom (ND_PLOT (widget));
}

static void
pan_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  NdPlot *plot = ND_PLOT (widget);
  NdPlotFrame f;
  const char *dir = g_variant_get_string (param, NULL);
  if (!nd_plot_get_frame (plot, &f))
    return;
  pan_by (plot, &f, g_str_equal (dir, "left") ? -PAN_STEP : g_str_equal (dir, "right") ? PAN_STEP : 0,
          g_str_equal (dir, "down") ? -PAN_STEP : g_str_equal (dir, "up") ? PAN_STEP : 0);
}

void
nd_plot_interaction_class_init (GtkWidgetClass *widget_class)
{
  static const struct { guint key; const char *action; const char *dir; } keys[] = {
    { GDK_KEY_plus, "plot.zoom-in", NULL }, { GDK_KEY_equal, "plot.zoom-in", NULL },
    { GDK_KEY_KP_Add, "plot.zoom-in", NULL },
    { GDK_KEY_minus, "plot.zoom-out", NULL }, { GDK_KEY_KP_Subtract, "plot.zoom-out", NULL },
    { GDK_KEY_Home, "plot.reset-zoom", NULL }, { GDK_KEY_KP_Home, "plot.reset-zoom", NULL },
    { GDK_KEY_Left, "plot.pan", "left" }, { GDK_KEY_KP_Left, "plot.pan", "left" },
    { GDK_KEY_Right, "plot.pan", "right" }, { GDK_KEY_KP_Right, "plot.pan", "right" },
    { GDK_KEY_Up, "plot.pan", "up" }, { GDK_KEY_KP_Up, "plot.pan", "up" },
    { GDK_KEY_Down, "plot.pan", "down" }, { GDK_KEY_KP_Down, "plot.pan", "down" },
  };
  gtk_widget_class_install_action (widget_class, "plot.zoom-in", NULL, zoom_activated);
  gtk_widget_class_install_action (widget_class, "plot.zoom-out", NULL, zoom_activated);
  gtk_widget_class_install_action (widget_class, "plot.reset-zoom", NULL, reset_activated);
  gtk_widget_class_install_action (widget_class, "plot.pan", "s", pan_activated);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (keys[i].dir)
        gtk_widget_class_add_binding_action (widget_class, keys[i].key, 0, keys[i].action, "s", keys[i].dir);
      else
        gtk_widget_class_add_binding_action (widget_class, keys[i].key, 0, keys[i].action, NULL);
    }
  /* "+" is Shift+= on many keyboards. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_SHIFT_MASK, "plot.zoom-in", NULL);
}

/* ---- Set-up -------------------------------------------------------------------------------------- */

NdPlotInteraction *
nd_plot_interaction_new (NdPlot *plot)
{
  NdPlotInteraction *self = g_new0 (NdPlotInteraction, 1);
  GtkWidget *widget = GTK_WIDGET (plot);
  self->plot = plot;

  GtkGesture *drag = gtk_gesture_drag_new ();
  /* Any button: the primary selects or zooms, the secondary zooms, the middle pans. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (drag_cancel), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  GtkEventController *pointer = gtk_event_controller_motion_new ();
  g_signal_connect (pointer, "enter", G_CALLBACK (motion), self);
  g_signal_connect (pointer, "motion", G_CALLBACK (motion), self);
  g_signal_connect (pointer, "leave", G_CALLBACK (leave), self);
  gtk_widget_add_controller (widget, pointer);

  GtkEventController *wheel = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (wheel, "scroll", G_CALLBACK (scroll), self);
  gtk_widget_add_controller (widget, wheel);
  return self;
}

void
nd_plot_interaction_free (NdPlotInteraction *self)
{
  if (self == NULL)
    return;
  g_free (self->readout);
  g_free (self);
}
