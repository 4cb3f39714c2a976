/* nd-reduce-window.c: the assistant's steps, cell loading, actions and exports.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "model-file.h"
#include "morph/reduce.h"
#include "nd-adaptive.h"
#include "nd-error.h"
#include "nd-reduce-window-private.h"
#include "nd-file-dialog.h"
#include "nd-open-folder.h"
#include "nd-scroll-guard.h"

G_DEFINE_FINAL_TYPE (NdReduceWindow, nd_reduce_window, ADW_TYPE_WINDOW)

static const char *const channel_types[N_CH] = { "pospischil_na", "pospischil_kd", "pospischil_m", "leak" };
/* The published CA1 set-up (data/cells/ca1-pospischil.json): the defaults for a bare SWC. */
static const double channel_gbar[N_CH] = { 50.0, 5.0, 0.004, 0.1 };
static const double channel_e[N_CH] = { 50.0, -90.0, -90.0, -70.0 };
static const nd_region region_of[N_R] = { ND_REGION_SOMA, ND_REGION_AXON, ND_REGION_BASAL, ND_REGION_APICAL };

/* ---- small builders ---- */

static GtkSpinButton *
spin_new (double lo, double hi, double step, guint digits)
{
  GtkWidget *s = gtk_spin_button_new_with_range (lo, hi, step);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (s), digits);
  gtk_widget_set_valign (s, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (s), 7);
  nd_scroll_guard_spin (GTK_SPIN_BUTTON (s));
  return GTK_SPIN_BUTTON (s);
}

/* ---- state ---- */

static void step_changed (NdReduceWindow *self);

void
nd_reduce_window_toast (NdReduceWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

void
nd_reduce_window_set_state (NdReduceWindow *self, NdReduceState state)
{
  self->state = state;
  GtkWidget *w = GTK_WIDGET (self);
  gboolean fitting = state == ND_REDUCE_FITTING || state == ND_REDUCE_PAUSED;
  gboolean busy = state == ND_REDUCE_SIMULATING || fitting || state == ND_REDUCE_SCORING;
  gtk_widget_action_set_enabled (w, "reduce.example", !busy);
  gtk_widget_action_set_enabled (w, "reduce.open-cell", !busy);
  gtk_widget_action_set_enabled (w, "reduce.open-swc", !busy);
  gtk_widget_action_set_enabled (w, "reduce.run-full", state != ND_REDUCE_EMPTY && !busy);
  gtk_widget_action_set_enabled (w, "reduce.play", self->n_frames > 0);
  gtk_widget_action_set_enabled (w, "reduce.fit-start", state == ND_REDUCE_SIMULATED || state == ND_REDUCE_DONE);
  gtk_widget_action_set_enabled (w, "reduce.fit-pause", state == ND_REDUCE_FITTING);
  gtk_widget_action_set_enabled (w, "reduce.fit-resume", state == ND_REDUCE_PAUSED);
  gtk_widget_action_set_enabled (w, "reduce.fit-stop", fitting);
  gtk_widget_action_set_enabled (w, "reduce.save-model", state == ND_REDUCE_DONE);
  gtk_widget_action_set_enabled (w, "reduce.export-plots", state == ND_REDUCE_DONE);
  step_changed (self);
  gtk_widget_set_visible (self->pause_button, state != ND_REDUCE_PAUSED);
  gtk_widget_set_visible (self->resume_button, state == ND_REDUCE_PAUSED);
  for (int r = 0; r < N_R; r++)
    for (int c = 0; c < N_CH; c++)
      gtk_widget_set_sensitive (GTK_WIDGET (self->density[r][c]), state != ND_REDUCE_EMPTY && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->use_files), state != ND_REDUCE_EMPTY && !busy);
  GtkSpinButton *others[] = { self->ra, self->cm, self->amp, self->start, self->end, self->duration,
                              self->iterations, self->latents };
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    gtk_widget_set_sensitive (GTK_WIDGET (others[i]), state != ND_REDUCE_EMPTY && !busy);
}

/* ---- step 1: the cell ---- */

static void
show_counts (NdReduceWindow *self)
{
  const nd_cable *c = self->cell->cable;
  double length = 0.0;
  for (int s = 0; s < self->cell->morph->n_sections; s++)
    length += self->cell->morph->sections[s].length;
  g_autofree char *sections = g_strdup_printf ("%d", self->cell->morph->n_sections);
  g_autofree char *comps = g_strdup_printf ("%d", c->n_compartments);
  g_autofree char *len = g_strdup_printf (_("%.0f µm"), length);
  g_autofree char *area = g_strdup_printf (_("%.0f µm²"), nd_cable_total_area (c));
  g_autofree char *soma = g_strdup_printf (_("%.0f µm²"), c->area_um2[self->cell->soma_node]);
  gtk_label_set_text (self->count_labels[0], self->file->name ? self->file->name : "—");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_labels[0]), self->file->name);
  gtk_label_set_text (self->count_labels[1], sections);
  gtk_label_set_text (self->count_labels[2], comps);
  gtk_label_set_text (self->count_labels[3], len);
  gtk_label_set_text (self->count_labels[4], area);
  gtk_label_set_text (self->count_labels[5], soma);
}

