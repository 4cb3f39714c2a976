/* test-project-safety.c: no project is lost or overwritten by opening another file, and a project whose
 * recording moved stays usable.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real window (800×600) under Xvfb: the journey of issue 13 (the demo saved as demo.neurode, an
 * ABF opened, Save) leaves demo.neurode byte for byte as it was, and a fit of the old project (finished or
 * running) does not reach the new one; each way of opening a file (recent files,
 * drag and drop, the command line, the Open dialog, a project) asks about unsaved changes and Cancel,
 * Discard and Save do what they say; a folder moved with its project and recording keeps working; a
 * recording that cannot be found is located; a project file of an older format still opens.
 *
 * Usage: test-project-safety [LANGUAGE LOCALEDIR]: with a language (e.g. "de" and the build tree's po
 * folder) only the screenshots of the unsaved-changes question and of the missing recording are taken, in
 * that language, and their headings are checked to be translated.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "model-file.h"
#include "nd-fit-view.h"
#include "nd-test-ui.h"
#include "nd-window.h"

static NdApplication *app;
static NdWindow *window;
static char *out_dir;
static const char *language;

static void
activate (const char *action, GVariant *param)
{
  nd_test_ui_activate (GTK_WIDGET (window), action, param);
}

static void
open_path (const char *path)
{
  activate ("win.open-file", g_variant_new_string (path));
}

static char *
out_path (const char *name)
{
  return g_build_filename (out_dir, name, NULL);
}

/* A fresh folder in the test's output (what an earlier run left is removed). */
static char *
fresh_dir (const char *name)
{
  char *dir = out_path (name);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize) len, NULL));
}

static char *
demo_csv (void)
{
  return g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.csv", NULL);
}

static char *
abf (const char *name)
{
  return g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", name, NULL);
}

