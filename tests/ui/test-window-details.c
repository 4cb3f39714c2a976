/* test-window-details.c: the keys, file dialogs, toasts and Help of the window, as a user meets them.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keys are pressed through the X server (XTest, nd-test-x11.c), so application accelerators and window
 * shortcuts are exercised as typed: Alt+4 opens Explore from the welcome page, Ctrl+N opens a new window
 * (NMODL export moved to Ctrl+M), Escape and Ctrl+W close a channel's kinetics window. Save dialogs start
 * in the folder last used and propose "File_axon_5 kinetics.csv"; the export toast's "Open Folder" and
 * Help (F1) launch the default application, here a stand-in registered for folders and web pages in the
 * tests' own XDG folders that writes down what it was asked to open. A disabled Stop is not drawn red.
 * The catalogue found by the words of the user's language, and the Reduce assistant's fit step, pictured.
 *
 * Usage: test-window-details [LANGUAGE LOCALEDIR]: the same in another language (e.g. "de" and the build
 * tree's po folder); texts are looked up in the catalogue, screenshots named details-LANGUAGE-*.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "nd-catalogue-browser.h"
#include "nd-fit-view.h"
#include "nd-reduce-window.h"
#include "nd-test-ui.h"
#include "nd-test-x11.h"
#include "nd-window.h"

static NdApplication *app;
static GtkWindow *window;
static const char *language;

/* A screenshot named for the language. */
static char *
shot (GtkWidget *w, const char *name)
{
  g_autofree char *full = g_str_equal (language, "en") ? g_strdup_printf ("details-%s", name)
                                                       : g_strdup_printf ("details-%s-%s", language, name);
  return nd_test_ui_screenshot (w, full);
}
static char *opened_log;    /* what the stand-in default application was asked to open */
static char *opener_files[3];

/* A default application for folders and web pages that logs its argument. */
static void
install_opener (void)
{
  const char *data = g_getenv ("XDG_DATA_HOME"), *config = g_getenv ("XDG_CONFIG_HOME");
  g_assert_nonnull (data);
  g_assert_nonnull (config);
  g_autofree char *apps = g_build_filename (data, "applications", NULL);
  g_mkdir_with_parents (apps, 0755);
  g_mkdir_with_parents (config, 0755);
  opened_log = g_build_filename (data, "nd-opened.log", NULL);
  g_unlink (opened_log);
  opener_files[0] = g_build_filename (data, "nd-test-opener.sh", NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$1\" >> '%s'\n", opened_log);
  g_assert_true (g_file_set_contents (opener_files[0], script, -1, NULL));
  g_chmod (opener_files[0], 0755);
  opener_files[1] = g_build_filename (apps, "nd-test-opener.desktop", NULL);
  g_autofree char *desktop = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Neurode test opener\n"
                                              "Exec=%s %%u\nMimeType=inode/directory;text/html;\nNoDisplay=true\n",
                                              opener_files[0]);
  g_assert_true (g_file_set_contents (opener_files[1], desktop, -1, NULL));
  opener_files[2] = g_build_filename (config, "mimeapps.list", NULL);
  g_assert_true (g_file_set_contents (opener_files[2], "[Default Applications]\n"
                                      "inode/directory=nd-test-opener.desktop\n"
                                      "text/html=nd-test-opener.desktop\n", -1, NULL));
}

static gboolean
log_has (gpointer needle)
{
  g_autofree char *text = NULL;
  return g_file_get_contents (opened_log, &text, NULL, NULL) && strstr (text, needle);
}

static guint
n_main_windows (void)
{
  guint n = 0;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    n += ND_IS_WINDOW (l->data);
  return n;
}

static gboolean
explore_shown (gpointer data)
{
  return g_str_equal (nd_window_get_page (ND_WINDOW (window)), "workspace")
         && !g_strcmp0 (nd_window_get_view (ND_WINDOW (window)), "explore");
}

