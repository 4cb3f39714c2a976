/* nd-cell-card.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "cell-recording.h"
#include "nd-cell-card.h"
#include "nd-rows.h"
#include "nd-text.h"

enum { ROW_REST, ROW_R_IN, ROW_TAU, ROW_C_M, ROW_AREA, ROW_SAG, ROW_RHEOBASE, ROW_RESONANCE, ROW_REPEAT, N_ROWS };
static const char *const row_ids[N_ROWS] = { "rest", "r_in", "tau", "c_m", "area", "sag", "rheobase", "resonance",
                                             "repeat" };

struct _NdCellCard
{
  AdwPreferencesGroup parent_instance;

  NdProject *project;
  gboolean have_props;
  nd_cell_props props;
  char *problem;
  double cm;                     /* the specific capacitance the area was computed with */

  AdwActionRow *rows[N_ROWS];
  GtkLabel *values[N_ROWS];
  GtkWidget *use_area;
  GtkWidget *ljp_row, *c_row;
  GtkSpinButton *ljp_spin;
  GtkEntry *c_entry;
  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (NdCellCard, nd_cell_card, ADW_TYPE_PREFERENCES_GROUP)

enum { SIGNAL_MEASURED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
format_value (double v, const char *format, const char *unit)
{
  if (!isfinite (v))
    return g_strdup ("–");
  g_autofree char *num = nd_text_minus (g_strdup_printf (format, v));
  return unit ? g_strdup_printf ("%s %s", num, unit) : g_steal_pointer (&num);
}

static void
set_value (NdCellCard *self, int row, char *text)
{
  gtk_label_set_text (self->values[row], text);
  g_free (text);
}

static void
show_values (NdCellCard *self)
{
  const nd_cell_props *p = self->have_props ? &self->props : NULL;
  double nan = NAN;
  set_value (self, ROW_REST, format_value (p ? p->v_rest_mV : nan, "%.1f", "mV"));
  set_value (self, ROW_R_IN, format_value (p ? p->r_in_MOhm : nan, "%.0f", "MΩ"));
  set_value (self, ROW_TAU, format_value (p ? p->tau_m_ms : nan, "%.1f", "ms"));
  set_value (self, ROW_C_M, format_value (p ? p->c_m_pF : nan, "%.0f", "pF"));
  set_value (self, ROW_AREA, format_value (p ? p->area_um2 : nan, "%.0f", "µm²"));
  set_value (self, ROW_SAG, format_value (p ? p->sag_ratio : nan, "%.2f", NULL));
  set_value (self, ROW_RHEOBASE, format_value (p ? p->rheobase_pA : nan, "%.0f", "pA"));
  set_value (self, ROW_REPEAT, format_value (p ? p->repeat_rmse_mV : nan, "%.1f", "mV"));
  gboolean resonance = p && isfinite (p->resonance_Hz);
  set_value (self, ROW_RESONANCE, !resonance ? g_strdup ("–")
                                  : p->resonance_Hz > 0.0 ? nd_text_printf (_("%.1f Hz, Q %.2f"), p->resonance_Hz,
                                                                            p->resonance_q)
                                  /* Translators: no resonance (the noun is feminine in German: "keine"). */
                                  : g_strdup (C_("resonance", "none")));

  /* Nothing to show (voltage clamp, no injected current): only the reason. */
  for (int r = 0; r < N_ROWS; r++)
    gtk_widget_set_visible (GTK_WIDGET (self->rows[r]), p != NULL);
  /* Resonance only for a sine sweep: a step protocol cannot say; nor can a sine sweep say sag or rheobase. */
  gtk_widget_set_visible (GTK_WIDGET (self->rows[ROW_RESONANCE]), resonance);
  gtk_widget_set_visible (GTK_WIDGET (self->rows[ROW_SAG]), p && !p->rc_fit);
  gtk_widget_set_visible (GTK_WIDGET (self->rows[ROW_RHEOBASE]), p && !p->rc_fit);
  g_autofree char *z = resonance ? nd_text_printf (_("Impedance %.0f MΩ at %.1f Hz, %.0f MΩ at %.1f Hz"),
                                                   p->z_lo_MOhm, p->z_lo_Hz, p->z_hi_MOhm, p->z_hi_Hz)
                                 : g_strdup ("");
  adw_action_row_set_subtitle (self->rows[ROW_RESONANCE], z);
  gtk_widget_set_visible (self->ljp_row, p != NULL);
  gtk_widget_set_visible (self->c_row, p != NULL);
  NdRecording *rec = self->project ? nd_project_get_recording (self->project) : NULL;
  /* The resting potential's notes: the correction applied, and sweeps that did not start from one rest
   * (a fit cannot follow them: its model starts every sweep from the same rest). */
  g_autoptr (GString) rest = g_string_new (rec && nd_recording_get_ljp (rec) != 0.0
                                             ? _("Liquid-junction potential subtracted") : "");
  if (p && nd_cell_props_baseline_drifts (p))
    {
      if (rest->len)
        g_string_append_c (rest, '\n');
      /* Translators: the sweeps' lowest and highest baseline. */
      g_string_append_printf (rest, _("Sweeps start from %.1f to %.1f mV: the cell changed between sweeps, and a "
                                      "model starts each from the same rest"), p->v_base_lo_mV, p->v_base_hi_mV);
    }
  if (p && nd_cell_props_rest_unusual (p))
    {
      if (rest->len)
        g_string_append_c (rest, '\n');
      /* Translators: the range where living neurons rest, e.g. "−110 to −30 mV". */
      g_string_append_printf (rest, _("Living neurons rest between %.0f and %.0f mV: check the amplifier’s offset "
                                      "and the junction-potential correction, or whether this is a model cell"),
                              ND_CELL_REST_MIN_MV, ND_CELL_REST_MAX_MV);
    }
  g_autofree char *shown = nd_text_minus (g_strdup (rest->str));
  adw_action_row_set_subtitle (self->rows[ROW_REST], shown);
  /* Where the capacitance comes from. */
  const char *source = NULL;
  if (p && isfinite (p->c_m_pF))
    source = !p->c_known ? _("Time constant / input resistance")
             : isfinite (nd_project_get_known_capacitance (self->project)) ? _("As you gave it")
             : _("Reported by the amplifier");
  adw_action_row_set_subtitle (self->rows[ROW_C_M], source ? source : "");
  /* Input resistance and time constant: from the steps, or (the current is no step) from a passive membrane
   * fitted to every sweep. */
  gboolean rc = p && p->rc_fit;
  adw_action_row_set_subtitle (self->rows[ROW_R_IN], rc ? _("A passive membrane fitted to every sweep") : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->rows[ROW_R_IN]),
                               rc ? _("The resistance of a passive membrane (a resistor and a capacitor) whose voltage "
                                      "follows the injected current as closely as possible on every sweep")
                                  : _("Voltage change per injected current at the end of the hyperpolarising steps: the "
                                      "slope of a straight line through them and zero"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->rows[ROW_TAU]),
                               rc ? _("The time constant of that passive membrane: how fast the voltage follows a "
                                      "change of the current")
                                  : _("How fast the membrane charges: one exponential fitted to the start of the "
                                      "hyperpolarising steps, drawn over the trace"));
  g_autofree char *at = g_strdup_printf (_("At %g µF/cm²"), self->cm);
  adw_action_row_set_subtitle (self->rows[ROW_AREA], at);
  gtk_widget_set_sensitive (self->use_area, p && isfinite (p->area_um2));
  g_autofree char *rheo = p && p->rheobase_sweep >= 0 ? g_strdup_printf (_("Sweep %u"), (guint) p->rheobase_sweep + 1) : NULL;
  adw_action_row_set_subtitle (self->rows[ROW_RHEOBASE], rheo ? rheo : "");
  /* Translators: how many pairs of neighbouring sweeps the figure is the median of. */
  g_autofree char *pairs = p && p->repeat_pairs > 0
                             ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Where the current is the same (%d pair of sweeps)",
                                                             "Where the current is the same (median of %d pairs of sweeps)",
                                                             p->repeat_pairs),
                                                p->repeat_pairs)
                             : g_strdup (p ? _("No two sweeps get the same current for long enough") : "");
  adw_action_row_set_subtitle (self->rows[ROW_REPEAT], pairs);
  double header_c = rec ? nd_recording_membrane_capacitance_pF (rec) : NAN;
  g_autofree char *placeholder = isfinite (header_c) ? g_strdup_printf (_("%.1f (amplifier)"), header_c)
                                                     : g_strdup (_("measured"));
  gtk_entry_set_placeholder_text (self->c_entry, placeholder);

  g_autofree char *desc = NULL;
  if (self->problem)
    desc = g_strdup (self->problem);
  else if (p && p->rc_fit)
    /* Translators: a recording whose current is a waveform (a sine sweep, a noise current), not steps. */
    desc = g_strdup_printf (_("The current is no step: a passive membrane fitted to every sweep gives the input "
                              "resistance and time constant (it explains %.0f %% of the voltage)."),
                            100.0 * p->rc_r2);
  else if (p)
    desc = g_strdup_printf (_("From the current step at %.0f–%.0f ms of each sweep."), p->step_start_ms, p->step_end_ms);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), desc);
}

