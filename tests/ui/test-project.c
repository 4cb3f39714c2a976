/* test-project.c: .neurode project files, autosave and recovery, and the unsaved-changes question.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "model-file.h"
#include "nd-error.h"
#include "nd-fit-view.h"
#include "nd-project.h"
#include "nd-test-ui.h"
#include "nd-window.h"

static NdApplication *app;
static NdWindow *window;
static char *out_dir;

static char *
demo_csv (void)
{
  return g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.csv", NULL);
}

static char *
out_path (const char *name)
{
  return g_build_filename (out_dir, name, NULL);
}

/* A project with every kind of choice changed from its default. */
static NdProject *
edited_project (void)
{
  NdProject *p = nd_project_new ();
  g_autofree char *csv = demo_csv ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_recording (p, csv, &error));
  g_assert_no_error (error);
  nd_project_set_sweep_role (p, 0, ND_SWEEP_TRAIN);
  nd_project_set_sweep_role (p, 4, ND_SWEEP_IGNORE);
  nd_project_set_window (p, 5.0, 95.0);
  nd_project_set_membrane (p, 1.1, 80.0, -68.0, 10.0);
  NdKnownSpec k = nd_project_get_known (p, 1);   /* hh_k */
  k.enabled = TRUE;
  k.gbar = 12.5;
  nd_project_set_known (p, 1, &k);
  NdLearnedSpec l = nd_project_get_learned (p);
  l.n_gates = 2;
  g_strlcpy (l.gate_name[0], "a", sizeof l.gate_name[0]);
  g_strlcpy (l.gate_name[1], "b", sizeof l.gate_name[1]);
  l.power[0] = 2.5;
  l.fit_power[1] = TRUE;
  l.fit_e = TRUE;
  l.size = ND_NET_SMALL;
  g_strlcpy (l.replaces, "hh_na", sizeof l.replaces);
  nd_project_set_learned (p, &l);
  g_assert_true (nd_project_get_dirty (p));
  return p;
}

static void
test_roundtrip (void)
{
  g_autoptr (NdProject) p = edited_project ();
  g_autofree char *path = out_path ("roundtrip.neurode");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_save (p, file, &error));
  g_assert_false (nd_project_get_dirty (p));

  g_autoptr (NdProject) q = nd_project_new ();
  g_assert_true (nd_project_open (q, file, &error));
  g_assert_no_error (error);
  g_autofree char *a = nd_project_to_json (p, file), *b = nd_project_to_json (q, file);
  g_assert_cmpstr (a, ==, b);
  g_assert_false (nd_project_get_dirty (q));
  double s, e;
  nd_project_get_window (q, &s, &e);
  g_assert_cmpfloat (s, ==, 5.0);
  g_assert_cmpfloat (e, ==, 95.0);
  g_assert_cmpint (nd_project_get_sweep_role (q, 0), ==, ND_SWEEP_TRAIN);
  g_assert_cmpint (nd_project_get_sweep_role (q, 4), ==, ND_SWEEP_IGNORE);
  NdLearnedSpec l = nd_project_get_learned (q);
  g_assert_cmpint (l.n_gates, ==, 2);
  g_assert_cmpstr (l.gate_name[1], ==, "b");
  g_assert_true (l.fit_e && !l.fit_gbar);
  g_assert_cmpfloat (l.power[0], ==, 2.5);
  g_assert_true (!l.fit_power[0] && l.fit_power[1]);
  g_assert_cmpint (l.size, ==, ND_NET_SMALL);
  g_assert_cmpstr (l.replaces, ==, "hh_na");
  g_assert_cmpfloat (nd_project_get_known (q, 1).gbar, ==, 12.5);
  /* The model, weights included, is the same to the last bit. */
  nd_model *ma = nd_project_get_model (p), *mb = nd_project_get_model (q);
  g_assert_cmpuint (ma->n_params, ==, mb->n_params);
  g_assert_cmpmem (ma->params, ma->n_params * sizeof (double), mb->params, mb->n_params * sizeof (double));
  /* The project's model is a valid model file on its own. */
  g_autofree char *model_json = nd_model_file_to_string (mb);
  nd_model *again = nd_model_file_parse (model_json, -1, NULL, &error);
  g_assert_no_error (error);
  nd_model_free (again);

  /* Saving again replaces the file in one step: the new content, no temporary left beside it. */
  nd_project_set_window (p, 10.0, 20.0);
  g_assert_true (nd_project_save (p, file, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"window_ms\""));
  g_autoptr (GDir) dir = g_dir_open (out_dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    g_assert_false (g_str_has_prefix (name, ".goutputstream"));
}