static void
test_alt4 (void)
{
  g_assert_cmpstr (nd_window_get_page (ND_WINDOW (window)), ==, "welcome");
  nd_test_x11_key (window, GDK_KEY_4, GDK_ALT_MASK);
  g_assert_true (nd_test_ui_wait (explore_shown, NULL, 3000));
}

static gboolean
n_windows_is (gpointer n)
{
  return n_main_windows () == GPOINTER_TO_UINT (n);
}

static void
test_new_window (void)
{
  g_auto (GStrv) nmodl = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.export-nmodl::");
  g_assert_cmpstr (nmodl[0], ==, "<Control>m");
  g_auto (GStrv) on_ctrl_n = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Control>n");
  g_assert_cmpuint (g_strv_length (on_ctrl_n), ==, 1);
  g_assert_cmpstr (on_ctrl_n[0], ==, "app.new-window");

  guint before = n_main_windows ();
  nd_test_x11_key (window, GDK_KEY_n, GDK_CONTROL_MASK);
  g_assert_true (nd_test_ui_wait (n_windows_is, GUINT_TO_POINTER (before + 1), 5000));
  GtkWindow *second = NULL;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (ND_IS_WINDOW (l->data) && l->data != (gpointer) window)
      second = l->data;
  g_assert_nonnull (second);
  g_assert_cmpstr (nd_window_get_page (ND_WINDOW (second)), ==, "welcome");
  nd_test_ui_spin (300);
  /* Ctrl+W closes it (nothing unsaved), and only it. */
  nd_test_x11_key (second, GDK_KEY_w, GDK_CONTROL_MASK);
  g_assert_true (nd_test_ui_wait (n_windows_is, GUINT_TO_POINTER (before), 5000));
}

static gboolean
has_label (GtkWidget *b, gconstpointer label)
{
  /* As nd_test_ui_button_has_label, or the text of a label the button holds. */
  if (!GTK_IS_BUTTON (b))
    return FALSE;
  if (!g_strcmp0 (gtk_button_get_label (GTK_BUTTON (b)), label))
    return TRUE;
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (b));
  return GTK_IS_LABEL (child) && !g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), label);
}

static gboolean
kinetics_shown (gpointer data)
{
  GtkWindow *w = nd_test_ui_find_window (ADW_TYPE_WINDOW, window);
  /* "Kinetics of %s" in the language shown. */
  g_autofree char *prefix = g_strdup (_("Kinetics of %s"));
  *strstr (prefix, "%s") = '\0';
  return w && gtk_widget_get_mapped (GTK_WIDGET (w)) && g_str_has_prefix (gtk_window_get_title (w), prefix);
}

static gboolean
kinetics_gone (gpointer data)
{
  return !kinetics_shown (data);
}

static void
test_kinetics_keys (void)
{
  nd_test_ui_activate (GTK_WIDGET (window), "win.open-demo", NULL);
  nd_test_ui_spin (500);
  /* The demo's copy lives in Neurode's own data folder: not where the next file dialog should start. */
  {
    g_autoptr (GSettings) settings = g_settings_new ("io.github.neurode.Neurode");
    g_autofree char *last = g_settings_get_string (settings, "last-folder");
    g_autofree char *ours = g_build_filename (g_get_user_data_dir (), "neurode", NULL);
    g_assert_false (g_str_has_prefix (last, ours));
  }
  nd_test_ui_activate (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("model"));
  nd_test_ui_spin (300);
  GtkWidget *curves = nd_test_ui_find (nd_window_get_view_widget (ND_WINDOW (window), "model"),
                                       nd_test_ui_button_has_icon, "nd-curves-symbolic");
  g_assert_nonnull (curves);
  const struct { guint key; GdkModifierType mods; } keys[] = { { GDK_KEY_Escape, 0 }, { GDK_KEY_w, GDK_CONTROL_MASK } };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_signal_emit_by_name (curves, "clicked");
      g_assert_true (nd_test_ui_wait (kinetics_shown, NULL, 5000));
      nd_test_ui_spin (300);
      GtkWindow *k = nd_test_ui_find_window (ADW_TYPE_WINDOW, window);
      if (i == 0)
        g_free (shot (GTK_WIDGET (k), "kinetics-window"));
      nd_test_x11_key (k, keys[i].key, keys[i].mods);
      g_assert_true (nd_test_ui_wait (kinetics_gone, NULL, 3000));
    }
}

