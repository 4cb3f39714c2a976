/* test-layout.c: every view in small windows and longer languages (issue 14), under Xvfb.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the demo and fits it briefly, then shows the Recording, Model, Fit and Explore views, the
 * catalogue browser and each step of the Reduce assistant at 800x600, 1024x640 and 1400x900, in light
 * and dark (German: light). In each, every button and control must lie inside the window, reachable by
 * scrolling up and down but never sideways, and no label may be cut: none ellipsized, none wrapped
 * inside a word, none reaching outside the window. Every problem found is printed before the test
 * fails, so one run measures a whole layout. Screenshots of each go to ND_TEST_OUTPUT
 * (layout-LANGUAGE-SCHEME-VIEW-WxH.png), from which build-aux/update-screenshots copies the docs' set.
 *
 * Run with arguments LANGUAGE LOCALEDIR for a translation (meson: test-layout-de).
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nd-catalogue-browser.h"
#include "nd-fit-runner.h"
#include "nd-fit-view.h"
#include "nd-reduce-window.h"
#include "nd-test-ui.h"
#include "nd-window.h"

static const char *language;
static NdApplication *app;
static NdWindow *window;

static const int sizes[][2] = { { 800, 600 }, { 1024, 640 }, { 1400, 900 } };

/* Whether a window of this size fits the X screen (build-aux/test's is 1600x1000; a smaller screen
 * shrinks the window, so that size is left out, and said so). */
static gboolean
screen_fits (int width, int height)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr (GdkMonitor) m = g_list_model_get_item (monitors, 0);
  GdkRectangle geo;
  gdk_monitor_get_geometry (m, &geo);
  if (geo.width >= width && geo.height >= height)
    return TRUE;
  g_print ("# the %dx%d screen is smaller than %dx%d: that size is left out\n", geo.width, geo.height, width,
           height);
  return FALSE;
}

/* ---- what "fits" means ---- */

/* A short description of a widget for the report: its type and the text it shows. */
static char *
describe (GtkWidget *w)
{
  const char *text = NULL;
  if (GTK_IS_LABEL (w))
    text = gtk_label_get_text (GTK_LABEL (w));
  else if (GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w)))
    text = gtk_button_get_label (GTK_BUTTON (w));
  else if (GTK_IS_MENU_BUTTON (w) && gtk_menu_button_get_label (GTK_MENU_BUTTON (w)))
    text = gtk_menu_button_get_label (GTK_MENU_BUTTON (w));
  else if (GTK_IS_ACTIONABLE (w) && gtk_actionable_get_action_name (GTK_ACTIONABLE (w)))
    text = gtk_actionable_get_action_name (GTK_ACTIONABLE (w));
  else if (gtk_widget_get_tooltip_text (w))
    text = gtk_widget_get_tooltip_text (w);
  return g_strdup_printf ("%s \"%.60s\"", G_OBJECT_TYPE_NAME (w), text ? text : "");
}

static GtkWidget *
scroller_of (GtkWidget *w)
{
  for (GtkWidget *p = gtk_widget_get_parent (w); p; p = gtk_widget_get_parent (p))
    if (GTK_IS_SCROLLED_WINDOW (p))
      return p;
  return NULL;
}

/* Whether `w` can be brought into view: inside the content of its scrolled window (up and down by
 * scrolling, sideways without), that scrolled window reachable in turn, and the outermost inside the
 * window. On failure `why` says where it sticks out. */