static double
density_of (const nd_membrane *m, nd_region r, const char *type)
{
  for (int k = 0; k < m->n_channels[r]; k++)
    if (g_strcmp0 (m->channels[r][k].kind->type, type) == 0)
      return m->channels[r][k].gbar;
  return 0.0;
}

static void
show_settings (NdReduceWindow *self)
{
  const NdCellFile *f = self->file;
  for (int r = 0; r < N_R; r++)
    for (int c = 0; c < N_CH; c++)
      gtk_spin_button_set_value (self->density[r][c], density_of (&f->membrane, region_of[r], channel_types[c]));
  gtk_spin_button_set_value (self->ra, f->ra_ohm_cm);
  gtk_spin_button_set_value (self->cm, f->membrane.cm);
  if (f->has_protocol)
    {
      gtk_spin_button_set_value (self->amp, f->step_amplitude_pA / 1000.0);
      gtk_spin_button_set_value (self->start, f->step_start_ms);
      gtk_spin_button_set_value (self->end, f->step_end_ms);
      gtk_spin_button_set_value (self->duration, f->duration_ms);
    }
}

/* Writes the step 2 settings into a copy of the cell file. */
void
nd_reduce_window_read_settings (NdReduceWindow *self, NdCellFile *f)
{
  for (int r = 0; r < N_R; r++)
    {
      nd_region reg = region_of[r];
      for (int c = 0; c < N_CH; c++)
        {
          double g = gtk_spin_button_get_value (self->density[r][c]);
          int k;
          for (k = 0; k < f->membrane.n_channels[reg]; k++)
            if (g_strcmp0 (f->membrane.channels[reg][k].kind->type, channel_types[c]) == 0)
              break;
          if (k < f->membrane.n_channels[reg])
            f->membrane.channels[reg][k].gbar = g;
          else if (g > 0.0 && k < ND_MORPH_MAX_CHANNELS)
            {
              f->membrane.channels[reg][k] = (nd_channel_density) { nd_channel_lookup (channel_types[c]), g,
                                                                    channel_e[c] };
              f->membrane.n_channels[reg]++;
            }
        }
    }
  f->ra_ohm_cm = gtk_spin_button_get_value (self->ra);
  f->membrane.cm = gtk_spin_button_get_value (self->cm);
  f->has_protocol = TRUE;
  f->step_amplitude_pA = gtk_spin_button_get_value (self->amp) * 1000.0;
  f->step_start_ms = gtk_spin_button_get_value (self->start);
  f->step_end_ms = gtk_spin_button_get_value (self->end);
  f->duration_ms = gtk_spin_button_get_value (self->duration);
  if (!(f->dt_ms > 0.0))
    f->dt_ms = ND_REDUCE_MAX_DT;
}

/* A bare SWC gets the CA1 set-up: the four channels everywhere, one compartment per branch. */
static NdCellFile *
cell_file_for_swc (const char *path)
{
  NdCellFile *f = g_new0 (NdCellFile, 1);
  f->name = g_path_get_basename (path);
  f->morphology_path = g_strdup (path);
  f->segmentation = (nd_segmentation) { .mode = ND_SEGMENT_FIXED, .nseg = 1 };
  for (int r = 0; r < ND_N_REGIONS; r++)
    {
      for (int c = 0; c < N_CH; c++)
        f->membrane.channels[r][c] = (nd_channel_density) { nd_channel_lookup (channel_types[c]), channel_gbar[c],
                                                            channel_e[c] };
      f->membrane.n_channels[r] = N_CH;
    }
  f->membrane.cm = 1.0;
  f->membrane.celsius = 36.0;
  f->ra_ohm_cm = 100.0;
  f->v_init_mV = -70.0;
  f->stim_x = 0.5;
  f->has_protocol = TRUE;
  f->step_amplitude_pA = 650.0;
  f->step_start_ms = 10.0;
  f->step_end_ms = 50.0;
  f->duration_ms = 70.0;
  f->dt_ms = ND_REDUCE_MAX_DT;
  return f;
}

