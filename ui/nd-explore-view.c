/* nd-explore-view.c: the Explore view's controls, their actions, and live runs.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nd-explore-view-private.h"
#include "nd-rows.h"
#include "nd-task.h"

G_DEFINE_FINAL_TYPE (NdExploreView, nd_explore_view, ADW_TYPE_BIN)

enum { SIGNAL_UPDATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* By default a run predicted to take longer than this goes to a worker thread. */
#define SYNC_LIMIT_US 20000.0

typedef enum { GROUP_STIMULUS, GROUP_CONDITIONS, GROUP_CONCENTRATIONS } NumberGroup;

typedef struct
{
  const char *name;
  const char *title;
  const char *unit;
  double lo, hi, step;
  int digits;
  gsize offset;
  gboolean is_int;
  NumberGroup group;
  double shape;   /* > 0: the slider is linear within about ±shape and logarithmic beyond */
} NumberSpec;

#define P(f) G_STRUCT_OFFSET (nd_explore_params, f)
static const NumberSpec number_specs[] = {
  { "amplitude", N_("Amplitude"), "µA/cm²", -50, 300, 0.1, 1, P (amplitude), FALSE, GROUP_STIMULUS, 5 },
  { "holding", N_("Holding potential"), "mV", -120, 40, 1, 0, P (v_hold), FALSE, GROUP_STIMULUS },
  { "step-potential", N_("Step potential"), "mV", -120, 80, 1, 0, P (v_step), FALSE, GROUP_STIMULUS },
  { "delay", N_("Start"), "ms", 0, 500, 0.5, 1, P (delay), FALSE, GROUP_STIMULUS, 10 },
  { "width", N_("Duration"), "ms", 0, 1000, 0.1, 1, P (width), FALSE, GROUP_STIMULUS, 10 },
  { "interval", N_("Interval"), "ms", 0.5, 200, 0.5, 1, P (interval), FALSE, GROUP_STIMULUS, 10 },
  { "pulses", N_("Pulses"), NULL, 1, 50, 1, 0, P (n_pulses), TRUE, GROUP_STIMULUS, 0 },
  { "noise-sd", N_("Noise amplitude (SD)"), "µA/cm²", 0, 50, 0.1, 1, P (noise_sd), FALSE, GROUP_STIMULUS, 5 },
  { "noise-tau", N_("Noise correlation time"), "ms", 0.1, 50, 0.1, 1, P (noise_tau), FALSE, GROUP_STIMULUS, 2 },
  { "offset", N_("Bias current"), "µA/cm²", -20, 50, 0.1, 1, P (offset), FALSE, GROUP_STIMULUS, 5 },
  { "duration", N_("Simulated time"), "ms", 5, 1000, 5, 0, P (t_stop), FALSE, GROUP_STIMULUS, 50 },
  { "temperature", N_("Temperature"), "°C", 0, 40, 0.1, 1, P (celsius), FALSE, GROUP_CONDITIONS },
  { "fi-max", N_("f-I curve up to"), "µA/cm²", 1, 300, 1, 0, P (fi_hi), FALSE, GROUP_CONDITIONS, 20 },
  { "na-out", N_("Sodium outside"), "mM", 1, 1000, 1, 0, P (na_out), FALSE, GROUP_CONCENTRATIONS, 50 },
  { "na-in", N_("Sodium inside"), "mM", 1, 1000, 1, 0, P (na_in), FALSE, GROUP_CONCENTRATIONS, 50 },
  { "k-out", N_("Potassium outside"), "mM", 0.5, 1000, 0.5, 1, P (k_out), FALSE, GROUP_CONCENTRATIONS, 10 },
  { "k-in", N_("Potassium inside"), "mM", 1, 1000, 1, 0, P (k_in), FALSE, GROUP_CONCENTRATIONS, 50 },
};
#undef P

static const char *const protocol_ids[] = { "step", "pair", "train", "ramp", "noise" };
static const char *const protocol_titles[] = { N_("Step"), N_("Pulse pair"), N_("Pulse train"), N_("Ramp"),
                                               N_("Noise") };
static const struct { const char *action; nd_drug drug; } drug_actions[] = {
  { "block-ttx", ND_DRUG_TTX }, { "block-tea", ND_DRUG_TEA }, { "block-zd7288", ND_DRUG_ZD7288 },
};

static void sync_controls (NdExploreView *self);

/* ---- Live runs ------------------------------------------------------------------------------ */

