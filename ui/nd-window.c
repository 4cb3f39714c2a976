/* nd-window.c: the main window, its win.* actions, projects, autosave and remembered geometry.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nd-window-private.h"

#define AUTOSAVE_CHECK_S 20   /* a crash loses at most this long (well under a minute) */
#define RECENT_SHOWN 5

G_DEFINE_FINAL_TYPE (NdWindow, nd_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *const recording_suffixes[] = { "abf", "atf", "csv", "tsv", "txt", "wav", "flac", "aiff", "aif", NULL };

NdWindow *
nd_window_new (NdApplication *application)
{
  return g_object_new (ND_TYPE_WINDOW, "application", application, NULL);
}

static void
toast_dismissed (AdwToast *toast, NdWindow *self)
{
  if (self->last_toast == toast)
    g_clear_weak_pointer (&self->last_toast);
}

void
nd_window_show_toast (NdWindow *self, const char *message)
{
  /* The newest news replaces the text of the toast on screen rather than queueing
   * behind it. Dismissing it and adding a new one at once crashes libadwaita 1.2
   * (its hide animation unrefs the toast twice when skipped), so retitle instead. */
  if (self->last_toast)
    {
      adw_toast_set_title (self->last_toast, message);
      return;
    }
  AdwToast *toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  g_set_weak_pointer (&self->last_toast, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
nd_window_get_page (NdWindow *self)
{
  return gtk_stack_get_visible_child_name (self->main_stack);
}

NdProject *
nd_window_get_project (NdWindow *self)
{
  return self->project;
}

const char *
nd_window_get_view (NdWindow *self)
{
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

GtkWidget *
nd_window_get_view_widget (NdWindow *self, const char *name)
{
  if (g_str_equal (name, "recording"))
    return GTK_WIDGET (self->recording_view);
  if (g_str_equal (name, "model"))
    return GTK_WIDGET (self->model_view);
  if (g_str_equal (name, "fit"))
    return GTK_WIDGET (self->fit_view);
  return NULL;
}

/* ---- title, workspace ---- */

static void
update_title (NdWindow *self)
{
  GFile *file = nd_project_get_file (self->project);
  NdRecording *rec = nd_project_get_recording (self->project);
  g_autofree char *name = file ? g_file_get_basename (file)
                          : rec ? g_path_get_basename (nd_recording_path (rec)) : NULL;
  g_autofree char *sub = NULL;
  if (name)
    sub = nd_project_get_dirty (self->project) ? g_strdup_printf (_("%s (unsaved)"), name) : g_strdup (name);
  adw_view_switcher_title_set_subtitle (self->view_switcher_title, sub ? sub : "");
  g_autofree char *title = name ? g_strdup_printf (_("%s — Neurode"), name) : g_strdup (_("Neurode"));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gboolean workspace = g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "workspace");
  /* The views belong to the workspace; the welcome page shows only the title. */
  adw_view_switcher_title_set_view_switcher_enabled (self->view_switcher_title, workspace);
  gtk_widget_set_visible (self->save_button, workspace);
  /* The views exist only once something is open: until then the switcher is greyed out. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->view_switcher_title), workspace);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", workspace);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", workspace);
}

static void
show_workspace (NdWindow *self, const char *view)
{
  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  if (view)
    adw_view_stack_set_visible_child_name (self->view_stack, view);
  update_title (self);
}

static void
project_changed (NdProject *project, gpointer user_data)
{
  NdWindow *self = ND_WINDOW (user_data);
  update_title (self);
  /* Explore can simulate the model builder's compartment. */
  nd_explore_view_set_project_model (self->explore_view, nd_project_get_model (project));
}

/* ---- recent files ---- */

static gboolean
is_ours (const char *path)
{
  if (g_str_has_suffix (path, ".neurode"))
    return TRUE;
  for (guint i = 0; recording_suffixes[i]; i++)
    {
      g_autofree char *dot = g_strconcat (".", recording_suffixes[i], NULL);
      g_autofree char *lower = g_ascii_strdown (path, -1);
      if (g_str_has_suffix (lower, dot))
        return TRUE;
    }
  return FALSE;
}

static gint
newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);
  return g_date_time_compare (tb, ta);
}

static void
fill_recent (NdWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
    gtk_list_box_remove (self->recent_list, child);
  GList *items = g_list_sort (gtk_recent_manager_get_items (gtk_recent_manager_get_default ()), newest_first);
  guint shown = 0;
  for (GList *l = items; l && shown < RECENT_SHOWN; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
      if (!path || !is_ours (path) || !g_file_test (path, G_FILE_TEST_EXISTS)
          || !gtk_recent_info_has_application (info, g_get_application_name ()))
        continue;
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *dir = g_path_get_dirname (path);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-file");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", path);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), shown > 0);
  gtk_widget_set_visible (self->recent_title, shown > 0);
}

