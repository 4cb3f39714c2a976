/* nd-window.c: the main window, its win.* actions, projects, autosave and remembered geometry.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "json-input.h"
#include "nd-batch-window.h"
#include "nd-window-private.h"
#include "recording-formats.h"

#define AUTOSAVE_CHECK_S 20   /* a crash loses at most this long (well under a minute) */
#define RECENT_SHOWN 5

G_DEFINE_FINAL_TYPE (NdWindow, nd_window, ADW_TYPE_APPLICATION_WINDOW)

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
  g_clear_weak_pointer (&self->question);
}

void
nd_window_show_export_toast (NdWindow *self, const char *message, const char *path)
{
  /* The newest news replaces the text of the toast on screen rather than queueing
   * behind it. Dismissing it and adding a new one at once crashes libadwaita 1.2
   * (its hide animation unrefs the toast twice when skipped), so retitle instead. */
  AdwToast *toast = self->last_toast;
  gboolean fresh = toast == NULL;
  if (!fresh)
    adw_toast_set_title (toast, message);
  else
    {
      toast = adw_toast_new (message);
      /* Long enough to reach for the button. */
      adw_toast_set_timeout (toast, path ? 8 : 5);
      g_set_weak_pointer (&self->last_toast, toast);
      g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed), self, 0);
    }
  if (path)
    nd_open_folder_add_to_toast (toast, GTK_WINDOW (self), path);
  else
    adw_toast_set_button_label (toast, NULL);
  if (fresh)
    adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
nd_window_get_toast_text (NdWindow *self)
{
  return self->last_toast ? adw_toast_get_title (self->last_toast) : NULL;
}

void
nd_window_show_toast (NdWindow *self, const char *message)
{
  nd_window_show_export_toast (self, message, NULL);
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

/* While the project's recording is missing, a bar above the views offers to locate it (the Recording view
 * says so itself, in its place). */
static void
update_banner (NdWindow *self)
{
  gboolean missing = nd_project_get_recording_missing (self->project);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.locate-recording", missing);
  if (missing)
    {
      const char *path = nd_project_get_recording_path (self->project);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *text = g_strdup_printf (_("The recording “%s” was not found. Locate it to see its sweeps and fit again."),
                                               name);
      gtk_label_set_text (self->missing_label, text);
    }
  gboolean workspace = g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "workspace");
  const char *view = adw_view_stack_get_visible_child_name (self->view_stack);
  gtk_revealer_set_reveal_child (self->missing_banner, missing && workspace && g_strcmp0 (view, "recording") != 0);
}

static void
update_title (NdWindow *self)
{
  GFile *file = nd_project_get_file (self->project);
  const char *rec_path = nd_project_get_recording_path (self->project);
  g_autofree char *rec_name = rec_path ? g_path_get_basename (rec_path) : NULL;
  /* A project saved nowhere yet has no name of its own, and must not look like the last one saved. */
  g_autofree char *name = file ? g_file_get_basename (file)
                          : rec_name ? g_strdup_printf (_("Untitled · %s"), rec_name) : NULL;
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
  /* The project's model and sweeps are what several recordings are fitted with. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.fit-several", workspace);
  update_banner (self);
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
  return g_str_has_suffix (path, ".neurode") || nd_recording_format_for_name (path) != NULL;
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
static void choose_project_path (NdWindow *self, NdPathDone done);

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
  /* Answered once: the question is over, even while the dialog is still on its way out. */
  g_signal_handlers_disconnect_by_func (dialog, unsaved_response, p);
  if (self->question == GTK_WINDOW (dialog))
    g_clear_weak_pointer (&self->question);
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
          choose_project_path (self, save_as_then);
          return;
        }
    }
  pending_free (p);
}

/* Whether closing the project now would lose work. */
static gboolean
has_unsaved_work (NdWindow *self)
{
  return nd_project_get_dirty (self->project) && nd_project_get_recording_path (self->project);
}

