/* nd-explore-view.c: the Explore view's controls, their actions, and live runs.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-explore-view-private.h"

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

static void schedule_run (NdExploreView *self);
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

static void
run_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  nd_explore_job_run (task_data);
  g_task_return_boolean (task, TRUE);
}

static void start_run (NdExploreView *self);

static void
run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NdExploreView *self = ND_EXPLORE_VIEW (source);
  GTask *task = G_TASK (result);
  NdExploreJob *job = g_task_get_task_data (task);

  /* The task data has no destroy function: the job is ours again from here. */
  self->worker_busy = FALSE;
  /* Drop a stale result when newer settings are waiting: they run now instead. */
  if (job->serial < self->requested)
    {
      if (job->trace && job->trace->n > 0)
        self->us_per_sample = (double) job->elapsed_us / job->trace->n;
      nd_explore_job_free (job);
      start_run (self);
      return;
    }
  apply_job (self, job);
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
  GTask *task = g_task_new (self, NULL, run_done, NULL);
  g_task_set_task_data (task, job, NULL);
  self->worker_busy = TRUE;
  g_task_run_in_thread (task, run_in_thread);
  g_object_unref (task);
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
static void
schedule_run (NdExploreView *self)
{
  self->requested++;
  if (self->run_idle == 0)
    self->run_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, run_idle, self, NULL);
}

/* ---- Numbers -------------------------------------------------------------------------------- */

static void
number_free (NdNumber *n)
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
static void
number_sync (NdNumber *n)
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

static void update_visibility (NdExploreView *self);

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
  number_sync (n);
  /* Nernst potentials follow the temperature and the concentrations. */
  if (self->params.nernst)
    for (guint i = 0; i < self->numbers->len; i++)
      {
        NdNumber *r = g_ptr_array_index (self->numbers, i);
        if (r->channel >= 0)
          number_sync (r);
      }
  schedule_run (self);
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

static NdNumber *
add_number (NdExploreView *self, const char *name, const char *title, const char *subtitle, double lo, double hi,
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

  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  GtkWidget *scale;
  n->shape = shape;
  if (shape > 0.0)
    {
      /* Fine control near zero (a threshold of a few uA/cm2) and still the whole range. */
      double a = asinh (lo / shape), b = asinh (hi / shape);
      n->slider = g_object_ref_sink (gtk_adjustment_new (a, a, b, (b - a) / 200, (b - a) / 20, 0));
      g_signal_connect (n->slider, "value-changed", G_CALLBACK (slider_changed), n);
      scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, n->slider);
    }
  else
    scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, n->adjustment);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_size_request (scale, 110, -1);
  GtkWidget *spin = gtk_spin_button_new (n->adjustment, step, digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_widget_add_css_class (spin, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_box_append (GTK_BOX (box), scale);
  gtk_box_append (GTK_BOX (box), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
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

static void
remove_channel_controls (NdExploreView *self)
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

static void
add_channel_controls (NdExploreView *self)
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
      NdNumber *n = add_number (self, scale_name, label, gsub, 0, 3, 0.05, 2, 0, &self->params.gbar_scale[c], NULL, -1);
      adw_preferences_group_add (self->conductance_group, n->row);
      g_ptr_array_add (self->channel_widgets, n->row);
      g_autofree char *etitle = g_strdup_printf ("E<sub>%s</sub>", label);
      n = add_number (self, rev_name, etitle, "mV", -120, 120, 0.5, 1, 0, NULL, NULL, c);
      adw_preferences_group_add (self->reversal_group, n->row);
      g_ptr_array_add (self->channel_widgets, n->row);
    }
}

static void
fill_gate_dropdown (NdExploreView *self)
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
    number_sync (g_ptr_array_index (self->numbers, i));
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

static void
show_preset_text (NdExploreView *self)
{
  const nd_preset *p = self->preset;
  gtk_label_set_label (self->preset_explanation, p ? _(p->explanation) : "");
  gtk_label_set_label (self->preset_look_for, p ? _(p->look_for) : "");
}

/* ---- Curves --------------------------------------------------------------------------------- */

typedef struct
{
  gboolean is_fi;
  nd_model *base;
  nd_explore_params params;
  GCancellable *cancellable;
  gint *permille;
  int n, n_channels;
  double *x, *y, *late, *peak;
  double onset;
} CurveJob;

static void
curve_job_free (CurveJob *job)
{
  nd_model_free (job->base);
  g_clear_object (&job->cancellable);
  g_free (job->x);
  g_free (job->y);
  g_free (job->late);
  g_free (job->peak);
  g_free (job);
}

static bool
curve_progress (void *data, double fraction)
{
  CurveJob *job = data;
  g_atomic_int_set (job->permille, (gint) (fraction * 1000));
  return !g_cancellable_is_cancelled (job->cancellable);
}

static void
curve_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CurveJob *job = task_data;
  job->onset = NAN;
  if (job->is_fi)
    {
      job->n = nd_explore_fi_curve (job->base, &job->params, job->x, job->y, curve_progress, job);
      /* The grid brackets the onset; a few more runs place it to 0.01 uA/cm2. */
      for (int i = 1; i < job->n && !g_cancellable_is_cancelled (job->cancellable); i++)
        if (job->y[i] > 0.0 && job->y[i - 1] == 0.0)
          {
            job->onset = nd_explore_fi_onset (job->base, &job->params, job->x[i - 1], job->x[i], 0.01);
            break;
          }
    }
  else
    job->n = nd_explore_iv_curve (job->base, &job->params, job->x, job->late, job->peak, curve_progress, job);
  g_task_return_boolean (task, TRUE);
}