static void
remember (NdWindow *self, const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  if (uri)
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

/* ---- unsaved changes ---- */

typedef void (*Continuation) (NdWindow *self, gpointer data);

typedef struct
{
  NdWindow *self;
  Continuation then;
  gpointer data;
  GDestroyNotify free_data;
} Pending;

static void
pending_free (Pending *p)
{
  if (p->free_data)
    p->free_data (p->data);
  g_free (p);
}

static gboolean save_project (NdWindow *self, const char *path);

static void
save_as_then (NdWindow *self, const char *path)
{
  Pending *p = g_object_steal_data (G_OBJECT (self), "pending-save");
  if (save_project (self, path) && p)
    p->then (self, p->data);
  if (p)
    pending_free (p);
}

static gboolean
run_pending (gpointer data)
{
  Pending *p = data;
  p->then (p->self, p->data);
  return G_SOURCE_REMOVE;
}

/* The continuation may close the window the dialog belongs to: run it once the dialog is gone. */
static void
run_later (Pending *p)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, run_pending, p, (GDestroyNotify) pending_free);
}

static void
unsaved_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Pending *p = user_data;
  NdWindow *self = p->self;
  if (g_str_equal (response, "discard"))
    {
      run_later (p);
      return;
    }
  if (g_str_equal (response, "save"))
    {
      GFile *file = nd_project_get_file (self->project);
      if (file)
        {
          g_autofree char *path = g_file_get_path (file);
          if (save_project (self, path))
            {
              run_later (p);
              return;
            }
        }
      else
        {
          /* Save As first; continue when it has been written. */
          g_object_set_data_full (G_OBJECT (self), "pending-save", p, (GDestroyNotify) pending_free);
          nd_window_choose_save_path (self, _("Save Project"), _("Untitled.neurode"), FALSE, save_as_then);
          return;
        }
    }
  pending_free (p);
}