static GBytes *
file_bytes (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static void
assert_same_bytes (GBytes *before, const char *path)
{
  g_autoptr (GBytes) now = file_bytes (path);
  g_assert_true (g_bytes_equal (before, now));
}

static NdProject *
project (void)
{
  return nd_window_get_project (window);
}

static char *
model_json (NdProject *p)
{
  return nd_model_file_to_string (nd_project_get_model (p));
}

/* ---- dialogs ---- */

static GtkWindow *
message_dialog (void)
{
  return nd_test_ui_find_window (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (window));
}

static gboolean
message_shown (gpointer data)
{
  GtkWindow *w = message_dialog ();
  return w && gtk_widget_get_mapped (GTK_WIDGET (w));
}

static AdwMessageDialog *
wait_message (void)
{
  g_assert_true (nd_test_ui_wait (message_shown, NULL, 5000));
  return ADW_MESSAGE_DIALOG (message_dialog ());
}

static gboolean
no_message (gpointer data)
{
  return message_dialog () == NULL;
}

/* Answers the dialog on screen as a click on its button would (which also closes it), and lets what
 * follows run (continuations run once it is gone). */
static void
answer (AdwMessageDialog *d, const char *response)
{
  g_assert_true (adw_message_dialog_has_response (d, response));
  GtkWidget *button = nd_test_ui_find (GTK_WIDGET (d), nd_test_ui_button_has_label,
                                       adw_message_dialog_get_response_label (d, response));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (nd_test_ui_wait (no_message, NULL, 5000));
  nd_test_ui_spin (100);
}

/* The file chooser on screen: GtkFileChooserNative shows a GtkFileChooserDialog outside Flatpak, and an
 * answered one may stay hidden until the GtkFileChooserNative is freed. */
static GtkWindow *
chooser (void)
{
  GListModel *list = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (list, i);
      if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_widget_get_mapped (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
  return chooser () != NULL;
}

static GtkFileChooser *
wait_chooser (void)
{
  g_assert_true (nd_test_ui_wait (chooser_shown, NULL, 5000));
  /* The chooser starts in the last folder used and loads it after showing: a file chosen before then
   * would be chosen in the folder being left. */
  GtkFileChooser *fc = GTK_FILE_CHOOSER (chooser ());
  for (int i = 0; i < 100; i++)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_current_folder (fc);
      if (folder)
        break;
      nd_test_ui_spin (50);
    }
  nd_test_ui_spin (100);
  return fc;
}

static gboolean
no_chooser (gpointer data)
{
  return chooser () == NULL;
}

static void
chooser_respond (GtkFileChooser *fc, int response)
{
  /* As a click on the button: in a save dialog, the chooser first checks the name typed (and asks before
   * replacing a file), then answers. */
  GtkWidget *button = gtk_dialog_get_widget_for_response (GTK_DIALOG (fc), response);
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  g_assert_true (nd_test_ui_wait (no_chooser, NULL, 5000));
  nd_test_ui_spin (100);
}

/* The folder the chooser shows, as a path. */
static char *
chooser_folder (GtkFileChooser *fc)
{
  nd_test_ui_spin (500);
  g_autoptr (GFile) dir = gtk_file_chooser_get_current_folder (fc);
  return dir ? g_file_get_path (dir) : NULL;
}

static gboolean
has_tooltip (GtkWidget *w, gconstpointer tip)
{
  const char *t = gtk_widget_get_tooltip_text (w);
  return t && g_str_equal (t, tip);
}

/* Accept Fit as the user sees it: the button follows fit.accept's enabled state. */
static gboolean
accept_enabled (void)
{
  GtkWidget *b = nd_test_ui_find (nd_window_get_view_widget (window, "fit"), has_tooltip,
                                  "Make the fitted model the project’s model");
  g_assert_nonnull (b);
  return gtk_widget_is_sensitive (b);
}

static gboolean
fit_finished (gpointer data)
{
  return nd_fit_runner_get_state (nd_test_ui_fit_runner (window)) == ND_FIT_FINISHED;
}

static void
short_fit (void)
{
  /* A real cell's fit (a new project from an ABF) searches first: a short search here (the wait is long for
   * the sanitizers on a loaded machine; a finished fit ends it at once). */
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-search", 24);
  if (g_settings_get_int (settings, "fit-iterations") == 0)
    g_settings_set_int (settings, "fit-iterations", 30);
  nd_test_ui_activate_view (window, "fit", "fit.start");
  g_assert_true (nd_test_ui_wait (fit_finished, NULL, 600000));
  nd_test_ui_spin (200);
}

/* ---- the journey of issue 13 ---- */

static void
test_journey (void)
{
  g_autofree char *dir = fresh_dir ("journey");
  g_autofree char *rec_dir = g_build_filename (dir, "recordings", NULL);
  g_mkdir (rec_dir, 0755);
  g_autofree char *abf_copy = g_build_filename (rec_dir, "File_axon_5.abf", NULL);
  g_autofree char *abf_src = abf ("File_axon_5.abf");
  copy_file (abf_src, abf_copy);
  g_autofree char *demo_path = g_build_filename (dir, "demo.neurode", NULL);

  /* Try the Demo, fit, accept, save as demo.neurode. */
  activate ("win.open-demo", NULL);
  nd_test_ui_spin (300);
  short_fit ();
  g_assert_true (accept_enabled ());
  nd_test_ui_activate_view (window, "fit", "fit.accept");
  g_assert_true (nd_project_get_fitted (project ()));
  activate ("win.save-as", g_variant_new_string (demo_path));
  g_assert_null (message_dialog ());
  g_assert_false (nd_project_get_dirty (project ()));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "demo.neurode"));
  g_autoptr (GBytes) demo_saved = file_bytes (demo_path);
  g_autofree char *demo_model = model_json (project ());

  /* A second fit finishes, not accepted: Accept Fit is on, as in the issue. */
  short_fit ();
  g_assert_true (accept_enabled ());
  g_assert_false (nd_project_get_dirty (project ()));

  /* Open the ABF: nothing unsaved, so no question, and a new project starts. */
  open_path (abf_copy);
  nd_test_ui_spin (300);
  g_assert_null (message_dialog ());
  NdProject *p = project ();
  g_assert_null (nd_project_get_file (p));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (p)), ==, abf_copy);
  g_assert_cmpstr (nd_window_get_view (window), ==, "recording");
  g_assert_false (nd_project_get_dirty (p));
  g_assert_false (nd_project_get_fitted (p));
  guint n_scores, n_loss;
  const double *val;
  nd_project_get_scores (p, &n_scores);
  nd_project_get_loss (p, &val, NULL, &n_loss);
  g_assert_cmpuint (n_scores, ==, 0);
  g_assert_cmpuint (n_loss, ==, 0);
  g_assert_cmpint (nd_fit_runner_get_state (nd_test_ui_fit_runner (window)), ==, ND_FIT_IDLE);
  g_assert_false (accept_enabled ());
  const char *title = gtk_window_get_title (GTK_WINDOW (window));
  g_print ("title after opening the ABF: %s\n", title);
  g_assert_null (strstr (title, "demo.neurode"));
  g_assert_true (g_str_has_prefix (title, "Untitled"));
  g_assert_nonnull (strstr (title, "File_axon_5.abf"));
  /* The model is the one any new recording starts from, not the demo's (fitted) one. */
  g_autofree char *new_model = model_json (p);
  g_assert_cmpstr (new_model, !=, demo_model);
  g_autoptr (NdProject) fresh = nd_project_new ();
  g_autoptr (GError) error = NULL;
  NdRecording *rec = nd_recording_load (abf_copy, &error);
  g_assert_no_error (error);
  nd_project_start_new (fresh, rec);
  g_autofree char *fresh_model = model_json (fresh);
  g_assert_cmpstr (new_model, ==, fresh_model);
  assert_same_bytes (demo_saved, demo_path);

  /* Ctrl+S asks where to save, proposing the recording's name in its folder; cancelling writes nothing. */
  activate ("win.save", NULL);
  GtkFileChooser *fc = wait_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (fc), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
  g_autofree char *proposed = gtk_file_chooser_get_current_name (fc);
  g_autofree char *folder = chooser_folder (fc);
  g_print ("Save proposes %s in %s\n", proposed, folder);
  g_assert_cmpstr (proposed, ==, "File_axon_5.neurode");
  g_assert_cmpstr (folder, ==, rec_dir);
  assert_same_bytes (demo_saved, demo_path);
  chooser_respond (fc, GTK_RESPONSE_CANCEL);
  assert_same_bytes (demo_saved, demo_path);
  g_assert_null (nd_project_get_file (p));
  g_autoptr (GDir) d = g_dir_open (rec_dir, 0, NULL);
  guint n_files = 0;
  while (g_dir_read_name (d))
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);

  /* Saved where the user chose, and only there. */
  activate ("win.save", NULL);
  fc = wait_chooser ();
  gtk_file_chooser_set_current_name (fc, "axon.neurode");
  chooser_respond (fc, GTK_RESPONSE_ACCEPT);
  g_autofree char *axon_path = g_build_filename (rec_dir, "axon.neurode", NULL);
  g_assert_true (g_file_test (axon_path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (nd_project_get_dirty (p));
  g_autofree char *file_path = g_file_get_path (nd_project_get_file (p));
  g_assert_cmpstr (file_path, ==, axon_path);
  assert_same_bytes (demo_saved, demo_path);
  /* Ctrl+S again writes to the new project's own file. */
  nd_project_set_window (p, 10.0, 50.0);
  activate ("win.save", NULL);
  nd_test_ui_spin (100);
  g_assert_null (chooser ());
  g_assert_false (nd_project_get_dirty (p));
  assert_same_bytes (demo_saved, demo_path);
  g_autoptr (NdProject) axon = nd_project_new ();
  g_autoptr (GFile) axon_file = g_file_new_for_path (axon_path);
  g_assert_true (nd_project_open (axon, axon_file, &error));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (axon)), ==, abf_copy);
  g_assert_false (nd_project_get_fitted (axon));
  double ws, we;
  nd_project_get_window (axon, &ws, &we);
  g_assert_cmpfloat (we, ==, 50.0);

  /* demo.neurode still opens as the fitted demo it was. */
  open_path (demo_path);
  nd_test_ui_spin (200);
  g_assert_null (message_dialog ());
  g_assert_true (nd_project_get_fitted (project ()));
  g_autofree char *back = model_json (project ());
  g_assert_cmpstr (back, ==, demo_model);
  assert_same_bytes (demo_saved, demo_path);
}

