/* nd-fit-view-actions.c: the Fit view's actions (fit.*), enabled from the state of its fit, and their keys.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-fit-view-private.h"
#include "nd-window.h"

/* The view's actions and their keys (nd_fit_view_new_shortcuts), in the order of action_states(). */
static const struct { const char *name, *accel; } fit_actions[] = {
  { "fit.start", "<Control>Return" },
  { "fit.pause", "<Control>p" },
  { "fit.resume", "<Control><Shift>p" },
  { "fit.stop", "<Control>period" },
  { "fit.accept", "<Control><Shift>Return" },
};
enum { ACTION_START, ACTION_PAUSE, ACTION_RESUME, ACTION_STOP, ACTION_ACCEPT, N_ACTIONS };

/* Which of fit_actions the runner's state allows. */
static void
action_states (NdFitView *self, gboolean enabled[N_ACTIONS])
{
  NdFitState st = nd_fit_runner_get_state (self->runner);
  gboolean busy = st == ND_FIT_RUNNING || st == ND_FIT_PAUSED || st == ND_FIT_STOPPING || st == ND_FIT_SCORING;
  gboolean have_rec = self->project && nd_project_get_recording (self->project) != NULL;
  enabled[ACTION_START] = !busy && have_rec;
  enabled[ACTION_PAUSE] = st == ND_FIT_RUNNING;
  enabled[ACTION_RESUME] = st == ND_FIT_PAUSED;
  enabled[ACTION_STOP] = st == ND_FIT_RUNNING || st == ND_FIT_PAUSED;
  enabled[ACTION_ACCEPT] = st == ND_FIT_FINISHED && !self->accepted && nd_fit_runner_get_model (self->runner) != NULL;
}

static void
show_error (NdFitView *self, const char *heading, const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  g_autoptr (GError) error = NULL;
  /* Started from another view (Ctrl+Return): the window shows this one. */
  if (!gtk_widget_get_mapped (widget))
    gtk_widget_activate_action (widget, "win.show-view", "s", "fit");
  if (!nd_fit_view_start (ND_FIT_VIEW (widget), &error))
    show_error (ND_FIT_VIEW (widget), _("Cannot start the fit"), error->message);
}

static void
pause_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  nd_fit_view_pause (ND_FIT_VIEW (widget), TRUE);
}

static void
resume_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  nd_fit_view_pause (ND_FIT_VIEW (widget), FALSE);
}

static void
stop_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  nd_fit_view_stop (ND_FIT_VIEW (widget));
}

static void
accept_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  if (!nd_fit_view_accept (ND_FIT_VIEW (widget)))
    return;
  /* Through the window's one toast: one of its own queued in front of the window's, whose later news
   * (exports, "Saved …") then waited behind it and showed after another project was open. */
  GtkRoot *root = gtk_widget_get_root (widget);
  if (ND_IS_WINDOW (root))
    nd_window_show_toast (ND_WINDOW (root), _("The fitted model is now the project’s model"));
}

/* A key of fit_actions pressed anywhere in the window: the action, while the view is alive and allows it
 * (a disabled one lets the key through, as an application accelerator does). */
static gboolean
shortcut_activated (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  g_autoptr (NdFitView) self = g_weak_ref_get (user_data);
  if (!self)
    return FALSE;
  guint i = g_variant_get_uint32 (args);
  gboolean enabled[N_ACTIONS];
  action_states (self, enabled);
  return enabled[i] && gtk_widget_activate_action (GTK_WIDGET (self), fit_actions[i].name, NULL);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

GtkEventController *
nd_fit_view_new_shortcuts (NdFitView *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  /* Before the focused widget, as the application's accelerators are. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < N_ACTIONS; i++)
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);
      g_weak_ref_init (ref, self);
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (fit_actions[i].accel),
                                                gtk_callback_action_new (shortcut_activated, ref, weak_ref_free));
      gtk_shortcut_set_arguments (shortcut, g_variant_new_uint32 (i));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  return controller;
}

gboolean
nd_fit_view_update_actions (NdFitView *self)
{
  gboolean enabled[N_ACTIONS];
  action_states (self, enabled);
  for (guint i = 0; i < N_ACTIONS; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), fit_actions[i].name, enabled[i]);
  return enabled[ACTION_ACCEPT];
}

void
nd_fit_view_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "fit.start", NULL, start_activated);
  gtk_widget_class_install_action (widget_class, "fit.pause", NULL, pause_activated);
  gtk_widget_class_install_action (widget_class, "fit.resume", NULL, resume_activated);
  gtk_widget_class_install_action (widget_class, "fit.stop", NULL, stop_activated);
  gtk_widget_class_install_action (widget_class, "fit.accept", NULL, accept_activated);
}
