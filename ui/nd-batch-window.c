/* nd-batch-window.c: Fit Several Recordings — the settings page, folder choosers and actions.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lanes.h"
#include "nd-batch-window-private.h"
#include "nd-rows.h"
#include "nd-uncertainty-row.h"
#include "recording-formats.h"

G_DEFINE_FINAL_TYPE (NdBatchWindow, nd_batch_window, ADW_TYPE_WINDOW)

void
nd_batch_window_toast (NdBatchWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

void
nd_batch_window_update_actions (NdBatchWindow *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean running = self->cancellable != NULL;
  gboolean ready = self->folder && self->recordings->len > 0 && !running;
  gtk_widget_action_set_enabled (w, "batch.run", ready);
  gtk_widget_action_set_enabled (w, "batch.write-plan", ready);
  gtk_widget_action_set_enabled (w, "batch.choose-folder", !running);
  gtk_widget_action_set_enabled (w, "batch.choose-results", !running);
  gtk_widget_action_set_enabled (w, "batch.stop", running);
  gtk_widget_action_set_enabled (w, "batch.back", !running);
  gtk_widget_set_visible (self->stop_button, running);
}

static gboolean
is_recording (const char *name)
{
  if (name[0] == '.' || g_str_equal (name, "plan.csv") || g_str_equal (name, "summary.csv"))
    return FALSE;
  return nd_recording_format_for_name (name) != NULL;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static void
show_results_folder (NdBatchWindow *self)
{
  g_autofree char *text = self->results ? g_markup_escape_text (self->results, -1) : g_strdup ("—");
  adw_action_row_set_subtitle (self->results_row, text);
}

void
nd_batch_window_set_folder (NdBatchWindow *self, const char *folder)
{
  g_free (self->folder);
  self->folder = g_canonicalize_filename (folder, NULL);
  g_ptr_array_set_size (self->recordings, 0);
  GDir *dir = g_dir_open (self->folder, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (self->folder, name, NULL);
      if (is_recording (name) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (self->recordings, g_strdup (name));
    }
  if (dir)
    g_dir_close (dir);
  g_ptr_array_sort (self->recordings, compare_names);

  g_autofree char *folder_text = g_markup_escape_text (self->folder, -1);
  adw_action_row_set_subtitle (self->folder_row, folder_text);
  g_autoptr (GString) found = g_string_new (NULL);
  if (self->recordings->len == 0)
    g_string_append (found, _("No recordings (ABF, ATF, CSV, TSV, TXT, WAV, FLAC or AIFF files) in this folder"));
  else
    {
      g_string_printf (found, ngettext ("%u recording: ", "%u recordings: ", self->recordings->len),
                       self->recordings->len);
      for (guint i = 0; i < MIN (self->recordings->len, 8u); i++)
        g_string_append_printf (found, "%s%s", i ? ", " : "", (const char *) g_ptr_array_index (self->recordings, i));
      if (self->recordings->len > 8)
        g_string_append (found, ", …");
    }
  g_autofree char *escaped = g_markup_escape_text (found->str, -1);
  adw_action_row_set_subtitle (self->found_row, escaped);
  if (!self->results_chosen)
    {
      g_free (self->results);
      self->results = g_build_filename (self->folder, "neurode-fits", NULL);
      show_results_folder (self);
    }
  nd_batch_window_update_actions (self);
}

void
nd_batch_window_set_results_folder (NdBatchWindow *self, const char *folder)
{
  g_free (self->results);
  self->results = g_canonicalize_filename (folder, NULL);
  self->results_chosen = TRUE;
  show_results_folder (self);
}

const char *
nd_batch_window_get_results_folder (NdBatchWindow *self)
{
  return self->results;
}

guint
nd_batch_window_get_n_recordings (NdBatchWindow *self)
{
  return self->recordings->len;
}

void
nd_batch_window_set_seeds (NdBatchWindow *self, int seeds)
{
  gtk_spin_button_set_value (self->seeds, seeds);
}

void
nd_batch_window_set_fits (NdBatchWindow *self, int fits)
{
  gtk_spin_button_set_value (self->fits, fits);
}

void
nd_batch_window_set_jobs (NdBatchWindow *self, int jobs)
{
  gtk_spin_button_set_value (self->jobs, jobs);
}

gboolean
nd_batch_window_get_running (NdBatchWindow *self)
{
  return self->cancellable != NULL;
}

GtkWidget *
nd_batch_window_get_row (NdBatchWindow *self, const char *name)
{
  return g_hash_table_lookup (self->rows, name);
}

const char *
nd_batch_window_get_status (NdBatchWindow *self)
{
  return self->status ? self->status : "";
}

char *
nd_batch_window_write_plan (NdBatchWindow *self, GError **error)
{
  g_autofree char *json = NULL;
  char *path = nd_batch_window_make_plan (self, &json, error);
  if (path)
    {
      g_free (self->source_json);
      self->source_json = g_steal_pointer (&json);
    }
  return path;
}

/* ---- choosers ---- */

