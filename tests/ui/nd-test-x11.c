/* nd-test-x11.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nd-test-x11.h"

#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "nd-test-ui.h"

gboolean
nd_test_x11_available (void)
{
  return GDK_IS_X11_DISPLAY (gdk_display_get_default ());
}

static Display *
xdisplay (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

void
nd_test_x11_wheel (GtkWidget *w, int clicks)
{
  GtkNative *native = gtk_widget_get_native (w);
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_point_t p;
  g_assert_true (gtk_widget_compute_point (w, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (w) / 2.0f,
                                                                 gtk_widget_get_height (w) / 2.0f), &p));
  double sx, sy;
  gtk_native_get_surface_transform (native, &sx, &sy);
  Display *dpy = xdisplay ();
  int rx, ry;
  Window child;
  XTranslateCoordinates (dpy, gdk_x11_surface_get_xid (surface), DefaultRootWindow (dpy),
                         (int) (p.x + sx), (int) (p.y + sy), &rx, &ry, &child);
  XTestFakeMotionEvent (dpy, -1, rx, ry, CurrentTime);
  XSync (dpy, False);
  nd_test_ui_spin (60);
  for (int i = 0; i < ABS (clicks); i++)
    {
      unsigned button = clicks > 0 ? 5 : 4;
      XTestFakeButtonEvent (dpy, button, True, CurrentTime);
      XTestFakeButtonEvent (dpy, button, False, CurrentTime);
      XSync (dpy, False);
      nd_test_ui_spin (40);
    }
  /* The scrolled window animates a wheel step. */
  nd_test_ui_spin (400);
}

static void
press (Display *dpy, KeySym sym, gboolean down)
{
  XTestFakeKeyEvent (dpy, XKeysymToKeycode (dpy, sym), down, CurrentTime);
}

void
nd_test_x11_key (GtkWindow *window, guint keyval, GdkModifierType mods)
{
  Display *dpy = xdisplay ();
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  XRaiseWindow (dpy, gdk_x11_surface_get_xid (surface));
  XSetInputFocus (dpy, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XSync (dpy, False);
  nd_test_ui_spin (100);
  const struct { GdkModifierType mask; KeySym sym; } mod_keys[] = {
    { GDK_CONTROL_MASK, XK_Control_L }, { GDK_ALT_MASK, XK_Alt_L }, { GDK_SHIFT_MASK, XK_Shift_L }
  };
  for (guint i = 0; i < G_N_ELEMENTS (mod_keys); i++)
    if (mods & mod_keys[i].mask)
      press (dpy, mod_keys[i].sym, TRUE);
  press (dpy, keyval, TRUE);   /* GDK keyvals are X keysyms */
  press (dpy, keyval, FALSE);
  for (guint i = G_N_ELEMENTS (mod_keys); i-- > 0;)
    if (mods & mod_keys[i].mask)
      press (dpy, mod_keys[i].sym, FALSE);
  XSync (dpy, False);
  nd_test_ui_spin (200);
}
