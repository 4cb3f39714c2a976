/* nd-explore-view-export.c: the Explore view's plots as PNG/SVG/PDF and its traces as CSV.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-explore-view-private.h"

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
      /* Slide-friendly sizes: the time course plots wide and low, the others 4:3. */
      int w = i <= PLOT_GATES ? 1200 : 900, h = i == PLOT_STIMULUS ? 300 : i <= PLOT_GATES ? 450 : 675;
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
    g_string_append_printf (s, ",I_%s_uA_cm2", nd_explore_channel_short_name (m, c));
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