static void
folder_chosen (GtkNativeDialog *dialog, int response, gpointer data)
{
  NdBatchWindow *self = ND_BATCH_WINDOW (data);
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      if (path && g_object_get_data (G_OBJECT (dialog), "results"))
        nd_batch_window_set_results_folder (self, path);
      else if (path)
        nd_batch_window_set_folder (self, path);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_folder (NdBatchWindow *self, gboolean results)
{
  /* GtkFileChooserNative goes through the file-chooser portal inside Flatpak. */
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (results ? _("Results Folder") : _("Folder of Recordings"),
                                                              GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                              _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  const char *start = results && self->results ? self->results : self->folder;
  if (start && g_file_test (start, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) f = g_file_new_for_path (start);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), f, NULL);
    }
  g_object_set_data (G_OBJECT (dialog), "results", GINT_TO_POINTER (results));
  g_signal_connect (dialog, "response", G_CALLBACK (folder_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- actions ---- */

static void
copy_command (AdwMessageDialog *dialog, const char *response, gpointer data)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)),
                          g_object_get_data (G_OBJECT (dialog), "command"));
}

static void
plan_written (NdBatchWindow *self, const char *plan_path)
{
  g_autofree char *folder_name = g_path_get_basename (self->folder);
  g_autofree char *rel_plan = NULL, *rel_out = NULL;
  g_autofree char *prefix = g_strconcat (self->folder, G_DIR_SEPARATOR_S, NULL);
  /* Said from the recordings' folder, which is what gets copied to the cluster. */
  if (g_str_has_prefix (self->results, prefix))
    {
      rel_out = g_strdup (self->results + strlen (prefix));
      rel_plan = g_build_filename (rel_out, "plan.csv", NULL);
    }
  else
    {
      rel_out = g_strdup (self->results);
      rel_plan = g_strdup (plan_path);
    }
  g_autofree char *q_plan = nd_batch_shell_word (rel_plan), *q_out = nd_batch_shell_word (rel_out);
  g_autofree char *command = g_strdup_printf ("neurode-cli batch %s --out %s --slurm --time 00:30:00 --wait", q_plan,
                                              q_out);
  g_autofree char *e_plan = g_markup_escape_text (plan_path, -1), *e_folder = g_markup_escape_text (folder_name, -1);
  g_autofree char *e_command = g_markup_printf_escaped ("<tt>%s</tt>", command);
  g_autofree char *body = g_strdup_printf (
    _("The plan is %s. Copy the folder “%s” to the cluster, then run this there, in that folder:\n\n%s\n\n"
      "Give the partition, time and memory your cluster wants with --partition, --time and --mem. Rows that "
      "finished are skipped when you run it again."),
    e_plan, e_folder, e_command);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Plan Written"), NULL);
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), TRUE);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "copy", _("_Copy Command"), "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_object_set_data_full (G_OBJECT (dialog), "command", g_steal_pointer (&command), g_free);
  g_signal_connect (dialog, "response::copy", G_CALLBACK (copy_command), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_activated (GtkWidget *widget, const char *name, GVariant *param)
{
  NdBatchWindow *self = ND_BATCH_WINDOW (widget);
  if (g_str_equal (name, "batch.choose-folder"))
    choose_folder (self, FALSE);
  else if (g_str_equal (name, "batch.choose-results"))
    choose_folder (self, TRUE);
  else if (g_str_equal (name, "batch.run") || g_str_equal (name, "batch.write-plan"))
    {
      nd_batch_window_describe_project (self);
      g_autoptr (GError) error = NULL;
      g_autofree char *plan = nd_batch_window_write_plan (self, &error);
      if (!plan)
        nd_batch_window_toast (self, error->message);
      else if (g_str_equal (name, "batch.run"))
        nd_batch_window_start (self, plan, TRUE);
      else
        plan_written (self, plan);
    }
  else if (g_str_equal (name, "batch.stop"))
    nd_batch_window_stop (self);
  else if (g_str_equal (name, "batch.back"))
    {
      nd_batch_window_describe_project (self);
      gtk_stack_set_visible_child_name (self->stack, "setup");
      gtk_widget_set_visible (self->back_button, FALSE);
    }
  else if (g_str_equal (name, "batch.open-row"))
    nd_batch_window_open_row (self, g_variant_get_string (param, NULL));
}

/* ---- the type ---- */

NdBatchWindow *
nd_batch_window_new (NdWindow *parent)
{
  NdBatchWindow *self = g_object_new (ND_TYPE_BATCH_WINDOW, "transient-for", parent,
                                      "application", gtk_window_get_application (GTK_WINDOW (parent)), NULL);
  g_set_weak_pointer (&self->parent, parent);
  nd_batch_window_describe_project (self);
  return self;
}

static void
nd_batch_window_dispose (GObject *object)
{
  NdBatchWindow *self = ND_BATCH_WINDOW (object);
  /* Closing the window stops its fits; the runner's thread finds no window when it ends. */
  nd_batch_window_stop (self);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->parent);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_BATCH_WINDOW);
  G_OBJECT_CLASS (nd_batch_window_parent_class)->dispose (object);
}