static gboolean
fit_running (gpointer data)
{
  const NdFitSnapshot *snap = nd_fit_runner_get_snapshot (nd_test_ui_fit_runner (window));
  return nd_fit_runner_get_state (nd_test_ui_fit_runner (window)) == ND_FIT_RUNNING && snap && snap->done >= 2;
}

/* A fit still running when a recording opens is stopped and forgotten: none of it reaches the new project. */
static void
test_fit_running (void)
{
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-iterations", 5000);
  activate ("win.open-demo", NULL);
  nd_test_ui_spin (200);
  nd_test_ui_activate_view (window, "fit", "fit.start");
  g_assert_true (nd_test_ui_wait (fit_running, NULL, 60000));
  g_autofree char *src = abf ("File_axon_5.abf");
  gint64 t0 = g_get_monotonic_time ();
  open_path (src);
  g_print ("opening the ABF while fitting took %.0f ms (the fit's thread is stopped first)\n",
           (g_get_monotonic_time () - t0) / 1000.0);
  nd_test_ui_spin (300);
  g_assert_null (message_dialog ());
  g_assert_cmpint (nd_fit_runner_get_state (nd_test_ui_fit_runner (window)), ==, ND_FIT_IDLE);
  g_assert_false (accept_enabled ());
  g_assert_false (nd_project_get_fitted (project ()));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (project ())), ==, src);
  /* The new recording can be fitted at once. */
  g_settings_set_int (settings, "fit-iterations", 30);
  activate ("win.show-view", g_variant_new_string ("fit"));
  short_fit ();
  g_assert_true (accept_enabled ());
}

/* ---- opening with unsaved changes ---- */

typedef struct
{
  char *dir, *rec, *proj, *abf;
} Setup;

static Setup setup;

/* A saved project (p.neurode beside rec.csv), opened in the window and then edited. */
static void
open_edited_project (double window_end)
{
  open_path (setup.proj);
  nd_test_ui_spin (200);
  g_assert_null (message_dialog ());
  g_autofree char *path = g_file_get_path (nd_project_get_file (project ()));
  g_assert_cmpstr (path, ==, setup.proj);
  nd_project_set_window (project (), 5.0, window_end);
  g_assert_true (nd_project_get_dirty (project ()));
}

static void
setup_unsaved (void)
{
  setup.dir = fresh_dir ("unsaved");
  setup.rec = g_build_filename (setup.dir, "rec.csv", NULL);
  setup.proj = g_build_filename (setup.dir, "p.neurode", NULL);
  setup.abf = g_build_filename (setup.dir, "File_axon_5.abf", NULL);
  g_autofree char *csv = demo_csv (), *src = abf ("File_axon_5.abf");
  copy_file (csv, setup.rec);
  copy_file (src, setup.abf);
  g_autoptr (NdProject) p = nd_project_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_recording (p, setup.rec, &error));
  nd_project_set_sweep_role (p, 0, ND_SWEEP_TRAIN);
  g_autoptr (GFile) file = g_file_new_for_path (setup.proj);
  g_assert_true (nd_project_save (p, file, &error));
}

/* The question names the file about to open and the project with the changes. */
static AdwMessageDialog *
wait_question (const char *opening)
{
  AdwMessageDialog *d = wait_message ();
  g_assert_cmpstr (adw_message_dialog_get_heading (d), ==, "Save Changes?");
  const char *body = adw_message_dialog_get_body (d);
  g_print ("question: %s\n", body);
  g_assert_nonnull (strstr (body, opening));
  g_assert_true (adw_message_dialog_has_response (d, "cancel"));
  g_assert_true (adw_message_dialog_has_response (d, "discard"));
  g_assert_true (adw_message_dialog_has_response (d, "save"));
  return d;
}

