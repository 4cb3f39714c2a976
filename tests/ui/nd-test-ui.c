/* nd-test-ui.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-test-ui.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
nd_test_ui_use_language (const char *language, const char *localedir)
{
  /* gettext ignores LANGUAGE only in the "C" locale; the tests run in C.UTF-8. */
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

const char *
nd_test_ui_take_language (int *argc, char ***argv, const char *fallback)
{
  if (*argc < 3 || (*argv)[1][0] == '-')
    return fallback;
  const char *language = (*argv)[1];
  nd_test_ui_use_language (language, (*argv)[2]);
  (*argv)[2] = (*argv)[0];
  *argc -= 2;
  *argv += 2;
  return language;
}

/* Deletes a folder and everything in it (no error if it is not there). */
static void
remove_tree (GFile *dir)
{
  g_autoptr (GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                                             G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                                             G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;
  GFile *child;
  while (e && g_file_enumerator_iterate (e, &info, &child, NULL, NULL) && info)
    if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
      remove_tree (child);
    else
      g_file_delete (child, NULL, NULL);
  g_file_delete (dir, NULL, NULL);
}

char *
nd_test_ui_output_dir (const char *name)
{
  const char *base = g_getenv ("ND_TEST_OUTPUT");
  char *dir = g_build_filename (base ? base : ".", name, NULL);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  /* Every run starts as a first one: no recent files or autosaved projects of an earlier run (the
   * welcome page's Recent list showed them in the guide's screenshot). */
  const char *const state[] = { cache, data };
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GFile) f = g_file_new_for_path (state[i]);
      remove_tree (f);
    }
  g_mkdir_with_parents (dir, 0755);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  return dir;
}

/* GTK 4.8 warns "Trying to snapshot GtkButton … without a current allocation"
 * when it draws a frame between a widget's showing and its first allocation:
 * its own bookkeeping, met on a busy machine (test-project-safety, twice, in
 * journeys that snapshot nothing themselves). Logged, not fatal; every other
 * warning and critical still fails the test. A log writer, not
 * g_test_log_set_fatal_handler: GTK logs structured, and GLib consults that
 * handler only for g_log's old path (the CI run of 4f934a8 aborted on it). */
static gboolean
is_gtk_race (const GLogField *fields, gsize n_fields)
{
  const char *domain = NULL, *message = NULL;
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
    else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  return g_strcmp0 (domain, "Gtk") == 0 && message && g_str_has_prefix (message, "Trying to snapshot ")
         && g_str_has_suffix (message, " without a current allocation");
}

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (is_gtk_race (fields, n_fields))
    return g_log_writer_standard_streams (level & ~G_LOG_FLAG_FATAL, fields, n_fields, user_data);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
nd_test_ui_init (int *argc, char ***argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("no display: skipped\n");
      exit (77);
    }
  gtk_test_init (argc, argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
}

static gboolean
spin_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
nd_test_ui_spin (guint ms)
{
  gboolean done = FALSE;
  g_timeout_add (ms, spin_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
nd_test_ui_wait (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

void
nd_test_ui_activate (GtkWidget *widget, const char *action, GVariant *param)
{
  g_assert_true (gtk_widget_activate_action_variant (widget, action, param));
}

void
nd_test_ui_activate_view (NdWindow *window, const char *view, const char *action)
{
  nd_test_ui_activate (nd_window_get_view_widget (window, view), action, NULL);
}

GtkWidget *
nd_test_ui_find (GtkWidget *w, gboolean (*match) (GtkWidget *, gconstpointer), gconstpointer data)
{
  if (match (w, data))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = nd_test_ui_find (c, match, data);
      if (found)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (GtkWidget *w, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (w, GPOINTER_TO_SIZE (type));
}

GtkWidget *
nd_test_ui_find_type (GtkWidget *w, GType type)
{
  return nd_test_ui_find (w, is_of_type, GSIZE_TO_POINTER (type));
}

gboolean
nd_test_ui_button_has_icon (GtkWidget *w, gconstpointer icon)
{
  return GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (w)), icon) == 0;
}

gboolean
nd_test_ui_button_has_label (GtkWidget *w, gconstpointer label)
{
  return GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), label) == 0;
}

gboolean
nd_test_ui_button_has_action (GtkWidget *w, gconstpointer action)
{
  return GTK_IS_BUTTON (w) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), action) == 0;
}

NdFitView *
nd_test_ui_fit_view (NdWindow *window)
{
  return ND_FIT_VIEW (nd_window_get_view_widget (window, "fit"));
}

NdFitRunner *
nd_test_ui_fit_runner (NdWindow *window)
{
  return nd_fit_view_get_runner (nd_test_ui_fit_view (window));
}

gboolean
nd_test_ui_is_fit_sweep_row (GtkWidget *w)
{
  /* The tooltip in the language shown. */
  return ADW_IS_ACTION_ROW (w)
         && g_strcmp0 (gtk_widget_get_tooltip_text (w),
                       g_dgettext (GETTEXT_PACKAGE, "Show this sweep’s recording and the model over it")) == 0;
}

gboolean
nd_test_ui_is_fit_accept_button (GtkWidget *w)
{
  return nd_test_ui_button_has_action (w, "fit.accept");
}

