/* nd-window-export.c: the win.export-* actions.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "model-file.h"
#include "nd-window-private.h"
#include "nmodl-export.h"

typedef struct
{
  NdPathDone done, cancelled;
  char *path;
} Replace;

static void
replace_free (Replace *r)
{
  g_free (r->path);
  g_free (r);
}

static void
replace_response (AdwMessageDialog *dialog, const char *response, NdWindow *self)
{
  Replace *r = g_object_get_data (G_OBJECT (dialog), "replace");
  if (g_str_equal (response, "replace"))
    r->done (self, r->path);
  else if (r->cancelled)
    r->cancelled (self, r->path);
}

void
nd_window_ask_replace (NdWindow *self, const char *path, const char *message, NdPathDone done, NdPathDone cancelled)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *heading = g_strdup_printf (_("Replace “%s”?"), base);
  GtkWidget *ask = adw_message_dialog_new (GTK_WINDOW (self), heading, message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (ask), "cancel", _("_Cancel"), "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (ask), "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (ask), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (ask), "cancel");
  Replace *r = g_new0 (Replace, 1);
  *r = (Replace) { done, cancelled, g_strdup (path) };
  g_object_set_data_full (G_OBJECT (ask), "replace", r, (GDestroyNotify) replace_free);
  g_signal_connect_object (ask, "response", G_CALLBACK (replace_response), self, 0);
  gtk_window_present (GTK_WINDOW (ask));
}

static void
save_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdWindow *self = ND_WINDOW (user_data);
  NdPathDone done = g_object_get_data (G_OBJECT (dialog), "done");
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) typed = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *typed_path = typed ? g_file_get_path (typed) : NULL;
      g_autofree char *path = nd_file_dialog_chosen_path (GTK_FILE_CHOOSER (dialog));
      /* The chooser asked about the name typed: when the chosen type's extension was added to it, a file of
       * the full name is not replaced without asking. */
      if (path && g_strcmp0 (path, typed_path) != 0 && g_file_test (path, G_FILE_TEST_EXISTS))
        nd_window_ask_replace (self, path, _("A file of that name already exists in this folder. Replacing it overwrites it."),
                               done, NULL);
      else if (path)
        done (self, path);
    }
  g_object_unref (dialog);
}

void
nd_window_choose_save_path (NdWindow *self, const char *title, GFile *initial_folder, const char *suggested_name,
                            gboolean folder, const NdFileType *types, guint n_types, NdPathDone done)
{
  GtkFileChooserNative *dialog =
    nd_file_dialog_new (GTK_WINDOW (self), title,
                        folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_SAVE,
                        folder ? _("_Export") : _("_Save"), suggested_name, initial_folder);
  if (types)
    nd_file_dialog_add_types (GTK_FILE_CHOOSER (dialog), types, n_types);
  g_object_set_data (G_OBJECT (dialog), "done", done);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
nd_window_show_error (NdWindow *self, const char *heading, const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
exported (NdWindow *self, const char *path, gboolean ok, GError *error)
{
  g_autofree char *base = g_path_get_basename (path);
  if (!ok)
    {
      g_autofree char *heading = g_strdup_printf (_("Cannot write “%s”"), base);
      nd_window_show_error (self, heading, error ? error->message : _("Unknown error"));
      return;
    }
  g_autofree char *msg = g_strdup_printf (_("Exported “%s”"), base);
  nd_window_show_export_toast (self, msg, path);
}

static void
write_kinetics (NdWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) csv = g_string_new (NULL);
  nd_model_kinetics_csv (nd_fit_view_get_export_model (self->fit_view), csv);
  exported (self, path, g_file_set_contents (path, csv->str, (gssize) csv->len, &error), error);
}

/* The Fit view's proposed recording: ATF for the acquisition software, or CSV by the name. */
static void
write_stimulus (NdWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  exported (self, path, nd_fit_view_write_stimulus (self->fit_view, path, &error), error);
}

static void
write_model (NdWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  exported (self, path, nd_model_file_save (nd_fit_view_get_export_model (self->fit_view), path, &error), error);
}

static void
write_nmodl (NdWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  /* Every learned channel: the first under the chosen name, the others beside it as nd_NAME.mod. */
  g_autofree char *dir = g_path_get_dirname (path), *base = g_path_get_basename (path);
  g_auto (GStrv) paths = nd_nmodl_export_all (nd_fit_view_get_export_model (self->fit_view), dir, base, &error);
  exported (self, path, paths != NULL, error);
}

static void
write_plots (NdWindow *self, const char *dir)
{
  static const char *const formats[] = { "png", "svg", "pdf" };
  g_autoptr (GError) error = NULL;
  /* Every view's list of plots, the Recording view's then the Fit view's; a plot the view hides (a
   * recording without stimulus) has nothing to export. */
  guint n_lists[2];
  const NdNamedPlot *lists[2] = { nd_recording_view_get_plots (self->recording_view, &n_lists[0]),
                                  nd_fit_view_get_plots (self->fit_view, &n_lists[1]) };
  g_autoptr (GArray) plots = g_array_new (FALSE, FALSE, sizeof (NdNamedPlot));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < n_lists[l]; i++)
      if (gtk_widget_get_visible (GTK_WIDGET (lists[l][i].plot)))
        g_array_append_val (plots, lists[l][i]);
  guint n = plots->len;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      exported (self, dir, FALSE, NULL);
      return;
    }
  for (guint i = 0; i < n; i++)
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
      {
        const NdNamedPlot *p = &g_array_index (plots, NdNamedPlot, i);
        g_autofree char *file = g_strdup_printf ("%s.%s", p->name, formats[f]);
        g_autofree char *path = g_build_filename (dir, file, NULL);
        if (!nd_plot_export (p->plot, path, ND_PLOT_FORMAT_AUTO, 900, 600, &error))
          {
            exported (self, path, FALSE, error);
            return;
          }
      }
  g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u plot as PNG, SVG and PDF",
                                                       "Exported %u plots as PNG, SVG and PDF", n), n);
  nd_window_show_export_toast (self, msg, dir);
}