static void
drop_on_window (const char *path)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GtkDropTarget *target = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !target; i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GSList *files = g_slist_prepend (NULL, file);
  GValue value = G_VALUE_INIT;
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_slist_free (files);
  gboolean accepted = FALSE;
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
}

static void
test_cancel_keeps_everything (void)
{
  setup_unsaved ();
  g_autoptr (GBytes) on_disk = file_bytes (setup.proj);
  open_edited_project (30.0);
  g_autofree char *before = nd_project_to_json (project (), nd_project_get_file (project ()));
  g_autofree char *title = g_strdup (gtk_window_get_title (GTK_WINDOW (window)));

  /* From the recent files (win.open-file). */
  open_path (setup.abf);
  answer (wait_question ("File_axon_5.abf"), "cancel");
  g_autofree char *after = nd_project_to_json (project (), nd_project_get_file (project ()));
  g_assert_cmpstr (after, ==, before);
  g_assert_true (nd_project_get_dirty (project ()));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, title);
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (project ())), ==, setup.rec);
  assert_same_bytes (on_disk, setup.proj);

  /* Closing the dialog (Escape) is Cancel. */
  open_path (setup.abf);
  AdwMessageDialog *d = wait_question ("File_axon_5.abf");
  gtk_window_close (GTK_WINDOW (d));
  g_assert_true (nd_test_ui_wait (no_message, NULL, 5000));
  nd_test_ui_spin (100);
  g_free (after);
  after = nd_project_to_json (project (), nd_project_get_file (project ()));
  g_assert_cmpstr (after, ==, before);

  /* A second request while the question is on screen does not stack a second question. */
  open_path (setup.abf);
  d = wait_question ("File_axon_5.abf");
  open_path (setup.abf);
  nd_test_ui_spin (100);
  guint n = 0;
  GListModel *tops = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (tops, i);
      n += ADW_IS_MESSAGE_DIALOG (w);
    }
  g_assert_cmpuint (n, ==, 1);
  answer (d, "cancel");
  g_free (after);
  after = nd_project_to_json (project (), nd_project_get_file (project ()));
  g_assert_cmpstr (after, ==, before);
}

static void
test_discard_starts_new (void)
{
  g_autoptr (GBytes) on_disk = file_bytes (setup.proj);
  /* Still the edited p.neurode of the previous test, edited once more (the 20 s autosave timer may have
   * written its crash copy already on a slow machine: a CI run failed here); its crash copy is written. */
  g_autofree char *autosave = nd_project_autosave_path ();
  nd_project_set_window (project (), 5.0, 31.0);
  g_assert_true (nd_window_autosave_now (window));
  g_assert_true (g_file_test (autosave, G_FILE_TEST_EXISTS));

  /* Dropped on the window. */
  drop_on_window (setup.abf);
  answer (wait_question ("File_axon_5.abf"), "discard");
  NdProject *p = project ();
  g_assert_null (nd_project_get_file (p));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (p)), ==, setup.abf);
  g_assert_false (nd_project_get_dirty (p));
  double s, e;
  nd_project_get_window (p, &s, &e);
  g_assert_cmpfloat (e, ==, 0.0);
  /* The discarded work's crash copy is gone, and the file on disk is as it was. */
  g_assert_false (g_file_test (autosave, G_FILE_TEST_EXISTS));
  assert_same_bytes (on_disk, setup.proj);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "Untitled"));
}

static void
test_save_then_new (void)
{
  /* From the command line (`neurode FILE` while Neurode runs): the project's own file is saved first. */
  open_edited_project (40.0);
  g_autoptr (GFile) abf_file = g_file_new_for_path (setup.abf);
  g_application_open (G_APPLICATION (app), &abf_file, 1, "");
  answer (wait_question ("File_axon_5.abf"), "save");
  g_autoptr (NdProject) saved = nd_project_new ();
  g_autoptr (GFile) proj_file = g_file_new_for_path (setup.proj);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_open (saved, proj_file, &error));
  double s, e;
  nd_project_get_window (saved, &s, &e);
  g_assert_cmpfloat (e, ==, 40.0);
  g_assert_null (nd_project_get_file (project ()));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (project ())), ==, setup.abf);

  /* An untitled project with changes, then the Open dialog (the welcome page's and Ctrl+O): Save asks
   * where, proposing the recording's name, and the other file opens once it is written. */
  nd_project_set_sweep_role (project (), 3, ND_SWEEP_TRAIN);
  g_assert_true (nd_project_get_dirty (project ()));
  activate ("win.open", NULL);
  GtkFileChooser *fc = wait_chooser ();
  g_autoptr (GFile) rec_file = g_file_new_for_path (setup.rec);
  g_assert_true (gtk_file_chooser_set_file (fc, rec_file, NULL));
  chooser_respond (fc, GTK_RESPONSE_ACCEPT);
  AdwMessageDialog *q = wait_question ("rec.csv");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (q), "never been saved"));
  answer (q, "save");
  fc = wait_chooser ();
  g_autofree char *proposed = gtk_file_chooser_get_current_name (fc);
  g_assert_cmpstr (proposed, ==, "File_axon_5.neurode");
  /* A name typed without .neurode still gets it. */
  gtk_file_chooser_set_current_name (fc, "axon-edited");
  chooser_respond (fc, GTK_RESPONSE_ACCEPT);
  g_autofree char *written = g_build_filename (setup.dir, "axon-edited.neurode", NULL);
  g_autoptr (NdProject) back = nd_project_new ();
  g_autoptr (GFile) wf = g_file_new_for_path (written);
  g_assert_true (nd_project_open (back, wf, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nd_project_get_sweep_role (back, 3), ==, ND_SWEEP_TRAIN);
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (back)), ==, setup.abf);
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (project ())), ==, setup.rec);
  g_assert_null (nd_project_get_file (project ()));

  /* Save As onto that name, typed without the suffix again: the existing project is not replaced unasked. */
  g_autoptr (GBytes) edited = file_bytes (written);
  nd_project_set_sweep_role (project (), 2, ND_SWEEP_TRAIN);
  g_autofree char *typed = g_build_filename (setup.dir, "axon-edited", NULL);
  activate ("win.save-as", g_variant_new_string (typed));
  AdwMessageDialog *r = wait_message ();
  g_print ("replace: %s — %s\n", adw_message_dialog_get_heading (r), adw_message_dialog_get_body (r));
  answer (r, "cancel");
  assert_same_bytes (edited, written);
  g_assert_null (nd_project_get_file (project ()));
}

