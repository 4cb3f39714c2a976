/* test-reduce-cli.c: the Reduce assistant and `neurode-cli reduce` are one workflow, and closing the
 * assistant ends its work.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /reduce-cli/same-model: the assistant reduces the shipped CA1 cell on its shipped training and
 * held-out stimuli (a short fit) and saves the model; `neurode-cli reduce` runs on the same files with
 * the same settings; the two reduced.json files are identical byte for byte, and the assistant's
 * per-protocol RMSE is the CLI's report.csv. /reduce-cli/close-during-full and close-during-fit close the
 * window while its full-cell run or its fit is running: the worker thread ends within a second (three
 * under the sanitizers) and the window is finalized (no task keeps it alive).
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nd-reduce-window.h"
#include "nd-test-ui.h"

#define ITERATIONS 3   /* per start, two starts: a fit of seconds */

/* The fit stops between iterations; the sanitizers make an iteration about three times slower (0.46 s
 * measured under ASan/UBSan at a load of 6 per core, 0.09 s without at 9 per core). */
#define CLOSE_LIMIT_S (ND_TEST_SANITIZED ? 3.0 : 1.0)

static NdApplication *app;
static GtkWindow *main_window;
static char *out_dir;

static NdReduceWindow *
open_assistant (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "reduce", NULL);
  nd_test_ui_spin (300);
  NdReduceWindow *win = ND_REDUCE_WINDOW (nd_test_ui_find_window (ND_TYPE_REDUCE_WINDOW, main_window));
  g_assert_nonnull (win);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "reduce.example", NULL));
  g_assert_cmpint (nd_reduce_window_get_state (win), ==, ND_REDUCE_LOADED);
  return win;
}

typedef struct
{
  NdReduceWindow *win;
  NdReduceState state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;
  return nd_reduce_window_get_state (w->win) == w->state;
}

static void
wait_state (NdReduceWindow *win, NdReduceState state, guint timeout_ms)
{
  StateWait w = { win, state };
  g_assert_true (nd_test_ui_wait (state_is, &w, timeout_ms));
}

static void
activate (NdReduceWindow *win, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), action, NULL));
}

/* Column col of every row of the CLI's report.csv (rmse_mV: 2, rate_error_pct: 13; empty or nan: NAN). */
static GArray *
report_column (const char *path, guint col)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "set,sweep,rmse_mV,"));
  GArray *rmse = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto (GStrv) cols = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (cols), >, col);
      double r = cols[col][0] && g_ascii_strncasecmp (cols[col], "nan", 3) != 0 ? g_ascii_strtod (cols[col], NULL) : NAN;
      g_array_append_val (rmse, r);
    }
  return rmse;
}

