/* nd-model-view.c: the model builder.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-adaptive.h"
#include "nd-catalogue-group.h"
#include "nd-gate-plots.h"
#include "nd-model-view.h"
#include "nd-plot.h"
#include "nd-rows.h"
#include "nd-scroll-guard.h"
#include "nd-text.h"

typedef struct
{
  AdwExpanderRow *row;
  GtkCheckButton *check;
  GtkSpinButton *gbar, *e;
  GtkCheckButton *fit_gbar, *fit_e;
  GtkSpinButton *v_shift;             /* channels with gates only */
  GtkCheckButton *fit_v_shift;
  GtkSpinButton *v_shift_inact;       /* channels with an inactivation gate only */
  GtkCheckButton *fit_v_shift_inact;
} KnownRow;

struct _NdModelView
{
  GtkBox parent_instance;

  NdProject *project;
  gboolean syncing;           /* widgets are being set from the project */
  gboolean editing;           /* the project is being set from the widgets */

  GtkSpinButton *cm, *v_init, *celsius;
  KnownRow *known;
  guint n_known;

  /* From the template. */
  AdwPreferencesPage *channels_page;
  AdwPreferencesGroup *known_group;
  GtkSwitch *learned_switch;
  AdwEntryRow *learned_name;
  AdwComboRow *gates_row;
  GtkWidget *gate_rows[2];
  GtkEntry *gate_name[2];
  GtkSpinButton *gate_power[2];
  GtkCheckButton *fit_power[2];
  GtkSpinButton *lgbar, *le;
  GtkCheckButton *fit_gbar, *fit_e;
  GtkWidget *gbar_row, *e_row;
  AdwComboRow *size_row, *compare_row;
  GtkWidget *learned_rows[8];
};

G_DEFINE_FINAL_TYPE (NdModelView, nd_model_view, GTK_TYPE_BOX)

/* ---- kinetics window of a library channel ---- */

static void
show_kinetics (GtkButton *button, gpointer user_data)
{
  NdModelView *self = ND_MODEL_VIEW (user_data);
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));
  const nd_channel_kind *kind = nd_project_get_known_kind (self->project, i);
  double cm, area, v0, celsius;
  nd_project_get_membrane (self->project, &cm, &area, &v0, &celsius);

  /* The window the catalogue's channels use too (Escape and Ctrl+W close it). */
  nd_gate_plots_present_window (GTK_WIDGET (self), kind, _(kind->label), celsius);
}

/* ---- edits ---- */

static void
known_summary (NdModelView *self, guint i, const NdKnownSpec *s)
{
  g_autofree char *sub = NULL;
  if (!s->enabled)
    sub = g_strdup (_("Not in the model"));
  else if (s->v_shift_inact != 0.0 && self->known[i].v_shift_inact)
    sub = g_strdup_printf (_("%g mS/cm², %+g mV, kinetics offset %+g mV, inactivation %+g mV more"), s->gbar, s->e,
                           s->v_shift, s->v_shift_inact);
  else if (s->v_shift != 0.0 && self->known[i].v_shift)
    sub = g_strdup_printf (_("%g mS/cm², %+g mV, kinetics offset %+g mV"), s->gbar, s->e, s->v_shift);
  else
    sub = g_strdup_printf (_("%g mS/cm², %+g mV"), s->gbar, s->e);
  sub = nd_text_minus (sub);
  adw_expander_row_set_subtitle (self->known[i].row, sub);
}

static void
known_sensitivity (KnownRow *k, gboolean enabled)
{
  GtkWidget *w[] = { GTK_WIDGET (k->gbar), GTK_WIDGET (k->e), GTK_WIDGET (k->fit_gbar), GTK_WIDGET (k->fit_e),
                     GTK_WIDGET (k->v_shift), GTK_WIDGET (k->fit_v_shift), GTK_WIDGET (k->v_shift_inact),
                     GTK_WIDGET (k->fit_v_shift_inact) };
  for (guint j = 0; j < G_N_ELEMENTS (w); j++)
    if (w[j])
      gtk_widget_set_sensitive (w[j], enabled);
}