static void
test_open_project_while_unsaved (void)
{
  /* The untitled rec.csv project has changes; opening p.neurode asks too, and then shows only it. */
  g_assert_true (nd_project_get_dirty (project ()));
  open_path (setup.proj);
  answer (wait_question ("p.neurode"), "discard");
  g_autofree char *path = g_file_get_path (nd_project_get_file (project ()));
  g_assert_cmpstr (path, ==, setup.proj);
  g_assert_false (nd_project_get_dirty (project ()));
  double s, e;
  nd_project_get_window (project (), &s, &e);
  g_assert_cmpfloat (e, ==, 40.0);
  g_assert_cmpint (nd_project_get_sweep_role (project (), 2), !=, ND_SWEEP_TRAIN);
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "p.neurode"));

  /* Nothing unsaved: the demo opens without a question. */
  activate ("win.open-demo", NULL);
  nd_test_ui_spin (200);
  g_assert_null (message_dialog ());
  g_assert_null (nd_project_get_file (project ()));
}

/* ---- recordings that moved ---- */

static void
test_relative_path (void)
{
  /* proj/p.neurode and data/rec.csv side by side in one folder: the project holds both paths. */
  g_autofree char *top = fresh_dir ("relative/lab");
  g_autofree char *moved = fresh_dir ("relative/lab-moved");
  g_rmdir (moved);
  g_autofree char *copied = fresh_dir ("relative/lab-copy");
  g_rmdir (copied);
  g_autofree char *data = g_build_filename (top, "data", NULL), *proj = g_build_filename (top, "proj", NULL);
  g_mkdir (data, 0755);
  g_mkdir (proj, 0755);
  g_autofree char *rec = g_build_filename (data, "rec.csv", NULL), *csv = demo_csv ();
  copy_file (csv, rec);
  g_autoptr (NdProject) p = nd_project_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_recording (p, rec, &error));
  g_autofree char *pp = g_build_filename (proj, "p.neurode", NULL);
  g_autoptr (GFile) pf = g_file_new_for_path (pp);
  g_assert_true (nd_project_save (p, pf, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (pp, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"relative_path\" : \"../data/rec.csv\""));
  g_autofree char *abs_member = g_strdup_printf ("\"path\" : \"%s\"", rec);
  g_assert_nonnull (strstr (text, abs_member));
  g_assert_nonnull (strstr (text, "\"sweeps\" : 6"));

  /* Copied: both places hold a recording, and the one the project was saved with (absolute) is used. */
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s'", top, copied);
  g_assert_cmpint (system (cmd), ==, 0);
  g_autofree char *copied_proj = g_build_filename (copied, "proj", "p.neurode", NULL);
  open_path (copied_proj);
  nd_test_ui_spin (200);
  g_assert_null (message_dialog ());
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (project ())), ==, rec);

  /* Moved: the absolute path is gone, and the relative one finds the recording; no question. */
  g_autoptr (GFile) from = g_file_new_for_path (top), to = g_file_new_for_path (moved);
  g_assert_true (g_file_move (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_autofree char *moved_proj = g_build_filename (moved, "proj", "p.neurode", NULL);
  g_autofree char *moved_rec = g_build_filename (moved, "data", "rec.csv", NULL);
  open_path (moved_proj);
  nd_test_ui_spin (200);
  g_assert_null (message_dialog ());
  g_assert_false (nd_project_get_recording_missing (project ()));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (project ())), ==, moved_rec);
  g_assert_false (nd_project_get_dirty (project ()));
  /* Saved again, the project points at where the recording is now. */
  activate ("win.save", NULL);
  nd_test_ui_spin (100);
  g_free (text);
  text = NULL;
  g_assert_true (g_file_get_contents (moved_proj, &text, NULL, NULL));
  g_free (abs_member);
  abs_member = g_strdup_printf ("\"path\" : \"%s\"", moved_rec);
  g_assert_nonnull (strstr (text, abs_member));
}

