/* nd-explore-view-controls.c: numeric controls (a "d" action, a slider and a spin button each) and
 * the rows made for each channel of the model.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nd-explore-view-private.h"
#include "nd-scroll-guard.h"

void
nd_explore_number_free (NdNumber *n)
{
  g_free (n->name);
  g_clear_object (&n->action);
  g_clear_object (&n->adjustment);
  g_clear_object (&n->slider);
  g_free (n);
}

static double
number_value (NdNumber *n)
{
  NdExploreView *self = n->view;
  if (n->int_field)
    return *n->int_field;
  if (n->field)
    return *n->field;
  return nd_explore_reversal (self->model, n->channel, &self->params);
}

/* Shows the number's value in its action state and adjustment. */
void
nd_explore_number_sync (NdNumber *n)
{
  NdExploreView *self = n->view;
  double v = number_value (n);
  gboolean old = self->syncing;
  self->syncing = TRUE;
  g_simple_action_set_state (n->action, g_variant_new_double (v));
  gtk_adjustment_set_value (n->adjustment, v);
  if (n->shape > 0.0)
    gtk_adjustment_set_value (n->slider, asinh (v / n->shape));
  self->syncing = old;
}

static void
number_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdNumber *n = user_data;
  NdExploreView *self = n->view;
  double v = CLAMP (g_variant_get_double (value), gtk_adjustment_get_lower (n->adjustment),
                    gtk_adjustment_get_upper (n->adjustment));
  if (!isfinite (v))
    return;
  if (n->int_field)
    *n->int_field = (int) lround (v);
  else if (n->field)
    *n->field = v;
  else
    self->params.e_rev[n->channel] = v;
  nd_explore_number_sync (n);
  /* Nernst potentials follow the temperature and the concentrations. */
  if (self->params.nernst)
    for (guint i = 0; i < self->numbers->len; i++)
      {
        NdNumber *r = g_ptr_array_index (self->numbers, i);
        if (r->channel >= 0)
          nd_explore_number_sync (r);
      }
  nd_explore_view_schedule_run (self);
}

static void
adjustment_changed (GtkAdjustment *adjustment, NdNumber *n)
{
  if (n->view->syncing)
    return;
  g_action_change_state (G_ACTION (n->action), g_variant_new_double (gtk_adjustment_get_value (adjustment)));
}

static void
slider_changed (GtkAdjustment *slider, NdNumber *n)
{
  if (n->view->syncing)
    return;
  double v = n->shape * sinh (gtk_adjustment_get_value (slider));
  /* Round to the spin button's step, so the slider lands on values one can read. */
  double step = gtk_adjustment_get_step_increment (n->adjustment);
  v = step * round (v / step);
  g_action_change_state (G_ACTION (n->action), g_variant_new_double (v));
}

NdNumber *
nd_explore_add_number (NdExploreView *self, const char *name, const char *title, const char *subtitle, double lo, double hi,
            double step, int digits, double shape, double *field, int *int_field, int channel)
{
  NdNumber *n = g_new0 (NdNumber, 1);
  n->view = self;
  n->name = g_strdup (name);
  n->field = field;
  n->int_field = int_field;
  n->channel = channel;
  n->adjustment = g_object_ref_sink (gtk_adjustment_new (lo, lo, hi, step, step * 10, 0));
  n->action = g_simple_action_new_stateful (name, NULL, g_variant_new_double (lo));
  g_signal_connect (n->action, "change-state", G_CALLBACK (number_change_state), n);
  g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (n->action));
  g_signal_connect (n->adjustment, "value-changed", G_CALLBACK (adjustment_changed), n);

  /* The title and the spin button on one line, the slider on its own line below across the whole row:
   * beside the title it was ~85 px wide (a small drag jumped from 8 to -0.5 µA/cm²) and squeezed the
   * title until it broke mid-word ("Temperat-ure"). */
  GtkWidget *row = adw_preferences_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 6);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
  GtkWidget *title_label = gtk_label_new (NULL);
  /* Channel reversal rows are titled E<sub>Na</sub>. */
  gtk_label_set_use_markup (GTK_LABEL (title_label), strchr (title, '<') != NULL);
  g_object_bind_property (row, "title", title_label, "label", G_BINDING_SYNC_CREATE);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title_label), PANGO_WRAP_WORD);
  gtk_widget_add_css_class (title_label, "title");
  gtk_box_append (GTK_BOX (titles), title_label);
  if (subtitle)
    {
      GtkWidget *sub = gtk_label_new (subtitle);
      gtk_label_set_xalign (GTK_LABEL (sub), 0);
      gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (sub), PANGO_WRAP_WORD);
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_widget_add_css_class (sub, "caption");
      gtk_box_append (GTK_BOX (titles), sub);
    }
  gtk_box_append (GTK_BOX (line), titles);
  GtkWidget *scale;
  n->shape = shape;
  if (shape > 0.0)
    {
      /* Fine control near zero (a threshold of a few uA/cm2) and still the whole range. */
      double a = asinh (lo / shape), b = asinh (hi / shape);
      n->slider = g_object_ref_sink (gtk_adjustment_new (a, a, b, (b - a) / 400, (b - a) / 20, 0));
      g_signal_connect (n->slider, "value-changed", G_CALLBACK (slider_changed), n);
      scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, n->slider);
    }
  else
    scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, n->adjustment);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_hexpand (scale, TRUE);
  gtk_widget_set_size_request (scale, 200, -1);
  GtkWidget *spin = gtk_spin_button_new (n->adjustment, step, digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (spin, "numeric");
  nd_scroll_guard_spin (GTK_SPIN_BUTTON (spin));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_box_append (GTK_BOX (line), spin);
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), scale);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  n->row = row;
  g_ptr_array_add (self->numbers, n);
  return n;
}