static gboolean
fit_state_is (gpointer state)
{
  NdFitView *fv = ND_FIT_VIEW (nd_window_get_view_widget (ND_WINDOW (window), "fit"));
  return nd_fit_runner_get_state (nd_fit_view_get_runner (fv)) == (NdFitState) GPOINTER_TO_INT (state);
}

static gboolean
fit_has_steps (gpointer runner)
{
  const NdFitSnapshot *s = nd_fit_runner_get_snapshot (runner);
  /* A second in: a fit started anew by the key would show less than that. */
  return s && s->done >= 2 && s->elapsed_s >= 1.0;
}

/* The Fit view's keys are its own actions' (fit.*), and work from another view too. */
static void
test_fit_keys (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("io.github.neurode.Neurode");
  /* Long enough not to end between the keys. */
  g_settings_set_int (settings, "fit-iterations", 100000);
  nd_test_ui_activate (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("model"));
  nd_test_ui_spin (300);
  nd_test_x11_key (window, GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (nd_test_ui_wait (fit_state_is, GINT_TO_POINTER (ND_FIT_RUNNING), 5000));
  g_assert_cmpstr (nd_window_get_view (ND_WINDOW (window)), ==, "fit");
  nd_test_x11_key (window, GDK_KEY_p, GDK_CONTROL_MASK);
  g_assert_true (nd_test_ui_wait (fit_state_is, GINT_TO_POINTER (ND_FIT_PAUSED), 5000));
  nd_test_x11_key (window, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_true (nd_test_ui_wait (fit_state_is, GINT_TO_POINTER (ND_FIT_RUNNING), 5000));
  /* Ctrl+Return again does not start a second fit while one runs: the running fit goes on from where it
   * was (a new one would count its iterations and its running time from 0 again). */
  NdFitRunner *runner = nd_test_ui_fit_runner (ND_WINDOW (window));
  g_assert_true (nd_test_ui_wait (fit_has_steps, runner, 30000));
  int done = nd_fit_runner_get_snapshot (runner)->done;
  double elapsed = nd_fit_runner_get_snapshot (runner)->elapsed_s;
  nd_test_x11_key (window, GDK_KEY_Return, GDK_CONTROL_MASK);
  nd_test_ui_spin (300);
  g_assert_true (fit_state_is (GINT_TO_POINTER (ND_FIT_RUNNING)));
  g_assert_cmpint (nd_fit_runner_get_snapshot (runner)->done, >=, done);
  g_assert_cmpfloat (nd_fit_runner_get_snapshot (runner)->elapsed_s, >=, elapsed);
  nd_test_x11_key (window, GDK_KEY_period, GDK_CONTROL_MASK);
  g_assert_true (nd_test_ui_wait (fit_state_is, GINT_TO_POINTER (ND_FIT_FINISHED), 60000));
  /* Stopped, not run to its end. */
  const NdFitSnapshot *s = nd_fit_runner_get_snapshot (runner);
  g_assert_cmpint (s->done, <, s->total);
  g_settings_reset (settings, "fit-iterations");
}

static gboolean
chooser_shown (gpointer data)
{
  GtkWindow *w = nd_test_ui_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG, window);
  return w && gtk_widget_get_mapped (GTK_WIDGET (w));
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
/* The save dialog the action opened: its folder and proposed name. */
static GtkFileChooser *
wait_chooser (char **folder, char **name)
{
  g_assert_true (nd_test_ui_wait (chooser_shown, NULL, 5000));
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (nd_test_ui_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG, window));
  /* The chooser loads its folder after showing. */
  g_autoptr (GFile) dir = NULL;
  for (int i = 0; i < 100 && !(dir = gtk_file_chooser_get_current_folder (chooser)); i++)
    nd_test_ui_spin (50);
  *folder = dir ? g_file_get_path (dir) : NULL;
  *name = gtk_file_chooser_get_current_name (chooser);
  return chooser;
}

static gboolean
chooser_gone (gpointer data)
{
  return !chooser_shown (data);
}

static void
test_save_dialogs (void)
{
  const char *src = g_getenv ("ND_SOURCE_ROOT");
  g_autofree char *abf_dir = g_build_filename (src, "tests", "data", "abf", NULL);
  g_autofree char *abf = g_build_filename (abf_dir, "File_axon_5.abf", NULL);
  g_autofree char *out = g_dir_make_tmp ("nd-details-XXXXXX", NULL);
  g_assert_nonnull (out);

  /* The last folder is where the recording was opened from. */
  nd_test_ui_activate (GTK_WIDGET (window), "win.open-file", g_variant_new_string (abf));
  nd_test_ui_spin (800);
  nd_test_ui_activate (GTK_WIDGET (window), "win.export-kinetics", g_variant_new_string (""));
  g_autofree char *folder = NULL, *name = NULL;
  GtkFileChooser *chooser = wait_chooser (&folder, &name);
  g_print ("# kinetics: proposed \"%s\" in %s\n", name, folder);
  /* File names stay in English (as neurode-cli writes them), whatever the language. */
  g_assert_cmpstr (name, ==, "File_axon_5 kinetics.csv");
  g_assert_cmpstr (folder, ==, abf_dir);
  /* Saved elsewhere: that becomes the last folder. */
  g_autoptr (GFile) out_dir = g_file_new_for_path (out);
  g_assert_true (gtk_file_chooser_set_current_folder (chooser, out_dir, NULL));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_true (nd_test_ui_wait (chooser_gone, NULL, 3000));
  nd_test_ui_spin (300);
  g_autofree char *written = g_build_filename (out, "File_axon_5 kinetics.csv", NULL);
  g_assert_true (g_file_test (written, G_FILE_TEST_IS_REGULAR));

  /* The toast says so and offers the folder; its button opens it in the default application. */
  GtkWidget *open = nd_test_ui_find (GTK_WIDGET (window), has_label, _("Open Folder"));
  g_assert_nonnull (open);
  g_free (shot (GTK_WIDGET (window), "export-toast"));
  g_signal_emit_by_name (open, "clicked");
  /* GIO passes a local file's path (or its file:// URI): either holds the path. */
  g_assert_true (nd_test_ui_wait (log_has, out, 10000));

  /* The next dialog starts there, named after the recording again. */
  g_clear_pointer (&folder, g_free);
  g_clear_pointer (&name, g_free);
  nd_test_ui_activate (GTK_WIDGET (window), "win.export-model", g_variant_new_string (""));
  chooser = wait_chooser (&folder, &name);
  g_print ("# model: proposed \"%s\" in %s\n", name, folder);
  g_assert_cmpstr (name, ==, "File_axon_5 model.json");
  g_assert_cmpstr (folder, ==, out);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  g_assert_true (nd_test_ui_wait (chooser_gone, NULL, 3000));
  g_unlink (written);
  g_rmdir (out);
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* Mean colour of a PNG's painted pixels, 0..255 per channel, weighted by their opacity (a widget rendered
 * alone has a transparent surround). */
static double
mean_rgb (const char *path, double rgb[3])
{
  g_autoptr (GdkTexture) t = gdk_texture_new_from_filename (path, NULL);
  g_assert_nonnull (t);
  int w = gdk_texture_get_width (t), h = gdk_texture_get_height (t);
  g_autofree guchar *px = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (t, px, (gsize) w * 4);
  double alpha = 0;
  rgb[0] = rgb[1] = rgb[2] = 0;
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      /* Premultiplied B, G, R, A in memory (GDK_MEMORY_DEFAULT on little-endian). */
      rgb[0] += px[4 * i + 2];
      rgb[1] += px[4 * i + 1];
      rgb[2] += px[4 * i];
      alpha += px[4 * i + 3];
    }
  for (int k = 0; k < 3; k++)
    rgb[k] = alpha > 0 ? 255.0 * rgb[k] / alpha : 0;
  return alpha / ((double) w * h * 255.0);   /* how much is painted */
}

