/* test-close-work.c: closing a window ends its background work and nothing keeps the window alive.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real cell's fit (17o05028, the cortical template, spike-aware) is closed during its search of
 * conductances and kinetics and during its gradient steps, the demo's fit during its iterations: the
 * fit's thread must have ended within one second of its abort (nd_fit_worker_last_abort_us; the whole
 * close is printed), nothing of it must be left running (nd_fit_worker_n_running), and the window must be
 * finalized. A fit's scoring and an f-I curve still computing when their window closes must not keep the
 * window either, and their threads must end (nd_task_n_running back to 0 within 10 s) without touching it
 * (under the sanitizers, a use after free would show).
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "fit-worker.h"
#include "nd-explore-view.h"
#include "nd-fit-view.h"
#include "nd-task.h"
#include "nd-test-ui.h"
#include "nd-window.h"

static NdApplication *app;

static NdWindow *
new_window (void)
{
  NdWindow *w = nd_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (w), 1200, 800);
  gtk_window_present (GTK_WINDOW (w));
  nd_test_ui_spin (400);
  return w;
}

typedef struct
{
  NdWindow *window;
  gboolean searching;   /* wait for the search (TRUE) or for gradient steps (FALSE) */
} Phase;

static gboolean
in_phase (gpointer data)
{
  const Phase *ph = data;
  const NdFitSnapshot *s = nd_fit_runner_get_snapshot (nd_test_ui_fit_runner (ph->window));
  if (!s)
    return FALSE;
  return ph->searching ? s->searching && s->search_done > 0 : !s->searching && s->iteration > 0;
}

/* Closes the window as a user does and measures until the fit's thread has ended: from the close (which
 * includes GTK taking the window apart, a few hundred ms on a loaded machine) and from the fit's abort. */
static void
close_and_time (NdWindow *w, const char *what)
{
  gpointer weak = w;
  g_object_add_weak_pointer (G_OBJECT (w), &weak);
  nd_project_set_dirty (nd_window_get_project (w), FALSE);
  g_assert_cmpint (nd_fit_worker_n_running (), ==, 1);
  long long before = nd_fit_worker_last_abort_us ();
  gint64 t0 = g_get_monotonic_time ();
  gtk_window_close (GTK_WINDOW (w));
  while (nd_fit_worker_n_running () > 0 && g_get_monotonic_time () - t0 < 30 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  double s = (g_get_monotonic_time () - t0) / 1e6, abort_s = nd_fit_worker_last_abort_us () / 1e6;
  g_print ("%s: the fit's thread ended %.3f s after the close, %.3f s after its abort\n", what, s, abort_s);
  g_assert_cmpint (nd_fit_worker_n_running (), ==, 0);
  g_assert_cmpint (nd_fit_worker_last_abort_us (), !=, before);
  g_assert_cmpfloat (abort_s, >=, 0.0);
  g_assert_cmpfloat (abort_s, <, 1.0);
  /* Before the abort, a real cell's fit ran on for 2.2 s after the close (a search's simulations); the
   * close itself is GTK's and the machine's, so only printed. */
  nd_test_ui_spin (200);
  g_assert_null (weak);
}

static void
fit_real_cell (gboolean searching)
{
  NdWindow *w = new_window ();
  g_autofree char *abf = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05028_ic_steps.abf", NULL);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (w), "win.open-file", g_variant_new_string (abf)));
  nd_test_ui_spin (500);
  NdProject *p = nd_window_get_project (w);
  g_assert_nonnull (nd_project_get_recording (p));
  nd_project_apply_template (p, ND_TEMPLATE_CORTICAL);
  GSettings *settings = nd_application_get_settings (app);
  g_settings_reset (settings, "fit-iterations");
  g_settings_reset (settings, "fit-restarts");
  /* The automatic search of a real cell (600 simulations), or none: straight to the gradient steps. */
  g_settings_set_int (settings, "fit-search", searching ? -1 : 0);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (w), "win.show-view", g_variant_new_string ("fit")));
  g_assert_true (gtk_widget_activate_action (nd_window_get_view_widget (w, "fit"), "fit.start", NULL));
  g_assert_true (nd_fit_runner_get_spike_aware (nd_test_ui_fit_runner (w)));
  Phase ph = { w, searching };
  g_assert_true (nd_test_ui_wait (in_phase, &ph, 300000));
  const NdFitSnapshot *s = nd_fit_runner_get_snapshot (nd_test_ui_fit_runner (w));
  g_print ("closing at %s %d, %.1f s into the fit\n", searching ? "search simulation" : "gradient step",
           searching ? s->search_done : s->iteration, s->elapsed_s);
  close_and_time (w, searching ? "real cell, searching" : "real cell, gradient steps");
  g_settings_reset (settings, "fit-search");
}

static void
test_real_cell_search (void)
{
  fit_real_cell (TRUE);
}

static void
test_real_cell_steps (void)
{
  fit_real_cell (FALSE);
}

static gboolean
no_task_running (gpointer data)
{
  return nd_task_n_running () == 0;
}

/* The closed window's background job (nd_task_run) is cancelled: its thread returns within a second of
 * the close (t0; three under the sanitizers), then its callback runs without the window (a use after free
 * would show under the sanitizers). */
