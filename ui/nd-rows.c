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

/* ---- combo rows whose values wrap ---- */

/* The check mark shows in the popover's list at the chosen item, never beside the row's value. */
static void
wrap_item_update_check (AdwComboRow *row, GParamSpec *pspec, GtkListItem *item)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  if (box == NULL)
    return;
  GtkWidget *check = gtk_widget_get_last_child (box);
  gboolean in_list = gtk_widget_get_ancestor (box, GTK_TYPE_POPOVER) != NULL;
  gtk_widget_set_visible (check, in_list);
  gtk_widget_set_opacity (check, adw_combo_row_get_selected (row) == gtk_list_item_get_position (item) ? 1 : 0);
}

static void
wrap_item_mapped (GtkWidget *box, GtkListItem *item)
{
  wrap_item_update_check (g_object_get_data (G_OBJECT (box), "row"), NULL, item);
}

static void
wrap_item_setup (GtkSignalListItemFactory *factory, GtkListItem *item, AdwComboRow *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
  int max_chars = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "max-chars"));
  gtk_label_set_max_width_chars (GTK_LABEL (label), max_chars);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("object-select-symbolic"));
  g_object_set_data (G_OBJECT (box), "row", row);
  g_signal_connect (box, "map", G_CALLBACK (wrap_item_mapped), item);
  gtk_list_item_set_child (item, box);
}

static void
wrap_item_bind (GtkSignalListItemFactory *factory, GtkListItem *item, AdwComboRow *row)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkStringObject *string = gtk_list_item_get_item (item);
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)), gtk_string_object_get_string (string));
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (wrap_item_update_check), item, 0);
  wrap_item_update_check (row, NULL, item);
}

static void
wrap_item_unbind (GtkSignalListItemFactory *factory, GtkListItem *item, AdwComboRow *row)
{
  g_signal_handlers_disconnect_by_func (row, wrap_item_update_check, item);
}

static GtkListItemFactory *
wrap_factory_new (AdwComboRow *row, int max_chars)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_object_set_data (G_OBJECT (factory), "max-chars", GINT_TO_POINTER (max_chars));
  g_signal_connect (factory, "setup", G_CALLBACK (wrap_item_setup), row);
  g_signal_connect (factory, "bind", G_CALLBACK (wrap_item_bind), row);
  g_signal_connect (factory, "unbind", G_CALLBACK (wrap_item_unbind), row);
  return factory;
}

void
nd_combo_row_wrap (AdwComboRow *row)
{
  g_autoptr (GtkListItemFactory) factory = wrap_factory_new (row, 20);
  adw_combo_row_set_factory (row, factory);
}

void
nd_combo_row_wrap_list (AdwComboRow *row, int max_chars)
{
  g_autoptr (GtkListItemFactory) factory = wrap_factory_new (row, max_chars);
  adw_combo_row_set_list_factory (row, factory);
}