static void
set_computing (NdExploreView *self, gboolean computing)
{
  const char *names[] = { "compute-fi", "compute-iv" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), names[i])), !computing);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "cancel")),
                               computing);
}

static gboolean
curve_tick (gpointer data)
{
  NdExploreView *self = data;
  gtk_progress_bar_set_fraction (self->progress_bar, g_atomic_int_get (&self->curve_permille) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void
curve_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NdExploreView *self = ND_EXPLORE_VIEW (source);
  CurveJob *job = g_task_get_task_data (G_TASK (result));
  gboolean cancelled = g_cancellable_is_cancelled (job->cancellable);

  g_clear_handle_id (&self->curve_timer, g_source_remove);
  g_clear_object (&self->curve_cancel);
  set_computing (self, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, cancelled ? 0.0 : 1.0);
  gtk_progress_bar_set_text (self->progress_bar, cancelled ? _("Cancelled")
                                                 : job->is_fi ? _("f-I curve done") : _("I-V curve done"));
  if (job->is_fi)
    {
      self->fi_onset = job->onset;
      g_free (self->fi_current);
      g_free (self->fi_rate);
      self->fi_current = g_steal_pointer (&job->x);
      self->fi_rate = g_steal_pointer (&job->y);
      self->fi_n = job->n;
      nd_explore_view_show_fi (self);
    }
  else
    {
      g_free (self->iv_v);
      g_free (self->iv_late);
      g_free (self->iv_peak);
      self->iv_v = g_steal_pointer (&job->x);
      self->iv_late = g_steal_pointer (&job->late);
      self->iv_peak = g_steal_pointer (&job->peak);
      self->iv_n = job->n;
      self->iv_stride = job->params.iv_points;
      self->iv_channels = job->n_channels;
      nd_explore_view_show_iv (self);
    }
}

static void
start_curve (NdExploreView *self, gboolean is_fi)
{
  if (self->curve_cancel)
    return;
  CurveJob *job = g_new0 (CurveJob, 1);
  job->is_fi = is_fi;
  job->base = nd_model_copy (self->model);
  job->params = self->params;
  job->cancellable = g_cancellable_new ();
  job->permille = &self->curve_permille;
  job->n_channels = self->model->n_channels;
  int n = is_fi ? job->params.fi_points : job->params.iv_points;
  job->x = g_new0 (double, n);
  job->y = g_new0 (double, n);
  job->late = g_new0 (double, n);
  job->peak = g_new0 (double, (gsize) n * MAX (job->n_channels, 1));
  self->curve_cancel = g_object_ref (job->cancellable);
  g_atomic_int_set (&self->curve_permille, 0);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, is_fi ? _("Computing the f-I curve…") : _("Computing the I-V curve…"));
  set_computing (self, TRUE);
  self->curve_timer = g_timeout_add (50, curve_tick, self);
  GTask *task = g_task_new (self, NULL, curve_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) curve_job_free);
  g_task_run_in_thread (task, curve_thread);
  g_object_unref (task);
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
  schedule_run (self);
  switch (preset->view)
    {
    case ND_PRESET_VIEW_FI:
    case ND_PRESET_VIEW_IV:
      gtk_stack_set_visible_child_name (self->plot_stack, "curves");
      start_curve (self, preset->view == ND_PRESET_VIEW_FI);
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

static void
clamp_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  NdExploreView *self = user_data;
  const char *s = g_variant_get_string (value, NULL);
  if (!g_str_equal (s, "current") && !g_str_equal (s, "voltage"))
    return;
  g_simple_action_set_state (action, value);
  self->params.clamp = g_str_equal (s, "voltage") ? ND_EXPLORE_VOLTAGE_CLAMP : ND_EXPLORE_CURRENT_CLAMP;
  update_visibility (self);
  schedule_run (self);
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
        schedule_run (self);
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
  schedule_run (self);
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
        number_sync (n);
    }
  update_visibility (self);
  schedule_run (self);
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
  schedule_run (self);
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
  start_curve (self, TRUE);
}

