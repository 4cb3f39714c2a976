/* cli-output.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-output.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static gboolean
write_error (GError **error, const char *path, int err)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), _("cannot write “%s”: %s"), path,
               err == ENOSPC ? _("the disk is full") : g_strerror (err));
  return FALSE;
}

gboolean
nd_cli_output_open (NdCliOutput *out, const char *path, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!path || strcmp (path, "-") == 0)
    {
      out->file = stdout;
      return TRUE;
    }
  g_autofree char *dir = g_path_get_dirname (path), *base = g_path_get_basename (path);
  g_autofree char *templ = g_strdup_printf (".%s.XXXXXX", base);
  out->tmp = g_build_filename (dir, templ, NULL);
  int fd = g_mkstemp_full (out->tmp, O_WRONLY, 0644);
  if (fd < 0 || !(out->file = fdopen (fd, "w")))
    {
      int err = errno;
      if (fd >= 0)
        close (fd), g_unlink (out->tmp);
      g_clear_pointer (&out->tmp, g_free);
      return write_error (error, path, err);
    }
  out->path = g_strdup (path);
  return TRUE;
}

gboolean
nd_cli_output_commit (NdCliOutput *out, GError **error)
{
  if (!out->tmp)
    {
      gboolean ok = fflush (out->file) == 0 && !ferror (out->file);
      return ok ? TRUE : write_error (error, _("standard output"), errno);
    }
  int err = 0;
  if (fflush (out->file) != 0 || ferror (out->file) || fsync (fileno (out->file)) != 0)
    err = errno ? errno : EIO;
  if (fclose (out->file) != 0 && !err)
    err = errno;
  out->file = NULL;
  if (!err && g_rename (out->tmp, out->path) != 0)
    err = errno;
  if (err)
    g_unlink (out->tmp);
  g_clear_pointer (&out->tmp, g_free);
  gboolean ok = err ? write_error (error, out->path, err) : TRUE;
  g_clear_pointer (&out->path, g_free);
  return ok;
}

void
nd_cli_output_abandon (NdCliOutput *out)
{
  if (out->tmp)
    {
      fclose (out->file);
      g_unlink (out->tmp);
    }
  out->file = NULL;
  g_clear_pointer (&out->tmp, g_free);
  g_clear_pointer (&out->path, g_free);
}

gboolean
nd_cli_set_begin (const char *dir, const char *const *names, GError **error)
{
  g_autofree char *marker = g_build_filename (dir, ND_CLI_SET_MARKER, NULL);
  if (g_unlink (marker) != 0 && errno != ENOENT)
    return write_error (error, marker, errno);
  for (int i = 0; names[i]; i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);
      if (g_unlink (p) != 0 && errno != ENOENT)
        return write_error (error, p, errno);
    }
  return TRUE;
}

gboolean
nd_cli_set_write (const char *dir, const char *name, const char *data, gsize len, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  NdCliOutput out;
  if (!nd_cli_output_open (&out, path, error))
    return FALSE;
  if (fwrite (data, 1, len, out.file) != len)
    {
      int err = errno;
      nd_cli_output_abandon (&out);
      return write_error (error, path, err);
    }
  return nd_cli_output_commit (&out, error);
}

gboolean
nd_cli_set_commit (const char *dir, const char *what, const char *const *names, GError **error)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_string_append_printf (text, "# %s\n# file, bytes, SHA-256 (this list is written last: without it the set is "
                                "not complete)\n", what);
  for (int i = 0; names[i]; i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL), *data = NULL;
      gsize len = 0;
      if (!g_file_get_contents (p, &data, &len, error))
        return FALSE;
      g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
      g_string_append_printf (text, "%s,%" G_GSIZE_FORMAT ",%s\n", names[i], len, sum);
    }
  return nd_cli_set_write (dir, ND_CLI_SET_MARKER, text->str, text->len, error);
}

char *
nd_cli_about_left (double s)
{
  long t = lround (s);
  if (t < 60)
    return g_strdup_printf (_("about %ld s left"), MAX (t, 1));
  if (t < 3600)
    return g_strdup_printf (_("about %ld min left"), (t + 30) / 60);
  return g_strdup_printf (_("about %ld h %02ld min left"), t / 3600, (t % 3600) / 60);
}
