/* test-plot.c: the plot model, decimation, the NdPlot widget in light and dark mode, and export.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nd-plot-decimate.h"
#include "nd-plot.h"
#include "nd-test-ui.h"

/* ---- Data: the classic HH gates and a noisy trace, computed here ---------------------------------- */

static double
hh_n_inf (double v)
{
  double a = fabs (v + 55) < 1e-7 ? 0.1 : 0.01 * (v + 55) / (1 - exp (-(v + 55) / 10));
  double b = 0.125 * exp (-(v + 65) / 80);
  return a / (a + b);
}

static double
hh_n_tau (double v)
{
  double a = fabs (v + 55) < 1e-7 ? 0.1 : 0.01 * (v + 55) / (1 - exp (-(v + 55) / 10));
  double b = 0.125 * exp (-(v + 65) / 80);
  return 1 / (a + b);
}

/* A spiking-looking trace: periodic sharp peaks on a noisy baseline. */
static double *
make_trace (gsize n, double dt, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  double *v = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    {
      double t = i * dt, phase = fmod (t, 25.0);
      v[i] = -65 + 100 * exp (-pow ((phase - 12) / 0.4, 2)) - 8 * exp (-(phase - 12.5) / 4) * (phase > 12.5)
             + g_rand_double_range (rand, -0.8, 0.8);
    }
  return v;
}

/* The plot of the fit view's kinetics panel: learned x_inf, the replaced channel dashed, shaded range. */
static NdPlotModel *
make_kinetics_model (void)
{
  NdPlotModel *m = nd_plot_model_new ();
  double v[161], learned[161], ref[161];
  for (int i = 0; i < 161; i++)
    {
      v[i] = -100 + i;
      ref[i] = hh_n_inf (v[i]);
      learned[i] = 1 / (1 + exp (-(v[i] + 52) / 13.5));
    }
  nd_plot_model_set_title (m, "Steady-state activation");
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "Membrane potential", "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "n∞", NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (m, ND_PLOT_AXIS_Y, -0.02, 1.02);
  nd_plot_model_add_shaded_range (m, -78, 42, "visited");
  guint a = nd_plot_model_add_series (m, "Learned gate", ND_PLOT_COLOR_AUTO, ND_PLOT_LINE);
  guint b = nd_plot_model_add_series (m, "HH potassium (replaced)", ND_PLOT_COLOR_GREY, ND_PLOT_DASHED);
  nd_plot_model_set_series_data (m, a, v, learned, 161);
  nd_plot_model_set_series_data (m, b, v, ref, 161);
  nd_plot_model_add_marker (m, -65, "rest");
  return m;
}

static NdPlotModel *
make_tau_model (void)
{
  NdPlotModel *m = nd_plot_model_new ();
  double v[161], tau[161], pts_v[9], pts_tau[9];
  for (int i = 0; i < 161; i++)
    {
      v[i] = -100 + i;
      tau[i] = hh_n_tau (v[i]);
    }
  for (int i = 0; i < 9; i++)
    {
      pts_v[i] = -90 + 15 * i;
      pts_tau[i] = hh_n_tau (pts_v[i]) * (1 + 0.08 * sin (i));
    }
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "Membrane potential", "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "Time constant τ", "ms", ND_PLOT_SCALE_LOG);
  guint a = nd_plot_model_add_series (m, "HH τn", ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
  guint b = nd_plot_model_add_series (m, "Measured", ND_PLOT_COLOR_ORANGE, ND_PLOT_POINTS);
  nd_plot_model_set_series_data (m, a, v, tau, 161);
  nd_plot_model_set_series_data (m, b, pts_v, pts_tau, 9);
  return m;
}

static NdPlotModel *
make_loss_model (void)
{
  NdPlotModel *m = nd_plot_model_new ();
  double it[400], train[400], valid[400];
  for (int i = 0; i < 400; i++)
    {
      it[i] = i;
      train[i] = 30 * exp (-i / 60.0) + 0.05 + 0.02 * sin (i * 0.7);
      valid[i] = 34 * exp (-i / 70.0) + 0.12 + 0.03 * cos (i * 0.3);
    }
  nd_plot_model_set_title (m, "Loss");
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "Iteration", NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "Loss", "mV²", ND_PLOT_SCALE_LOG);
  guint a = nd_plot_model_add_series (m, "Training", ND_PLOT_COLOR_AUTO, ND_PLOT_LINE);
  guint b = nd_plot_model_add_series (m, "Validation", ND_PLOT_COLOR_AUTO, ND_PLOT_LINE);
  nd_plot_model_set_series_data (m, a, it, train, 400);
  nd_plot_model_set_series_data (m, b, it, valid, 400);
  return m;
}

#define TRACE_N 100000
#define TRACE_DT 0.01