static gboolean
reachable (GtkWidget *w, GtkWidget *root, GString *why)
{
  graphene_rect_t r;
  GtkWidget *sw = scroller_of (w);
  if (sw == NULL)
    {
      if (!gtk_widget_compute_bounds (w, root, &r))
        return FALSE;
      int rw = gtk_widget_get_width (root), rh = gtk_widget_get_height (root);
      if (r.origin.x < -1 || r.origin.y < -1 || r.origin.x + r.size.width > rw + 1
          || r.origin.y + r.size.height > rh + 1)
        {
          g_string_append_printf (why, "at %.0f,%.0f %.0fx%.0f outside the %dx%d window", r.origin.x, r.origin.y,
                                  r.size.width, r.size.height, rw, rh);
          return FALSE;
        }
      return TRUE;
    }
  GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (sw));
  GtkWidget *content = GTK_IS_VIEWPORT (child) ? gtk_viewport_get_child (GTK_VIEWPORT (child)) : NULL;
  /* Sideways: inside what the scrolled window shows when scrolled fully left. */
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (sw));
  if (!gtk_widget_compute_bounds (w, sw, &r))
    return FALSE;
  double x = r.origin.x + gtk_adjustment_get_value (h);
  if (x < -1 || x + r.size.width > gtk_widget_get_width (sw) + 1)
    {
      g_string_append_printf (why, "x %.0f..%.0f outside its %d px wide scrolled area", x, x + r.size.width,
                              gtk_widget_get_width (sw));
      return FALSE;
    }
  /* Up and down: inside the scrolled content (a list's rows are recycled: only sideways counts). */
  if (content)
    {
      if (!gtk_widget_compute_bounds (w, content, &r))
        return FALSE;
      if (r.origin.y < -1 || r.origin.y + r.size.height > gtk_widget_get_height (content) + 1)
        {
          g_string_append_printf (why, "y %.0f..%.0f outside its %d px high scrolled content", r.origin.y,
                                  r.origin.y + r.size.height, gtk_widget_get_height (content));
          return FALSE;
        }
    }
  return reachable (sw, root, why);
}

/* A label is cut when Pango ellipsized it or wrapped it inside a word (not at a break opportunity). */
static gboolean
label_cut (GtkLabel *label, GString *why)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  if (gtk_label_get_ellipsize (label) != PANGO_ELLIPSIZE_NONE && pango_layout_is_ellipsized (layout))
    {
      g_string_append (why, "ellipsized");
      return TRUE;
    }
  if (!gtk_label_get_wrap (label))
    return FALSE;
  const char *text = pango_layout_get_text (layout);
  int n_attrs = 0;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly (layout, &n_attrs);
  GSList *lines = pango_layout_get_lines_readonly (layout);
  for (GSList *l = lines ? lines->next : NULL; l; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      glong c = g_utf8_pointer_to_offset (text, text + line->start_index);
      if (c > 0 && c < n_attrs && !attrs[c].is_line_break && !attrs[c].is_mandatory_break)
        {
          g_string_append_printf (why, "wrapped inside a word at \"%.12s\"", text + line->start_index);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_control (GtkWidget *w)
{
  return GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || GTK_IS_DROP_DOWN (w) || GTK_IS_SPIN_BUTTON (w)
         || GTK_IS_SWITCH (w) || GTK_IS_SCALE (w) || GTK_IS_ENTRY (w) || GTK_IS_SEARCH_ENTRY (w)
         || GTK_IS_CHECK_BUTTON (w);
}

typedef struct {
  GtkWidget *root;
  GString *problems;
  guint n_controls, n_labels;
} Survey;

static void
survey_widget (GtkWidget *w, Survey *s)
{
  if (!gtk_widget_get_mapped (w) || gtk_widget_get_width (w) <= 0 || gtk_widget_get_height (w) <= 0)
    return;
  gboolean control = is_control (w), label = GTK_IS_LABEL (w) && *gtk_label_get_text (GTK_LABEL (w));
  if (control || label)
    {
      g_autoptr (GString) why = g_string_new (NULL);
      gboolean bad = !reachable (w, s->root, why);
      if (!bad && label)
        bad = label_cut (GTK_LABEL (w), why);
      if (bad)
        {
          g_autofree char *d = describe (w);
          g_string_append_printf (s->problems, "    %s: %s\n", d, why->str);
        }
      s->n_controls += control;
      s->n_labels += label;
    }
  /* A scroller that never scrolls down (a column stacked under the plots in a narrow window: the page
   * scrolls instead) must be as tall as its content; the Fit view's cut 23 px at 800x600. */
  GtkPolicyType vpolicy = GTK_POLICY_AUTOMATIC;
  if (GTK_IS_SCROLLED_WINDOW (w))
    gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (w), NULL, &vpolicy);
  if (vpolicy == GTK_POLICY_NEVER)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (w));
      double cut = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
      if (cut > 1.0)
        g_string_append_printf (s->problems, "    a column that does not scroll hides %.0f px of its content\n", cut);
    }
  /* A control's own parts (a spin button's text, a drop-down's label) were judged with it, except
   * labels, which are checked on their own. */
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    survey_widget (c, s);
}

