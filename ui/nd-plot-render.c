/* nd-plot-render.c: the one drawing function of Neurode's plots (PLplot's extcairo device).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PLplot draws the frame, grid, ticks, tick labels, axis titles, title, shaded ranges and lines; dots and
 * the legend are drawn with cairo and Pango directly (PLplot's symbols are glyphs centred on the text
 * box, which looks uneven), on the same context and with the same font.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <plplot.h>
#include <setjmp.h>
#include <string.h>

#include "nd-plot-decimate.h"
#include "nd-plot-render.h"
#include "nd-plot-ticks.h"

G_DEFINE_QUARK (nd-plot-error-quark, nd_plot_error)

/* PLplot's pages are set to this resolution so its millimetres and Pango's points agree (1 pt = 4/3 px). */
#define PLOT_DPI 96.0
#define MM_PER_PT (25.4 / 72.0)

/* cmap0 entries. */
enum
{
  C_BG, C_TEXT, C_LABEL, C_AXIS, C_GRID, C_MARKER,
  C_SERIES0 = 8,
  C_N = C_SERIES0 + ND_PLOT_N_COLORS,
};

/* GNOME palette: a darker shade for light backgrounds, a lighter one for dark backgrounds. */
static const guint32 palette[ND_PLOT_N_COLORS][2] = {
  [ND_PLOT_COLOR_BLUE]   = { 0x1c71d8, 0x62a0ea },
  [ND_PLOT_COLOR_RED]    = { 0xc01c28, 0xf66151 },
  [ND_PLOT_COLOR_GREEN]  = { 0x26a269, 0x57e389 },
  [ND_PLOT_COLOR_ORANGE] = { 0xe66100, 0xffa348 },
  [ND_PLOT_COLOR_PURPLE] = { 0x813d9c, 0xdc8add },
  [ND_PLOT_COLOR_BROWN]  = { 0x865e3c, 0xcdab8f },
  [ND_PLOT_COLOR_GREY]   = { 0x77767b, 0xa8a7a4 },
};

typedef struct
{
  guint32 rgb;
  double  alpha;
} Rgba;

typedef struct
{
  Rgba bg, text, label, axis, grid, shade, marker;
} Theme;

static const Theme light_theme = {
  .bg = { 0xffffff, 1 }, .text = { 0x2e2e2e, 1 }, .label = { 0x5e5c64, 1 }, .axis = { 0x9a9996, 1 },
  .grid = { 0xe8e8e7, 1 }, .shade = { 0x3584e4, 0.13 }, .marker = { 0x77767b, 1 },
};
static const Theme dark_theme = {
  .bg = { 0x242424, 1 }, .text = { 0xf0f0f0, 1 }, .label = { 0xc0bfbc, 1 }, .axis = { 0x77767b, 1 },
  .grid = { 0x363636, 1 }, .shade = { 0x62a0ea, 0.17 }, .marker = { 0x9a9996, 1 },
};

static void
set_col (int index, Rgba c)
{
  plscol0a (index, (c.rgb >> 16) & 0xff, (c.rgb >> 8) & 0xff, c.rgb & 0xff, c.alpha);
}

static void
cairo_set_rgba (cairo_t *cr, guint32 rgb, double alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0,
                         alpha);
}

void
nd_plot_look_init (NdPlotLook *look)
{
  look->dark = FALSE;
  look->font_pt = 9;
  look->paint_background = TRUE;
  look->min_left = 0;
  look->view = NULL;
}

void
nd_plot_visible_ranges (NdPlotModel *model, const NdPlotView *view, double *x_min, double *x_max, double *y_min,
                        double *y_max)
{
  if (view && view->x_set)
    {
      *x_min = view->x_min;
      *x_max = view->x_max;
    }
  else
    nd_plot_model_get_range (model, ND_PLOT_AXIS_X, x_min, x_max);
  if (view && view->y_set)
    {
      *y_min = view->y_min;
      *y_max = view->y_max;
    }
  else if (view && view->x_set)
    nd_plot_model_get_y_range_within (model, *x_min, *x_max, y_min, y_max);
  else
    nd_plot_model_get_range (model, ND_PLOT_AXIS_Y, y_min, y_max);
}

double
nd_plot_frame_x_to_data (const NdPlotFrame *f, double px)
{
  double v = f->x_min + (px - f->left) / f->width * (f->x_max - f->x_min);
  return f->x_scale == ND_PLOT_SCALE_LOG ? pow (10, v) : v;
}

static double
to_plot (double v, NdPlotScale scale)
{
  if (scale == ND_PLOT_SCALE_LINEAR)
    return v;
  return v > 0 ? log10 (v) : NAN;
}

double
nd_plot_frame_data_to_x (const NdPlotFrame *f, double x)
{
  return f->left + (to_plot (x, f->x_scale) - f->x_min) / (f->x_max - f->x_min) * f->width;
}

static double
frame_y (const NdPlotFrame *f, double yp)
{
  return f->top + (f->y_max - yp) / (f->y_max - f->y_min) * f->height;
}

/* ---- Tick labels --------------------------------------------------------------------------------- */

/* Text of PLplot strings: '#' is its escape character. */
static char *
pl_escape (const char *s)
{
  GString *out = g_string_new (NULL);
  for (; s && *s; s++)
    {
      if (*s == '#')
        g_string_append_c (out, '#');
      g_string_append_c (out, *s);
    }
  return g_string_free (out, FALSE);
}