static NdPlotModel *
make_trace_model (void)
{
  NdPlotModel *m = nd_plot_model_new ();
  g_autofree double *v = make_trace (TRACE_N, TRACE_DT, 7);
  g_autofree double *sim = make_trace (TRACE_N, TRACE_DT, 8);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "Time", "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "Membrane potential", "mV", ND_PLOT_SCALE_LINEAR);
  guint a = nd_plot_model_add_series (m, "Recorded", ND_PLOT_COLOR_GREY, ND_PLOT_LINE);
  guint b = nd_plot_model_add_series (m, "Model", ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
  for (gsize i = 0; i < TRACE_N; i++)
    sim[i] = v[(i + 30) % TRACE_N];
  nd_plot_model_set_series_trace (m, a, 0, TRACE_DT, v, TRACE_N);
  nd_plot_model_set_series_trace (m, b, 0, TRACE_DT, sim, TRACE_N);
  nd_plot_model_add_shaded_range (m, 200, 600, "fit window");
  return m;
}

/* ---- Decimation ----------------------------------------------------------------------------------- */

static long
column_of (double x, double lo, double hi, unsigned n_cols)
{
  long k = (long) ((x - lo) / ((hi - lo) / n_cols));
  return MIN (k, (long) n_cols - 1);
}

static void
test_decimate_envelope (void)
{
  const gsize n = 100000;
  const unsigned cols = 317;
  const double lo = 10, hi = 90;
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autofree double *x = g_new (double, n), *y = g_new (double, n);
  double walk = 0;
  for (gsize i = 0; i < n; i++)
    {
      /* Uneven sampling and a random walk: columns hold different numbers of points. */
      x[i] = (i == 0 ? 0 : x[i - 1]) + g_rand_double_range (rand, 0, 0.002);
      walk += g_rand_double_range (rand, -1, 1);
      y[i] = walk;
    }
  g_assert_true (nd_plot_decimate_applies (x, n, cols));
  g_autofree double *ox = g_new (double, nd_plot_decimate_capacity (n, cols));
  g_autofree double *oy = g_new (double, nd_plot_decimate_capacity (n, cols));
  gsize m = nd_plot_decimate (x, y, n, lo, hi, cols, ox, oy);
  g_assert_cmpuint (m, <=, 2 * cols + 2);
  g_assert_cmpuint (m, >=, cols);

  /* Per column: min and max of the original points == min and max of the decimated points. */
  g_autofree double *min_o = g_new (double, cols), *max_o = g_new (double, cols);
  g_autofree double *min_d = g_new (double, cols), *max_d = g_new (double, cols);
  for (unsigned k = 0; k < cols; k++)
    min_o[k] = min_d[k] = INFINITY, max_o[k] = max_d[k] = -INFINITY;
  gsize before = 0, after = 0, first_inside = n, last_inside = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (x[i] < lo || x[i] > hi)
        continue;
      long k = column_of (x[i], lo, hi, cols);
      min_o[k] = MIN (min_o[k], y[i]);
      max_o[k] = MAX (max_o[k], y[i]);
      first_inside = MIN (first_inside, i);
      last_inside = MAX (last_inside, i);
    }
  for (gsize j = 0; j < m; j++)
    {
      g_assert_false (isnan (ox[j]));
      if (j > 0)
        g_assert_cmpfloat (ox[j], >=, ox[j - 1]);
      if (ox[j] < lo) { before++; continue; }
      if (ox[j] > hi) { after++; continue; }
      long k = column_of (ox[j], lo, hi, cols);
      min_d[k] = MIN (min_d[k], oy[j]);
      max_d[k] = MAX (max_d[k], oy[j]);
    }
  for (unsigned k = 0; k < cols; k++)
    {
      g_assert_cmpfloat (min_d[k], ==, min_o[k]);
      g_assert_cmpfloat (max_d[k], ==, max_o[k]);
    }
  /* One neighbour on each side, exactly the original points next to the window. */
  g_assert_cmpuint (before, ==, 1);
  g_assert_cmpuint (after, ==, 1);
  g_assert_cmpfloat (ox[0], ==, x[first_inside - 1]);
  g_assert_cmpfloat (oy[0], ==, y[first_inside - 1]);
  g_assert_cmpfloat (ox[m - 1], ==, x[last_inside + 1]);
  /* Every output point is an input point. */
  for (gsize j = 0; j < m; j++)
    {
      gsize a = 0, b = n;
      while (b - a > 1)
        {
          gsize mid = (a + b) / 2;
          if (x[mid] <= ox[j]) a = mid; else b = mid;
        }
      g_assert_cmpfloat (x[a], ==, ox[j]);
      g_assert_cmpfloat (y[a], ==, oy[j]);
    }
}

static void
test_decimate_gaps (void)
{
  const gsize n = 4000;
  g_autofree double *x = g_new (double, n), *y = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    {
      x[i] = i;
      y[i] = sin (i * 0.05);
    }
  /* A gap in the middle of column 20 (of 40 columns of 100 points). */
  for (gsize i = 2040; i < 2060; i++)
    y[i] = NAN;
  double ox[4000], oy[4000];
  gsize m = nd_plot_decimate (x, y, n, 0, n - 1, 40, ox, oy);
  gsize gaps = 0, gap_at = 0;
  for (gsize j = 0; j < m; j++)
    if (isnan (oy[j]))
      gaps++, gap_at = j;
  g_assert_cmpuint (gaps, ==, 1);
  /* Points on either side of the gap come from either side of it. */
  g_assert_cmpfloat (ox[gap_at - 1], <, 2040);
  g_assert_cmpfloat (ox[gap_at + 1], >=, 2060);
  g_assert_cmpuint (m, <=, 2 * 40 + 4);

  /* A phase-plane loop (x goes back) is not a trace: no decimation. */
  for (gsize i = 0; i < n; i++)
    x[i] = cos (i * 0.01);
  g_assert_false (nd_plot_decimate_applies (x, n, 40));
  /* Short series are drawn as they are. */
  g_assert_false (nd_plot_decimate_applies (x, 100, 40));
}

/* ---- Model ---------------------------------------------------------------------------------------- */

static void
count_changed (NdPlotModel *m, guint *count)
{
  (*count)++;
}

