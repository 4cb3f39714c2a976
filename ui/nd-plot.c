/* nd-plot.c: GtkWidget drawing an NdPlotModel through PLplot in snapshot.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "nd-plot.h"

struct _NdPlot
{
  GtkWidget    parent_instance;

  NdPlotModel *model;
  gulong       changed_id;
  gboolean     selectable;

  NdPlotFrame  frame;
  gboolean     has_frame;
  guint        draw_count;
  gint64       last_draw_us;
  gboolean     warned;

  /* Plots whose data areas line up (nd_plot_align()); shared, not owning its members. */
  GPtrArray   *group;
  double       natural_left;

  /* Drag selection in widget coordinates, while the button is down. */
  gboolean     dragging;
  double       drag_start, drag_now;
};

G_DEFINE_FINAL_TYPE (NdPlot, nd_plot, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MODEL, PROP_SELECTABLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { RANGE_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

GtkWidget *
nd_plot_new (NdPlotModel *model)
{
  return g_object_new (ND_TYPE_PLOT, "model", model, NULL);
}

static void
update_accessible_label (NdPlot *self)
{
  const char *title = self->model ? nd_plot_model_get_title (self->model) : NULL;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title ? title : "", -1);
}

static void
model_changed (NdPlot *self)
{
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nd_plot_set_model (NdPlot *self, NdPlotModel *model)
{
  g_return_if_fail (ND_IS_PLOT (self));
  g_return_if_fail (model == NULL || ND_IS_PLOT_MODEL (model));
  if (self->model == model)
    return;
  if (self->model)
    {
      g_clear_signal_handler (&self->changed_id, self->model);
      g_clear_object (&self->model);
    }
  if (model)
    {
      self->model = g_object_ref (model);
      self->changed_id = g_signal_connect_swapped (model, "changed", G_CALLBACK (model_changed), self);
    }
  model_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

NdPlotModel *
nd_plot_get_model (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), NULL);
  return self->model;
}

void
nd_plot_set_selectable (NdPlot *self, gboolean selectable)
{
  g_return_if_fail (ND_IS_PLOT (self));
  selectable = !!selectable;
  if (self->selectable == selectable)
    return;
  self->selectable = selectable;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), selectable ? "col-resize" : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTABLE]);
}

gboolean
nd_plot_get_selectable (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), FALSE);
  return self->selectable;
}

gboolean
nd_plot_get_frame (NdPlot *self, NdPlotFrame *frame)
{
  g_return_val_if_fail (ND_IS_PLOT (self), FALSE);
  if (self->has_frame)
    *frame = self->frame;
  return self->has_frame;
}

guint
nd_plot_get_draw_count (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), 0);
  return self->draw_count;
}

gint64
nd_plot_get_last_draw_us (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), 0);
  return self->last_draw_us;
}

/* Plot text is a little smaller than the UI font, as in other GNOME apps' charts. */
static double
plot_font_pt (NdPlot *self)
{
  g_autofree char *font = NULL;
  double pt = 11;
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-font-name", &font, NULL);
  if (font)
    {
      PangoFontDescription *desc = pango_font_description_from_string (font);
      if (pango_font_description_get_size (desc) > 0)
        pt = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
      pango_font_description_free (desc);
    }
  return CLAMP (pt - 2, 7, 24);
}

