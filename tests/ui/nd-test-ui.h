/* nd-test-ui.h: helpers for tests that drive the real window under Xvfb.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-application.h"
#include "nd-fit-view.h"
#include "nd-window.h"

/* Sanitizer builds run several times slower: tests shorten their work or widen their limits. */
#if defined(__SANITIZE_ADDRESS__)
#define ND_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ND_TEST_SANITIZED 1
#endif
#endif
#ifndef ND_TEST_SANITIZED
#define ND_TEST_SANITIZED 0
#endif

/* Shows the program in `language` ("de") from the catalogues compiled under `localedir` (the build tree's
 * po folder); call before nd_test_ui_init. */
void           nd_test_ui_use_language (const char *language, const char *localedir);
/* The translated runs pass "LANGUAGE LOCALEDIR" before the test options: shows the program in LANGUAGE
 * and takes both off argv. Returns LANGUAGE, or `fallback` when they are not given. */
const char    *nd_test_ui_take_language (int *argc, char ***argv, const char *fallback);
/* ND_TEST_OUTPUT/name (./name without it), created, with the program's cache and data homes inside it so
 * that autosaves, recent files and the demo's copy stay in the test's output; those two homes are emptied
 * first, so a test run twice sees nothing of its earlier run. Free it. */
char          *nd_test_ui_output_dir (const char *name);
/* Exits with 77 (skipped) when there is no display, as meson expects. */
void           nd_test_ui_init (int *argc, char ***argv);
/* A registered, non-unique application with its main window presented and drawn. */
NdApplication *nd_test_ui_start_app (GtkWindow **out_window);
/* Fits of `iterations` steps and one restart: a test's fits end in seconds. */
void           nd_test_ui_short_fits (NdApplication *app, int iterations);
/* Runs the main loop until `cond(data)` or the timeout; returns whether cond held. */
gboolean       nd_test_ui_wait (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms);
void           nd_test_ui_spin (guint ms);
/* Activates `action` (with `param`, or NULL) from `widget` and asserts that it was found. */
void           nd_test_ui_activate (GtkWidget *widget, const char *action, GVariant *param);
/* Activates one of the `view` view's own actions ("fit.start") in `window`, asserting that it was found. */
void           nd_test_ui_activate_view (NdWindow *window, const char *view, const char *action);
/* The first widget under `w` (itself included, depth first) for which match(widget, data) holds, or NULL. */
GtkWidget     *nd_test_ui_find (GtkWidget *w, gboolean (*match) (GtkWidget *, gconstpointer), gconstpointer data);
/* Matches for nd_test_ui_find: a button with this icon name, label or action name. */
gboolean       nd_test_ui_button_has_icon (GtkWidget *w, gconstpointer icon);
gboolean       nd_test_ui_button_has_label (GtkWidget *w, gconstpointer label);
gboolean       nd_test_ui_button_has_action (GtkWidget *w, gconstpointer action);
/* The Fit view of `window` and its runner. */
NdFitView     *nd_test_ui_fit_view (NdWindow *window);
NdFitRunner   *nd_test_ui_fit_runner (NdWindow *window);
/* Matches for nd_test_ui_collect: a sweep's row in the Fit view's results, the Fit view's Accept button,
 * a visible label. */
gboolean       nd_test_ui_is_fit_sweep_row (GtkWidget *w);
gboolean       nd_test_ui_is_fit_accept_button (GtkWidget *w);
gboolean       nd_test_ui_is_visible_label (GtkWidget *w);
/* The first widget of `type` under `w` (itself included, depth first), or NULL. */
GtkWidget     *nd_test_ui_find_type (GtkWidget *w, GType type);
/* Appends to `out` every widget under `w` (itself included, depth first) for which match() holds. */
void           nd_test_ui_collect (GtkWidget *w, gboolean (*match) (GtkWidget *), GPtrArray *out);
/* Renders `widget` into ND_TEST_OUTPUT/name.png; returns the path (free it). */
char          *nd_test_ui_screenshot (GtkWidget *widget, const char *name);
/* Fraction of pixels differing from the most common colour: a blank image gives ~0. */
double         nd_test_ui_png_ink (const char *path);
/* The newest toplevel window of `type` other than `exclude`, or NULL. */
GtkWindow     *nd_test_ui_find_window (GType type, GtkWindow *exclude);
/* Runs the main loop until that window is mapped or the timeout; returns whether it was. */
gboolean       nd_test_ui_wait_window (GType type, GtkWindow *exclude, guint timeout_ms);

#define ND_TEST_TOP_GAPS 5
/* Main-loop watchdog: between start and stop a 5 ms high-priority timer records the longest gap
 * between its runs, in wall-clock time and in the main thread's own CPU time. The CPU figure is what
 * our code blocks the loop for; the wall figure adds the time the scheduler gave other programs, so
 * tests hold it to a limit only when the machine is not overloaded (see nd_test_ui_load_per_core). */
typedef struct {
  gint64 max_gap_us;
  gint64 max_cpu_gap_us;  /* top_cpu_gaps_us[0], set by nd_test_ui_watch_stop */
  /* The longest CPU gaps, longest first: one slow frame (a cache filled, a page faulted in) differs from
   * a loop that stalls again and again. */
  gint64 top_cpu_gaps_us[ND_TEST_TOP_GAPS];
} NdTestStalls;
void          nd_test_ui_watch_start (void);
NdTestStalls  nd_test_ui_watch_stop (void);
/* The 1-minute load average divided by the number of cores. */
double        nd_test_ui_load_per_core (void);