static void
test_model (void)
{
  g_autoptr (NdPlotModel) m = nd_plot_model_new ();
  guint changes = 0;
  double lo, hi;
  g_signal_connect (m, "changed", G_CALLBACK (count_changed), &changes);

  g_assert_false (nd_plot_model_get_range (m, ND_PLOT_AXIS_Y, &lo, &hi));
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "Current", "µA/cm²", ND_PLOT_SCALE_LINEAR);
  g_autofree char *title = nd_plot_model_dup_axis_title (m, ND_PLOT_AXIS_Y);
  g_assert_cmpstr (title, ==, "Current (µA/cm²)");

  double x[5] = { 0, 1, 2, 3, 4 }, y[5] = { -2, 8, 3, NAN, 1 };
  guint s = nd_plot_model_add_series (m, "I", ND_PLOT_COLOR_AUTO, ND_PLOT_LINE);
  nd_plot_model_set_series_data (m, s, x, y, 5);
  g_assert_true (nd_plot_model_get_range (m, ND_PLOT_AXIS_X, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, 4);
  /* y gets 5 % on each side of [-2, 8]; the NaN is ignored. */
  g_assert_true (nd_plot_model_get_range (m, ND_PLOT_AXIS_Y, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (lo, -2.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 8.5, 1e-12);
  /* A fixed x range limits the points y fits. */
  nd_plot_model_set_range (m, ND_PLOT_AXIS_X, 1.5, 4);
  nd_plot_model_get_range (m, ND_PLOT_AXIS_Y, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, 1 - 0.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 3 + 0.1, 1e-12);
  nd_plot_model_set_range_auto (m, ND_PLOT_AXIS_X);

  /* Log scale: non-positive values are left out; at least a decade is shown. */
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "Current", "µA/cm²", ND_PLOT_SCALE_LOG);
  nd_plot_model_get_range (m, ND_PLOT_AXIS_Y, &lo, &hi);
  g_assert_cmpfloat (lo, >, 0);
  g_assert_cmpfloat (lo, <=, 1);
  g_assert_cmpfloat (hi, >=, 8);
  g_assert_cmpfloat (log10 (hi / lo), >=, 1 - 1e-9);

  /* Replacing data keeps the index and the style; the arrays are copies. */
  double y2[3] = { 5, 6, 7 };
  nd_plot_model_set_series_data (m, s, x, y2, 3);
  y2[0] = 100;
  const double *px, *py;
  NdPlotColor color;
  NdPlotStyle style;
  g_assert_cmpuint (nd_plot_model_get_series (m, s, &px, &py, &color, &style, NULL, NULL), ==, 3);
  g_assert_cmpfloat (py[0], ==, 5);
  g_assert_cmpint (color, ==, ND_PLOT_COLOR_BLUE);
  guint s2 = nd_plot_model_add_series (m, NULL, ND_PLOT_COLOR_AUTO, ND_PLOT_POINTS);
  nd_plot_model_get_series (m, s2, NULL, NULL, &color, NULL, NULL, NULL);
  g_assert_cmpint (color, ==, ND_PLOT_COLOR_RED);
  nd_plot_model_set_series_trace (m, s2, 10, 0.5, y2, 3);
  nd_plot_model_get_series (m, s2, &px, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpfloat (px[2], ==, 11);

  nd_plot_model_add_shaded_range (m, 3, -1, NULL);
  double a, b;
  nd_plot_model_get_shaded_range (m, 0, &a, &b, NULL);
  g_assert_cmpfloat (a, ==, -1);
  g_assert_cmpfloat (b, ==, 3);
  nd_plot_model_add_marker (m, 2.5, "onset");
  g_assert_cmpuint (nd_plot_model_get_n_markers (m), ==, 1);
  g_assert_cmpuint (changes, >=, 10);
  nd_plot_model_clear (m);
  g_assert_cmpuint (nd_plot_model_get_n_series (m), ==, 0);
  g_assert_cmpuint (nd_plot_model_get_n_shaded_ranges (m), ==, 0);
  g_assert_cmpuint (nd_plot_model_get_n_markers (m), ==, 0);
}

/* ---- Widget --------------------------------------------------------------------------------------- */

static GtkWidget *window;
static GtkWidget *plots[4];

static gboolean
drawn_since (gpointer data)
{
  guint *since = data;
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    if (nd_plot_get_draw_count (ND_PLOT (plots[i])) <= since[i])
      return FALSE;
  return TRUE;
}

static void
redraw_all (void)
{
  guint since[G_N_ELEMENTS (plots)];
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      since[i] = nd_plot_get_draw_count (ND_PLOT (plots[i]));
      gtk_widget_queue_draw (plots[i]);
    }
  g_assert_true (nd_test_ui_wait (drawn_since, since, 10000));
  nd_test_ui_spin (100);
}

static void
build_window (void)
{
  NdPlotModel *models[4] = { make_kinetics_model (), make_tau_model (), make_loss_model (), make_trace_model () };
  GtkWidget *grid = gtk_grid_new ();

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Plots");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  gtk_grid_set_row_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  for (guint i = 0; i < 4; i++)
    {
      plots[i] = nd_plot_new (models[i]);
      g_object_unref (models[i]);
      gtk_widget_set_hexpand (plots[i], TRUE);
      gtk_widget_set_vexpand (plots[i], TRUE);
      gtk_grid_attach (GTK_GRID (grid), plots[i], i % 2, i / 2, 1, 1);
    }
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  gtk_window_set_child (GTK_WINDOW (window), grid);
  gtk_window_present (GTK_WINDOW (window));
  redraw_all ();
}

typedef struct { guint8 r, g, b; } Px;

typedef struct
{
  int     w, h;
  guint8 *data;   /* GDK_MEMORY_DEFAULT: B G R A premultiplied, as cairo */
} Image;

static Image
load_image (const char *png)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  Image im = { gdk_texture_get_width (texture), gdk_texture_get_height (texture), NULL };
  im.data = g_malloc ((gsize) im.w * im.h * 4);
  gdk_texture_download (texture, im.data, (gsize) im.w * 4);
  return im;
}

static Px
pixel (const Image *im, int x, int y)
{
  x = CLAMP (x, 0, im->w - 1);
  y = CLAMP (y, 0, im->h - 1);
  const guint8 *p = im->data + ((gsize) y * im->w + x) * 4;
  return (Px) { p[2], p[1], p[0] };
}

static int
pixel_distance (Px a, Px b)
{
  return abs (a.r - b.r) + abs (a.g - b.g) + abs (a.b - b.b);
}

