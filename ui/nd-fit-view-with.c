/* nd-fit-view-with.c: the Fit view's "Fit Together With" row: another recording of the same cell, in
 * current or voltage clamp, whose sweeps all train beside the project's own (nd_project_set_fitted_with).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's form of `neurode-cli fit --with`: kinetics are pinned down best by both clamp modes together
 * (docs/uncertainty.md), and Record Next then proposes in both. Actions: fit.choose-with (a path, or "" for
 * a file chooser) and fit.remove-with.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-file-dialog.h"
#include "nd-fit-view-private.h"

static void
show_error (NdFitView *self, const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Cannot Fit Together With This Recording"), message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
take_path (NdFitView *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  if (self->project && !nd_project_set_fitted_with (self->project, path, &error))
    show_error (self, error->message);
}

static void
chooser_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdFitView *self = ND_FIT_VIEW (user_data);
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = nd_file_dialog_chosen_path (GTK_FILE_CHOOSER (dialog));
      if (path)
        take_path (self, path);
    }
  g_object_unref (dialog);
}

static void
choose_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdFitView *self = ND_FIT_VIEW (widget);
  const char *path = g_variant_get_string (param, NULL);
  if (path[0])
    {
      take_path (self, path);
      return;
    }
  /* Beside the project's recording: a cell's recordings are usually kept together. */
  const char *rec = self->project ? nd_project_get_recording_path (self->project) : NULL;
  g_autofree char *dir = rec ? g_path_get_dirname (rec) : NULL;
  g_autoptr (GFile) folder = dir && g_file_test (dir, G_FILE_TEST_IS_DIR) ? g_file_new_for_path (dir) : NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog = nd_file_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                     _("Fit Together With"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                                     _("_Fit Together"), NULL, folder);
  GtkFileFilter *filter = nd_file_dialog_recording_filter (_("Recordings"), FALSE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
remove_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  take_path (ND_FIT_VIEW (widget), NULL);
}

void
nd_fit_view_with_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "fit.choose-with", "s", choose_activated);
  gtk_widget_class_install_action (widget_class, "fit.remove-with", NULL, remove_activated);
}

static GtkWidget *
icon_button (const char *icon, const char *tooltip, const char *action, GVariant *target)
{
  GtkWidget *b = gtk_button_new_from_icon_name (icon);
  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (b, "flat");
  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), action);
  if (target)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (b), target);
  return b;
}

void
nd_fit_view_with_init (NdFitView *self)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Fit _Together With"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  /* The subtitle holds a file's name, which may have "&" or "<" in it. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  self->with_choose = icon_button ("document-open-symbolic", _("Choose another recording of this cell to fit "
                                                               "together with this one"),
                                   "fit.choose-with", g_variant_new_string (""));
  self->with_remove = icon_button ("edit-clear-symbolic", _("Fit this recording alone"), "fit.remove-with", NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->with_remove);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->with_choose);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->with_choose);
  self->with_row = row;
  adw_preferences_group_add (self->uncertainty, row);
  self->with_rows = g_ptr_array_new ();
  self->with_shown = g_array_new (FALSE, TRUE, sizeof (NdSweepScore));
  self->with_overlay = -1;
  nd_fit_view_with_update (self);
}

void
nd_fit_view_with_update (NdFitView *self)
{
  const char *path = self->project ? nd_project_get_fitted_with_path (self->project) : NULL;
  NdRecording *with = path ? nd_project_get_fitted_with (self->project) : NULL;
  g_autofree char *name = path ? g_path_get_basename (path) : NULL;
  g_autofree char *subtitle = NULL;
  if (!path)
    subtitle = g_strdup (_("Another recording of this cell, in current or voltage clamp: all its sweeps train too, "
                           "which pins the kinetics down better"));
  else if (!with)
    subtitle = g_strdup_printf (_("“%s” was not found: choose it again, or remove it to fit this recording alone"),
                                name);
  else
    {
      guint n = nd_recording_n_sweeps (with);
      subtitle = g_strdup_printf (nd_recording_is_voltage_clamp (with)
                                    ? g_dngettext (GETTEXT_PACKAGE, "%s: %u voltage-clamp sweep, trained on",
                                                   "%s: %u voltage-clamp sweeps, all trained on", n)
                                    : g_dngettext (GETTEXT_PACKAGE, "%s: %u current-clamp sweep, trained on",
                                                   "%s: %u current-clamp sweeps, all trained on", n),
                                  name, n);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->with_row), subtitle);
  /* The full path where the name alone may be ambiguous. */
  gtk_widget_set_tooltip_text (self->with_row, path);
  gtk_widget_set_visible (self->with_remove, path != NULL);
  /* The group of a joint fit speaks of the recording it fitted: gone with another choice. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->with_results)) && (!with || g_strcmp0 (path, self->with_shown_path) != 0))
    nd_fit_view_with_show_scores (self, FALSE);
  gboolean can = self->project && nd_project_get_recording (self->project) != NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fit.choose-with", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fit.remove-with", path != NULL);
}

/* ---- the fitted-with recording's sweeps after a joint fit ---- */

