/* nd-help.h: the user guide, offline, in the web browser.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The guide is HTML shipped with the data (data/guide/: index.html, its style sheet and screenshots).
 * Inside Flatpak a file is handed to the browser through the OpenURI portal one file at a time, so a page
 * whose pictures lie beside it would show none: the guide is written out as one self-contained page
 * (style and pictures inside as data: URIs) into the cache folder, and that page is opened.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Writes the self-contained guide and returns its path (free it); NULL with an error in the user's words
 * when the guide is not installed or cannot be written. */
char *nd_help_prepare (GError **error);
/* Opens the guide in the default browser; problems are shown in a dialog on `parent`. */
void  nd_help_show (GtkWindow *parent);

G_END_DECLS