gboolean
nd_test_ui_is_visible_label (GtkWidget *w)
{
  return GTK_IS_LABEL (w) && gtk_widget_get_visible (w);
}

static gboolean
window_drawn (gpointer data)
{
  GtkWidget *w = data;
  return gtk_widget_get_mapped (w) && gtk_widget_get_width (w) > 100;
}

NdApplication *
nd_test_ui_start_app (GtkWindow **out_window)
{
  NdApplication *app = nd_application_new ();
  g_autoptr (GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("cannot register the application: %s", error->message);
  g_application_activate (G_APPLICATION (app));
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (window);
  g_assert_true (nd_test_ui_wait (window_drawn, window, 10000));
  nd_test_ui_spin (300);
  *out_window = window;
  return app;
}

void
nd_test_ui_short_fits (NdApplication *app, int iterations)
{
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-iterations", iterations);
  g_settings_set_int (settings, "fit-restarts", 1);
}

static gboolean
widget_drawable (gpointer data)
{
  GtkWidget *w = data;
  return gtk_widget_get_mapped (w) && gtk_widget_get_width (w) > 0 && gtk_widget_get_height (w) > 0;
}

char *
nd_test_ui_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("ND_TEST_OUTPUT");
  g_autofree char *path = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  int w = 0, h = 0;

  g_assert_nonnull (dir);
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);

  /* A window presented a moment ago may not be mapped or laid out yet (more so
   * on a loaded machine): wait for it, then for a frame with content. A
   * clean-clone run beside two fits once had no frame within 5 s, so allow
   * 20 s and ask for a redraw each time. */
  g_assert_true (nd_test_ui_wait (widget_drawable, widget, 10000));
  for (int attempt = 0; attempt < 400 && node == NULL; attempt++)
    {
      g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      /* Adwaita draws the window background with CSS on the window itself. */
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        {
          gtk_widget_queue_draw (widget);
          nd_test_ui_spin (50);
        }
    }
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return g_steal_pointer (&path);
}

void
nd_test_ui_collect (GtkWidget *w, gboolean (*match) (GtkWidget *), GPtrArray *out)
{
  if (match (w))
    g_ptr_array_add (out, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    nd_test_ui_collect (c, match, out);
}

double
nd_test_ui_png_ink (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  guint32 *px = g_new (guint32, (gsize) w * h);
  gdk_texture_download (texture, (guchar *) px, (gsize) w * 4);
  /* The most common colour stands for the background. */
  g_autoptr (GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint32 bg = 0; guint best = 0;
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      guint c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (px[i]))) + 1;
      g_hash_table_insert (counts, GUINT_TO_POINTER (px[i]), GUINT_TO_POINTER (c));
      if (c > best) { best = c; bg = px[i]; }
    }
  gsize ink = 0;
  for (gsize i = 0; i < (gsize) w * h; i++)
    ink += px[i] != bg;
  g_free (px);
  return (double) ink / ((double) w * h);
}

GtkWindow *
nd_test_ui_find_window (GType type, GtkWindow *exclude)
{
  GListModel *list = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (list, i);
      if (w != exclude && G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        found = w;
    }
  return found;
}

typedef struct {
  GType type;
  GtkWindow *exclude;
} WindowWait;

static gboolean
window_mapped (gpointer data)
{
  WindowWait *ww = data;
  GtkWindow *w = nd_test_ui_find_window (ww->type, ww->exclude);
  return w && gtk_widget_get_mapped (GTK_WIDGET (w));
}

gboolean
nd_test_ui_wait_window (GType type, GtkWindow *exclude, guint timeout_ms)
{
  WindowWait ww = { type, exclude };
  return nd_test_ui_wait (window_mapped, &ww, timeout_ms);
}

static struct {
  guint source;
  gboolean watching;
  gint64 last_tick, last_cpu;
  NdTestStalls stalls;
} watch;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static gboolean
watchdog (gpointer data)
{
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_us ();
  if (watch.watching && watch.last_tick > 0)
    {
      watch.stalls.max_gap_us = MAX (watch.stalls.max_gap_us, now - watch.last_tick);
      gint64 cpu_gap = cpu - watch.last_cpu;
      gint64 *top = watch.stalls.top_cpu_gaps_us;
      for (int i = 0; i < ND_TEST_TOP_GAPS; i++)
        if (cpu_gap > top[i])
          {
            memmove (top + i + 1, top + i, (ND_TEST_TOP_GAPS - 1 - i) * sizeof *top);
            top[i] = cpu_gap;
            break;
          }
    }
  watch.last_tick = now;
  watch.last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

void
nd_test_ui_watch_start (void)
{
  if (watch.source == 0)
    watch.source = g_timeout_add_full (G_PRIORITY_HIGH, 5, watchdog, NULL, NULL);
  watch.stalls = (NdTestStalls) { 0 };
  watch.last_tick = 0;
  watch.watching = TRUE;
}

NdTestStalls
nd_test_ui_watch_stop (void)
{
  watch.watching = FALSE;
  watch.stalls.max_cpu_gap_us = watch.stalls.top_cpu_gaps_us[0];
  return watch.stalls;
}

double
nd_test_ui_load_per_core (void)
{
  double load = 0.0;
  g_autofree char *text = NULL;
  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    load = g_ascii_strtod (text, NULL);
  return load / MAX (g_get_num_processors (), 1);
}