/* A project with fit results (scores made up: the file, not the fit, is tested) saved beside its
 * recording, which then moves away. */
static char *locate_proj, *locate_moved;
static char *saved_model;
static GBytes *locate_saved;

static void
setup_locate (void)
{
  g_autofree char *dir = fresh_dir ("locate");
  g_autofree char *elsewhere = fresh_dir ("locate-elsewhere");
  g_autofree char *rec = g_build_filename (dir, "rec.csv", NULL), *csv = demo_csv ();
  copy_file (csv, rec);
  g_autoptr (NdProject) p = nd_project_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_recording (p, rec, &error));
  nd_project_set_sweep_role (p, 4, ND_SWEEP_IGNORE);
  nd_project_set_sweep_role (p, 1, ND_SWEEP_TRAIN);
  NdSweepScore scores[] = { { 0, 0.5, 1, 1 }, { 2, 0.25, 6, 5 } };
  double train[] = { 20.0, 4.0, 1.0 }, val[] = { NAN, 5.0, 2.0 };
  nd_project_accept_model (p, nd_project_get_model (p), scores, 2, train, val, NULL, 3);
  g_clear_pointer (&locate_proj, g_free);
  locate_proj = g_build_filename (dir, "p.neurode", NULL);
  g_autoptr (GFile) pf = g_file_new_for_path (locate_proj);
  g_assert_true (nd_project_save (p, pf, &error));
  g_clear_pointer (&saved_model, g_free);
  saved_model = model_json (p);
  g_clear_pointer (&locate_moved, g_free);
  locate_moved = g_build_filename (elsewhere, "moved.csv", NULL);
  g_assert_cmpint (g_rename (rec, locate_moved), ==, 0);
  g_clear_pointer (&locate_saved, g_bytes_unref);
  locate_saved = file_bytes (locate_proj);
}

/* The project as it was saved, though its recording is missing. */
static void
assert_saved_content (void)
{
  NdProject *p = project ();
  g_autofree char *m = model_json (p);
  g_assert_cmpstr (m, ==, saved_model);
  g_assert_true (nd_project_get_fitted (p));
  guint n;
  const NdSweepScore *sc = nd_project_get_scores (p, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (sc[1].rmse_mV, ==, 0.25);
  g_assert_cmpint (nd_project_get_sweep_role (p, 4), ==, ND_SWEEP_IGNORE);
  g_assert_cmpint (nd_project_get_sweep_role (p, 1), ==, ND_SWEEP_TRAIN);
}

static gboolean
banner_shown (void)
{
  GtkWidget *b = nd_test_ui_find (GTK_WIDGET (window), has_tooltip, "Choose where the project’s recording is now");
  g_assert_nonnull (b);
  GtkWidget *revealer = gtk_widget_get_ancestor (b, GTK_TYPE_REVEALER);
  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static void
test_locate (void)
{
  setup_locate ();
  open_path (locate_proj);
  AdwMessageDialog *d = wait_message ();
  g_print ("missing: %s — %s\n", adw_message_dialog_get_heading (d), adw_message_dialog_get_body (d));
  g_assert_cmpstr (adw_message_dialog_get_heading (d), ==, "Recording Not Found");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (d), "rec.csv"));
  /* The project is open, with its model and results, and says where the recording was. */
  NdProject *p = project ();
  g_autofree char *fp = g_file_get_path (nd_project_get_file (p));
  g_assert_cmpstr (fp, ==, locate_proj);
  g_assert_null (nd_project_get_recording (p));
  g_assert_true (nd_project_get_recording_missing (p));
  g_assert_true (g_str_has_suffix (nd_project_get_recording_path (p), "locate/rec.csv"));
  assert_saved_content ();
  g_assert_false (nd_project_get_dirty (p));
  /* Not now: the bar above the views keeps the offer; a fit cannot start and says why. */
  answer (d, "close");
  g_assert_true (banner_shown ());
  g_autoptr (GError) error = NULL;
  g_assert_null (nd_project_make_sweeps (p, nd_project_get_model (p), 0.025, &error));
  g_assert_nonnull (strstr (error->message, "locate"));
  g_clear_error (&error);

  /* Saved while missing, the project still names its recording. */
  g_autofree char *copy = out_path ("locate/p-copy.neurode");
  activate ("win.save-as", g_variant_new_string (copy));
  g_autoptr (NdProject) again = nd_project_new ();
  g_autoptr (GFile) cf = g_file_new_for_path (copy);
  g_assert_true (nd_project_open (again, cf, &error));
  g_assert_true (nd_project_get_recording_missing (again));
  g_assert_cmpstr (nd_project_get_recording_path (again), ==, nd_project_get_recording_path (p));
  g_autofree char *a = nd_project_to_json (again, cf), *b = nd_project_to_json (p, cf);
  g_assert_cmpstr (a, ==, b);

  /* Reopen (nothing unsaved), and locate through the dialog's button and the file chooser. */
  open_path (locate_proj);
  d = wait_message ();
  answer (d, "locate");
  GtkFileChooser *fc = wait_chooser ();
  g_autofree char *folder = chooser_folder (fc);
  g_autofree char *proj_dir = g_path_get_dirname (locate_proj);
  g_assert_cmpstr (folder, ==, proj_dir);
  g_autoptr (GFile) mf = g_file_new_for_path (locate_moved);
  g_assert_true (gtk_file_chooser_set_file (fc, mf, NULL));
  chooser_respond (fc, GTK_RESPONSE_ACCEPT);
  /* Same sweeps and signals: taken without a warning. */
  g_assert_null (message_dialog ());
  p = project ();
  g_assert_false (nd_project_get_recording_missing (p));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (p)), ==, locate_moved);
  g_assert_true (nd_project_get_dirty (p));
  assert_saved_content ();
  g_assert_false (banner_shown ());
  /* The stimulus the project chose is the recording's again. */
  g_assert_cmpint (nd_recording_stimulus_source (nd_project_get_recording (p)), ==, ND_STIMULUS_SIGNAL);
  NdProjectSweeps *sw = nd_project_make_sweeps (p, nd_project_get_model (p), 0.025, &error);
  g_assert_no_error (error);
  guint n_train = 0;
  for (guint s = 0; s < nd_recording_n_sweeps (nd_project_get_recording (p)); s++)
    n_train += nd_project_get_sweep_role (p, s) == ND_SWEEP_TRAIN;
  g_assert_cmpuint (n_train, >=, 1);
  g_assert_cmpuint (sw->n_train, ==, n_train);
  nd_project_free_sweeps (sw);
  /* Saved, it points at the new place. */
  activate ("win.save", NULL);
  nd_test_ui_spin (100);
  g_autoptr (NdProject) located = nd_project_new ();
  g_autoptr (GFile) pf = g_file_new_for_path (locate_proj);
  g_assert_true (nd_project_open (located, pf, &error));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (located)), ==, locate_moved);
}