/* The y axis line and its tick labels stand out from the window background. */
static void
assert_axes_visible (const char *png, GtkWidget *plot)
{
  Image im = load_image (png);
  NdPlotFrame f;
  graphene_point_t origin;
  g_assert_true (nd_plot_get_frame (ND_PLOT (plot), &f));
  g_assert_true (gtk_widget_compute_point (plot, window, &GRAPHENE_POINT_INIT (0, 0), &origin));
  Px bg = pixel (&im, 3, im.h - 3);
  int ax = (int) (origin.x + f.left), mid = (int) (origin.y + f.top + f.height / 2);
  int best = 0;
  for (int dx = -2; dx <= 1; dx++)
    best = MAX (best, pixel_distance (pixel (&im, ax + dx, mid), bg));
  g_test_message ("axis contrast %d", best);
  g_assert_cmpint (best, >=, 60);
  /* Tick labels: strong ink left of the axis. */
  int ink = 0;
  for (int y = (int) (origin.y + f.top); y < (int) (origin.y + f.top + f.height); y++)
    for (int x = (int) origin.x + 2; x < ax - 6; x++)
      ink += pixel_distance (pixel (&im, x, y), bg) > 150;
  g_test_message ("tick label ink %d", ink);
  g_assert_cmpint (ink, >, 30);
  g_free (im.data);
}

static void
test_widget_light (void)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  redraw_all ();
  g_autofree char *png = nd_test_ui_screenshot (window, "plot-light");
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.03);
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    assert_axes_visible (png, plots[i]);
}

static void
test_widget_dark (void)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  redraw_all ();
  g_autofree char *png = nd_test_ui_screenshot (window, "plot-dark");
  Image im = load_image (png);
  /* The window really is dark, and the plots are drawn on it with light axes and text. */
  Px bg = pixel (&im, 3, im.h - 3);
  g_assert_cmpint (bg.r + bg.g + bg.b, <, 3 * 80);
  g_free (im.data);
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    assert_axes_visible (png, plots[i]);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  redraw_all ();
}

/* Live updates: replacing one series' data redraws the widget, and the drawn frame follows. */
static void
test_widget_live_update (void)
{
  NdPlot *plot = ND_PLOT (plots[2]);
  NdPlotModel *m = nd_plot_get_model (plot);
  double it[50], loss[50];
  for (int i = 0; i < 50; i++)
    it[i] = 1000 + i, loss[i] = 1e-3 * (i + 1);
  guint since[G_N_ELEMENTS (plots)];
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    since[i] = nd_plot_get_draw_count (ND_PLOT (plots[i])) - 1;
  since[2] = nd_plot_get_draw_count (plot);
  nd_plot_model_set_series_data (m, 0, it, loss, 50);
  nd_plot_model_set_series_visible (m, 1, FALSE);
  g_assert_true (nd_test_ui_wait (drawn_since, since, 5000));
  NdPlotFrame f;
  nd_plot_get_frame (plot, &f);
  g_assert_cmpfloat (f.x_min, ==, 1000);
  g_assert_cmpfloat (f.x_max, ==, 1049);
  /* Log axis: the frame is in decades, and covers 1e-3 .. 5e-2. */
  g_assert_cmpfloat (f.y_min, <=, -3);
  g_assert_cmpfloat (f.y_max, >=, log10 (5e-2));
  g_assert_cmpfloat (fabs (nd_plot_frame_x_to_data (&f, nd_plot_frame_data_to_x (&f, 1020)) - 1020), <, 1e-9);
}

/* Voltage above stimulus, as in the recording view: aligned data areas. */
static gboolean
both_drawn (gpointer data)
{
  NdPlot **p = data;
  return nd_plot_get_draw_count (p[0]) > 0 && nd_plot_get_draw_count (p[1]) > 0;
}

static void
test_widget_align (void)
{
  g_autoptr (NdPlotModel) mv = make_trace_model ();
  g_autoptr (NdPlotModel) mi = nd_plot_model_new ();
  double stim[1000];
  for (int i = 0; i < 1000; i++)
    stim[i] = i >= 100 && i < 900 ? 0.00125 : 0;
  nd_plot_model_set_axis (mi, ND_PLOT_AXIS_X, "Time", "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (mi, ND_PLOT_AXIS_Y, "Stimulus", "nA", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_series_trace (mi, nd_plot_model_add_series (mi, NULL, ND_PLOT_COLOR_RED, ND_PLOT_LINE),
                                  0, 1, stim, 1000);
  nd_plot_model_set_axis (mv, ND_PLOT_AXIS_X, NULL, NULL, ND_PLOT_SCALE_LINEAR);

  GtkWidget *win = gtk_window_new (), *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  NdPlot *p[2] = { ND_PLOT (nd_plot_new (mv)), ND_PLOT (nd_plot_new (mi)) };
  gtk_widget_set_vexpand (GTK_WIDGET (p[0]), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (p[1]), -1, 150);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p[0]));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p[1]));
  gtk_window_set_child (GTK_WINDOW (win), box);
  gtk_window_set_default_size (GTK_WINDOW (win), 700, 460);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (nd_test_ui_wait (both_drawn, p, 5000));
  nd_test_ui_spin (100);
  NdPlotFrame f0, f1;
  nd_plot_get_frame (p[0], &f0);
  nd_plot_get_frame (p[1], &f1);
  /* "−60" and "0.0010" need different margins. */
  g_assert_cmpfloat (fabs (f0.left - f1.left), >, 5);

  nd_plot_align (p, 2);
  nd_test_ui_spin (300);
  nd_plot_get_frame (p[0], &f0);
  nd_plot_get_frame (p[1], &f1);
  g_assert_cmpfloat (f0.left, ==, f1.left);
  g_assert_cmpfloat (f0.width, ==, f1.width);
  g_assert_cmpfloat (f0.left, ==, MAX (f0.natural_left, f1.natural_left));
  g_free (nd_test_ui_screenshot (win, "plot-aligned"));

  /* Taking one out gives both their own margins back. */
  nd_plot_align (p, 1);
  nd_test_ui_spin (300);
  nd_plot_get_frame (p[0], &f0);
  nd_plot_get_frame (p[1], &f1);
  g_assert_cmpfloat (f0.left, ==, f0.natural_left);
  g_assert_cmpfloat (f1.left, ==, f1.natural_left);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- Drag selection ------------------------------------------------------------------------------- */