/* Runs `then` now when nothing is unsaved, else after the user has chosen to save or discard. */
static void
confirm_discard (NdWindow *self, Continuation then, gpointer data, GDestroyNotify free_data)
{
  if (!nd_project_get_dirty (self->project) || !nd_project_get_recording (self->project))
    {
      then (self, data);
      if (free_data)
        free_data (data);
      return;
    }
  Pending *p = g_new0 (Pending, 1);
  *p = (Pending) { self, then, data, free_data };
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"),
    _("The project has unsaved changes. Changes which are not saved will be lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "discard", _("_Discard"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (unsaved_response), p);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- opening ---- */

static gboolean
looks_like_project (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  return g_str_has_suffix (name, ".neurode");
}

static void
open_project_now (NdWindow *self, gpointer data)
{
  GFile *file = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  if (!nd_project_open (self->project, file, &error))
    {
      g_autofree char *heading = g_strdup_printf (_("Cannot open “%s”"), name);
      nd_window_show_error (self, heading, error->message);
      return;
    }
  g_autofree char *path = g_file_get_path (file);
  if (path)
    remember (self, path);
  nd_project_remove_autosave ();
  self->autosaved_generation = nd_project_get_generation (self->project);
  show_workspace (self, nd_project_get_fitted (self->project) ? "fit" : "recording");
}

void
nd_window_open_file (NdWindow *self, GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;

  if (!path || !g_file_query_exists (file, NULL))
    {
      g_autofree char *heading = g_strdup_printf (_("Cannot open “%s”"), name);
      nd_window_show_error (self, heading, _("The file does not exist (it may have been moved or deleted)."));
      return;
    }
  if (looks_like_project (file))
    {
      confirm_discard (self, open_project_now, g_object_ref (file), g_object_unref);
      return;
    }
  /* A recording goes into the open project (the model stays); on failure nothing changes. */
  if (!nd_project_load_recording (self->project, path, &error))
    {
      g_autofree char *heading = g_strdup_printf (_("Cannot open “%s”"), name);
      nd_window_show_error (self, heading, error->message);
      return;
    }
  remember (self, path);
  show_workspace (self, "recording");
}

static void
open_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdWindow *self = ND_WINDOW (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        nd_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  for (; *patterns; patterns++)
    gtk_file_filter_add_suffix (filter, *patterns);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
open_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  static const char *const recordings[] = { "abf", "atf", "csv", "tsv", "txt", "wav", "flac", "aiff", "aif", "neurode", NULL };
  static const char *const all[] = { "*", NULL };
  /* GtkFileChooserNative goes through the file-chooser portal inside Flatpak. */
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Open Recording or Project"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  add_filter (GTK_FILE_CHOOSER (dialog), _("Recordings and projects"), recordings);
  add_filter (GTK_FILE_CHOOSER (dialog), _("All files"), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_file_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  g_autoptr (GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));
  nd_window_open_file (ND_WINDOW (widget), file);
}

/* The demo's recording is a resource; it is written out once so it can be opened like any file. */
static char *
demo_dir (GError **error)
{
  char *dir = g_build_filename (g_get_user_data_dir (), "neurode", "demo", NULL);
  g_autofree char *csv = g_build_filename (dir, "hh-demo.csv", NULL);
  g_autoptr (GBytes) data = g_resources_lookup_data (RESOURCE_PREFIX "/demo/hh-demo.csv", 0, error);
  if (!data)
    return NULL;
  g_autofree char *old = NULL;
  gsize old_len = 0;
  if (!g_file_get_contents (csv, &old, &old_len, NULL) || old_len != g_bytes_get_size (data)
      || memcmp (old, g_bytes_get_data (data, NULL), old_len) != 0)
    {
      g_mkdir_with_parents (dir, 0755);
      if (!g_file_set_contents (csv, g_bytes_get_data (data, NULL), (gssize) g_bytes_get_size (data), error))
        {
          g_free (dir);
          return NULL;
        }
    }
  return dir;
}

static void
open_demo_now (NdWindow *self, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = demo_dir (&error);
  g_autoptr (GBytes) json = dir ? g_resources_lookup_data (RESOURCE_PREFIX "/demo/hh-demo.neurode", 0, &error) : NULL;
  g_autofree char *base_path = dir ? g_build_filename (dir, "hh-demo.neurode", NULL) : NULL;
  g_autoptr (GFile) base = base_path ? g_file_new_for_path (base_path) : NULL;
  g_autofree char *text = json ? g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json)) : NULL;
  if (!text || !nd_project_load_json (self->project, text, base, &error))
    {
      nd_window_show_error (self, _("Cannot open the demo"), error ? error->message : "");
      return;
    }
  show_workspace (self, "fit");
}

static void
open_demo_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  confirm_discard (ND_WINDOW (widget), open_demo_now, NULL, NULL);
}