static void
test_locate_other_recording (void)
{
  /* The project file as it was, its recording missing again. */
  g_autoptr (GFile) pf = g_file_new_for_path (locate_proj);
  g_assert_true (g_file_replace_contents (pf, g_bytes_get_data (locate_saved, NULL), g_bytes_get_size (locate_saved),
                                          NULL, FALSE, 0, NULL, NULL, NULL));
  open_path (locate_proj);
  answer (wait_message (), "close");
  g_assert_true (nd_project_get_recording_missing (project ()));

  /* A recording with other sweeps and signals: warned, and Cancel keeps looking. */
  g_autofree char *other = abf ("File_axon_5.abf");
  activate ("win.locate-recording", g_variant_new_string (other));
  AdwMessageDialog *d = wait_message ();
  g_print ("other recording: %s — %s\n", adw_message_dialog_get_heading (d), adw_message_dialog_get_body (d));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (d), "9 sweeps"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (d), "1 signal;"));
  answer (d, "cancel");
  g_assert_true (nd_project_get_recording_missing (project ()));
  g_assert_false (nd_project_get_dirty (project ()));

  /* Use Anyway: taken, the selections kept for the sweeps both have, the others unused. */
  activate ("win.locate-recording", g_variant_new_string (other));
  answer (wait_message (), "use");
  NdProject *p = project ();
  g_assert_false (nd_project_get_recording_missing (p));
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (p)), ==, other);
  g_assert_true (nd_project_get_dirty (p));
  g_assert_cmpint (nd_project_get_sweep_role (p, 1), ==, ND_SWEEP_TRAIN);
  g_assert_cmpint (nd_project_get_sweep_role (p, 8), ==, ND_SWEEP_IGNORE);
  nd_project_set_dirty (p, FALSE);

  /* A file that is not a recording is refused in words, and nothing changes. */
  g_autofree char *bad = out_path ("locate/not-a-recording.abf");
  g_assert_true (g_file_set_contents (bad, "ABF2 but not really", -1, NULL));
  open_path (locate_proj);
  answer (wait_message (), "close");
  activate ("win.locate-recording", g_variant_new_string (bad));
  d = wait_message ();
  g_print ("bad recording: %s — %s\n", adw_message_dialog_get_heading (d), adw_message_dialog_get_body (d));
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (d), "Cannot open"));
  answer (d, "close");
  g_assert_true (nd_project_get_recording_missing (project ()));
}

/* ---- a project file of an older format ---- */

