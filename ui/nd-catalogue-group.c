/* nd-catalogue-group.c: the model builder's published channels (from the catalogue).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "icg-registry.h"
#include "nd-catalogue-browser.h"
#include "nd-catalogue-group.h"
#include "nd-gate-plots.h"
#include "nd-rows.h"
#include "nd-text.h"

typedef struct
{
  AdwPreferencesGroup *group;
  NdProject *project;        /* weak: the group lives inside the project's window */
  GtkWidget *host;
  GPtrArray *rows;           /* AdwExpanderRow, one per catalogue channel in the project */
  GtkWidget *add_row;       /* always last */
  gboolean syncing;
  NdCatalogueBrowser *browser;
} Group;

static const char *
channel_title (const nd_channel_kind *kind)
{
  const NdIcgChannel *e = NULL;
  if (nd_icg_kind_source (kind, NULL, NULL, &e) && e)
    return e->suffix[0] ? e->suffix : e->file;
  return kind->label;
}

static void
summary (AdwExpanderRow *row, const NdCatalogueSpec *s)
{
  const NdIcgChannel *e = NULL;
  nd_icg_kind_source (s->kind, NULL, NULL, &e);
  g_autofree char *state = s->enabled ? nd_text_printf (_("%g mS/cm², %+g mV"), s->gbar, s->e)
                                      : g_strdup (_("Not in the model"));
  g_autofree char *sub = e ? g_strdup_printf (_("%s · ModelDB %d · %s"), e->icg_class, e->modeldb_id, state) : g_strdup (state);
  adw_expander_row_set_subtitle (row, sub);
}

static void
set_sensitive (GtkWidget *row, gboolean enabled)
{
  const char *names[] = { "gbar", "e", "fit", "shift", "fit-shift" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *w = g_object_get_data (G_OBJECT (row), names[i]);
      if (w)
        gtk_widget_set_sensitive (w, enabled);
    }
}

static guint
row_index (Group *g, GtkWidget *widget)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (widget), "row");
  guint i = 0;
  g_ptr_array_find (g->rows, row, &i);
  return i;
}

static void
row_changed (Group *g, GtkWidget *row)
{
  if (g->syncing)
    return;
  guint i = row_index (g, row);
  NdCatalogueSpec s = nd_project_get_catalogue (g->project, i);
  s.enabled = gtk_check_button_get_active (g_object_get_data (G_OBJECT (row), "check"));
  s.gbar = gtk_spin_button_get_value (g_object_get_data (G_OBJECT (row), "gbar"));
  s.e = gtk_spin_button_get_value (g_object_get_data (G_OBJECT (row), "e"));
  s.fit_gbar = gtk_check_button_get_active (g_object_get_data (G_OBJECT (row), "fit"));
  GtkSpinButton *shift = g_object_get_data (G_OBJECT (row), "shift");
  if (shift)
    {
      s.v_shift = gtk_spin_button_get_value (shift);
      s.fit_v_shift = gtk_check_button_get_active (g_object_get_data (G_OBJECT (row), "fit-shift"));
    }
  set_sensitive (GTK_WIDGET (row), s.enabled);
  summary (ADW_EXPANDER_ROW (row), &s);
  g->syncing = TRUE;   /* the project's "changed" must not rebuild the row being edited */
  nd_project_set_catalogue (g->project, i, &s);
  g->syncing = FALSE;
}

static void
check_toggled (GtkCheckButton *check, gpointer user_data)
{
  row_changed (user_data, g_object_get_data (G_OBJECT (check), "row"));
}

static void
spin_changed (GtkSpinButton *spin, gpointer user_data)
{
  row_changed (user_data, g_object_get_data (G_OBJECT (spin), "row"));
}

static void
show_kinetics (GtkButton *button, gpointer user_data)
{
  Group *g = user_data;
  NdCatalogueSpec s = nd_project_get_catalogue (g->project, row_index (g, GTK_WIDGET (button)));
  double cm, area, v0, celsius;
  nd_project_get_membrane (g->project, &cm, &area, &v0, &celsius);
  nd_gate_plots_present_window (GTK_WIDGET (g->group), s.kind, channel_title (s.kind), celsius);
}

static void
remove_clicked (GtkButton *button, gpointer user_data)
{
  Group *g = user_data;
  nd_project_remove_catalogue (g->project, row_index (g, GTK_WIDGET (button)));
}

