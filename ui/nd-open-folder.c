/* nd-open-folder.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 has no GtkFileLauncher (4.10). The portal's OpenDirectory takes a file descriptor of the file,
 * so the sandboxed program needs no access beyond the file it wrote.
 */
#include "config.h"

#include "nd-open-folder.h"

#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <unistd.h>

typedef struct
{
  GtkWindow *parent;   /* weak */
  char *path;
} Launch;

static void
launch_free (Launch *l)
{
  g_clear_weak_pointer (&l->parent);
  g_free (l->path);
  g_free (l);
}

static void
report (Launch *l, const GError *error)
{
  g_autofree char *dir = g_file_test (l->path, G_FILE_TEST_IS_DIR) ? g_strdup (l->path) : g_path_get_dirname (l->path);
  g_autofree char *body = g_strdup_printf (_("The folder “%s” could not be shown: %s"), dir, error->message);
  GtkWidget *dialog = adw_message_dialog_new (l->parent, _("Cannot Open the Folder"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
uri_launched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Launch *l = user_data;
  g_autoptr (GError) error = NULL;
  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    report (l, error);
  launch_free (l);
}

static void
launch_uri (Launch *l)
{
  g_autofree char *dir = g_file_test (l->path, G_FILE_TEST_IS_DIR) ? g_strdup (l->path) : g_path_get_dirname (l->path);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autofree char *uri = g_file_get_uri (folder);
  g_autoptr (GAppLaunchContext) ctx = l->parent
    ? G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (l->parent))))
    : NULL;
  g_app_info_launch_default_for_uri_async (uri, ctx, NULL, uri_launched, l);
}

static void
portal_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Launch *l = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) ret = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL,
                                                                              result, &error);
  if (ret)
    launch_free (l);
  else
    launch_uri (l);   /* an older portal without OpenDirectory */
}

void
nd_open_folder (GtkWindow *parent, const char *path)
{
  g_return_if_fail (path != NULL);
  Launch *l = g_new0 (Launch, 1);
  g_set_weak_pointer (&l->parent, parent);
  l->path = g_strdup (path);
  g_autoptr (GDBusConnection) bus = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)
                                      ? g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL) : NULL;
  int fd = bus ? open (path, O_PATH | O_CLOEXEC) : -1;
  if (fd < 0)
    {
      launch_uri (l);
      return;
    }
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new_from_array (&fd, 1);   /* takes the descriptor */
  g_dbus_connection_call_with_unix_fd_list (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                                            "org.freedesktop.portal.OpenURI", "OpenDirectory",
                                            g_variant_new ("(sha{sv})", "", 0, NULL), NULL,
                                            G_DBUS_CALL_FLAGS_NONE, -1, fds, NULL, portal_done, l);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
toast_button (AdwToast *toast, gpointer user_data)
{
  g_autoptr (GtkWindow) parent = g_weak_ref_get (g_object_get_data (G_OBJECT (toast), "nd-open-folder-window"));
  nd_open_folder (parent, g_object_get_data (G_OBJECT (toast), "nd-open-folder-path"));
}

void
nd_open_folder_add_to_toast (AdwToast *toast, GtkWindow *parent, const char *path)
{
  adw_toast_set_button_label (toast, _("Open Folder"));
  g_object_set_data_full (G_OBJECT (toast), "nd-open-folder-path", g_strdup (path), g_free);
  GWeakRef *ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, parent);
  g_object_set_data_full (G_OBJECT (toast), "nd-open-folder-window", ref, (GDestroyNotify) weak_ref_free);
  if (!g_object_get_data (G_OBJECT (toast), "nd-open-folder-connected"))
    {
      g_signal_connect (toast, "button-clicked", G_CALLBACK (toast_button), NULL);
      g_object_set_data (G_OBJECT (toast), "nd-open-folder-connected", GINT_TO_POINTER (1));
    }
}