static void
sync_fields (NdCellCard *self)
{
  self->syncing = TRUE;
  nd_spin_set_quietly (self->ljp_spin, nd_project_get_ljp (self->project), self);
  double c = nd_project_get_known_capacitance (self->project);
  g_autofree char *text = isfinite (c) ? g_strdup_printf ("%g", c) : g_strdup ("");
  if (!g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->c_entry)), text))
    gtk_editable_set_text (GTK_EDITABLE (self->c_entry), text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->c_entry), "error");
  self->syncing = FALSE;
}

/* Measures with the project's settings as they are (the fields are left alone: they may be the ones
 * being edited). */
static void
measure (NdCellCard *self)
{
  if (self->have_props)
    nd_cell_props_clear (&self->props);
  self->have_props = FALSE;
  g_clear_pointer (&self->problem, g_free);
  NdRecording *rec = self->project ? nd_project_get_recording (self->project) : NULL;
  if (rec)
    {
      double cm, area, v0, temp;
      nd_project_get_membrane (self->project, &cm, &area, &v0, &temp);
      self->cm = cm;
      g_autoptr (GError) error = NULL;
      gboolean ok = nd_cell_props_from_recording (rec, cm, nd_project_get_known_capacitance (self->project), NAN,
                                                  &self->props, &error);
      /* Partial results (no hyperpolarising step: rest, rheobase and spikes) are shown with the reason. */
      self->have_props = self->props.n_sweeps > 0;
      if (!self->have_props)
        nd_cell_props_clear (&self->props);
      if (!ok)
        self->problem = g_strdup (error->message);
    }
  show_values (self);
  g_signal_emit (self, signals[SIGNAL_MEASURED], 0);
}