/* ---- Per-channel controls ------------------------------------------------------------------- */

/* "hh_na" -> "hh-na": action names allow letters, digits, '-' and '.'. */
static char *
action_suffix (const char *name)
{
  char *s = g_ascii_strdown (name, -1);
  for (char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = '-';
  return s;
}

void
nd_explore_view_remove_channel_controls (NdExploreView *self)
{
  for (guint i = 0; i < self->channel_widgets->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (self->channel_widgets, i);
      GtkWidget *group = gtk_widget_get_ancestor (w, ADW_TYPE_PREFERENCES_GROUP);
      if (group)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), w);
    }
  g_ptr_array_set_size (self->channel_widgets, 0);
  for (guint i = self->numbers->len; i-- > 0;)
    {
      NdNumber *n = g_ptr_array_index (self->numbers, i);
      if (g_str_has_prefix (n->name, "scale-") || g_str_has_prefix (n->name, "reversal-"))
        {
          g_action_map_remove_action (G_ACTION_MAP (self->actions), n->name);
          g_ptr_array_remove_index (self->numbers, i);
        }
    }
}

void
nd_explore_view_add_channel_controls (NdExploreView *self)
{
  const nd_model *m = self->model;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int c = 0; c < m->n_channels && c < ND_EXPLORE_MAX_CHANNELS; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->block_gbar < 0)
        continue;
      g_autofree char *suffix = action_suffix (ch->name);
      if (g_hash_table_contains (seen, suffix))
        {
          char *unique = g_strdup_printf ("%s-%d", suffix, c + 1);
          g_free (suffix);
          suffix = unique;
        }
      g_hash_table_add (seen, g_strdup (suffix));
      const char *label = nd_explore_channel_short_name (m, c);
      g_autofree char *scale_name = g_strconcat ("scale-", suffix, NULL);
      g_autofree char *rev_name = g_strconcat ("reversal-", suffix, NULL);
      /* TRANSLATORS: conductance at a scale factor of 1, e.g. "120 mS/cm² at ×1" */
      g_autofree char *gsub = g_strdup_printf (_("%g mS/cm² at ×1"), m->params[m->blocks[ch->block_gbar].offset]);
      NdNumber *n = nd_explore_add_number (self, scale_name, label, gsub, 0, 3, 0.05, 2, 0, &self->params.gbar_scale[c], NULL, -1);
      adw_preferences_group_add (self->conductance_group, n->row);
      g_ptr_array_add (self->channel_widgets, n->row);
      g_autofree char *etitle = g_strdup_printf ("E<sub>%s</sub>", label);
      n = nd_explore_add_number (self, rev_name, etitle, "mV", -120, 120, 0.5, 1, 0, NULL, NULL, c);
      adw_preferences_group_add (self->reversal_group, n->row);
      g_ptr_array_add (self->channel_widgets, n->row);
    }
}

void
nd_explore_view_fill_gate_dropdown (NdExploreView *self)
{
  nd_explore_gates gates;
  nd_explore_list_gates (self->model, &gates);
  GtkStringList *list = gtk_string_list_new (NULL);
  for (int k = 0; k < gates.n; k++)
    {
      g_autofree char *label = nd_explore_gate_label (self->model, &gates, k);
      gtk_string_list_append (list, label);
    }
  gboolean old = self->syncing;
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->phase_gate_dropdown, G_LIST_MODEL (list));
  self->syncing = old;
  g_object_unref (list);
  /* The slowest recovery variable makes the classic picture: n in HH, else the last gate. */
  int pick = gates.n - 1;
  for (int k = 0; k < gates.n; k++)
    if (strcmp (self->model->channels[gates.channel[k]].name, "hh_k") == 0)
      pick = k;
  self->phase_gate = MAX (pick, 0);
}