gboolean
nd_reduce_window_open (NdReduceWindow *self, const char *path, GError **error)
{
  g_return_val_if_fail (ND_IS_REDUCE_WINDOW (self), FALSE);
  if (self->state == ND_REDUCE_SIMULATING || self->state == ND_REDUCE_FITTING || self->state == ND_REDUCE_PAUSED
      || self->state == ND_REDUCE_SCORING)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("Stop the running simulation or fit before opening another cell"));
      return FALSE;
    }
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr (NdCellFile) file = NULL;
  g_autoptr (GError) local = NULL;
  if (g_str_has_suffix (path, ".swc") || g_str_has_suffix (path, ".SWC"))
    file = cell_file_for_swc (path);
  else
    file = nd_cell_file_load (path, &local);
  g_autoptr (NdCell) cell = file ? nd_cell_build (file, &local) : NULL;
  if (!cell)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not open “%s”: %s"), base, local->message);
      gtk_label_set_text (self->error_label, msg);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      g_set_error_literal (error, local->domain, local->code, msg);
      return FALSE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  nd_reduce_window_run_clear (self);
  g_clear_pointer (&self->stim_dir, g_free);
  gtk_widget_set_visible (self->files_row, FALSE);
  nd_morphology_view_set_cell (self->morph_view, cell->morph, cell->cable);
  nd_cell_file_free (self->file);
  nd_cell_free (self->cell);
  self->file = g_steal_pointer (&file);
  self->cell = g_steal_pointer (&cell);
  /* Step 3 shows the cell before it has run, coloured by region; the run colours it by voltage. */
  nd_morphology_view_set_cell (self->volt_view, self->cell->morph, self->cell->cable);
  show_counts (self);
  show_settings (self);
  nd_reduce_window_set_state (self, ND_REDUCE_LOADED);
  return TRUE;
}

/* The shipped cell lives in the resources; the cell file names its SWC by a relative path, so both are
 * written to the cache folder first. */
gboolean
nd_reduce_window_open_example (NdReduceWindow *self, GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "neurode", "cells", NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not create the folder “%s”"), dir);
      return FALSE;
    }
  static const char *const names[] = { "ca1-pospischil.json", "ca1-pospischil.swc", "ca1-train-stimulus.csv",
                                       "ca1-heldout-stimulus.csv" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *res = g_strconcat ("/io/github/neurode/Neurode/cells/", names[i], NULL);
      g_autoptr (GBytes) bytes = g_resources_lookup_data (res, 0, error);
      g_autofree char *dest = g_build_filename (dir, names[i], NULL);
      gsize len;
      const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;
      if (!data || !g_file_set_contents (dest, data, (gssize) len, error))
        return FALSE;
    }
  g_autofree char *json = g_build_filename (dir, names[0], NULL);
  if (!nd_reduce_window_open (self, json, error))
    return FALSE;
  /* The shipped stimuli (steps and noisy inputs) train a much better reduced model than one step. */
  self->stim_dir = g_steal_pointer (&dir);
  gtk_widget_set_visible (self->files_row, TRUE);
  gtk_switch_set_active (self->use_files, TRUE);
  return TRUE;
}

