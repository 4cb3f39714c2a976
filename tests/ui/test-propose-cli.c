/* test-propose-cli.c: the Fit view's Record Next and `neurode-cli fit --ensemble N --propose` propose the
 * same recording.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shipped demo project (data/demo/hh-demo.neurode) is fitted three times (short fits, one restart) by the
 * Fit view's own Start, and by `neurode-cli fit hh-demo.neurode --ensemble 3 --restarts 1 --iterations N
 * --propose`. The window's ensemble and the CLI's are one plan (fit-plan.h) run from the same seeds, so they
 * keep the same fits; from them the window must offer the CLI's candidates in the CLI's order and words (its
 * rows say them capitalised), with the scores proposal.txt prints (%.3g), the CLI's stimulus files byte for
 * byte when exported, and each kept fit's prediction on the best candidate as predicted.csv holds it (%.6g).
 * Then the group's "Also propose voltage-clamp recordings" row, at 5 pA, must give what `--vc-noise 5` gives.
 *
 * /propose-cli/joint: the same cell clamped (HH's Na, K and leak under command steps, simulated by
 * `neurode-cli simulate`) is chosen in the Fit Together With row, the project saved, and fitted by the window
 * and by `neurode-cli fit PROJECT` (which reads the project's "fitted_with" as --with): the same fits kept,
 * the same proposals, now in both clamp modes; the results stay with the project's own sweeps.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nd-fit-view-next.h"
#include "nd-fit-view.h"
#include "nd-plot.h"
#include "nd-project.h"
#include "nd-test-ui.h"
#include "nd-text.h"
#include "nd-window.h"
#include "stimulus-file.h"
#include "recording.h"

#define ITERATIONS 150   /* the demo keeps two or three of three such fits */
#define MEMBERS 3
#define JOINT_ITERATIONS 400   /* a joint fit needs more to keep two of three (measured: 150 keep one) */
#define CLAMP_NOISE_PA 5.0

static NdApplication *app;
static NdWindow *window;
static char *out_dir;

static NdFitRunner *
runner (void)
{
  return nd_test_ui_fit_runner (window);
}

static gboolean
finished (gpointer data)
{
  return nd_fit_runner_get_state (runner ()) == ND_FIT_FINISHED;
}

static gboolean
proposed (gpointer data)
{
  gboolean busy;
  return nd_fit_view_get_proposal (nd_test_ui_fit_view (window), &busy) != NULL || !busy;
}

static gboolean
is_action_row (GtkWidget *w)
{
  return ADW_IS_ACTION_ROW (w) && gtk_widget_is_visible (w);
}

/* Whether a visible row of the Fit view has this title. */
static gboolean
row_titled (const char *title)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  nd_test_ui_collect (GTK_WIDGET (nd_test_ui_fit_view (window)), is_action_row, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return TRUE;
  return FALSE;
}

static char *
read_text (const char *dir, const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, len, &error));
  g_assert_no_error (error);
  return text;
}

/* The window's export of the chosen proposal's stimulus equals the CLI's file byte for byte. */
static void
check_same_file (const char *cli_next, const char *name)
{
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_unlink (path);
  g_assert_true (nd_fit_view_write_stimulus (nd_test_ui_fit_view (window), path, &error));
  g_assert_no_error (error);
  gsize la, lb;
  g_autofree char *a = read_text (out_dir, name, &la), *b = read_text (cli_next, name, &lb);
  g_test_message ("%s: window %zu bytes, neurode-cli %zu bytes", name, la, lb);
  g_assert_cmpuint (la, >, 1000);
  g_assert_cmpuint (la, ==, lb);
  g_assert_true (memcmp (a, b, la) == 0);
}

/* The CLI, on the project file, with the window's settings (and --vc-noise VC_NOISE unless NULL). Returns how
 * many fits it kept. */