static void
on_range (NdPlot *plot, double a, double b, double *out)
{
  out[0] = a;
  out[1] = b;
}

static void
test_drag_selection (void)
{
  NdPlot *plot = ND_PLOT (plots[3]);
  GtkGesture *drag = NULL;
  double range[2] = { NAN, NAN };
  NdPlotFrame f;

  nd_plot_get_frame (plot, &f);
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (plot));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_DRAG (c))
        drag = GTK_GESTURE (c);
    }
  g_assert_nonnull (drag);
  g_signal_connect (plot, "range-selected", G_CALLBACK (on_range), range);

  /* Not selectable: no range is selected (the drag zooms, see /plot/zoom/drag). */
  double x0 = nd_plot_frame_data_to_x (&f, 300), x1 = nd_plot_frame_data_to_x (&f, 500);
  g_signal_emit_by_name (drag, "drag-begin", x0, f.top + 20);
  g_signal_emit_by_name (drag, "drag-end", x1 - x0, 0.0);
  g_assert_true (isnan (range[0]));
  g_assert_true (nd_plot_is_zoomed (plot));
  nd_plot_reset_zoom (plot);
  g_assert_false (nd_plot_is_zoomed (plot));

  /* Selectable: a drag from right to left gives the range in data units, ordered. */
  nd_plot_set_selectable (plot, TRUE);
  g_signal_emit_by_name (drag, "drag-begin", x1, f.top + 20);
  g_signal_emit_by_name (drag, "drag-update", (x0 - x1) / 2, 3.0);
  nd_test_ui_spin (50);
  g_free (nd_test_ui_screenshot (window, "plot-dragging"));
  g_signal_emit_by_name (drag, "drag-end", x0 - x1, 3.0);
  double px_ms = (f.x_max - f.x_min) / f.width;
  g_assert_cmpfloat (fabs (range[0] - 300), <=, px_ms);
  g_assert_cmpfloat (fabs (range[1] - 500), <=, px_ms);

  /* A click is not a selection; a drag beyond the data area is clamped to it. */
  range[0] = range[1] = NAN;
  g_signal_emit_by_name (drag, "drag-begin", x0, f.top + 20);
  g_signal_emit_by_name (drag, "drag-end", 1.0, 0.0);
  g_assert_true (isnan (range[0]));
  g_signal_emit_by_name (drag, "drag-begin", x0, f.top + 20);
  g_signal_emit_by_name (drag, "drag-end", 5000.0, 0.0);
  g_assert_cmpfloat (fabs (range[1] - (TRACE_N - 1) * TRACE_DT), <=, px_ms);
  /* A selection does not zoom. */
  g_assert_false (nd_plot_is_zoomed (plot));
  nd_plot_set_selectable (plot, FALSE);
}

/* ---- Export --------------------------------------------------------------------------------------- */

static char *
read_head (const char *path, gsize *size)
{
  char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &contents, size, &error));
  g_assert_no_error (error);
  return contents;
}

static void
test_export (void)
{
  const char *dir = g_getenv ("ND_TEST_OUTPUT");
  NdPlot *plot = ND_PLOT (plots[0]);
  g_autoptr (GError) error = NULL;
  gsize size;

  g_autofree char *png = g_build_filename (dir, "plot-export.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "plot-export.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "plot-export.pdf", NULL);
  nd_plot_export (plot, png, ND_PLOT_FORMAT_AUTO, 640, 400, &error);
  g_assert_no_error (error);
  g_assert_true (nd_plot_export (plot, svg, ND_PLOT_FORMAT_AUTO, 640, 400, &error));
  g_assert_no_error (error);
  g_assert_true (nd_plot_export (plot, pdf, ND_PLOT_FORMAT_AUTO, 640, 400, &error));
  g_assert_no_error (error);

  g_autoptr (GdkTexture) texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 640);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 400);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.03);

  g_autofree char *svg_text = read_head (svg, &size);
  g_assert_true (g_str_has_prefix (svg_text, "<?xml") || g_str_has_prefix (svg_text, "<svg"));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_assert_nonnull (strstr (svg_text, "</svg>"));
  g_assert_cmpuint (size, >, 2000);
  /* Where gdk-pixbuf has librsvg's loader, the SVG must render to a drawn plot. */
  g_autoptr (GdkPixbuf) svg_pixbuf = gdk_pixbuf_new_from_file (svg, &error);
  if (svg_pixbuf)
    {
      g_autofree char *svg_png = g_build_filename (dir, "plot-export-svg-rendered.png", NULL);
      g_assert_cmpint (gdk_pixbuf_get_width (svg_pixbuf), >=, 640);
      g_assert_true (gdk_pixbuf_save (svg_pixbuf, svg_png, "png", &error, NULL));
      g_assert_cmpfloat (nd_test_ui_png_ink (svg_png), >, 0.03);
    }
  else
    {
      g_test_message ("SVG not rendered (%s)", error->message);
      g_clear_error (&error);
    }
  g_autofree char *pdf_text = read_head (pdf, &size);
  g_assert_true (g_str_has_prefix (pdf_text, "%PDF-"));
  g_assert_nonnull (memmem (pdf_text + size - MIN (size, 64), MIN (size, 64), "%%EOF", 5));
  g_assert_cmpuint (size, >, 2000);

  /* 0 x 0: the size on screen. */
  g_autofree char *same = g_build_filename (dir, "plot-export-screen-size.png", NULL);
  g_assert_true (nd_plot_export (plot, same, ND_PLOT_FORMAT_PNG, 0, 0, &error));
  g_assert_no_error (error);
  g_autoptr (GdkTexture) same_texture = gdk_texture_new_from_filename (same, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (same_texture), ==, gtk_widget_get_width (GTK_WIDGET (plot)));
  g_assert_cmpint (gdk_texture_get_height (same_texture), ==, gtk_widget_get_height (GTK_WIDGET (plot)));

  /* The other plots too, and a 2x PNG, to look at. */
  const char *names[] = { "kinetics", "tau", "loss", "trace" };
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      g_autofree char *name = g_strdup_printf ("plot-export-%s.png", names[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_true (nd_plot_export (ND_PLOT (plots[i]), path, ND_PLOT_FORMAT_PNG, 560, 360, &error));
      g_assert_no_error (error);
    }
  NdPlotLook dark;
  nd_plot_look_init (&dark);
  dark.dark = TRUE;
  g_autofree char *png2 = g_build_filename (dir, "plot-export-2x-dark.png", NULL);
  g_assert_true (nd_plot_render_to_file (nd_plot_get_model (ND_PLOT (plots[1])), png2, ND_PLOT_FORMAT_AUTO,
                                         560, 360, 2, &dark, &error));
  g_assert_no_error (error);
  Image im = load_image (png2);
  g_assert_cmpint (im.w, ==, 1120);
  g_assert_cmpint (im.h, ==, 720);
  Px bg = pixel (&im, 1, 1);
  g_assert_cmpint (bg.r, ==, 0x24);
  g_free (im.data);

  /* Errors in the user's words, no file, no crash. */
  g_autofree char *bad = g_build_filename (dir, "plot-export.bmp", NULL);
  g_assert_false (nd_plot_export (plot, bad, ND_PLOT_FORMAT_AUTO, 640, 400, &error));
  g_assert_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, ".png"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  const char *formats[] = { "png", "svg", "pdf" };
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *nowhere = g_strdup_printf ("%s/no-such-folder/plot.%s", dir, formats[i]);
      g_assert_false (nd_plot_export (plot, nowhere, ND_PLOT_FORMAT_AUTO, 640, 400, &error));
      g_assert_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_WRITE);
      g_assert_nonnull (strstr (error->message, "plot."));
      g_clear_error (&error);
    }
  g_assert_false (nd_plot_export (plot, png, ND_PLOT_FORMAT_AUTO, 10, 400, &error));
  g_assert_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_FORMAT);
}

