/* nd-gate-plots.c: steady states and time constants of a channel's gates, as two plots.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-close-keys.h"
#include "nd-gate-plots.h"
#include "nd-plot.h"

#define N_V 161

static const char *const sup[] = { "", "", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸" };

static char *
gate_label (const nd_gate_kind *g)
{
  int pw = g->power;
  return g_strconcat (g->name, pw >= 0 && pw <= 8 ? sup[pw] : "", NULL);
}

char *
nd_gate_plots_formula (const nd_channel_kind *kind)
{
  GString *s = g_string_new (NULL);
  for (int g = 0; g < kind->n_gates; g++)
    {
      g_autofree char *l = gate_label (&kind->gates[g]);
      g_string_append (s, l);
    }
  return g_string_free (s, FALSE);
}

void
nd_gate_plots_fill (NdPlotModel *mx, NdPlotModel *mt, const nd_channel_kind *kind, double celsius)
{
  nd_plot_model_clear (mx);
  nd_plot_model_clear (mt);
  double v[N_V], x[ND_MAX_GATES][N_V], t[ND_MAX_GATES][N_V];
  double tmin = INFINITY, tmax = 0;
  for (int g = 0; g < kind->n_gates; g++)
    for (int k = 0; k < N_V; k++)
      {
        nd_gate_rates r;
        v[k] = -100.0 + k;
        kind->gates[g].rates (kind->data, v[k], celsius, &r);
        x[g][k] = r.x_inf;
        t[g][k] = r.tau;
        if (r.tau > 0)
          {
            tmin = MIN (tmin, r.tau);
            tmax = MAX (tmax, r.tau);
          }
      }
  gboolean log_tau = tmax > 10 * tmin;
  nd_plot_model_set_axis (mx, ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (mx, ND_PLOT_AXIS_Y, _("Steady state x∞"), NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (mt, ND_PLOT_AXIS_X, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (mt, ND_PLOT_AXIS_Y, _("Time constant τ"), "ms", log_tau ? ND_PLOT_SCALE_LOG : ND_PLOT_SCALE_LINEAR);
  g_autofree char *tt = g_strdup_printf (_("Time constants at %.1f °C"), celsius);
  nd_plot_model_set_title (mx, _("Steady states"));
  nd_plot_model_set_title (mt, tt);
  for (int g = 0; g < kind->n_gates; g++)
    {
      g_autofree char *shown = gate_label (&kind->gates[g]);
      nd_plot_model_set_series_data (mx, nd_plot_model_add_series (mx, shown, ND_PLOT_COLOR_AUTO, ND_PLOT_LINE), v, x[g], N_V);
      nd_plot_model_set_series_data (mt, nd_plot_model_add_series (mt, shown, ND_PLOT_COLOR_AUTO, ND_PLOT_LINE), v, t[g], N_V);
    }
}

void
nd_gate_plots_present_window (GtkWidget *parent, const nd_channel_kind *kind, const char *label, double celsius)
{
  AdwWindow *win = ADW_WINDOW (adw_window_new ());
  g_autofree char *title = g_strdup_printf (_("Kinetics of %s"), label);
  gtk_window_set_title (GTK_WINDOW (win), title);
  gtk_window_set_transient_for (GTK_WINDOW (win), GTK_WINDOW (gtk_widget_get_root (parent)));
  gtk_window_set_modal (GTK_WINDOW (win), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (win), 820, 420);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, kind->citation));
  gtk_box_append (GTK_BOX (box), header);
  GtkWidget *plots = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (plots, 12);
  gtk_widget_set_margin_end (plots, 12);
  gtk_widget_set_margin_bottom (plots, 12);
  gtk_widget_set_vexpand (plots, TRUE);
  g_autoptr (NdPlotModel) mx = nd_plot_model_new ();
  g_autoptr (NdPlotModel) mt = nd_plot_model_new ();
  nd_gate_plots_fill (mx, mt, kind, celsius);
  GtkWidget *px = nd_plot_new (mx), *pt = nd_plot_new (mt);
  gtk_widget_set_hexpand (px, TRUE);
  gtk_widget_set_hexpand (pt, TRUE);
  gtk_box_append (GTK_BOX (plots), px);
  gtk_box_append (GTK_BOX (plots), pt);
  gtk_box_append (GTK_BOX (box), plots);
  adw_window_set_content (win, box);
  nd_close_keys_add (GTK_WINDOW (win));
  gtk_window_present (GTK_WINDOW (win));
}