static int
run_cli (const char *project, const char *dir, const char *vc_noise, int n_iterations)
{
  g_autofree char *iterations = g_strdup_printf ("%d", n_iterations), *members = g_strdup_printf ("%d", MEMBERS);
  const char *argv[] = { g_getenv ("NEURODE_CLI"), "fit", project, "--ensemble", members, "--restarts", "1",
                         "--iterations", iterations, "--propose", "--out", dir,
                         vc_noise ? "--vc-noise" : NULL, vc_noise, NULL };
  g_assert_nonnull (argv[0]);
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = -1;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  const char *kept = strstr (err, "ensemble: ");
  int n_kept = -1, of = -1;
  for (; kept && sscanf (kept, "ensemble: %d of %d fits kept", &n_kept, &of) != 2; kept = strstr (kept + 1, "ensemble: "))
    ;
  g_assert_nonnull (kept);
  g_assert_cmpint (of, ==, MEMBERS);
  return n_kept;
}

/* The window's last fits against `neurode-cli fit PROJECT`'s, run into DIR: the same number kept, at least
 * two. Returns it. */
static int
same_kept_as_cli (const char *project, const char *dir, int iterations)
{
  int kept = 0;
  nd_fit_runner_get_members (runner (), NULL, &kept);
  int cli_kept = run_cli (project, dir, NULL, iterations);
  g_test_message ("kept fits: window %d, neurode-cli %d", kept, cli_kept);
  g_assert_cmpint (kept, ==, cli_kept);
  g_assert_cmpint (kept, >=, 2);
  return kept;
}

/* The window's proposals against the CLI's in CLI_OUT/next: candidates, scores, words, the best one's stimulus
 * files and predictions. Returns how many of the window's are voltage clamp. */
