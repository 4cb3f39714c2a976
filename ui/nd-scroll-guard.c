/* nd-scroll-guard.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The spin button's own scroll controller is switched off (propagation phase NONE) while the field does
 * not hold the focus, so a scroll over it travels on to the scrolled window exactly as over a label: the
 * page scrolls with GTK's own smooth and kinetic scrolling, nothing is imitated. With the focus inside the
 * field the controller gets its phase back.
 */
#include "nd-scroll-guard.h"

#define GUARD_KEY "nd-scroll-guard"

typedef struct
{
  GtkEventController *own;   /* the spin button's scroll controller (owned by the spin button) */
  GtkPropagationPhase phase; /* its phase while active */
} Guard;

static void
focus_changed (GtkEventControllerFocus *focus, GParamSpec *pspec, gpointer user_data)
{
  Guard *g = user_data;
  gtk_event_controller_set_propagation_phase (g->own, gtk_event_controller_focus_contains_focus (focus)
                                                        ? g->phase : GTK_PHASE_NONE);
}

/* Fallback should a GTK version keep its scroll handling elsewhere: an unfocused field swallows the scroll
 * (the page then does not scroll, but no number changes behind the user's back). */
static gboolean
swallow_scroll (GtkEventControllerScroll *scroll, double dx, double dy, gpointer user_data)
{
  GtkWidget *spin = user_data;
  return !(gtk_widget_get_state_flags (spin) & GTK_STATE_FLAG_FOCUS_WITHIN);
}

void
nd_scroll_guard_spin (GtkSpinButton *spin)
{
  g_return_if_fail (GTK_IS_SPIN_BUTTON (spin));
  if (g_object_get_data (G_OBJECT (spin), GUARD_KEY))
    return;
  Guard *g = g_new0 (Guard, 1);
  g_object_set_data_full (G_OBJECT (spin), GUARD_KEY, g, g_free);

  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (spin));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !g->own; i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_SCROLL (c))
        g->own = c;
    }
  if (!g->own)
    {
      GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
      gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
      g_signal_connect (scroll, "scroll", G_CALLBACK (swallow_scroll), spin);
      gtk_widget_add_controller (GTK_WIDGET (spin), scroll);
      return;
    }
  g->phase = gtk_event_controller_get_propagation_phase (g->own);
  GtkEventController *focus = gtk_event_controller_focus_new ();
  gtk_event_controller_set_name (focus, GUARD_KEY);
  g_signal_connect (focus, "notify::contains-focus", G_CALLBACK (focus_changed), g);
  gtk_widget_add_controller (GTK_WIDGET (spin), focus);
  focus_changed (GTK_EVENT_CONTROLLER_FOCUS (focus), NULL, g);
}

void
nd_scroll_guard_all (GtkWidget *root)
{
  if (GTK_IS_SPIN_BUTTON (root))
    {
      nd_scroll_guard_spin (GTK_SPIN_BUTTON (root));
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    nd_scroll_guard_all (c);
}

gboolean
nd_scroll_guard_is_guarded (GtkSpinButton *spin)
{
  return g_object_get_data (G_OBJECT (spin), GUARD_KEY) != NULL;
}
