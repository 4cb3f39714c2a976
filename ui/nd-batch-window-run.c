/* nd-batch-window-run.c: the plan run here, off the main loop, and its rows on the results page.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The run is engine/batch's local runner (the one `neurode-cli batch` uses) in a GTask thread: it blocks
 * that thread on a main context of its own and starts a neurode-cli process per row. Its progress is
 * copied into small messages handed to the main loop, which only updates labels. The task (nd_task_run) holds
 * the window by a weak reference, so closing the window is never held up: its dispose cancels the run, the runner
 * stops the fits (they keep no result, and run again next time), and the task's end finds no window.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "batch/batch-local.h"
#include "model-file.h"
#include "nd-batch-window-private.h"
#include "nd-project.h"
#include "nd-task.h"

/* ---- rows on the page ---- */

static char *
duration (double s)
{
  if (!isfinite (s))
    return g_strdup ("?");
  if (s < 60.0)
    return g_strdup_printf (_("%.0f s"), ceil (s));
  long t = lround (s);
  if (t < 3600)
    return g_strdup_printf (_("%ld min %02ld s"), t / 60, t % 60);
  return g_strdup_printf (_("%ld h %02ld min"), t / 3600, (t % 3600) / 60);
}

/* A row's outcome in words: "Done in 8 s · training 1.23 mV · validation 2.34 mV · spike counts agree in
 * 80 % of the validation sweeps", for an ensemble "· 3 of 4 fits kept · K.n: where the data went, x∞ band 0.12
 * wide (median), 40 % pinned down" (over the potentials the training data visited, batch-summary.c). */