/* ---- Speed ---------------------------------------------------------------------------------------- */

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Whole frames (PLplot drawing plus the renderer painting the window), from the frame clock. */
static gint64 paint_start, paint_us;

static void
before_paint (GdkFrameClock *clock, gpointer data)
{
  paint_start = g_get_monotonic_time ();
}

static void
after_paint (GdkFrameClock *clock, gpointer data)
{
  paint_us = g_get_monotonic_time () - paint_start;
}

static gboolean
painted (gpointer data)
{
  return paint_us >= 0;
}

static void
test_draw_time (void)
{
  /* Two 100k-point traces in the widget, redrawn as a live view would. */
  NdPlot *plot = ND_PLOT (plots[3]);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gulong b = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint), NULL);
  gulong a = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), NULL);
  double draw_ms[7], frame_ms[7];
  for (guint r = 0; r < G_N_ELEMENTS (draw_ms); r++)
    {
      paint_us = -1;
      gtk_widget_queue_draw (GTK_WIDGET (plot));
      g_assert_true (nd_test_ui_wait (painted, NULL, 5000));
      draw_ms[r] = nd_plot_get_last_draw_us (plot) / 1000.0;
      frame_ms[r] = paint_us / 1000.0;
    }
  g_signal_handler_disconnect (clock, b);
  g_signal_handler_disconnect (clock, a);
  qsort (draw_ms, G_N_ELEMENTS (draw_ms), sizeof draw_ms[0], cmp_double);
  qsort (frame_ms, G_N_ELEMENTS (frame_ms), sizeof frame_ms[0], cmp_double);
  NdPlotFrame f;
  nd_plot_get_frame (plot, &f);
  g_print ("# 2 x %d points decimated to %.0f columns: snapshot median %.1f ms (max %.1f), "
           "whole window frame median %.1f ms (max %.1f)\n",
           TRACE_N, f.width, draw_ms[3], draw_ms[6], frame_ms[3], frame_ms[6]);

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 300);
  cairo_t *cr = cairo_create (surface);
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (nd_plot_render (nd_plot_get_model (plot), cr, 800, 300, NULL, NULL, NULL));
  g_print ("# same plot rendered to an 800x300 image surface: %.1f ms\n", (g_get_monotonic_time () - t0) / 1000.0);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  /* Generous bounds (about 10x the figures on the 2-core build machine): a live view needs 5 frames/s. */
  g_assert_cmpfloat (frame_ms[3], <, ND_TEST_SANITIZED ? 400 : 100);
}

/* ---- Far-off and non-finite values ----------------------------------------------------------------- */

static void
test_extreme_values (void)
{
  g_autoptr (NdPlotModel) m = nd_plot_model_new ();
  g_autoptr (GError) error = NULL;
  NdPlotFrame f;
  /* A peak far above a fixed range: the lines to it are vertical at x = 0 and x = 1 (on the scale shown). */
  double x[7] = { 0, 0.5, 1, 1.2, 1.4, 1.6, 2 }, y[7] = { 0.25, 1e12, 0.25, INFINITY, 0.5, NAN, -1e308 };
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "x", NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "y", NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (m, ND_PLOT_AXIS_Y, 0, 1);
  nd_plot_model_set_range (m, ND_PLOT_AXIS_X, 0, 2);
  guint s = nd_plot_model_add_series (m, NULL, ND_PLOT_COLOR_RED, ND_PLOT_LINE);
  nd_plot_model_set_series_data (m, s, x, y, 7);
  guint d = nd_plot_model_add_series (m, NULL, ND_PLOT_COLOR_BLUE, ND_PLOT_POINTS);
  nd_plot_model_set_series_data (m, d, x, y, 7);

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (surface);
  g_assert_true (nd_plot_render (m, cr, 400, 300, NULL, &f, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface), red = 0;
  int cx = (int) nd_plot_frame_data_to_x (&f, 1.0), cy = (int) (f.top + f.height / 2);
  for (int px = cx - 3; px <= cx + 3; px++)
    {
      const guint8 *p = data + cy * stride + px * 4;  /* B G R A */
      red += p[2] > 150 && p[1] < 120;
    }
  g_autofree char *png = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "plot-extreme.png", NULL);
  cairo_surface_write_to_png (surface, png);
  g_assert_cmpint (red, >=, 1);
  cairo_surface_destroy (surface);

  /* Log axes with zero and negative values: those points are left out. */
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "y", NULL, ND_PLOT_SCALE_LOG);
  nd_plot_model_set_range_auto (m, ND_PLOT_AXIS_Y);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cr = cairo_create (surface);
  g_assert_true (nd_plot_render (m, cr, 400, 300, NULL, &f, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ---- A plot lower than its y title ------------------------------------------------------------------ */

/* Text pixels (B G R A, darker than the light background) in rows y0..y1 and columns 0..x1 of a rendered surface. */
static int
ink (cairo_surface_t *surface, int x1, int y0, int y1)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface), n = 0;
  for (int y = y0; y <= y1; y++)
    for (int x = 0; x <= x1; x++)
      {
        const guint8 *p = data + y * stride + x * 4;
        n += p[3] > 128 && p[0] + p[1] + p[2] < 3 * 200;   /* on the white background */
      }
  return n;
}

