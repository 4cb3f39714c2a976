/* test-zoom.c: zoom, pan, the crosshair readout and the keys of every plot, tick labels and legends, and
 * the Recording view stepping through the sweeps of a real 3 s recording, under Xvfb.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plot of a known line checks that a drag zooms to exactly the dragged region, Ctrl+scroll zooms around
 * the pointer, the keys zoom and pan and Home resets, the readout says the time and value at a known
 * point, a zoom survives live updates, and aligned plots zoom in time together. Then the window opens
 * 17o05028_ic_steps.abf (16 sweeps of 3 s with up to 42 spikes): Page Down and Page Up step the shown
 * sweep and keep the zoom, the readout names the sweep under the pointer, and screenshots of the zoomed
 * recording with the readout are taken at 800x600 and 1400x900.
 *
 * Usage: test-zoom [LANGUAGE LOCALEDIR]: the same in another language (screenshots named
 * zoom-LANGUAGE-*), with its compiled catalogue.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "nd-explore-view.h"
#include "nd-plot-interaction.h"
#include "nd-plot-ticks.h"
#include "nd-plot.h"
#include "nd-project.h"
#include "nd-recording-view.h"
#include "nd-test-ui.h"
#include "nd-window.h"
#include "presets.h"

static const char *language;
static GtkWidget *line_window;
static NdPlot *line_plot;
static NdPlotModel *line_model;

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* ---- Helpers ------------------------------------------------------------------------------------- */

typedef struct
{
  NdPlot *plot;
  guint   since;
} Drawn;

static gboolean
drawn_since (gpointer data)
{
  Drawn *d = data;
  return nd_plot_get_draw_count (d->plot) > d->since;
}

/* Waits for the next draw of `plot` (its frame then shows the current view). */
static void
redraw (NdPlot *plot)
{
  Drawn d = { plot, nd_plot_get_draw_count (plot) };
  gtk_widget_queue_draw (GTK_WIDGET (plot));
  g_assert_true (nd_test_ui_wait (drawn_since, &d, 10000));
}

static double
data_to_py (const NdPlotFrame *f, double y)
{
  return f->top + (f->y_max - y) / (f->y_max - f->y_min) * f->height;
}

static gpointer
find_controller (GtkWidget *widget, GType type)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (list, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  return NULL;
}

/* The action a shortcut controller of `widget` binds to `keyval` (no modifiers), or NULL. */
static GtkShortcutAction *
shortcut_for (GtkWidget *widget, guint keyval, GVariant **args)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (list, i);
      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (c)); k++)
        {
          g_autoptr (GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), k);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (sc));
          g_autofree char *want = gtk_accelerator_name (keyval, 0);
          g_auto (GStrv) alternatives = g_strsplit (trigger, "|", -1);
          for (guint a = 0; alternatives[a]; a++)
            if (g_str_equal (alternatives[a], want))
              {
                if (args)
                  *args = gtk_shortcut_get_arguments (sc);
                return gtk_shortcut_get_action (sc);
              }
        }
    }
  return NULL;
}

static const char *
shortcut_action_name (GtkWidget *widget, guint keyval)
{
  GtkShortcutAction *action = shortcut_for (widget, keyval, NULL);
  g_assert_nonnull (action);
  g_assert_true (GTK_IS_NAMED_ACTION (action));
  return gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
}

static void
assert_close (double got, double want, double tolerance)
{
  if (fabs (got - want) > tolerance)
    g_error ("%g is not within %g of %g", got, tolerance, want);
}

/* ---- A plot of a known line: y = 2 x - 1000 mV over 0..1000 ms --------------------------------- */

static void
build_line_plot (void)
{
  double x[1001], y[1001];
  for (int i = 0; i <= 1000; i++)
    {
      x[i] = i;
      y[i] = 2.0 * i - 1000;
    }
  line_model = nd_plot_model_new ();
  nd_plot_model_set_axis (line_model, ND_PLOT_AXIS_X, "Time", "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (line_model, ND_PLOT_AXIS_Y, "Membrane potential", "mV", ND_PLOT_SCALE_LINEAR);
  guint s = nd_plot_model_add_series (line_model, NULL, ND_PLOT_COLOR_BLUE, ND_PLOT_LINE);
  nd_plot_model_set_series_name (line_model, s, "Line");
  nd_plot_model_set_series_data (line_model, s, x, y, 1001);
  line_plot = ND_PLOT (nd_plot_new (line_model));
  line_window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (line_window), 720, 440);
  gtk_window_set_child (GTK_WINDOW (line_window), GTK_WIDGET (line_plot));
  gtk_window_present (GTK_WINDOW (line_window));
  redraw (line_plot);
  nd_test_ui_spin (100);
}

static void
drag (NdPlot *plot, double x0, double y0, double x1, double y1)
{
  GtkGesture *g = find_controller (GTK_WIDGET (plot), GTK_TYPE_GESTURE_DRAG);
  g_assert_nonnull (g);
  g_signal_emit_by_name (g, "drag-begin", x0, y0);
  g_signal_emit_by_name (g, "drag-update", (x1 - x0) / 2, (y1 - y0) / 2);
  g_signal_emit_by_name (g, "drag-update", x1 - x0, y1 - y0);
  g_signal_emit_by_name (g, "drag-end", x1 - x0, y1 - y0);
}

static void
double_click (NdPlot *plot, double x, double y)
{
  GtkGesture *g = find_controller (GTK_WIDGET (plot), GTK_TYPE_GESTURE_CLICK);
  g_assert_nonnull (g);
  g_signal_emit_by_name (g, "pressed", 1, x, y);
  g_signal_emit_by_name (g, "pressed", 2, x, y);
}