static void
open_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  NdReduceWindow *self = data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = nd_file_dialog_chosen_path (GTK_FILE_CHOOSER (dialog));
      if (path)
        nd_reduce_window_open (self, path, NULL);   /* the error shows on the page */
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_file (NdReduceWindow *self, const char *title, const char *filter_name, const char *pattern)
{
  GtkFileChooserNative *dialog = nd_file_dialog_new (GTK_WINDOW (self), title, GTK_FILE_CHOOSER_ACTION_OPEN,
                                                     _("_Open"), NULL, NULL);
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- step 5: results ---- */

void
nd_reduce_window_show_results (NdReduceWindow *self)
{
  for (guint i = 0; i < self->result_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->result_rows, i);
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (g_object_get_data (G_OBJECT (row), "group")), row);
    }
  g_ptr_array_set_size (self->result_rows, 0);
  double t_full = 0.0, t_red = 0.0;
  for (guint i = 0; i < self->n_results; i++)
    {
      const NdReduceResult *r = &self->results[i];
      GtkWidget *row = adw_action_row_new ();
      /* The timing only means something when every spike has its partner. */
      g_autofree char *sub = isfinite (r->spike_shift_ms) && r->spikes_full == r->spikes_reduced
        ? g_strdup_printf (_("Spikes: %d full, %d reduced, %.2f ms apart on average"), r->spikes_full,
                           r->spikes_reduced, r->spike_shift_ms)
        : g_strdup_printf (_("Spikes: %d full, %d reduced"), r->spikes_full, r->spikes_reduced);
      /* A rate a few per cent off drifts the spikes of a long input apart: said beside the counts. */
      if (isfinite (r->rate_error_pct))
        {
          g_autofree char *rate = g_strdup_printf (_("firing rate %.1f Hz full, %.1f Hz reduced (%+.1f %%)"),
                                                   r->rate_full_hz, r->rate_reduced_hz, r->rate_error_pct);
          char *both = g_strdup_printf ("%s · %s", sub, rate);
          g_free (sub);
          sub = both;
        }
      /* A spike train's RMSE grows fast with its spikes' timing: how far the cell itself moves says what
       * an RMSE here means. */
      if (isfinite (r->sens_rmse_mV))
        {
          g_autofree char *sens = g_strdup_printf (_("the full cell itself with %.1f %% more or less input: %.2f mV"),
                                                   100.0 * ND_REDUCE_SENSITIVITY, r->sens_rmse_mV);
          char *both = g_strdup_printf ("%s · %s", sub, sens);
          g_free (sub);
          sub = both;
        }
      g_autofree char *value = g_strdup_printf (_("RMSE %.2f mV"), r->rmse_mV);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->label);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      GtkWidget *label = gtk_label_new (value);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->result_group, row);
      g_object_set_data (G_OBJECT (row), "group", self->result_group);
      g_ptr_array_add (self->result_rows, row);
      t_full += r->t_full_s;
      t_red += r->t_reduced_s;
    }
  adw_preferences_group_set_description (self->result_group, self->n_results == 0
    ? _("Root-mean-square difference of the soma voltage over each protocol. Stop or finish a fit to fill this in.")
    : _("Root-mean-square difference of the soma voltage over each protocol. The held-out protocols were not fitted; "
        "they chose which start and iteration to keep. Beside each, the same difference for the full cell itself "
        "when its input is half a per cent weaker or stronger: spikes a fraction of a millisecond apart already "
        "cost several mV."));
  if (self->n_results == 0)
    return;
  int n_comp = self->run ? self->run->cell->cable->n_compartments : 0;
  g_autofree char *full_title = g_strdup_printf (_("Full model (%d compartments)"), n_comp);
  g_autofree char *full = g_strdup_printf (_("%.1f ms"), t_full * 1000.0);
  g_autofree char *red = g_strdup_printf (_("%.1f ms"), t_red * 1000.0);
  g_autofree char *speed = g_strdup_printf (_("%.1f×"), t_red > 0 ? t_full / t_red : 0.0);
  const char *titles[] = { full_title, _("Reduced model (one compartment)"), _("Speed-up") };
  const char *values[] = { full, red, speed };
  for (int i = 0; i < 3; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), titles[i]);
      GtkWidget *label = gtk_label_new (values[i]);
      gtk_widget_add_css_class (label, "numeric");
      if (i == 2)
        gtk_widget_add_css_class (label, "heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->timing_group, row);
      g_object_set_data (G_OBJECT (row), "group", self->timing_group);
      g_ptr_array_add (self->result_rows, row);
    }
}

gboolean
nd_reduce_window_save_model (NdReduceWindow *self, const char *path, GError **error)
{
  if (self->state != ND_REDUCE_DONE || !self->model)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("There is no reduced model yet: fit one first"));
      return FALSE;
    }
  return nd_model_file_save (self->model, path, error);
}

gboolean
nd_reduce_window_export_plots (NdReduceWindow *self, const char *path, GError **error)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);
  if (!dot || (slash && dot < slash))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("Give the file name an extension: .png, .svg or .pdf"));
      return FALSE;
    }
  g_autofree char *stem = g_strndup (path, dot - path);
  static const char *const names[ND_REDUCE_N_PLOTS] = { "full", "loss", "soma", "axial" };
  for (int i = 0; i < ND_REDUCE_N_PLOTS; i++)
    {
      g_autofree char *p = g_strdup_printf ("%s-%s%s", stem, names[i], dot);
      if (!nd_plot_export (self->plot[i], p, ND_PLOT_FORMAT_AUTO, 900, 560, error))
        return FALSE;
    }
  g_autofree char *png = g_strdup_printf ("%s-morphology.png", stem);
  if (!nd_morphology_view_export_png (self->morph_view, png, 900, 900, error))
    return FALSE;
  if (self->n_frames == 0)
    return TRUE;
  g_autofree char *vpng = g_strdup_printf ("%s-morphology-voltage.png", stem);
  return nd_morphology_view_export_png (self->volt_view, vpng, 900, 900, error);
}

typedef enum { SAVE_MODEL, SAVE_PLOTS } SaveKind;