static void
nd_batch_window_finalize (GObject *object)
{
  NdBatchWindow *self = ND_BATCH_WINDOW (object);
  g_clear_object (&self->settings);
  g_free (self->folder);
  g_free (self->results);
  g_ptr_array_unref (self->recordings);
  nd_batch_plan_free (self->plan);
  g_free (self->source_json);
  g_free (self->status);
  G_OBJECT_CLASS (nd_batch_window_parent_class)->finalize (object);
}

static void
nd_batch_window_class_init (NdBatchWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = nd_batch_window_dispose;
  object_class->finalize = nd_batch_window_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/nd-batch-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, found_row);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, sweeps_row);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, fit_row);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, results_row);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, settings_group);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, run_group);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, NdBatchWindow, rows_list);
  const char *plain[] = { "batch.choose-folder", "batch.choose-results", "batch.run", "batch.write-plan",
                          "batch.stop", "batch.back" };
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    gtk_widget_class_install_action (widget_class, plain[i], NULL, action_activated);
  gtk_widget_class_install_action (widget_class, "batch.open-row", "s", action_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nd_batch_window_init (NdBatchWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("io.github.neurode.Neurode");
  self->recordings = g_ptr_array_new_with_free_func (g_free);
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  adw_preferences_group_add (self->settings_group,
                             nd_spin_row (_("Seeds per Recording"),
                                          _("Fits from different random starts, each a row of its own"), NULL, 1, 20,
                                          1, 0, 1, &self->seeds));
  /* The Fit view's row and setting: one choice of how many times each recording is fitted. */
  adw_preferences_group_add (self->settings_group, nd_uncertainty_row (1, &self->fits));
  g_settings_bind (self->settings, "fit-ensemble", gtk_spin_button_get_adjustment (self->fits), "value",
                   G_SETTINGS_BIND_DEFAULT);
  int cores = nd_cpu_count ();
  adw_preferences_group_add (self->run_group,
                             nd_spin_row (_("Fits at the Same Time"), _("At most one per core is fastest"), NULL, 1,
                                          MAX (cores * 2, 2), 1, 0, cores, &self->jobs));
  nd_batch_window_update_actions (self);
}
