/* nd-file-dialog.h: file choosers that start where the user last was and propose names from the work.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every open, save and export dialog of the program starts in the folder a file was last chosen in (by any
 * of them, in any window, kept in the "last-folder" setting across sessions) rather than wherever the
 * program was started, and saves propose a name made from the recording or project ("File_axon_5
 * kinetics.csv") rather than a bare "kinetics.csv" that would overwrite the last cell's.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A GtkFileChooserNative (the file-chooser portal inside Flatpak), modal to `parent`, starting in `folder`
 * (NULL: the last folder); `name` (a save's proposed file name) may be NULL. Free with g_object_unref. */
GtkFileChooserNative *nd_file_dialog_new (GtkWindow *parent, const char *title, GtkFileChooserAction action,
                                          const char *accept_label, const char *name, GFile *folder);
/* The path chosen in `chooser` (NULL if none), remembering its folder as the last folder. In a dialog with
 * nd_file_dialog_add_types(), a name without one of their extensions gets the chosen type's. */
char  *nd_file_dialog_chosen_path (GtkFileChooser *chooser);

/* A filter named `name` for the file names of every recording format Neurode reads (recording-formats.h), and of
 * Neurode projects when `with_projects`. */
GtkFileFilter *nd_file_dialog_recording_filter (const char *name, gboolean with_projects);

/* The folder a file was last chosen in, if it still exists; else Documents, else home. */
GFile *nd_file_dialog_last_folder (void);
/* Remembers the folder of `path` (a folder itself when it is one), unless it is one of Neurode's own (the
 * demo's, the cache). */
void   nd_file_dialog_remember (const char *path);

/* A file type a save dialog offers: the filter's name for the user ("Axon Text File (ATF)") and the extension
 * it stands for, without the dot ("atf"). */
typedef struct
{
  const char *name;
  const char *ext;
} NdFileType;

/* Offers `types` (n of them) as the save dialog's filters, the first chosen; nd_file_dialog_chosen_path() then
 * gives the chosen type's extension to a name typed without one of theirs (nd_file_dialog_path_for_type()). */
void   nd_file_dialog_add_types (GtkFileChooser *chooser, const NdFileType *types, guint n);
/* The extension of the type chosen in `chooser` (one of nd_file_dialog_add_types()'s), or NULL. */
const char *nd_file_dialog_chosen_ext (GtkFileChooser *chooser);
/* The path to save under: `path` itself when its name ends in ".EXT" for one of the n extensions `exts`
 * (case aside): the name decides the type ("cell.abf.atf" is ATF whatever was chosen); otherwise `path` with
 * ".CHOSEN" appended ("cell" or "cell.abf" with ATF chosen: "cell.atf", "cell.abf.atf"), or unchanged when
 * `chosen` is NULL. */
char  *nd_file_dialog_path_for_type (const char *path, const char *chosen, const char *const *exts, guint n);

/* "STEM WHAT.EXT" ("File_axon_5 kinetics.csv"), or "WHAT.EXT" without a stem. */
char  *nd_file_dialog_name (const char *stem, const char *what, const char *ext);
/* A file's name without its folder and last extension ("/a/File_axon_5.abf" -> "File_axon_5"), or NULL. */
char  *nd_file_dialog_stem (const char *path);

G_END_DECLS
