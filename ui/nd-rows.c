/* nd-rows.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-rows.h"
#include "nd-scroll-guard.h"

GtkWidget *
nd_spin_with_unit (const char *unit, double lo, double hi, double step, guint digits, double value,
                   GtkSpinButton **out_spin)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spin = gtk_spin_button_new_with_range (lo, hi, step);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (spin, "numeric");
  nd_scroll_guard_spin (GTK_SPIN_BUTTON (spin));
  gtk_box_append (GTK_BOX (box), spin);
  if (unit)
    {
      GtkWidget *label = gtk_label_new (unit);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      gtk_label_set_width_chars (GTK_LABEL (label), 6);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  if (out_spin)
    *out_spin = GTK_SPIN_BUTTON (spin);
  return box;
}

GtkWidget *
nd_spin_row (const char *title, const char *subtitle, const char *unit, double lo, double hi, double step,
             guint digits, double value, GtkSpinButton **out_spin)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  GtkSpinButton *spin;
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), nd_spin_with_unit (unit, lo, hi, step, digits, value, &spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (spin));
  if (out_spin)
    *out_spin = spin;
  return row;
}

GtkWidget *
nd_spin_row_with_check (const char *title, const char *subtitle, const char *unit, double lo, double hi,
                        double step, guint digits, double value, GtkWidget *check, GtkSpinButton **out_spin)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), nd_spin_with_unit (unit, lo, hi, step, digits, value, out_spin));
  return row;
}

void
nd_spin_set_quietly (GtkSpinButton *spin, double value, gpointer data)
{
  g_signal_handlers_block_matched (spin, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, data);
  gtk_spin_button_set_value (spin, value);
  g_signal_handlers_unblock_matched (spin, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, data);
}