static void
save_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  NdReduceWindow *self = data;
  SaveKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind"));
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = nd_file_dialog_chosen_path (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GError) error = NULL;
      gboolean ok = path && (kind == SAVE_MODEL ? nd_reduce_window_save_model (self, path, &error)
                                                : nd_reduce_window_export_plots (self, path, &error));
      if (!ok && error)
        nd_reduce_window_toast (self, error->message);
      else if (ok)
        {
          AdwToast *toast = adw_toast_new (kind == SAVE_MODEL ? _("Reduced model saved") : _("Plots exported"));
          adw_toast_set_timeout (toast, 8);
          nd_open_folder_add_to_toast (toast, GTK_WINDOW (self), path);
          adw_toast_overlay_add_toast (self->toasts, toast);
        }
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_save (NdReduceWindow *self, SaveKind kind)
{
  /* Named after the cell ("ca1-pospischil reduced.json"). */
  const char *cell = self->file ? self->file->name : NULL;
  g_autofree char *stem = cell && cell[0] ? g_strdup (cell)
                                          : nd_file_dialog_stem (self->file ? self->file->morphology_path : NULL);
  g_autofree char *name = kind == SAVE_MODEL ? nd_file_dialog_name (stem, "reduced", "json")
                                             : nd_file_dialog_name (stem, "reduce", "svg");
  GtkFileChooserNative *dialog = nd_file_dialog_new (GTK_WINDOW (self), kind == SAVE_MODEL ? _("Save the Reduced Model")
                                                                                          : _("Export the Plots"),
                                                     GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), name, NULL);
  g_object_set_data (G_OBJECT (dialog), "kind", GINT_TO_POINTER (kind));
  g_signal_connect (dialog, "response", G_CALLBACK (save_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- actions ---- */

static const char *const step_names[] = { "cell", "channels", "full", "fit", "results" };

static int
current_step (NdReduceWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);
  for (guint i = 0; i < G_N_ELEMENTS (step_names); i++)
    if (g_strcmp0 (name, step_names[i]) == 0)
      return (int) i;
  return 0;
}

static void
action_activated (GtkWidget *widget, const char *name, GVariant *param)
{
  NdReduceWindow *self = ND_REDUCE_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  if (g_str_equal (name, "reduce.example"))
    {
      if (!nd_reduce_window_open_example (self, &error))
        nd_reduce_window_toast (self, error->message);
    }
  else if (g_str_equal (name, "reduce.open-cell"))
    choose_file (self, _("Open a Cell File"), _("Cell files (JSON)"), "*.json");
  else if (g_str_equal (name, "reduce.open-swc"))
    choose_file (self, _("Open an SWC Morphology"), _("SWC morphologies"), "*.[sS][wW][cC]");
  else if (g_str_equal (name, "reduce.run-full"))
    {
      gtk_stack_set_visible_child_name (self->stack, "full");
      nd_reduce_window_run_full (self);
    }
  else if (g_str_equal (name, "reduce.fit-start"))
    {
      gtk_stack_set_visible_child_name (self->stack, "fit");
      nd_reduce_window_fit_start (self);
    }
  else if (g_str_equal (name, "reduce.fit-pause"))
    nd_reduce_window_fit_pause (self, TRUE);
  else if (g_str_equal (name, "reduce.fit-resume"))
    nd_reduce_window_fit_pause (self, FALSE);
  else if (g_str_equal (name, "reduce.fit-stop"))
    nd_reduce_window_fit_stop (self);
  else if (g_str_equal (name, "reduce.save-model"))
    choose_save (self, SAVE_MODEL);
  else if (g_str_equal (name, "reduce.export-plots"))
    choose_save (self, SAVE_PLOTS);
  else if (g_str_equal (name, "reduce.back"))
    gtk_stack_set_visible_child_name (self->stack, step_names[MAX (current_step (self) - 1, 0)]);
  else if (g_str_equal (name, "reduce.next"))
    gtk_stack_set_visible_child_name (self->stack, step_names[MIN (current_step (self) + 1, 4)]);
}

static void
step_changed (NdReduceWindow *self)
{
  int s = current_step (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reduce.back", s > 0);
  /* Past the first step only with a cell. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reduce.next", s < 4 && (s > 0 || self->state != ND_REDUCE_EMPTY));
}

/* ---- pages ---- */

static void
plane_selected (GtkDropDown *dd, GParamSpec *pspec, NdReduceWindow *self)
{
  NdMorphPlane plane = (NdMorphPlane) gtk_drop_down_get_selected (dd);
  nd_morphology_view_set_plane (self->morph_view, plane);
  nd_morphology_view_set_plane (self->volt_view, plane);
}

/* The densities: a spin button per region and channel, under the channels' names. */
static void
build_density_grid (NdReduceWindow *self)
{
  GtkGrid *inner = GTK_GRID (gtk_widget_get_template_child (GTK_WIDGET (self), ND_TYPE_REDUCE_WINDOW, "density_grid"));
  const char *cols[N_CH] = { _("Na"), _("Kd"), _("Km"), _("Leak") };
  const char *rows[N_R] = { _("Soma"), _("Axon"), _("Basal dendrites"), _("Apical dendrites") };
  for (int c = 0; c < N_CH; c++)
    {
      g_autofree char *head = g_strdup_printf (_("%s (mS/cm²)"), cols[c]);
      GtkWidget *l = gtk_label_new (head);
      gtk_widget_add_css_class (l, "heading");
      gtk_grid_attach (inner, l, c + 1, 0, 1, 1);
    }
  for (int r = 0; r < N_R; r++)
    {
      GtkWidget *l = gtk_label_new (rows[r]);
      gtk_label_set_xalign (GTK_LABEL (l), 0.0);
      gtk_widget_set_hexpand (l, TRUE);
      gtk_grid_attach (inner, l, 0, r + 1, 1, 1);
      for (int c = 0; c < N_CH; c++)
        {
          self->density[r][c] = spin_new (0.0, 1000.0, c == CH_KM ? 0.001 : 0.01, c == CH_KM ? 4 : 3);
          g_autofree char *a11y = g_strdup_printf (_("%s density in the %s, mS/cm²"), cols[c], rows[r]);
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->density[r][c]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          a11y, -1);
          gtk_grid_attach (inner, GTK_WIDGET (self->density[r][c]), c + 1, r + 1, 1, 1);
        }
    }
}

static void
time_changed (GtkAdjustment *adj, NdReduceWindow *self)
{
  /* Snap to the stored frames so the label and the drawing agree. */
  double step = self->frame_ms > 0 ? self->frame_ms : ND_REDUCE_FRAME_MS;
  double t = gtk_adjustment_get_value (adj), snapped = round (t / step) * step;
  if (fabs (snapped - t) > 1e-9 && snapped <= gtk_adjustment_get_upper (adj))
    {
      gtk_adjustment_set_value (adj, snapped);
      return;
    }
  nd_reduce_window_show_frame (self, t);
}

static char *
format_time (GtkScale *scale, double value, gpointer data)
{
  return g_strdup_printf (_("%.2f ms"), value);
}

static gboolean
play_tick (gpointer data)
{
  NdReduceWindow *self = data;
  double t = gtk_adjustment_get_value (self->time_adj) + self->frame_ms;
  if (t > gtk_adjustment_get_upper (self->time_adj))
    t = 0.0;
  gtk_adjustment_set_value (self->time_adj, t);
  return G_SOURCE_CONTINUE;
}

static void
play_toggled (GtkToggleButton *button, NdReduceWindow *self)
{
  gboolean on = gtk_toggle_button_get_active (button);
  gtk_button_set_icon_name (GTK_BUTTON (button), on ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), on ? _("Pause the animation") : _("Play the voltage over time"));
  g_clear_handle_id (&self->play_timer, g_source_remove);
  if (on)
    self->play_timer = g_timeout_add (40, play_tick, self);
}

/* The fit's settings: the defaults, and the number of starts in their words. */
static void
setup_fit_settings (NdReduceWindow *self)
{
  nd_fit_options defaults;
  nd_reduce_fit_options_default (&defaults);
  gtk_spin_button_set_value (self->iterations, defaults.iterations);
  gtk_spin_button_set_range (self->latents, 0, ND_MAX_LATENTS);
  gtk_spin_button_set_value (self->latents, ND_REDUCE_LATENTS);
  g_autofree char *tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "Optimiser steps of the fit’s start",
                                                       "Optimiser steps of each of the fit’s %d starts, which begin "
                                                       "from different random networks; the one that does best on "
                                                       "the held-out protocols is kept", defaults.restarts),
                                          defaults.restarts);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->iterations), tip);
  /* The progress counts every start: say so beside the number. */
  g_autofree char *starts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "× %d start", "× %d starts", defaults.restarts),
                                             defaults.restarts);
  GtkWidget *times = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), ND_TYPE_REDUCE_WINDOW, "starts_label"));
  gtk_label_set_text (GTK_LABEL (times), starts);
  gtk_widget_set_tooltip_text (times, tip);
}