static void
test_stop_not_red (void)
{
  /* Two Stop buttons like the Fit view's, one that can be pressed and one that cannot. */
  GtkWidget *win = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *on = gtk_button_new_with_label ("Stop"), *off = gtk_button_new_with_label ("Stop");
  gtk_widget_add_css_class (on, "destructive-action");
  gtk_widget_add_css_class (off, "destructive-action");
  gtk_widget_set_sensitive (off, FALSE);
  gtk_box_append (GTK_BOX (box), on);
  gtk_box_append (GTK_BOX (box), off);
  gtk_window_set_child (GTK_WINDOW (win), box);
  gtk_window_present (GTK_WINDOW (win));
  nd_test_ui_spin (300);
  g_autofree char *p_on = shot (on, "stop-sensitive");
  g_autofree char *p_off = shot (off, "stop-disabled");
  double a[3], b[3];
  mean_rgb (p_on, a);
  double painted = mean_rgb (p_off, b);
  g_print ("# Stop that can be pressed: rgb %.0f %.0f %.0f; that cannot: %.0f %.0f %.0f\n", a[0], a[1], a[2], b[0], b[1], b[2]);
  g_assert_cmpfloat (a[0] - a[1], >, 60);   /* red */
  g_assert_cmpfloat (fabs (b[0] - b[1]), <, 20);   /* grey */
  g_assert_cmpfloat (painted, >, 0.02);              /* and drawn */
  gtk_window_destroy (GTK_WINDOW (win));

  /* The Fit view's own Stop, with no fit running. */
  nd_test_ui_activate (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("fit"));
  nd_test_ui_spin (500);
  GtkWidget *stop = nd_test_ui_find (nd_window_get_view_widget (ND_WINDOW (window), "fit"),
                                     nd_test_ui_button_has_action, "fit.stop");
  g_assert_nonnull (stop);
  g_assert_false (gtk_widget_is_sensitive (stop));
  g_autofree char *p_view = shot (stop, "fit-stop-disabled");
  g_assert_cmpfloat (mean_rgb (p_view, b), >, 0.02);
  g_print ("# the Fit view's Stop, no fit running: rgb %.0f %.0f %.0f\n", b[0], b[1], b[2]);
  g_assert_cmpfloat (fabs (b[0] - b[1]), <, 20);
}