static void
work_ends (const char *what, gint64 t0)
{
  gboolean ended = nd_test_ui_wait (no_task_running, NULL, 10000);
  double s = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("%s: its thread ended within %.3f s of the close\n", what, s);
  g_assert_true (ended);
  g_assert_cmpfloat (s, <, ND_TEST_SANITIZED ? 3.0 : 1.0);
  nd_test_ui_spin (200);
}

static gboolean
scoring (gpointer data)
{
  return nd_fit_runner_get_state (nd_test_ui_fit_runner (data)) >= ND_FIT_SCORING;
}

/* The fit ends and its scoring (every sweep run by the fitted model, on a thread) is under way when the
 * window closes: the scoring's job holds no reference to the runner, so the window goes at once. */
static void
test_real_cell_scoring (void)
{
  NdWindow *w = new_window ();
  g_autofree char *abf = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05028_ic_steps.abf", NULL);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (w), "win.open-file", g_variant_new_string (abf)));
  nd_test_ui_spin (500);
  NdProject *p = nd_window_get_project (w);
  nd_project_apply_template (p, ND_TEMPLATE_CORTICAL);
  /* Every sweep scored: 16 of about 1.4 s. */
  for (guint s = 0; s < nd_recording_n_sweeps (nd_project_get_recording (p)); s++)
    if (nd_project_get_sweep_role (p, s) == ND_SWEEP_IGNORE)
      nd_project_set_sweep_role (p, s, ND_SWEEP_VALIDATE);
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-iterations", 1);
  g_settings_set_int (settings, "fit-search", 0);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (w), "win.show-view", g_variant_new_string ("fit")));
  g_assert_true (gtk_widget_activate_action (nd_window_get_view_widget (w, "fit"), "fit.start", NULL));
  g_assert_true (nd_test_ui_wait (scoring, w, 120000));
  g_assert_cmpint (nd_fit_runner_get_state (nd_test_ui_fit_runner (w)), ==, ND_FIT_SCORING);
  gpointer weak = w, weak_runner = nd_test_ui_fit_runner (w);
  g_object_add_weak_pointer (G_OBJECT (w), &weak);
  g_object_add_weak_pointer (G_OBJECT (weak_runner), &weak_runner);
  nd_project_set_dirty (p, FALSE);
  g_assert_cmpint (nd_task_n_running (), >=, 1);
  gint64 t0 = g_get_monotonic_time ();
  gtk_window_close (GTK_WINDOW (w));
  nd_test_ui_spin (100);
  g_assert_null (weak);
  /* Nor the runner, with the sweeps and models it holds. */
  g_assert_null (weak_runner);
  /* The scoring stops after its sweep and its callback finds no runner. */
  work_ends ("scoring", t0);
  g_settings_reset (settings, "fit-iterations");
  g_settings_reset (settings, "fit-search");
}

static void
test_demo (void)
{
  NdWindow *w = new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w), "win.open-demo", NULL));
  nd_test_ui_spin (300);
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-iterations", 100000);
  g_assert_true (gtk_widget_activate_action (nd_window_get_view_widget (w, "fit"), "fit.start", NULL));
  Phase ph = { w, FALSE };
  g_assert_true (nd_test_ui_wait (in_phase, &ph, 60000));
  close_and_time (w, "demo");
  g_settings_reset (settings, "fit-iterations");
}

/* A curve's job holds no reference to its view: the window goes at once, and the job ends unseen. */
static void
test_explore_curve (void)
{
  NdWindow *w = new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w), "win.explore", NULL));
  nd_test_ui_spin (300);
  NdExploreView *view = ND_EXPLORE_VIEW (nd_test_ui_find_type (GTK_WIDGET (w), ND_TYPE_EXPLORE_VIEW));
  g_assert_nonnull (view);
  g_action_group_activate_action (nd_explore_view_get_actions (view), "compute-fi", NULL);
  g_assert_true (nd_explore_view_is_computing (view));
  g_assert_cmpint (nd_task_n_running (), >=, 1);
  gpointer weak = w;
  g_object_add_weak_pointer (G_OBJECT (w), &weak);
  gint64 t0 = g_get_monotonic_time ();
  gtk_window_close (GTK_WINDOW (w));
  nd_test_ui_spin (100);
  g_assert_null (weak);
  /* The curve's thread finishes (cancelled at its next point) and its callback finds no view. */
  work_ends ("f-I curve", t0);
}

int
main (int argc, char **argv)
{
  g_free (nd_test_ui_output_dir ("close-work"));

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  GtkWindow *first;
  app = nd_test_ui_start_app (&first);
  GSettings *settings = nd_application_get_settings (app);
  g_settings_set_int (settings, "fit-restarts", 1);

  g_test_add_func ("/close/real-cell-search", test_real_cell_search);
  g_test_add_func ("/close/real-cell-steps", test_real_cell_steps);
  g_test_add_func ("/close/real-cell-scoring", test_real_cell_scoring);
  g_test_add_func ("/close/demo", test_demo);
  g_test_add_func ("/close/explore-curve", test_explore_curve);
  int status = g_test_run ();
  g_object_unref (app);
  return status;
}