static void
apply_job (NdExploreView *self, NdExploreJob *job)
{
  if (job->trace && job->trace->n > 0)
    self->us_per_sample = (double) job->elapsed_us / job->trace->n;
  if (job->serial < self->applied)
    {
      nd_explore_job_free (job);
      return;
    }
  nd_explore_view_show_job (self, job);
  g_clear_pointer (&self->shown, nd_explore_job_free);
  self->shown = job;
  self->applied = job->serial;
  g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
}

/* The job is a snapshot of the settings and a copy of the model (nd-task.h). */
static void
run_in_thread (gpointer job, GCancellable *cancellable)
{
  nd_explore_job_run (job);
}

static void start_run (NdExploreView *self);

/* Main loop, the view alive. */
static gboolean
run_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdExploreView *self = ND_EXPLORE_VIEW (owner);
  NdExploreJob *job = data;

  self->worker_busy = FALSE;
  if (cancelled)
    return FALSE;
  /* Drop a stale result when newer settings are waiting: they run now instead. */
  if (job->serial < self->requested)
    {
      if (job->trace && job->trace->n > 0)
        self->us_per_sample = (double) job->elapsed_us / job->trace->n;
      start_run (self);
      return FALSE;
    }
  apply_job (self, job);
  return TRUE;
}

static void
start_run (NdExploreView *self)
{
  if (self->worker_busy)
    return;
  NdExploreJob *job = nd_explore_job_new (self);
  double predicted = self->us_per_sample * nd_explore_n_samples (&self->params);
  if (predicted < self->sync_limit_us)
    {
      nd_explore_job_run (job);
      apply_job (self, job);
      return;
    }
  self->worker_busy = TRUE;
  nd_task_run (self, self->cancellable, job, (GDestroyNotify) nd_explore_job_free, run_in_thread, run_done);
}

static gboolean
run_idle (gpointer data)
{
  NdExploreView *self = data;
  self->run_idle = 0;
  start_run (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces the changes of one main-loop turn (a preset sets many) into one run before the next
 * frame is drawn. */
void
nd_explore_view_schedule_run (NdExploreView *self)
{
  self->requested++;
  if (self->run_idle == 0)
    self->run_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, run_idle, self, NULL);
}

/* ---- Whole-view synchronisation ------------------------------------------------------------- */

static void
update_visibility (NdExploreView *self)
{
  const gboolean vc = self->params.clamp == ND_EXPLORE_VOLTAGE_CLAMP;
  const nd_protocol pr = self->params.protocol;
  for (guint i = 0; i < self->numbers->len; i++)
    {
      NdNumber *n = g_ptr_array_index (self->numbers, i);
      gboolean show = TRUE;
      if (g_str_equal (n->name, "amplitude") || g_str_equal (n->name, "offset"))
        show = !vc;
      else if (g_str_equal (n->name, "holding") || g_str_equal (n->name, "step-potential"))
        show = vc;
      else if (g_str_equal (n->name, "interval"))
        show = !vc && (pr == ND_PROTOCOL_PAIR || pr == ND_PROTOCOL_TRAIN);
      else if (g_str_equal (n->name, "pulses"))
        show = !vc && pr == ND_PROTOCOL_TRAIN;
      else if (g_str_has_prefix (n->name, "noise-"))
        show = !vc && pr == ND_PROTOCOL_NOISE;
      else if (g_str_has_suffix (n->name, "-out") || g_str_has_suffix (n->name, "-in"))
        show = self->params.nernst;
      else if (n->channel >= 0)
        {
          /* Under Nernst the sodium and potassium rows show computed values. */
          const nd_channel *ch = &self->model->channels[n->channel];
          gboolean nernst = self->params.nernst && ch->slot == ND_CHANNEL_KNOWN
                            && (g_str_equal (ch->kind->ion, "na") || g_str_equal (ch->kind->ion, "k"));
          gtk_widget_set_sensitive (n->row, !nernst);
        }
      const char *title = NULL;
      if (g_str_equal (n->name, "width"))
        title = vc ? _("Step duration")
                : pr == ND_PROTOCOL_PAIR || pr == ND_PROTOCOL_TRAIN ? _("Pulse duration")
                : pr == ND_PROTOCOL_RAMP ? _("Ramp duration") : _("Duration");
      else if (g_str_equal (n->name, "amplitude"))
        title = pr == ND_PROTOCOL_RAMP ? _("Ramp to") : pr == ND_PROTOCOL_NOISE ? _("Mean current") : _("Amplitude");
      /* A new title means a new layout: only when it changes. */
      if (title && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (n->row)), title) != 0)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (n->row), title);
      if (gtk_widget_get_visible (n->row) != show)
        gtk_widget_set_visible (n->row, show);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->protocol_row), !vc);
  /* A drug with nothing to block in this model is greyed out. */
  for (guint d = 0; d < G_N_ELEMENTS (drug_actions); d++)
    {
      nd_explore_params probe;
      nd_explore_params_init (&probe);
      probe.drugs = drug_actions[d].drug;
      gboolean any = FALSE;
      for (int c = 0; c < self->model->n_channels && !any; c++)
        any = nd_explore_blocked (self->model, c, &probe);
      g_simple_action_set_enabled (
        G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), drug_actions[d].action)), any);
    }
}