static void
setup_plots (NdReduceWindow *self)
{
  for (int i = 0; i < ND_REDUCE_N_PLOTS; i++)
    {
      self->plot_m[i] = nd_plot_model_new ();
      nd_plot_set_model (self->plot[i], self->plot_m[i]);
    }
  NdPlotModel **m = self->plot_m;
  nd_plot_model_set_title (m[ND_REDUCE_PLOT_FULL], _("Soma voltage of the full model"));
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_FULL], ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_FULL], ND_PLOT_AXIS_Y, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_title (m[ND_REDUCE_PLOT_LOSS], _("Loss"));
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_LOSS], ND_PLOT_AXIS_X, _("Iteration"), NULL, ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_LOSS], ND_PLOT_AXIS_Y, _("Mean squared error"), "mV²", ND_PLOT_SCALE_LOG);
  nd_plot_model_set_title (m[ND_REDUCE_PLOT_SOMA], _("Soma voltage, first training protocol"));
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_SOMA], ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_SOMA], ND_PLOT_AXIS_Y, _("Membrane potential"), "mV", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_title (m[ND_REDUCE_PLOT_AXIAL], _("Current from the soma into the dendrites and axon"));
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_AXIAL], ND_PLOT_AXIS_X, _("Time"), "ms", ND_PLOT_SCALE_LINEAR);
  nd_plot_model_set_axis (m[ND_REDUCE_PLOT_AXIAL], ND_PLOT_AXIS_Y, _("Current"), "pA", ND_PLOT_SCALE_LINEAR);
  NdPlot *fit_plots[] = { self->plot[ND_REDUCE_PLOT_SOMA], self->plot[ND_REDUCE_PLOT_AXIAL] };
  nd_plot_align (fit_plots, 2);
  /* Empty axes alone look like a plot that failed. */
  nd_plot_set_placeholder (self->plot[ND_REDUCE_PLOT_FULL], _("The soma voltage appears here once the full model has run"));
  nd_plot_set_placeholder (self->plot[ND_REDUCE_PLOT_LOSS], _("The loss of every iteration appears here once the fit starts"));
}

