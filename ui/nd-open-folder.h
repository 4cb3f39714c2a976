/* nd-open-folder.h: "Open Folder" after an export, in the file manager, also from inside Flatpak.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows the folder of `path` (or `path` itself when it is a folder) in the file manager. Inside Flatpak
 * it asks the OpenURI portal to open the folder with the file selected (OpenDirectory); elsewhere, or
 * when the portal cannot, it opens the folder's URI with the default application (GIO goes through the
 * portal too when sandboxed). Failures are reported on `parent`'s terms: a message dialog. */
void      nd_open_folder (GtkWindow *parent, const char *path);

/* Gives `toast` an "Open Folder" button showing the folder of `path`; `parent` is the window it shows on. */
void      nd_open_folder_add_to_toast (AdwToast *toast, GtkWindow *parent, const char *path);

G_END_DECLS