static void
pointer_at (NdPlot *plot, double x, double y)
{
  GtkEventController *m = find_controller (GTK_WIDGET (plot), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_assert_nonnull (m);
  g_signal_emit_by_name (m, "motion", x, y);
}

static void
test_drag_zoom (void)
{
  NdPlotFrame f;
  double lo, hi, px_x, px_y;

  nd_plot_reset_zoom (line_plot);
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  px_x = (f.x_max - f.x_min) / f.width;
  px_y = (f.y_max - f.y_min) / f.height;

  /* A rectangle from (200 ms, 0 mV) to (400 ms, -500 mV): exactly that region is shown. */
  drag (line_plot, nd_plot_frame_data_to_x (&f, 200), data_to_py (&f, 0), nd_plot_frame_data_to_x (&f, 400),
        data_to_py (&f, -500));
  g_assert_true (nd_plot_is_zoomed (line_plot));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  assert_close (lo, 200, 1e-6 * px_x + 1e-9);
  assert_close (hi, 400, 1e-6 * px_x + 1e-9);
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_Y, &lo, &hi);
  assert_close (lo, -500, 1e-6 * px_y + 1e-9);
  assert_close (hi, 0, 1e-6 * px_y + 1e-9);
  /* The drawn frame follows. */
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  assert_close (f.x_min, 200, 1e-6);
  assert_close (f.x_max, 400, 1e-6);
  assert_close (f.y_min, -500, 1e-6);
  assert_close (f.y_max, 0, 1e-6);
  g_free (nd_test_ui_screenshot (line_window, "zoom-line-rectangle"));

  /* Again inside the zoom, dragged from bottom right to top left: 250..300 ms, -400..-300 mV. */
  drag (line_plot, nd_plot_frame_data_to_x (&f, 300), data_to_py (&f, -400), nd_plot_frame_data_to_x (&f, 250),
        data_to_py (&f, -300));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  assert_close (lo, 250, 1e-6);
  assert_close (hi, 300, 1e-6);
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_Y, &lo, &hi);
  assert_close (lo, -400, 1e-6);
  assert_close (hi, -300, 1e-6);

  /* Double-click: everything again. */
  redraw (line_plot);
  double_click (line_plot, f.left + 50, f.top + 50);
  g_assert_false (nd_plot_is_zoomed (line_plot));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, 1000);

  /* A flat drag zooms in time only, and the height fits what is shown (600..800 ms: 200..600 mV). */
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  double y_mid = f.top + f.height / 2;
  drag (line_plot, nd_plot_frame_data_to_x (&f, 600), y_mid, nd_plot_frame_data_to_x (&f, 800), y_mid + 3);
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  assert_close (lo, 600, 1e-6);
  assert_close (hi, 800, 1e-6);
  NdPlotView view;
  nd_plot_get_view (line_plot, &view);
  g_assert_false (view.y_set);
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_Y, &lo, &hi);
  g_assert_cmpfloat (lo, <=, 200);
  g_assert_cmpfloat (lo, >=, 180);
  g_assert_cmpfloat (hi, >=, 600);
  g_assert_cmpfloat (hi, <=, 620);

  /* A click (no movement) neither zooms nor changes the zoom. */
  drag (line_plot, f.left + 100, y_mid, f.left + 101, y_mid);
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  assert_close (lo, 600, 1e-6);
  /* Home (its key's action) resets. */
  g_assert_cmpstr (shortcut_action_name (GTK_WIDGET (line_plot), GDK_KEY_Home), ==, "plot.reset-zoom");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (line_plot), "plot.reset-zoom", NULL));
  g_assert_false (nd_plot_is_zoomed (line_plot));
}

static void
test_scroll_zoom (void)
{
  NdPlotInteraction *in = nd_plot_get_interaction (line_plot);
  NdPlotFrame f;
  double lo, hi, lo2, hi2;

  nd_plot_reset_zoom (line_plot);
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  double ax = nd_plot_frame_data_to_x (&f, 250), ay = f.top + f.height / 2;

  /* A plain scroll is the page's: nothing changes. */
  g_assert_false (nd_plot_interaction_scroll (in, ax, ay, 0, -1, 0));
  g_assert_false (nd_plot_is_zoomed (line_plot));

  /* Ctrl+scroll up zooms in time around the pointer: 250 ms stays under it. */
  g_assert_true (nd_plot_interaction_scroll (in, ax, ay, 0, -1, GDK_CONTROL_MASK));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  assert_close (hi - lo, 1000 / 1.25, 1e-6);
  assert_close ((250 - lo) / (hi - lo), 0.25, 1e-9);
  NdPlotView view;
  nd_plot_get_view (line_plot, &view);
  g_assert_false (view.y_set);

  /* Shift+scroll pans in time by a tenth of what is shown. */
  redraw (line_plot);
  g_assert_true (nd_plot_interaction_scroll (in, ax, ay, 0, 1, GDK_SHIFT_MASK));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo2, &hi2);
  assert_close (lo2 - lo, 0.1 * (hi - lo), 1e-6);
  assert_close (hi2 - hi, 0.1 * (hi - lo), 1e-6);

  /* Over the y axis, Ctrl+scroll zooms the values only. */
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  double ylo0 = f.y_min, yhi0 = f.y_max;
  g_assert_true (nd_plot_interaction_scroll (in, f.left - 10, f.top + f.height / 2, 0, -2, GDK_CONTROL_MASK));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  assert_close (lo, lo2, 1e-9);
  assert_close (hi, hi2, 1e-9);
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_Y, &lo, &hi);
  assert_close (hi - lo, (yhi0 - ylo0) / (1.25 * 1.25), 1e-6);

  /* Ctrl+scroll down far enough shows everything again, and the zoom ends. */
  for (int i = 0; i < 12; i++)
    {
      redraw (line_plot);
      nd_plot_interaction_scroll (in, ax, f.top + f.height / 2, 0, 1, GDK_CONTROL_MASK);
      nd_plot_interaction_scroll (in, f.left - 10, f.top + f.height / 2, 0, 1, GDK_CONTROL_MASK);
    }
  g_assert_false (nd_plot_is_zoomed (line_plot));
}

