/* nd-morphology-view.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "nd-morphology-view.h"
#include "nd-text.h"

#define MARGIN 14.0

typedef struct
{
  int section, point;    /* the piece from point to point + 1 (or the lone point) */
  int node;              /* its compartment, -1 without a cable */
} Piece;

struct _NdMorphologyView
{
  GtkWidget parent_instance;

  const nd_morph *morph;
  const nd_cable *cable;
  GArray *pieces;
  double lo[3], hi[3];   /* bounding box, um */
  NdMorphPlane plane;
  NdMorphColoring coloring;
  double *v;             /* per node, or NULL */
  double t_ms;
  guint draws;
};

G_DEFINE_FINAL_TYPE (NdMorphologyView, nd_morphology_view, GTK_TYPE_WIDGET)

/* Adwaita palette: soma dark (light in dark mode), axon orange, basal blue, apical green, other purple. */
static void
region_color (nd_region r, gboolean dark, double rgb[3])
{
  static const double colors[ND_N_REGIONS][3] = {
    { 0.14, 0.12, 0.19 }, { 0.90, 0.38, 0.0 }, { 0.21, 0.52, 0.89 }, { 0.18, 0.64, 0.42 }, { 0.57, 0.25, 0.67 },
  };
  int i = CLAMP ((int) r, 0, ND_N_REGIONS - 1);
  for (int k = 0; k < 3; k++)
    rgb[k] = (i == ND_REGION_SOMA && dark) ? 0.96 : colors[i][k];
}

static const char *
region_label (nd_region r)
{
  switch (r)
    {
    case ND_REGION_SOMA: return _("Soma");
    case ND_REGION_AXON: return _("Axon");
    case ND_REGION_BASAL: return _("Basal dendrites");
    case ND_REGION_APICAL: return _("Apical dendrites");
    default: return _("Other");
    }
}

void
nd_morphology_voltage_color (double v_mV, double rgb[3])
{
  /* Viridis at five stops: rest is dark violet, spikes are yellow. */
  static const double stops[5][3] = {
    { 0.267, 0.005, 0.329 }, { 0.231, 0.322, 0.546 }, { 0.128, 0.567, 0.551 },
    { 0.369, 0.789, 0.383 }, { 0.993, 0.906, 0.144 },
  };
  double u = (v_mV - ND_MORPH_V_MIN) / (ND_MORPH_V_MAX - ND_MORPH_V_MIN);
  if (!isfinite (u))
    u = 0.0;
  u = CLAMP (u, 0.0, 1.0) * 4.0;
  int i = MIN ((int) u, 3);
  double f = u - i;
  for (int k = 0; k < 3; k++)
    rgb[k] = stops[i][k] + f * (stops[i + 1][k] - stops[i][k]);
}

/* On a dark background the scale's dark end would vanish: lift it towards white there. */
static void
voltage_color_on (double v_mV, gboolean dark, double rgb[3])
{
  nd_morphology_voltage_color (v_mV, rgb);
  for (int k = 0; dark && k < 3; k++)
    rgb[k] = 0.22 + 0.78 * rgb[k];
}

static void
plane_axes (NdMorphPlane plane, int *a, int *b)
{
  *a = plane == ND_MORPH_PLANE_YZ ? 1 : 0;
  *b = plane == ND_MORPH_PLANE_XY ? 1 : 2;
}

static NdMorphPlane
resolved_plane (NdMorphologyView *self)
{
  if (self->plane != ND_MORPH_PLANE_AUTO || !self->morph)
    return self->plane == ND_MORPH_PLANE_AUTO ? ND_MORPH_PLANE_XY : self->plane;
  double e[3];
  for (int k = 0; k < 3; k++)
    e[k] = self->hi[k] - self->lo[k];
  /* Drop the axis of smallest extent. */
  if (e[2] <= e[0] && e[2] <= e[1])
    return ND_MORPH_PLANE_XY;
  return e[1] <= e[0] ? ND_MORPH_PLANE_XZ : ND_MORPH_PLANE_YZ;
}

static double
coord (const nd_section *s, int i, int axis)
{
  return axis == 0 ? s->x[i] : axis == 1 ? s->y[i] : s->z[i];
}

