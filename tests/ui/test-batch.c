/* test-batch.c: Fit Several Recordings, driven through its actions under Xvfb.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From the demo project: a folder with two copies of the demo recording and one without data is fitted
 * here, two at a time (real neurode-cli processes), while a 5 ms watchdog checks that the main loop never
 * waits on the fits; the rows show their results (two done with figures, one failed with its message) and
 * summary.csv is written; running again fits only the failed row; a done row opens as a project in the
 * main window with the fitted model and its recording. Closing the dialog during long fits stops them:
 * no neurode-cli process is left and the stopped rows keep no result. Write Plan for a Cluster writes a
 * plan that `neurode-cli batch` accepts and shows the command. Uncertainty at 2 makes every row an
 * ensemble whose kept fits and bands the rows show. Screenshots at 800×600.
 *
 * Usage: test-batch [LANGUAGE LOCALEDIR]: with a language only the screenshots are taken, in it.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/batch-plan.h"
#include "gate-band.h"
#include "nd-batch-window.h"
#include "nd-test-ui.h"
#include "nd-window.h"

static NdApplication *app;
static NdWindow *window;
static GSettings *settings;
static char *out_dir;
static const char *language;

static char *
fresh_dir (const char *name)
{
  char *dir = g_build_filename (out_dir, name, NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_mkdir_with_parents (dir, 0755);
  return dir;
}

/* A folder with the demo recording twice and a recording without data. */
static char *
recordings (const char *name)
{
  char *dir = fresh_dir (name);
  g_autofree char *demo = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.csv", NULL);
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (demo, &text, &len, NULL));
  const char *copies[] = { "cell-a.csv", "cell-b.csv" };
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *p = g_build_filename (dir, copies[i], NULL);
      g_assert_true (g_file_set_contents (p, text, (gssize) len, NULL));
    }
  g_autofree char *broken = g_build_filename (dir, "broken.csv", NULL);
  g_assert_true (g_file_set_contents (broken, "t_ms,v_mV,i_pA\n", -1, NULL));
  g_autofree char *notes = g_build_filename (dir, "notes.md", NULL);
  g_assert_true (g_file_set_contents (notes, "not a recording\n", -1, NULL));
  return dir;
}

static NdBatchWindow *
open_dialog (void)
{
  nd_test_ui_activate (GTK_WIDGET (window), "win.fit-several", NULL);
  nd_test_ui_spin (200);
  NdBatchWindow *dialog = ND_BATCH_WINDOW (nd_test_ui_find_window (ND_TYPE_BATCH_WINDOW, GTK_WINDOW (window)));
  g_assert_nonnull (dialog);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 800, 600);
  return dialog;
}

static void
shot (GtkWidget *w, const char *name)
{
  nd_test_ui_spin (600);   /* past the stack's slide */
  g_autofree char *full = language ? g_strdup_printf ("%s-%s", name, language) : g_strdup (name);
  g_autofree char *png = nd_test_ui_screenshot (w, full);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.02);
}

static gboolean
finished (gpointer data)
{
  return !nd_batch_window_get_running (data);
}