static void
known_changed (NdModelView *self, guint i)
{
  if (self->syncing)
    return;
  KnownRow *k = &self->known[i];
  /* The project's spec keeps what has no widget here (a model file's conductance range). */
  NdKnownSpec s = nd_project_get_known (self->project, i);
  s.enabled = gtk_check_button_get_active (k->check);
  s.gbar = gtk_spin_button_get_value (k->gbar);
  s.e = gtk_spin_button_get_value (k->e);
  s.fit_gbar = gtk_check_button_get_active (k->fit_gbar);
  if (k->fit_e)
    s.fit_e = gtk_check_button_get_active (k->fit_e);
  if (k->v_shift)
    {
      s.v_shift = gtk_spin_button_get_value (k->v_shift);
      s.fit_v_shift = gtk_check_button_get_active (k->fit_v_shift);
    }
  if (k->v_shift_inact)
    {
      s.v_shift_inact = gtk_spin_button_get_value (k->v_shift_inact);
      s.fit_v_shift_inact = gtk_check_button_get_active (k->fit_v_shift_inact);
    }
  known_sensitivity (k, s.enabled);
  known_summary (self, i, &s);
  self->editing = TRUE;
  nd_project_set_known (self->project, i, &s);
  self->editing = FALSE;
}

static void
known_check_toggled (GtkCheckButton *check, gpointer user_data)
{
  known_changed (ND_MODEL_VIEW (user_data), GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "index")));
}

static void
known_spin_changed (GtkSpinButton *spin, gpointer user_data)
{
  known_changed (ND_MODEL_VIEW (user_data), GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (spin), "index")));
}

static void
membrane_changed (GtkSpinButton *spin, gpointer user_data)
{
  NdModelView *self = ND_MODEL_VIEW (user_data);
  double cm, area, v0, celsius;
  if (self->syncing || !self->project)
    return;
  nd_project_get_membrane (self->project, &cm, &area, &v0, &celsius);
  self->editing = TRUE;
  nd_project_set_membrane (self->project, gtk_spin_button_get_value (self->cm), area,
                           gtk_spin_button_get_value (self->v_init), gtk_spin_button_get_value (self->celsius));
  self->editing = FALSE;
}

static void
update_learned_sensitivity (NdModelView *self, const NdLearnedSpec *l)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->learned_rows); i++)
    if (self->learned_rows[i])
      gtk_widget_set_sensitive (self->learned_rows[i], l->enabled);
  gtk_widget_set_visible (self->gate_rows[1], l->n_gates > 1);
}

static void
learned_changed (NdModelView *self)
{
  if (self->syncing || !self->project)
    return;
  NdLearnedSpec l = nd_project_get_learned (self->project);
  l.enabled = gtk_switch_get_active (self->learned_switch);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->learned_name));
  g_strlcpy (l.name, name[0] ? name : "learned", sizeof l.name);
  l.n_gates = adw_combo_row_get_selected (self->gates_row) == 1 ? 2 : 1;
  for (int g = 0; g < 2; g++)
    {
      const char *gn = gtk_editable_get_text (GTK_EDITABLE (self->gate_name[g]));
      g_strlcpy (l.gate_name[g], gn[0] ? gn : (g ? "h" : "n"), sizeof l.gate_name[g]);
      l.power[g] = gtk_spin_button_get_value (self->gate_power[g]);
      l.fit_power[g] = gtk_check_button_get_active (self->fit_power[g]);
    }
  l.gbar = gtk_spin_button_get_value (self->lgbar);
  l.e = gtk_spin_button_get_value (self->le);
  l.fit_gbar = gtk_check_button_get_active (self->fit_gbar);
  l.fit_e = gtk_check_button_get_active (self->fit_e);
  l.size = (NdNetSize) MIN (adw_combo_row_get_selected (self->size_row), 2u);
  guint cmp = adw_combo_row_get_selected (self->compare_row);
  const nd_channel_kind *kind = cmp > 0 ? nd_project_get_known_kind (self->project, cmp - 1) : NULL;
  g_strlcpy (l.replaces, kind ? kind->type : "", sizeof l.replaces);
  update_learned_sensitivity (self, &l);
  self->editing = TRUE;
  nd_project_set_learned (self->project, &l);
  self->editing = FALSE;
}

static void
learned_widget_changed (GObject *object, gpointer user_data)
{
  learned_changed (ND_MODEL_VIEW (user_data));
}

static void
learned_widget_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  learned_changed (ND_MODEL_VIEW (user_data));
}

/* ---- building ---- */