gboolean
nd_plot_export (NdPlot *self, const char *path, NdPlotFormat format, int width, int height, GError **error)
{
  NdPlotLook look;

  g_return_val_if_fail (ND_IS_PLOT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  if (self->model == NULL)
    {
      g_set_error_literal (error, ND_PLOT_ERROR, ND_PLOT_ERROR_DRAW, _("There is no plot to export."));
      return FALSE;
    }
  if (width <= 0 || height <= 0)
    {
      /* The size shown on screen, or a common figure size before the widget is shown. */
      width = gtk_widget_get_width (GTK_WIDGET (self)) >= 40 ? gtk_widget_get_width (GTK_WIDGET (self)) : 800;
      height = gtk_widget_get_height (GTK_WIDGET (self)) >= 40 ? gtk_widget_get_height (GTK_WIDGET (self)) : 500;
    }
  nd_plot_look_init (&look);
  look.font_pt = plot_font_pt (self);
  return nd_plot_render_to_file (self->model, path, format, width, height, 1, &look, error);
}

static void
leave_group (NdPlot *self)
{
  if (self->group == NULL)
    return;
  g_ptr_array_remove (self->group, self);
  for (guint i = 0; i < self->group->len; i++)
    gtk_widget_queue_draw (g_ptr_array_index (self->group, i));
  g_clear_pointer (&self->group, g_ptr_array_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nd_plot_align (NdPlot * const *plots, guint n)
{
  GPtrArray *group = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    {
      g_return_if_fail (ND_IS_PLOT (plots[i]));
      leave_group (plots[i]);
    }
  for (guint i = 0; i < n && n > 1; i++)
    {
      plots[i]->natural_left = plots[i]->has_frame ? plots[i]->frame.natural_left : 0;
      plots[i]->group = g_ptr_array_ref (group);
      g_ptr_array_add (group, plots[i]);
      gtk_widget_queue_draw (GTK_WIDGET (plots[i]));
    }
  g_ptr_array_unref (group);
}

/* Redraws the members of a group; queued from an idle because a redraw asked for during snapshot is lost. */
static gboolean
redraw_group (gpointer data)
{
  GPtrArray *group = data;
  for (guint i = 0; i < group->len; i++)
    gtk_widget_queue_draw (g_ptr_array_index (group, i));
  return G_SOURCE_REMOVE;
}

static double
group_left (NdPlot *self)
{
  double left = 0;
  for (guint i = 0; self->group && i < self->group->len; i++)
    left = MAX (left, ((NdPlot *) g_ptr_array_index (self->group, i))->natural_left);
  return left;
}

static void
nd_plot_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  NdPlot *self = ND_PLOT (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GError) error = NULL;
  NdPlotLook look;

  if (self->model == NULL || width < 40 || height < 40)
    return;
  nd_plot_look_init (&look);
  look.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  look.font_pt = plot_font_pt (self);
  look.paint_background = FALSE;
  look.min_left = group_left (self);

  gint64 start = g_get_monotonic_time ();
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  self->has_frame = nd_plot_render (self->model, cr, width, height, &look, &self->frame, &error);
  cairo_destroy (cr);
  self->last_draw_us = g_get_monotonic_time () - start;
  if (self->has_frame && self->group && self->frame.natural_left != self->natural_left)
    {
      /* The margin this plot needs changed: the others follow at their next frame. */
      double before = group_left (self);
      self->natural_left = self->frame.natural_left;
      if (group_left (self) != before || self->frame.left != group_left (self))
        g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, redraw_group, g_ptr_array_ref (self->group),
                         (GDestroyNotify) g_ptr_array_unref);
    }
  self->draw_count++;
  if (error && !self->warned)
    {
      /* Once: a failing draw would otherwise flood the log at every frame. */
      g_message ("%s", error->message);
      self->warned = TRUE;
    }

  if (self->dragging && self->has_frame)
    {
      const NdPlotFrame *f = &self->frame;
      double a = CLAMP (MIN (self->drag_start, self->drag_now), f->left, f->left + f->width);
      double b = CLAMP (MAX (self->drag_start, self->drag_now), f->left, f->left + f->width);
      GdkRGBA fill = { 0.21, 0.52, 0.89, 0.22 }, edge = { 0.21, 0.52, 0.89, 0.9 };
      if (look.dark)
        fill = (GdkRGBA) { 0.38, 0.63, 0.92, 0.25 }, edge = (GdkRGBA) { 0.38, 0.63, 0.92, 0.9 };
      gtk_snapshot_append_color (snapshot, &fill, &GRAPHENE_RECT_INIT (a, f->top, b - a, f->height));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (a, f->top, 1, f->height));
      gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (b - 1, f->top, 1, f->height));
    }
}

static void
nd_plot_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                 int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 300;
}

static void
drag_begin (GtkGestureDrag *gesture, double x, double y, NdPlot *self)
{
  const NdPlotFrame *f = &self->frame;
  if (!self->selectable || !self->has_frame || x < f->left || x > f->left + f->width || y < f->top
      || y > f->top + f->height)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->dragging = TRUE;
  self->drag_start = self->drag_now = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update (GtkGestureDrag *gesture, double dx, double dy, NdPlot *self)
{
  if (!self->dragging)
    return;
  self->drag_now = self->drag_start + dx;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end (GtkGestureDrag *gesture, double dx, double dy, NdPlot *self)
{
  if (!self->dragging)
    return;
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  const NdPlotFrame *f = &self->frame;
  double a = CLAMP (self->drag_start, f->left, f->left + f->width);
  double b = CLAMP (self->drag_start + dx, f->left, f->left + f->width);
  /* A click or a tiny wobble is not a selection. */
  if (fabs (b - a) < 3)
    return;
  double xa = nd_plot_frame_x_to_data (f, a), xb = nd_plot_frame_x_to_data (f, b);
  g_signal_emit (self, signals[RANGE_SELECTED], 0, MIN (xa, xb), MAX (xa, xb));
}

static void
nd_plot_dispose (GObject *object)
{
  leave_group (ND_PLOT (object));
  nd_plot_set_model (ND_PLOT (object), NULL);
  G_OBJECT_CLASS (nd_plot_parent_class)->dispose (object);
}

static void
nd_plot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdPlot *self = ND_PLOT (object);
  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_SELECTABLE:
      g_value_set_boolean (value, self->selectable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_plot_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdPlot *self = ND_PLOT (object);
  switch (prop_id)
    {
    case PROP_MODEL:
      nd_plot_set_model (self, g_value_get_object (value));
      break;
    case PROP_SELECTABLE:
      nd_plot_set_selectable (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_plot_class_init (NdPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_plot_dispose;
  object_class->get_property = nd_plot_get_property;
  object_class->set_property = nd_plot_set_property;
  widget_class->snapshot = nd_plot_snapshot;
  widget_class->measure = nd_plot_measure;

  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, ND_TYPE_PLOT_MODEL,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTABLE] = g_param_spec_boolean ("selectable", NULL, NULL, FALSE,
                                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                      | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NdPlot::range-selected:
   * @x_min: left end in data units
   * @x_max: right end in data units
   *
   * The user dragged across the plot (only when selectable).
   */
  signals[RANGE_SELECTED] = g_signal_new ("range-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nd_plot_init (NdPlot *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
}