static void
set_action_state (NdExploreView *self, const char *name, GVariant *state)
{
  GAction *a = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);
  g_simple_action_set_state (G_SIMPLE_ACTION (a), state);
}

/* Shows self->params in every action state and widget. */
static void
sync_controls (NdExploreView *self)
{
  gboolean old = self->syncing;
  self->syncing = TRUE;
  for (guint i = 0; i < self->numbers->len; i++)
    nd_explore_number_sync (g_ptr_array_index (self->numbers, i));
  set_action_state (self, "clamp", g_variant_new_string (self->params.clamp == ND_EXPLORE_VOLTAGE_CLAMP ? "voltage" : "current"));
  set_action_state (self, "protocol", g_variant_new_string (protocol_ids[self->params.protocol]));
  adw_combo_row_set_selected (self->protocol_row, self->params.protocol);
  for (guint d = 0; d < G_N_ELEMENTS (drug_actions); d++)
    set_action_state (self, drug_actions[d].action,
                      g_variant_new_boolean ((self->params.drugs & drug_actions[d].drug) != 0));
  set_action_state (self, "nernst", g_variant_new_boolean (self->params.nernst));
  set_action_state (self, "phase-gate", g_variant_new_int32 (self->phase_gate));
  gtk_drop_down_set_selected (self->phase_gate_dropdown, self->phase_gate);
  self->syncing = old;
  update_visibility (self);
}

/* The preset's text, or when the clamp was switched away from the preset's, what the clamp now does:
 * a current-clamp preset's pulses say nothing about a voltage-clamp step. */
static void
show_preset_text (NdExploreView *self)
{
  const nd_preset *p = self->preset;
  nd_explore_params preset_params;
  if (p)
    nd_preset_apply (p, &preset_params);
  if (p && preset_params.clamp == self->params.clamp)
    {
      gtk_label_set_label (self->preset_explanation, _(p->explanation));
      gtk_label_set_label (self->preset_look_for, _(p->look_for));
    }
  else if (self->params.clamp == ND_EXPLORE_VOLTAGE_CLAMP)
    {
      gtk_label_set_label (self->preset_explanation,
        _("Voltage clamp: the amplifier holds the membrane at the holding potential and steps it to the step "
          "potential. The current it injects to do so equals the ionic current, plotted below the command."));
      gtk_label_set_label (self->preset_look_for,
        _("A step to about 0 mV: a brief inward (negative) sodium current, then a sustained outward (positive) "
          "potassium current. Block one with TTX or TEA to see the other alone."));
    }
  else
    {
      gtk_label_set_label (self->preset_explanation,
        _("Current clamp: the stimulus injects current and the membrane potential follows freely, so the "
          "cell can fire action potentials."));
      gtk_label_set_label (self->preset_look_for,
        _("Raise the amplitude until a spike fires. Choose a preset to set up one of the classic "
          "experiments."));
    }
}

/* ---- Actions -------------------------------------------------------------------------------- */

static void
apply_preset (NdExploreView *self, const nd_preset *preset)
{
  self->preset = preset;
  nd_preset_apply (preset, &self->params);
  show_preset_text (self);
  gboolean old = self->syncing;
  self->syncing = TRUE;
  guint index = 0;
  for (const nd_preset *const *p = nd_presets (); *p && *p != preset; p++)
    index++;
  adw_combo_row_set_selected (self->preset_row, index);
  self->syncing = old;
  sync_controls (self);
  nd_explore_view_schedule_run (self);
  switch (preset->view)
    {
    case ND_PRESET_VIEW_FI:
    case ND_PRESET_VIEW_IV:
      gtk_stack_set_visible_child_name (self->plot_stack, "curves");
      nd_explore_view_start_curve (self, preset->view == ND_PRESET_VIEW_FI);
      break;
    case ND_PRESET_VIEW_PHASE:
      gtk_stack_set_visible_child_name (self->plot_stack, "phase");
      break;
    default:
      gtk_stack_set_visible_child_name (self->plot_stack, "time");
      break;
    }
}