static const char *
subtitle (NdBatchWindow *d, const char *name)
{
  GtkWidget *row = nd_batch_window_get_row (d, name);
  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static gint64
stamp (const char *results, const char *name)
{
  g_autofree char *p = g_build_filename (results, name, "batch-row.json", NULL);
  GStatBuf st;
  return g_stat (p, &st) == 0 ? (gint64) st.st_mtime * 1000000000 + st.st_mtim.tv_nsec : -1;
}

/* neurode-cli processes started by this test program (children of its runner). */
static int
cli_children (void)
{
  int n = 0;
  GDir *proc = g_dir_open ("/proc", 0, NULL);
  const char *e;
  while (proc && (e = g_dir_read_name (proc)))
    {
      g_autofree char *stat_path = g_build_filename ("/proc", e, "stat", NULL);
      g_autofree char *stat = NULL;
      if (!g_ascii_isdigit (e[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* pid (comm) state ppid ... */
      const char *close = strrchr (stat, ')');
      int ppid = 0;
      char state = 0;
      if (close && sscanf (close + 2, "%c %d", &state, &ppid) == 2 && ppid == getpid () && state != 'Z'
          && strstr (stat, "(neurode-cli)"))
        n++;
    }
  if (proc)
    g_dir_close (proc);
  return n;
}

static gboolean
some_children (gpointer data)
{
  return cli_children () > 0;
}

static gboolean
no_children (gpointer data)
{
  return cli_children () == 0;
}

static void
test_run_here (void)
{
  g_autofree char *dir = recordings ("run");
  NdBatchWindow *d = open_dialog ();
  nd_batch_window_set_folder (d, dir);
  g_assert_cmpuint (nd_batch_window_get_n_recordings (d), ==, 3);
  g_autofree char *results = g_build_filename (dir, "neurode-fits", NULL);
  g_assert_cmpstr (nd_batch_window_get_results_folder (d), ==, results);
  nd_batch_window_set_jobs (d, 2);
  shot (GTK_WIDGET (d), "batch-1-settings");

  nd_test_ui_watch_start ();
  nd_test_ui_activate (GTK_WIDGET (d), "batch.run", NULL);
  g_assert_true (nd_batch_window_get_running (d));
  g_assert_true (nd_test_ui_wait (finished, d, ND_TEST_SANITIZED ? 600000 : 120000));
  NdTestStalls stalls = nd_test_ui_watch_stop ();
  g_print ("main loop while fitting: longest gap %.1f ms (CPU %.1f ms)\n", stalls.max_gap_us / 1e3,
           stalls.max_cpu_gap_us / 1e3);
  g_assert_cmpint (stalls.max_cpu_gap_us, <, 100000);

  g_print ("status: %s\n", nd_batch_window_get_status (d));
  g_assert_nonnull (strstr (nd_batch_window_get_status (d), "Finished. 2 done, 1 failed"));
  for (int i = 0; i < 2; i++)
    {
      const char *name = i ? "cell-b" : "cell-a";
      g_print ("%s: %s\n", name, subtitle (d, name));
      g_assert_true (g_str_has_prefix (subtitle (d, name), "Done in"));
      g_assert_nonnull (strstr (subtitle (d, name), "validation RMSE"));
      g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (nd_batch_window_get_row (d, name))));
    }
  g_print ("broken: %s\n", subtitle (d, "broken"));
  g_assert_true (g_str_has_prefix (subtitle (d, "broken"), "Failed: "));
  g_assert_nonnull (strstr (subtitle (d, "broken"), "no data rows"));
  g_assert_null (nd_batch_window_get_row (d, "notes"));
  g_autofree char *summary_path = g_build_filename (results, "summary.csv", NULL);
  g_autofree char *summary = NULL;
  g_assert_true (g_file_get_contents (summary_path, &summary, NULL, NULL));
  g_assert_nonnull (strstr (summary, "\ncell-a,done,0,"));
  g_assert_nonnull (strstr (summary, "\nbroken,failed,1,"));
  shot (GTK_WIDGET (d), "batch-2-results");

  /* Again, unchanged: only the failed row runs. */
  gint64 a = stamp (results, "cell-a"), b = stamp (results, "broken");
  nd_test_ui_activate (GTK_WIDGET (d), "batch.back", NULL);
  nd_test_ui_activate (GTK_WIDGET (d), "batch.run", NULL);
  g_assert_true (nd_test_ui_wait (finished, d, ND_TEST_SANITIZED ? 300000 : 60000));
  g_assert_cmpint (stamp (results, "cell-a"), ==, a);
  g_assert_cmpint (stamp (results, "broken"), !=, b);
  g_assert_nonnull (strstr (nd_batch_window_get_status (d), "2 done, 1 failed"));

  /* A done row opens as a project: its recording and the fitted model. */
  nd_test_ui_activate (GTK_WIDGET (d), "batch.open-row", g_variant_new_string ("cell-b"));
  nd_test_ui_spin (300);
  NdProject *p = nd_window_get_project (window);
  g_assert_true (g_str_has_suffix (nd_project_get_recording_path (p), "cell-b.csv"));
  g_assert_true (nd_project_get_fitted (p));
  g_autofree char *project_file = g_file_get_path (nd_project_get_file (p));
  g_autofree char *expected = g_build_filename (results, "cell-b", "cell-b.neurode", NULL);
  g_assert_cmpstr (project_file, ==, expected);
  guint n_scores;
  const NdSweepScore *sc = nd_project_get_scores (p, &n_scores);
  g_assert_cmpuint (n_scores, ==, 4);   /* the demo's validation sweeps */
  /* With report.csv's figures (read by its header), not zeros where the report has none. */
  for (guint i = 0; i < n_scores; i++)
    {
      g_assert_cmpint (sc[i].role, ==, ND_SWEEP_VALIDATE);
      g_assert_false (sc[i].voltage_clamp);
      g_assert_true (isfinite (sc[i].subthreshold_rmse_mV) && sc[i].subthreshold_rmse_mV > 0.0);
      g_assert_cmpfloat (sc[i].subthreshold_rmse_mV, <=, sc[i].rmse_mV + 1e-3);
      g_assert_true (isnan (sc[i].first_spike_shift_ms) == (sc[i].spikes_recorded == 0 || sc[i].spikes_model == 0));
    }
  /* The error history with each step's stage, as the row's loss.csv has them (its last column). */
  const double *val;
  const guint8 *running_free;
  guint n_loss;
  nd_project_get_loss (p, &val, &running_free, &n_loss);
  g_autofree char *loss_csv = g_build_filename (results, "cell-b", "loss.csv", NULL), *loss_text = NULL;
  g_assert_true (g_file_get_contents (loss_csv, &loss_text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (loss_text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "iteration,train_loss,val_loss,running_free");
  g_assert_cmpuint (n_loss, ==, g_strv_length (lines) - 2);   /* the header and the empty line after the last */
  g_assert_nonnull (running_free);
  guint n_free = 0;
  for (guint i = 0; i < n_loss; i++)
    {
      g_assert_true (g_str_has_suffix (lines[i + 1], running_free[i] ? ",1" : ",0"));
      n_free += running_free[i];
    }
  g_print ("the opened row's history: %u steps, %u running free\n", n_loss, n_free);
  g_assert_true (n_free > 0 && n_free < n_loss);
  gtk_window_destroy (GTK_WINDOW (d));
  nd_test_ui_spin (100);
}

static void
test_close_stops (void)
{
  /* Fits far too long to end by themselves. */
  g_settings_set_int (settings, "fit-iterations", 100000);
  g_autofree char *dir = recordings ("close");
  NdBatchWindow *d = open_dialog ();
  nd_batch_window_set_folder (d, dir);
  nd_batch_window_set_jobs (d, 2);
  nd_test_ui_activate (GTK_WIDGET (d), "batch.run", NULL);
  g_assert_true (nd_test_ui_wait (some_children, NULL, 30000));
  nd_test_ui_spin (1000);
  g_assert_cmpint (cli_children (), >=, 1);
  gint64 t0 = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (d));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 100000);
  g_assert_true (nd_test_ui_wait (no_children, NULL, 10000));
  nd_test_ui_spin (300);
  g_autofree char *row = g_build_filename (dir, "neurode-fits", "cell-a", NULL);
  g_assert_false (g_file_test (row, G_FILE_TEST_EXISTS));
  g_settings_set_int (settings, "fit-iterations", 10);
}

static void
test_write_plan (void)
{
  g_autofree char *dir = recordings ("plan");
  NdBatchWindow *d = open_dialog ();
  nd_batch_window_set_folder (d, dir);
  nd_batch_window_set_seeds (d, 2);
  nd_test_ui_activate (GTK_WIDGET (d), "batch.write-plan", NULL);
  nd_test_ui_spin (300);
  GtkWindow *message = nd_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (d));
  g_assert_nonnull (message);
  const char *body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (message));
  g_assert_nonnull (strstr (body, "<tt>neurode-cli batch neurode-fits/plan.csv --out neurode-fits --slurm"));
  shot (GTK_WIDGET (message), "batch-3-plan");
  gtk_window_destroy (message);

  g_autofree char *plan_path = g_build_filename (dir, "neurode-fits", "plan.csv", NULL);
  g_autofree char *plan_text = NULL;
  g_assert_true (g_file_get_contents (plan_path, &plan_text, NULL, NULL));
  g_print ("%s", plan_text);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdBatchPlan) plan = nd_batch_plan_load (plan_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->rows->len, ==, 6);
  const NdBatchRow *row = nd_batch_plan_find (plan, "cell-a-seed2");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (row->args, "fit model-"));
  g_assert_nonnull (strstr (row->args, " ../cell-a.csv --train 1,3 --validate 0,2,4,5 --iterations 10 "
                                      "--restarts 1 --dt 0.025 --stimulus i --seed 2"));
  gtk_window_destroy (GTK_WINDOW (d));
}