static void
test_same_model (void)
{
  NdReduceWindow *win = open_assistant ();
  /* The example trains on the shipped stimulus files by default. */
  nd_reduce_window_set_iterations (win, ITERATIONS);
  activate (win, "reduce.run-full");
  wait_state (win, ND_REDUCE_SIMULATED, 120000);
  activate (win, "reduce.fit-start");
  wait_state (win, ND_REDUCE_DONE, 300000);
  g_autofree char *window_model = g_build_filename (out_dir, "reduce-cli-window.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_reduce_window_save_model (win, window_model, &error));
  g_assert_no_error (error);
  guint n_results;
  const NdReduceResult *results = nd_reduce_window_get_results (win, &n_results);
  g_assert_cmpuint (n_results, ==, 16);   /* 12 training sweeps and 4 held-out ones */

  const char *root = g_getenv ("ND_SOURCE_ROOT");
  g_autofree char *cell = g_build_filename (root, "data", "cells", "ca1-pospischil.json", NULL);
  g_autofree char *train = g_build_filename (root, "data", "cells", "ca1-train-stimulus.csv", NULL);
  g_autofree char *held = g_build_filename (root, "data", "cells", "ca1-heldout-stimulus.csv", NULL);
  g_autofree char *cli_out = g_build_filename (out_dir, "reduce-cli", NULL);
  g_autofree char *iterations = g_strdup_printf ("%d", ITERATIONS);
  const char *argv[] = { g_getenv ("NEURODE_CLI"), "reduce", cell, "--stimulus", train, "--validate", held,
                         "--iterations", iterations, "--out", cli_out, NULL };
  g_assert_nonnull (argv[0]);
  g_autofree char *err = NULL;
  int status = -1;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_test_message ("neurode-cli reduce: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);

  g_autofree char *cli_model = g_build_filename (cli_out, "reduced.json", NULL);
  g_autofree char *a = NULL, *b = NULL;
  gsize la = 0, lb = 0;
  g_assert_true (g_file_get_contents (window_model, &a, &la, NULL));
  g_assert_true (g_file_get_contents (cli_model, &b, &lb, NULL));
  g_test_message ("reduced.json: window %zu bytes, neurode-cli %zu bytes", la, lb);
  g_assert_cmpuint (la, >, 1000);
  g_assert_cmpuint (la, ==, lb);
  g_assert_true (memcmp (a, b, la) == 0);

  /* The free runs of that model are the same too (report.csv has 9 significant digits). */
  g_autofree char *report = g_build_filename (cli_out, "report.csv", NULL);
  g_autoptr (GArray) rmse = report_column (report, 2), rate = report_column (report, 13);
  g_assert_cmpuint (rmse->len, ==, n_results);
  g_assert_cmpuint (rate->len, ==, n_results);
  guint n_rates = 0;
  for (guint k = 0; k < n_results; k++)
    {
      double r = g_array_index (rmse, double, k), e = g_array_index (rate, double, k);
      g_assert_cmpfloat (fabs (results[k].rmse_mV - r), <=, 1e-8 * fmax (1.0, r));
      /* The firing rate's error the window shows is the CLI's. */
      g_assert_cmpint (isfinite (e), ==, isfinite (results[k].rate_error_pct));
      if (isfinite (e))
        {
          g_assert_cmpfloat (fabs (results[k].rate_error_pct - e), <=, 1e-6 * fmax (1.0, fabs (e)));
          n_rates++;
        }
    }
  g_assert_cmpuint (n_rates, >, 0);
  g_test_message ("first training protocol: soma RMSE %.3f mV in both", results[0].rmse_mV);
  gtk_window_destroy (GTK_WINDOW (win));
  nd_test_ui_spin (100);
}

static gboolean
threads_done (gpointer data)
{
  return nd_reduce_window_running_threads () == 0;
}

static gboolean
threads_running (gpointer data)
{
  return nd_reduce_window_running_threads () > 0;
}

/* Closes the window as its close button does; the worker thread ends within a second and nothing keeps
 * the window alive. */
static void
close_and_time (NdReduceWindow *win, const char *what)
{
  g_assert_cmpint (nd_reduce_window_running_threads (), ==, 1);
  gpointer alive = win;
  g_object_add_weak_pointer (G_OBJECT (win), &alive);
  gint64 t0 = g_get_monotonic_time ();
  gtk_window_close (GTK_WINDOW (win));
  gboolean ended = nd_test_ui_wait (threads_done, NULL, 10000);
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("closed during the %s: its thread ended after %.3f s (load %.2f per core)", what, secs,
                  nd_test_ui_load_per_core ());
  g_assert_true (ended);
  g_assert_cmpfloat (secs, <, CLOSE_LIMIT_S);
  nd_test_ui_spin (50);
  g_assert_null (alive);
}

static void
test_close_during_full (void)
{
  NdReduceWindow *win = open_assistant ();
  /* The stimulus files: 16 protocols, seconds of the full cell. */
  activate (win, "reduce.run-full");
  g_assert_true (nd_test_ui_wait (threads_running, NULL, 5000));
  nd_test_ui_spin (200);
  g_assert_cmpint (nd_reduce_window_get_state (win), ==, ND_REDUCE_SIMULATING);
  close_and_time (win, "full-cell run");
}

static gboolean
iterations_past (gpointer data)
{
  return nd_reduce_window_get_iterations_done (data) >= 2;
}

static void
test_close_during_fit (void)
{
  NdReduceWindow *win = open_assistant ();
  nd_reduce_window_set_use_stimulus_files (win, FALSE);
  activate (win, "reduce.run-full");
  wait_state (win, ND_REDUCE_SIMULATED, 120000);
  g_assert_cmpint (nd_reduce_window_running_threads (), ==, 0);
  nd_reduce_window_set_iterations (win, 100000);
  activate (win, "reduce.fit-start");
  g_assert_true (nd_test_ui_wait (iterations_past, win, 120000));
  g_assert_cmpint (nd_reduce_window_get_state (win), ==, ND_REDUCE_FITTING);
  close_and_time (win, "fit");
}

int
main (int argc, char **argv)
{
  /* Its files, and the program's autosaves and data, in the test's output. */
  out_dir = nd_test_ui_output_dir ("reduce-cli");
  nd_test_ui_init (&argc, &argv);
  app = nd_test_ui_start_app (&main_window);
  g_test_add_func ("/reduce-cli/same-model", test_same_model);
  g_test_add_func ("/reduce-cli/close-during-full", test_close_during_full);
  g_test_add_func ("/reduce-cli/close-during-fit", test_close_during_fit);
  int status = g_test_run ();
  gtk_window_destroy (main_window);
  nd_test_ui_spin (100);
  g_free (out_dir);
  return status;
}