static void
preset_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  const nd_preset *preset = nd_preset_lookup (g_variant_get_string (value, NULL));
  if (!preset)
    return;
  g_simple_action_set_state (action, value);
  apply_preset (self, preset);
}

/* Whether two models would simulate the same (structure and every parameter). */
static gboolean
same_model (const nd_model *a, const nd_model *b)
{
  if (!a || !b)
    return a == b;
  if (a->n_channels != b->n_channels || a->n_params != b->n_params || a->cm != b->cm || a->v_init != b->v_init
      || a->celsius != b->celsius)
    return FALSE;
  for (int c = 0; c < a->n_channels; c++)
    if (a->channels[c].slot != b->channels[c].slot || strcmp (a->channels[c].name, b->channels[c].name) != 0
        || a->channels[c].n_gates != b->channels[c].n_gates)
      return FALSE;
  return memcmp (a->params, b->params, a->n_params * sizeof *a->params) == 0;
}

static void
use_model (NdExploreView *self, gboolean project)
{
  nd_model *classic = NULL;
  const nd_model *m = project && self->project_model ? self->project_model : (classic = nd_explore_classic_hh ());
  self->use_project = project && self->project_model != NULL;
  nd_explore_view_set_model (self, m);
  g_clear_pointer (&classic, nd_model_free);
  gboolean old = self->syncing;
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->model_row, self->use_project ? 1 : 0);
  set_action_state (self, "model", g_variant_new_string (self->use_project ? "project" : "classic"));
  self->syncing = old;
}

static void
model_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  const char *s = g_variant_get_string (value, NULL);
  if (!g_str_equal (s, "classic") && !(g_str_equal (s, "project") && self->project_model))
    return;
  use_model (self, g_str_equal (s, "project"));
}

static void
clamp_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  const char *s = g_variant_get_string (value, NULL);
  if (!g_str_equal (s, "current") && !g_str_equal (s, "voltage"))
    return;
  g_simple_action_set_state (action, value);
  self->params.clamp = g_str_equal (s, "voltage") ? ND_EXPLORE_VOLTAGE_CLAMP : ND_EXPLORE_CURRENT_CLAMP;
  show_preset_text (self);
  update_visibility (self);
  nd_explore_view_schedule_run (self);
}

static void
protocol_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  const char *s = g_variant_get_string (value, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (protocol_ids); i++)
    if (g_str_equal (s, protocol_ids[i]))
      {
        g_simple_action_set_state (action, value);
        self->params.protocol = i;
        gboolean old = self->syncing;
        self->syncing = TRUE;
        adw_combo_row_set_selected (self->protocol_row, i);
        self->syncing = old;
        update_visibility (self);
        nd_explore_view_schedule_run (self);
        return;
      }
}

static void
drug_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  for (guint d = 0; d < G_N_ELEMENTS (drug_actions); d++)
    if (g_str_equal (name, drug_actions[d].action))
      {
        if (g_variant_get_boolean (value))
          self->params.drugs |= drug_actions[d].drug;
        else
          self->params.drugs &= ~(unsigned) drug_actions[d].drug;
      }
  g_simple_action_set_state (action, value);
  nd_explore_view_schedule_run (self);
}

static void
nernst_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  self->params.nernst = g_variant_get_boolean (value);
  g_simple_action_set_state (action, value);
  for (guint i = 0; i < self->numbers->len; i++)
    {
      NdNumber *n = g_ptr_array_index (self->numbers, i);
      if (n->channel >= 0)
        nd_explore_number_sync (n);
    }
  update_visibility (self);
  nd_explore_view_schedule_run (self);
}

static void
phase_gate_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  nd_explore_gates gates;
  nd_explore_list_gates (self->model, &gates);
  int k = g_variant_get_int32 (value);
  if (k < 0 || k >= gates.n)
    return;
  self->phase_gate = k;
  g_simple_action_set_state (action, value);
  gboolean old = self->syncing;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->phase_gate_dropdown, k);
  self->syncing = old;
  nd_explore_view_schedule_run (self);
}

