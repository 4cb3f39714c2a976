/* cli-export.c: `neurode-cli export FILE --out OUT.csv [--sweeps LIST]`.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes `sweep,t_ms`, one column per recorded signal titled "NAME (UNITS)"
 * in file order, then "stimulus (UNITS)" when the stimulus is known. Every
 * number is the shortest text that reads back to the same double. Samples
 * are read in chunks, so long gap-free recordings export in bounded memory.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-recording.h"

static char *
csv_title (const char *name, const char *units)
{
  g_autofree char *t = units && units[0] ? g_strdup_printf ("%s (%s)", name, units) : g_strdup (name);
  if (strpbrk (t, ",\"\n"))
    {
      GString *q = g_string_new ("\"");
      for (const char *c = t; *c; c++)
        {
          if (*c == '"')
            g_string_append_c (q, '"');
          g_string_append_c (q, *c);
        }
      g_string_append_c (q, '"');
      return g_string_free (q, FALSE);
    }
  return g_steal_pointer (&t);
}

static gboolean
write_sweep (FILE *out, const NdRecording *rec, guint sweep, gboolean with_stim, GError **error)
{
  enum { CHUNK = 16384 };
  guint nsig = nd_recording_n_signals (rec);
  gsize n = nd_recording_sweep_length (rec, sweep);
  double rate = nd_recording_sample_rate_hz (rec), t0 = nd_recording_sweep_t0_ms (rec, sweep);
  g_autofree double *buf = g_new (double, (gsize) CHUNK * (nsig + 1));
  char num[40];
  for (gsize first = 0; first < n; first += CHUNK)
    {
      gsize m = MIN ((gsize) CHUNK, n - first);
      for (guint i = 0; i < nsig; i++)
        if (!nd_recording_read (rec, sweep, i, first, m, buf + (gsize) i * CHUNK, error))
          return FALSE;
      if (with_stim && !nd_recording_read_stimulus (rec, sweep, first, m, buf + (gsize) nsig * CHUNK, error))
        return FALSE;
      for (gsize k = 0; k < m; k++)
        {
          nd_cli_format_double (num, sizeof num, t0 + (double) (first + k) * 1000.0 / rate);
          fprintf (out, "%u,%s", sweep, num);
          for (guint i = 0; i < nsig + (with_stim ? 1 : 0); i++)
            {
              nd_cli_format_double (num, sizeof num, buf[(gsize) i * CHUNK + k]);
              fprintf (out, ",%s", num);
            }
          fputc ('\n', out);
        }
    }
  return TRUE;
}

int
nd_cli_export (int argc, char **argv)
{
  char *out_path = NULL, *sweeps = NULL;
  NdCliRecordingOptions ro;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("CSV file to write (“-” for standard output)"), N_("OUT.csv") },
    { "sweeps", 0, 0, G_OPTION_ARG_STRING, &sweeps, N_("Sweeps to export, from 0, e.g. “0,2,5-7” (default: all)"), N_("LIST") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("FILE — export sweeps of a recording to CSV"));
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  nd_cli_recording_add_options (ctx, &ro);
  g_option_context_set_summary (ctx, _("Columns: sweep, t_ms, one “NAME (UNITS)” column per signal, then "
                                       "“stimulus (UNITS)” when the stimulus is known."));
  g_autoptr (GError) error = NULL;
  int status = 0;
  NdRecording *rec = NULL;
  GArray *list = NULL;
  FILE *out = NULL;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      status = nd_cli_fail (2, "%s", error->message);
      goto done;
    }
  if (argc != 2 || !out_path)
    {
      status = nd_cli_fail (2, _("export needs one recording file and --out OUT.csv; see “neurode-cli export --help”"));
      goto done;
    }
  rec = nd_cli_load_recording (argv[1], &ro);
  if (!rec)
    {
      status = 1;
      goto done;
    }
  list = nd_cli_parse_sweeps (sweeps, nd_recording_n_sweeps (rec), &status);
  if (!list)
    goto done;

  out = strcmp (out_path, "-") == 0 ? stdout : fopen (out_path, "w");
  if (!out)
    {
      status = nd_cli_fail (1, _("cannot write “%s”: %s"), out_path, g_strerror (errno));
      goto done;
    }
  gboolean with_stim = nd_recording_stimulus_source (rec) != ND_STIMULUS_NONE;
  fputs ("sweep,t_ms", out);
  for (guint i = 0; i < nd_recording_n_signals (rec); i++)
    {
      g_autofree char *t = csv_title (nd_recording_signal (rec, i)->name, nd_recording_signal (rec, i)->units);
      fprintf (out, ",%s", t);
    }
  if (with_stim)
    {
      g_autofree char *t = csv_title ("stimulus", nd_recording_stimulus_units (rec));
      fprintf (out, ",%s", t);
    }
  fputc ('\n', out);
  for (guint j = 0; j < list->len; j++)
    if (!write_sweep (out, rec, g_array_index (list, guint, j), with_stim, &error))
      {
        status = nd_cli_fail (1, "%s", error->message);
        goto done;
      }
  if (fflush (out) != 0 || ferror (out))
    status = nd_cli_fail (1, _("cannot write “%s”: %s"), out_path, g_strerror (errno));

done:
  if (out && out != stdout && fclose (out) != 0 && status == 0)
    status = nd_cli_fail (1, _("cannot write “%s”: %s"), out_path, g_strerror (errno));
  if (list)
    g_array_unref (list);
  nd_recording_free (rec);
  nd_cli_recording_options_clear (&ro);
  g_free (out_path);
  g_free (sweeps);
  return status;
}
