/* project-recording.c: a project's recording: what the file says of it, and finding it on disk
 * (project-file.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window and `neurode-cli fit PROJECT` look for the recording in the same places, in the same order.
 */
#include "project-file.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nd-error.h"

/* ---- what a project says about its recording ---- */

static void
signal_clear (gpointer p)
{
  NdProjectSignal *s = p;
  g_free (s->name);
  g_free (s->units);
}

NdProjectRecording *
nd_project_recording_new (void)
{
  NdProjectRecording *r = g_new0 (NdProjectRecording, 1);
  r->signals = g_array_new (FALSE, TRUE, sizeof (NdProjectSignal));
  g_array_set_clear_func (r->signals, signal_clear);
  r->capacitance_pF = NAN;
  return r;
}

NdProjectRecording *
nd_project_recording_copy (const NdProjectRecording *r)
{
  if (!r)
    return NULL;
  NdProjectRecording *c = nd_project_recording_new ();
  c->path = g_strdup (r->path);
  c->relative_path = g_strdup (r->relative_path);
  c->stimulus = r->stimulus;
  c->stimulus_signal = g_strdup (r->stimulus_signal);
  c->n_sweeps = r->n_sweeps;
  for (guint i = 0; i < r->signals->len; i++)
    {
      const NdProjectSignal *s = &g_array_index (r->signals, NdProjectSignal, i);
      NdProjectSignal d = { g_strdup (s->name), g_strdup (s->units) };
      g_array_append_val (c->signals, d);
    }
  c->ljp_mV = r->ljp_mV;
  c->capacitance_pF = r->capacitance_pF;
  return c;
}

void
nd_project_recording_free (NdProjectRecording *r)
{
  if (!r)
    return;
  g_free (r->path);
  g_free (r->relative_path);
  g_free (r->stimulus_signal);
  g_array_unref (r->signals);
  g_free (r);
}

NdProjectRecording *
nd_project_recording_describe (const NdRecording *rec, const char *path)
{
  NdProjectRecording *r = nd_project_recording_new ();
  r->path = g_strdup (path);
  r->stimulus = nd_recording_stimulus_source (rec);
  if (r->stimulus == ND_STIMULUS_SIGNAL)
    r->stimulus_signal = g_strdup (nd_recording_signal (rec, nd_recording_stimulus_signal (rec))->name);
  r->n_sweeps = nd_recording_n_sweeps (rec);
  for (guint i = 0; i < nd_recording_n_signals (rec); i++)
    {
      const NdSignal *sig = nd_recording_signal (rec, i);
      NdProjectSignal s = { g_strdup (sig->name), g_strdup (sig->units) };
      g_array_append_val (r->signals, s);
    }
  r->ljp_mV = nd_recording_get_ljp (rec);
  return r;
}

/* ---- the recording on disk ---- */

gboolean
nd_project_file_sniff (const char *path)
{
  if (g_str_has_suffix (path, ".neurode"))
    return TRUE;
  /* The head of the file: the writer puts "neurode_project" first. */
  FILE *f = g_file_test (path, G_FILE_TEST_IS_REGULAR) ? fopen (path, "rb") : NULL;
  if (!f)
    return FALSE;
  char head[257];
  size_t n = fread (head, 1, sizeof head - 1, f);
  fclose (f);
  head[n] = '\0';
  size_t i = 0;
  while (i < n && g_ascii_isspace (head[i]))
    i++;
  return i < n && head[i] == '{' && strstr (head, "\"neurode_project\"") != NULL;
}