static void
draw_text (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y, gboolean right)
{
  pango_layout_set_text (layout, text, -1);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, right ? x - w : x, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
draw (NdMorphologyView *self, cairo_t *cr, double width, double height, gboolean dark,
      const PangoFontDescription *font)
{
  double fg = dark ? 0.92 : 0.15;
  PangoLayout *layout = pango_cairo_create_layout (cr);
  if (font)
    pango_layout_set_font_description (layout, font);

  if (!self->morph)
    {
      cairo_set_source_rgba (cr, fg, fg, fg, 0.6);
      pango_layout_set_text (layout, _("No morphology"), -1);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      cairo_move_to (cr, (width - w) / 2.0, (height - h) / 2.0);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
      return;
    }

  gboolean by_v = self->coloring == ND_MORPH_COLOR_VOLTAGE && self->v && self->cable;
  gboolean present[ND_N_REGIONS] = { FALSE };
  for (int s = 0; s < self->morph->n_sections; s++)
    present[CLAMP ((int) self->morph->sections[s].region, 0, ND_N_REGIONS - 1)] = TRUE;
  /* The legend's width: its longest text plus the swatch. */
  int text_w = 0;
  for (int r = 0; r < ND_N_REGIONS && !by_v; r++)
    if (present[r])
      {
        int w, h;
        pango_layout_set_text (layout, region_label ((nd_region) r), -1);
        pango_layout_get_pixel_size (layout, &w, &h);
        text_w = MAX (text_w, w);
      }
  if (by_v)
    {
      int w, h;
      g_autofree char *widest = g_strdup_printf (_("t = %.2f ms"), 88.88);
      pango_layout_set_text (layout, widest, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      text_w = MAX (w - 22, 60);
    }
  double legend_w = text_w + 20.0 + 2 * MARGIN;

  int a, b;
  plane_axes (resolved_plane (self), &a, &b);
  double area_w = width - legend_w - 2 * MARGIN, area_h = height - 2 * MARGIN - 22.0;
  double ea = MAX (self->hi[a] - self->lo[a], 1.0), eb = MAX (self->hi[b] - self->lo[b], 1.0);
  double scale = MAX (MIN (area_w / ea, area_h / eb), 1e-6);
  double ox = MARGIN + (area_w - ea * scale) / 2.0 - self->lo[a] * scale;
  double oy = MARGIN + (area_h - eb * scale) / 2.0 + self->hi[b] * scale;   /* y up */

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  /* Dendrites first, the soma on top. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->pieces->len; i++)
      {
        const Piece *p = &g_array_index (self->pieces, Piece, i);
        const nd_section *s = &self->morph->sections[p->section];
        if ((s->region == ND_REGION_SOMA) != (pass == 1))
          continue;
        double rgb[3];
        if (by_v && p->node >= 0)
          voltage_color_on (self->v[p->node], dark, rgb);
        else
          region_color (s->region, dark, rgb);
        cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
        double x0 = ox + coord (s, p->point, a) * scale, y0 = oy - coord (s, p->point, b) * scale;
        if (s->n_points == 1)
          {
            cairo_arc (cr, x0, y0, MAX (s->diam[0] * scale / 2.0, 2.0), 0, 2 * G_PI);
            cairo_fill (cr);
            continue;
          }
        int j = p->point + 1;
        double x1 = ox + coord (s, j, a) * scale, y1 = oy - coord (s, j, b) * scale;
        cairo_set_line_width (cr, MAX (0.5 * (s->diam[p->point] + s->diam[j]) * scale, 1.0));
        cairo_move_to (cr, x0, y0);
        cairo_line_to (cr, x1, y1);
        cairo_stroke (cr);
      }

  /* Scale bar: 10, 20, 50, 100, 200 or 500 um, about a fifth of the width. */
  static const double bars[] = { 10, 20, 50, 100, 200, 500, 1000 };
  double bar = bars[0];
  for (guint i = 0; i < G_N_ELEMENTS (bars); i++)
    if (bars[i] * scale <= area_w / 4.0)
      bar = bars[i];
  cairo_set_source_rgb (cr, fg, fg, fg);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  double by = height - MARGIN - 4.0;
  cairo_move_to (cr, MARGIN, by);
  cairo_line_to (cr, MARGIN + bar * scale, by);
  cairo_stroke (cr);
  static const char *const axis_names[] = { "x", "y", "z" };
  g_autofree char *bar_text = g_strdup_printf (_("%g µm   (%s–%s plane)"), bar, axis_names[a], axis_names[b]);
  draw_text (cr, layout, bar_text, MARGIN + bar * scale + 8.0, by, FALSE);

  /* Legend. */
  double lx = width - legend_w + MARGIN, ly = MARGIN + 8.0;
  if (by_v)
    {
      double bar_h = MIN (height - 2 * MARGIN - 60.0, 220.0);
      for (int k = 0; k < (int) bar_h; k++)
        {
          double rgb[3];
          voltage_color_on (ND_MORPH_V_MAX - (ND_MORPH_V_MAX - ND_MORPH_V_MIN) * k / bar_h, dark, rgb);
          cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
          cairo_rectangle (cr, lx, ly + 24.0 + k, 14.0, 1.0);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, fg, fg, fg);
      g_autofree char *t = g_strdup_printf (_("t = %.2f ms"), self->t_ms);
      draw_text (cr, layout, t, lx, ly, FALSE);
      for (double v = -80.0; v <= ND_MORPH_V_MAX + 1e-9; v += 20.0)
        {
          double y = ly + 24.0 + (ND_MORPH_V_MAX - v) / (ND_MORPH_V_MAX - ND_MORPH_V_MIN) * bar_h;
          cairo_set_line_width (cr, 1.0);
          cairo_move_to (cr, lx + 14.0, y);
          cairo_line_to (cr, lx + 18.0, y);
          cairo_stroke (cr);
          g_autofree char *label = nd_text_printf (_("%.0f mV"), v);
          draw_text (cr, layout, label, lx + 22.0, y, FALSE);
        }
    }
  else
    {
      for (int r = 0; r < ND_N_REGIONS; r++)
        {
          if (!present[r])
            continue;
          double rgb[3];
          region_color ((nd_region) r, dark, rgb);
          cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
          cairo_rectangle (cr, lx, ly - 5.0, 14.0, 10.0);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, fg, fg, fg);
          draw_text (cr, layout, region_label ((nd_region) r), lx + 20.0, ly, FALSE);
          ly += 22.0;
        }
    }
  g_object_unref (layout);
}

static void
nd_morphology_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  NdMorphologyView *self = ND_MORPHOLOGY_VIEW (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  if (w <= 0 || h <= 0)
    return;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  draw (self, cr, w, h, adw_style_manager_get_dark (adw_style_manager_get_default ()),
        pango_context_get_font_description (gtk_widget_get_pango_context (widget)));
  cairo_destroy (cr);
  self->draws++;
}

static void
dark_changed (NdMorphologyView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
nd_morphology_view_dispose (GObject *object)
{
  NdMorphologyView *self = ND_MORPHOLOGY_VIEW (object);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  G_OBJECT_CLASS (nd_morphology_view_parent_class)->dispose (object);
}

static void
nd_morphology_view_finalize (GObject *object)
{
  NdMorphologyView *self = ND_MORPHOLOGY_VIEW (object);
  g_array_unref (self->pieces);
  g_free (self->v);
  G_OBJECT_CLASS (nd_morphology_view_parent_class)->finalize (object);
}

static void
nd_morphology_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                            int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 260 : 200;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 380;
}

static void
nd_morphology_view_class_init (NdMorphologyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = nd_morphology_view_dispose;
  object_class->finalize = nd_morphology_view_finalize;
  widget_class->snapshot = nd_morphology_view_snapshot;
  widget_class->measure = nd_morphology_view_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nd_morphology_view_init (NdMorphologyView *self)
{
  self->pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (dark_changed), self);
}

GtkWidget *
nd_morphology_view_new (void)
{
  return g_object_new (ND_TYPE_MORPHOLOGY_VIEW, NULL);
}

void
nd_morphology_view_set_cell (NdMorphologyView *self, const nd_morph *morph, const nd_cable *cable)
{
  g_return_if_fail (ND_IS_MORPHOLOGY_VIEW (self));
  self->morph = morph;
  self->cable = morph ? cable : NULL;
  g_array_set_size (self->pieces, 0);
  g_clear_pointer (&self->v, g_free);
  for (int k = 0; k < 3; k++)
    self->lo[k] = INFINITY, self->hi[k] = -INFINITY;
  for (int s = 0; morph && s < morph->n_sections; s++)
    {
      const nd_section *sec = &morph->sections[s];
      for (int i = 0; i < sec->n_points; i++)
        {
          for (int k = 0; k < 3; k++)
            {
              double c = coord (sec, i, k);
              self->lo[k] = MIN (self->lo[k], c);
              self->hi[k] = MAX (self->hi[k], c);
            }
          if (i + 1 == sec->n_points && sec->n_points > 1)
            break;
          double mid = sec->n_points > 1 ? 0.5 * (sec->arc[i] + sec->arc[i + 1]) : 0.0;
          Piece p = { s, i, -1 };
          if (self->cable && s < self->cable->n_sections)
            p.node = nd_cable_node_at (self->cable, s, sec->length > 0 ? mid / sec->length : 0.5);
          g_array_append_val (self->pieces, p);
        }
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  morph ? _("Drawing of the cell’s morphology") : _("No morphology"), -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nd_morphology_view_set_plane (NdMorphologyView *self, NdMorphPlane plane)
{
  g_return_if_fail (ND_IS_MORPHOLOGY_VIEW (self));
  self->plane = plane;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

NdMorphPlane
nd_morphology_view_get_plane (NdMorphologyView *self)
{
  return resolved_plane (self);
}

void
nd_morphology_view_set_coloring (NdMorphologyView *self, NdMorphColoring coloring)
{
  g_return_if_fail (ND_IS_MORPHOLOGY_VIEW (self));
  self->coloring = coloring;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nd_morphology_view_set_voltages (NdMorphologyView *self, const double *v_mV, double t_ms)
{
  g_return_if_fail (ND_IS_MORPHOLOGY_VIEW (self));
  g_clear_pointer (&self->v, g_free);
  if (v_mV && self->cable)
    self->v = g_memdup2 (v_mV, sizeof (double) * self->cable->n_nodes);
  self->t_ms = t_ms;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
nd_morphology_view_export_png (NdMorphologyView *self, const char *path, int width, int height, GError **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw (self, cr, width, height, FALSE, pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (self))));
  cairo_destroy (cr);
  cairo_status_t st = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (st != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"), path,
                   cairo_status_to_string (st));
      return FALSE;
    }
  return TRUE;
}

guint
nd_morphology_view_get_draw_count (NdMorphologyView *self)
{
  return self->draws;
}