static void
page_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  const char *page = g_variant_get_string (value, NULL);
  if (gtk_stack_get_child_by_name (self->plot_stack, page) == NULL)
    return;
  gtk_stack_set_visible_child_name (self->plot_stack, page);
}

static void
compute_fi_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdExploreView *self = user_data;
  gtk_stack_set_visible_child_name (self->plot_stack, "curves");
  nd_explore_view_start_curve (self, TRUE);
}

static void
compute_iv_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdExploreView *self = user_data;
  gtk_stack_set_visible_child_name (self->plot_stack, "curves");
  nd_explore_view_start_curve (self, FALSE);
}

static void
cancel_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdExploreView *self = user_data;
  if (self->curve_cancel)
    g_cancellable_cancel (self->curve_cancel);
}

static const GActionEntry action_entries[] = {
  { "preset", NULL, "s", "'threshold'", preset_change_state },
  { "model", NULL, "s", "'classic'", model_change_state },
  { "clamp", NULL, "s", "'current'", clamp_change_state },
  { "protocol", NULL, "s", "'step'", protocol_change_state },
  { "block-ttx", NULL, NULL, "false", drug_change_state },
  { "block-tea", NULL, NULL, "false", drug_change_state },
  { "block-zd7288", NULL, NULL, "false", drug_change_state },
  { "nernst", NULL, NULL, "false", nernst_change_state },
  { "phase-gate", NULL, "i", "0", phase_gate_change_state },
  { "page", NULL, "s", "'time'", page_change_state },
  { "compute-fi", compute_fi_activated },
  { "compute-iv", compute_iv_activated },
  { "cancel", cancel_activated },
  { "export-plots", nd_explore_view_export_activated },
  { "export-traces", nd_explore_view_export_activated },
};

/* ---- Widget signals ------------------------------------------------------------------------- */

static void
preset_selected (AdwComboRow *row, GParamSpec *pspec, NdExploreView *self)
{
  if (self->syncing)
    return;
  guint i = adw_combo_row_get_selected (row);
  const nd_preset *const *presets = nd_presets ();
  for (guint k = 0; presets[k]; k++)
    if (k == i)
      g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "preset",
                                          g_variant_new_string (presets[k]->id));
}

static void
model_selected (AdwComboRow *row, GParamSpec *pspec, NdExploreView *self)
{
  if (self->syncing)
    return;
  g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "model",
                                      g_variant_new_string (adw_combo_row_get_selected (row) == 1 ? "project"
                                                                                                 : "classic"));
  /* Without a project model the row falls back to the classic model. */
  adw_combo_row_set_selected (row, self->use_project ? 1 : 0);
}

static void
protocol_selected (AdwComboRow *row, GParamSpec *pspec, NdExploreView *self)
{
  guint i = adw_combo_row_get_selected (row);
  if (self->syncing || i >= G_N_ELEMENTS (protocol_ids))
    return;
  g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "protocol",
                                      g_variant_new_string (protocol_ids[i]));
}

static void
gate_selected (GtkDropDown *dropdown, GParamSpec *pspec, NdExploreView *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  if (self->syncing || i == GTK_INVALID_LIST_POSITION)
    return;
  g_action_group_change_action_state (G_ACTION_GROUP (self->actions), "phase-gate", g_variant_new_int32 (i));
}

/* Folded on a narrow window, the controls make way for the plots until asked for. */
static void
flap_folded (AdwFlap *flap, GParamSpec *pspec, NdExploreView *self)
{
  gboolean folded = adw_flap_get_folded (flap);
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), folded);
  adw_flap_set_reveal_flap (flap, !folded);
}

static void
flap_revealed (AdwFlap *flap, GParamSpec *pspec, NdExploreView *self)
{
  gtk_toggle_button_set_active (self->sidebar_button, adw_flap_get_reveal_flap (flap));
}

static void
sidebar_toggled (GtkToggleButton *button, NdExploreView *self)
{
  adw_flap_set_reveal_flap (self->flap, gtk_toggle_button_get_active (button));
}

static void
page_changed (GtkStack *stack, GParamSpec *pspec, NdExploreView *self)
{
  const char *name = gtk_stack_get_visible_child_name (stack);
  if (name)
    set_action_state (self, "page", g_variant_new_string (name));
}