static GtkWidget *
make_row (Group *g, const NdCatalogueSpec *s)
{
  const NdIcgChannel *e = NULL;
  nd_icg_kind_source (s->kind, NULL, NULL, &e);
  const char *title = channel_title (s->kind);
  GtkWidget *row = adw_expander_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  GtkWidget *check = gtk_check_button_new ();
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, _("Include this channel in the model"));
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), check);
  GtkWidget *curves = gtk_button_new_from_icon_name ("nd-curves-symbolic");
  g_autofree char *tip = g_strdup_printf (_("Show the steady states and time constants of %s"), title);
  gtk_widget_set_tooltip_text (curves, tip);
  gtk_widget_set_valign (curves, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (curves, "flat");
  g_signal_connect (curves, "clicked", G_CALLBACK (show_kinetics), g);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), curves);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *rtip = g_strdup_printf (_("Remove %s from the model builder"), title);
  gtk_widget_set_tooltip_text (remove, rtip);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked), g);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), remove);
  GtkWidget *fit = gtk_check_button_new_with_label (_("Fit"));
  gtk_widget_set_valign (fit, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (fit, _("Let the fit adjust this conductance (within a factor of 10)"));
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), fit);
  GtkSpinButton *gbar, *erev, *shift = NULL;
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            nd_spin_row (_("Maximal conductance"), NULL, "mS/cm²", 0.0, 10000.0, 0.1, 3, s->gbar, &gbar));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            nd_spin_row (_("Reversal potential"), NULL, "mV", -150.0, 150.0, 1.0, 1, s->e, &erev));
  GtkWidget *fit_shift = NULL;
  if (s->kind->n_gates > 0)
    {
      fit_shift = gtk_check_button_new_with_label (_("Fit"));
      gtk_widget_set_valign (fit_shift, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (fit_shift, _("Let the fit adjust the offset (within 30 mV)"));
      GtkWidget *sr = nd_spin_row_with_check (_("Kinetics offset"), NULL, "mV", -ND_VSHIFT_MAX_MV, ND_VSHIFT_MAX_MV,
                                              0.5, 1, s->v_shift, fit_shift, &shift);
      gtk_widget_set_tooltip_text (sr, _("Moves the gates’ curves along the voltage axis"));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), sr);
    }
  GtkWidget *gates = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (gates), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (gates), _("Gates"));
  g_autofree char *formula = nd_gate_plots_formula (s->kind);
  g_autofree char *gsub = g_strdup_printf (_("Conductance ∝ %s, from the tabulated curves at the model’s temperature"), formula);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (gates), gsub);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), gates);
  GtkWidget *src = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (src), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (src), _("Source"));
  g_autofree char *ssub = e ? g_strdup_printf (_("ModelDB %d, %s; kinetics tabulated by %s"), e->modeldb_id, e->file, ND_ICG_CITATION)
                            : g_strdup (s->kind->citation);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (src), ssub);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (src), 3);
  if (e)
    {
      g_autofree char *uri = g_strdup_printf ("https://modeldb.science/%d", e->modeldb_id);
      GtkWidget *link = gtk_link_button_new_with_label (uri, _("ModelDB"));
      gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (src), link);
    }
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), src);

  GObject *widgets[] = { G_OBJECT (check), G_OBJECT (gbar), G_OBJECT (erev), G_OBJECT (curves), G_OBJECT (remove),
                         G_OBJECT (fit), G_OBJECT (shift), G_OBJECT (fit_shift) };
  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    if (widgets[i])
      g_object_set_data (widgets[i], "row", row);
  g_object_set_data (G_OBJECT (row), "row", row);
  g_object_set_data (G_OBJECT (row), "check", check);
  g_object_set_data (G_OBJECT (row), "gbar", gbar);
  g_object_set_data (G_OBJECT (row), "e", erev);
  g_object_set_data (G_OBJECT (row), "fit", fit);
  g_object_set_data (G_OBJECT (row), "shift", shift);
  g_object_set_data (G_OBJECT (row), "fit-shift", fit_shift);
  g_object_set_data (G_OBJECT (row), "kind", (gpointer) s->kind);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), s->enabled);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (fit), s->fit_gbar);
  if (fit_shift)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (fit_shift), s->fit_v_shift);
  set_sensitive (row, s->enabled);
  summary (ADW_EXPANDER_ROW (row), s);
  g_signal_connect (check, "toggled", G_CALLBACK (check_toggled), g);
  g_signal_connect (fit, "toggled", G_CALLBACK (check_toggled), g);
  g_signal_connect (gbar, "value-changed", G_CALLBACK (spin_changed), g);
  g_signal_connect (erev, "value-changed", G_CALLBACK (spin_changed), g);
  if (shift)
    {
      g_signal_connect (fit_shift, "toggled", G_CALLBACK (check_toggled), g);
      g_signal_connect (shift, "value-changed", G_CALLBACK (spin_changed), g);
    }
  return row;
}