static PangoLayout *
make_layout (cairo_t *cr, double font_pt, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Sans");
  pango_font_description_set_size (desc, (int) (font_pt * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  return layout;
}

/* Width in pixels of a line of text set in `layout`. */
static double
layout_width (PangoLayout *layout, const char *text)
{
  int pw, ph;
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &pw, &ph);
  return pw;
}

/* The same in the plot's text font. */
static double
text_width (cairo_t *cr, double font_pt, const char *text)
{
  PangoLayout *layout = make_layout (cr, font_pt, FALSE);
  double w = layout_width (layout, text);
  g_object_unref (layout);
  return w;
}

/* Width in pixels of the widest tick label. */
static double
widest_label (cairo_t *cr, double font_pt, GArray *ticks)
{
  PangoLayout *layout = make_layout (cr, font_pt, FALSE);
  double widest = 0;
  for (guint i = 0; i < ticks->len; i++)
    {
      const NdPlotTick *t = &g_array_index (ticks, NdPlotTick, i);
      if (!t->labelled)
        continue;
      /* "10#u-5#d" is drawn as 10 with a smaller superscript: "10-5" is a little wider, which is safe. */
      char plain[64], *w = plain;
      for (const char *r = t->text; *r && w < plain + sizeof plain - 1; r++)
        if (*r == '#' && (r[1] == 'u' || r[1] == 'd'))
          r++;
        else
          *w++ = *r;
      *w = '\0';
      widest = MAX (widest, layout_width (layout, plain));
    }
  g_object_unref (layout);
  return widest;
}

/* ---- Series --------------------------------------------------------------------------------------- */

/* Liang-Barsky: clips the segment (x0,y0)-(x1,y1) to the box; FALSE when nothing is left. */
static gboolean
clip_segment (double box[4], double *x0, double *y0, double *x1, double *y1)
{
  double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0, t1 = 1;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { *x0 - box[0], box[1] - *x0, *y0 - box[2], box[3] - *y0 };
  for (int i = 0; i < 4; i++)
    {
      if (p[i] == 0)
        {
          if (q[i] < 0)
            return FALSE;
          continue;
        }
      double r = q[i] / p[i];
      if (p[i] < 0)
        t0 = MAX (t0, r);
      else
        t1 = MIN (t1, r);
      if (t0 > t1)
        return FALSE;
    }
  double ox = *x0, oy = *y0;
  *x0 = ox + t0 * dx;
  *y0 = oy + t0 * dy;
  *x1 = ox + t1 * dx;
  *y1 = oy + t1 * dy;
  return TRUE;
}

/* Draws a polyline through PLplot, broken at non-finite points. Segments are first clipped to a box a
 * little larger than the window: PLplot converts coordinates to integers before it clips, so a far-off
 * value (a diverging fit, a fixed range much smaller than the data) would overflow. */
static void
pl_polyline (const NdPlotFrame *f, const double *x, const double *y, gsize n)
{
  double mx = 0.05 * fabs (f->x_max - f->x_min), my = 0.05 * fabs (f->y_max - f->y_min);
  double box[4] = { MIN (f->x_min, f->x_max) - mx, MAX (f->x_min, f->x_max) + mx,
                    MIN (f->y_min, f->y_max) - my, MAX (f->y_min, f->y_max) + my };
  GArray *bx = g_array_sized_new (FALSE, FALSE, sizeof (double), 256);
  GArray *by = g_array_sized_new (FALSE, FALSE, sizeof (double), 256);

  for (gsize i = 0; i + 1 <= n; i++)
    {
      gboolean ok = i + 1 < n && isfinite (x[i]) && isfinite (y[i]) && isfinite (x[i + 1]) && isfinite (y[i + 1]);
      double x0 = ok ? x[i] : 0, y0 = ok ? y[i] : 0, x1 = ok ? x[i + 1] : 0, y1 = ok ? y[i + 1] : 0;
      if (ok)
        ok = clip_segment (box, &x0, &y0, &x1, &y1);
      /* Continue the current run when this segment starts where it ended. */
      if (ok && bx->len > 0 && x0 == g_array_index (bx, double, bx->len - 1)
          && y0 == g_array_index (by, double, by->len - 1))
        {
          g_array_append_val (bx, x1);
          g_array_append_val (by, y1);
          continue;
        }
      if (bx->len >= 2)
        plline ((PLINT) bx->len, (PLFLT *) bx->data, (PLFLT *) by->data);
      g_array_set_size (bx, 0);
      g_array_set_size (by, 0);
      if (ok)
        {
          g_array_append_val (bx, x0);
          g_array_append_val (by, y0);
          g_array_append_val (bx, x1);
          g_array_append_val (by, y1);
        }
    }
  if (bx->len >= 2)
    plline ((PLINT) bx->len, (PLFLT *) bx->data, (PLFLT *) by->data);
  g_array_unref (bx);
  g_array_unref (by);
}

static void
draw_dots (cairo_t *cr, const NdPlotFrame *f, const double *x, const double *y, gsize n, double radius)
{
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      double px = f->left + (x[i] - f->x_min) / (f->x_max - f->x_min) * f->width;
      double py = frame_y (f, y[i]);
      /* Off the plot (the clip hides them; far-off values would overflow cairo's fixed point). */
      if (px < f->left - radius || px > f->left + f->width + radius || py < f->top - radius
          || py > f->top + f->height + radius)
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, radius, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

typedef struct
{
  double *x, *y;
  gsize   n;
} PlotData;

/* The series in plot space, decimated when long: the arrays are the model's or owned by `out`. */
static void
prepare_series (NdPlotModel *model, guint s, const NdPlotFrame *f, unsigned n_cols, PlotData *out,
                const double **px, const double **py, gsize *pn)
{
  const double *x, *y;
  gsize n = nd_plot_model_get_series (model, s, &x, &y, NULL, NULL, NULL, NULL);
  double *tx = NULL, *ty = NULL;

  memset (out, 0, sizeof *out);
  if (f->x_scale == ND_PLOT_SCALE_LOG || f->y_scale == ND_PLOT_SCALE_LOG)
    {
      tx = g_new (double, n);
      ty = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        {
          tx[i] = to_plot (x[i], f->x_scale);
          ty[i] = to_plot (y[i], f->y_scale);
        }
      x = tx;
      y = ty;
    }
  if (nd_plot_decimate_applies (x, n, n_cols))
    {
      gsize cap = nd_plot_decimate_capacity (n, n_cols);
      out->x = g_new (double, cap);
      out->y = g_new (double, cap);
      out->n = nd_plot_decimate (x, y, n, MIN (f->x_min, f->x_max), MAX (f->x_min, f->x_max), n_cols,
                                 out->x, out->y);
      g_free (tx);
      g_free (ty);
    }
  else
    {
      out->x = tx;
      out->y = ty;
      out->n = n;
    }
  *px = out->x ? out->x : x;
  *py = out->y ? out->y : y;
  *pn = out->x ? out->n : n;
}

/* ---- Layout --------------------------------------------------------------------------------------- */

typedef struct
{
  NdPlotModel      *model;
  cairo_t          *cr;
  int               width, height;
  const NdPlotLook *look;
  const Theme      *theme;
  NdPlotFrame       frame;
  GArray           *x_ticks, *y_ticks;  /* NdPlotTick */
  double            x_step, y_step;     /* between labelled ticks of a linear axis */
  double            font_px, tick_px, device_scale;
  double            y_label_w;   /* widest y tick label */
  gboolean          has_title, has_x_title, has_y_title;
  /* Legend (measure_legend()) and the line above the data area that holds the title and a legend row. */
  guint             legend_n;
  double            legend_row_w, legend_widest, legend_line_h, title_w;
  gboolean          legend_in_row;
  guint             legend_rows;     /* rows of their own above the data area, when not beside the title */
  double            legend_rows_top; /* distance from the data area's top edge up to the first of them */
  double            legend_avail;    /* their width at most */
  double            legend_card_x, legend_card_y;  /* the card's corner, when it is drawn inside the data area */
  double            row_centre;   /* distance from the data area's top edge up to that line's centre */
} Ctx;

static void measure_legend (Ctx *c);
static void legend_rows_if_few (Ctx *c);
static gboolean place_card (Ctx *c);
static void data_in_rects (Ctx *c, const double (*rect)[4], guint n_rect, guint *hits);
static void card_size (Ctx *c, double *bw, double *bh);
static guint flow_rows (Ctx *c, PangoLayout *layout, double avail, guint *row_of, double *row_w);

/* Margins from the text they hold, so labels are never clipped and the data area is as large as it can be. */
static void
layout_frame (Ctx *c)
{
  NdPlotModel *m = c->model;
  NdPlotFrame *f = &c->frame;
  double x0, x1, y0, y1;
  const double pad = 6;

  f->x_scale = nd_plot_model_get_scale (m, ND_PLOT_AXIS_X);
  f->y_scale = nd_plot_model_get_scale (m, ND_PLOT_AXIS_Y);
  nd_plot_visible_ranges (m, c->look->view, &x0, &x1, &y0, &y1);
  f->x_min = to_plot (x0, f->x_scale);
  f->x_max = to_plot (x1, f->x_scale);
  f->y_min = to_plot (y0, f->y_scale);
  f->y_max = to_plot (y1, f->y_scale);
  /* A fixed log range with a non-positive end: fall back to a decade rather than draw nothing. */
  if (!isfinite (f->x_min) || !isfinite (f->x_max) || f->x_min == f->x_max)
    { f->x_min = 0; f->x_max = 1; }
  if (!isfinite (f->y_min) || !isfinite (f->y_max) || f->y_min == f->y_max)
    { f->y_min = 0; f->y_max = 1; }

  g_autofree char *xt = nd_plot_model_dup_axis_title (m, ND_PLOT_AXIS_X);
  g_autofree char *yt = nd_plot_model_dup_axis_title (m, ND_PLOT_AXIS_Y);
  const char *title = nd_plot_model_get_title (m);
  c->has_x_title = xt && *xt;
  c->has_y_title = yt && *yt;
  c->has_title = title && *title;

  /* Vertical first: the y ticks depend on the height, the left margin on their labels. */
  c->row_centre = 1.0 * c->font_px;
  double top = c->has_title || c->legend_in_row ? pad + 2.1 * c->font_px : pad + 0.7 * c->font_px;
  /* Legend rows of their own go between the title line and the data area. */
  double rows_h = c->legend_rows * (c->legend_line_h + 2);
  c->legend_rows_top = rows_h + 0.3 * c->font_px;
  top += rows_h + (c->legend_rows ? 0.3 * c->font_px : 0);
  double bottom = pad + c->tick_px + 3 + 1.2 * c->font_px + (c->has_x_title ? 1.6 * c->font_px : 0);
  double h = MAX (c->height - top - bottom, 10);
  /* Labels one line apart at the closest, so a short axis still gets three. */
  c->y_ticks = nd_plot_ticks (f->y_scale, f->y_min, f->y_max, h, 2.8 * c->font_px, 1.1 * c->font_px, &c->y_step);
  c->y_label_w = widest_label (c->cr, c->look->font_pt, c->y_ticks);
  guint min_chars = nd_plot_model_get_y_label_min_chars (m);
  if (min_chars > 0)
    {
      /* Room for a label of that many digits and a minus sign. */
      char digits[32] = "−";
      for (guint i = 0; i < MIN (min_chars, 20u); i++)
        strcat (digits, "0");
      PangoLayout *layout = make_layout (c->cr, c->look->font_pt, FALSE);
      int pw, ph;
      pango_layout_set_text (layout, digits, -1);
      pango_layout_get_pixel_size (layout, &pw, &ph);
      g_object_unref (layout);
      c->y_label_w = MAX (c->y_label_w, pw);
    }
  f->natural_left = pad + (c->has_y_title ? 1.5 * c->font_px : 0) + c->y_label_w + 4 + c->tick_px;
  double left = MAX (f->natural_left, MIN (c->look->min_left, c->width / 2.0));
  double right = pad + 1.6 * c->font_px;
  double w = MAX (c->width - left - right, 10);
  c->x_ticks = nd_plot_ticks (f->x_scale, f->x_min, f->x_max, w, 6.5 * c->font_px, 4.5 * c->font_px, &c->x_step);

  f->left = left;
  f->top = top;
  f->width = w;
  f->height = h;
  f->n_x_labels = nd_plot_ticks_n_labelled (c->x_ticks);
  f->n_y_labels = nd_plot_ticks_n_labelled (c->y_ticks);
}

static void
compute_layout (Ctx *c)
{
  c->font_px = c->look->font_pt * 4.0 / 3.0;
  c->tick_px = 4;
  measure_legend (c);
  layout_frame (c);
  /* The title starts where the data area does and the row ends where it ends: with long y labels or a long
   * title the guess was too generous, and the two would touch. */
  if (c->legend_in_row && c->title_w + 3 * c->font_px + c->legend_row_w > c->frame.width)
    {
      c->legend_in_row = FALSE;
      legend_rows_if_few (c);
      g_array_unref (c->x_ticks);
      g_array_unref (c->y_ticks);
      layout_frame (c);
    }
  if (c->legend_n == 0 || c->legend_in_row || c->legend_rows > 0 || place_card (c))
    return;
  /* No corner of the data area is free for the card: the legend goes above the data in rows, however many,
   * unless they would leave too little of the data to see (then the card, in the emptiest corner). */
  PangoLayout *layout = make_layout (c->cr, c->look->font_pt, FALSE);
  guint rows = flow_rows (c, layout, c->legend_avail, NULL, NULL);
  g_object_unref (layout);
  double shrink = rows * (c->legend_line_h + 2) + 0.3 * c->font_px;
  if (c->frame.height - shrink < MAX (40, 0.25 * c->height))
    return;
  c->legend_rows = rows;
  g_array_unref (c->x_ticks);
  g_array_unref (c->y_ticks);
  layout_frame (c);
}

/* ---- Drawing -------------------------------------------------------------------------------------- */

static double
frac (double v, double a, double b)
{
  return (v - a) / (b - a);
}

static void
draw_with_plplot (Ctx *c)
{
  NdPlotModel *m = c->model;
  const NdPlotFrame *f = &c->frame;
  const Theme *t = c->theme;
  int dark = c->look->dark ? 1 : 0;
  double ch_mm = c->look->font_pt * MM_PER_PT;

  plsdev ("extcairo");
  plspage (PLOT_DPI, PLOT_DPI, c->width, c->height, 0, 0);
  plscmap0n (C_N);
  set_col (C_BG, t->bg);
  set_col (C_TEXT, t->text);
  set_col (C_LABEL, t->label);
  set_col (C_AXIS, t->axis);
  set_col (C_GRID, t->grid);
    set_col (C_MARKER, t->marker);
  for (int i = 0; i < ND_PLOT_N_COLORS; i++)
    set_col (C_SERIES0 + i, (Rgba) { palette[i][dark], 1 });
  plinit ();
  pl_cmd (PLESC_DEVINIT, c->cr);
  pladv (0);

  /* extcairo keeps 72 dpi whatever plspage says, and adjusts the character height it is given: measure
   * both, so text comes out at font_pt (as the legend's Pango text) and distances in pixels are exact. */
  PLFLT def, ht, sx0, sx1, sy0, sy1;
  plschr (ch_mm, 1.0);
  plgchr (&def, &ht);
  double ch_scale = ht > 0 ? ch_mm / ht : 1;
  plschr (ch_mm, ch_scale);
  plgchr (&def, &ht);
  plgspa (&sx0, &sx1, &sy0, &sy1);
  const double px_per_mm = c->width / (sx1 - sx0);
  /* One "character height", the unit of plmtex()'s distances, in pixels. */
  const double em = ht * px_per_mm;
  plvpor (f->left / c->width, (f->left + f->width) / c->width,
          1 - (f->top + f->height) / c->height, 1 - f->top / c->height);
  plwind (f->x_min, f->x_max, f->y_min, f->y_max);
  const gboolean xlog = f->x_scale == ND_PLOT_SCALE_LOG, ylog = f->y_scale == ND_PLOT_SCALE_LOG;

  /* Grid at the labelled ticks: thin and quiet. */
  plcol0 (C_GRID);
  plwidth (1.0);
  for (guint i = 0; i < c->x_ticks->len; i++)
    {
      const NdPlotTick *tk = &g_array_index (c->x_ticks, NdPlotTick, i);
      PLFLT xs[2] = { tk->v, tk->v }, ys[2] = { f->y_min, f->y_max };
      if (tk->labelled)
        plline (2, xs, ys);
    }
  for (guint i = 0; i < c->y_ticks->len; i++)
    {
      const NdPlotTick *tk = &g_array_index (c->y_ticks, NdPlotTick, i);
      PLFLT xs[2] = { f->x_min, f->x_max }, ys[2] = { tk->v, tk->v };
      if (tk->labelled)
        plline (2, xs, ys);
    }

  /* Lines. */
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      NdPlotColor color;
      NdPlotStyle style;
      gboolean visible;
      nd_plot_model_get_series (m, s, NULL, NULL, &color, &style, NULL, &visible);
      if (!visible || style == ND_PLOT_POINTS || style == ND_PLOT_BAND)
        continue;
      PlotData own;
      const double *px, *py;
      gsize n;
      prepare_series (m, s, f, (unsigned) ceil (f->width * c->device_scale), &own, &px, &py, &n);
      plcol0 (C_SERIES0 + color);
      plwidth (style == ND_PLOT_THICK ? 4.5 : 1.5);
      pllsty (style == ND_PLOT_DASHED ? 2 : 1);
      pl_polyline (f, px, py, n);
      g_free (own.x);
      g_free (own.y);
    }
  pllsty (1);

  /* Markers: dashed vertical lines, labelled at the top. */
  plwidth (1.0);
  for (guint i = 0; i < nd_plot_model_get_n_markers (m); i++)
    {
      PLFLT mx = to_plot (nd_plot_model_get_marker (m, i, NULL), f->x_scale);
      PLFLT xs[2] = { mx, mx }, ys[2] = { f->y_min, f->y_max };
      if (!isfinite (mx) || frac (mx, f->x_min, f->x_max) < 0 || frac (mx, f->x_min, f->x_max) > 1)
        continue;
      plcol0 (C_MARKER);
      pllsty (3);
      plline (2, xs, ys);
      pllsty (1);
    }

  /* Axes: left and bottom lines with outward ticks (log axes: minor ticks between decades). */
  plcol0 (C_AXIS);
  plwidth (1.0);
  /* PLplot puts ticks at multiples of the step, as nd_plot_ticks() does; outside the frame it clips lines, so
   * plbox() draws them. */
  plsmaj (c->tick_px / px_per_mm, 1.0);
  plsmin (c->tick_px / 2 / px_per_mm, 1.0);
  plbox (xlog ? "btils" : "bti", xlog ? 0 : c->x_step, 1, ylog ? "btils" : "bti", ylog ? 0 : c->y_step, 1);

  /* Tick labels; plmtex() places a line of text by its centre, in character heights from the edge. */
  plcol0 (C_LABEL);
  for (guint i = 0; i < c->x_ticks->len; i++)
    {
      const NdPlotTick *tk = &g_array_index (c->x_ticks, NdPlotTick, i);
      if (tk->labelled)
        plmtex ("b", (c->tick_px + 3 + 0.6 * c->font_px) / em, frac (tk->v, f->x_min, f->x_max), 0.5, tk->text);
    }
  for (guint i = 0; i < c->y_ticks->len; i++)
    {
      const NdPlotTick *tk = &g_array_index (c->y_ticks, NdPlotTick, i);
      if (tk->labelled)
        plmtex ("lv", (c->tick_px + 4) / em, frac (tk->v, f->y_min, f->y_max), 1.0, tk->text);
    }

  /* Titles. */
  plcol0 (C_TEXT);
  if (c->has_x_title)
    {
      g_autofree char *xt = nd_plot_model_dup_axis_title (m, ND_PLOT_AXIS_X);
      g_autofree char *e = pl_escape (xt);
      plmtex ("b", (c->tick_px + 3 + 2.0 * c->font_px) / em, 0.5, 0.5, e);
    }
  if (c->has_y_title)
    {
      g_autofree char *yt = nd_plot_model_dup_axis_title (m, ND_PLOT_AXIS_Y);
      /* Centred on the data area, which in a low plot (Explore's stimulus strip at 800x600) is shorter than the
       * title: the title shrinks to fit the widget, down to 60 %, and below that keeps only its unit, rather
       * than being cut at the widget's edge. */
      const double centre = f->top + 0.5 * f->height, room = 2.0 * MIN (centre, c->height - centre) - 4.0;
      double len = text_width (c->cr, c->look->font_pt, yt), k = len > room ? room / len : 1.0;
      const char *unit = nd_plot_model_get_axis_unit (m, ND_PLOT_AXIS_Y);
      if (k < 0.6 && unit && *unit)
        {
          g_free (yt);
          yt = g_strdup_printf ("(%s)", unit);
          len = text_width (c->cr, c->look->font_pt, yt);
          k = len > room ? room / len : 1.0;
        }
      k = MAX (k, 0.6);
      g_autofree char *e = pl_escape (yt);
      plschr (ch_mm, ch_scale * k);
      /* At a fixed distance from the left edge, so titles of aligned plots line up too (plmtex() counts in
       * character heights, which shrink with the text). */
      plmtex ("l", (f->left - 6 - 0.75 * c->font_px) / (em * k), 0.5, 0.5, e);
      plschr (ch_mm, ch_scale);
    }
  if (c->has_title)
    {
      g_autofree char *e = pl_escape (nd_plot_model_get_title (m));
      plschr (ch_mm, ch_scale * 1.1);
      plsfont (PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_BOLD);
      plmtex ("t", (c->row_centre + (c->legend_rows ? c->legend_rows_top : 0)) / em, 0.0, 0.0, e);
      plsfont (PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_MEDIUM);
      plschr (ch_mm, ch_scale);
    }
}

/* Shaded x-ranges, under everything else. Cairo rather than plfill(): extcairo strokes the outline of a
 * filled polygon too, which doubles the alpha along the edges. */
static void
draw_shades (Ctx *c)
{
  NdPlotModel *m = c->model;
  const NdPlotFrame *f = &c->frame;
  cairo_t *cr = c->cr;

  for (guint i = 0; i < nd_plot_model_get_n_shaded_ranges (m); i++)
    {
      double a, b;
      nd_plot_model_get_shaded_range (m, i, &a, &b, NULL);
      double pa = nd_plot_frame_data_to_x (f, a), pb = nd_plot_frame_data_to_x (f, b);
      if (!isfinite (pb))
        continue;
      if (!isfinite (pa))
        pa = f->left;
      double lo = MAX (MIN (pa, pb), f->left), hi = MIN (MAX (pa, pb), f->left + f->width);
      if (hi <= lo)
        continue;
      cairo_rectangle (cr, lo, f->top, hi - lo, f->height);
    }
  cairo_set_rgba (cr, c->theme->shade.rgb, c->theme->shade.alpha);
  cairo_fill (cr);
}

/* Bands (ND_PLOT_BAND), above the shaded ranges and under the grid and lines: a light tint of the series'
 * colour, so the curves stay readable through it. Cairo, as for the shades. */
/* Band series s's outline in pixels, its non-finite points left out; far-off values (a band of two fits
 * spans decades) clamped, which would overflow cairo's fixed point. Returns the number of points. */
static gsize
band_outline (Ctx *c, guint s, double **bx, double **by)
{
  const NdPlotFrame *f = &c->frame;
  PlotData own;
  const double *px, *py;
  gsize n, k = 0;
  prepare_series (c->model, s, f, 0, &own, &px, &py, &n);
  *bx = g_new (double, MAX (n, 1));
  *by = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    if (isfinite (px[i]) && isfinite (py[i]))
      {
        (*bx)[k] = CLAMP (f->left + (px[i] - f->x_min) / (f->x_max - f->x_min) * f->width, -1e5, 1e5);
        (*by)[k++] = CLAMP (frame_y (f, py[i]), -1e5, 1e5);
      }
  g_free (own.x);
  g_free (own.y);
  return k;
}

static void
draw_bands (Ctx *c)
{
  NdPlotModel *m = c->model;
  const NdPlotFrame *f = &c->frame;
  cairo_t *cr = c->cr;
  int dark = c->look->dark ? 1 : 0;

  cairo_save (cr);
  cairo_rectangle (cr, f->left, f->top, f->width, f->height);
  cairo_clip (cr);
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      NdPlotColor color;
      NdPlotStyle style;
      gboolean visible;
      nd_plot_model_get_series (m, s, NULL, NULL, &color, &style, NULL, &visible);
      if (!visible || style != ND_PLOT_BAND)
        continue;
      g_autofree double *bx = NULL, *by = NULL;
      gsize k = band_outline (c, s, &bx, &by);
      for (gsize i = 0; i < k; i++)
        (i ? cairo_line_to : cairo_move_to) (cr, bx[i], by[i]);
      if (k > 0)
        {
          cairo_close_path (cr);
          cairo_set_rgba (cr, palette[color][dark], dark ? 0.4 : 0.26);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);
}

/* A small label on a translucent plate, so it stays legible over lines. */
static void
draw_tag (Ctx *c, PangoLayout *layout, double x, double y, const char *text)
{
  cairo_t *cr = c->cr;
  int w, h;
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_rectangle (cr, x - 2, y, w + 4, h);
  cairo_set_rgba (cr, c->theme->bg.rgb, 0.75);
  cairo_fill (cr);
  cairo_set_rgba (cr, c->theme->label.rgb, 1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* Labels of shaded ranges (bottom left inside the range) and markers (top, right of the line). */
static void
draw_annotations (Ctx *c)
{
  NdPlotModel *m = c->model;
  const NdPlotFrame *f = &c->frame;
  PangoLayout *layout = make_layout (c->cr, c->look->font_pt * 0.9, FALSE);

  /* The legend's card, when it is drawn inside the data area (after this, so over it). */
  const gboolean card = c->legend_n > 0 && !c->legend_in_row && c->legend_rows == 0;
  double kx = c->legend_card_x, ky = c->legend_card_y, kw = 0, kh = 0;
  if (card)
    card_size (c, &kw, &kh);
  for (guint i = 0; i < nd_plot_model_get_n_shaded_ranges (m); i++)
    {
      double a, b;
      const char *label;
      nd_plot_model_get_shaded_range (m, i, &a, &b, &label);
      double pa = nd_plot_frame_data_to_x (f, a), pb = nd_plot_frame_data_to_x (f, b);
      if (!isfinite (pa))
        pa = f->left;
      double lo = MAX (MIN (pa, pb), f->left), hi = MIN (MAX (pa, pb), f->left + f->width);
      if (!label || !*label || hi - lo <= 60)
        continue;
      /* Bottom left inside the range, unless a curve runs there (a time constant's curve often does): then
       * the corner of the range with the least data under the plate, so the label never hides the data. */
      int tw, th;
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      double xs[2] = { lo + 5, MAX (lo + 5, hi - 5 - tw) }, ys[2] = { f->top + f->height - th - 4, f->top + 4 };
      double rect[4][4];
      guint in_rect[4];
      for (int corner = 0; corner < 4; corner++)
        {
          double cx = xs[corner & 1], cy = ys[corner >> 1];
          rect[corner][0] = cx - 2;
          rect[corner][1] = cy;
          rect[corner][2] = cx + tw + 2;
          rect[corner][3] = cy + th;
        }
      data_in_rects (c, (const double (*)[4]) rect, 4, in_rect);
      double bx = xs[0], by = ys[0];
      guint best = G_MAXUINT;
      for (int corner = 0; corner < 4 && best > 0; corner++)
        {
          double cx = xs[corner & 1], cy = ys[corner >> 1];
          guint hits = in_rect[corner];
          if (card)
            hits += 1000 * (cx - 2 < kx + kw && cx + tw + 2 > kx && cy < ky + kh && cy + th > ky);
          if (hits < best)
            {
              best = hits;
              bx = cx;
              by = cy;
            }
        }
      draw_tag (c, layout, bx, by, label);
    }
  for (guint i = 0; i < nd_plot_model_get_n_markers (m); i++)
    {
      const char *label;
      double px = nd_plot_frame_data_to_x (f, nd_plot_model_get_marker (m, i, &label));
      if (label && *label && px >= f->left && px <= f->left + f->width)
        draw_tag (c, layout, px + 4, f->top + 3, label);
    }
  g_object_unref (layout);
}

static void
draw_points (Ctx *c)
{
  NdPlotModel *m = c->model;
  const NdPlotFrame *f = &c->frame;
  int dark = c->look->dark ? 1 : 0;

  cairo_save (c->cr);
  cairo_rectangle (c->cr, f->left - 4, f->top - 4, f->width + 8, f->height + 8);
  cairo_clip (c->cr);
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      NdPlotColor color;
      NdPlotStyle style;
      gboolean visible;
      nd_plot_model_get_series (m, s, NULL, NULL, &color, &style, NULL, &visible);
      if (!visible || (style != ND_PLOT_POINTS && style != ND_PLOT_LINE_POINTS))
        continue;
      PlotData own;
      const double *px, *py;
      gsize n;
      /* Dots are not decimated: a dot per sample is what the user asked for. */
      prepare_series (m, s, f, 0, &own, &px, &py, &n);
      cairo_set_rgba (c->cr, palette[color][dark], 1);
      draw_dots (c->cr, f, px, py, n, style == ND_PLOT_POINTS ? 3 : 2.5);
      g_free (own.x);
      g_free (own.y);
    }
  cairo_restore (c->cr);
}

static const double legend_sample = 22, legend_gap = 6, legend_spacing = 16;

/* One legend entry (line or dot sample, then the label) with its vertical centre at cy. */
static void
draw_legend_entry (Ctx *c, PangoLayout *layout, double x, double cy, NdPlotColor color, NdPlotStyle style,
                   const char *label)
{
  cairo_t *cr = c->cr;
  int w, h;

  cairo_set_rgba (cr, palette[color][c->look->dark ? 1 : 0], 1);
  if (style == ND_PLOT_BAND)
    {
      cairo_rectangle (cr, x, cy - 5, legend_sample, 10);
      cairo_set_rgba (cr, palette[color][c->look->dark ? 1 : 0], c->look->dark ? 0.38 : 0.32);
      cairo_fill (cr);
    }
  else if (style != ND_PLOT_POINTS)
    {
      static const double dash[] = { 4, 3 };
      cairo_set_dash (cr, dash, style == ND_PLOT_DASHED ? 2 : 0, 0);
      cairo_set_line_width (cr, style == ND_PLOT_THICK ? 5 : 2);
      cairo_move_to (cr, x, cy);
      cairo_line_to (cr, x + legend_sample, cy);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  if (style == ND_PLOT_POINTS || style == ND_PLOT_LINE_POINTS)
    {
      cairo_arc (cr, x + legend_sample / 2, cy, 3, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_set_rgba (cr, c->theme->text.rgb, 1);
  pango_layout_set_text (layout, label, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x + legend_sample + legend_gap, cy - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static gboolean
legend_entry (NdPlotModel *m, guint s, NdPlotColor *color, NdPlotStyle *style, const char **label)
{
  gboolean visible;
  nd_plot_model_get_series (m, s, NULL, NULL, color, style, label, &visible);
  return visible && *label && **label;
}

/* Flows the legend entries into rows at most `avail` wide: the number of rows, and when asked the row of
 * each entry and the width of each row (arrays of legend_n). */
static guint
flow_rows (Ctx *c, PangoLayout *layout, double avail, guint *row_of, double *row_w)
{
  NdPlotModel *m = c->model;
  NdPlotColor color;
  NdPlotStyle style;
  const char *label;
  double x = 0;
  guint row = 0, k = 0;
  int w, h;

  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      if (!legend_entry (m, s, &color, &style, &label))
        continue;
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      double ew = legend_sample + legend_gap + w;
      if (x > 0 && x + legend_spacing + ew > avail)
        {
          row++;
          x = 0;
        }
      x += (x > 0 ? legend_spacing : 0) + ew;
      if (row_of)
        row_of[k] = row;
      if (row_w)
        row_w[row] = x;
      k++;
    }
  return k > 0 ? row + 1 : 0;
}

/* Sizes the legend. Best is a row beside the title; then rows of its own above the data area, when a
 * few fit; on a small plot with many entries a card inside the data area, in a corner with no data under it
 * (place_card()), else rows again (compute_layout()). Above the data, a legend never covers a curve. */
static void
measure_legend (Ctx *c)
{
  NdPlotModel *m = c->model;
  PangoLayout *layout = make_layout (c->cr, c->look->font_pt, FALSE);
  NdPlotColor color;
  NdPlotStyle style;
  const char *label;
  int w, h;

  c->legend_n = 0;
  c->legend_row_w = 0;
  c->legend_widest = 0;
  c->legend_line_h = 0;
  c->legend_rows = 0;
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      if (!legend_entry (m, s, &color, &style, &label))
        continue;
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      c->legend_row_w += (c->legend_n ? legend_spacing : 0) + legend_sample + legend_gap + w;
      c->legend_widest = MAX (c->legend_widest, w);
      c->legend_line_h = MAX (c->legend_line_h, h);
      c->legend_n++;
    }

  double title_w = 0;
  const char *title = nd_plot_model_get_title (m);
  if (title && *title)
    {
      PangoLayout *bold = make_layout (c->cr, c->look->font_pt * 1.1, TRUE);
      pango_layout_set_text (bold, title, -1);
      pango_layout_get_pixel_size (bold, &w, &h);
      title_w = w;
      g_object_unref (bold);
    }
  c->title_w = title_w;
  /* A first guess at the data area's width (the margins are a few characters): compute_layout() checks it. */
  c->legend_in_row = c->legend_n > 0 && title_w + 3 * c->font_px + c->legend_row_w <= c->width - 2 * 6 - 2 * c->font_px;
  g_object_unref (layout);
  if (c->legend_n > 0 && !c->legend_in_row)
    legend_rows_if_few (c);
}

/* Rows of their own for a legend not beside the title, when a few fit; else none (then a card). */
static void
legend_rows_if_few (Ctx *c)
{
  PangoLayout *layout = make_layout (c->cr, c->look->font_pt, FALSE);
  /* The plot's width: rows wider than the data area start left of it, above the y tick labels. */
  c->legend_avail = c->width - 2 * 6;
  guint rows = flow_rows (c, layout, c->legend_avail, NULL, NULL);
  g_object_unref (layout);
  /* A card taller than the data area would cover all of it: rows then, however many. */
  double card_h = 2 * 5 + c->legend_n * c->legend_line_h, data_h = c->height - 6.5 * c->font_px;
  c->legend_rows = (rows <= 3 && rows * (c->legend_line_h + 2) <= 0.3 * c->height) || card_h > data_h - 16 ? rows : 0;
}

/* How much of the plotted data lies in each of n rectangles (pixels: x0, y0, x1, y1): the segments and dots
 * that cross it. One pass over the data for all of them: decimating a long trace costs about as much as drawing
 * it, and a label or the legend's card tries four corners. */
static void
data_in_rects (Ctx *c, const double (*rect)[4], guint n_rect, guint *hits)
{
  NdPlotModel *m = c->model;
  const NdPlotFrame *f = &c->frame;

  memset (hits, 0, n_rect * sizeof *hits);
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      gboolean visible;
      nd_plot_model_get_series (m, s, NULL, NULL, NULL, NULL, NULL, &visible);
      if (!visible)
        continue;
      PlotData own;
      const double *px, *py;
      gsize n;
      prepare_series (m, s, f, (unsigned) ceil (f->width), &own, &px, &py, &n);
      double ax = NAN, ay = NAN;
      for (gsize i = 0; i < n; i++)
        {
          double bx = f->left + (px[i] - f->x_min) / (f->x_max - f->x_min) * f->width, by = frame_y (f, py[i]);
          if (isfinite (bx) && isfinite (by))
            for (guint r = 0; r < n_rect; r++)
              {
                double box[4] = { rect[r][0], rect[r][2], rect[r][1], rect[r][3] };
                double sx0 = isfinite (ax) ? ax : bx, sy0 = isfinite (ay) ? ay : by, sx1 = bx, sy1 = by;
                if (clip_segment (box, &sx0, &sy0, &sx1, &sy1))
                  hits[r]++;
              }
          ax = bx;
          ay = by;
        }
      g_free (own.x);
      g_free (own.y);
    }
}

/* Whether any point of a grid over the rectangle lies inside a band (even-odd rule on its outline): a card
 * there would hide the band's tint though no outline crosses it. */
static gboolean
rect_in_band (Ctx *c, double x0, double y0, double x1, double y1)
{
  NdPlotModel *m = c->model;

  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      NdPlotStyle style;
      gboolean visible;
      nd_plot_model_get_series (m, s, NULL, NULL, NULL, &style, NULL, &visible);
      if (!visible || style != ND_PLOT_BAND)
        continue;
      g_autofree double *bx = NULL, *by = NULL;
      gsize k = band_outline (c, s, &bx, &by);
      for (int gy = 0; gy <= 4; gy++)
        for (int gx = 0; gx <= 4; gx++)
          {
            double tx = x0 + gx / 4.0 * (x1 - x0), ty = y0 + gy / 4.0 * (y1 - y0);
            gboolean inside = FALSE;
            for (gsize i = 0, j = k - 1; i < k; j = i++)
              if ((by[i] > ty) != (by[j] > ty)
                  && tx < bx[j] + (ty - by[j]) / (by[i] - by[j]) * (bx[i] - bx[j]))
                inside = !inside;
            if (inside)
              return TRUE;
          }
    }
  return FALSE;
}

static const double card_inset = 8, card_margin = 8;

static void
card_size (Ctx *c, double *bw, double *bh)
{
  *bw = card_inset + legend_sample + legend_gap + c->legend_widest + card_inset;
  *bh = 2 * 5 + c->legend_n * c->legend_line_h;
}

/* Puts the card in the corner of the data area with the least data under it (top right first: the usual
 * place, kept when it is as empty as any). TRUE when that corner has none: no line, dot or band. */
static gboolean
place_card (Ctx *c)
{
  const NdPlotFrame *f = &c->frame;
  double bw, bh;
  card_size (c, &bw, &bh);
  double xs[2] = { f->left + f->width - bw - card_margin, f->left + card_margin };
  double ys[2] = { f->top + card_margin, f->top + f->height - bh - card_margin };
  guint best = G_MAXUINT, in_rect[4];
  double rect[4][4];
  for (int corner = 0; corner < 4; corner++)
    {
      double cx = xs[corner == 1 || corner == 3], cy = ys[corner >= 2];
      rect[corner][0] = cx;
      rect[corner][1] = cy;
      rect[corner][2] = cx + bw;
      rect[corner][3] = cy + bh;
    }
  data_in_rects (c, (const double (*)[4]) rect, 4, in_rect);
  c->legend_card_x = xs[0];
  c->legend_card_y = ys[0];
  for (int corner = 0; corner < 4; corner++)
    {
      double cx = rect[corner][0], cy = rect[corner][1];
      guint hits = in_rect[corner];
      if (hits == 0 && rect_in_band (c, cx, cy, cx + bw, cy + bh))
        hits = 1;
      if (hits < best)
        {
          best = hits;
          c->legend_card_x = cx;
          c->legend_card_y = cy;
        }
      if (hits == 0)
        return TRUE;
    }
  return FALSE;
}

static void
draw_legend (Ctx *c)
{
  NdPlotModel *m = c->model;
  const NdPlotFrame *f = &c->frame;
  cairo_t *cr = c->cr;
  NdPlotColor color;
  NdPlotStyle style;
  const char *label;
  int w, h;

  if (c->legend_n == 0)
    return;
  PangoLayout *layout = make_layout (cr, c->look->font_pt, FALSE);
  if (c->legend_in_row)
    {
      /* Right-aligned with the data area, on the title's line: it never covers data. */
      double x = f->left + f->width - c->legend_row_w, cy = f->top - c->row_centre;
      for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
        {
          if (!legend_entry (m, s, &color, &style, &label))
            continue;
          draw_legend_entry (c, layout, x, cy, color, style, label);
          pango_layout_get_pixel_size (layout, &w, &h);
          x += legend_sample + legend_gap + w + legend_spacing;
        }
      g_object_unref (layout);
      return;
    }
  if (c->legend_rows > 0)
    {
      /* Rows of their own under the title, left-aligned with it and the data area. */
      g_autofree guint *row_of = g_new0 (guint, c->legend_n);
      g_autofree double *row_w = g_new0 (double, c->legend_n);
      guint rows = flow_rows (c, layout, c->legend_avail, row_of, row_w);
      /* One left edge for all rows: the data area's, or further left for a row wider than it. */
      double widest = 0;
      for (guint r = 0; r < rows; r++)
        widest = MAX (widest, row_w[r]);
      const double x0 = MAX (6, MIN (f->left, c->width - 6 - widest));
      double x = x0;
      guint k = 0;
      for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
        {
          if (!legend_entry (m, s, &color, &style, &label))
            continue;
          guint row = row_of[k];
          if (k == 0 || row != row_of[k - 1])
            x = x0;
          double cy = f->top - c->legend_rows_top + (row + 0.5) * (c->legend_line_h + 2);
          draw_legend_entry (c, layout, x, cy, color, style, label);
          pango_layout_get_pixel_size (layout, &w, &h);
          x += legend_sample + legend_gap + w + legend_spacing;
          k++;
        }
      g_object_unref (layout);
      return;
    }

  /* A rounded, slightly translucent card in the corner place_card() chose. */
  const double r = 6, bx = c->legend_card_x, by = c->legend_card_y;
  double bw, bh;
  card_size (c, &bw, &bh);
  cairo_new_sub_path (cr);
  cairo_arc (cr, bx + bw - r, by + r, r, -G_PI / 2, 0);
  cairo_arc (cr, bx + bw - r, by + bh - r, r, 0, G_PI / 2);
  cairo_arc (cr, bx + r, by + bh - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, bx + r, by + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_set_rgba (cr, c->theme->bg.rgb, 0.88);
  cairo_fill_preserve (cr);
  cairo_set_rgba (cr, c->theme->grid.rgb, 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  double y = by + 5;
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    {
      if (!legend_entry (m, s, &color, &style, &label))
        continue;
      draw_legend_entry (c, layout, bx + card_inset, y + c->legend_line_h / 2.0, color, style, label);
      y += c->legend_line_h;
    }
  g_object_unref (layout);
}

/* ---- PLplot streams and errors -------------------------------------------------------------------- */

/* PLplot's exit handler is called before it exits the process; jumping back out keeps the app alive. */
static jmp_buf *plplot_jump;
static char plplot_message[256];
static gboolean plplot_aborted;

/* plabort() reports a failed call and goes on: remember it so the draw reports the failure. */
static void
plplot_abort_handler (const char *message)
{
  if (!plplot_aborted)
    g_strlcpy (plplot_message, message ? message : "", sizeof plplot_message);
  plplot_aborted = TRUE;
}

static int
plplot_exit_handler (const char *message)
{
  g_strlcpy (plplot_message, message ? message : "", sizeof plplot_message);
  if (plplot_jump != NULL)
    longjmp (*plplot_jump, 1);
  return 1;
}

/* Whether PLplot has its extcairo driver, looked up where PLplot looks (PLPLOT_DRV_DIR, else the folder
 * it was built with). Checked once, before any PLplot call: without the driver plinit() would prompt for
 * a device on the terminal. A PLplot without a drivers folder (drivers built in) is trusted. */
static gboolean
have_extcairo (void)
{
  static int known = 0;
  if (known == 0)
    {
      const char *dir = g_getenv ("PLPLOT_DRV_DIR");
      if (dir == NULL)
        dir = ND_PLPLOT_DRVDIR;
      g_autofree char *info = g_build_filename (dir, "cairo.driver_info", NULL);
      g_autofree char *text = NULL;
      if (!*dir || !g_file_test (dir, G_FILE_TEST_IS_DIR))
        known = 1;
      else
        known = g_file_get_contents (info, &text, NULL, NULL) && strstr (text, "extcairo:") ? 1 : -1;
    }
  return known > 0;
}

/* Runs draw_with_plplot() on a fresh stream; no local of this frame changes after setjmp. */
static gboolean
run_plplot (Ctx *c, PLINT previous)
{
  jmp_buf jump;

  plplot_jump = &jump;
  if (setjmp (jump) != 0)
    {
      plplot_jump = NULL;
      plsstrm (previous);
      return FALSE;
    }
  draw_with_plplot (c);
  plend1 ();
  plplot_jump = NULL;
  plsstrm (previous);
  return TRUE;
}

gboolean
nd_plot_render (NdPlotModel *model, cairo_t *cr, int width, int height, const NdPlotLook *look,
                NdPlotFrame *frame, GError **error)
{
  Ctx c = { .model = model, .cr = cr, .width = width, .height = height, .look = look };
  NdPlotLook default_look;
  double sx = 1, sy = 1;
  PLINT previous, stream;

  g_return_val_if_fail (ND_IS_PLOT_MODEL (model), FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);
  if (look == NULL)
    {
      nd_plot_look_init (&default_look);
      c.look = &default_look;
    }
  if (width < 40 || height < 40)
    {
      g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_DRAW, _("The plot area is too small to draw in."));
      return FALSE;
    }
  c.theme = c.look->dark ? &dark_theme : &light_theme;
  /* Device pixels per unit, for decimating to real pixel columns at 2x. */
  double ux = 1, uy = 0;
  cairo_surface_get_device_scale (cairo_get_target (cr), &sx, &sy);
  cairo_user_to_device_distance (cr, &ux, &uy);
  c.device_scale = CLAMP (hypot (ux, uy) * sx, 1, 8);

  cairo_save (cr);
  if (c.look->paint_background)
    {
      cairo_set_rgba (cr, c.theme->bg.rgb, 1);
      cairo_paint (cr);
    }
  plsexit (plplot_exit_handler);
  plsabort (plplot_abort_handler);
  if (!have_extcairo ())
    {
      cairo_restore (cr);
      g_set_error_literal (error, ND_PLOT_ERROR, ND_PLOT_ERROR_DRAW,
                           _("Plots cannot be drawn: PLplot’s cairo driver is not installed."));
      return FALSE;
    }
  compute_layout (&c);

  plgstrm (&previous);
  plmkstrm (&stream);
  if (stream < 0)
    {
      g_array_unref (c.x_ticks);
      g_array_unref (c.y_ticks);
      cairo_restore (cr);
      g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_DRAW, _("Too many plots are being drawn at once."));
      return FALSE;
    }
  plplot_aborted = FALSE;
  draw_shades (&c);
  draw_bands (&c);
  cairo_save (cr);
  gboolean ok = run_plplot (&c, previous) && !plplot_aborted;
  cairo_restore (cr);
  if (ok)
    {
      draw_annotations (&c);
      draw_points (&c);
      draw_legend (&c);
    }
  g_array_unref (c.x_ticks);
  g_array_unref (c.y_ticks);
  cairo_restore (cr);
  if (!ok)
    {
      g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_DRAW, _("The plot could not be drawn: %s"),
                   plplot_message);
      return FALSE;
    }
  if (frame)
    *frame = c.frame;
  return TRUE;
}

/* ---- Files ---------------------------------------------------------------------------------------- */

NdPlotFormat
nd_plot_format_from_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    return ND_PLOT_FORMAT_PNG;
  if (g_str_has_suffix (lower, ".svg"))
    return ND_PLOT_FORMAT_SVG;
  if (g_str_has_suffix (lower, ".pdf"))
    return ND_PLOT_FORMAT_PDF;
  return ND_PLOT_FORMAT_AUTO;
}

static gboolean
check_surface (cairo_surface_t *surface, const char *path, GError **error)
{
  cairo_status_t status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_autofree char *name = g_filename_display_name (path);
  g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_WRITE, _("Could not write “%s”: %s"), name,
               cairo_status_to_string (status));
  return FALSE;
}

