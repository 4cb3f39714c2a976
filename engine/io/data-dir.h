/* data-dir.h: where Neurode's shipped data files are found.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In order: $ND_DATA_DIR (tests, ./build-aux/run, relocated installs), the installed PKGDATADIR (also
 * /app/share/neurode inside Flatpak), the source tree's data/ (a build run uninstalled).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The path of the first existing DIR/`relative` (free it), or NULL. */
char *nd_data_find (const char *relative);

G_END_DECLS
