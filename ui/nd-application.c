/* nd-application.c: the GtkApplication, its app.* actions and About.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-application.h"
#include "nd-help.h"
#include "nd-preferences-window.h"
#include "nd-reduce-window.h"
#include "nd-window.h"

struct _NdApplication
{
  AdwApplication parent_instance;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (NdApplication, nd_application, ADW_TYPE_APPLICATION)

NdApplication *
nd_application_new (void)
{
  return g_object_new (ND_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

GSettings *
nd_application_get_settings (NdApplication *self)
{
  g_return_val_if_fail (ND_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* The main window used last (dialogs and the Reduce window are application windows too), or a new one. */
static NdWindow *
get_or_create_window (NdApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (ND_IS_WINDOW (l->data))
      return ND_WINDOW (l->data);
  return nd_window_new (self);
}

static void
nd_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_or_create_window (ND_APPLICATION (app))));
}

static void
nd_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  NdWindow *window = get_or_create_window (ND_APPLICATION (app));
  /* One project per window: open the first file; the rest would replace it. The window asks first when
   * its project has unsaved changes, so it is shown before. */
  gtk_window_present (GTK_WINDOW (window));
  if (n_files > 0)
    nd_window_open_file (window, files[0]);
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Neurode authors", NULL };
  static const char *credits[] = {
    "Beck, Deistler, Molnár, Macke, Berens — hybrid biophysical models (2026)",
    "Hodgkin & Huxley (1952)",
    "Pospischil et al. (2008)",
    "Podlaski et al. (2017) — ICGenealogy",
    NULL
  };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  adw_about_window_set_application_name (about, _("Neurode"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, "The Neurode authors");
  adw_about_window_set_comments (about,
    _("Fit neuron models to your recordings: keep the ion channels you know, "
      "and let a small neural network learn the one you don’t."));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, "© 2026 The Neurode authors");
  adw_about_window_set_developers (about, developers);
  adw_about_window_add_credit_section (about, _("Science"), credits);
  adw_about_window_set_website (about, "https://github.com/neurode/neurode");
  adw_about_window_set_issue_url (about, "https://github.com/neurode/neurode/issues");
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdApplication *self = ND_APPLICATION (user_data);
  GtkWindow *prefs = GTK_WINDOW (nd_preferences_window_new (self->settings));
  gtk_window_set_transient_for (prefs, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (prefs);
}

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  /* Closing each window lets it ask about unsaved work. */
  GList *windows = g_list_copy (gtk_application_get_windows (app));
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
color_scheme_changed (GSettings *settings, const char *key, gpointer user_data)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK
  };
  int i = g_settings_get_enum (settings, "color-scheme");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[CLAMP (i, 0, (int) G_N_ELEMENTS (schemes) - 1)]);
}

static void
help_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  nd_help_show (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

/* Another window with its own project (each window holds one). */
static void
new_window_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (nd_window_new (ND_APPLICATION (user_data))));
}

static void
reduce_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (app);
  NdReduceWindow *win = nd_reduce_window_new (app);
  if (parent)
    gtk_window_set_transient_for (GTK_WINDOW (win), parent);
  gtk_window_present (GTK_WINDOW (win));
}

static const GActionEntry app_actions[] = {
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "quit", quit_activated },
  { "reduce", reduce_activated },
  { "new-window", new_window_activated },
  { "help", help_activated },
};

static void
nd_application_startup (GApplication *app)
{
  NdApplication *self = ND_APPLICATION (app);

  G_APPLICATION_CLASS (nd_application_parent_class)->startup (app);

  g_signal_connect (self->settings, "changed::color-scheme", G_CALLBACK (color_scheme_changed), NULL);
  color_scheme_changed (self->settings, "color-scheme", NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  struct { const char *action; const char *accels[2]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.open-demo", { "<Control>d", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as::", { "<Control><Shift>s", NULL } },
    /* The Fit view's keys are its own (nd_fit_view_new_shortcuts). */
    { "win.export-kinetics::", { "<Control>e", NULL } },
    { "win.export-model::", { "<Control><Shift>e", NULL } },
    /* Ctrl+N is New everywhere else; M for mechanism. */
    { "win.export-nmodl::", { "<Control>m", NULL } },
    { "win.export-plots::", { "<Control><Shift>g", NULL } },
    { "win.show-view::recording", { "<Alt>1", NULL } },
    { "win.show-view::model", { "<Alt>2", NULL } },
    { "win.show-view::fit", { "<Alt>3", NULL } },
    { "win.show-view::explore", { "<Alt>4", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "app.help", { "F1", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}

static void
nd_application_finalize (GObject *object)
{
  NdApplication *self = ND_APPLICATION (object);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (nd_application_parent_class)->finalize (object);
}

static void
nd_application_class_init (NdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = nd_application_finalize;
  app_class->activate = nd_application_activate;
  app_class->open = nd_application_open;
  app_class->startup = nd_application_startup;
}

static void
nd_application_init (NdApplication *self)
{
  /* The schema id is the base id in both profiles, so a Devel build shares settings. */
  self->settings = g_settings_new ("io.github.neurode.Neurode");
}