/* What exported files are named after: the project's file, else its recording ("File_axon_5"). */
static char *
file_stem (NdWindow *self)
{
  GFile *project = nd_project_get_file (self->project);
  g_autofree char *path = project ? g_file_get_path (project) : NULL;
  return nd_file_dialog_stem (path ? path : nd_project_get_recording_path (self->project));
}

static void
export_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  const char *path = g_variant_get_string (param, NULL);
  /* The stimulus in either of nd_fit_view_write_stimulus()'s formats, which the name chooses. */
  const NdFileType stimulus_types[] = { { _("Axon Text File (ATF)"), "atf" },
                                        { _("Comma-separated values (CSV)"), "csv" } };
  struct { const char *action; NdPathDone fn; const char *title; const char *what, *ext; gboolean folder;
           const NdFileType *types; guint n_types; } table[] = {
    { "win.export-kinetics", write_kinetics, N_("Export Kinetics Table"), "kinetics", "csv", FALSE, NULL, 0 },
    { "win.export-model", write_model, N_("Export Model File"), "model", "json", FALSE, NULL, 0 },
    { "win.export-nmodl", write_nmodl, N_("Export NEURON Mechanism"), NULL, "mod", FALSE, NULL, 0 },
    { "win.export-plots", write_plots, N_("Export Plots to a Folder"), NULL, NULL, TRUE, NULL, 0 },
    { "win.export-stimulus", write_stimulus, N_("Export Stimulus"), "stimulus", "atf", FALSE, stimulus_types,
      G_N_ELEMENTS (stimulus_types) },
  };
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (action_name, table[i].action))
      {
        if (path[0])
          {
            table[i].fn (self, path);
            return;
          }
        g_autofree char *name = NULL;
        if (table[i].what)
          {
            g_autofree char *stem = file_stem (self);
            name = nd_file_dialog_name (stem, table[i].what, table[i].ext);
          }
        else if (!table[i].folder)
          {
            /* A mechanism's file is named after its SUFFIX, as NEURON users expect. */
            g_autofree char *suffix = nd_nmodl_suffix (nd_fit_view_get_export_model (self->fit_view), -1);
            name = g_strconcat (suffix, ".mod", NULL);
          }
        nd_window_choose_save_path (self, _(table[i].title), NULL, name, table[i].folder, table[i].types,
                                    table[i].n_types, table[i].fn);
        return;
      }
}

void
nd_window_install_export_actions (GtkWidgetClass *widget_class)
{
  const char *actions[] = { "win.export-kinetics", "win.export-model", "win.export-nmodl", "win.export-plots",
                            "win.export-stimulus" };
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], "s", export_activated);
}
