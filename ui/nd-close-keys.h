/* nd-close-keys.h: Escape and Ctrl+W close a secondary window.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application's Ctrl+W reaches only windows that belong to the application; a window opened for a
 * look (a channel's curves, the catalogue) is closed as users expect a dialog to be, by Escape too.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void nd_close_keys_add (GtkWindow *window);

G_END_DECLS