/* Explore needs no recording: it starts on the classic Hodgkin–Huxley cell. */
static void
explore_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  show_workspace (ND_WINDOW (widget), "explore");
}

static void
recover_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  g_autofree char *path = nd_project_autosave_path ();
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error) || !nd_project_load_json (self->project, text, NULL, &error))
    {
      nd_window_show_error (self, _("Cannot recover the unsaved work"), error->message);
      return;
    }
  /* Recovered work is unsaved work. */
  nd_project_set_dirty (self->project, TRUE);
  gtk_widget_set_visible (self->recover_button, FALSE);
  show_workspace (self, "recording");
}

/* ---- saving ---- */

static gboolean
save_project (NdWindow *self, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  if (!nd_project_save (self->project, file, &error))
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *heading = g_strdup_printf (_("Cannot save “%s”"), base);
      nd_window_show_error (self, heading, error->message);
      return FALSE;
    }
  remember (self, path);
  nd_project_remove_autosave ();
  self->autosaved_generation = nd_project_get_generation (self->project);
  update_title (self);
  return TRUE;
}

static void
save_as_done (NdWindow *self, const char *path)
{
  g_autofree char *p = g_str_has_suffix (path, ".neurode") ? g_strdup (path) : g_strconcat (path, ".neurode", NULL);
  if (save_project (self, p))
    nd_window_show_toast (self, _("Project saved"));
}

static void
save_as_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  const char *path = g_variant_get_string (param, NULL);
  if (path[0])
    save_as_done (self, path);
  else
    nd_window_choose_save_path (self, _("Save Project"), _("Untitled.neurode"), FALSE, save_as_done);
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  GFile *file = nd_project_get_file (self->project);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  if (path)
    {
      if (save_project (self, path))
        nd_window_show_toast (self, _("Project saved"));
    }
  else
    nd_window_choose_save_path (self, _("Save Project"), _("Untitled.neurode"), FALSE, save_as_done);
}

gboolean
nd_window_autosave_now (NdWindow *self)
{
  guint64 gen = nd_project_get_generation (self->project);
  if (nd_project_get_dirty (self->project) && gen != self->autosaved_generation
      && nd_project_get_recording (self->project) && g_settings_get_boolean (self->settings, "autosave"))
    {
      g_autoptr (GError) error = NULL;
      if (!nd_project_autosave (self->project, &error))
        {
          g_warning ("autosave: %s", error->message);
          return FALSE;
        }
      self->autosaved_generation = gen;
      return TRUE;
    }
  return FALSE;
}

static gboolean
autosave_tick (gpointer data)
{
  nd_window_autosave_now (ND_WINDOW (data));
  return G_SOURCE_CONTINUE;
}

/* ---- fit ---- */

static void
fit_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  if (g_str_equal (action_name, "win.fit-start"))
    {
      g_autoptr (GError) error = NULL;
      show_workspace (self, "fit");
      if (!nd_fit_view_start (self->fit_view, &error))
        nd_window_show_error (self, _("Cannot start the fit"), error->message);
    }
  else if (g_str_equal (action_name, "win.fit-pause"))
    nd_fit_view_pause (self->fit_view, TRUE);
  else if (g_str_equal (action_name, "win.fit-resume"))
    nd_fit_view_pause (self->fit_view, FALSE);
  else if (g_str_equal (action_name, "win.fit-stop"))
    nd_fit_view_stop (self->fit_view);
  else if (g_str_equal (action_name, "win.fit-accept") && nd_fit_view_accept (self->fit_view))
    nd_window_show_toast (self, _("The fitted model is now the project’s model"));
}

static void
show_view_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  if (g_str_equal (nd_window_get_page (self), "workspace"))
    adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (param, NULL));
}

/* ---- window ---- */

static gboolean
drop_file (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  GSList *files = g_value_get_boxed (value);
  /* One recording or project at a time: the first file wins. */
  if (files == NULL)
    return FALSE;
  nd_window_open_file (ND_WINDOW (user_data), G_FILE (files->data));
  return TRUE;
}