/* Explore's stimulus strip at 800x600 is about 110 px high and its y title longer than that: the title was cut
 * at the widget's edge. It is drawn smaller (or as its unit alone) so that none of it reaches the edge rows. */
static void
test_low_plot_title (void)
{
  g_autoptr (NdPlotModel) m = nd_plot_model_new ();
  g_autoptr (GError) error = NULL;
  double x[2] = { 0, 40 }, y[2] = { 0, 7.5 };
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "Time", "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "Injected current density", "µA/cm²", ND_PLOT_SCALE_LINEAR);
  guint s = nd_plot_model_add_series (m, NULL, ND_PLOT_COLOR_GREY, ND_PLOT_LINE);
  nd_plot_model_set_series_data (m, s, x, y, 2);
  const int heights[] = { 300, 110, 60 };
  for (guint i = 0; i < G_N_ELEMENTS (heights); i++)
    {
      const int h = heights[i];
      NdPlotFrame f;
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, h);
      cairo_t *cr = cairo_create (surface);
      g_assert_true (nd_plot_render (m, cr, 400, h, NULL, &f, &error));
      g_assert_no_error (error);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      g_autofree char *name = g_strdup_printf ("plot-low-title-%d.png", h);
      g_autofree char *png = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), name, NULL);
      cairo_surface_write_to_png (surface, png);
      /* The columns of the title (and maybe of a tick label: neither may reach the edge rows). */
      const int col = (int) f.left - 14;
      int title = ink (surface, col, 0, h - 1), edges = ink (surface, col, 0, 1) + ink (surface, col, h - 2, h - 1);
      g_test_message ("%d px high: title %d dark pixels, %d in the edge rows", h, title, edges);
      g_assert_cmpint (title, >, 20);
      g_assert_cmpint (edges, ==, 0);
      cairo_surface_destroy (surface);
    }
}

/* ---- Bands ----------------------------------------------------------------------------------------- */

/* A band series: its outline runs along hi then back along lo, non-finite points left out; the automatic
 * y range follows the line, not the band; the area between lo and hi is tinted with the band's colour, and
 * outside it the background shows. */
static void
test_band (void)
{
  g_autoptr (NdPlotModel) m = nd_plot_model_new ();
  double x[5] = { 0, 0.25, 0.5, 0.75, 1 }, y[5], lo[5], hi[5];
  for (int i = 0; i < 5; i++)
    {
      y[i] = x[i] * x[i];
      lo[i] = y[i] - 0.2;
      hi[i] = y[i] + 0.2;
    }
  lo[1] = NAN;
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "x", NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "y", NULL, ND_PLOT_SCALE_LINEAR);
  guint b = nd_plot_model_add_series (m, "range", ND_PLOT_COLOR_BLUE, ND_PLOT_BAND);
  nd_plot_model_set_series_band (m, b, x, lo, hi, 5);
  nd_plot_model_set_series_data (m, nd_plot_model_add_series (m, "curve", ND_PLOT_COLOR_BLUE, ND_PLOT_THICK), x, y, 5);
  const double *bx, *by;
  NdPlotStyle style;
  gsize n = nd_plot_model_get_series (m, b, &bx, &by, NULL, &style, NULL, NULL);
  g_assert_cmpuint (n, ==, 8);
  g_assert_cmpint (style, ==, ND_PLOT_BAND);
  const double want_x[8] = { 0, 0.5, 0.75, 1, 1, 0.75, 0.5, 0 };
  const double want_y[8] = { 0.2, 0.45, 0.7625, 1.2, 0.8, 0.3625, 0.05, -0.2 };
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat_with_epsilon (bx[i], want_x[i], 1e-12);
      g_assert_cmpfloat_with_epsilon (by[i], want_y[i], 1e-12);
    }
  double ymin, ymax;
  g_assert_true (nd_plot_model_get_range (m, ND_PLOT_AXIS_Y, &ymin, &ymax));
  g_assert_cmpfloat (ymin, >, -0.1);
  g_assert_cmpfloat (ymax, <, 1.1);

  nd_plot_model_set_range (m, ND_PLOT_AXIS_Y, -0.5, 1.5);
  NdPlotLook look;
  nd_plot_look_init (&look);
  look.paint_background = TRUE;
  NdPlotFrame f;
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (surface);
  g_assert_true (nd_plot_render (m, cr, 400, 300, &look, &f, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_autofree char *png = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "plot-band.png", NULL);
  cairo_surface_write_to_png (surface, png);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  /* At x = 0.6 the curve is at 0.36: 0.55 lies inside the band (off the grid line at 0.5), 1.2 outside it. */
  int px = (int) nd_plot_frame_data_to_x (&f, 0.6);
  int in_y = (int) (f.top + (1.5 - 0.55) / 2.0 * f.height), out_y = (int) (f.top + (1.5 - 1.2) / 2.0 * f.height);
  const guint8 *in = data + in_y * stride + px * 4, *out = data + out_y * stride + px * 4;  /* B G R A */
  g_test_message ("inside the band B G R %d %d %d, outside %d %d %d", in[0], in[1], in[2], out[0], out[1], out[2]);
  g_assert_cmpint (in[0] - in[2], >, 20);          /* tinted blue */
  g_assert_cmpint (in[2], >, 120);                 /* lightly: the curve stays readable */
  g_assert_cmpint (abs (out[0] - out[2]), <, 8);   /* the background */
  cairo_surface_destroy (surface);
}

