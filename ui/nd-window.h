/* nd-window.h
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-application.h"
#include "nd-project.h"

G_BEGIN_DECLS

#define ND_TYPE_WINDOW (nd_window_get_type ())
G_DECLARE_FINAL_TYPE (NdWindow, nd_window, ND, WINDOW, AdwApplicationWindow)

NdWindow *nd_window_new        (NdApplication *application);
/* Every way of opening a file ends here: a project (.neurode) replaces the open one, a recording starts a
 * new untitled project; unsaved changes are asked about first. */
void      nd_window_open_file  (NdWindow *self, GFile *file);
void      nd_window_show_toast (NdWindow *self, const char *message);
/* The text of the toast on screen, or NULL. */
const char *nd_window_get_toast_text (NdWindow *self);
/* A toast with an "Open Folder" button that shows the folder of `path` (a file written, or a folder). */
void      nd_window_show_export_toast (NdWindow *self, const char *message, const char *path);
/* Name of the visible main page ("welcome", "workspace"), for tests. */
const char *nd_window_get_page (NdWindow *self);
/* Name of the visible workspace view ("recording", "model", "fit") and its widget. */
const char *nd_window_get_view (NdWindow *self);
GtkWidget  *nd_window_get_view_widget (NdWindow *self, const char *name);
NdProject  *nd_window_get_project (NdWindow *self);
/* What the autosave timer does: writes the crash copy when there are unsaved edits since the last one.
 * Returns whether it wrote. */
gboolean    nd_window_autosave_now (NdWindow *self);

G_END_DECLS
