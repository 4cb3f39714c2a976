/* nd-adaptive.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * size_allocate learns the width and asks for the shape it needs; the switch itself (orientation, the
 * view's "notify::narrow" handlers, a new size request) runs from an idle right after that frame, since a
 * resize queued during a layout pass is lost. The old shape is shown for that one frame, clipped.
 *
 * The minimum width reported is that of the box stacked (its widest child) in either shape: a window or
 * scrolled window around it can then always hand it a width that makes it stack its columns, so a row that
 * is wide in a long language never forces the window wider or sideways scrolling.
 */
#include "nd-adaptive.h"

struct _NdAdaptive
{
  GtkWidget parent_instance;
  GtkWidget *box;
  int narrow_below;
  gboolean narrow;        /* the shape shown */
  gboolean want_narrow;   /* the shape the last allocation asked for */
  guint relayout;         /* idle source that switches to it */
  guint fit_scrollers;    /* idle source that sizes the stacked scrollers (nd_adaptive_scroll_alone) */
};

static void nd_adaptive_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NdAdaptive, nd_adaptive, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, nd_adaptive_buildable_init))

enum { PROP_0, PROP_NARROW, PROP_NARROW_BELOW, N_PROPS };
static GParamSpec *props[N_PROPS];

/* GtkWidget's default is a constant size, for which GTK measures the height at no width: the wrapped
 * labels inside would be counted on one line and the box allocated taller than this widget. */
static GtkSizeRequestMode
nd_adaptive_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
nd_adaptive_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                     int *minimum_baseline, int *natural_baseline)
{
  NdAdaptive *self = ND_ADAPTIVE (widget);
  if (orientation == GTK_ORIENTATION_VERTICAL && for_size >= 0)
    {
      int box_min;
      gtk_widget_measure (self->box, GTK_ORIENTATION_HORIZONTAL, -1, &box_min, NULL, NULL, NULL);
      for_size = MAX (for_size, box_min);
    }
  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As narrow as the box stacked: as its widest child. */
      int widest = 0;
      for (GtkWidget *c = gtk_widget_get_first_child (self->box); c; c = gtk_widget_get_next_sibling (c))
        if (gtk_widget_get_visible (c))
          {
            int m;
            gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &m, NULL, NULL, NULL);
            widest = MAX (widest, m);   /* margins included */
          }
      *minimum = MIN (*minimum, widest);
    }
  *natural = MAX (*natural, *minimum);
}

/* Switches the shape outside any layout pass: a resize queued while the window is being laid out is lost
 * (the widgets keep a stale "resize needed" flag and no new layout is scheduled). */
static gboolean
apply_shape (gpointer data)
{
  NdAdaptive *self = data;
  self->relayout = 0;
  if (self->narrow == self->want_narrow)
    return G_SOURCE_REMOVE;
  self->narrow = self->want_narrow;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->box),
                                  self->narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NARROW]);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

/* A stacked scroller (nd_adaptive_scroll_alone) is as tall as its content at its width. GtkScrolledWindow
 * measures its content at the content's natural width, where wrapped labels take fewer lines: stacked at
 * 800 px, the Fit view's side column got 23 px less than it needs, clipping its last button and scrolling
 * its rows under the plots when the focus moved there. Returns the height it should request, 0 when it
 * already does. */
static int
stacked_height_change (GtkWidget *scroller)
{
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  int width = gtk_widget_get_width (scroller), need = 0;
  if (!content || width <= 0)
    return 0;
  gtk_widget_measure (content, GTK_ORIENTATION_VERTICAL, width, &need, NULL, NULL, NULL);
  int h_request;
  gtk_widget_get_size_request (scroller, NULL, &h_request);
  return need != h_request ? need : 0;
}

/* Stacked: it never scrolls down (the page does), which is how nd_adaptive_scroll_alone leaves it. */
static gboolean
is_stacked_scroller (GtkWidget *w)
{
  GtkPolicyType v = GTK_POLICY_AUTOMATIC;
  if (GTK_IS_SCROLLED_WINDOW (w))
    gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (w), NULL, &v);
  return v == GTK_POLICY_NEVER;
}

/* Gives a stacked scroller the height its content needs (with size) or says whether it has another. */
static gboolean
visit_scroller (GtkWidget *s, gboolean size)
{
  int need = is_stacked_scroller (s) ? stacked_height_change (s) : 0;
  if (need > 0 && size)
    {
      int w_request;
      gtk_widget_get_size_request (s, &w_request, NULL);
      /* Not its min-content-height, which a scroller that never scrolls vertically ignores. */
      gtk_widget_set_size_request (s, w_request, need);
    }
  return need > 0;
}

/* The box's stacked scrollers are its children or theirs (a preferences page's), as the views mark them.
 * Returns whether one's height must change. */