/* Uncertainty at 2: the row is the Fit view's setting, every row of the plan an ensemble (seeds of one
 * recording's rows 2 apart, so no fit is repeated), and the results say how many fits were kept and how
 * wide each learned gate's band is, as summary.csv and kinetics.csv do. */
static void
test_ensemble (void)
{
  g_autofree char *dir = recordings ("ensemble");
  NdBatchWindow *d = open_dialog ();
  nd_batch_window_set_folder (d, dir);
  nd_batch_window_set_seeds (d, 2);
  nd_batch_window_set_fits (d, 2);
  nd_batch_window_set_jobs (d, 2);
  g_assert_cmpint (g_settings_get_int (settings, "fit-ensemble"), ==, 2);
  /* The settings page scrolled to its end, where the Uncertainty row is. */
  GtkScrolledWindow *sw = GTK_SCROLLED_WINDOW (nd_test_ui_find_type (GTK_WIDGET (d), GTK_TYPE_SCROLLED_WINDOW));
  g_assert_nonnull (sw);
  nd_test_ui_spin (200);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (sw);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  shot (GTK_WIDGET (d), "batch-4-ensemble-settings");

  gint64 t0 = g_get_monotonic_time ();
  nd_test_ui_activate (GTK_WIDGET (d), "batch.run", NULL);
  g_assert_true (nd_test_ui_wait (finished, d, ND_TEST_SANITIZED ? 600000 : 120000));
  g_print ("6 rows, ensembles of 2 fits of 10 iterations, 2 at a time: %.1f s\n",
           (g_get_monotonic_time () - t0) / 1e6);
  g_autofree char *results = g_build_filename (dir, "neurode-fits", NULL);
  g_autofree char *plan_path = g_build_filename (results, "plan.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdBatchPlan) plan = nd_batch_plan_load (plan_path, &error);
  g_assert_no_error (error);
  const char *const names[] = { "cell-a-seed1", "cell-a-seed2", "cell-b-seed1", "cell-b-seed2" };
  for (int i = 0; i < 4; i++)
    {
      const NdBatchRow *row = nd_batch_plan_find (plan, names[i]);
      g_assert_nonnull (row);
      g_autofree char *tail = g_strdup_printf (" --ensemble 2 --seed %d", i % 2 ? 3 : 1);
      g_assert_true (g_str_has_suffix (row->args, tail));
      g_assert_cmpint (nd_batch_row_ensemble (row), ==, 2);

      const char *sub = subtitle (d, names[i]);
      g_print ("%s: %s\n", names[i], sub);
      g_assert_true (g_str_has_prefix (sub, "Done in"));
      g_assert_true (strstr (sub, " · 2 of 2 fits kept") || strstr (sub, " · 1 of 2 fits kept"));
      g_assert_nonnull (strstr (sub, " · K.n: where the data went, x∞ band "));
      g_autofree char *kinetics_path = g_build_filename (results, names[i], "kinetics.csv", NULL);
      g_autofree char *kinetics = NULL;
      g_assert_true (g_file_get_contents (kinetics_path, &kinetics, NULL, NULL));
      g_assert_true (g_str_has_prefix (kinetics, "channel,gate,v_mV,x_inf,tau_ms,x_inf_lo,x_inf_hi,tau_lo_ms,"
                                                 "tau_hi_ms,constrained,in_data\n"));
    }
  g_assert_true (g_str_has_prefix (subtitle (d, "broken-seed1"), "Failed: "));
  g_autofree char *summary_path = g_build_filename (results, "summary.csv", NULL);
  g_autofree char *summary = NULL;
  g_assert_true (g_file_get_contents (summary_path, &summary, NULL, NULL));
  g_assert_true (g_str_has_prefix (summary, "name,status,exit_code,seconds,message,train_rmse_mV,validation_rmse_mV,"
                                            "spike_count_agreement,held_out_rmse_mV,speedup,fits,fits_kept,"
                                            "K.n_x_inf_band,K.n_constrained\n"));
  shot (GTK_WIDGET (d), "batch-5-ensemble-results");
  /* A done row opens as a project whose model has the bands, as model.json has them. */
  nd_test_ui_activate (GTK_WIDGET (d), "batch.open-row", g_variant_new_string ("cell-b-seed2"));
  nd_test_ui_spin (300);
  NdProject *p = nd_window_get_project (window);
  g_assert_true (g_str_has_suffix (nd_project_get_recording_path (p), "cell-b.csv"));
  g_assert_true (nd_model_has_bands (nd_project_get_model (p)));
  gtk_window_destroy (GTK_WINDOW (d));
  g_settings_set_int (settings, "fit-ensemble", 1);
  nd_test_ui_spin (100);
}

static void
test_screenshots (void)
{
  g_autofree char *dir = recordings ("shots");
  NdBatchWindow *d = open_dialog ();
  nd_batch_window_set_folder (d, dir);
  /* Ensembles, so that the translated results show their kept fits and bands too. */
  nd_batch_window_set_fits (d, 2);
  shot (GTK_WIDGET (d), "batch-1-settings");
  nd_test_ui_activate (GTK_WIDGET (d), "batch.run", NULL);
  g_assert_true (nd_test_ui_wait (finished, d, ND_TEST_SANITIZED ? 600000 : 120000));
  shot (GTK_WIDGET (d), "batch-2-results");
  gtk_window_destroy (GTK_WINDOW (d));
  g_settings_set_int (settings, "fit-ensemble", 1);
}

int
main (int argc, char **argv)
{
  language = nd_test_ui_take_language (&argc, &argv, NULL);
  out_dir = nd_test_ui_output_dir (language ? "batch-ui-i18n" : "batch-ui");

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  app = nd_test_ui_start_app ((GtkWindow **) &window);
  settings = nd_application_get_settings (app);
  nd_test_ui_short_fits (app, 10);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  nd_test_ui_activate (GTK_WIDGET (window), "win.open-demo", NULL);
  nd_test_ui_spin (300);

  if (language)
    g_test_add_func ("/batch/screenshots", test_screenshots);
  else
    {
      g_test_add_func ("/batch/run-here", test_run_here);
      g_test_add_func ("/batch/close-stops", test_close_stops);
      g_test_add_func ("/batch/write-plan", test_write_plan);
      g_test_add_func ("/batch/ensemble", test_ensemble);
    }
  int status = g_test_run ();
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
  g_object_unref (app);
  g_free (out_dir);
  return status;
}
