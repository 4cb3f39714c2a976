/* nd-uncertainty-row.c: the "Uncertainty" row of the Fit view and Fit Several Recordings.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-uncertainty-row.h"

#include <glib/gi18n.h>

#include "nd-rows.h"

/* 1 fit is no ensemble: the spin says "Off". */
static gboolean
members_output (GtkSpinButton *spin, gpointer user)
{
  if (gtk_spin_button_get_value_as_int (spin) > 1)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _("Off"));
  return TRUE;
}

static int
members_input (GtkSpinButton *spin, double *value, gpointer user)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), _("Off")) != 0)
    return FALSE;
  *value = 1.0;
  return TRUE;
}

GtkWidget *
nd_uncertainty_row (int value, GtkSpinButton **out_spin)
{
  GtkSpinButton *spin = NULL;
  GtkWidget *row = nd_spin_row (_("Uncertainty"),
                                _("Repeat the fit this many times to show how well the recording pins down the "
                                  "kinetics (4 or more; the fits run side by side on the processor’s cores)"),
                                NULL, 1, ND_UNCERTAINTY_MAX_FITS, 1, 0, CLAMP (value, 1, ND_UNCERTAINTY_MAX_FITS),
                                &spin);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 4);
  /* A numeric spin button (as gtk_spin_button_new_with_range makes it) takes no letters, not even "Off". */
  gtk_spin_button_set_numeric (spin, FALSE);
  g_signal_connect (spin, "output", G_CALLBACK (members_output), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (members_input), NULL);
  gtk_spin_button_update (spin);
  members_output (spin, NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (spin),
                               _("Fits from different random starts; those that explain the recording as well as the "
                                 "best one give the range shaded in the kinetics plots. Off: one fit."));
  *out_spin = spin;
  return row;
}