/* Sets an entry's text only when it differs (setting it moves the cursor of someone typing). */
static void
set_text (GtkEditable *editable, const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (editable), text) != 0)
    gtk_editable_set_text (editable, text);
}

static void
sync_from_project (NdModelView *self)
{
  double cm, area, v0, celsius;
  self->syncing = TRUE;
  nd_project_get_membrane (self->project, &cm, &area, &v0, &celsius);
  gtk_spin_button_set_value (self->cm, cm);
  gtk_spin_button_set_value (self->v_init, v0);
  gtk_spin_button_set_value (self->celsius, celsius);
  for (guint i = 0; i < self->n_known; i++)
    {
      NdKnownSpec s = nd_project_get_known (self->project, i);
      KnownRow *k = &self->known[i];
      gtk_check_button_set_active (k->check, s.enabled);
      gtk_spin_button_set_value (k->gbar, s.gbar);
      gtk_spin_button_set_value (k->e, s.e);
      gtk_check_button_set_active (k->fit_gbar, s.fit_gbar);
      if (k->fit_e)
        gtk_check_button_set_active (k->fit_e, s.fit_e);
      if (k->v_shift)
        {
          gtk_spin_button_set_value (k->v_shift, s.v_shift);
          gtk_check_button_set_active (k->fit_v_shift, s.fit_v_shift);
        }
      if (k->v_shift_inact)
        {
          gtk_spin_button_set_value (k->v_shift_inact, s.v_shift_inact);
          gtk_check_button_set_active (k->fit_v_shift_inact, s.fit_v_shift_inact);
        }
      known_sensitivity (k, s.enabled);
      known_summary (self, i, &s);
    }
  NdLearnedSpec l = nd_project_get_learned (self->project);
  gtk_switch_set_active (self->learned_switch, l.enabled);
  set_text (GTK_EDITABLE (self->learned_name), l.name);
  adw_combo_row_set_selected (self->gates_row, l.n_gates > 1 ? 1 : 0);
  for (int g = 0; g < 2; g++)
    {
      set_text (GTK_EDITABLE (self->gate_name[g]), l.gate_name[g]);
      gtk_spin_button_set_value (self->gate_power[g], MAX (l.power[g], 1.0));
      gtk_check_button_set_active (self->fit_power[g], l.fit_power[g]);
    }
  gtk_spin_button_set_value (self->lgbar, l.gbar);
  gtk_spin_button_set_value (self->le, l.e);
  gtk_check_button_set_active (self->fit_gbar, l.fit_gbar);
  gtk_check_button_set_active (self->fit_e, l.fit_e);
  adw_combo_row_set_selected (self->size_row, (guint) l.size);
  guint cmp = 0;
  for (guint i = 0; i < self->n_known; i++)
    if (g_str_equal (nd_project_get_known_kind (self->project, i)->type, l.replaces))
      cmp = i + 1;
  adw_combo_row_set_selected (self->compare_row, cmp);
  update_learned_sensitivity (self, &l);
  self->syncing = FALSE;
}

static void
project_loaded (NdProject *project, gpointer user_data)
{
  sync_from_project (ND_MODEL_VIEW (user_data));
}

/* Changes made elsewhere (an accepted fit's values, a template, the membrane area in the Recording view)
 * show here; the view's own edits are already shown. */
static void
project_changed (NdProject *project, gpointer user_data)
{
  NdModelView *self = ND_MODEL_VIEW (user_data);
  if (!self->editing)
    sync_from_project (self);
}

/* ---- templates ---- */

static const char *
template_title (nd_template_kind kind)
{
  return kind == ND_TEMPLATE_CORTICAL ? _("Cortical or hippocampal neuron") : _("Squid axon (HH)");
}

static void
template_confirmed (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  NdModelView *self = ND_MODEL_VIEW (user_data);
  if (g_str_equal (response, "replace"))
    nd_project_apply_template (self->project, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind")));
}

/* model.template("cortical" | "squid"): replaces the model, after asking when it is someone's work. */
static void
template_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdModelView *self = ND_MODEL_VIEW (user_data);
  int kind = nd_template_lookup (g_variant_get_string (param, NULL));
  if (kind < 0)
    return;
  if (!nd_project_get_model_edited (self->project))
    {
      nd_project_apply_template (self->project, kind);
      return;
    }
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *body = g_strdup_printf (
    _("The channels, their conductances and the learned current are replaced by the template “%s”, sized to "
      "the cell. Fit results are cleared. Published channels stay in the list, switched off."),
    template_title (kind));
  GtkWidget *d = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Replace the Model?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (d), "cancel", _("_Cancel"), "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (d), "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (d), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (d), "cancel");
  g_object_set_data (G_OBJECT (d), "kind", GINT_TO_POINTER (kind));
  g_signal_connect_object (d, "response", G_CALLBACK (template_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (d));
}