static void
test_help (void)
{
  g_auto (GStrv) f1 = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "F1");
  g_assert_cmpuint (g_strv_length (f1), ==, 1);
  g_assert_cmpstr (f1[0], ==, "app.help");
  nd_test_x11_key (window, GDK_KEY_F1, 0);
  g_autofree char *guide = g_build_filename (g_get_user_cache_dir (), "neurode", "neurode-guide.html", NULL);
  g_assert_true (nd_test_ui_wait (log_has, guide, 10000));
  /* One page with everything inside: the browser gets this one file (through the portal in Flatpak). */
  g_autofree char *html = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (guide, &html, &len, NULL));
  g_print ("# the guide: %zu kB in one file\n", len / 1024);
  g_assert_nonnull (strstr (html, "<style>"));
  g_assert_nonnull (strstr (html, "src=\"data:image/png;base64,"));
  g_assert_null (strstr (html, "src=\"images/"));
  g_assert_null (strstr (html, "<link rel=\"stylesheet\""));
  const char *sections[] = { "id=\"fit\"", "id=\"recordings\"", "id=\"results\"", "id=\"explore\"", "id=\"catalogue\"",
                             "id=\"reduce\"", "id=\"files\"" };
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    g_assert_nonnull (strstr (html, sections[i]));
}