void
nd_cell_card_refresh (NdCellCard *self)
{
  if (self->project)
    sync_fields (self);
  measure (self);
}

const nd_cell_props *
nd_cell_card_get_props (NdCellCard *self)
{
  return self->have_props ? &self->props : NULL;
}

const char *
nd_cell_card_get_problem (NdCellCard *self)
{
  return self->problem;
}

const char *
nd_cell_card_get_value_text (NdCellCard *self, const char *which)
{
  for (int r = 0; r < N_ROWS; r++)
    if (g_str_equal (which, row_ids[r]))
      return gtk_label_get_text (self->values[r]);
  return NULL;
}

const char *
nd_cell_card_get_note (NdCellCard *self, const char *which)
{
  for (int r = 0; r < N_ROWS; r++)
    if (g_str_equal (which, row_ids[r]))
      {
        const char *note = adw_action_row_get_subtitle (self->rows[r]);
        return note ? note : "";
      }
  return NULL;
}

static void
ljp_changed (GtkSpinButton *spin, gpointer user_data)
{
  NdCellCard *self = ND_CELL_CARD (user_data);
  if (self->syncing || !self->project)
    return;
  nd_project_set_ljp (self->project, gtk_spin_button_get_value (spin));
  measure (self);
}

/* "45.5", "45,5" or "": a capacitance in pF, or NAN for none; FALSE when the text is not one. */
static gboolean
parse_capacitance (const char *text, double *out)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  if (!*t)
    {
      *out = NAN;
      return TRUE;
    }
  g_strdelimit (t, ",", '.');
  char *end = NULL;
  double v = g_ascii_strtod (t, &end);
  if (!end || *end || !(v > 0.0) || v > 1e6)
    return FALSE;
  *out = v;
  return TRUE;
}

static void
capacitance_changed (GtkEditable *editable, gpointer user_data)
{
  NdCellCard *self = ND_CELL_CARD (user_data);
  if (self->syncing || !self->project)
    return;
  double c;
  if (!parse_capacitance (gtk_editable_get_text (editable), &c))
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  double before = nd_project_get_known_capacitance (self->project);
  if (c == before || (isnan (c) && isnan (before)))
    return;
  nd_project_set_known_capacitance (self->project, c);
  measure (self);
}

static void
use_area_clicked (GtkButton *button, gpointer user_data)
{
  NdCellCard *self = ND_CELL_CARD (user_data);
  if (!self->project || !self->have_props || !isfinite (self->props.area_um2))
    return;
  double cm, area, v0, temp;
  nd_project_get_membrane (self->project, &cm, &area, &v0, &temp);
  nd_project_set_membrane (self->project, cm, self->props.area_um2, v0, temp);
}

/* The specific capacitance changed in the Model view: only the area follows. */
static void
project_changed (NdProject *project, gpointer user_data)
{
  NdCellCard *self = ND_CELL_CARD (user_data);
  double cm, area, v0, temp;
  nd_project_get_membrane (project, &cm, &area, &v0, &temp);
  if (cm == self->cm)
    return;
  self->cm = cm;
  if (self->have_props && isfinite (self->props.c_m_pF))
    self->props.area_um2 = self->props.c_m_pF * 100.0 / cm;
  show_values (self);
}