static void
test_keys (void)
{
  NdPlotFrame f;
  double lo, hi, lo2, hi2;
  GVariant *args = NULL;

  /* Plots take the keyboard focus, and these keys are theirs. */
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (line_plot)));
  g_assert_cmpstr (shortcut_action_name (GTK_WIDGET (line_plot), GDK_KEY_plus), ==, "plot.zoom-in");
  g_assert_cmpstr (shortcut_action_name (GTK_WIDGET (line_plot), GDK_KEY_KP_Add), ==, "plot.zoom-in");
  g_assert_cmpstr (shortcut_action_name (GTK_WIDGET (line_plot), GDK_KEY_minus), ==, "plot.zoom-out");
  g_assert_cmpstr (shortcut_action_name (GTK_WIDGET (line_plot), GDK_KEY_Right), ==, "plot.pan");
  shortcut_for (GTK_WIDGET (line_plot), GDK_KEY_Right, &args);
  g_assert_cmpstr (g_variant_get_string (args, NULL), ==, "right");

  nd_plot_reset_zoom (line_plot);
  redraw (line_plot);
  GtkEventController *m = find_controller (GTK_WIDGET (line_plot), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_signal_emit_by_name (m, "leave");
  /* + zooms in time around the middle (the pointer is away). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (line_plot), "plot.zoom-in", NULL));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  assert_close (hi - lo, 1000 / 1.5, 1e-6);
  assert_close ((lo + hi) / 2, 500, 1e-6);
  /* → moves a tenth later; ↑ moves the values a tenth up (and fixes the height). */
  redraw (line_plot);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (line_plot), "plot.pan", "s", "right"));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo2, &hi2);
  assert_close (lo2 - lo, 0.1 * (hi - lo), 1e-6);
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (line_plot), "plot.pan", "s", "up"));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_Y, &lo, &hi);
  assert_close (lo - f.y_min, 0.1 * (f.y_max - f.y_min), 1e-6);
  /* − zooms out again; Home shows everything. */
  redraw (line_plot);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (line_plot), "plot.zoom-out", NULL));
  nd_plot_get_visible_range (line_plot, ND_PLOT_AXIS_X, &lo, &hi);
  g_assert_cmpfloat (hi - lo, >, 999);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (line_plot), "plot.reset-zoom", NULL));
  g_assert_false (nd_plot_is_zoomed (line_plot));
}

/* "Line · 250 ms · −500.0 mV" -> the numbers (a true minus sign, the locale's decimal point). */
static double
readout_number (const char *text, guint index)
{
  g_auto (GStrv) parts = g_strsplit (text, " · ", -1);
  g_assert_cmpuint (g_strv_length (parts), >, index);
  g_autoptr (GString) s = g_string_new (parts[index]);
  g_string_replace (s, "−", "-", 0);
  g_string_replace (s, ",", ".", 0);
  return g_ascii_strtod (s->str, NULL);
}

static void
test_readout (void)
{
  NdPlotFrame f;

  nd_plot_reset_zoom (line_plot);
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  /* On the line at 250 ms: its name, the time and the value there, in the axes' units. */
  pointer_at (line_plot, nd_plot_frame_data_to_x (&f, 250), data_to_py (&f, -500));
  const char *text = nd_plot_get_readout (line_plot);
  g_test_message ("readout: %s", text);
  g_assert_true (g_str_has_prefix (text, "Line · 250 ms · −500"));
  g_assert_true (g_str_has_suffix (text, " mV"));
  assert_close (readout_number (text, 2), -500, 0.05);
  redraw (line_plot);
  g_free (nd_test_ui_screenshot (line_window, "zoom-line-readout"));

  /* Far from the line: the pointer's own time and value, no name. */
  pointer_at (line_plot, nd_plot_frame_data_to_x (&f, 250), data_to_py (&f, 600));
  text = nd_plot_get_readout (line_plot);
  g_test_message ("readout: %s", text);
  g_assert_false (g_str_has_prefix (text, "Line"));
  assert_close (readout_number (text, 0), 250, (f.x_max - f.x_min) / f.width);
  assert_close (readout_number (text, 1), 600, (f.y_max - f.y_min) / f.height);

  /* Zoomed in, the readout resolves finer: 250.25 ms is read to at least two decimals. */
  NdPlotView view = { .x_set = TRUE, .x_min = 250, .x_max = 251, .y_set = TRUE, .y_min = -500, .y_max = -498 };
  nd_plot_set_view (line_plot, &view);
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  pointer_at (line_plot, nd_plot_frame_data_to_x (&f, 250.25), data_to_py (&f, -499.5));
  text = nd_plot_get_readout (line_plot);
  g_test_message ("readout: %s", text);
  g_assert_true (g_str_has_prefix (text, "Line · 250.25"));
  assert_close (readout_number (text, 1), 250.25, (f.x_max - f.x_min) / f.width);
  assert_close (readout_number (text, 2), -499.5, 0.01);

  /* Off the data area (on the axis labels) and after leaving: nothing. */
  pointer_at (line_plot, f.left - 20, f.top + 10);
  g_assert_cmpstr (nd_plot_get_readout (line_plot), ==, "");
  pointer_at (line_plot, f.left + 20, f.top + 10);
  g_assert_cmpstr (nd_plot_get_readout (line_plot), !=, "");
  g_signal_emit_by_name (find_controller (GTK_WIDGET (line_plot), GTK_TYPE_EVENT_CONTROLLER_MOTION), "leave");
  g_assert_cmpstr (nd_plot_get_readout (line_plot), ==, "");
  nd_plot_reset_zoom (line_plot);
}

/* A fit updates its plots ten times a second: a zoomed plot stays zoomed until reset. */
static void
test_live_updates_keep_zoom (void)
{
  NdPlotFrame f;
  NdPlotView view = { .x_set = TRUE, .x_min = 100, .x_max = 300 };
  nd_plot_set_view (line_plot, &view);
  for (int k = 0; k < 20; k++)
    {
      double x[2001], y[2001];
      for (int i = 0; i <= 2000; i++)
        {
          x[i] = i;
          y[i] = (2.0 + 0.1 * k) * i - 1000;
        }
      nd_plot_model_set_series_data (line_model, 0, x, y, 2001);
      nd_plot_model_set_range_auto (line_model, ND_PLOT_AXIS_Y);
      redraw (line_plot);
      g_assert_true (nd_plot_is_zoomed (line_plot));
      g_assert_true (nd_plot_get_frame (line_plot, &f));
      g_assert_cmpfloat (f.x_min, ==, 100);
      g_assert_cmpfloat (f.x_max, ==, 300);
      /* The height follows the new data inside the zoom. */
      double want_lo = (2.0 + 0.1 * k) * 100 - 1000;
      g_assert_cmpfloat (f.y_min, <=, want_lo);
      g_assert_cmpfloat (f.y_min, >=, want_lo - 0.06 * (2.0 + 0.1 * k) * 200);
    }
  nd_plot_reset_zoom (line_plot);
  redraw (line_plot);
  g_assert_true (nd_plot_get_frame (line_plot, &f));
  g_assert_cmpfloat (f.x_max, ==, 2000);
  /* Back to the original line. */
  double x[1001], y[1001];
  for (int i = 0; i <= 1000; i++)
    x[i] = i, y[i] = 2.0 * i - 1000;
  nd_plot_model_set_series_data (line_model, 0, x, y, 1001);
  redraw (line_plot);
}

