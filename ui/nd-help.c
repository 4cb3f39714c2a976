/* nd-help.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-help.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "data-dir.h"

#define GUIDE_INDEX "guide/index.html"

/* Only plain names inside the guide's folder are taken in ("images/fit.png", never "../x" or a URI). */
static gboolean
local_name (const char *name)
{
  return name[0] && name[0] != '/' && !strstr (name, "..") && !strchr (name, ':');
}

typedef struct
{
  const char *dir;
  GError **error;
  gboolean failed;
} Inline;

static gboolean
inline_one (const GMatchInfo *match, GString *out, gpointer user_data)
{
  Inline *in = user_data;
  g_autofree char *whole = g_match_info_fetch (match, 0);
  g_autofree char *attr = g_match_info_fetch (match, 1);
  g_autofree char *name = g_match_info_fetch (match, 2);
  if (in->failed || !local_name (name))
    {
      g_string_append (out, whole);
      return FALSE;
    }
  g_autofree char *path = g_build_filename (in->dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (in->error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The user guide is incomplete: %s"), local->message);
      in->failed = TRUE;
      return TRUE;
    }
  if (g_str_equal (attr, "stylesheet"))
    {
      g_string_append (out, "<style>\n");
      g_string_append_len (out, data, (gssize) len);
      g_string_append (out, "</style>");
    }
  else
    {
      const char *type = g_str_has_suffix (name, ".svg") ? "image/svg+xml" : "image/png";
      g_autofree char *b64 = g_base64_encode ((const guchar *) data, len);
      g_string_append_printf (out, "src=\"data:%s;base64,%s\"", type, b64);
    }
  return FALSE;
}

char *
nd_help_prepare (GError **error)
{
  g_autofree char *index = nd_data_find (GUIDE_INDEX);
  if (!index)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The user guide is not installed (%s was not found with Neurode’s data)."), GUIDE_INDEX);
      return NULL;
    }
  g_autofree char *html = NULL;
  if (!g_file_get_contents (index, &html, NULL, error))
    return NULL;
  g_autofree char *dir = g_path_get_dirname (index);
  Inline in = { dir, error, FALSE };
  /* <link rel="stylesheet" href="guide.css"> and src="images/NAME.png". */
  g_autoptr (GRegex) re_css = g_regex_new ("<link rel=\"(stylesheet)\" href=\"([^\"]+)\">", 0, 0, NULL);
  g_autoptr (GRegex) re_img = g_regex_new ("(src)=\"([^\"]+\\.(?:png|svg))\"", 0, 0, NULL);
  g_autofree char *styled = g_regex_replace_eval (re_css, html, -1, 0, 0, inline_one, &in, NULL);
  if (in.failed)
    return NULL;
  g_autofree char *whole = g_regex_replace_eval (re_img, styled, -1, 0, 0, inline_one, &in, NULL);
  if (in.failed)
    return NULL;
  g_autofree char *out_dir = g_build_filename (g_get_user_cache_dir (), "neurode", NULL);
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Cannot create the folder “%s”"), out_dir);
      return NULL;
    }
  char *out = g_build_filename (out_dir, "neurode-guide.html", NULL);
  /* Written whole or not at all (g_file_set_contents writes a temporary file and renames it). */
  if (!g_file_set_contents (out, whole, -1, error))
    {
      g_free (out);
      return NULL;
    }
  return out;
}

static void
show_problem (GtkWindow *parent, const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Cannot Open the User Guide"), message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
launched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr (GtkWindow) parent = g_weak_ref_get (ref);
  g_autoptr (GError) error = NULL;
  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("No web browser could show it: %s"), error->message);
      show_problem (parent, msg);
    }
  g_weak_ref_clear (ref);
  g_free (ref);
}

void
nd_help_show (GtkWindow *parent)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nd_help_prepare (&error);
  if (!path)
    {
      show_problem (parent, error->message);
      return;
    }
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  GWeakRef *ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, parent);
  g_autoptr (GAppLaunchContext) ctx = parent
    ? G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (parent))))
    : NULL;
  /* GIO hands a file to the OpenURI portal when sandboxed. */
  g_app_info_launch_default_for_uri_async (uri, ctx, NULL, launched, ref);
}
