/* nd-explore-view-export.c: the Explore view's plots as PNG/SVG/PDF and its traces as CSV, and the
 * file chooser that asks where.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-explore-view-private.h"
#include "nd-file-dialog.h"
#include "nd-window.h"

static const char *const plot_names[N_PLOTS] = {
  "stimulus", "voltage", "currents", "gates", "phase-plane", "steady-state", "time-constants", "f-i", "i-v",
};

gboolean
nd_explore_view_export_plots (NdExploreView *self, const char *path, GError **error)
{
  g_return_val_if_fail (ND_IS_EXPLORE_VIEW (self), FALSE);
  if (nd_plot_format_from_path (path) == ND_PLOT_FORMAT_AUTO)
    {
      g_autofree char *name = g_path_get_basename (path);
      g_set_error (error, ND_PLOT_ERROR, ND_PLOT_ERROR_FORMAT,
                   _("“%s” does not end in .png, .svg or .pdf, so Neurode cannot tell which format to write."),
                   name);
      return FALSE;
    }
  const char *dot = strrchr (path, '.');
  g_autofree char *stem = g_strndup (path, dot - path);
  int written = 0;
  for (int i = 0; i < N_PLOTS; i++)
    {
      if (nd_plot_model_get_n_series (self->plot_model[i]) == 0)
        continue;
      g_autofree char *file = g_strdup_printf ("%s-%s%s", stem, plot_names[i], dot);
      /* Slide-friendly sizes (text stays legible when the image fills a slide): the time course
       * plots wide and low, the others 4:3. */
      int w = i <= PLOT_GATES ? 900 : 720, h = i == PLOT_STIMULUS ? 220 : i <= PLOT_GATES ? 340 : 540;
      if (!nd_plot_export (self->plot[i], file, ND_PLOT_FORMAT_AUTO, w, h, error))
        return FALSE;
      written++;
    }
  if (written == 0)
    {
      g_set_error_literal (error, ND_PLOT_ERROR, ND_PLOT_ERROR_DRAW, _("There is no plot to export."));
      return FALSE;
    }
  return TRUE;
}

static void
append_number (GString *s, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  /* CSV for spreadsheets and scripts: always a dot as decimal separator. */
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.6g", x));
}

gboolean
nd_explore_view_export_traces (NdExploreView *self, const char *path, GError **error)
{
  g_return_val_if_fail (ND_IS_EXPLORE_VIEW (self), FALSE);
  if (!self->shown || !self->shown->trace)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("There are no traces to export yet."));
      return FALSE;
    }
  const nd_explore_trace *t = self->shown->trace;
  const nd_model *m = self->shown->base;
  const gboolean vc = t->clamp == ND_EXPLORE_VOLTAGE_CLAMP;
  GString *s = g_string_new ("t_ms,");
  g_string_append (s, vc ? "command_mV,V_mV,I_clamp_uA_cm2" : "I_stim_uA_cm2,V_mV");
  for (int c = 0; c < t->n_channels; c++)
    {
      /* Column names stay English in every language, for scripts. */
      const nd_channel *ch = &m->channels[c];
      gboolean leak = ch->slot == ND_CHANNEL_KNOWN && g_str_equal (ch->kind->type, "leak");
      g_string_append_printf (s, ",I_%s_uA_cm2", leak ? "Leak" : nd_explore_channel_short_name (m, c));
    }
  for (int k = 0; k < t->gates.n; k++)
    {
      g_autofree char *label = nd_explore_gate_label (m, &t->gates, k);
      g_strdelimit (label, " ", '_');
      g_string_append_printf (s, ",%s", label);
    }
  g_string_append_c (s, '\n');
  for (size_t j = 0; j < t->n; j++)
    {
      append_number (s, j * t->dt);
      g_string_append_c (s, ',');
      append_number (s, t->command[j]);
      g_string_append_c (s, ',');
      append_number (s, t->v[j]);
      if (vc)
        {
          g_string_append_c (s, ',');
          append_number (s, t->i_clamp[j]);
        }
      for (int c = 0; c < t->n_channels; c++)
        {
          g_string_append_c (s, ',');
          append_number (s, t->current[c][j]);
        }
      for (int k = 0; k < t->gates.n; k++)
        {
          g_string_append_c (s, ',');
          append_number (s, t->gate[k][j]);
        }
      g_string_append_c (s, '\n');
    }
  g_autoptr (GError) local = NULL;
  gboolean ok = g_file_set_contents (path, s->str, s->len, &local);
  g_string_free (s, TRUE);
  if (!ok)
    {
      g_autofree char *name = g_path_get_basename (path);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Neurode could not write “%s”: %s"), name,
                   local->message);
    }
  return ok;
}

/* ---- The file chooser ---------------------------------------------------------------------- */

static void
export_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdExploreView *self = ND_EXPLORE_VIEW (user_data);
  gboolean traces = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "traces"));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = nd_file_dialog_chosen_path (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GError) error = NULL;
      GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
      if (path && !(traces ? nd_explore_view_export_traces (self, path, &error)
                           : nd_explore_view_export_plots (self, path, &error)))
        {
          GtkWidget *msg = adw_message_dialog_new (GTK_WINDOW (root), _("Export failed"), error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (msg), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (msg));
        }
      else if (path && ND_IS_WINDOW (root))
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *text = g_strdup_printf (_("Exported “%s”"), base);
          nd_window_show_export_toast (ND_WINDOW (root), text, path);
        }
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

void
nd_explore_view_export_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdExploreView *self = user_data;
  gboolean traces = g_str_equal (g_action_get_name (G_ACTION (action)), "export-traces");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = nd_file_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                     traces ? _("Export Traces") : _("Export Plots"),
                                                     GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                                     traces ? "explore-traces.csv" : "explore.png", NULL);
  if (!traces)
    {
      /* The extension chooses the format. */
      const char *kinds[][2] = { { N_("PNG image"), "png" }, { N_("SVG drawing"), "svg" }, { N_("PDF document"), "pdf" } };
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          GtkFileFilter *f = gtk_file_filter_new ();
          gtk_file_filter_set_name (f, _(kinds[i][0]));
          gtk_file_filter_add_suffix (f, kinds[i][1]);
          gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), f);
          g_object_unref (f);
        }
    }
  g_object_set_data (G_OBJECT (dialog), "traces", GINT_TO_POINTER (traces));
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
