/* nd-window.c: the main window, its win.* actions and remembered geometry.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-explore-view.h"
#include "nd-window.h"

struct _NdWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *welcome_page;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *view_stack;
  NdExploreView *explore_view;
};

G_DEFINE_FINAL_TYPE (NdWindow, nd_window, ADW_TYPE_APPLICATION_WINDOW)

NdWindow *
nd_window_new (NdApplication *application)
{
  return g_object_new (ND_TYPE_WINDOW, "application", application, NULL);
}

void
nd_window_show_toast (NdWindow *self, const char *message)
{
  AdwToast *toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
nd_window_get_page (NdWindow *self)
{
  return gtk_stack_get_visible_child_name (self->main_stack);
}

void
nd_window_open_file (NdWindow *self, GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  if (!g_file_query_exists (file, NULL))
    message = g_strdup_printf (_("“%s” does not exist"), name);
  else
    message = g_strdup_printf (_("Neurode cannot read recordings like “%s” yet"), name);
  nd_window_show_toast (self, message);
}

static void
open_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdWindow *self = ND_WINDOW (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        nd_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  for (; *patterns; patterns++)
    gtk_file_filter_add_suffix (filter, *patterns);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
open_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  static const char *const recordings[] = { "abf", "atf", "csv", "tsv", "wav", "flac", "aiff", "aif", "neurode", NULL };
  static const char *const all[] = { "*", NULL };
  /* GtkFileChooserNative goes through the file-chooser portal inside Flatpak. */
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Open Recording or Project"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));

  add_filter (GTK_FILE_CHOOSER (dialog), _("Recordings and projects"), recordings);
  add_filter (GTK_FILE_CHOOSER (dialog), _("All files"), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
drop_file (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  GSList *files = g_value_get_boxed (value);
  /* One recording or project at a time: the first file wins. */
  if (files == NULL)
    return FALSE;
  nd_window_open_file (ND_WINDOW (user_data), G_FILE (files->data));
  return TRUE;
}

static void
explore_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdWindow *self = ND_WINDOW (widget);
  gtk_stack_set_visible_child_name (self->main_stack, "workspace");
  adw_view_stack_set_visible_child_name (self->view_stack, "explore");
}

/* The view switcher belongs to the workspace, not to the welcome page. */
static void
main_page_changed (GtkStack *stack, GParamSpec *pspec, NdWindow *self)
{
  adw_view_switcher_title_set_view_switcher_enabled (
    self->switcher_title, g_strcmp0 (gtk_stack_get_visible_child_name (stack), "workspace") == 0);
}

static void
save_geometry (NdWindow *self)
{
  int width, height;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set (self->settings, "window-size", "(ii)", width, height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
nd_window_close_request (GtkWindow *window)
{
  save_geometry (ND_WINDOW (window));
  return GTK_WINDOW_CLASS (nd_window_parent_class)->close_request (window);
}

static void
nd_window_constructed (GObject *object)
{
  NdWindow *self = ND_WINDOW (object);
  int width, height;

  G_OBJECT_CLASS (nd_window_parent_class)->constructed (object);

  /* "application" is not a construct property, so it is unset here: use our own. */
  self->settings = g_settings_new ("io.github.neurode.Neurode");
  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

static void
nd_window_dispose (GObject *object)
{
  NdWindow *self = ND_WINDOW (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (nd_window_parent_class)->dispose (object);
}

static void
nd_window_class_init (NdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = nd_window_constructed;
  object_class->dispose = nd_window_dispose;
  window_class->close_request = nd_window_close_request;

  g_type_ensure (ND_TYPE_EXPLORE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/nd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, NdWindow, explore_view);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_activated);
  gtk_widget_class_install_action (widget_class, "win.explore", NULL, explore_activated);
}

static void
nd_window_init (NdWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->main_stack, "notify::visible-child-name", G_CALLBACK (main_page_changed), self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_file), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
