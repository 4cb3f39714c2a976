/* nd-window-private.h: what nd-window*.c share.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-explore-view.h"
#include "nd-fit-view.h"
#include "nd-model-view.h"
#include "nd-file-dialog.h"
#include "nd-open-folder.h"
#include "nd-project.h"
#include "nd-recording-view.h"
#include "nd-window.h"

struct _NdWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  NdProject *project;
  guint autosave_timer;
  guint64 autosaved_generation;
  gboolean autosave_ours;     /* the crash copy on disk is this window's project's, not an older session's */
  gboolean close_confirmed;
  GtkWindow *question;        /* weak: the unsaved-changes question on screen */

  /* Template children */
  AdwToast *last_toast;       /* weak: the toast on screen, retitled by the next message */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *welcome_page;
  AdwViewStack *view_stack;
  AdwViewSwitcherTitle *view_switcher_title;
  GtkWidget *save_button;
  GtkWidget *recover_button;
  GtkRevealer *missing_banner;
  GtkLabel *missing_label;
  GtkWidget *recent_title;
  GtkListBox *recent_list;
  NdRecordingView *recording_view;
  NdModelView *model_view;
  NdFitView *fit_view;
  NdExploreView *explore_view;
};

/* nd-window-export.c: win.export-* (a path in the parameter writes there; "" asks with a file chooser). */
void nd_window_install_export_actions (GtkWidgetClass *widget_class);
/* Shows an error dialog with a heading and the error's message. */
void nd_window_show_error (NdWindow *self, const char *heading, const char *message);
typedef void (*NdPathDone) (NdWindow *self, const char *path);
/* "Replace “NAME”?": done when the user replaces the file, cancelled (may be NULL) otherwise. */
void nd_window_ask_replace (NdWindow *self, const char *path, const char *message, NdPathDone done,
                            NdPathDone cancelled);
/* A save dialog starting in `initial_folder` (NULL: the chooser's choice); `done` gets the chosen path (or
 * is not called on cancel). `types` (n_types of them; NULL for none) are offered as filters, and a name
 * without one of their extensions gets the chosen one's (nd_file_dialog_add_types()). */
void nd_window_choose_save_path (NdWindow *self, const char *title, GFile *initial_folder,
                                 const char *suggested_name, gboolean folder, const NdFileType *types,
                                 guint n_types, NdPathDone done);