static void
show_result (NdBatchWindow *self, const char *name, const NdBatchResult *res, const NdBatchFigures *f)
{
  AdwActionRow *row = g_hash_table_lookup (self->rows, name);
  if (!row)
    return;
  g_autoptr (GString) s = g_string_new (NULL);
  g_autofree char *d = duration (res->seconds);
  gboolean done = res->status == ND_BATCH_DONE;
  if (done)
    {
      g_string_append_printf (s, _("Done in %s"), d);
      if (isfinite (f->train_rmse_mV))
        g_string_append_printf (s, _(" · training RMSE %.2f mV"), f->train_rmse_mV);
      if (isfinite (f->validation_rmse_mV))
        g_string_append_printf (s, _(" · validation RMSE %.2f mV"), f->validation_rmse_mV);
      if (isfinite (f->spike_count_agreement))
        g_string_append_printf (s, _(" · spike counts agree in %.0f %% of the validation sweeps"),
                                100.0 * f->spike_count_agreement);
      /* An ensemble: how many fits explain the recording equally well, and how narrow their kinetics are. */
      if (f->fits > 0)
        g_string_append_printf (s, _(" · %d of %d fits kept"), f->fits_kept, f->fits);
      for (int g = 0; g < f->n_gates; g++)
        g_string_append_printf (s, _(" · %s: where the data went, x∞ band %.2f wide (median), %.0f %% pinned down"),
                                f->gates[g].name, f->gates[g].x_inf_band, 100.0 * f->gates[g].constrained);
    }
  else if (res->status == ND_BATCH_FAILED)
    g_string_append_printf (s, _("Failed: %s"), res->message ? res->message : "?");
  else
    g_string_append (s, _("Not done"));
  g_autofree char *escaped = g_markup_escape_text (s->str, -1);
  adw_action_row_set_subtitle (row, escaped);
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (res->status == ND_BATCH_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  /* Done rows open as projects. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), done);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), done ? "batch.open-row" : NULL);
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "open-icon");
  gtk_widget_set_visible (icon, done);
}

static void
set_row_subtitle (NdBatchWindow *self, const char *name, const char *text)
{
  AdwActionRow *row = g_hash_table_lookup (self->rows, name);
  if (row)
    adw_action_row_set_subtitle (row, text);
}

static void
fill_rows (NdBatchWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_list))))
    gtk_list_box_remove (self->rows_list, child);
  g_hash_table_remove_all (self->rows);
  g_autoptr (GArray) summary = nd_batch_summary_collect (self->plan, self->results, NULL);
  for (guint i = 0; i < summary->len; i++)
    {
      const NdBatchSummaryRow *r = &g_array_index (summary, NdBatchSummaryRow, i);
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->name);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", r->name);
      GtkWidget *icon = gtk_image_new_from_icon_name ("go-next-symbolic");
      gtk_widget_set_tooltip_text (icon, _("Open as a project"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      g_object_set_data (G_OBJECT (row), "open-icon", icon);
      gtk_list_box_append (self->rows_list, row);
      g_hash_table_insert (self->rows, g_strdup (r->name), row);
      if (r->result.status == ND_BATCH_INCOMPLETE)
        {
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Waiting"));
          gtk_widget_set_visible (icon, FALSE);
        }
      else
        show_result (self, r->name, &r->result, &r->figures);
    }
}

static void
set_status (NdBatchWindow *self, const char *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text);
}

/* ---- progress from the runner's thread ---- */

typedef struct
{
  NdBatchWindow *self;      /* a strong reference taken in the thread, or NULL */
  guint run_id;
  NdBatchEvent event;
  guint to_run, skipped, done, failed, running;
  double seconds_left;
  char *name;
  NdBatchResult result;
  NdBatchFigures figures;
} Message;

static void
message_free (gpointer data)
{
  Message *m = data;
  g_clear_object (&m->self);
  g_free (m->name);
  nd_batch_result_clear (&m->result);
  g_free (m);
}

typedef struct
{
  GWeakRef window;          /* for the progress messages; the task holds its own (nd-task.h) */
  guint run_id;
  NdBatchPlan *plan;        /* the thread's own copy */
  char *out_dir, *cli;
  guint jobs;
  GCancellable *cancellable;
  guint done, failed, incomplete;
  GError *error;            /* the run's or the summary's, NULL when both went through */
} Run;

static void
run_free (gpointer data)
{
  Run *r = data;
  g_weak_ref_clear (&r->window);
  nd_batch_plan_free (r->plan);
  g_free (r->out_dir);
  g_free (r->cli);
  g_clear_object (&r->cancellable);
  g_clear_error (&r->error);
  g_free (r);
}

static char *
time_left (double s)
{
  if (!isfinite (s))
    return g_strdup (_("time left not known until a fit has finished"));
  g_autofree char *d = duration (s);
  return g_strdup_printf (_("about %s left"), d);
}

static gboolean
show_message (gpointer data)
{
  Message *m = data;
  NdBatchWindow *self = m->self;
  if (!self || m->run_id != self->run_id || !self->rows)
    return G_SOURCE_REMOVE;
  if (m->event == ND_BATCH_EVENT_STARTED)
    set_row_subtitle (self, m->name, _("Fitting…"));
  else if (m->event == ND_BATCH_EVENT_FINISHED)
    show_result (self, m->name, &m->result, &m->figures);
  if (m->event == ND_BATCH_EVENT_STOPPING)
    {
      set_status (self, _("Stopping…"));
      return G_SOURCE_REMOVE;
    }
  guint finished = m->done + m->failed;
  g_autofree char *left = time_left (m->seconds_left);
  g_autofree char *text = g_strdup_printf (_("%u of %u fits finished (%u failed), %u running, %s"), finished,
                                           m->to_run, m->failed, m->running, left);
  set_status (self, text);
  gtk_progress_bar_set_fraction (self->progress, m->to_run ? (double) finished / m->to_run : 1.0);
  return G_SOURCE_REMOVE;
}

/* In the runner's thread. */
static void
on_progress (const NdBatchProgress *p, gpointer user)
{
  Run *r = user;
  Message *m = g_new0 (Message, 1);
  m->self = g_weak_ref_get (&r->window);
  if (!m->self)
    {
      /* The window is gone: nothing to show, and the run should end. */
      g_cancellable_cancel (r->cancellable);
      message_free (m);
      return;
    }
  m->run_id = r->run_id;
  m->event = p->event;
  m->to_run = p->to_run;
  m->skipped = p->skipped;
  m->done = p->done;
  m->failed = p->failed;
  m->running = p->running;
  m->seconds_left = p->seconds_left;
  if (p->row)
    m->name = g_strdup (p->row->name);
  if (p->result)
    {
      m->result = *p->result;
      m->result.message = g_strdup (p->result->message);
      g_autofree char *dir = nd_batch_row_dir (r->out_dir, p->row);
      nd_batch_figures_read (dir, p->row, &m->figures);
    }
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_message, m, message_free);
}

static void
run_thread (gpointer data, GCancellable *cancellable)
{
  Run *r = data;
  NdBatchLocalOptions opt = { .jobs = r->jobs, .cli_path = r->cli };
  gboolean ok = nd_batch_run_local (r->plan, r->out_dir, &opt, on_progress, r, cancellable, &r->error);
  /* The summary, whatever happened, as `neurode-cli batch` writes it (the run's error first). */
  nd_batch_summary_write (r->plan, r->out_dir, NULL, &r->done, &r->failed, &r->incomplete, ok ? &r->error : NULL);
}

/* Main loop, the window open (nd-task.h). */
static gboolean
run_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdBatchWindow *self = owner;
  Run *r = data;
  const GError *error = r->error;
  gboolean ok = error == NULL;
  if (r->run_id != self->run_id)
    return FALSE;
  g_clear_object (&self->cancellable);
  nd_batch_window_update_actions (self);
  gtk_widget_set_visible (self->back_button, TRUE);
  g_autofree char *counts = g_strdup_printf (_("%u done, %u failed, %u not done."), r->done, r->failed, r->incomplete);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Stopped. %s Fit again to run the rest."), counts);
      set_status (self, text);
    }
  else if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("The fits could not go on: %s"), error->message);
      set_status (self, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Finished. %s"), counts);
      set_status (self, text);
    }
  gtk_progress_bar_set_fraction (self->progress, 1.0);
  g_autofree char *where = g_strdup_printf (_("Results and summary.csv in %s"), self->results);
  gtk_label_set_text (self->summary_label, where);
  /* Rows stopped on the way are waiting again. */
  g_autoptr (GArray) rows = nd_batch_summary_collect (self->plan, self->results, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      const NdBatchSummaryRow *row = &g_array_index (rows, NdBatchSummaryRow, i);
      if (row->result.status == ND_BATCH_INCOMPLETE)
        set_row_subtitle (self, row->name, _("Not done"));
    }
  return FALSE;
}