gboolean
nd_plot_render_to_file (NdPlotModel *model, const char *path, NdPlotFormat format, int width, int height,
                        double scale, const NdPlotLook *look, GError **error)
{
  NdPlotLook file_look;
  cairo_surface_t *surface;
  gboolean ok;

  g_return_val_if_fail (ND_IS_PLOT_MODEL (model), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  if (look)
    file_look = *look;
  else
    nd_plot_look_init (&file_look);
  file_look.paint_background = TRUE;
  if (format == ND_PLOT_FORMAT_AUTO)
    format = nd_plot_format_from_path (path);
  if (width < 40 || height < 40 || width > 20000 || height > 20000)
    {
      g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_FORMAT,
                   _("A plot must be between 40 and 20000 pixels wide and high."));
      return FALSE;
    }
  scale = CLAMP (scale, 1, 4);

  switch (format)
    {
    case ND_PLOT_FORMAT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) lround (width * scale),
                                            (int) lround (height * scale));
      cairo_surface_set_device_scale (surface, scale, scale);
      break;
    case ND_PLOT_FORMAT_SVG:
      surface = cairo_svg_surface_create (path, width, height);
      break;
    case ND_PLOT_FORMAT_PDF:
      surface = cairo_pdf_surface_create (path, width, height);
      break;
    case ND_PLOT_FORMAT_AUTO:
    default:
      {
        g_autofree char *name = g_filename_display_name (path);
        g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_FORMAT,
                     _("“%s” does not end in .png, .svg or .pdf: choose one of these formats."), name);
        return FALSE;
      }
    }
  if (!check_surface (surface, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cairo_t *cr = cairo_create (surface);
  ok = nd_plot_render (model, cr, width, height, &file_look, NULL, error);
  cairo_destroy (cr);
  if (ok && format == ND_PLOT_FORMAT_PNG)
    {
      cairo_status_t status = cairo_surface_write_to_png (surface, path);
      if (status != CAIRO_STATUS_SUCCESS)
        {
          g_autofree char *name = g_filename_display_name (path);
          g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_WRITE, _("Could not write “%s”: %s"), name,
                       cairo_status_to_string (status));
          ok = FALSE;
        }
    }
  cairo_surface_finish (surface);
  if (ok)
    ok = check_surface (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}