/* Checks a whole window as shown now; returns the problems (empty: it fits). */
static char *
survey (GtkWidget *root, const char *what, int width, int height)
{
  Survey s = { root, g_string_new (NULL), 0, 0 };
  survey_widget (root, &s);
  g_print ("# %s %s at %dx%d: %u controls, %u labels, %s\n", language[0] ? language : "en", what, width, height,
           s.n_controls, s.n_labels, s.problems->len ? "PROBLEMS:" : "all fit");
  if (s.problems->len)
    g_print ("%s", s.problems->str);
  g_assert_cmpuint (s.n_controls + s.n_labels, >, 0);
  return g_string_free (s.problems, FALSE);
}

/* ---- driving the windows ---- */

static const char *
scheme_name (AdwColorScheme scheme)
{
  return scheme == ADW_COLOR_SCHEME_FORCE_DARK ? "dark" : "light";
}

static void
set_scheme (AdwColorScheme scheme)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
  nd_test_ui_spin (200);
}

static gboolean
transition_running (GtkWidget *w)
{
  if (GTK_IS_STACK (w) && gtk_stack_get_transition_running (GTK_STACK (w)))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    if (transition_running (c))
      return TRUE;
  return FALSE;
}

static gboolean
settled (gpointer data)
{
  return !transition_running (data);
}

/* Sizes `win`, checks it and saves its screenshot; returns the problems. */
static char *
look_at (GtkWindow *win, const char *what, AdwColorScheme scheme, int width, int height)
{
  if (!screen_fits (width, height))
    return g_strdup ("");
  gtk_window_set_default_size (win, width, height);
  nd_test_ui_spin (500);
  /* A step of the Reduce assistant slides in: judge it where it stops. */
  g_assert_true (nd_test_ui_wait (settled, win, 10000));
  nd_test_ui_spin (100);
  /* Without a window manager the frame's resize borders (solid-csd) take a few pixels of the size; a
   * window whose contents need more stays wider (or taller) than asked. */
  int got_w = gtk_widget_get_width (GTK_WIDGET (win)), got_h = gtk_widget_get_height (GTK_WIDGET (win));
  g_autofree char *too_big = NULL;
  if (got_w > width || got_h > height)
    too_big = g_strdup_printf ("    the window is %dx%d: its contents do not fit in %dx%d\n", got_w, got_h, width,
                               height);
  g_assert_cmpint (got_w, >=, width - 20);
  g_autofree char *name = g_strdup_printf ("layout-%s-%s-%s-%dx%d", language[0] ? language : "en",
                                           scheme_name (scheme), what, width, height);
  g_autofree char *png = nd_test_ui_screenshot (GTK_WIDGET (win), name);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.02);
  char *problems = survey (GTK_WIDGET (win), what, width, height);
  if (too_big == NULL)
    return problems;
  g_print ("%s", too_big);
  char *all = g_strconcat (too_big, problems, NULL);
  g_free (problems);
  return all;
}

/* The Fit view's plots, as its list has them: each shown, within the window's width, none over another
 * (below the side column a narrow window scrolls, so the height is not judged). */