static int
compare_with_cli (const char *cli_out, int cli_kept)
{
  NdFitView *view = nd_test_ui_fit_view (window);
  int n_vc = 0;
  g_autofree char *next = g_build_filename (cli_out, "next", NULL);
  g_autofree char *text = read_text (next, "proposal.txt", NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  /* The ranked candidates: "1. DESCRIPTION (SCORE)". */
  guint ranked = 0;
  for (guint i = 0; lines[i]; i++)
    {
      char *paren = strrchr (lines[i], '(');
      int rank = 0, used = 0;
      if (sscanf (lines[i], "%d. %n", &rank, &used) != 1 || used == 0 || rank != (int) ranked + 1 || !paren)
        continue;
      g_autofree char *cli_desc = g_strndup (lines[i] + used, (gsize) (paren - 1 - (lines[i] + used)));
      g_autofree char *cli_score = g_strndup (paren + 1, strlen (paren + 1) - 1);
      ranked++;
      if (!nd_fit_view_choose_proposal (view, rank - 1))
        continue;   /* the window offers fewer than the CLI lists */
      const nd_proposal *p = nd_fit_view_get_proposal (view, NULL);
      g_autofree char *desc = nd_protocol_describe (&p->proto);
      g_autofree char *score = g_strdup_printf ("%.3g", p->score);
      g_test_message ("%d. window: %s (%s); neurode-cli: %s (%s)", rank, desc, score, cli_desc, cli_score);
      g_assert_cmpstr (desc, ==, cli_desc);
      g_assert_cmpstr (score, ==, cli_score);
      g_assert_cmpint (p->n_members, ==, cli_kept);
      n_vc += p->proto.mode == ND_PROPOSE_VC;
      /* The row says it in the same words, capitalised, with true minus signs. */
      g_autofree char *title = nd_text_printf ("%c%s", g_ascii_toupper (cli_desc[0]), cli_desc + 1);
      g_assert_true (row_titled (title));
    }
  g_assert_cmpuint (ranked, ==, 5);
  g_assert_false (nd_fit_view_choose_proposal (view, 3));

  /* The best one: the CLI's headline, stimulus files and predictions. */
  g_assert_true (nd_fit_view_choose_proposal (view, 0));
  const nd_proposal *best = nd_fit_view_get_proposal (view, NULL);
  g_autofree char *desc = nd_protocol_describe (&best->proto);
  g_autofree char *headline = g_strdup_printf ("Record next: %s.", desc);
  g_assert_cmpstr (lines[0], ==, headline);
  check_same_file (next, "stimulus.csv");
  check_same_file (next, "stimulus.atf");
  g_autofree char *pred = read_text (next, "predicted.csv", NULL);
  g_auto (GStrv) rows = g_strsplit (pred, "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, best->n + 2);   /* header, n rows, "" after the last newline */
  double worst = 0.0;
  for (gsize j = 0; j < best->n; j++)
    {
      g_auto (GStrv) f = g_strsplit (rows[j + 1], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 2 + (guint) best->n_members);
      for (int k = 0; k < best->n_members; k++)
        {
          double cli = g_ascii_strtod (f[2 + k], NULL), win = best->traces[(size_t) k * best->n + j];
          worst = fmax (worst, fabs (cli - win) / fmax (1.0, fabs (win)));
        }
    }
  g_test_message ("predicted.csv against the window's traces: largest relative difference %.2g", worst);
  g_assert_cmpfloat (worst, <=, 1e-5);   /* %.6g */
  return n_vc;
}

static void
test_same_proposal (void)
{
  g_autofree char *project = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.neurode", NULL);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-file",
                                                     g_variant_new_string (project)));
  nd_test_ui_spin (300);
  nd_test_ui_short_fits (app, ITERATIONS);
  g_settings_set_int (nd_application_get_settings (app), "fit-ensemble", MEMBERS);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view",
                                                     g_variant_new_string ("fit")));
  nd_test_ui_spin (300);
  g_assert_true (gtk_widget_activate_action (nd_window_get_view_widget (window, "fit"), "fit.start", NULL));
  g_assert_true (nd_test_ui_wait (finished, NULL, 600000));
  g_assert_true (nd_test_ui_wait (proposed, NULL, 300000));
  NdFitView *view = nd_test_ui_fit_view (window);
  g_autofree char *cli_out = g_build_filename (out_dir, "cli", NULL);
  int kept = same_kept_as_cli (project, cli_out, ITERATIONS);
  g_assert_cmpint (compare_with_cli (cli_out, kept), ==, 0);

  /* Voltage clamp too, at 5 pA: the demo's fits disagree far more in the clamp current than in V. */
  g_assert_true (nd_fit_view_propose_vc (view, TRUE, 5.0));
  g_assert_true (nd_test_ui_wait (proposed, NULL, 300000));
  g_autofree char *cli_vc = g_build_filename (out_dir, "cli-vc", NULL);
  g_assert_cmpint (run_cli (project, cli_vc, "5", ITERATIONS), ==, kept);
  int n_vc = compare_with_cli (cli_vc, kept);
  g_test_message ("voltage-clamp proposals among the window's: %d", n_vc);
  g_assert_cmpint (n_vc, >, 0);
  g_assert_true (row_titled ("Also Propose _Voltage-Clamp Recordings"));
  /* Off again: current clamp only, as at first. */
  g_assert_true (nd_fit_view_propose_vc (view, FALSE, 5.0));
  g_assert_true (nd_test_ui_wait (proposed, NULL, 300000));
  g_assert_cmpint (compare_with_cli (cli_out, kept), ==, 0);
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
}

/* The demo's cell (make-demo.c: HH's Na and K, leak 0.3 mS/cm2 at -70 mV) clamped from -80 mV to -60…+40 mV
 * for 20 ms, its membrane current simulated by the CLI: a voltage-clamp recording (sweep,t_ms,v_cmd_mV,i_pA). */