static GtkWidget *
find_type_child (GtkWidget *w, GType type)
{
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
      return c;
  return NULL;
}

/* Plots stacked over one time axis (nd_plot_align) zoom and pan in time together. */
static void
test_aligned_zoom (void)
{
  g_autoptr (NdPlotModel) m2 = nd_plot_model_new ();
  double x[2] = { 0, 1000 }, y[2] = { 0, 1 };
  nd_plot_model_set_series_data (m2, nd_plot_model_add_series (m2, NULL, ND_PLOT_COLOR_RED, ND_PLOT_LINE), x, y, 2);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  NdPlot *p[2] = { ND_PLOT (nd_plot_new (line_model)), ND_PLOT (nd_plot_new (m2)) };
  gtk_widget_set_vexpand (GTK_WIDGET (p[0]), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (p[1]), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p[0]));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p[1]));
  GtkWidget *win = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (win), 600, 500);
  gtk_window_set_child (GTK_WINDOW (win), box);
  gtk_window_present (GTK_WINDOW (win));
  nd_plot_align (p, 2);
  redraw (p[0]);
  redraw (p[1]);
  NdPlotView view = { .x_set = TRUE, .x_min = 400, .x_max = 450, .y_set = TRUE, .y_min = -200, .y_max = -100 };
  nd_plot_set_view (p[0], &view);
  double lo, hi;
  nd_plot_get_visible_range (p[1], ND_PLOT_AXIS_X, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 400);
  g_assert_cmpfloat (hi, ==, 450);
  /* Its own values keep fitting its own data. */
  nd_plot_get_view (p[1], &view);
  g_assert_false (view.y_set);
  /* One "Show All" button, on the plot that was zoomed. */
  GtkWidget *b0 = find_type_child (GTK_WIDGET (p[0]), GTK_TYPE_BUTTON), *b1 = find_type_child (GTK_WIDGET (p[1]), GTK_TYPE_BUTTON);
  g_assert_true (gtk_widget_get_visible (b0));
  g_assert_false (gtk_widget_get_visible (b1));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (b0)), ==, "plot.reset-zoom");
  nd_plot_reset_zoom (p[1]);
  g_assert_false (nd_plot_is_zoomed (p[0]));
  nd_plot_get_view (p[0], &view);
  g_assert_false (view.y_set);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- Ticks and legends --------------------------------------------------------------------------- */

static void
test_ticks (void)
{
  const double font_px = 9 * 4.0 / 3.0;
  /* An ionic-current axis during spikes, from 50 to 400 pixels high: at least three labels, never
   * closer than a line of text, with true minus signs. */
  for (double len = 50; len <= 400; len += 5)
    {
      double step;
      g_autoptr (GArray) t = nd_plot_ticks (ND_PLOT_SCALE_LINEAR, -800, 100, len, 2.8 * font_px, 1.1 * font_px, &step);
      guint n = nd_plot_ticks_n_labelled (t);
      if (n < 3)
        g_error ("an axis from -800 to 100 over %g px has %u labelled ticks", len, n);
      g_assert_cmpfloat (step / 900 * len, >=, 1.1 * font_px - 1e-9);
      gboolean minus = FALSE;
      for (guint i = 0; i < t->len; i++)
        minus |= g_str_has_prefix (g_array_index (t, NdPlotTick, i).text, "−");
      g_assert_true (minus);
    }
  /* The case of the report: -1000..950 over 60 pixels gave a lone "0". */
  g_autoptr (GArray) t = nd_plot_ticks (ND_PLOT_SCALE_LINEAR, -1000, 950, 60, 2.8 * font_px, 1.1 * font_px, NULL);
  g_assert_cmpuint (nd_plot_ticks_n_labelled (t), >=, 3);
  /* A step of 2.5 units is labelled with its decimal. */
  g_autoptr (GArray) u = nd_plot_ticks (ND_PLOT_SCALE_LINEAR, -8, 1, 70, 2.8 * font_px, 1.1 * font_px, NULL);
  for (guint i = 0; i < u->len; i++)
    g_test_message ("tick %s", g_array_index (u, NdPlotTick, i).text);
  g_assert_cmpuint (nd_plot_ticks_n_labelled (u), >=, 3);
  /* A roomy axis keeps its usual spacing (about 2.8 lines apart). */
  g_autoptr (GArray) v = nd_plot_ticks (ND_PLOT_SCALE_LINEAR, 0, 100, 300, 2.8 * font_px, 1.1 * font_px, NULL);
  g_assert_cmpuint (nd_plot_ticks_n_labelled (v), ==, 6);
}

/* Renders `m` at w x h; returns the image surface (data in cairo's ARGB32) and the frame. */
static cairo_surface_t *
render (NdPlotModel *m, int w, int h, NdPlotFrame *f)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_plot_render (m, cr, w, h, NULL, f, &error));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Dark (text) pixels inside a rectangle of a rendering. */
static guint
dark_pixels (cairo_surface_t *s, double x0, double y0, double x1, double y1)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint n = 0;
  for (int y = (int) ceil (y0); y < (int) floor (y1); y++)
    for (int x = (int) ceil (x0); x < (int) floor (x1); x++)
      {
        const guint8 *p = data + (gsize) y * stride + 4 * x;
        n += p[0] + p[1] + p[2] < 3 * 110;
      }
  return n;
}

