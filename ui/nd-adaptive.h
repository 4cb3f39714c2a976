/* nd-adaptive.h: a box laid out in a row when there is room and in a column when the window is narrow.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 and libadwaita 1.2 have no AdwBreakpoint. NdAdaptive holds one GtkBox and decides from its own
 * allocated width: below `narrow_below` pixels the box turns vertical (its side column goes below the
 * plots), at or above it horizontal again (the switch follows one frame after the width changed);
 * "notify::narrow" lets the view adjust the rest (inner scrolling, margins) at the same moment.
 * In a .ui file it is <object class="NdAdaptive"> with the property "narrow-below" and one GtkBox child.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ND_TYPE_ADAPTIVE (nd_adaptive_get_type ())
G_DECLARE_FINAL_TYPE (NdAdaptive, nd_adaptive, ND, ADAPTIVE, GtkWidget)

/* `box`: a horizontal GtkBox (taken); narrow_below: the width in pixels under which it turns vertical. */
GtkWidget *nd_adaptive_new         (GtkWidget *box, int narrow_below);
GtkWidget *nd_adaptive_get_box     (NdAdaptive *self);
gboolean   nd_adaptive_get_narrow  (NdAdaptive *self);
/* A column that scrolls on its own beside the others, and with the whole page when they are stacked:
 * vertical scrolling on when !narrow, off (the scrolled window as tall as its content) when narrow. */
void       nd_adaptive_scroll_alone (GtkScrolledWindow *scroller, gboolean narrow);

G_END_DECLS