static char *
write_clamp_recording (void)
{
  g_autofree char *truth = g_build_filename (out_dir, "truth.json", NULL);
  g_autofree char *cmd = g_build_filename (out_dir, "steps-cmd.csv", NULL);
  char *rec = g_build_filename (out_dir, "cell-vc.csv", NULL);
  const char *model = "{\"membrane\": {\"cm_uF_per_cm2\": 1.0, \"area_um2\": 62.831853, \"v_init_mV\": -70.0, "
                      "\"temperature_C\": 6.3}, \"channels\": ["
                      "{\"type\": \"hh_na\", \"gbar_mS_per_cm2\": 120.0, \"e_rev_mV\": 50.0},"
                      "{\"type\": \"hh_k\", \"gbar_mS_per_cm2\": 36.0, \"e_rev_mV\": -75.0},"
                      "{\"type\": \"leak\", \"gbar_mS_per_cm2\": 0.3, \"e_rev_mV\": -70.0}]}\n";
  g_assert_true (g_file_set_contents (truth, model, -1, NULL));
  g_autoptr (GString) t = g_string_new ("sweep,t_ms,v_cmd_mV\n");
  for (int s = 0; s < 6; s++)
    for (int k = 0; k < 800; k++)
      g_string_append_printf (t, "%d,%.2f,%d\n", s, k * 0.05, k >= 200 && k < 600 ? -60 + 20 * s : -80);
  g_assert_true (g_file_set_contents (cmd, t->str, (gssize) t->len, NULL));
  const char *argv[] = { g_getenv ("NEURODE_CLI"), "simulate", truth, "--stimulus", cmd, "--out", rec, NULL };
  int status = -1;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  /* The amplifier's noise, so that several fits explain the recording equally well. */
  g_autofree char *clean = NULL;
  g_assert_true (g_file_get_contents (rec, &clean, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (clean, "\n", -1);
  g_autoptr (GString) noisy = g_string_new (lines[0]);
  g_string_append_c (noisy, '\n');
  g_autoptr (GRand) rng = g_rand_new_with_seed (1);
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      char *comma = strrchr (lines[i], ',');
      g_assert_nonnull (comma);
      /* Gaussian from 12 uniforms: enough for a test's noise. */
      double z = -6.0;
      for (int k = 0; k < 12; k++)
        z += g_rand_double (rng);
      char num[G_ASCII_DTOSTR_BUF_SIZE];
      *comma = '\0';
      g_string_append_printf (noisy, "%s,%s\n", lines[i],
                              g_ascii_formatd (num, sizeof num, "%.4f", g_ascii_strtod (comma + 1, NULL) + CLAMP_NOISE_PA * z));
    }
  g_assert_true (g_file_set_contents (rec, noisy->str, (gssize) noisy->len, NULL));
  return rec;
}

static gboolean
is_with_row (GtkWidget *w)
{
  return ADW_IS_ACTION_ROW (w) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)),
                                             "Fit _Together With") == 0;
}

static gboolean
is_with_group (GtkWidget *w)
{
  return ADW_IS_PREFERENCES_GROUP (w) && gtk_widget_get_visible (w)
         && g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (w)), "Fitted Together With It") == 0;
}

static const char *
with_subtitle (void)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  nd_test_ui_collect (GTK_WIDGET (nd_test_ui_fit_view (window)), is_with_row, rows);
  g_assert_cmpuint (rows->len, ==, 1);
  return adw_action_row_get_subtitle (g_ptr_array_index (rows, 0));
}