/* Runs `then` now when nothing is unsaved, else after the user has chosen to save or discard. `intro` (may
 * be NULL) first says what is about to happen. */
static void
confirm_discard (NdWindow *self, const char *intro, Continuation then, gpointer data, GDestroyNotify free_data)
{
  if (!has_unsaved_work (self))
    {
      then (self, data);
      if (free_data)
        free_data (data);
      return;
    }
  if (self->question)
    {
      /* One question at a time: the one on screen decides, and what asked again is dropped. */
      if (free_data)
        free_data (data);
      gtk_window_present (self->question);
      return;
    }
  Pending *p = g_new0 (Pending, 1);
  *p = (Pending) { self, then, data, free_data };
  GFile *file = nd_project_get_file (self->project);
  g_autofree char *name = file ? g_file_get_basename (file) : NULL;
  g_autofree char *state = name ? g_strdup_printf (_("“%s” has unsaved changes, which are lost if you don’t save them."), name)
                                : g_strdup (_("This project has never been saved; its changes are lost if you don’t save it."));
  g_autofree char *body = intro ? g_strconcat (intro, " ", state, NULL) : g_strdup (state);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "discard", _("_Discard"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (unsaved_response), p);
  g_set_weak_pointer (&self->question, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- opening ---- */

static gboolean
looks_like_project (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  return g_str_has_suffix (name, ".neurode");
}

/* The next file dialog starts in this file's folder. */
static void
remember_folder (NdWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  nd_file_dialog_remember (path);
}

static void show_missing (NdWindow *self);

/* Another project is in the window: the crash copy of the last one is not wanted any more (one left by an
 * earlier session is kept, to be recovered). */
static void
project_replaced (NdWindow *self, const char *view)
{
  if (self->autosave_ours)
    nd_project_remove_autosave ();
  self->autosave_ours = FALSE;
  self->autosaved_generation = nd_project_get_generation (self->project);
  show_workspace (self, view);
  if (nd_project_get_recording_missing (self->project))
    show_missing (self);
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
  remember_folder (self, file);
  project_replaced (self, nd_project_get_recording_missing (self->project) ? "model"
                          : nd_project_get_fitted (self->project) ? "fit" : "recording");
}

static void
recording_box_free (gpointer data)
{
  NdRecording **box = data;
  g_clear_pointer (box, nd_recording_free);
  g_free (box);
}

static void
open_recording_now (NdWindow *self, gpointer data)
{
  NdRecording **box = data;
  g_autofree char *path = g_strdup (nd_recording_path (*box));
  /* A recording opened while a project is open starts a new project: never the old model, results or file. */
  nd_project_start_new (self->project, g_steal_pointer (box));
  remember (self, path);
  nd_file_dialog_remember (path);
  project_replaced (self, "recording");
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
      g_autofree char *intro = g_strdup_printf (_("Opening “%s” closes this project."), name);
      confirm_discard (self, intro, open_project_now, g_object_ref (file), g_object_unref);
      return;
    }
  /* Read before asking anything: a file that cannot be opened changes nothing. */
  NdRecording **box = g_new0 (NdRecording *, 1);
  *box = nd_recording_load (path, &error);
  if (!*box)
    {
      recording_box_free (box);
      g_autofree char *heading = g_strdup_printf (_("Cannot open “%s”"), name);
      nd_window_show_error (self, heading, error->message);
      return;
    }
  g_autofree char *intro = g_strdup_printf (_("Opening “%s” starts a new project."), name);
  confirm_discard (self, intro, open_recording_now, box, recording_box_free);
}

static void
open_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdWindow *self = ND_WINDOW (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = nd_file_dialog_chosen_path (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GFile) file = path ? g_file_new_for_path (path) : NULL;
      if (file != NULL)
        nd_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser, GtkFileFilter *filter)
{
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static GtkFileFilter *
all_files_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  return filter;
}

static void
open_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  /* GtkFileChooserNative goes through the file-chooser portal inside Flatpak. */
  GtkFileChooserNative *dialog = nd_file_dialog_new (GTK_WINDOW (self), _("Open Recording or Project"),
                                                     GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL, NULL);

  add_filter (GTK_FILE_CHOOSER (dialog), nd_file_dialog_recording_filter (_("Recordings and projects"), TRUE));
  add_filter (GTK_FILE_CHOOSER (dialog), all_files_filter ());
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
fit_several_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  NdBatchWindow *dialog = nd_batch_window_new (self);
  /* Start in the folder of the project's recording: its neighbours are most likely the lab's other cells. */
  const char *rec = nd_project_get_recording_path (self->project);
  if (rec)
    {
      g_autofree char *folder = g_path_get_dirname (rec);
      if (g_file_test (folder, G_FILE_TEST_IS_DIR))
        nd_batch_window_set_folder (dialog, folder);
    }
  gtk_window_present (GTK_WINDOW (dialog));
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
  project_replaced (self, "fit");
}