static char *
fit_plot_problems (const char *size)
{
  guint n;
  const NdNamedPlot *plots = nd_fit_view_get_plots (ND_FIT_VIEW (nd_window_get_view_widget (window, "fit")), &n);
  g_autofree graphene_rect_t *r = g_new0 (graphene_rect_t, n);
  double width = gtk_widget_get_width (GTK_WIDGET (window));
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      /* A plot the view hides has nothing to show yet (Record Next's before an ensemble), as Export Plots
       * leaves it out. */
      if (!gtk_widget_get_visible (GTK_WIDGET (plots[i].plot)))
        continue;
      if (!gtk_widget_get_mapped (GTK_WIDGET (plots[i].plot))
          || !gtk_widget_compute_bounds (GTK_WIDGET (plots[i].plot), GTK_WIDGET (window), &r[i]))
        {
          g_string_append_printf (out, "    %s: the fit plot \"%s\" is not shown\n", size, plots[i].name);
          continue;
        }
      if (r[i].origin.x < 0 || r[i].origin.x + r[i].size.width > width + 0.5 || r[i].size.width < 150)
        g_string_append_printf (out, "    %s: the fit plot \"%s\" is at x %.0f, %.0f px wide\n", size,
                                plots[i].name, r[i].origin.x, r[i].size.width);
      for (guint j = 0; j < i; j++)
        if (graphene_rect_intersection (&r[i], &r[j], NULL))
          g_string_append_printf (out, "    %s: the fit plots \"%s\" and \"%s\" overlap\n", size, plots[j].name,
                                  plots[i].name);
    }
  g_print ("%s", out->str);
  return g_string_free (out, FALSE);
}

/* The schemes to look at: German only in light. */
static guint
schemes (AdwColorScheme out[2])
{
  out[0] = ADW_COLOR_SCHEME_FORCE_LIGHT;
  out[1] = ADW_COLOR_SCHEME_FORCE_DARK;
  return language[0] ? 1 : 2;
}

static AdwFlap *
find_flap (GtkWidget *w)
{
  if (ADW_IS_FLAP (w))
    return ADW_FLAP (w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      AdwFlap *f = find_flap (c);
      if (f)
        return f;
    }
  return NULL;
}

static gboolean
fit_finished (gpointer data)
{
  NdFitView *fv = ND_FIT_VIEW (nd_window_get_view_widget (window, "fit"));
  return nd_fit_runner_get_state (nd_fit_view_get_runner (fv)) == ND_FIT_FINISHED;
}

static void
test_main_views (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL));
  nd_test_ui_spin (300);
  /* A short fit, so the Fit view shows its results rows and the RMSE figures. */
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-iterations", 10);
  g_settings_set_int (settings, "fit-restarts", 1);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("fit")));
  g_assert_true (gtk_widget_activate_action (nd_window_get_view_widget (window, "fit"), "fit.start", NULL));
  g_assert_true (nd_test_ui_wait (fit_finished, NULL, 240000));
  nd_test_ui_spin (500);
  g_settings_reset (settings, "fit-iterations");
  g_settings_reset (settings, "fit-restarts");

  const char *views[] = { "recording", "model", "fit", "explore" };
  AdwColorScheme sch[2];
  guint n_schemes = schemes (sch);
  g_autoptr (GString) all = g_string_new (NULL);
  for (guint k = 0; k < n_schemes; k++)
    {
      set_scheme (sch[k]);
      for (guint v = 0; v < G_N_ELEMENTS (views); v++)
        {
          g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view",
                                                             g_variant_new_string (views[v])));
          for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
            {
              g_autofree char *p = look_at (GTK_WINDOW (window), views[v], sch[k], sizes[i][0], sizes[i][1]);
              g_string_append (all, p);
              if (g_str_equal (views[v], "fit"))
                {
                  g_autofree char *size = g_strdup_printf ("%dx%d", sizes[i][0], sizes[i][1]);
                  g_autofree char *q = fit_plot_problems (size);
                  g_string_append (all, q);
                }
              /* In a narrow window Explore folds its controls away behind a button: open them too. */
              AdwFlap *flap = g_str_equal (views[v], "explore") ? find_flap (GTK_WIDGET (window)) : NULL;
              if (flap && adw_flap_get_folded (flap))
                {
                  adw_flap_set_reveal_flap (flap, TRUE);
                  g_autofree char *c = look_at (GTK_WINDOW (window), "explore-controls", sch[k], sizes[i][0],
                                                sizes[i][1]);
                  g_string_append (all, c);
                  adw_flap_set_reveal_flap (flap, FALSE);
                }
            }
        }
    }
  set_scheme (ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 640);
  g_assert_cmpstr (all->str, ==, "");
}