static void
test_joint (void)
{
  g_autofree char *clamp = write_clamp_recording ();
  g_autofree char *demo = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.neurode", NULL);
  NdProject *project = nd_window_get_project (window);
  nd_project_set_dirty (project, FALSE);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-file",
                                                     g_variant_new_string (demo)));
  nd_test_ui_spin (300);
  g_assert_null (nd_project_get_fitted_with_path (project));
  g_assert_nonnull (strstr (with_subtitle (), "current or voltage clamp"));

  /* The project's own recording is refused in words, and the project is left alone. */
  g_autoptr (GError) error = NULL;
  g_assert_false (nd_project_set_fitted_with (project, nd_project_get_recording_path (project), &error));
  g_assert_nonnull (strstr (error->message, "own recording"));
  g_clear_error (&error);
  g_assert_false (nd_project_get_dirty (project));
  /* Through the row, the refusal is a dialog that says why. */
  nd_test_ui_activate (GTK_WIDGET (nd_test_ui_fit_view (window)), "fit.choose-with",
                       g_variant_new_string (nd_project_get_recording_path (project)));
  g_assert_true (nd_test_ui_wait_window (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (window), 5000));
  AdwMessageDialog *refused = ADW_MESSAGE_DIALOG (nd_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (window)));
  g_test_message ("%s: %s", adw_message_dialog_get_heading (refused), adw_message_dialog_get_body (refused));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (refused), "own recording"));
  g_free (nd_test_ui_screenshot (GTK_WIDGET (refused), "joint-fit-refused"));
  gtk_window_destroy (GTK_WINDOW (refused));
  g_assert_null (nd_project_get_fitted_with_path (project));

  /* Chosen through the row's action, as its file chooser does. */
  nd_test_ui_activate (GTK_WIDGET (nd_test_ui_fit_view (window)), "fit.choose-with", g_variant_new_string (clamp));
  g_autofree char *canon = g_canonicalize_filename (clamp, NULL);
  g_assert_cmpstr (nd_project_get_fitted_with_path (project), ==, canon);
  g_test_message ("Fit Together With: %s", with_subtitle ());
  g_assert_nonnull (strstr (with_subtitle (), "cell-vc.csv: 6 voltage-clamp sweeps"));
  g_autofree char *saved = g_build_filename (out_dir, "joint.neurode", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (saved);
  g_assert_true (nd_project_save (project, file, &error));
  g_assert_no_error (error);

  nd_test_ui_short_fits (app, JOINT_ITERATIONS);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view",
                                                     g_variant_new_string ("fit")));
  nd_test_ui_spin (300);
  g_free (nd_test_ui_screenshot (GTK_WIDGET (window), "joint-fit-before"));
  g_assert_true (gtk_widget_activate_action (nd_window_get_view_widget (window, "fit"), "fit.start", NULL));
  g_assert_true (nd_test_ui_wait (finished, NULL, 600000));
  g_assert_true (nd_test_ui_wait (proposed, NULL, 300000));
  g_free (nd_test_ui_screenshot (GTK_WIDGET (window), "joint-fit"));
  /* The results are the project's recording's: its six sweeps, none of the clamp's. */
  guint n_scores;
  const NdSweepScore *sc = nd_fit_runner_get_scores (runner (), &n_scores);
  g_assert_cmpuint (n_scores, ==, nd_recording_n_sweeps (nd_project_get_recording (project)));
  for (guint i = 0; i < n_scores; i++)
    g_assert_false (sc[i].voltage_clamp);

  /* The clamp recording's sweeps in a group of their own: each judged, each drawn on a click. */
  guint n_with;
  const NdSweepScore *ws = nd_fit_runner_get_with_scores (runner (), &n_with);
  g_assert_cmpuint (n_with, ==, 6);
  for (guint i = 0; i < n_with; i++)
    {
      g_test_message ("clamp sweep %u: peak %.0f pA, model %.0f pA, RMSE %.1f pA", ws[i].sweep, ws[i].peak_pA,
                      ws[i].peak_model_pA, ws[i].rmse_pA);
      g_assert_true (ws[i].voltage_clamp);
      g_assert_cmpuint (ws[i].sweep, ==, i);
    }
  GtkWidget *group = NULL;
  g_autoptr (GPtrArray) groups = g_ptr_array_new ();
  nd_test_ui_collect (GTK_WIDGET (nd_test_ui_fit_view (window)), is_with_group, groups);
  g_assert_cmpuint (groups->len, ==, 1);
  group = g_ptr_array_index (groups, 0);
  g_autoptr (GPtrArray) with_rows = g_ptr_array_new ();
  nd_test_ui_collect (group, is_action_row, with_rows);
  g_assert_cmpuint (with_rows->len, ==, 1 + n_with);
  g_test_message ("fitted together: %s", adw_preferences_row_get_title (g_ptr_array_index (with_rows, 0)));
  g_signal_emit_by_name (g_ptr_array_index (with_rows, 4), "activated");
  NdPlotModel *trace = nd_plot_get_model (nd_fit_view_get_plot (nd_test_ui_fit_view (window), "trace"));
  g_test_message ("trace plot: %s", nd_plot_model_get_title (trace));
  g_assert_cmpstr (nd_plot_model_get_title (trace), ==, "cell-vc.csv · Sweep 4 · step to 0 mV: recorded and model");
  g_assert_cmpstr (nd_plot_model_get_axis_unit (trace, ND_PLOT_AXIS_Y), ==, "pA");
  /* The loss stays the joint fit's: mV of the current-clamp sweeps and % of the clamp current. */
  NdPlotModel *loss = nd_plot_get_model (nd_fit_view_get_plot (nd_test_ui_fit_view (window), "loss"));
  g_assert_cmpstr (nd_plot_model_get_axis_unit (loss, ND_PLOT_AXIS_Y), ==, "mV, %");
  g_free (nd_test_ui_screenshot (GTK_WIDGET (window), "joint-fit-clamp-sweep"));
  g_free (nd_test_ui_screenshot (group, "joint-fit-group"));

  g_autofree char *cli_out = g_build_filename (out_dir, "cli-joint", NULL);
  int kept = same_kept_as_cli (saved, cli_out, JOINT_ITERATIONS);
  g_autofree char *with_report = g_build_filename (cli_out, "with-report.csv", NULL);
  g_assert_true (g_file_test (with_report, G_FILE_TEST_EXISTS));
  /* Candidates in both modes without asking (the fit had clamp data of its own), the same as the CLI's. */
  nd_model *const *members;
  const nd_propose_options *o;
  g_assert_cmpint (nd_fit_runner_get_kept (runner (), &members, &o), ==, kept);
  g_assert_cmpint (o->modes, ==, ND_PROPOSE_CC | ND_PROPOSE_VC);
  int n_vc = compare_with_cli (cli_out, kept);
  g_test_message ("voltage-clamp proposals among the window's after the joint fit: %d", n_vc);
  g_assert_false (row_titled ("Also Propose _Voltage-Clamp Recordings"));

  /* Removed, the group of the fit goes with it (its sweeps could no longer be drawn). */
  nd_test_ui_activate (GTK_WIDGET (nd_test_ui_fit_view (window)), "fit.remove-with", NULL);
  g_assert_false (gtk_widget_get_visible (group));

  /* Opened again, the project still fits both; removed, it fits its own alone. */
  nd_project_set_dirty (project, FALSE);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-file",
                                                     g_variant_new_string (saved)));
  nd_test_ui_spin (300);
  g_assert_cmpstr (nd_project_get_fitted_with_path (project), ==, canon);
  g_assert_false (nd_project_get_fitted_with_missing (project));

  /* Moved away: the project opens, says so in the row, and refuses to fit until it is found or removed. */
  g_autofree char *moved = g_build_filename (out_dir, "moved-vc.csv", NULL);
  g_assert_cmpint (g_rename (clamp, moved), ==, 0);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-file",
                                                     g_variant_new_string (saved)));
  nd_test_ui_spin (300);
  g_assert_true (nd_project_get_fitted_with_missing (project));
  g_assert_null (nd_project_get_fitted_with (project));
  g_test_message ("Fit Together With, moved: %s", with_subtitle ());
  g_assert_nonnull (strstr (with_subtitle (), "was not found"));
  g_assert_false (nd_fit_view_start (nd_test_ui_fit_view (window), &error));
  g_test_message ("Start: %s", error->message);
  g_assert_nonnull (strstr (error->message, "not found"));
  g_clear_error (&error);
  nd_test_ui_activate (GTK_WIDGET (nd_test_ui_fit_view (window)), "fit.choose-with", g_variant_new_string (moved));
  g_assert_false (nd_project_get_fitted_with_missing (project));
  g_assert_nonnull (strstr (with_subtitle (), "moved-vc.csv: 6 voltage-clamp sweeps"));
  nd_test_ui_activate (GTK_WIDGET (nd_test_ui_fit_view (window)), "fit.remove-with", NULL);
  g_assert_null (nd_project_get_fitted_with_path (project));
  g_assert_true (nd_project_get_dirty (project));
  nd_project_set_dirty (project, FALSE);
}

int
main (int argc, char **argv)
{
  out_dir = nd_test_ui_output_dir ("propose-cli");
  nd_test_ui_init (&argc, &argv);
  adw_init ();
  app = nd_test_ui_start_app ((GtkWindow **) &window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  g_test_add_func ("/propose-cli/same-proposal", test_same_proposal);
  g_test_add_func ("/propose-cli/joint", test_joint);
  int status = g_test_run ();
  g_object_unref (app);
  g_free (out_dir);
  return status;
}