/* Closing ends the work at once (a closed window's full run or fit is of no use to anyone). */
static gboolean
nd_reduce_window_close_request (GtkWindow *window)
{
  nd_reduce_window_run_cancel (ND_REDUCE_WINDOW (window));
  GtkWindowClass *parent = GTK_WINDOW_CLASS (nd_reduce_window_parent_class);
  return parent->close_request ? parent->close_request (window) : FALSE;
}

static void
nd_reduce_window_dispose (GObject *object)
{
  NdReduceWindow *self = ND_REDUCE_WINDOW (object);
  g_clear_handle_id (&self->play_timer, g_source_remove);
  nd_reduce_window_run_clear (self);
  if (self->morph_view)
    nd_morphology_view_set_cell (self->morph_view, NULL, NULL);
  g_clear_pointer (&self->cell, nd_cell_free);
  g_clear_pointer (&self->file, nd_cell_file_free);
  g_clear_pointer (&self->stim_dir, g_free);
  for (int i = 0; i < ND_REDUCE_N_PLOTS; i++)
    g_clear_object (&self->plot_m[i]);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_REDUCE_WINDOW);
  G_OBJECT_CLASS (nd_reduce_window_parent_class)->dispose (object);
}

static void
nd_reduce_window_finalize (GObject *object)
{
  NdReduceWindow *self = ND_REDUCE_WINDOW (object);
  g_ptr_array_unref (self->result_rows);
  g_timer_destroy (self->fit_clock);
  g_array_unref (self->hist_x);
  g_array_unref (self->hist_train);
  g_array_unref (self->hist_val);
  G_OBJECT_CLASS (nd_reduce_window_parent_class)->finalize (object);
}

