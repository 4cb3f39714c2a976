/* nd-scroll-guard.h: number fields that the mouse wheel changes only while they have the keyboard focus.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkSpinButton takes every scroll over it: scrolling a settings page with the wheel changes whatever
 * number passes under the pointer (the fit window's end went from 100 to 99 ms unnoticed). Guarded, a
 * field leaves the wheel to the page (the scroll goes on to the scrolled window around it) until it is
 * clicked, tabbed into or typed in; then the wheel steps its value as before. Its arrows work always.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Guards `spin` (once; calling it again does nothing). */
void     nd_scroll_guard_spin (GtkSpinButton *spin);
/* Guards every spin button inside `root` (for those built from .ui files). */
void     nd_scroll_guard_all (GtkWidget *root);
/* Whether `spin` is guarded (for tests). */
gboolean nd_scroll_guard_is_guarded (GtkSpinButton *spin);

G_END_DECLS