void
nd_batch_window_start (NdBatchWindow *self, const char *plan_path, gboolean run)
{
  g_autoptr (GError) error = NULL;
  NdBatchPlan *plan = nd_batch_plan_load (plan_path, &error);
  if (plan && !nd_batch_plan_check_out (plan, self->results, &error))
    g_clear_pointer (&plan, nd_batch_plan_free);
  if (!plan)
    {
      nd_batch_window_toast (self, error->message);
      return;
    }
  g_autofree char *cli = nd_batch_find_cli ();
  if (run && !cli)
    {
      nd_batch_plan_free (plan);
      nd_batch_window_toast (self, _("The neurode-cli program was not found beside Neurode"));
      return;
    }
  g_clear_pointer (&self->plan, nd_batch_plan_free);
  self->plan = plan;
  self->run_id++;
  fill_rows (self);
  gtk_stack_set_visible_child_name (self->stack, "run");
  gtk_widget_set_visible (self->back_button, !run);
  gtk_label_set_text (self->summary_label, "");
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  if (!run)
    return;

  Run *r = g_new0 (Run, 1);
  g_weak_ref_init (&r->window, self);
  r->run_id = self->run_id;
  r->plan = nd_batch_plan_load (plan_path, NULL);
  r->out_dir = g_strdup (self->results);
  r->cli = g_steal_pointer (&cli);
  r->jobs = (guint) MAX (1, gtk_spin_button_get_value_as_int (self->jobs));
  self->cancellable = g_cancellable_new ();
  r->cancellable = g_object_ref (self->cancellable);
  if (!r->plan)
    {
      run_free (r);
      g_clear_object (&self->cancellable);
      return;
    }
  set_status (self, _("Starting…"));
  nd_batch_window_update_actions (self);
  nd_task_run (self, self->cancellable, r, run_free, run_thread, run_done);
}