static gboolean
visit_scrollers (NdAdaptive *self, gboolean size)
{
  gboolean lacking = FALSE;
  for (GtkWidget *c = gtk_widget_get_first_child (self->box); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_SCROLLED_WINDOW (c))
      lacking |= visit_scroller (c, size);
    else
      for (GtkWidget *s = gtk_widget_get_first_child (c); s; s = gtk_widget_get_next_sibling (s))
        lacking |= visit_scroller (s, size);
  return lacking;
}

/* Outside the layout pass, as apply_shape. */
static gboolean
size_scrollers (gpointer data)
{
  NdAdaptive *self = data;
  self->fit_scrollers = 0;
  visit_scrollers (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
nd_adaptive_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  NdAdaptive *self = ND_ADAPTIVE (widget);
  self->want_narrow = width < self->narrow_below;
  if (self->want_narrow != self->narrow && self->relayout == 0)
    self->relayout = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 30, apply_shape, self, NULL);
  /* Not less than the box needs in its present shape (it overflows, clipped, until the switch). */
  int min_w, min_h;
  gtk_widget_measure (self->box, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  width = MAX (width, min_w);
  gtk_widget_measure (self->box, GTK_ORIENTATION_VERTICAL, width, &min_h, NULL, NULL, NULL);
  gtk_widget_allocate (self->box, width, MAX (height, min_h), baseline, NULL);
  if (self->narrow && self->fit_scrollers == 0 && visit_scrollers (self, FALSE))
    self->fit_scrollers = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 30, size_scrollers, self, NULL);
}

static void
nd_adaptive_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdAdaptive *self = ND_ADAPTIVE (object);
  switch (prop_id)
    {
    case PROP_NARROW:
      g_value_set_boolean (value, self->narrow);
      break;
    case PROP_NARROW_BELOW:
      g_value_set_int (value, self->narrow_below);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_adaptive_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdAdaptive *self = ND_ADAPTIVE (object);
  switch (prop_id)
    {
    case PROP_NARROW_BELOW:
      self->narrow_below = g_value_get_int (value);
      gtk_widget_queue_allocate (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_box (NdAdaptive *self, GtkWidget *box)
{
  g_return_if_fail (GTK_IS_BOX (box) && self->box == NULL);
  self->box = box;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (box), GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_parent (box, GTK_WIDGET (self));
}

/* In a .ui file: <object class="NdAdaptive"> with "narrow-below" and its one GtkBox as <child>. */
static void
nd_adaptive_buildable_add_child (GtkBuildable *buildable, GtkBuilder *builder, GObject *child, const char *type)
{
  if (GTK_IS_BOX (child))
    set_box (ND_ADAPTIVE (buildable), GTK_WIDGET (child));
  else
    g_warning ("NdAdaptive takes one GtkBox, not a %s", G_OBJECT_TYPE_NAME (child));
}

static void
nd_adaptive_buildable_init (GtkBuildableIface *iface)
{
  iface->add_child = nd_adaptive_buildable_add_child;
}

static void
nd_adaptive_dispose (GObject *object)
{
  NdAdaptive *self = ND_ADAPTIVE (object);
  g_clear_handle_id (&self->relayout, g_source_remove);
  g_clear_handle_id (&self->fit_scrollers, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (nd_adaptive_parent_class)->dispose (object);
}

static void
nd_adaptive_class_init (NdAdaptiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->get_property = nd_adaptive_get_property;
  object_class->set_property = nd_adaptive_set_property;
  object_class->dispose = nd_adaptive_dispose;
  widget_class->get_request_mode = nd_adaptive_get_request_mode;
  widget_class->measure = nd_adaptive_measure;
  widget_class->size_allocate = nd_adaptive_size_allocate;
  props[PROP_NARROW] = g_param_spec_boolean ("narrow", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_NARROW_BELOW] = g_param_spec_int ("narrow-below", NULL, NULL, 0, G_MAXINT, 0,
                                               G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
nd_adaptive_init (NdAdaptive *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  /* Expands as its box does, so the views keep filling the window. */
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
nd_adaptive_new (GtkWidget *box, int narrow_below)
{
  g_return_val_if_fail (GTK_IS_BOX (box), NULL);
  NdAdaptive *self = g_object_new (ND_TYPE_ADAPTIVE, "narrow-below", narrow_below, NULL);
  set_box (self, box);
  return GTK_WIDGET (self);
}

GtkWidget *
nd_adaptive_get_box (NdAdaptive *self)
{
  return self->box;
}

gboolean
nd_adaptive_get_narrow (NdAdaptive *self)
{
  return self->narrow;
}

void
nd_adaptive_scroll_alone (GtkScrolledWindow *scroller, gboolean narrow)
{
  gtk_scrolled_window_set_policy (scroller, GTK_POLICY_NEVER, narrow ? GTK_POLICY_NEVER : GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (GTK_WIDGET (scroller), !narrow);
  /* Stacked, its NdAdaptive makes it as tall as its content by its height request (stacked_height_change). */
  if (!narrow)
    {
      int w_request;
      gtk_widget_get_size_request (GTK_WIDGET (scroller), &w_request, NULL);
      gtk_widget_set_size_request (GTK_WIDGET (scroller), w_request, -1);
    }
}
