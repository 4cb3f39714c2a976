/* nd-plot.c: GtkWidget drawing an NdPlotModel through PLplot in snapshot.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nd-plot.h"
#include "nd-plot-interaction.h"

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

  /* The zoom, the gestures and readout (nd-plot-interaction.c), and the button that ends the zoom. */
  NdPlotView   view;
  gboolean     zoomed_here;   /* the zoom was set on this plot, not only followed from an aligned one */
  NdPlotInteraction *interaction;
  GtkWidget   *reset_button;
  guint        place_idle;

  /* Said in the data area while the model has no series (nd_plot_set_placeholder). */
  char        *placeholder;
  gboolean     placeholder_shown;
};

G_DEFINE_FINAL_TYPE (NdPlot, nd_plot, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MODEL, PROP_SELECTABLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { RANGE_SELECTED, VIEW_CHANGED, N_SIGNALS };
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
  if (self->interaction)
    nd_plot_interaction_invalidate (self->interaction);
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
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), selectable ? "col-resize" : "crosshair");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTABLE]);
}

gboolean
nd_plot_get_selectable (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), FALSE);
  return self->selectable;
}

/* ---- Zoom ---------------------------------------------------------------------------------------- */

static gboolean
view_zoomed (const NdPlotView *view)
{
  return view->x_set || view->y_set;
}

/* One button per column: on the plot the user zoomed, and on any with a zoom of its own values. */
static void
update_button (NdPlot *self)
{
  gtk_widget_set_visible (self->reset_button, self->view.y_set || (self->view.x_set && self->zoomed_here));
}

static void
set_view_one (NdPlot *self, const NdPlotView *view)
{
  NdPlotView v = { 0 };
  if (view)
    v = *view;
  v.x_set = !!v.x_set;
  v.y_set = !!v.y_set;
  if (!v.x_set)
    v.x_min = v.x_max = 0;
  if (!v.y_set)
    v.y_min = v.y_max = 0;
  if (memcmp (&self->view, &v, sizeof v) == 0)
    return;
  self->view = v;
  update_button (self);
  nd_plot_interaction_invalidate (self->interaction);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

void
nd_plot_set_view (NdPlot *self, const NdPlotView *view)
{
  g_return_if_fail (ND_IS_PLOT (self));
  for (guint i = 0; self->group && i < self->group->len; i++)
    ((NdPlot *) g_ptr_array_index (self->group, i))->zoomed_here = FALSE;
  self->zoomed_here = TRUE;
  set_view_one (self, view);
  /* Aligned plots share the time axis: they follow in x and keep their own y. */
  for (guint i = 0; self->group && i < self->group->len; i++)
    {
      NdPlot *other = g_ptr_array_index (self->group, i);
      if (other == self)
        continue;
      NdPlotView v = other->view;
      v.x_set = self->view.x_set;
      v.x_min = self->view.x_min;
      v.x_max = self->view.x_max;
      set_view_one (other, &v);
      update_button (other);
    }
  update_button (self);
}

void
nd_plot_get_view (NdPlot *self, NdPlotView *view)
{
  g_return_if_fail (ND_IS_PLOT (self));
  *view = self->view;
}

gboolean
nd_plot_is_zoomed (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), FALSE);
  return view_zoomed (&self->view);
}

void
nd_plot_reset_zoom (NdPlot *self)
{
  g_return_if_fail (ND_IS_PLOT (self));
  /* Showing everything shows everything in the whole column. */
  set_view_one (self, NULL);
  for (guint i = 0; self->group && i < self->group->len; i++)
    set_view_one (g_ptr_array_index (self->group, i), NULL);
}

void
nd_plot_get_visible_range (NdPlot *self, NdPlotAxis axis, double *min, double *max)
{
  double r[4] = { 0, 1, 0, 1 };
  g_return_if_fail (ND_IS_PLOT (self));
  if (self->model)
    nd_plot_visible_ranges (self->model, &self->view, &r[0], &r[1], &r[2], &r[3]);
  *min = r[axis == ND_PLOT_AXIS_X ? 0 : 2];
  *max = r[axis == ND_PLOT_AXIS_X ? 1 : 3];
}

const char *
nd_plot_get_readout (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), "");
  return nd_plot_interaction_get_readout (self->interaction);
}

NdPlotInteraction *
nd_plot_get_interaction (NdPlot *self)
{
  return self->interaction;
}

void
nd_plot_emit_range_selected (NdPlot *self, double x_min, double x_max)
{
  g_signal_emit (self, signals[RANGE_SELECTED], 0, x_min, x_max);
}

/* Whether a zoom still shows some of the data: a plot given a new recording in place of the old one
 * should not stay on an empty stretch of time. */
static gboolean
view_meets_data (NdPlot *self)
{
  double lo, hi;
  if (!self->view.x_set || !nd_plot_model_get_range (self->model, ND_PLOT_AXIS_X, &lo, &hi))
    return TRUE;
  double a = MIN (self->view.x_min, self->view.x_max), b = MAX (self->view.x_min, self->view.x_max);
  return b >= MIN (lo, hi) && a <= MAX (lo, hi);
}

static gboolean
reset_stale_zoom (gpointer data)
{
  NdPlot *self = data;
  if (self->model && !view_meets_data (self))
    nd_plot_reset_zoom (self);
  return G_SOURCE_REMOVE;
}