static NdCatalogueBrowser *
browser (void)
{
  return ND_CATALOGUE_BROWSER (nd_test_ui_find_window (ND_TYPE_CATALOGUE_BROWSER, GTK_WINDOW (window)));
}

static void
test_catalogue (void)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("model")));
  nd_test_ui_spin (200);
  GtkWidget *model_view = nd_window_get_view_widget (window, "model");
  g_assert_true (gtk_widget_activate_action (model_view, "catalogue.browse", NULL));
  g_assert_true (nd_test_ui_wait_window (ND_TYPE_CATALOGUE_BROWSER, GTK_WINDOW (window), 10000));
  NdCatalogueBrowser *b = browser ();
  /* A channel chosen, so its preview plots and description are shown too. */
  nd_catalogue_browser_set_query (b, "kv4", NULL);
  g_assert_cmpuint (nd_catalogue_browser_get_n_results (b), >, 0);
  g_autofree char *first = nd_catalogue_browser_dup_result (b, 0);
  g_print ("# chosen: %s\n", first);
  nd_test_ui_spin (300);
  AdwColorScheme sch[2];
  guint n_schemes = schemes (sch);
  g_autoptr (GString) all = g_string_new (NULL);
  for (guint k = 0; k < n_schemes; k++)
    {
      set_scheme (sch[k]);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          g_autofree char *p = look_at (GTK_WINDOW (b), "catalogue", sch[k], sizes[i][0], sizes[i][1]);
          g_string_append (all, p);
        }
    }
  set_scheme (ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (b));
  nd_test_ui_spin (200);
  g_assert_cmpstr (all->str, ==, "");
}

static NdReduceWindow *reduce_win;

static gboolean
reduce_state_is (gpointer data)
{
  return (int) nd_reduce_window_get_state (reduce_win) == GPOINTER_TO_INT (data);
}

static void
test_reduce (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "reduce", NULL);
  nd_test_ui_spin (300);
  reduce_win = ND_REDUCE_WINDOW (nd_test_ui_find_window (ND_TYPE_REDUCE_WINDOW, GTK_WINDOW (window)));
  g_assert_nonnull (reduce_win);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (reduce_win), "reduce.example", NULL));
  g_assert_cmpint (nd_reduce_window_get_state (reduce_win), ==, ND_REDUCE_LOADED);
  /* The full model's run, so step 3 shows its traces. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (reduce_win), "reduce.run-full", NULL));
  g_assert_true (nd_test_ui_wait (reduce_state_is, GINT_TO_POINTER (ND_REDUCE_SIMULATED), 120000));
  const char *steps[] = { "cell", "channels", "full", "fit", "results" };
  AdwColorScheme sch[2];
  guint n_schemes = schemes (sch);
  g_autoptr (GString) all = g_string_new (NULL);
  for (guint k = 0; k < n_schemes; k++)
    {
      set_scheme (sch[k]);
      for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
        {
          nd_reduce_window_show_step (reduce_win, steps[s]);
          g_autofree char *what = g_strdup_printf ("reduce-%s", steps[s]);
          for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
            {
              g_autofree char *p = look_at (GTK_WINDOW (reduce_win), what, sch[k], sizes[i][0], sizes[i][1]);
              g_string_append (all, p);
            }
        }
    }
  set_scheme (ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (reduce_win));
  nd_test_ui_spin (200);
  g_assert_cmpstr (all->str, ==, "");
}

int
main (int argc, char **argv)
{
  language = nd_test_ui_take_language (&argc, &argv, "");
  /* Keep autosave and recent files inside the test's output. */
  g_autofree char *sub = g_strconcat ("layout-data-", language[0] ? language : "en", NULL);
  g_free (nd_test_ui_output_dir (sub));

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  GtkWindow *w = NULL;
  app = nd_test_ui_start_app (&w);
  window = ND_WINDOW (w);
  g_test_add_func ("/layout/main-views", test_main_views);
  g_test_add_func ("/layout/catalogue", test_catalogue);
  g_test_add_func ("/layout/reduce", test_reduce);
  int status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (app);
  return status;
}