void
nd_batch_window_stop (NdBatchWindow *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

/* ---- a row as a project ---- */

/* Column `name` of report.csv's header, or -1. */
static int
report_column (char **header, const char *name)
{
  for (int i = 0; header[i]; i++)
    if (g_str_equal (g_strstrip (header[i]), name))
      return i;
  return -1;
}

/* A number of report.csv, NaN where it is empty ("not measured") or the column is missing. */
static double
report_number (char **f, guint n, int col)
{
  if (col < 0 || (guint) col >= n || !*g_strstrip (f[col]))
    return NAN;
  return g_ascii_strtod (f[col], NULL);
}

static gboolean
load_scores (const char *dir, GArray *scores, GArray *train, GArray *val, GArray *running_free)
{
  g_autofree char *report = g_build_filename (dir, "report.csv", NULL);
  g_autofree char *text = NULL;
  if (g_file_get_contents (report, &text, NULL, NULL))
    {
      /* Read by the header's names: a current-clamp fit's report has spike counts and mV, a voltage-clamp
       * one the membrane current's figures in pA (app/cli-report.h). */
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      g_auto (GStrv) header = g_strsplit (lines[0] ? lines[0] : "", ",", -1);
      const int c_sweep = report_column (header, "sweep"), c_role = report_column (header, "role");
      const int c_rec = report_column (header, "spikes_recorded"), c_model = report_column (header, "spikes_model");
      const int c_shift = report_column (header, "first_spike_shift_ms");
      const int c_sub = report_column (header, "subthreshold_rmse_mV"), c_rmse = report_column (header, "rmse_mV");
      const int c_rmse_pA = report_column (header, "rmse_pA"), c_peak = report_column (header, "peak_pA");
      const int c_peak_model = report_column (header, "peak_model_pA");
      for (int i = 1; lines[0] && lines[i] && c_sweep >= 0 && c_role >= 0; i++)
        {
          g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
          guint n = g_strv_length (f);
          if ((guint) MAX (c_sweep, c_role) >= n || !g_str_equal (g_strstrip (f[c_role]), "validate"))
            continue;
          NdSweepScore s = { .sweep = (guint) g_ascii_strtoull (f[c_sweep], NULL, 10), .role = ND_SWEEP_VALIDATE,
                             .rmse_mV = report_number (f, n, c_rmse),
                             .first_spike_shift_ms = report_number (f, n, c_shift),
                             .subthreshold_rmse_mV = report_number (f, n, c_sub),
                             .voltage_clamp = c_rmse_pA >= 0, .rmse_pA = report_number (f, n, c_rmse_pA),
                             .peak_pA = report_number (f, n, c_peak), .peak_model_pA = report_number (f, n, c_peak_model) };
          double rec = report_number (f, n, c_rec), model = report_number (f, n, c_model);
          s.spikes_recorded = isfinite (rec) ? (int) rec : 0;
          s.spikes_model = isfinite (model) ? (int) model : 0;
          g_array_append_val (scores, s);
        }
    }
  g_autofree char *loss = g_build_filename (dir, "loss.csv", NULL);
  g_autofree char *ltext = NULL;
  if (!g_file_get_contents (loss, &ltext, NULL, NULL))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (ltext, "\n", -1);
  for (int i = 1; lines[0] && lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      if (g_strv_length (f) < 3)
        continue;
      double t = g_ascii_strtod (f[1], NULL), v = *f[2] ? g_ascii_strtod (f[2], NULL) : NAN;
      g_array_append_val (train, t);
      g_array_append_val (val, v);
      /* The stage column (since 6 December 2026). */
      if (g_strv_length (f) >= 4)
        {
          guint8 r = f[3][0] == '1';
          g_array_append_val (running_free, r);
        }
    }
  /* Stages only when every row has one (a loss.csv of an older Neurode has none). */
  if (running_free->len != train->len)
    g_array_set_size (running_free, 0);
  return TRUE;
}

/* The project of a done row: the plan's project with the row's recording and the fitted model. */
static gboolean
write_row_project (NdBatchWindow *self, const NdBatchRow *row, const char *path, GError **error)
{
  if (!self->source_json)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("This row is not a fit"));
      return FALSE;
    }
  g_autoptr (NdProject) p = nd_project_new ();
  if (!nd_project_load_json (p, self->source_json, NULL, error))
    return FALSE;
  /* fit MODEL REC …: the recording is the second word, relative to the plan's folder. */
  if (!row->argv[0] || !row->argv[1] || !row->argv[2])
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("This row is not a fit"));
      return FALSE;
    }
  g_autofree char *rec_path = g_path_is_absolute (row->argv[2]) ? g_strdup (row->argv[2])
                                                                 : g_build_filename (self->plan->base_dir, row->argv[2], NULL);
  g_autofree char *canonical = g_canonicalize_filename (rec_path, NULL);
  NdRecording *source_rec = nd_project_get_recording (p);
  NdStimulusSource src = source_rec ? nd_recording_stimulus_source (source_rec) : ND_STIMULUS_NONE;
  g_autofree char *signal = src == ND_STIMULUS_SIGNAL
                              ? g_strdup (nd_recording_signal (source_rec, nd_recording_stimulus_signal (source_rec))->name)
                              : NULL;
  NdRecording *rec = nd_recording_load (canonical, error);
  if (!rec)
    return FALSE;
  nd_project_relocate_recording (p, rec);
  if (signal)
    {
      int k = nd_recording_find_signal (rec, signal);
      if (k >= 0)
        nd_project_set_stimulus (p, ND_STIMULUS_SIGNAL, k, NULL);
    }
  else if (src == ND_STIMULUS_PROTOCOL)
    nd_project_set_stimulus (p, ND_STIMULUS_PROTOCOL, -1, NULL);

  g_autofree char *dir = nd_batch_row_dir (self->results, row);
  g_autofree char *model_path = g_build_filename (dir, "model.json", NULL);
  nd_model *fitted = nd_model_file_load (model_path, NULL, error);
  if (!fitted)
    return FALSE;
  g_autoptr (GArray) scores = g_array_new (FALSE, FALSE, sizeof (NdSweepScore));
  g_autoptr (GArray) train = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) val = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) running_free = g_array_new (FALSE, FALSE, sizeof (guint8));
  load_scores (dir, scores, train, val, running_free);
  nd_project_accept_model (p, fitted, (const NdSweepScore *) scores->data, scores->len, (const double *) train->data,
                           (const double *) val->data,
                           running_free->len > 0 ? (const guint8 *) running_free->data : NULL, train->len);
  nd_model_free (fitted);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  return nd_project_save (p, file, error);
}

void
nd_batch_window_open_row (NdBatchWindow *self, const char *name)
{
  const NdBatchRow *row = self->plan ? nd_batch_plan_find (self->plan, name) : NULL;
  if (!row || !self->parent || !nd_batch_row_complete (self->results, row))
    return;
  g_autofree char *dir = nd_batch_row_dir (self->results, row);
  g_autofree char *file_name = g_strconcat (name, ".neurode", NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !write_row_project (self, row, path, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot open %s as a project: %s"), name, error->message);
      nd_batch_window_toast (self, text);
      return;
    }
  g_autoptr (GFile) file = g_file_new_for_path (path);
  nd_window_open_file (self->parent, file);
  gtk_window_present (GTK_WINDOW (self->parent));
}