/* The catalogue found by the words of the language shown (the English ones in English). */
static void
test_catalogue_words (void)
{
  nd_test_ui_activate (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("model"));
  nd_test_ui_spin (200);
  nd_test_ui_activate (nd_window_get_view_widget (ND_WINDOW (window), "model"), "catalogue.browse", NULL);
  g_assert_true (nd_test_ui_wait_window (ND_TYPE_CATALOGUE_BROWSER, window, 5000));
  NdCatalogueBrowser *b = ND_CATALOGUE_BROWSER (nd_test_ui_find_window (ND_TYPE_CATALOGUE_BROWSER, window));
  gboolean de = g_str_equal (language, "de");
  nd_catalogue_browser_set_query (b, de ? "Natrium" : "sodium", NULL);
  guint sodium = nd_catalogue_browser_get_n_results (b);
  g_autofree char *first = nd_catalogue_browser_dup_result (b, 0);
  g_print ("# \"%s\": %u channels, first %s\n", de ? "Natrium" : "sodium", sodium, first);
  g_assert_cmpuint (sodium, >, 500);
  g_assert_true (g_str_has_prefix (first, "Na/"));
  nd_catalogue_browser_set_query (b, "nax", NULL);
  nd_test_ui_spin (300);
  g_free (shot (GTK_WIDGET (b), "catalogue-nax"));
  nd_catalogue_browser_set_query (b, de ? "H-Strom" : "h-current", NULL);
  g_assert_cmpuint (nd_catalogue_browser_get_n_results (b), ==, 0);
  nd_test_ui_spin (200);
  g_free (shot (GTK_WIDGET (b), "catalogue-h-current"));
  gtk_window_destroy (GTK_WINDOW (b));
  nd_test_ui_spin (100);
}

static gboolean
reduce_shown (gpointer data)
{
  GtkWindow *r = nd_test_ui_find_window (ND_TYPE_REDUCE_WINDOW, window);
  return r && gtk_widget_get_mapped (GTK_WIDGET (r));
}

/* The Reduce assistant's fit step with a cell open, before the fit: its words, pictured. */
static void
test_reduce_words (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "reduce", NULL);
  g_assert_true (nd_test_ui_wait (reduce_shown, NULL, 5000));
  NdReduceWindow *r = ND_REDUCE_WINDOW (nd_test_ui_find_window (ND_TYPE_REDUCE_WINDOW, window));
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_reduce_window_open_example (r, &error));
  nd_test_ui_spin (500);   /* the window's first frames, before the stack takes a page */
  nd_reduce_window_show_step (r, "fit");
  nd_test_ui_spin (700);
  g_free (shot (GTK_WIDGET (r), "reduce-fit-step"));
  nd_reduce_window_show_step (r, "full");
  nd_test_ui_spin (700);
  g_free (shot (GTK_WIDGET (r), "reduce-full-step"));
  gtk_window_destroy (GTK_WINDOW (r));
  nd_test_ui_spin (100);
}

int
main (int argc, char *argv[])
{
  language = nd_test_ui_take_language (&argc, &argv, "en");
  nd_test_ui_init (&argc, &argv);
  if (!nd_test_x11_available ())
    {
      g_print ("not an X11 display: keys cannot be pressed through XTest; skipped\n");
      return 77;
    }
  adw_init ();
  install_opener ();
  app = nd_test_ui_start_app (&window);
  g_test_add_func ("/details/alt4-explore", test_alt4);
  g_test_add_func ("/details/new-window", test_new_window);
  g_test_add_func ("/details/kinetics-keys", test_kinetics_keys);
  g_test_add_func ("/details/fit-keys", test_fit_keys);
  g_test_add_func ("/details/save-dialogs", test_save_dialogs);
  g_test_add_func ("/details/stop-not-red", test_stop_not_red);
  g_test_add_func ("/details/help", test_help);
  g_test_add_func ("/details/catalogue-words", test_catalogue_words);
  g_test_add_func ("/details/reduce-words", test_reduce_words);
  int status = g_test_run ();
  gtk_window_destroy (window);
  g_object_unref (app);
  for (guint i = 0; i < G_N_ELEMENTS (opener_files); i++)
    g_unlink (opener_files[i]);
  g_unlink (opened_log);
  return status;
}
