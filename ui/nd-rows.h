/* nd-rows.h: small builders for the rows the views share (libadwaita 1.2 has no AdwSpinRow).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A spin button with its unit after it ("mV"), for a row suffix. */
GtkWidget *nd_spin_with_unit (const char *unit, double lo, double hi, double step, guint digits, double value,
                              GtkSpinButton **out_spin);
/* An AdwActionRow titled `title` with such a spin button; returns the row. */
GtkWidget *nd_spin_row (const char *title, const char *subtitle, const char *unit, double lo, double hi,
                        double step, guint digits, double value, GtkSpinButton **out_spin);
/* The same with `check` (e.g. a "Fit" box) before the value, as the learned current's rows have it. */
GtkWidget *nd_spin_row_with_check (const char *title, const char *subtitle, const char *unit, double lo, double hi,
                                   double step, guint digits, double value, GtkWidget *check,
                                   GtkSpinButton **out_spin);
/* A combo row whose chosen value and list items wrap instead of being cut at 20 characters (AdwComboRow's
 * own factory ellipsizes "Verzögerter Gleichrichter, HH (K)"); the list keeps its check mark. */
void       nd_combo_row_wrap (AdwComboRow *row);
/* Only the popover's list wraps, at max_chars (the row's value is cut as AdwComboRow cuts it). */
void       nd_combo_row_wrap_list (AdwComboRow *row, int max_chars);
/* Sets a spin button's value without emitting "value-changed" handlers connected with `data`. */
void       nd_spin_set_quietly (GtkSpinButton *spin, double value, gpointer data);

G_END_DECLS
