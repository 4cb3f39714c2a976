/* nd-preferences-window.c: preferences, each row bound to a GSettings key.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-preferences-window.h"
#include "nd-scroll-guard.h"

#include <glib/gi18n.h>

struct _NdPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  GtkSpinButton *step_spin;
  GtkSpinButton *iterations_spin;
  GtkSpinButton *restarts_spin;
  GtkSpinButton *search_spin;
  GtkSwitch *autosave_switch;
  AdwComboRow *style_row;
};

G_DEFINE_FINAL_TYPE (NdPreferencesWindow, nd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum { PROP_0, PROP_SETTINGS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const char *const styles[] = { "system", "light", "dark" };

static gboolean
style_get (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *s = g_variant_get_string (variant, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_str_equal (s, styles[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
style_set (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint i = g_value_get_uint (value);
  return g_variant_new_string (styles[i < G_N_ELEMENTS (styles) ? i : 0]);
}

/* 0 restarts is the engine's automatic choice (nd_fit_options.restarts). */
static gboolean
restarts_output (GtkSpinButton *spin, gpointer user)
{
  if (gtk_spin_button_get_value_as_int (spin) != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _("Automatic"));
  return TRUE;
}

static int
restarts_input (GtkSpinButton *spin, double *value, gpointer user)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), _("Automatic")) != 0)
    return FALSE;
  *value = 0.0;
  return TRUE;
}

/* The search's Automatic is -1: 0 means no search. */
static gboolean
search_output (GtkSpinButton *spin, gpointer user)
{
  if (gtk_spin_button_get_value_as_int (spin) != -1)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _("Automatic"));
  return TRUE;
}

static int
search_input (GtkSpinButton *spin, double *value, gpointer user)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), _("Automatic")) != 0)
    return FALSE;
  *value = -1.0;
  return TRUE;
}

NdPreferencesWindow *
nd_preferences_window_new (GSettings *settings)
{
  return g_object_new (ND_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}

static void
nd_preferences_window_constructed (GObject *object)
{
  NdPreferencesWindow *self = ND_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (nd_preferences_window_parent_class)->constructed (object);
  nd_scroll_guard_all (GTK_WIDGET (self));

  g_settings_bind (self->settings, "integration-step-ms",
                   gtk_spin_button_get_adjustment (self->step_spin), "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fit-iterations",
                   gtk_spin_button_get_adjustment (self->iterations_spin), "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fit-restarts",
                   gtk_spin_button_get_adjustment (self->restarts_spin), "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fit-search",
                   gtk_spin_button_get_adjustment (self->search_spin), "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "autosave", self->autosave_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, style_get, style_set, NULL, NULL);
}

static void
nd_preferences_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdPreferencesWindow *self = ND_PREFERENCES_WINDOW (object);
  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_preferences_window_dispose (GObject *object)
{
  NdPreferencesWindow *self = ND_PREFERENCES_WINDOW (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (nd_preferences_window_parent_class)->dispose (object);
}

static void
nd_preferences_window_class_init (NdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = nd_preferences_window_constructed;
  object_class->set_property = nd_preferences_window_set_property;
  object_class->dispose = nd_preferences_window_dispose;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/nd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, step_spin);
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, iterations_spin);
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, restarts_spin);
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, search_spin);
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, autosave_switch);
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, style_row);
  gtk_widget_class_bind_template_callback (widget_class, restarts_output);
  gtk_widget_class_bind_template_callback (widget_class, restarts_input);
  gtk_widget_class_bind_template_callback (widget_class, search_output);
  gtk_widget_class_bind_template_callback (widget_class, search_input);
}

static void
nd_preferences_window_init (NdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