static void
test_old_format (void)
{
  g_autofree char *dir = fresh_dir ("old-format");
  g_autofree char *fixture = g_build_filename (g_getenv ("ND_TEST_DATA"), "project", "fitted-demo-format1.neurode", NULL);
  g_autofree char *proj = g_build_filename (dir, "fitted.neurode", NULL);
  g_autofree char *rec = g_build_filename (dir, "hh-demo.csv", NULL), *csv = demo_csv ();
  copy_file (fixture, proj);
  copy_file (csv, rec);

  /* Its absolute path is on another machine; beside the project, the recording is found. */
  open_path (proj);
  nd_test_ui_spin (200);
  g_assert_null (message_dialog ());
  NdProject *p = project ();
  g_assert_cmpstr (nd_recording_path (nd_project_get_recording (p)), ==, rec);
  g_assert_true (nd_project_get_fitted (p));
  g_assert_cmpstr (nd_window_get_view (window), ==, "fit");
  guint n, n_loss;
  const double *val;
  const NdSweepScore *sc = nd_project_get_scores (p, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (sc[1].rmse_mV, ==, 0.060154385837742484);
  nd_project_get_loss (p, &val, NULL, &n_loss);
  g_assert_cmpuint (n_loss, >, 10);
  /* The model is the file's, to the bit. */
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (fixture, &text, NULL, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  JsonNode *model_node = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "model");
  g_autofree char *model_text = json_to_string (model_node, FALSE);
  g_autoptr (GError) error = NULL;
  nd_model *m = nd_model_file_parse (model_text, -1, NULL, &error);
  g_assert_no_error (error);
  nd_model *pm = nd_project_get_model (p);
  g_assert_cmpuint (m->n_params, ==, pm->n_params);
  g_assert_cmpmem (m->params, m->n_params * sizeof (double), pm->params, pm->n_params * sizeof (double));
  nd_model_free (m);

  /* Without its recording, the older file's selections still bound what a located file must hold. */
  g_unlink (rec);
  open_path (proj);
  answer (wait_message (), "close");
  g_assert_true (nd_project_get_recording_missing (project ()));
  g_assert_cmpint (nd_project_get_sweep_role (project (), 5), ==, ND_SWEEP_VALIDATE);
  g_autofree char *three = abf ("18702001-step.abf");
  activate ("win.locate-recording", g_variant_new_string (three));
  AdwMessageDialog *d = wait_message ();
  g_print ("older file, other recording: %s\n", adw_message_dialog_get_body (d));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (d), "uses sweep 6"));
  answer (d, "cancel");
  g_autofree char *moved = out_path ("old-format/elsewhere.csv");
  copy_file (csv, moved);
  activate ("win.locate-recording", g_variant_new_string (moved));
  nd_test_ui_spin (100);
  g_assert_null (message_dialog ());
  g_assert_true (nd_project_get_fitted (project ()));
  nd_project_set_dirty (project (), FALSE);
}

/* ---- screenshots (English, and the language given) ---- */

static char *
shot (const char *what)
{
  return language ? g_strdup_printf ("safety-%s-%s", language, what) : g_strdup_printf ("safety-%s", what);
}

static void
screenshot (GtkWidget *w, const char *what)
{
  nd_test_ui_spin (300);
  g_autofree char *name = shot (what);
  g_autofree char *png = nd_test_ui_screenshot (w, name);
  g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.02);
}

static void
test_screenshots (void)
{
  setup_unsaved ();
  /* The unsaved-changes question, over the edited project, on opening a recording. */
  open_edited_project (25.0);
  activate ("win.show-view", g_variant_new_string ("recording"));
  open_path (setup.abf);
  AdwMessageDialog *d = wait_message ();
  g_assert_cmpstr (adw_message_dialog_get_heading (d), ==, _("Save Changes?"));
  if (language)
    g_assert_cmpstr (_("Save Changes?"), !=, "Save Changes?");
  screenshot (GTK_WIDGET (d), "unsaved-question");
  answer (d, "cancel");

  /* The missing recording: the question, then the window with its bar and the recording view's page. */
  setup_locate ();
  open_path (locate_proj);
  answer (wait_message (), "discard");
  d = wait_message ();
  g_assert_cmpstr (adw_message_dialog_get_heading (d), ==, _("Recording Not Found"));
  if (language)
    g_assert_cmpstr (_("Recording Not Found"), !=, "Recording Not Found");
  screenshot (GTK_WIDGET (d), "recording-not-found");
  answer (d, "close");
  activate ("win.show-view", g_variant_new_string ("recording"));
  screenshot (GTK_WIDGET (window), "recording-missing");
  activate ("win.show-view", g_variant_new_string ("fit"));
  screenshot (GTK_WIDGET (window), "recording-missing-fit");
}

int
main (int argc, char **argv)
{
  /* As test-i18n: the build tree's catalogue, in the language given. */
  language = nd_test_ui_take_language (&argc, &argv, NULL);
  /* Recent files, autosaves, the demo's copy and the settings' last folder stay in the test's output. */
  out_dir = nd_test_ui_output_dir (language ? "project-safety-i18n" : "project-safety");

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  app = nd_test_ui_start_app ((GtkWindow **) &window);
  nd_test_ui_short_fits (app, 30);
  /* The smallest size the window is made for. */
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  nd_test_ui_spin (300);

  /* First, so that no toast of another test is on them. */
  g_test_add_func ("/safety/screenshots", test_screenshots);
  if (!language)
    {
      g_test_add_func ("/safety/journey", test_journey);
      g_test_add_func ("/safety/fit-running", test_fit_running);
      g_test_add_func ("/safety/unsaved-cancel", test_cancel_keeps_everything);
      g_test_add_func ("/safety/unsaved-discard", test_discard_starts_new);
      g_test_add_func ("/safety/unsaved-save", test_save_then_new);
      g_test_add_func ("/safety/unsaved-open-project", test_open_project_while_unsaved);
      g_test_add_func ("/safety/relative-path", test_relative_path);
      g_test_add_func ("/safety/locate", test_locate);
      g_test_add_func ("/safety/locate-other", test_locate_other_recording);
      g_test_add_func ("/safety/old-format", test_old_format);
    }
  int status = g_test_run ();
  nd_project_set_dirty (project (), FALSE);
  g_object_unref (app);
  g_free (out_dir);
  return status;
}