static GtkWidget *
check_with_label (const char *label, GtkCheckButton **out)
{
  GtkWidget *check = gtk_check_button_new_with_label (label);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  *out = GTK_CHECK_BUTTON (check);
  return check;
}

/* Stacked, the two columns scroll with the window's page rather than each on its own. */
static void
narrow_changed (NdAdaptive *adaptive, GParamSpec *pspec, gpointer user_data)
{
  gboolean narrow = nd_adaptive_get_narrow (adaptive);
  GtkWidget *row = nd_adaptive_get_box (adaptive);
  gtk_box_set_homogeneous (GTK_BOX (row), !narrow);
  for (GtkWidget *page = gtk_widget_get_first_child (row); page; page = gtk_widget_get_next_sibling (page))
    for (GtkWidget *c = gtk_widget_get_first_child (page); c; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_SCROLLED_WINDOW (c))
        nd_adaptive_scroll_alone (GTK_SCROLLED_WINDOW (c), narrow);
}

/* The known channels' rows, one per channel of the project, and the lists that name them. */
static void
build (NdModelView *self)
{
  GtkStringList *cl = gtk_string_list_new (NULL);
  gtk_string_list_append (cl, _("Nothing"));
  for (guint i = 0; i < self->n_known; i++)
    gtk_string_list_append (cl, _(nd_project_get_known_kind (self->project, i)->label));
  adw_combo_row_set_model (self->compare_row, G_LIST_MODEL (cl));
  g_object_unref (cl);

  for (guint i = 0; i < self->n_known; i++)
    {
      const nd_channel_kind *kind = nd_project_get_known_kind (self->project, i);
      GtkWidget *row = adw_expander_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(kind->label));
      self->known[i].row = ADW_EXPANDER_ROW (row);
      GtkWidget *check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (check, _("Include this channel in the model"));
      self->known[i].check = GTK_CHECK_BUTTON (check);
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), check);
      GtkWidget *curves = gtk_button_new_from_icon_name ("nd-curves-symbolic");
      g_autofree char *tip = g_strdup_printf (_("Show the steady states and time constants of %s"), _(kind->label));
      gtk_widget_set_tooltip_text (curves, tip);
      gtk_widget_set_valign (curves, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (curves, "flat");
      g_object_set_data (G_OBJECT (curves), "index", GUINT_TO_POINTER (i));
      g_signal_connect (curves, "clicked", G_CALLBACK (show_kinetics), self);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), curves);
      KnownRow *k = &self->known[i];
      GtkWidget *fit = check_with_label (_("Fit"), &k->fit_gbar);
      gtk_widget_set_tooltip_text (fit, _("Let the fit adjust this conductance (within a factor of 10)"));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), fit);
      GtkWidget *gr = nd_spin_row (_("Maximal conductance"), NULL, "mS/cm²", 0.0, 10000.0, 0.1, 3,
                                   kind->gbar_default, &k->gbar);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), gr);
      /* Where the cell rests depends on the leak's reversal potential, and a real cell's potassium
       * reversal potential on its solutions: the fit may set either (the cortical template fits the
       * leak's, Kd's and M's). */
      GtkWidget *fe = check_with_label (_("Fit"), &k->fit_e);
      gtk_widget_set_tooltip_text (fe, kind->n_gates == 0 ? _("Let the fit adjust the reversal potential (within 30 mV)")
                                                          : _("Let the fit adjust the reversal potential (within 30 mV, or "
                                                              "the template’s range: −100 to −55 mV for potassium)"));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                nd_spin_row_with_check (_("Reversal potential"), NULL, "mV", -150.0, 150.0, 1.0, 1,
                                                        kind->e_default, fe, &k->e));
      g_object_set_data (G_OBJECT (fe), "index", GUINT_TO_POINTER (i));
      g_signal_connect (fe, "toggled", G_CALLBACK (known_check_toggled), self);
      if (kind->n_gates > 0)
        {
          /* A cell's channels often activate a few mV away from the published curves. */
          GtkWidget *fs = check_with_label (_("Fit"), &k->fit_v_shift);
          gtk_widget_set_tooltip_text (fs, _("Let the fit adjust the offset (within 30 mV)"));
          GtkWidget *sr = nd_spin_row_with_check (_("Kinetics offset"), NULL,
                                                  "mV", -ND_VSHIFT_MAX_MV, ND_VSHIFT_MAX_MV, 0.5, 1, 0.0, fs, &k->v_shift);
          gtk_widget_set_tooltip_text (sr, _("Moves the gates’ curves along the voltage axis"));
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), sr);
          g_object_set_data (G_OBJECT (fs), "index", GUINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (k->v_shift), "index", GUINT_TO_POINTER (i));
          g_signal_connect (fs, "toggled", G_CALLBACK (known_check_toggled), self);
          g_signal_connect (k->v_shift, "value-changed", G_CALLBACK (known_spin_changed), self);
        }
      gboolean inactivates = FALSE;
      for (int g = 0; g < kind->n_gates; g++)
        inactivates |= kind->gates[g].inactivation;
      if (inactivates)
        {
          /* Inactivation apart from activation: a cell firing from a depolarised plateau. */
          GtkWidget *fh = check_with_label (_("Fit"), &k->fit_v_shift_inact);
          gtk_widget_set_tooltip_text (fh, _("Let the fit adjust the offset (within 30 mV)"));
          GtkWidget *hr = nd_spin_row_with_check (_("Inactivation offset"), NULL, "mV", -ND_VSHIFT_MAX_MV,
                                                  ND_VSHIFT_MAX_MV, 0.5, 1, 0.0, fh, &k->v_shift_inact);
          gtk_widget_set_tooltip_text (hr, _("Moves the inactivation gate’s curves further along the voltage axis, "
                                             "on top of the kinetics offset"));
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), hr);
          g_object_set_data (G_OBJECT (fh), "index", GUINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (k->v_shift_inact), "index", GUINT_TO_POINTER (i));
          g_signal_connect (fh, "toggled", G_CALLBACK (known_check_toggled), self);
          g_signal_connect (k->v_shift_inact, "value-changed", G_CALLBACK (known_spin_changed), self);
        }
      g_object_set_data (G_OBJECT (fit), "index", GUINT_TO_POINTER (i));
      g_signal_connect (fit, "toggled", G_CALLBACK (known_check_toggled), self);
      GtkWidget *src = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (src), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (src), _("Source"));
      g_autofree char *sub = kind->blocker ? g_strdup_printf (_("%s · blocked by %s"), kind->citation, kind->blocker)
                                           : g_strdup (kind->citation);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (src), sub);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), src);
      g_object_set_data (G_OBJECT (check), "index", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (self->known[i].gbar), "index", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (self->known[i].e), "index", GUINT_TO_POINTER (i));
      g_signal_connect (check, "toggled", G_CALLBACK (known_check_toggled), self);
      g_signal_connect (self->known[i].gbar, "value-changed", G_CALLBACK (known_spin_changed), self);
      g_signal_connect (self->known[i].e, "value-changed", G_CALLBACK (known_spin_changed), self);
      adw_preferences_group_add (self->known_group, row);
    }
  adw_preferences_page_add (self->channels_page,
                            ADW_PREFERENCES_GROUP (nd_catalogue_group_new (self->project, GTK_WIDGET (self))));
}