static void
test_moved_folder (void)
{
  /* Project and recording moved together: the relative path finds the recording. */
  g_autofree char *dir = out_path ("moved");
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *csv = demo_csv (), *copy = g_build_filename (dir, "rec.csv", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (csv, &data, &len, NULL));
  g_assert_true (g_file_set_contents (copy, data, (gssize) len, NULL));
  g_autoptr (NdProject) p = nd_project_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_recording (p, copy, &error));
  g_autofree char *path = g_build_filename (dir, "p.neurode", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_assert_true (nd_project_save (p, file, &error));
  g_autofree char *dir2 = out_path ("moved-elsewhere");
  g_autoptr (GFile) d1 = g_file_new_for_path (dir), d2 = g_file_new_for_path (dir2);
  g_autoptr (GFile) f2 = g_file_get_child (d2, "p.neurode");
  /* Leftovers of an earlier run. */
  g_autofree char *old_rec = g_build_filename (dir2, "rec.csv", NULL);
  g_unlink (old_rec);
  g_unlink (g_file_peek_path (f2));
  g_rmdir (dir2);
  g_assert_true (g_file_move (d1, d2, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_autoptr (NdProject) q = nd_project_new ();
  g_assert_true (nd_project_open (q, f2, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (nd_recording_path (nd_project_get_recording (q)), dir2));
}

static void
expect_open_error (const char *name, const char *content, const char *words)
{
  g_autoptr (NdProject) p = edited_project ();
  g_autofree char *before = nd_project_to_json (p, NULL);
  g_autofree char *path = out_path (name);
  g_assert_true (g_file_set_contents (path, content, -1, NULL));
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_false (nd_project_open (p, file, &error));
  g_assert_nonnull (error);
  g_print ("%s: %s\n", name, error->message);
  g_assert_nonnull (strstr (error->message, words));
  g_autofree char *after = nd_project_to_json (p, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_null (nd_project_get_file (p));
}

static void
test_bad_files (void)
{
  expect_open_error ("not-json.neurode", "this is not JSON", "not a Neurode project");
  expect_open_error ("no-key.neurode", "{\"model\": {}}", "not a Neurode project");
  expect_open_error ("newer.neurode", "{\"neurode_project\": 99, \"model\": {\"channels\": []}}", "newer version");
  expect_open_error ("no-model.neurode", "{\"neurode_project\": 1}", "no model");
  expect_open_error ("bad-model.neurode",
                     "{\"neurode_project\": 1, \"model\": {\"membrane\": {\"area_um2\": 100},"
                     " \"channels\": [{\"type\": \"no_such_channel\"}]}}",
                     "no_such_channel");
  /* Issue 15: strict JSON of bounded depth, and no device read without end. */
  expect_open_error ("single-quotes.neurode", "{'neurode_project': 1}", "line 1, column 2: text must be in double quotes");
  {
    GString *deep = g_string_new ("{\"neurode_project\": 1, \"x\": ");
    for (int i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    expect_open_error ("deep.neurode", deep->str, "nested more than 64 levels deep");
    g_string_free (deep, TRUE);
  }
  {
    g_autoptr (NdProject) zero = edited_project ();
    g_autoptr (GFile) dev = g_file_new_for_path ("/dev/zero");
    g_autoptr (GError) zero_error = NULL;
    g_assert_false (nd_project_open (zero, dev, &zero_error));
    g_assert_nonnull (strstr (zero_error->message, "not a file but a device"));
  }
  /* A recording that cannot be found does not fail the project: it opens without it, to be located
   * (test-project-safety.c). */
  {
    g_autoptr (NdProject) lost = nd_project_new ();
    g_autofree char *lost_path = out_path ("lost-recording.neurode");
    g_assert_true (g_file_set_contents (lost_path,
                                        "{\"neurode_project\": 1, \"recording\": {\"path\": \"/nonexistent/rec.abf\"},"
                                        " \"model\": {\"membrane\": {\"area_um2\": 100},"
                                        " \"channels\": [{\"type\": \"leak\", \"gbar_mS_per_cm2\": 0.3, \"e_rev_mV\": -70}]}}",
                                        -1, NULL));
    g_autoptr (GFile) lost_file = g_file_new_for_path (lost_path);
    g_autoptr (GError) lost_error = NULL;
    g_assert_true (nd_project_open (lost, lost_file, &lost_error));
    g_assert_no_error (lost_error);
    g_assert_true (nd_project_get_recording_missing (lost));
    g_assert_cmpstr (nd_project_get_recording_path (lost), ==, "/nonexistent/rec.abf");
    g_assert_cmpint (nd_project_get_model (lost)->n_channels, ==, 1);
  }
  /* A folder that does not exist cannot be saved into, and nothing is created. */
  g_autoptr (NdProject) p = edited_project ();
  g_autofree char *path = out_path ("no/such/folder/x.neurode");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_false (nd_project_save (p, file, &error));
  g_assert_nonnull (error);
  g_assert_true (nd_project_get_dirty (p));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static GtkWindow *
dialog (void)
{
  return nd_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG, NULL);
}

static gboolean
dialog_shown (gpointer data)
{
  GtkWindow *w = dialog ();
  return w && gtk_widget_get_mapped (GTK_WIDGET (w));
}

static void
test_autosave_and_recover (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL));
  NdProject *p = nd_window_get_project (window);
  g_autofree char *autosave = nd_project_autosave_path ();
  g_unlink (autosave);
  /* Nothing unsaved yet: nothing written. */
  g_assert_false (nd_window_autosave_now (window));
  nd_project_set_sweep_role (p, 0, ND_SWEEP_TRAIN);
  nd_project_set_window (p, 20.0, 80.0);
  g_assert_true (nd_window_autosave_now (window));
  g_assert_true (g_file_test (autosave, G_FILE_TEST_IS_REGULAR));
  /* Written once per change. */
  g_assert_false (nd_window_autosave_now (window));

  /* "After a crash": a new window offers the work back. */
  NdWindow *second = nd_window_new (app);
  gtk_window_present (GTK_WINDOW (second));
  nd_test_ui_spin (500);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.recover", NULL));
  nd_test_ui_spin (500);
  NdProject *q = nd_window_get_project (second);
  g_assert_cmpstr (nd_window_get_page (second), ==, "workspace");
  g_assert_true (nd_project_get_dirty (q));
  double s, e;
  nd_project_get_window (q, &s, &e);
  g_assert_cmpfloat (s, ==, 20.0);
  g_assert_cmpint (nd_project_get_sweep_role (q, 0), ==, ND_SWEEP_TRAIN);
  nd_model *ma = nd_project_get_model (p), *mb = nd_project_get_model (q);
  g_assert_cmpmem (ma->params, ma->n_params * sizeof (double), mb->params, mb->n_params * sizeof (double));
  g_free (nd_test_ui_screenshot (GTK_WIDGET (second), "project-recovered"));
  nd_project_set_dirty (q, FALSE);
  gtk_window_destroy (GTK_WINDOW (second));
  nd_test_ui_spin (100);
}

static gboolean
fit_finished (gpointer data)
{
  NdFitView *view = ND_FIT_VIEW (nd_window_get_view_widget (window, "fit"));
  return nd_fit_runner_get_state (nd_fit_view_get_runner (view)) == ND_FIT_FINISHED;
}

/* A learned current with no conductance cannot change the model: the fit must say it made no progress,
 * in words, and keep a usable model. */
static void
test_fit_no_progress (void)
{
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-iterations", 40);
  g_settings_set_int (settings, "fit-restarts", 1);
  NdProject *p = nd_window_get_project (window);
  NdLearnedSpec l = nd_project_get_learned (p);
  l.gbar = 0.0;
  nd_project_set_learned (p, &l);
  g_assert_true (gtk_widget_activate_action (nd_window_get_view_widget (window, "fit"), "fit.start", NULL));
  g_assert_true (nd_test_ui_wait (fit_finished, NULL, 120000));
  NdFitRunner *r = nd_fit_view_get_runner (ND_FIT_VIEW (nd_window_get_view_widget (window, "fit")));
  g_print ("outcome: %s\n", nd_fit_runner_get_outcome (r));
  g_assert_true (nd_fit_runner_get_failed (r));
  g_assert_nonnull (strstr (nd_fit_runner_get_outcome (r), "no progress"));
  nd_model *m = nd_fit_runner_get_model (r);
  g_assert_nonnull (m);
  for (size_t i = 0; i < m->n_params; i++)
    g_assert_true (isfinite (m->params[i]));
  nd_test_ui_spin (300);
  g_free (nd_test_ui_screenshot (GTK_WIDGET (window), "project-fit-no-progress"));
  g_settings_reset (settings, "fit-iterations");
  g_settings_reset (settings, "fit-restarts");
}

static gboolean
window_gone (gpointer data)
{
  return window == NULL;
}

static void
test_unsaved_question (void)
{
  NdProject *p = nd_window_get_project (window);
  g_autofree char *autosave = nd_project_autosave_path ();
  nd_project_set_window (p, 30.0, 70.0);
  g_assert_true (nd_project_get_dirty (p));
  g_assert_true (nd_window_autosave_now (window));

  /* Closing asks; Cancel keeps the window and the work. */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (nd_test_ui_wait (dialog_shown, NULL, 5000));
  AdwMessageDialog *d = ADW_MESSAGE_DIALOG (dialog ());
  g_assert_true (adw_message_dialog_has_response (d, "save"));
  g_assert_true (adw_message_dialog_has_response (d, "discard"));
  nd_test_ui_spin (300);
  g_free (nd_test_ui_screenshot (GTK_WIDGET (d), "project-unsaved-question"));
  adw_message_dialog_response (d, "cancel");   /* the dialog closes itself */
  nd_test_ui_spin (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (nd_project_get_dirty (p));

  /* Save writes the project (it has a file by now) and then closes. */
  g_autofree char *path = out_path ("closed.neurode");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save-as", "s", path));
  nd_project_set_window (p, 31.0, 70.0);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (nd_test_ui_wait (dialog_shown, NULL, 5000));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog ()), "save");
  g_assert_true (nd_test_ui_wait (window_gone, NULL, 10000));
  g_autoptr (NdProject) back = nd_project_new ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_open (back, file, &error));
  double s, e;
  nd_project_get_window (back, &s, &e);
  g_assert_cmpfloat (s, ==, 31.0);
  /* Closed on purpose: no crash copy left behind. */
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
}

/* A project the window wrote before the format moved into the engine (89568ce) opens with every choice,
 * and saved again it is the same file. */
static void
test_file_of_89568ce (void)
{
  g_autofree char *dir = out_path ("of-89568ce");
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *src = g_build_filename (g_getenv ("ND_TEST_DATA"), "project", "edited-demo-89568ce.neurode", NULL);
  g_autofree char *csv = demo_csv (), *copy = g_build_filename (dir, "hh-demo.csv", NULL);
  g_autofree char *path = g_build_filename (dir, "edited.neurode", NULL);
  g_autofree char *text = NULL, *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (csv, &data, &len, NULL));
  g_assert_true (g_file_set_contents (copy, data, (gssize) len, NULL));
  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (path, text, -1, NULL));

  g_autoptr (NdProject) p = nd_project_new ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_open (p, file, &error));
  g_assert_no_error (error);
  g_assert_false (nd_project_get_recording_missing (p));
  g_assert_cmpstr (nd_project_get_recording_path (p), ==, copy);
  g_assert_cmpfloat (nd_project_get_ljp (p), ==, 2.5);
  g_assert_cmpfloat (nd_project_get_known_capacitance (p), ==, 30.0);
  g_assert_cmpint (nd_project_get_sweep_role (p, 3), ==, ND_SWEEP_TRAIN);
  g_assert_cmpint (nd_project_get_sweep_role (p, 4), ==, ND_SWEEP_IGNORE);
  g_assert_cmpint (nd_project_get_learned (p).size, ==, ND_NET_SMALL);
  g_assert_cmpstr (nd_project_get_learned (p).replaces, ==, "hh_na");
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 1);
  NdCatalogueSpec cs = nd_project_get_catalogue (p, 0);
  g_assert_true (!cs.enabled && cs.fit_gbar && cs.fit_v_shift && cs.v_shift == 2.0 && cs.gbar == 3.5);
  g_assert_true (nd_project_get_fitted (p));
  guint n;
  const NdSweepScore *sc = nd_project_get_scores (p, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (isnan (sc[1].rmse_mV));

  /* The same file, but for the recording's path: where it was found now. */
  g_assert_true (nd_project_save (p, file, &error));
  g_autofree char *saved = NULL;
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_autoptr (GString) expected = g_string_new (text);
  g_string_replace (expected, "/home/student/Recordings/hh-demo.csv", copy, 1);
  g_assert_cmpstr (saved, ==, expected->str);
}

int
main (int argc, char **argv)
{
  out_dir = nd_test_ui_output_dir ("project");

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  app = nd_test_ui_start_app ((GtkWindow **) &window);

  g_test_add_func ("/project/roundtrip", test_roundtrip);
  g_test_add_func ("/project/moved-folder", test_moved_folder);
  g_test_add_func ("/project/file-of-89568ce", test_file_of_89568ce);
  g_test_add_func ("/project/bad-files", test_bad_files);
  g_test_add_func ("/project/autosave-recover", test_autosave_and_recover);
  g_test_add_func ("/project/fit-no-progress", test_fit_no_progress);
  g_test_add_func ("/project/unsaved-question", test_unsaved_question);
  int status = g_test_run ();
  g_object_unref (app);
  g_free (out_dir);
  return status;
}
