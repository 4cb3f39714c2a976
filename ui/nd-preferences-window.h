/* nd-preferences-window.h
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ND_TYPE_PREFERENCES_WINDOW (nd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (NdPreferencesWindow, nd_preferences_window, ND, PREFERENCES_WINDOW, AdwPreferencesWindow)

NdPreferencesWindow *nd_preferences_window_new (GSettings *settings);

G_END_DECLS