static void
test_legend_placement (void)
{
  /* Many entries on a narrow plot with a title: the legend goes above the data, never over it. */
  g_autoptr (NdPlotModel) m = nd_plot_model_new ();
  nd_plot_model_set_title (m, "Time constants at 6.3 °C");
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_X, "Membrane potential", "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m, ND_PLOT_AXIS_Y, "Time constant", "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (m, ND_PLOT_AXIS_X, -100, 60);
  nd_plot_model_set_range (m, ND_PLOT_AXIS_Y, 0, 10);
  const char *names[] = { "Na m", "Na h", "K n", "Ih m", "KA a", "KA b" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    nd_plot_model_add_series (m, names[i], ND_PLOT_COLOR_AUTO, ND_PLOT_LINE);
  NdPlotFrame f;
  cairo_surface_t *s = render (m, 380, 300, &f);
  g_assert_cmpuint (dark_pixels (s, f.left + 3, f.top + 3, f.left + f.width - 3, f.top + f.height - 3), ==, 0);
  /* ... and it is drawn: text between the title and the data area. */
  g_assert_cmpuint (dark_pixels (s, f.left, f.top - 40, f.left + f.width, f.top), >, 50);
  g_autofree char *png = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "zoom-legend-rows.png", NULL);
  cairo_surface_write_to_png (s, png);
  cairo_surface_destroy (s);

  /* Too many for rows on a small plot: a card in the corner without data, here the bottom left (the
   * curves fill the top third and cross the bottom right). */
  g_autoptr (NdPlotModel) c = nd_plot_model_new ();
  nd_plot_model_set_axis (c, ND_PLOT_AXIS_X, "Time", "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (c, ND_PLOT_AXIS_Y, "Value", NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (c, ND_PLOT_AXIS_X, 0, 1);
  nd_plot_model_set_range (c, ND_PLOT_AXIS_Y, 0, 1);
  for (guint k = 0; k < 8; k++)
    {
      g_autofree char *label = g_strdup_printf ("Gate %u of it", k + 1);
      guint si = nd_plot_model_add_series (c, label, ND_PLOT_COLOR_AUTO, ND_PLOT_LINE);
      /* Lines across the top third; the last one down through the bottom right. */
      double x[2] = { 0, 1 }, y[2] = { 0.65 + 0.35 * k / 7.0, 0.65 + 0.35 * k / 7.0 };
      if (k == 7)
        x[0] = 0.75, y[0] = 0, y[1] = 0.5;
      nd_plot_model_set_series_data (c, si, x, y, 2);
    }
  s = render (c, 300, 300, &f);
  double mx = f.left + f.width / 2, my = f.top + f.height / 2;
  guint bottom_left = dark_pixels (s, f.left + 2, my, mx, f.top + f.height - 2);
  g_autofree char *png2 = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "zoom-legend-card.png", NULL);
  cairo_surface_write_to_png (s, png2);
  g_test_message ("legend text pixels in the bottom left: %u", bottom_left);
  g_assert_cmpuint (bottom_left, >, 100);
  cairo_surface_destroy (s);

  /* The kinetics of a fit at 800x600 (fit-bands-*-ensemble-800x600): a rising and a falling gate with their
   * bands reach every corner, and a card would hide some of them: the legend goes above the data. */
  g_autoptr (NdPlotModel) k = nd_plot_model_new ();
  nd_plot_model_set_title (k, "Steady state of the learned gates");
  nd_plot_model_set_axis (k, ND_PLOT_AXIS_X, "Membrane potential", "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (k, ND_PLOT_AXIS_Y, "x∞", NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_range (k, ND_PLOT_AXIS_Y, -0.02, 1.02);
  double v[161], x[2][161], lo[2][161], hi[2][161];
  for (int i = 0; i < 161; i++)
    {
      v[i] = -100 + i;
      x[0][i] = 1 / (1 + exp (-(v[i] + 40) / 8));
      x[1][i] = 1 - x[0][i];
      for (int g = 0; g < 2; g++)
        lo[g][i] = fmax (0, x[g][i] - 0.08), hi[g][i] = fmin (1, x[g][i] + 0.08);
    }
  for (int g = 0; g < 2; g++)
    {
      nd_plot_model_set_series_data (k, nd_plot_model_add_series (k, g ? "K.h (learned)" : "K.n (learned)",
                                                                  ND_PLOT_COLOR_BLUE, ND_PLOT_LINE), v, x[g], 161);
      nd_plot_model_set_series_data (k, nd_plot_model_add_series (k, g ? NULL : "n of HH delayed rectifier (K)",
                                                                  ND_PLOT_COLOR_GREY, ND_PLOT_DASHED), v, x[g], 161);
      guint b = nd_plot_model_add_series (k, g ? NULL : "Equally good fits", ND_PLOT_COLOR_BLUE, ND_PLOT_BAND);
      nd_plot_model_set_series_band (k, b, v, lo[g], hi[g], 161);
      nd_plot_model_set_series_data (k, nd_plot_model_add_series (k, g ? NULL : "Pinned down by the data",
                                                                  ND_PLOT_COLOR_BLUE, ND_PLOT_THICK), v, x[g], 161);
    }
  s = render (k, 360, 200, &f);
  g_autofree char *png3 = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "zoom-legend-full.png", NULL);
  cairo_surface_write_to_png (s, png3);
  /* No text over the data (the curves and bands are blue and grey, lighter than text), the legend above it,
   * and still a data area to see. */
  g_assert_cmpuint (dark_pixels (s, f.left + 3, f.top + 3, f.left + f.width - 3, f.top + f.height - 3), ==, 0);
  g_assert_cmpuint (dark_pixels (s, 0, f.top - 30, 360, f.top), >, 50);
  g_test_message ("data area %.0f x %.0f px", f.width, f.height);
  g_assert_cmpfloat (f.height, >=, 50);
  cairo_surface_destroy (s);
}

/* ---- The Recording view with a real recording ---------------------------------------------------- */

static NdApplication *app;
static NdWindow *window;

static NdRecordingView *
recording_view (void)
{
  return ND_RECORDING_VIEW (nd_window_get_view_widget (window, "recording"));
}

/* Named with the size the window really has (a small virtual screen limits it). */
static char *
shot (const char *what)
{
  g_autofree char *name = g_strdup_printf ("zoom-%s-%s-%dx%d", language, what, gtk_widget_get_width (GTK_WIDGET (window)),
                                           gtk_widget_get_height (GTK_WIDGET (window)));
  return nd_test_ui_screenshot (GTK_WIDGET (window), name);
}

static void
open_recording (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05028_ic_steps.abf", NULL);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-file", g_variant_new_string (path)));
  nd_test_ui_spin (300);
  g_assert_cmpstr (nd_window_get_view (window), ==, "recording");
}

