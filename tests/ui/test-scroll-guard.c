/* test-scroll-guard.c: scrolling a page over a number field scrolls the page; the field changes only when it
 * has the focus.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wheel is turned through the X server (XTest), so the scroll travels the whole way a user's does:
 * X server, GDK, GTK's capture and bubble phases, the spin button's and the scrolled window's controllers.
 * A page of labels around two spin buttons, one guarded and one not, shows the difference: over the
 * unguarded one the wheel changes the number (what users met), over the guarded one it scrolls the page
 * and leaves the number; focused, the guarded one steps its value. Then the real window: every number
 * field of the views, the Preferences and the Reduce assistant is guarded, and scrolling the Recording
 * view over the fit window's "To" field (the field that went from 100 to 99 ms) scrolls the view.
 */
#include <adwaita.h>

#include "nd-scroll-guard.h"
#include "nd-test-ui.h"
#include "nd-test-x11.h"
#include "nd-window.h"

static NdApplication *app;
static GtkWindow *window;

static GtkWidget *
labels (int n)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *t = g_strdup_printf ("Line %d", i);
      GtkWidget *l = gtk_label_new (t);
      gtk_widget_set_size_request (l, -1, 40);
      gtk_box_append (GTK_BOX (box), l);
    }
  return box;
}

static void
test_page (void)
{
  GtkWidget *win = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (win), 400, 300);
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *entry = gtk_entry_new ();   /* somewhere else for the focus to be */
  GtkWidget *plain = gtk_spin_button_new_with_range (0, 1000, 1);
  GtkWidget *guarded = gtk_spin_button_new_with_range (0, 1000, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (plain), 100);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (guarded), 100);
  nd_scroll_guard_spin (GTK_SPIN_BUTTON (guarded));
  nd_scroll_guard_spin (GTK_SPIN_BUTTON (guarded));   /* twice is once */
  gtk_box_append (GTK_BOX (page), entry);
  gtk_box_append (GTK_BOX (page), labels (2));
  gtk_box_append (GTK_BOX (page), plain);
  gtk_box_append (GTK_BOX (page), guarded);
  gtk_box_append (GTK_BOX (page), labels (30));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), page);
  gtk_window_set_child (GTK_WINDOW (win), scroll);
  gtk_window_present (GTK_WINDOW (win));
  nd_test_ui_spin (500);
  gtk_widget_grab_focus (entry);
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll));
  g_assert_cmpfloat (gtk_adjustment_get_upper (v), >, gtk_adjustment_get_page_size (v) + 200);
  g_assert_true (nd_scroll_guard_is_guarded (GTK_SPIN_BUTTON (guarded)));
  g_assert_false (nd_scroll_guard_is_guarded (GTK_SPIN_BUTTON (plain)));

  /* Unguarded and unfocused, the wheel takes the number (scrolling down steps it down): the events arrive
   * and this is the behaviour being fixed. */
  nd_test_x11_wheel (plain, 2);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (plain)), ==, 98);
  g_assert_cmpfloat (gtk_adjustment_get_value (v), ==, 0);

  /* Guarded and unfocused: the page scrolls, the number stays. */
  nd_test_x11_wheel (guarded, 2);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (guarded)), ==, 100);
  double scrolled = gtk_adjustment_get_value (v);
  g_print ("# two notches over the unfocused guarded field scrolled the page by %.0f px\n", scrolled);
  g_assert_cmpfloat (scrolled, >, 20);

  /* Focused, the guarded field takes the wheel and the page stays. */
  gtk_adjustment_set_value (v, 0);
  nd_test_ui_spin (100);
  gtk_widget_grab_focus (guarded);
  nd_test_ui_spin (100);
  nd_test_x11_wheel (guarded, -3);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (guarded)), ==, 103);
  g_assert_cmpfloat (gtk_adjustment_get_value (v), ==, 0);

  /* Focus elsewhere again: guarded again. */
  gtk_widget_grab_focus (entry);
  nd_test_ui_spin (100);
  nd_test_x11_wheel (guarded, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (guarded)), ==, 103);
  g_assert_cmpfloat (gtk_adjustment_get_value (v), >, 0);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Spin buttons under `w` that are not guarded, by their row's title where there is one. */
static void
unguarded (GtkWidget *w, GString *out, guint *n)
{
  if (GTK_IS_SPIN_BUTTON (w))
    {
      (*n)++;
      if (!nd_scroll_guard_is_guarded (GTK_SPIN_BUTTON (w)))
        {
          GtkWidget *row = gtk_widget_get_ancestor (w, ADW_TYPE_PREFERENCES_ROW);
          g_string_append_printf (out, "%s; ", row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))
                                                   : gtk_widget_get_name (w));
        }
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    unguarded (c, out, n);
}