/* ---- Public API ----------------------------------------------------------------------------- */

GtkWidget *
nd_explore_view_new (void)
{
  return g_object_new (ND_TYPE_EXPLORE_VIEW, NULL);
}

GActionGroup *
nd_explore_view_get_actions (NdExploreView *self)
{
  return G_ACTION_GROUP (self->actions);
}

void
nd_explore_view_set_model (NdExploreView *self, const nd_model *model)
{
  g_return_if_fail (ND_IS_EXPLORE_VIEW (self));
  g_return_if_fail (model != NULL);
  nd_explore_view_remove_channel_controls (self);
  g_clear_pointer (&self->model, nd_model_free);
  self->model = nd_model_copy (model);
  for (int c = 0; c < ND_EXPLORE_MAX_CHANNELS; c++)
    {
      self->params.gbar_scale[c] = 1.0;
      self->params.e_rev[c] = NAN;
    }
  self->params.celsius = model->celsius;
  nd_explore_view_add_channel_controls (self);
  nd_explore_view_fill_gate_dropdown (self);
  /* Curves of another model no longer apply. */
  self->fi_n = self->iv_n = 0;
  self->fi_onset = NAN;
  nd_explore_view_show_fi (self);
  nd_explore_view_show_iv (self);
  sync_controls (self);
  nd_explore_view_schedule_run (self);
}

void
nd_explore_view_set_project_model (NdExploreView *self, const nd_model *model)
{
  g_return_if_fail (ND_IS_EXPLORE_VIEW (self));
  if (same_model (model, self->project_model))
    return;
  g_clear_pointer (&self->project_model, nd_model_free);
  if (model)
    self->project_model = nd_model_copy (model);
  /* Follow the project while it is the one shown; without one, back to the classic model. */
  if (self->use_project)
    use_model (self, model != NULL);
}

GPtrArray *
nd_explore_view_get_visible_plots (NdExploreView *self)
{
  g_ptr_array_set_size (self->visible_plots, 0);
  for (int i = 0; i < N_PLOTS; i++)
    if (gtk_widget_is_drawable (GTK_WIDGET (self->plot[i])))
      g_ptr_array_add (self->visible_plots, self->plot[i]);
  return self->visible_plots;
}

void
nd_explore_view_set_sync_limit (NdExploreView *self, double us)
{
  self->sync_limit_us = us;
}

guint64
nd_explore_view_get_requested (NdExploreView *self)
{
  return self->requested;
}

guint64
nd_explore_view_get_applied (NdExploreView *self)
{
  return self->applied;
}

gint64
nd_explore_view_get_last_run_us (NdExploreView *self)
{
  return self->shown ? self->shown->elapsed_us : 0;
}

guint
nd_explore_view_get_n_spikes (NdExploreView *self)
{
  return self->shown && self->shown->trace ? self->shown->trace->n_spikes : 0;
}

gboolean
nd_explore_view_is_computing (NdExploreView *self)
{
  return self->curve_cancel != NULL;
}

guint
nd_explore_view_get_fi_curve (NdExploreView *self, const double **current, const double **rate)
{
  *current = self->fi_current;
  *rate = self->fi_rate;
  return self->fi_n;
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
nd_explore_view_dispose (GObject *object)
{
  NdExploreView *self = ND_EXPLORE_VIEW (object);
  /* Work under way finds the view gone and touches nothing of it (nd-task.h). */
  if (self->curve_cancel)
    g_cancellable_cancel (self->curve_cancel);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->run_idle, g_source_remove);
  g_clear_handle_id (&self->curve_timer, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_EXPLORE_VIEW);
  G_OBJECT_CLASS (nd_explore_view_parent_class)->dispose (object);
}

static void
nd_explore_view_finalize (GObject *object)
{
  NdExploreView *self = ND_EXPLORE_VIEW (object);
  g_clear_pointer (&self->shown, nd_explore_job_free);
  g_clear_pointer (&self->model, nd_model_free);
  g_clear_pointer (&self->project_model, nd_model_free);
  g_clear_object (&self->actions);
  g_clear_object (&self->curve_cancel);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->numbers);
  g_ptr_array_unref (self->channel_widgets);
  g_ptr_array_unref (self->visible_plots);
  for (int i = 0; i < N_PLOTS; i++)
    g_clear_object (&self->plot_model[i]);
  g_free (self->fi_current);
  g_free (self->fi_rate);
  g_free (self->iv_v);
  g_free (self->iv_late);
  g_free (self->iv_peak);
  G_OBJECT_CLASS (nd_explore_view_parent_class)->finalize (object);
}