/* Rows follow the project: rebuilt when the list of channels differs, values refreshed otherwise. */
static void
sync_rows (Group *g, gboolean force)
{
  if (g->syncing)
    return;
  guint n = nd_project_get_n_catalogue (g->project);
  gboolean same = !force && n == g->rows->len;
  for (guint i = 0; same && i < n; i++)
    same = g_object_get_data (g_ptr_array_index (g->rows, i), "kind") == nd_project_get_catalogue (g->project, i).kind;
  g->syncing = TRUE;
  if (same)
    {
      for (guint i = 0; i < n; i++)
        {
          GtkWidget *row = g_ptr_array_index (g->rows, i);
          NdCatalogueSpec s = nd_project_get_catalogue (g->project, i);
          gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "check"), s.enabled);
          gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "gbar"), s.gbar);
          gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "e"), s.e);
          gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "fit"), s.fit_gbar);
          if (g_object_get_data (G_OBJECT (row), "shift"))
            {
              gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "shift"), s.v_shift);
              gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "fit-shift"), s.fit_v_shift);
            }
          set_sensitive (row, s.enabled);
          summary (ADW_EXPANDER_ROW (row), &s);
        }
    }
  else
    {
      /* Rows go into the group's list box before the add row, which stays (removing and re-adding
       * it would restart its widgets' state for nothing). */
      GtkListBox *box = GTK_LIST_BOX (gtk_widget_get_parent (g->add_row));
      for (guint i = 0; i < g->rows->len; i++)
        gtk_list_box_remove (box, g_ptr_array_index (g->rows, i));
      g_ptr_array_set_size (g->rows, 0);
      for (guint i = 0; i < n; i++)
        {
          NdCatalogueSpec s = nd_project_get_catalogue (g->project, i);
          GtkWidget *row = make_row (g, &s);
          gtk_list_box_insert (box, row, (int) i);
          g_ptr_array_add (g->rows, row);
        }
    }
  g->syncing = FALSE;
}

/* Connected swapped to the group widget, so they stop with it. */
static void
project_changed (GtkWidget *group, NdProject *project)
{
  sync_rows (g_object_get_data (G_OBJECT (group), "nd-catalogue-group"), FALSE);
}

static void
project_loaded (GtkWidget *group, NdProject *project)
{
  sync_rows (g_object_get_data (G_OBJECT (group), "nd-catalogue-group"), FALSE);
}

static void
browser_destroyed (gpointer data, GObject *where)
{
  ((Group *) data)->browser = NULL;
}

static void
browse (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  Group *g = user_data;
  if (g->browser)
    {
      gtk_window_present (GTK_WINDOW (g->browser));
      return;
    }
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (g->group));
  g->browser = nd_catalogue_browser_new (g->project, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error);
  if (!g->browser)
    {
      GtkWidget *d = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                             _("The Channel Catalogue Cannot Be Opened"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (d), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (d));
      return;
    }
  g_object_weak_ref (G_OBJECT (g->browser), browser_destroyed, g);
  gtk_window_present (GTK_WINDOW (g->browser));
}

static void
add (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  Group *g = user_data;
  g_auto (GStrv) parts = g_strsplit (g_variant_get_string (param, NULL), "/", 2);
  g_autoptr (GError) error = NULL;
  if (g_strv_length (parts) != 2)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("A catalogue channel is named “class/file”, e.g. K/143100_Kv4f.mod"));
  else
    nd_project_add_catalogue (g->project, parts[0], parts[1], NULL, &error);
  if (error)
    g_warning ("%s", error->message);
}

static void
group_free (gpointer data)
{
  Group *g = data;
  if (g->browser)
    {
      g_object_weak_unref (G_OBJECT (g->browser), browser_destroyed, g);
      gtk_window_destroy (GTK_WINDOW (g->browser));
    }
  g_ptr_array_unref (g->rows);
  g_free (g);
}

GtkWidget *
nd_catalogue_group_new (NdProject *project, GtkWidget *host)
{
  Group *g = g_new0 (Group, 1);
  g->project = project;
  g->host = host;
  g->rows = g_ptr_array_new ();
  GtkBuilder *builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/nd-catalogue-group.ui");
  g->group = ADW_PREFERENCES_GROUP (g_object_ref (gtk_builder_get_object (builder, "group")));
  g->add_row = GTK_WIDGET (gtk_builder_get_object (builder, "add_row"));
  g_object_unref (builder);
  /* Returned floating, as a widget's _new function does: the page it is added to owns it. */
  g_object_force_floating (G_OBJECT (g->group));
  g_object_set_data_full (G_OBJECT (g->group), "nd-catalogue-group", g, group_free);

  GSimpleActionGroup *actions = g_simple_action_group_new ();
  const GActionEntry entries[] = {
    { .name = "browse", .activate = browse },
    { .name = "add", .activate = add, .parameter_type = "s" },
  };
  g_action_map_add_action_entries (G_ACTION_MAP (actions), entries, G_N_ELEMENTS (entries), g);
  gtk_widget_insert_action_group (host, "catalogue", G_ACTION_GROUP (actions));
  g_object_unref (actions);
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed), g->group, G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "loaded", G_CALLBACK (project_loaded), g->group, G_CONNECT_SWAPPED);
  sync_rows (g, TRUE);
  return GTK_WIDGET (g->group);
}