static void
open_demo_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  confirm_discard (ND_WINDOW (widget), _("Opening the demo closes this project."), open_demo_now, NULL, NULL);
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
  gsize len = 0;
  if (!(text = nd_read_file_bounded (path, ND_JSON_MAX_BYTES, _("project"), &len, &error))
      || !nd_project_load_json (self->project, text, NULL, &error))
    {
      nd_window_show_error (self, _("Cannot recover the unsaved work"), error->message);
      return;
    }
  /* Recovered work is unsaved work, and the crash copy is now this project's. */
  nd_project_set_dirty (self->project, TRUE);
  self->autosave_ours = TRUE;
  gtk_widget_set_visible (self->recover_button, FALSE);
  show_workspace (self, "recording");
  if (nd_project_get_recording_missing (self->project))
    show_missing (self);
}

/* ---- a recording that moved ---- */

static void
relocate (NdWindow *self, NdRecording *rec)
{
  g_autofree char *base = g_path_get_basename (nd_recording_path (rec));
  nd_project_relocate_recording (self->project, rec);
  g_autofree char *msg = g_strdup_printf (_("The project now uses “%s”"), base);
  nd_window_show_toast (self, msg);
}

static void
use_anyway_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  NdRecording *rec = g_object_steal_data (G_OBJECT (dialog), "recording");
  NdWindow *self = ND_WINDOW (user_data);
  if (g_str_equal (response, "use") && nd_project_get_recording_missing (self->project))
    relocate (self, rec);
  else
    nd_recording_free (rec);
}

/* The file the user says is the project's recording: read, checked against what the project knew of it,
 * and taken (after a warning when it differs). */