void
nd_cell_card_set_project (NdCellCard *self, NdProject *project)
{
  g_return_if_fail (self->project == NULL);
  self->project = g_object_ref (project);
  g_signal_connect_object (project, "changed", G_CALLBACK (project_changed), self, 0);
  nd_cell_card_refresh (self);
}

GtkWidget *
nd_cell_card_new (void)
{
  return g_object_new (ND_TYPE_CELL_CARD, NULL);
}

static void
nd_cell_card_dispose (GObject *object)
{
  NdCellCard *self = ND_CELL_CARD (object);
  g_clear_object (&self->project);
  if (self->have_props)
    nd_cell_props_clear (&self->props);
  self->have_props = FALSE;
  g_clear_pointer (&self->problem, g_free);
  G_OBJECT_CLASS (nd_cell_card_parent_class)->dispose (object);
}

static void
nd_cell_card_class_init (NdCellCardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nd_cell_card_dispose;
  signals[SIGNAL_MEASURED] = g_signal_new ("measured", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
nd_cell_card_init (NdCellCard *self)
{
  self->cm = 1.0;
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Cell"));
  const char *titles[N_ROWS] = {
    _("Resting potential"), _("Input resistance"), _("Membrane time constant"), _("Capacitance"),
    _("Membrane area"), _("Sag ratio"), _("Rheobase"), _("Resonance"), _("Sweep to sweep"),
  };
  const char *tips[N_ROWS] = {
    _("The membrane potential before the current step: the median over the sweeps, with spikes left out"),
    _("Voltage change per injected current at the end of the hyperpolarising steps: the slope of a straight "
      "line through them and zero"),
    _("How fast the membrane charges: one exponential fitted to the start of the hyperpolarising steps, "
      "drawn over the trace"),
    _("Time constant divided by input resistance, unless a known capacitance is given below"),
    _("The membrane area this capacitance means at the model’s specific capacitance"),
    _("How much of the largest hyperpolarisation the cell takes back during the step (0: none); a sign of "
      "the h-current"),
    _("The smallest step current that makes the cell fire"),
    _("The frequency of the sine sweep the cell answers most (its impedance: voltage over current, cycle by "
      "cycle), and Q, that impedance over the one at the slowest frequency; none when the slowest is answered "
      "most, as by a passive membrane. h- and M-currents make many neurons resonate at a few hertz"),
    _("How far each sweep is from the next, below threshold, where both get the same current (before and after "
      "the steps): the cell’s own variability, spontaneous spikes included. A model that behaved exactly as the "
      "cell would be this far off the recording: compare a fit’s error below threshold with it"),
  };
  for (int r = 0; r < N_ROWS; r++)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), titles[r]);
      gtk_widget_set_tooltip_text (row, tips[r]);
      GtkWidget *label = gtk_label_new ("–");
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      self->rows[r] = ADW_ACTION_ROW (row);
      self->values[r] = GTK_LABEL (label);
      if (r == ROW_AREA)
        {
          self->use_area = gtk_button_new_with_mnemonic (_("_Use"));
          gtk_widget_set_valign (self->use_area, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (self->use_area, _("Make this the model’s membrane area"));
          g_signal_connect (self->use_area, "clicked", G_CALLBACK (use_area_clicked), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->use_area);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
    }

  GtkWidget *ljp = self->ljp_row = nd_spin_row (_("Liquid-junction potential"), NULL, "mV", -100.0, 100.0, 0.5, 1, 0.0,
                                &self->ljp_spin);
  gtk_widget_set_tooltip_text (ljp, _("Subtracted from the recorded potential for the cell properties and the "
                                      "fit: V = V recorded − LJP"));
  g_signal_connect (self->ljp_spin, "value-changed", G_CALLBACK (ljp_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), ljp);

  GtkWidget *c_row = self->c_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (c_row), _("Known capacitance"));
  gtk_widget_set_tooltip_text (c_row, _("From the amplifier’s whole-cell compensation, for example; leave empty "
                                        "to use the measured one"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  self->c_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_width_chars (GTK_EDITABLE (self->c_entry), 12);
  gtk_entry_set_input_purpose (self->c_entry, GTK_INPUT_PURPOSE_NUMBER);
  g_signal_connect (self->c_entry, "changed", G_CALLBACK (capacitance_changed), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->c_entry));
  GtkWidget *unit = gtk_label_new ("pF");
  gtk_label_set_xalign (GTK_LABEL (unit), 0.0f);
  gtk_label_set_width_chars (GTK_LABEL (unit), 6);
  gtk_widget_add_css_class (unit, "dim-label");
  gtk_box_append (GTK_BOX (box), unit);
  adw_action_row_add_suffix (ADW_ACTION_ROW (c_row), box);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (c_row), GTK_WIDGET (self->c_entry));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), c_row);
}