/* ---- PLplot failing -------------------------------------------------------------------------------- */

/* Without its drivers PLplot calls its exit handler; the draw must fail with an error, not end the app. */
static void
test_plplot_failure (void)
{
  if (g_test_subprocess ())
    {
      /* A drivers folder without the cairo driver. */
      g_autofree char *empty = g_dir_make_tmp ("neurode-plot-XXXXXX", NULL);
      g_assert_nonnull (empty);
      g_setenv ("PLPLOT_DRV_DIR", empty, TRUE);
      g_autoptr (NdPlotModel) m = make_loss_model ();
      g_autoptr (GError) error = NULL;
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
      cairo_t *cr = cairo_create (surface);
      for (int i = 0; i < 2; i++)
        {
          g_assert_false (nd_plot_render (m, cr, 300, 200, NULL, NULL, &error));
          g_assert_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_DRAW);
          g_print ("%s\n", error->message);
          g_clear_error (&error);
        }
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      g_print ("still running\n");
      g_rmdir (empty);
      return;
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*cairo driver is not installed*cairo driver is not installed*still running*");
}

/* ---- A shaded range's label beside the data, not over it ------------------------------------------------ */

/* Pixels (B G R A) in columns x0..x1 and rows y0..y1: the blue of a series (blue ? TRUE), or dark grey text. */
static int
pixels (cairo_surface_t *surface, int x0, int x1, int y0, int y1, gboolean blue)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface), n = 0;
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        const guint8 *p = data + y * stride + x * 4;
        if (blue)
          n += p[0] > 150 && p[2] < 120;
        else
          n += p[3] > 128 && p[0] + p[1] + p[2] < 3 * 160 && abs (p[0] - p[2]) < 40;
      }
  return n;
}

/* The Fit view's time-constant plot of 190619B (German screenshot, 6 December 2026): the curve ran along the
 * bottom left of the data's range, where its label "Bereich der Daten" sat on a plate that hid it. The label
 * now takes the corner of the range with no data under it. */
static void
test_range_label (void)
{
  g_autoptr (NdPlotModel) m = nd_plot_model_new ();
  g_autoptr (GError) error = NULL;
  double x[161], y[161];
  for (int i = 0; i < 161; i++)
    {
      x[i] = -100 + i;
      y[i] = 500 + 6500 * exp (-((x[i] + 5) / 35) * ((x[i] + 5) / 35));
    }
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "Membrane potential", "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "τ", "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (m, ND_PLOT_AXIS_Y, 0, 7500);
  guint s = nd_plot_model_add_series (m, NULL, ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
  nd_plot_model_set_series_data (m, s, x, y, 161);
  nd_plot_model_add_shaded_range (m, -100, 27, "Range of the data");

  NdPlotFrame f;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 220);
  cairo_t *cr = cairo_create (surface);
  g_assert_true (nd_plot_render (m, cr, 400, 220, NULL, &f, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_autofree char *png = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "plot-range-label.png", NULL);
  cairo_surface_write_to_png (surface, png);
  /* Bottom left of the range, where the label used to go: the curve is drawn there in full. The label is in
   * another corner of the range, where no data is: bottom right here (the curve is high there). */
  const int l = (int) f.left, r = (int) nd_plot_frame_data_to_x (&f, 27), b = (int) (f.top + f.height);
  int curve = pixels (surface, l + 5, l + 65, b - 18, b - 3, TRUE), text = pixels (surface, r - 100, r - 3, b - 20, b - 3, FALSE);
  g_test_message ("curve pixels bottom left %d, label pixels bottom right %d", curve, text);
  g_assert_cmpint (curve, >, 60);
  g_assert_cmpint (text, >, 30);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  nd_test_ui_init (&argc, &argv);
  adw_init ();
  g_assert_nonnull (g_getenv ("ND_TEST_OUTPUT"));
  g_mkdir_with_parents (g_getenv ("ND_TEST_OUTPUT"), 0755);
  /* A subprocess runs one test that must not have used PLplot before. */
  if (!g_test_subprocess ())
    build_window ();

  g_test_add_func ("/plot/decimate/envelope", test_decimate_envelope);
  g_test_add_func ("/plot/decimate/gaps", test_decimate_gaps);
  g_test_add_func ("/plot/model", test_model);
  g_test_add_func ("/plot/widget/light", test_widget_light);
  g_test_add_func ("/plot/widget/dark", test_widget_dark);
  g_test_add_func ("/plot/widget/live-update", test_widget_live_update);
  g_test_add_func ("/plot/widget/drag-selection", test_drag_selection);
  g_test_add_func ("/plot/widget/align", test_widget_align);
  g_test_add_func ("/plot/export", test_export);
  g_test_add_func ("/plot/draw-time", test_draw_time);
  g_test_add_func ("/plot/plplot-failure", test_plplot_failure);
  g_test_add_func ("/plot/extreme-values", test_extreme_values);
  g_test_add_func ("/plot/band", test_band);
  g_test_add_func ("/plot/low-plot-title", test_low_plot_title);
  g_test_add_func ("/plot/range-label", test_range_label);
  int status = g_test_run ();
  if (window)
    gtk_window_destroy (GTK_WINDOW (window));
  return status;
}