static void
save_geometry (NdWindow *self)
{
  int width, height;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
close_now (NdWindow *self, gpointer data)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
nd_window_close_request (GtkWindow *window)
{
  NdWindow *self = ND_WINDOW (window);
  if (!self->close_confirmed && nd_project_get_dirty (self->project) && nd_project_get_recording (self->project))
    {
      confirm_discard (self, close_now, NULL, NULL);
      return TRUE;
    }
  /* Closed on purpose: the crash copy is not needed any more. */
  nd_project_remove_autosave ();
  save_geometry (self);
  return GTK_WINDOW_CLASS (nd_window_parent_class)->close_request (window);
}

static void
nd_window_constructed (GObject *object)
{
  NdWindow *self = ND_WINDOW (object);
  int width, height;

  G_OBJECT_CLASS (nd_window_parent_class)->constructed (object);

  /* "application" is not a construct property, so it is unset here: use our own. */
  self->settings = g_settings_new ("io.github.neurode.Neurode");
  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  nd_recording_view_set_project (self->recording_view, self->project);
  nd_model_view_set_project (self->model_view, self->project);
  nd_fit_view_set_project (self->fit_view, self->project, self->settings);

  g_autofree char *autosave = nd_project_autosave_path ();
  if (g_file_test (autosave, G_FILE_TEST_EXISTS))
    gtk_widget_set_visible (self->recover_button, TRUE);
  self->autosave_timer = g_timeout_add_seconds (AUTOSAVE_CHECK_S, autosave_tick, self);
  fill_recent (self);
  update_title (self);
}

static void
nd_window_dispose (GObject *object)
{
  NdWindow *self = ND_WINDOW (object);
  g_clear_weak_pointer (&self->last_toast);
  g_clear_handle_id (&self->autosave_timer, g_source_remove);
  g_signal_handlers_disconnect_by_data (gtk_recent_manager_get_default (), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (nd_window_parent_class)->dispose (object);
}

static void
nd_window_class_init (NdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = nd_window_constructed;
  object_class->dispose = nd_window_dispose;
  window_class->close_request = nd_window_close_request;

  g_type_ensure (ND_TYPE_RECORDING_VIEW);
  g_type_ensure (ND_TYPE_MODEL_VIEW);
  g_type_ensure (ND_TYPE_FIT_VIEW);
  g_type_ensure (ND_TYPE_EXPLORE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/nd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, view_switcher_title);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, recover_button);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, recent_title);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, recording_view);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, model_view);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, fit_view);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, explore_view);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_activated);
  gtk_widget_class_install_action (widget_class, "win.open-file", "s", open_file_activated);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_activated);
  gtk_widget_class_install_action (widget_class, "win.explore", NULL, explore_activated);
  gtk_widget_class_install_action (widget_class, "win.recover", NULL, recover_activated);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "win.save-as", "s", save_as_activated);
  const char *fit_actions[] = { "win.fit-start", "win.fit-pause", "win.fit-resume", "win.fit-stop", "win.fit-accept" };
  for (guint i = 0; i < G_N_ELEMENTS (fit_actions); i++)
    gtk_widget_class_install_action (widget_class, fit_actions[i], NULL, fit_activated);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_activated);
  nd_window_install_export_actions (widget_class);
}

static void
nd_window_init (NdWindow *self)
{
  GtkDropTarget *drop;

  self->project = nd_project_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->project, "changed", G_CALLBACK (project_changed), self, 0);
  g_signal_connect_object (self->project, "loaded", G_CALLBACK (project_changed), self, 0);
  nd_explore_view_set_project_model (self->explore_view, nd_project_get_model (self->project));
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed", G_CALLBACK (fill_recent), self,
                           G_CONNECT_SWAPPED);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_file), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