static void
test_recording_sweeps (void)
{
  NdRecordingView *view = recording_view ();
  NdPlot *trace = nd_recording_view_get_trace_plot (view), *stim = nd_recording_view_get_stimulus_plot (view);

  open_recording ();
  /* Page Down and Page Up over the plots are the view's next and previous sweep. */
  g_assert_cmpstr (shortcut_action_name (gtk_widget_get_parent (GTK_WIDGET (trace)), GDK_KEY_Page_Down), ==,
                   "sweeps.next");
  g_assert_cmpstr (shortcut_action_name (gtk_widget_get_parent (GTK_WIDGET (trace)), GDK_KEY_Page_Up), ==,
                   "sweeps.previous");
  g_assert_cmpint (nd_recording_view_get_shown_sweep (view), ==, -1);
  gtk_widget_grab_focus (GTK_WIDGET (trace));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trace), "sweeps.next", NULL));
  g_assert_cmpint (nd_recording_view_get_shown_sweep (view), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trace), "sweeps.next", NULL));
  g_assert_cmpint (nd_recording_view_get_shown_sweep (view), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trace), "sweeps.previous", NULL));
  g_assert_cmpint (nd_recording_view_get_shown_sweep (view), ==, 0);
  /* At the ends it stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trace), "sweeps.previous", NULL));
  g_assert_cmpint (nd_recording_view_get_shown_sweep (view), ==, 0);

  /* One sweep of 3 s with 35 spikes: zoomed to 140..330 ms the spikes are apart. */
  nd_recording_view_show_sweep (view, 12);
  NdPlotView zoom = { .x_set = TRUE, .x_min = 140, .x_max = 330 };
  nd_plot_set_view (trace, &zoom);
  redraw (trace);
  double lo, hi;
  nd_plot_get_visible_range (stim, ND_PLOT_AXIS_X, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 140);
  g_assert_cmpfloat (hi, ==, 330);
  /* The next sweep keeps the zoom, for comparing sweeps at the same place. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trace), "sweeps.next", NULL));
  g_assert_cmpint (nd_recording_view_get_shown_sweep (view), ==, 13);
  redraw (trace);
  nd_plot_get_visible_range (trace, ND_PLOT_AXIS_X, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 140);
  g_assert_cmpfloat (hi, ==, 330);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trace), "sweeps.previous", NULL));
  g_assert_cmpint (nd_recording_view_get_shown_sweep (view), ==, 12);

  /* The readout names the sweep under the pointer: the spike near 161.1 ms. */
  redraw (trace);
  NdPlotFrame f;
  g_assert_true (nd_plot_get_frame (trace, &f));
  NdPlotModel *m = nd_plot_get_model (trace);
  const double *x = NULL, *y = NULL;
  gsize n = 0;
  g_autofree char *want = g_strdup_printf (tr ("Sweep %u"), 13);
  for (guint s = 0; s < nd_plot_model_get_n_series (m) && n == 0; s++)
    if (g_strcmp0 (nd_plot_model_get_series_name (m, s), want) == 0)
      n = nd_plot_model_get_series (m, s, &x, &y, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (n, >, 50000);
  gsize peak = 0;
  for (gsize i = 0; i < n; i++)
    if (x[i] >= 150 && x[i] <= 175 && y[i] > y[peak])
      peak = i;
  double px = nd_plot_frame_data_to_x (&f, x[peak]);
  double py = f.top + (f.y_max - y[peak]) / (f.y_max - f.y_min) * f.height;
  pointer_at (trace, px, py + 2);
  const char *text = nd_plot_get_readout (trace);
  g_test_message ("readout: %s", text);
  g_autofree char *prefix = g_strconcat (want, " · ", NULL);
  g_assert_true (g_str_has_prefix (text, prefix));
  g_assert_true (g_str_has_suffix (text, " mV"));
  assert_close (readout_number (text, 1), x[peak], 2 * (f.x_max - f.x_min) / f.width);
  assert_close (readout_number (text, 2), y[peak], 0.5);

  /* The plot has the keyboard and shows it (a focus ring, style.css). */
  gtk_widget_grab_focus (GTK_WIDGET (trace));
  gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (trace)));
  g_assert_true (gtk_widget_get_state_flags (GTK_WIDGET (trace)) & GTK_STATE_FLAG_FOCUS_VISIBLE);

  /* Screenshots: the zoomed recording with the readout, at 1400x900 and 800x600. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  nd_test_ui_spin (400);
  redraw (trace);
  g_assert_true (nd_plot_get_frame (trace, &f));
  pointer_at (trace, nd_plot_frame_data_to_x (&f, x[peak]), f.top + (f.y_max - y[peak]) / (f.y_max - f.y_min) * f.height + 2);
  redraw (trace);
  g_free (shot ("recording"));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  nd_test_ui_spin (400);
  redraw (trace);
  g_assert_true (nd_plot_get_frame (trace, &f));
  pointer_at (trace, nd_plot_frame_data_to_x (&f, x[peak]), f.top + (f.y_max - y[peak]) / (f.y_max - f.y_min) * f.height + 2);
  redraw (trace);
  g_free (shot ("recording"));
  /* The window fits: the plot is not cut off. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 900);

  /* All sweeps, whole recording: the readout still names a sweep on a curve. */
  nd_plot_reset_zoom (trace);
  nd_recording_view_show_sweep (view, -1);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  nd_test_ui_spin (400);
  redraw (trace);
  g_assert_true (nd_plot_get_frame (trace, &f));
  pointer_at (trace, nd_plot_frame_data_to_x (&f, 1500), f.top + f.height * 0.7);
  redraw (trace);
  g_free (shot ("recording-all"));
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
}

/* A 30 s gap-free recording (600000 samples at 20 kHz, as a WAV file): plotted as an envelope, and read
 * again sample by sample for the time zoomed in on. */
static void
put_le (GString *s, guint32 v, guint bytes)
{
  for (guint i = 0; i < bytes; i++)
    g_string_append_c (s, (char) ((v >> (8 * i)) & 0xff));
}