static void
nd_reduce_window_class_init (NdReduceWindowClass *klass)
{
  g_type_ensure (ND_TYPE_ADAPTIVE);
  g_type_ensure (ND_TYPE_PLOT);
  g_type_ensure (ND_TYPE_MORPHOLOGY_VIEW);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = nd_reduce_window_dispose;
  object_class->finalize = nd_reduce_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = nd_reduce_window_close_request;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/neurode/Neurode/ui/nd-reduce-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, stack);
  /* Step 1. */
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, morph_view);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, error_label);
  for (int i = 0; i < (int) G_N_ELEMENTS (((NdReduceWindow *) NULL)->count_labels); i++)
    {
      char id[24];
      g_snprintf (id, sizeof id, "count_label_%d", i);
      gtk_widget_class_bind_template_child_full (widget_class, id, FALSE, G_STRUCT_OFFSET (NdReduceWindow, count_labels[i]));
    }
  gtk_widget_class_bind_template_callback (widget_class, plane_selected);
  /* Step 2 (the density grid's spin buttons are made in code). */
  gtk_widget_class_bind_template_child_full (widget_class, "density_grid", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, ra);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, cm);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, use_files);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, files_row);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, amp);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, start);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, end);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, duration);
  /* Step 3. */
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, full_progress);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, full_status);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, volt_view);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, play);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, time_adj);
  gtk_widget_class_bind_template_child_full (widget_class, "time_scale", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, play_toggled);
  gtk_widget_class_bind_template_callback (widget_class, time_changed);
  /* Step 4. */
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, iterations);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, latents);
  gtk_widget_class_bind_template_child_full (widget_class, "starts_label", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, fit_progress);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, fit_status);
  static const char *const plot_ids[ND_REDUCE_N_PLOTS] = {
    [ND_REDUCE_PLOT_FULL] = "plot_full", [ND_REDUCE_PLOT_LOSS] = "plot_loss",
    [ND_REDUCE_PLOT_SOMA] = "plot_soma", [ND_REDUCE_PLOT_AXIAL] = "plot_axial" };
  for (int i = 0; i < ND_REDUCE_N_PLOTS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, plot_ids[i], FALSE, G_STRUCT_OFFSET (NdReduceWindow, plot[i]));
  /* Step 5. */
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, result_group);
  gtk_widget_class_bind_template_child (widget_class, NdReduceWindow, timing_group);
  static const char *const actions[] = { "reduce.example", "reduce.open-cell", "reduce.open-swc", "reduce.run-full",
                                         "reduce.fit-start", "reduce.fit-pause", "reduce.fit-resume",
                                         "reduce.fit-stop", "reduce.save-model", "reduce.export-plots",
                                         "reduce.back", "reduce.next" };
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, action_activated);
  /* The play button toggles itself; the action only enables it once there are frames. */
  gtk_widget_class_install_action (widget_class, "reduce.play", NULL, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
nd_reduce_window_init (NdReduceWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->result_rows = g_ptr_array_new ();
  self->fit_clock = g_timer_new ();
  self->hist_x = g_array_new (FALSE, FALSE, sizeof (double));
  self->hist_train = g_array_new (FALSE, FALSE, sizeof (double));
  self->hist_val = g_array_new (FALSE, FALSE, sizeof (double));
  build_density_grid (self);
  nd_scroll_guard_all (GTK_WIDGET (self));
  nd_morphology_view_set_coloring (self->volt_view, ND_MORPH_COLOR_VOLTAGE);
  gtk_scale_set_format_value_func (GTK_SCALE (gtk_widget_get_template_child (GTK_WIDGET (self), ND_TYPE_REDUCE_WINDOW,
                                                                            "time_scale")),
                                   format_time, NULL, NULL);
  setup_fit_settings (self);
  setup_plots (self);
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (step_changed), self);
  step_changed (self);
  nd_reduce_window_set_state (self, ND_REDUCE_EMPTY);
}

NdReduceWindow *
nd_reduce_window_new (GtkApplication *app)
{
  return g_object_new (ND_TYPE_REDUCE_WINDOW, "application", app, NULL);
}

NdReduceState
nd_reduce_window_get_state (NdReduceWindow *self)
{
  return self->state;
}

int
nd_reduce_window_get_n_compartments (NdReduceWindow *self)
{
  return self->cell ? self->cell->cable->n_compartments : 0;
}

void
nd_reduce_window_show_step (NdReduceWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
}

void
nd_reduce_window_set_use_stimulus_files (NdReduceWindow *self, gboolean use)
{
  gtk_switch_set_active (self->use_files, use);
}

void
nd_reduce_window_set_playing (NdReduceWindow *self, gboolean playing)
{
  gtk_toggle_button_set_active (self->play, playing);
}

void
nd_reduce_window_set_iterations (NdReduceWindow *self, int iterations)
{
  gtk_spin_button_set_value (self->iterations, iterations);
}

const double *
nd_reduce_window_get_soma_trace (NdReduceWindow *self, gsize *n, double *dt_ms)
{
  if (!self->prots || self->prots->len == 0)
    return NULL;
  const nd_reduce_protocol *p = g_ptr_array_index (self->prots, 0);
  *n = p->n;
  *dt_ms = p->dt_ms;
  return p->v_full;
}

NdPlot *
nd_reduce_window_get_plot (NdReduceWindow *self, NdReducePlot which)
{
  return self->plot[which];
}

NdMorphologyView *
nd_reduce_window_get_morphology (NdReduceWindow *self, gboolean voltage)
{
  return voltage ? self->volt_view : self->morph_view;
}

int
nd_reduce_window_get_iterations_done (NdReduceWindow *self)
{
  return self->iterations_done;
}

const NdReduceResult *
nd_reduce_window_get_results (NdReduceWindow *self, guint *n)
{
  *n = self->n_results;
  return self->results;
}