static void
compute_iv_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdExploreView *self = user_data;
  gtk_stack_set_visible_child_name (self->plot_stack, "curves");
  start_curve (self, FALSE);
}

static void
cancel_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdExploreView *self = user_data;
  if (self->curve_cancel)
    g_cancellable_cancel (self->curve_cancel);
}

static void
export_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdExploreView *self = ND_EXPLORE_VIEW (user_data);
  gboolean traces = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "traces"));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;
      if (path && !(traces ? nd_explore_view_export_traces (self, path, &error)
                           : nd_explore_view_export_plots (self, path, &error)))
        {
          GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
          GtkWidget *msg = adw_message_dialog_new (GTK_WINDOW (root), _("Export failed"), error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (msg), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
export_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdExploreView *self = user_data;
  gboolean traces = g_str_equal (g_action_get_name (G_ACTION (action)), "export-traces");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    traces ? _("Export Traces") : _("Export Plots"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  const char *name = traces ? "explore-traces.csv" : "explore.png";
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  if (!traces)
    {
      /* The extension chooses the format. */
      const char *kinds[][2] = { { N_("PNG image"), "png" }, { N_("SVG drawing"), "svg" }, { N_("PDF document"), "pdf" } };
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          GtkFileFilter *f = gtk_file_filter_new ();
          gtk_file_filter_set_name (f, _(kinds[i][0]));
          gtk_file_filter_add_suffix (f, kinds[i][1]);
          gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), f);
          g_object_unref (f);
        }
    }
  g_object_set_data (G_OBJECT (dialog), "traces", GINT_TO_POINTER (traces));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static const GActionEntry action_entries[] = {
  { "preset", NULL, "s", "'threshold'", preset_change_state },
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
  { "export-plots", export_activated },
  { "export-traces", export_activated },
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
  remove_channel_controls (self);
  g_clear_pointer (&self->model, nd_model_free);
  self->model = nd_model_copy (model);
  for (int c = 0; c < ND_EXPLORE_MAX_CHANNELS; c++)
    {
      self->params.gbar_scale[c] = 1.0;
      self->params.e_rev[c] = NAN;
    }
  self->params.celsius = model->celsius;
  add_channel_controls (self);
  fill_gate_dropdown (self);
  /* Curves of another model no longer apply. */
  self->fi_n = self->iv_n = 0;
  self->fi_onset = NAN;
  nd_explore_view_show_fi (self);
  nd_explore_view_show_iv (self);
  sync_controls (self);
  schedule_run (self);
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
  if (self->curve_cancel)
    g_cancellable_cancel (self->curve_cancel);
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
  g_clear_object (&self->actions);
  g_clear_object (&self->curve_cancel);
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
  gtk_widget_class_bind_template_child (widget_class, NdExploreView, preset_row);
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

  self->numbers = g_ptr_array_new_with_free_func ((GDestroyNotify) number_free);
  self->channel_widgets = g_ptr_array_new ();
  self->visible_plots = g_ptr_array_new ();
  self->actions = g_simple_action_group_new ();
  self->us_per_sample = 0.0;
  self->sync_limit_us = SYNC_LIMIT_US;
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
      NdNumber *n = add_number (self, s->name, _(s->title), s->unit, s->lo, s->hi, s->step, s->digits, s->shape,
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
  add_channel_controls (self);
  fill_gate_dropdown (self);
  nd_explore_view_create_plots (self);

  g_signal_connect (self->preset_row, "notify::selected", G_CALLBACK (preset_selected), self);
  g_signal_connect (self->protocol_row, "notify::selected", G_CALLBACK (protocol_selected), self);
  g_signal_connect (self->phase_gate_dropdown, "notify::selected", G_CALLBACK (gate_selected), self);
  g_signal_connect (self->plot_stack, "notify::visible-child-name", G_CALLBACK (page_changed), self);

  set_computing (self, FALSE);
  apply_preset (self, nd_presets ()[0]);
}