static void
assert_all_guarded (GtkWidget *root, const char *what, guint at_least)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint n = 0;
  unguarded (root, out, &n);
  g_print ("# %s: %u number fields\n", what, n);
  g_assert_cmpuint (n, >=, at_least);
  if (out->len)
    g_error ("%s: number fields the wheel changes unfocused: %s", what, out->str);
}

static gboolean
shown (gpointer type)
{
  GtkWindow *w = nd_test_ui_find_window ((GType) GPOINTER_TO_SIZE (type), window);
  return w && gtk_widget_get_mapped (GTK_WIDGET (w));
}

static GtkWidget *
first_spin (GtkWidget *w)
{
  if (GTK_IS_SPIN_BUTTON (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = first_spin (c);
      if (found)
        return found;
    }
  return NULL;
}

/* The number field of the row titled `title` under `w`. */
static GtkWidget *
row_spin (GtkWidget *w, const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (w) && g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title))
    return first_spin (w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = row_spin (c, title);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_window (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL));
  nd_test_ui_spin (500);
  NdWindow *win = ND_WINDOW (window);
  NdProject *project = nd_window_get_project (win);
  g_autoptr (GError) error = NULL;
  /* A published channel, so the model builder has its rows too. */
  g_assert_true (nd_project_add_catalogue (project, "K", "143100_Kv4f.mod", NULL, &error));
  g_assert_no_error (error);
  nd_test_ui_spin (200);
  assert_all_guarded (nd_window_get_view_widget (win, "recording"), "Recording view", 3);
  assert_all_guarded (nd_window_get_view_widget (win, "model"), "Model view", 8);
  assert_all_guarded (nd_window_get_view_widget (win, "fit"), "Fit view", 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "explore"));
  nd_test_ui_spin (300);
  assert_all_guarded (GTK_WIDGET (window), "Explore and the whole window", 20);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (nd_test_ui_wait (shown, GSIZE_TO_POINTER (ADW_TYPE_PREFERENCES_WINDOW), 5000));
  GtkWindow *prefs = nd_test_ui_find_window (ADW_TYPE_PREFERENCES_WINDOW, window);
  assert_all_guarded (GTK_WIDGET (prefs), "Preferences", 3);
  gtk_window_destroy (prefs);

  g_action_group_activate_action (G_ACTION_GROUP (app), "reduce", NULL);
  GType reduce = g_type_from_name ("NdReduceWindow");
  g_assert_true (nd_test_ui_wait (shown, GSIZE_TO_POINTER (reduce), 5000));
  GtkWindow *rw = nd_test_ui_find_window (reduce, window);
  assert_all_guarded (GTK_WIDGET (rw), "Reduce assistant", 2);
  gtk_window_destroy (rw);

  /* The Recording view's side panel in a small window scrolls; over the fit window's end it still does,
   * and the end keeps its value. */
  gtk_window_unmaximize (window);
  gtk_window_set_default_size (window, 800, 600);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "recording"));
  nd_test_ui_spin (600);
  GtkWidget *view = nd_window_get_view_widget (win, "recording");
  GtkWidget *to = row_spin (view, "To");
  g_assert_nonnull (to);
  /* The side panel scrolls on its own. */
  GtkWidget *scroll = gtk_widget_get_ancestor (to, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll));
  /* Bring the field into view with the panel's own adjustment, a little below the top. */
  graphene_point_t p;
  g_assert_true (gtk_widget_compute_point (to, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroll)),
                                           &GRAPHENE_POINT_INIT (0, 0), &p));
  gtk_adjustment_set_value (v, MAX (0.0, p.y - 150));
  nd_test_ui_spin (300);
  double before_v = gtk_adjustment_get_value (v), before = gtk_spin_button_get_value (GTK_SPIN_BUTTON (to));
  g_assert_cmpfloat (gtk_adjustment_get_upper (v) - gtk_adjustment_get_page_size (v), >, before_v + 20);
  nd_test_x11_wheel (to, 1);
  g_print ("# Recording view: \"To\" %.1f -> %.1f ms, page %.0f -> %.0f px\n", before,
           gtk_spin_button_get_value (GTK_SPIN_BUTTON (to)), before_v, gtk_adjustment_get_value (v));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (to)), ==, before);
  g_assert_cmpfloat (gtk_adjustment_get_value (v), >, before_v);
}

int
main (int argc, char *argv[])
{
  nd_test_ui_init (&argc, &argv);
  if (!nd_test_x11_available ())
    {
      g_print ("not an X11 display: the wheel cannot be turned through XTest; skipped\n");
      return 77;
    }
  adw_init ();
  app = nd_test_ui_start_app (&window);
  g_test_add_func ("/scroll-guard/page", test_page);
  g_test_add_func ("/scroll-guard/window", test_window);
  int status = g_test_run ();
  gtk_window_destroy (window);
  g_object_unref (app);
  return status;
}