static void
locate_file (NdWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  NdRecording *rec = nd_recording_load (path, &error);
  if (!rec)
    {
      g_autofree char *heading = g_strdup_printf (_("Cannot open “%s”"), base);
      nd_window_show_error (self, heading, error->message);
      return;
    }
  g_autofree char *why = nd_project_check_recording (self->project, rec);
  if (!why)
    {
      relocate (self, rec);
      return;
    }
  g_autofree char *body = g_strdup_printf (_("“%s” differs from the recording the project was saved with. %s The sweeps "
                                             "chosen for training and validation, and the fit results, may not fit it."),
                                           base, why);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Use This Recording?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "use", _("_Use Anyway"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "recording", rec, (GDestroyNotify) nd_recording_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (use_anyway_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
locate_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdWindow *self = ND_WINDOW (user_data);
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = nd_file_dialog_chosen_path (GTK_FILE_CHOOSER (dialog));
      if (path)
        locate_file (self, path);
    }
  g_object_unref (dialog);
}

/* A path in the parameter takes that file; "" asks with a file chooser, starting where the project is. */
static void
locate_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  const char *path = g_variant_get_string (param, NULL);
  if (path[0])
    {
      locate_file (self, path);
      return;
    }
  GFile *project = nd_project_get_file (self->project);
  g_autoptr (GFile) folder = project ? g_file_get_parent (project) : NULL;
  GtkFileChooserNative *dialog = nd_file_dialog_new (GTK_WINDOW (self), _("Locate Recording"),
                                                     GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use"), NULL, folder);
  add_filter (GTK_FILE_CHOOSER (dialog), nd_file_dialog_recording_filter (_("Recordings"), FALSE));
  add_filter (GTK_FILE_CHOOSER (dialog), all_files_filter ());
  g_signal_connect (dialog, "response", G_CALLBACK (locate_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
missing_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  if (g_str_equal (response, "locate"))
    gtk_widget_activate_action (GTK_WIDGET (user_data), "win.locate-recording", "s", "");
}

/* Says that the project's recording was not found (or not readable) and offers to locate it; the project
 * stays open, and the bar above the views keeps the offer. */
static void
show_missing (NdWindow *self)
{
  const char *path = nd_project_get_recording_path (self->project);
  const char *problem = nd_project_get_recording_problem (self->project);
  g_autofree char *body = problem
    ? g_strdup_printf (_("“%s” cannot be read: %s\n\nThe project’s model and fit results are open. Locate the recording, "
                         "or a good copy of it, to see its sweeps and fit again."), path, problem)
    : g_strdup_printf (_("“%s” was not found (it may have been moved, renamed or deleted).\n\nThe project’s model and fit "
                         "results are open. Locate the recording to see its sweeps and fit again."), path);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), problem ? _("Recording Cannot Be Read")
                                                                         : _("Recording Not Found"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Not Now"),
                                    "locate", _("_Locate Recording…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "locate", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "locate");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (missing_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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
  remember_folder (self, file);
  if (self->autosave_ours)
    nd_project_remove_autosave ();
  self->autosave_ours = FALSE;
  self->autosaved_generation = nd_project_get_generation (self->project);
  update_title (self);
  return TRUE;
}

/* Where Save As starts, and the name it offers: the project's own file; else the recording's name in the
 * recording's folder (not the demo's copy in Neurode's data folder, nor a folder that cannot be written);
 * else the last folder a file was chosen in, or Documents. */
static GFile *
save_proposal (NdWindow *self, char **name)
{
  GFile *file = nd_project_get_file (self->project);
  if (file)
    {
      *name = g_file_get_basename (file);
      return g_file_get_parent (file);
    }
  const char *rec = nd_project_get_recording_path (self->project);
  g_autofree char *base = rec ? g_path_get_basename (rec) : NULL;
  char *dot = base ? strrchr (base, '.') : NULL;
  if (dot && dot != base)
    *dot = '\0';
  *name = base ? g_strconcat (base, ".neurode", NULL) : g_strdup (_("Untitled.neurode"));
  g_autofree char *ours = g_build_filename (g_get_user_data_dir (), "neurode", NULL);
  g_autofree char *dir = rec ? g_path_get_dirname (rec) : NULL;
  gboolean in_ours = dir && (g_str_equal (dir, ours)
                             || (g_str_has_prefix (dir, ours) && dir[strlen (ours)] == G_DIR_SEPARATOR));
  if (dir && !in_ours && g_file_test (dir, G_FILE_TEST_IS_DIR) && g_access (dir, W_OK) == 0)
    return g_file_new_for_path (dir);
  return nd_file_dialog_last_folder ();
}

/* Nothing written: what was waiting for the save does not happen either. */
static void
replace_cancelled (NdWindow *self, const char *path)
{
  (void) path;
  g_object_set_data (G_OBJECT (self), "pending-save", NULL);
}

/* Projects end in .neurode. When the name typed lacked it, the file chooser asked about another name than
 * the one written: a project of the full name is not replaced without asking. */
static void
with_suffix (NdWindow *self, const char *path, NdPathDone done)
{
  if (g_str_has_suffix (path, ".neurode"))
    {
      done (self, path);
      return;
    }
  g_autofree char *full = g_strconcat (path, ".neurode", NULL);
  if (!g_file_test (full, G_FILE_TEST_EXISTS))
    {
      done (self, full);
      return;
    }
  nd_window_ask_replace (self, full,
    _("A project of that name already exists in this folder. Replacing it overwrites everything in it."), done,
    replace_cancelled);
}

/* Names the file: the toast may still be on screen when another project or recording is open. */
static void
show_saved_toast (NdWindow *self, const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *msg = g_strdup_printf (_("Saved “%s”"), base);
  nd_window_show_toast (self, msg);
}

static void
save_as_done (NdWindow *self, const char *path)
{
  if (save_project (self, path))
    show_saved_toast (self, path);
}

static void
chosen_then_save (NdWindow *self, const char *path)
{
  with_suffix (self, path, save_as_done);
}

static void
chosen_then_continue (NdWindow *self, const char *path)
{
  with_suffix (self, path, save_as_then);
}

/* Save As with the proposed folder and name; `done` gets the path chosen (before the suffix check). */
static void
choose_project_path (NdWindow *self, NdPathDone done)
{
  g_autofree char *name = NULL;
  g_autoptr (GFile) folder = save_proposal (self, &name);
  nd_window_choose_save_path (self, _("Save Project"), folder, name, FALSE, NULL, 0,
                              done == save_as_then ? chosen_then_continue : chosen_then_save);
}

static void
save_as_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  const char *path = g_variant_get_string (param, NULL);
  if (path[0])
    with_suffix (self, path, save_as_done);
  else
    choose_project_path (self, save_as_done);
}

/* Save writes only to the file this project was opened from or saved to; a project never saved (a new
 * recording, the demo, recovered work) is always asked where to go. */
static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  GFile *file = nd_project_get_file (self->project);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  if (path)
    {
      if (save_project (self, path))
        show_saved_toast (self, path);
    }
  else
    choose_project_path (self, save_as_done);
}

gboolean
nd_window_autosave_now (NdWindow *self)
{
  guint64 gen = nd_project_get_generation (self->project);
  if (has_unsaved_work (self) && gen != self->autosaved_generation && g_settings_get_boolean (self->settings, "autosave"))
    {
      g_autoptr (GError) error = NULL;
      if (!nd_project_autosave (self->project, &error))
        {
          g_warning ("autosave: %s", error->message);
          return FALSE;
        }
      self->autosaved_generation = gen;
      /* The one crash copy is this project's now; an earlier session's is gone. */
      self->autosave_ours = TRUE;
      gtk_widget_set_visible (self->recover_button, FALSE);
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

static void
show_view_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  const char *view = g_variant_get_string (param, NULL);
  /* Explore needs no recording: Alt+4 opens it from the welcome page too, as its button there does. */
  if (g_str_equal (view, "explore"))
    show_workspace (self, view);
  else if (g_str_equal (nd_window_get_page (self), "workspace"))
    adw_view_stack_set_visible_child_name (self->view_stack, view);
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
  if (!self->close_confirmed && has_unsaved_work (self))
    {
      confirm_discard (self, NULL, close_now, NULL, NULL);
      return TRUE;
    }
  /* Closed on purpose: the crash copy is not needed any more (an earlier session's is kept to recover). */
  if (self->autosave_ours)
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
  g_clear_weak_pointer (&self->question);
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
  gtk_widget_class_bind_template_child (widget_class, NdWindow, missing_banner);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, missing_label);
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
  gtk_widget_class_install_action (widget_class, "win.locate-recording", "s", locate_activated);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "win.save-as", "s", save_as_activated);
  gtk_widget_class_install_action (widget_class, "win.fit-several", NULL, fit_several_activated);
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
  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (update_banner), self,
                           G_CONNECT_SWAPPED);

  /* The Fit view's keys work from every view: Ctrl+Return on the Recording view starts a fit. */
  gtk_widget_add_controller (GTK_WIDGET (self), nd_fit_view_new_shortcuts (self->fit_view));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_file), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