void
nd_model_view_set_project (NdModelView *self, NdProject *project)
{
  g_return_if_fail (self->project == NULL);
  self->project = g_object_ref (project);
  self->n_known = nd_project_get_n_known (project);
  self->known = g_new0 (KnownRow, self->n_known);
  self->syncing = TRUE;
  build (self);
  self->syncing = FALSE;
  g_signal_connect_object (project, "loaded", G_CALLBACK (project_loaded), self, 0);
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed), self, 0);
  GSimpleActionGroup *actions = g_simple_action_group_new ();
  const GActionEntry entries[] = { { .name = "template", .activate = template_activated, .parameter_type = "s" } };
  g_action_map_add_action_entries (G_ACTION_MAP (actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "model", G_ACTION_GROUP (actions));
  g_object_unref (actions);
  sync_from_project (self);
}

static void
nd_model_view_dispose (GObject *object)
{
  NdModelView *self = ND_MODEL_VIEW (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_MODEL_VIEW);
  g_clear_object (&self->project);
  g_clear_pointer (&self->known, g_free);
  G_OBJECT_CLASS (nd_model_view_parent_class)->dispose (object);
}

static void
nd_model_view_class_init (NdModelViewClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = nd_model_view_dispose;
  g_type_ensure (ND_TYPE_ADAPTIVE);
  gtk_widget_class_set_template_from_resource (wc, RESOURCE_PREFIX "/ui/nd-model-view.ui");
  gtk_widget_class_bind_template_child (wc, NdModelView, channels_page);
  gtk_widget_class_bind_template_child (wc, NdModelView, known_group);
  gtk_widget_class_bind_template_child (wc, NdModelView, cm);
  gtk_widget_class_bind_template_child (wc, NdModelView, v_init);
  gtk_widget_class_bind_template_child (wc, NdModelView, celsius);
  gtk_widget_class_bind_template_child (wc, NdModelView, learned_switch);
  gtk_widget_class_bind_template_child (wc, NdModelView, learned_name);
  gtk_widget_class_bind_template_child (wc, NdModelView, gates_row);
  for (int g = 0; g < 2; g++)
    {
      char id[16];
      g_snprintf (id, sizeof id, "gate_row_%d", g + 1);
      gtk_widget_class_bind_template_child_full (wc, id, FALSE, G_STRUCT_OFFSET (NdModelView, gate_rows[g]));
      g_snprintf (id, sizeof id, "gate_name_%d", g + 1);
      gtk_widget_class_bind_template_child_full (wc, id, FALSE, G_STRUCT_OFFSET (NdModelView, gate_name[g]));
      g_snprintf (id, sizeof id, "gate_power_%d", g + 1);
      gtk_widget_class_bind_template_child_full (wc, id, FALSE, G_STRUCT_OFFSET (NdModelView, gate_power[g]));
      g_snprintf (id, sizeof id, "fit_power_%d", g + 1);
      gtk_widget_class_bind_template_child_full (wc, id, FALSE, G_STRUCT_OFFSET (NdModelView, fit_power[g]));
    }
  gtk_widget_class_bind_template_child (wc, NdModelView, lgbar);
  gtk_widget_class_bind_template_child (wc, NdModelView, le);
  gtk_widget_class_bind_template_child (wc, NdModelView, fit_gbar);
  gtk_widget_class_bind_template_child (wc, NdModelView, fit_e);
  gtk_widget_class_bind_template_child (wc, NdModelView, gbar_row);
  gtk_widget_class_bind_template_child (wc, NdModelView, e_row);
  gtk_widget_class_bind_template_child (wc, NdModelView, size_row);
  gtk_widget_class_bind_template_child (wc, NdModelView, compare_row);
  gtk_widget_class_bind_template_callback (wc, membrane_changed);
  gtk_widget_class_bind_template_callback (wc, learned_widget_changed);
  gtk_widget_class_bind_template_callback (wc, learned_widget_notify);
  gtk_widget_class_bind_template_callback (wc, narrow_changed);
}

static void
nd_model_view_init (NdModelView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  nd_scroll_guard_all (GTK_WIDGET (self));
  for (int g = 0; g < 2; g++)
    {
      g_autofree char *t = g_strdup_printf (_("Gate %d"), g + 1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->gate_rows[g]), t);
    }
  /* Wrapped, not cut: "Verzögerter Gleichrichter, HH (K)". */
  nd_combo_row_wrap (self->gates_row);
  nd_combo_row_wrap (self->size_row);
  nd_combo_row_wrap (self->compare_row);
  GtkWidget *rows[] = { GTK_WIDGET (self->learned_name), GTK_WIDGET (self->gates_row), self->gate_rows[0],
                        self->gate_rows[1], self->gbar_row, self->e_row, GTK_WIDGET (self->size_row),
                        GTK_WIDGET (self->compare_row) };
  G_STATIC_ASSERT (G_N_ELEMENTS (rows) == G_N_ELEMENTS (self->learned_rows));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    self->learned_rows[i] = rows[i];
}
