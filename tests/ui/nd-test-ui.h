/* nd-test-ui.h: helpers for tests that drive the real window under Xvfb.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-application.h"

/* Exits with 77 (skipped) when there is no display, as meson expects. */
void           nd_test_ui_init (int *argc, char ***argv);
/* A registered, non-unique application with its main window presented and drawn. */
NdApplication *nd_test_ui_start_app (GtkWindow **out_window);
/* Runs the main loop until `cond(data)` or the timeout; returns whether cond held. */
gboolean       nd_test_ui_wait (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms);
void           nd_test_ui_spin (guint ms);
/* Renders `widget` into ND_TEST_OUTPUT/name.png; returns the path (free it). */
char          *nd_test_ui_screenshot (GtkWidget *widget, const char *name);
/* Fraction of pixels differing from the most common colour: a blank image gives ~0. */
double         nd_test_ui_png_ink (const char *path);
/* The newest toplevel window of `type` other than `exclude`, or NULL. */
GtkWindow     *nd_test_ui_find_window (GType type, GtkWindow *exclude);