static void
with_row_activated (AdwActionRow *row, gpointer user_data)
{
  nd_fit_view_show_with_overlay (ND_FIT_VIEW (user_data), GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index")));
}

gboolean
nd_fit_view_fit_good (NdFitView *self)
{
  return self->verdict.good && (self->with_verdict.n == 0 || self->with_verdict.good);
}

void
nd_fit_view_with_show_scores (NdFitView *self, gboolean from_fit)
{
  for (guint i = 0; i < self->with_rows->len; i++)
    adw_preferences_group_remove (self->with_results, g_ptr_array_index (self->with_rows, i));
  g_ptr_array_set_size (self->with_rows, 0);
  g_array_set_size (self->with_shown, 0);
  self->with_overlay = -1;
  nd_fit_verdict_clear (&self->with_verdict);
  self->with_verdict = (NdFitVerdict) { 0 };
  guint n = 0;
  const NdSweepScore *scores = from_fit ? nd_fit_runner_get_with_scores (self->runner, &n) : NULL;
  NdRecording *rec = self->project ? nd_project_get_fitted_with (self->project) : NULL;
  /* Only a joint fit of this window, its recording still the project's. */
  if (!rec || n == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->with_results), FALSE);
      return;
    }
  g_array_append_vals (self->with_shown, scores, n);
  g_free (self->with_shown_path);
  self->with_shown_path = g_strdup (nd_project_get_fitted_with_path (self->project));
  /* Judged as its own fit is: all its sweeps trained. */
  nd_fit_verdict_init (&self->with_verdict, scores, n);
  g_autofree char *name = g_path_get_basename (nd_project_get_fitted_with_path (self->project));
  g_autofree char *description = g_strdup_printf (_("%s, whose sweeps all trained. Click a sweep to see the recording "
                                                    "and the model over it."), name);
  adw_preferences_group_set_description (self->with_results, description);
  GtkWidget *verdict = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (verdict), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (verdict), self->with_verdict.summary);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (verdict), 0);
  GtkWidget *mark = gtk_image_new_from_icon_name (self->with_verdict.good ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_add_css_class (mark, self->with_verdict.good ? "success" : "warning");
  gtk_widget_set_tooltip_text (mark, self->with_verdict.good ? _("The fit is good") : _("The fit is not good"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (verdict), mark);
  adw_preferences_group_add (self->with_results, verdict);
  g_ptr_array_add (self->with_rows, verdict);
  g_autoptr (GHashTable) cache = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = nd_fit_view_sweep_title_in (rec, cache, scores[i].sweep);
      GtkWidget *row = nd_fit_view_score_row (self, &scores[i], &self->with_verdict, title);
      g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (i));
      g_signal_connect (row, "activated", G_CALLBACK (with_row_activated), self);
      adw_preferences_group_add (self->with_results, row);
      g_ptr_array_add (self->with_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->with_results), TRUE);
  nd_fit_view_set_shown_marks (self);
}

void
nd_fit_view_with_finalize (NdFitView *self)
{
  g_clear_pointer (&self->with_rows, g_ptr_array_unref);
  g_clear_pointer (&self->with_shown, g_array_unref);
  g_clear_pointer (&self->with_shown_path, g_free);
  nd_fit_verdict_clear (&self->with_verdict);
}