static gsize
points_between (NdPlotModel *m, double lo, double hi, double *min_step)
{
  const double *x = NULL;
  gsize n = 0, count = 0;
  /* The sweep's series (the first ones are legend entries without data). */
  g_autofree char *name = g_strdup_printf (tr ("Sweep %u"), 1);
  for (guint s = 0; s < nd_plot_model_get_n_series (m); s++)
    if (g_strcmp0 (nd_plot_model_get_series_name (m, s), name) == 0)
      n = nd_plot_model_get_series (m, s, &x, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (n, >, 0);
  *min_step = INFINITY;
  for (gsize i = 0; i < n; i++)
    if (x[i] >= lo && x[i] <= hi)
      {
        count++;
        if (i > 0 && x[i - 1] >= lo)
          *min_step = MIN (*min_step, x[i] - x[i - 1] > 0 ? x[i] - x[i - 1] : *min_step);
      }
  return count;
}

static void
test_long_recording (void)
{
  const guint rate = 20000, n = 600000;
  g_autoptr (GString) wav = g_string_new (NULL);
  g_string_append (wav, "RIFF");
  put_le (wav, 36 + 2 * n, 4);
  g_string_append (wav, "WAVEfmt ");
  put_le (wav, 16, 4);
  put_le (wav, 1, 2);
  put_le (wav, 1, 2);
  put_le (wav, rate, 4);
  put_le (wav, 2 * rate, 4);
  put_le (wav, 2, 2);
  put_le (wav, 16, 2);
  g_string_append (wav, "data");
  put_le (wav, 2 * n, 4);
  for (guint i = 0; i < n; i++)
    {
      /* A spike-like pulse every 50 ms on a slow wave. */
      double t = (double) i / rate;
      double v = 0.3 * sin (2 * G_PI * 0.5 * t) + (fmod (t, 0.05) < 0.001 ? 0.6 : 0);
      put_le (wav, (guint16) (gint16) lround (v * 32000), 2);
    }
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_OUTPUT"), "zoom-long.wav", NULL);
  g_assert_true (g_file_set_contents (path, wav->str, (gssize) wav->len, NULL));
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-file", g_variant_new_string (path)));
  nd_test_ui_spin (500);
  NdPlot *trace = nd_recording_view_get_trace_plot (recording_view ());
  NdPlotModel *m = nd_plot_get_model (trace);
  double step;
  /* Whole: an envelope, far fewer points than samples, none 1/20 ms apart. */
  g_assert_cmpuint (nd_plot_model_get_n_series (m), >=, 1);
  gsize whole = points_between (m, 10000, 10100, &step);
  g_assert_cmpuint (whole, <, 100);
  /* Zoomed on 10.0 to 10.1 s: every sample there (2000), 0.05 ms apart. */
  NdPlotView view = { .x_set = TRUE, .x_min = 10000, .x_max = 10100 };
  nd_plot_set_view (trace, &view);
  nd_test_ui_spin (600);
  m = nd_plot_get_model (trace);
  gsize zoomed = points_between (m, 10000, 10100, &step);
  g_test_message ("points in 10.0-10.1 s: %" G_GSIZE_FORMAT " whole, %" G_GSIZE_FORMAT " zoomed", whole, zoomed);
  g_assert_cmpuint (zoomed, >=, 2000);
  g_assert_cmpfloat (fabs (step - 1000.0 / rate), <, 1e-9);
  /* The rest is still there, as an envelope: resetting shows the 30 s. */
  double lo, hi;
  nd_plot_model_get_range (m, ND_PLOT_AXIS_X, &lo, &hi);
  g_assert_cmpfloat (hi, >, 29000);
  g_assert_true (nd_plot_get_model (trace) == m);
  nd_plot_reset_zoom (trace);
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
  g_remove (path);
}

/* ---- The Explore view: teaching plots and controls ----------------------------------------------- */

static void
collect_type (GtkWidget *w, GType type, GPtrArray *out)
{
  if (!gtk_widget_get_visible (w))
    return;
  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    g_ptr_array_add (out, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect_type (c, type, out);
}

static NdExploreView *
explore_view (void)
{
  NdExploreView *v = ND_EXPLORE_VIEW (nd_test_ui_find_type (GTK_WIDGET (window), ND_TYPE_EXPLORE_VIEW));
  g_assert_nonnull (v);
  return v;
}

static void
settle (void)
{
  NdExploreView *v = explore_view ();
  for (guint i = 0; i < 400 && nd_explore_view_get_applied (v) != nd_explore_view_get_requested (v); i++)
    nd_test_ui_spin (25);
  g_assert_cmpuint (nd_explore_view_get_applied (v), ==, nd_explore_view_get_requested (v));
  nd_test_ui_spin (300);
}

static void
set_state (const char *action, GVariant *value)
{
  g_action_group_change_action_state (nd_explore_view_get_actions (explore_view ()), action, value);
  settle ();
}

/* A wrapped label breaks its lines only where words end (no "Temperat-ure"). */
static void
assert_breaks_between_words (GtkLabel *label)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  const char *text = pango_layout_get_text (layout);
  for (GSList *l = pango_layout_get_lines_readonly (layout); l; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      if (line->start_index == 0)
        continue;
      char before = text[line->start_index - 1];
      if (before != ' ' && before != '-' && before != '/' && before != ')')
        g_error ("“%s” is broken inside a word, before “%s”", text, text + line->start_index);
    }
}

static void
test_explore (void)
{
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.explore", NULL));
  nd_test_ui_spin (300);
  NdExploreView *v = explore_view ();
  set_state ("preset", g_variant_new_string ("threshold"));

  /* Sliders at least 200 px wide; titles wrapped between words, never cut. */
  AdwFlap *flap = ADW_FLAP (nd_test_ui_find_type (GTK_WIDGET (v), ADW_TYPE_FLAP));
  g_autoptr (GPtrArray) scales = g_ptr_array_new ();
  collect_type (adw_flap_get_flap (flap), GTK_TYPE_SCALE, scales);
  g_assert_cmpuint (scales->len, >=, 6);
  for (guint i = 0; i < scales->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (scales, i)))
      g_assert_cmpint (gtk_widget_get_width (g_ptr_array_index (scales, i)), >=, 200);
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();
  collect_type (adw_flap_get_flap (flap), GTK_TYPE_LABEL, labels);
  guint titles = 0;
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *l = g_ptr_array_index (labels, i);
      if (!gtk_widget_get_mapped (GTK_WIDGET (l)) || !gtk_widget_has_css_class (GTK_WIDGET (l), "title"))
        continue;
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (l)));
      assert_breaks_between_words (l);
      titles++;
    }
  g_assert_cmpuint (titles, >=, 6);

  /* The preset list shows whole names. */
  g_autoptr (GPtrArray) combos = g_ptr_array_new ();
  collect_type (GTK_WIDGET (v), ADW_TYPE_COMBO_ROW, combos);
  AdwComboRow *preset_row = NULL;
  for (guint i = 0; i < combos->len; i++)
    if (g_str_equal (adw_preferences_row_get_title (g_ptr_array_index (combos, i)), tr ("Preset")))
      preset_row = g_ptr_array_index (combos, i);
  g_assert_nonnull (preset_row);
  g_assert_true (gtk_widget_activate (GTK_WIDGET (preset_row)));
  nd_test_ui_spin (400);
  GtkWidget *popover = nd_test_ui_find_type (GTK_WIDGET (preset_row), GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_mapped (popover));
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  collect_type (popover, GTK_TYPE_LABEL, items);
  guint whole = 0;
  for (guint i = 0; i < items->len; i++)
    {
      GtkLabel *l = g_ptr_array_index (items, i);
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (l)));
      for (const nd_preset *const *p = nd_presets (); *p; p++)
        whole += g_str_equal (gtk_label_get_label (l), tr ((*p)->title));
    }
  guint n_presets = 0;
  for (const nd_preset *const *p = nd_presets (); *p; p++)
    n_presets++;
  g_assert_cmpuint (whole, ==, n_presets);
  g_autofree char *list_name = g_strdup_printf ("zoom-%s-explore-presets", language);
  g_free (nd_test_ui_screenshot (popover, list_name));
  gtk_popover_popdown (GTK_POPOVER (popover));
  nd_test_ui_spin (200);

  /* The preset text follows the clamp: a current-clamp preset switched to voltage clamp explains the
   * voltage clamp, and back. */
  g_autoptr (GPtrArray) all_labels = g_ptr_array_new ();
  collect_type (GTK_WIDGET (v), GTK_TYPE_LABEL, all_labels);
  const nd_preset *threshold = nd_preset_lookup ("threshold");
  GtkLabel *explanation = NULL;
  for (guint i = 0; i < all_labels->len; i++)
    if (g_str_equal (gtk_label_get_label (g_ptr_array_index (all_labels, i)), tr (threshold->explanation)))
      explanation = g_ptr_array_index (all_labels, i);
  g_assert_nonnull (explanation);
  set_state ("clamp", g_variant_new_string ("voltage"));
  g_assert_cmpstr (gtk_label_get_label (explanation), !=, tr (threshold->explanation));
  g_assert_nonnull (strstr (gtk_label_get_label (explanation), tr ("Voltage clamp: the amplifier holds the membrane at "
    "the holding potential and steps it to the step potential. The current it injects to do so equals the ionic "
    "current, plotted below the command.")));
  set_state ("clamp", g_variant_new_string ("current"));
  g_assert_cmpstr (gtk_label_get_label (explanation), ==, tr (threshold->explanation));
  set_state ("preset", g_variant_new_string ("voltage-clamp"));
  set_state ("clamp", g_variant_new_string ("current"));
  g_assert_cmpstr (gtk_label_get_label (explanation), !=, tr (nd_preset_lookup ("voltage-clamp")->explanation));
  set_state ("preset", g_variant_new_string ("threshold"));

  /* Every time plot labels its values with at least three numbers, the ionic currents too, at 800x600. */
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  nd_test_ui_spin (400);
  settle ();
  GPtrArray *plots = nd_explore_view_get_visible_plots (v);
  g_assert_cmpuint (plots->len, ==, 4);
  for (guint i = 0; i < plots->len; i++)
    {
      NdPlotFrame f;
      redraw (g_ptr_array_index (plots, i));
      g_assert_true (nd_plot_get_frame (g_ptr_array_index (plots, i), &f));
      g_test_message ("plot %u: %.0f px high, %u y labels", i, f.height, f.n_y_labels);
      g_assert_cmpuint (f.n_y_labels, >=, 3);
    }

  /* Zoomed on the spike, the column zooms in time together and keeps it while the run updates live. */
  NdPlot *voltage = g_ptr_array_index (plots, 1), *currents = g_ptr_array_index (plots, 2);
  NdPlotView zoom = { .x_set = TRUE, .x_min = 7, .x_max = 12 };
  nd_plot_set_view (voltage, &zoom);
  set_state ("amplitude", g_variant_new_double (9.0));
  double lo, hi;
  for (guint i = 0; i < plots->len; i++)
    {
      nd_plot_get_visible_range (g_ptr_array_index (plots, i), ND_PLOT_AXIS_X, &lo, &hi);
      g_assert_cmpfloat (lo, ==, 7);
      g_assert_cmpfloat (hi, ==, 12);
    }
  /* The readout in the plot's units. */
  NdPlotFrame f;
  redraw (currents);
  g_assert_true (nd_plot_get_frame (currents, &f));
  pointer_at (currents, nd_plot_frame_data_to_x (&f, 9.3), f.top + f.height * 0.2);
  const char *text = nd_plot_get_readout (currents);
  g_test_message ("readout: %s", text);
  g_assert_true (g_str_has_suffix (text, " µA/cm²"));
  g_assert_nonnull (strstr (text, " ms · "));
  redraw (currents);
  g_free (shot ("explore"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  nd_test_ui_spin (400);
  redraw (currents);
  g_assert_true (nd_plot_get_frame (currents, &f));
  pointer_at (currents, nd_plot_frame_data_to_x (&f, 9.3), f.top + f.height * 0.2);
  redraw (currents);
  g_free (shot ("explore"));
  nd_plot_reset_zoom (currents);
  g_assert_false (nd_plot_is_zoomed (voltage));
}

int
main (int argc, char **argv)
{
  language = nd_test_ui_take_language (&argc, &argv, "en");
  /* Keep autosave and recent files inside the test's output. */
  g_autofree char *sub = g_strconcat ("zoom-", language, NULL);
  g_free (nd_test_ui_output_dir (sub));

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  build_line_plot ();
  g_test_add_func ("/zoom/drag", test_drag_zoom);
  g_test_add_func ("/zoom/scroll", test_scroll_zoom);
  g_test_add_func ("/zoom/keys", test_keys);
  g_test_add_func ("/zoom/readout", test_readout);
  g_test_add_func ("/zoom/live-updates", test_live_updates_keep_zoom);
  g_test_add_func ("/zoom/aligned", test_aligned_zoom);
  g_test_add_func ("/zoom/ticks", test_ticks);
  g_test_add_func ("/zoom/legend", test_legend_placement);
  app = nd_test_ui_start_app ((GtkWindow **) &window);
  g_test_add_func ("/zoom/recording-sweeps", test_recording_sweeps);
  g_test_add_func ("/zoom/long-recording", test_long_recording);
  g_test_add_func ("/zoom/explore", test_explore);
  int status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (line_window));
  g_object_unref (line_model);
  g_object_unref (app);
  return status;
}
