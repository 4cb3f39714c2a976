/* nd-test-x11.h: a real mouse wheel and real keys for window tests, through the X server (XTest).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4 cannot make input events; XTest makes them in the X server, so they travel the whole way a user's
 * do (GDK, capture and bubble phases, shortcut controllers, application accelerators).
 */
#pragma once

#include <gtk/gtk.h>

/* Whether the display is X11 (else these cannot work and the test skips). */
gboolean nd_test_x11_available (void);
/* Moves the pointer over the centre of `w` and turns the wheel `clicks` notches (> 0: down). */
void     nd_test_x11_wheel (GtkWidget *w, int clicks);
/* Gives `window` the keyboard focus (as a window manager would) and presses `keyval` with `mods`
 * (GDK_CONTROL_MASK, GDK_ALT_MASK, GDK_SHIFT_MASK). */
void     nd_test_x11_key (GtkWindow *window, guint keyval, GdkModifierType mods);