static void
nd_explore_view_class_init (NdExploreViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_explore_view_dispose;
  object_class->finalize = nd_explore_view_finalize;

  signals[SIGNAL_UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/nd-explore-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, flap);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, preset_row);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, model_row);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, preset_explanation);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, preset_look_for);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, stimulus_group);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, conditions_group);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, conductance_group);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, reversal_group);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, protocol_row);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, ttx_button);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, tea_button);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, zd7288_button);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, plot_stack);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, time_box);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, phase_box);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, kinetics_box);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, curves_box);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, phase_gate_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, fi_button);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, iv_button);
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, cancel_button);
}

static void
nd_explore_view_init (NdExploreView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->numbers = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_explore_number_free);
  self->channel_widgets = g_ptr_array_new ();
  self->visible_plots = g_ptr_array_new ();
  self->actions = g_simple_action_group_new ();
  self->us_per_sample = 0.0;
  self->sync_limit_us = SYNC_LIMIT_US;
  self->cancellable = g_cancellable_new ();
  self->fi_onset = NAN;
  gtk_progress_bar_set_text (self->progress_bar, _("Curves are computed on request"));
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries, G_N_ELEMENTS (action_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "explore", G_ACTION_GROUP (self->actions));
  nd_explore_params_init (&self->params);
  self->model = nd_explore_classic_hh ();

  /* Presets and protocols, translated. */
  GtkStringList *presets = gtk_string_list_new (NULL);
  for (const nd_preset *const *p = nd_presets (); *p; p++)
    gtk_string_list_append (presets, _((*p)->title));
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (presets));
  g_object_unref (presets);
  /* AdwComboRow's own list cuts its items at 20 characters ("Voltage clamp: sodium an…"): the preset and
   * model names wrap instead, with the same check mark at the chosen one. */
  nd_combo_row_wrap_list (self->preset_row, 34);
  nd_combo_row_wrap_list (self->model_row, 34);
  GtkStringList *protocols = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (protocol_titles); i++)
    gtk_string_list_append (protocols, _(protocol_titles[i]));
  adw_combo_row_set_model (self->protocol_row, G_LIST_MODEL (protocols));
  g_object_unref (protocols);

  /* Numeric controls from the table. */
  for (guint i = 0; i < G_N_ELEMENTS (number_specs); i++)
    {
      const NumberSpec *s = &number_specs[i];
      char *field = (char *) &self->params + s->offset;
      NdNumber *n = nd_explore_add_number (self, s->name, _(s->title), s->unit, s->lo, s->hi, s->step, s->digits, s->shape,
                                s->is_int ? NULL : (double *) field, s->is_int ? (int *) field : NULL, -1);
      switch (s->group)
        {
        case GROUP_STIMULUS:
          adw_preferences_group_add (self->stimulus_group, n->row);
          break;
        case GROUP_CONDITIONS:
          adw_preferences_group_add (self->conditions_group, n->row);
          break;
        case GROUP_CONCENTRATIONS:
          adw_preferences_group_add (self->reversal_group, n->row);
          break;
        }
    }
  nd_explore_view_add_channel_controls (self);
  nd_explore_view_fill_gate_dropdown (self);
  nd_explore_view_create_plots (self);

  g_signal_connect (self->preset_row, "notify::selected", G_CALLBACK (preset_selected), self);
  g_signal_connect (self->model_row, "notify::selected", G_CALLBACK (model_selected), self);
  g_signal_connect (self->protocol_row, "notify::selected", G_CALLBACK (protocol_selected), self);
  g_signal_connect (self->phase_gate_dropdown, "notify::selected", G_CALLBACK (gate_selected), self);
  g_signal_connect (self->plot_stack, "notify::visible-child-name", G_CALLBACK (page_changed), self);
  g_signal_connect (self->flap, "notify::folded", G_CALLBACK (flap_folded), self);
  g_signal_connect (self->flap, "notify::reveal-flap", G_CALLBACK (flap_revealed), self);
  g_signal_connect (self->sidebar_button, "toggled", G_CALLBACK (sidebar_toggled), self);
  flap_folded (self->flap, NULL, self);

  nd_explore_view_set_computing (self, FALSE);
  apply_preset (self, nd_presets ()[0]);
}