char *
nd_project_file_relative_path (const char *project_path, const char *path)
{
  g_autofree char *from = g_path_get_dirname (project_path);
  if (!g_path_is_absolute (from) || !g_path_is_absolute (path))
    return NULL;
  g_auto (GStrv) a = g_strsplit (from, G_DIR_SEPARATOR_S, -1);
  g_auto (GStrv) b = g_strsplit (path, G_DIR_SEPARATOR_S, -1);
  guint na = g_strv_length (a), nb = g_strv_length (b), k = 0;
  /* Both start with "" (the root); the file's own name is not a folder to share. */
  while (k < na && k + 1 < nb && g_str_equal (a[k], b[k]))
    k++;
  if (k < 2)
    return NULL;
  g_autoptr (GString) rel = g_string_new (NULL);
  for (guint i = k; i < na; i++)
    g_string_append (rel, ".." G_DIR_SEPARATOR_S);
  for (guint i = k; i < nb; i++)
    {
      g_string_append (rel, b[i]);
      if (i + 1 < nb)
        g_string_append (rel, G_DIR_SEPARATOR_S);
    }
  return g_string_free (g_steal_pointer (&rel), FALSE);
}

GStrv
nd_project_recording_candidates (const NdProjectRecording *r, const char *project_path)
{
  g_autoptr (GStrvBuilder) sb = g_strv_builder_new ();
  if (r && r->path && g_path_is_absolute (r->path))
    g_strv_builder_add (sb, r->path);
  if (r && r->relative_path && project_path)
    {
      g_autofree char *dir = g_path_get_dirname (project_path);
      g_autofree char *joined = g_path_is_absolute (r->relative_path) ? g_strdup (r->relative_path)
                                                                      : g_build_filename (dir, r->relative_path, NULL);
      g_autofree char *canon = g_canonicalize_filename (joined, NULL);
      g_strv_builder_add (sb, canon);
    }
  return g_strv_builder_end (sb);
}

gboolean
nd_project_recording_apply (const NdProjectRecording *r, NdRecording *rec, GError **error)
{
  nd_recording_set_ljp (rec, r->ljp_mV);
  int signal = r->stimulus_signal ? nd_recording_find_signal (rec, r->stimulus_signal) : -1;
  if (r->stimulus == nd_recording_stimulus_source (rec)
      && (r->stimulus != ND_STIMULUS_SIGNAL || signal == nd_recording_stimulus_signal (rec)))
    return TRUE;
  return nd_recording_set_stimulus (rec, r->stimulus, signal, error);
}

NdRecording *
nd_project_file_open_recording (const NdProjectFile *pf, const char *project_path, char **looked_for, GError **error)
{
  return nd_project_recording_open (pf->recording, NULL, project_path, looked_for, error);
}

NdRecording *
nd_project_recording_open (const NdProjectRecording *r, const char *what, const char *project_path,
                           char **looked_for, GError **error)
{
  g_auto (GStrv) candidates = nd_project_recording_candidates (r, project_path);
  g_autoptr (GError) first_error = NULL;
  NdRecording *rec = NULL;
  guint found = 0;
  for (guint i = 0; candidates[i] && !rec; i++)
    if (g_file_test (candidates[i], G_FILE_TEST_EXISTS))
      {
        g_autoptr (GError) e = NULL;
        if ((rec = nd_recording_load (candidates[i], &e)))
          found = i;
        else if (!first_error)
          first_error = g_steal_pointer (&e);
      }
  if (looked_for)
    *looked_for = g_strdup (rec ? candidates[found] : candidates[0] ? candidates[0] : r ? (r->path ? r->path : r->relative_path) : NULL);
  if (rec)
    {
      /* A stimulus the recording no longer offers leaves its own. */
      nd_project_recording_apply (r, rec, NULL);
      return rec;
    }
  if (first_error)
    g_propagate_error (error, g_steal_pointer (&first_error));
  else if (!r)
    g_set_error_literal (error, ND_ERROR, ND_ERROR_NOT_FOUND, _("the project has no recording"));
  else
    {
      g_autofree char *list = candidates[0] ? g_strjoinv ("”, “", candidates) : g_strdup (r->path ? r->path : r->relative_path);
      if (what)
        g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND, _("%s was not found (looked for “%s”)"), what, list);
      else
        g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND, _("the project’s recording was not found (looked for “%s”)"),
                     list);
    }
  return NULL;
}