/* The button goes to the top right corner of the data area, which the last draw decided. */
static gboolean
place_button (gpointer data)
{
  NdPlot *self = data;
  self->place_idle = 0;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
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
  look.view = view_zoomed (&self->view) ? &self->view : NULL;
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

/* The placeholder, centred in the data area (the whole widget before a frame), wrapped to it and dimmed as
 * GNOME's empty states are: empty axes alone look like a plot that failed. */
static void
snapshot_placeholder (NdPlot *self, GtkSnapshot *snapshot, gboolean dark, int width, int height)
{
  double x = 0, y = 0, w = width, h = height;
  if (self->has_frame)
    {
      x = self->frame.left;
      y = self->frame.top;
      w = self->frame.width;
      h = self->frame.height;
    }
  if (w < 40 || h < 20)
    return;
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->placeholder);
  pango_layout_set_width (layout, (int) ((w - 24) * PANGO_SCALE));
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  int lw, lh;
  pango_layout_get_pixel_size (layout, &lw, &lh);
  const GdkRGBA color = dark ? (GdkRGBA) { 1, 1, 1, 0.55 } : (GdkRGBA) { 0, 0, 0, 0.55 };
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) (x + 12), (float) (y + MAX (0.0, (h - lh) / 2))));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
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
  look.view = view_zoomed (&self->view) ? &self->view : NULL;
  self->has_frame = nd_plot_render (self->model, cr, width, height, &look, &self->frame, &error);
  nd_plot_interaction_invalidate (self->interaction);
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

  nd_plot_interaction_snapshot (self->interaction, snapshot, look.dark, look.font_pt);
  self->placeholder_shown = self->placeholder && nd_plot_model_get_n_series (self->model) == 0;
  if (self->placeholder_shown)
    snapshot_placeholder (self, snapshot, look.dark, width, height);
  if (self->has_frame && view_zoomed (&self->view) && !view_meets_data (self))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reset_stale_zoom, g_object_ref (self), g_object_unref);
  if (gtk_widget_get_visible (self->reset_button))
    {
      graphene_rect_t bounds;
      double want_x = self->frame.left + self->frame.width - gtk_widget_get_width (self->reset_button) - 4;
      if (gtk_widget_compute_bounds (self->reset_button, widget, &bounds)
          && (fabs (bounds.origin.x - want_x) > 0.5 || fabs (bounds.origin.y - (self->frame.top + 4)) > 0.5)
          && self->place_idle == 0)
        self->place_idle = g_idle_add (place_button, self);
      gtk_widget_snapshot_child (widget, self->reset_button, snapshot);
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
nd_plot_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  NdPlot *self = ND_PLOT (widget);
  int w, h;
  gtk_widget_measure (self->reset_button, GTK_ORIENTATION_HORIZONTAL, -1, &w, NULL, NULL, NULL);
  gtk_widget_measure (self->reset_button, GTK_ORIENTATION_VERTICAL, w, &h, NULL, NULL, NULL);
  double x = width - w - 8, y = 8;
  if (self->has_frame)
    {
      x = self->frame.left + self->frame.width - w - 4;
      y = self->frame.top + 4;
    }
  gtk_widget_size_allocate (self->reset_button,
                            &(GtkAllocation) { (int) CLAMP (x, 0, MAX (width - w, 0)), (int) CLAMP (y, 0, MAX (height - h, 0)), w, h },
                            -1);
}

static void
nd_plot_dispose (GObject *object)
{
  NdPlot *self = ND_PLOT (object);
  leave_group (self);
  nd_plot_set_model (self, NULL);
  g_clear_handle_id (&self->place_idle, g_source_remove);
  g_clear_pointer (&self->reset_button, gtk_widget_unparent);
  G_OBJECT_CLASS (nd_plot_parent_class)->dispose (object);
}

static void
nd_plot_finalize (GObject *object)
{
  g_free (ND_PLOT (object)->placeholder);
  nd_plot_interaction_free (ND_PLOT (object)->interaction);
  G_OBJECT_CLASS (nd_plot_parent_class)->finalize (object);
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
  object_class->finalize = nd_plot_finalize;
  object_class->get_property = nd_plot_get_property;
  object_class->set_property = nd_plot_set_property;
  widget_class->snapshot = nd_plot_snapshot;
  widget_class->measure = nd_plot_measure;
  widget_class->size_allocate = nd_plot_size_allocate;

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

  /**
   * NdPlot::view-changed:
   *
   * The zoom changed (nd_plot_set_view(), the user, or an aligned plot).
   */
  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);

  nd_plot_interaction_class_init (widget_class);
  gtk_widget_class_set_css_name (widget_class, "plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nd_plot_init (NdPlot *self)
{
  self->interaction = nd_plot_interaction_new (self);
  self->reset_button = gtk_button_new_from_icon_name ("zoom-fit-best-symbolic");
  gtk_widget_add_css_class (self->reset_button, "osd");
  gtk_widget_add_css_class (self->reset_button, "circular");
  gtk_widget_add_css_class (self->reset_button, "plot-reset");
  gtk_widget_set_focusable (self->reset_button, FALSE);
  gtk_widget_set_tooltip_text (self->reset_button, _("Show All (Home or double-click)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reset_button), "plot.reset-zoom");
  gtk_widget_set_visible (self->reset_button, FALSE);
  gtk_widget_set_parent (self->reset_button, GTK_WIDGET (self));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (gtk_widget_queue_draw),
                           self, G_CONNECT_SWAPPED);
  /* The keys zoom and pan the plot that has the focus; a ring shows which one (style.css). */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
}

void
nd_plot_set_placeholder (NdPlot *self, const char *text)
{
  g_return_if_fail (ND_IS_PLOT (self));
  g_free (self->placeholder);
  self->placeholder = text && *text ? g_strdup (text) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
nd_plot_get_placeholder (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), NULL);
  return self->placeholder;
}

gboolean
nd_plot_get_placeholder_shown (NdPlot *self)
{
  g_return_val_if_fail (ND_IS_PLOT (self), FALSE);
  return self->placeholder_shown;
}
