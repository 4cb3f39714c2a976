/* nd-file-dialog.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-file-dialog.h"
#include "recording-formats.h"

#include <string.h>

#define SCHEMA_ID "io.github.neurode.Neurode"

GFile *
nd_file_dialog_last_folder (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *last = g_settings_get_string (settings, "last-folder");
  if (last[0] && g_file_test (last, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (last);
  const char *docs = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  return g_file_new_for_path (docs && g_file_test (docs, G_FILE_TEST_IS_DIR) ? docs : g_get_home_dir ());
}

/* Whether `dir` is one of Neurode's own folders (the demo's copy, the Reduce example in the cache), which
 * are not the user's and not where the next file should go. */
static gboolean
is_ours (const char *dir)
{
  const char *bases[] = { g_get_user_data_dir (), g_get_user_cache_dir () };
  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      g_autofree char *ours = g_build_filename (bases[i], "neurode", NULL);
      if (g_str_equal (dir, ours) || (g_str_has_prefix (dir, ours) && dir[strlen (ours)] == G_DIR_SEPARATOR))
        return TRUE;
    }
  return FALSE;
}

void
nd_file_dialog_remember (const char *path)
{
  if (!path || !path[0])
    return;
  g_autofree char *dir = g_file_test (path, G_FILE_TEST_IS_DIR) ? g_strdup (path) : g_path_get_dirname (path);
  if (is_ours (dir))
    return;
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  g_settings_set_string (settings, "last-folder", dir);
}

GtkFileChooserNative *
nd_file_dialog_new (GtkWindow *parent, const char *title, GtkFileChooserAction action, const char *accept_label,
                    const char *name, GFile *folder)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, parent, action, accept_label, NULL);
  /* Once: a second folder set before the dialog shows does not always win over the first. */
  g_autoptr (GFile) last = folder ? NULL : nd_file_dialog_last_folder ();
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder ? folder : last, NULL);
  if (name && action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  return dialog;
}

GtkFileFilter *
nd_file_dialog_recording_filter (const char *name, gboolean with_projects)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  /* By name, not MIME type: inside Flatpak the portal matches globs, and the host need not know Axon's types. */
  for (const NdRecordingFormat *const *f = nd_recording_formats (); *f; f++)
    for (const char *const *s = (*f)->suffixes; *s; s++)
      gtk_file_filter_add_suffix (filter, *s);
  if (with_projects)
    gtk_file_filter_add_suffix (filter, "neurode");
  return filter;
}

#define TYPE_EXT_KEY "nd-file-type-ext"

void
nd_file_dialog_add_types (GtkFileChooser *chooser, const NdFileType *types, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, types[i].name);
      /* By name, as the recordings' filter: the portal matches globs. */
      gtk_file_filter_add_suffix (filter, types[i].ext);
      g_object_set_data_full (G_OBJECT (filter), TYPE_EXT_KEY, g_strdup (types[i].ext), g_free);
      gtk_file_chooser_add_filter (chooser, filter);
      if (i == 0)
        gtk_file_chooser_set_filter (chooser, filter);
      g_object_unref (filter);
    }
}

const char *
nd_file_dialog_chosen_ext (GtkFileChooser *chooser)
{
  GtkFileFilter *chosen = gtk_file_chooser_get_filter (chooser);
  if (!chosen)
    return NULL;
  const char *ext = g_object_get_data (G_OBJECT (chosen), TYPE_EXT_KEY);
  if (ext)
    return ext;
  /* A portal's answer may be a new filter object: the one of ours with its name. */
  g_autoptr (GListModel) filters = gtk_file_chooser_get_filters (chooser);
  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr (GtkFileFilter) f = g_list_model_get_item (filters, i);
      if (g_strcmp0 (gtk_file_filter_get_name (f), gtk_file_filter_get_name (chosen)) == 0
          && g_object_get_data (G_OBJECT (f), TYPE_EXT_KEY))
        return g_object_get_data (G_OBJECT (f), TYPE_EXT_KEY);
    }
  return NULL;
}

char *
nd_file_dialog_path_for_type (const char *path, const char *chosen, const char *const *exts, guint n)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *suffix = g_strconcat (".", exts[i], NULL);
      g_autofree char *lower_suffix = g_ascii_strdown (suffix, -1);
      /* Not the whole name: ".atf" alone is a hidden file without an extension. */
      if (g_str_has_suffix (lower, lower_suffix) && strlen (lower) > strlen (lower_suffix)
          && lower[strlen (lower) - strlen (lower_suffix) - 1] != G_DIR_SEPARATOR)
        return g_strdup (path);
    }
  return chosen ? g_strconcat (path, ".", chosen, NULL) : g_strdup (path);
}

char *
nd_file_dialog_chosen_path (GtkFileChooser *chooser)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (chooser);
  char *path = file ? g_file_get_path (file) : NULL;
  if (path)
    {
      /* The types offered (nd_file_dialog_add_types()): a name without one of their extensions gets the chosen
       * type's. */
      g_autoptr (GListModel) filters = gtk_file_chooser_get_filters (chooser);
      g_autoptr (GPtrArray) exts = g_ptr_array_new ();
      for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
        {
          g_autoptr (GtkFileFilter) f = g_list_model_get_item (filters, i);
          const char *ext = g_object_get_data (G_OBJECT (f), TYPE_EXT_KEY);
          if (ext)
            g_ptr_array_add (exts, (gpointer) ext);
        }
      if (exts->len > 0)
        {
          char *typed = nd_file_dialog_path_for_type (path, nd_file_dialog_chosen_ext (chooser),
                                                      (const char *const *) exts->pdata, exts->len);
          g_free (path);
          path = typed;
        }
    }
  nd_file_dialog_remember (path);
  return path;
}

char *
nd_file_dialog_stem (const char *path)
{
  if (!path || !path[0])
    return NULL;
  char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  if (dot && dot != base)
    *dot = '\0';
  return base;
}

char *
nd_file_dialog_name (const char *stem, const char *what, const char *ext)
{
  return stem && stem[0] ? g_strdup_printf ("%s %s.%s", stem, what, ext) : g_strdup_printf ("%s.%s", what, ext);
}
