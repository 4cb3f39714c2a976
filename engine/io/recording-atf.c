/* recording-atf.c: Axon Text File (ATF 1.0).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout: "ATF\t1.0", then "<records>\t<columns>", then that many quoted
 * "Key=Value" header records, then a row of quoted column titles with units
 * in parentheses, then the data rows (tab separated; commas also accepted).
 * Clampex exports episodic data with one column per sweep and signal
 * ("Trace #2 (pA)"); the "Signals=" record names each column's signal.
 * The first column is time.
 */

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recording-private.h"

static gboolean
next_line (const char *text, gsize len, gsize *pos, char **line)
{
  if (*pos >= len)
    return FALSE;
  const char *start = text + *pos;
  const char *nl = memchr (start, '\n', len - *pos);
  gsize l = nl ? (gsize) (nl - start) : len - *pos;
  *pos += l + (nl ? 1 : 0);
  if (l > 0 && start[l - 1] == '\r')
    l--;
  *line = g_strndup (start, l);
  return TRUE;
}

/* Splits on `sep` and strips quotes and blanks from each field. */
static char **
split_unquote (const char *line, char sep)
{
  char s[2] = { sep, 0 };
  char **f = g_strsplit (line, s, -1);
  for (char **p = f; *p; p++)
    {
      char *t = g_strstrip (*p);
      size_t l = strlen (t);
      if (l >= 2 && t[0] == '"' && t[l - 1] == '"')
        {
          memmove (t, t + 1, l - 2);
          t[l - 2] = '\0';
        }
      if (t != *p)
        memmove (*p, t, strlen (t) + 1);
    }
  return f;
}

static gboolean
fail (GError **error, const char *name, const char *what)
{
  g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("“%s” is a damaged ATF file: %s."), name, what);
  return FALSE;
}

/* What the header records say (the "Key=Value" records before the titles). */
typedef struct
{
  char *version, *comment, *mode, *starts;
  GStrv column_signals;   /* the "Signals=" record: each data column's signal */
} AtfHeader;

static void
atf_header_clear (AtfHeader *h)
{
  g_free (h->version);
  g_free (h->comment);
  g_free (h->mode);
  g_free (h->starts);
  g_strfreev (h->column_signals);
}

/* The first two lines: "ATF\t<version>" and "<records>\t<columns>". */
static gboolean
read_preamble (const char *text, gsize len, gsize *pos, const char *name, AtfHeader *h, long *n_records,
               GError **error)
{
  char *line = NULL;
  if (!next_line (text, len, pos, &line) || !g_str_has_prefix (line, "ATF"))
    {
      g_free (line);
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("“%s” is not an Axon Text File (ATF)."), name);
      return FALSE;
    }
  h->version = g_strstrip (g_strdup (line + 3));
  g_free (line);

  if (!next_line (text, len, pos, &line))
    return fail (error, name, _("the line with the header and column counts is missing"));
  char *end = NULL;
  *n_records = strtol (line, &end, 10);
  long n_declared = end ? strtol (end, NULL, 10) : 0;
  g_free (line);
  if (*n_records < 0 || *n_records > 10000 || n_declared < 0 || n_declared > 100000)
    return fail (error, name, _("the header and column counts are out of range"));
  return TRUE;
}

/* The header records; only the keys Neurode uses are kept. */
static gboolean
read_header_records (const char *text, gsize len, gsize *pos, const char *name, long n_records, AtfHeader *h,
                     GError **error)
{
  char *line = NULL;
  for (long i = 0; i < n_records; i++)
    {
      if (!next_line (text, len, pos, &line))
        return fail (error, name, _("the header records are cut short"));
      g_auto (GStrv) f = split_unquote (line, '\t');
      g_free (line);
      const char *rec0 = f[0] ? f[0] : "";
      const char *eq = strchr (rec0, '=');
      if (!eq)
        continue;
      g_autofree char *key = g_strndup (rec0, (gsize) (eq - rec0));
      const char *value = eq + 1;
      if (g_strcmp0 (key, "Comment") == 0)
        nd_recording_set_text (&h->comment, value);
      else if (g_strcmp0 (key, "AcquisitionMode") == 0)
        nd_recording_set_text (&h->mode, value);
      else if (g_strcmp0 (key, "SweepStartTimesMS") == 0)
        nd_recording_set_text (&h->starts, value);
      else if (g_strcmp0 (key, "Signals") == 0)
        {
          g_strfreev (h->column_signals);
          h->column_signals = g_strdupv (f + 1);
        }
    }
  return TRUE;
}

/* The data rows after the titles, one array per column; `row` numbers the
 * file's lines for the messages. */
static gboolean
read_rows (const char *text, gsize len, gsize *pos, const char *name, char sep, GStrv titles, gsize row,
           GArray **cols, GError **error)
{
  guint n_cols = g_strv_length (titles);
  char *line = NULL;
  while (next_line (text, len, pos, &line))
    {
      row++;
      if (g_strstrip (line)[0] == '\0')
        {
          g_free (line);
          continue;
        }
      g_auto (GStrv) f = split_unquote (line, sep);
      g_free (line);
      if (g_strv_length (f) != n_cols)
        {
          g_autofree char *what = g_strdup_printf (_("line %zu has %u values, the titles "
                                                     "name %u columns"), row, g_strv_length (f), n_cols);
          return fail (error, name, what);
        }
      for (guint c = 0; c < n_cols; c++)
        {
          char *e = NULL;
          double v = g_ascii_strtod (f[c], &e);
          if (e == f[c] || *e != '\0' || !isfinite (v))
            {
              g_autofree char *what = g_strdup_printf (_("line %zu, column “%s”: “%s” is "
                                                         "not a number"), row, titles[c], f[c]);
              return fail (error, name, what);
            }
          g_array_append_val (cols[c], v);
        }
    }
  return TRUE;
}

/* The time column: its units (`tf` to ms) and its even step `dt` in ms. */
static gboolean
time_step (const char *name, const char *title, const double *t, gsize n_rows, double *tf, double *dt,
           GError **error)
{
  g_autofree char *tname = NULL, *tunits = NULL;
  nd_split_title_units (title, &tname, &tunits);
  *tf = 1.0;
  if (nd_units_parse (tunits, tf) != ND_QUANTITY_TIME)
    {
      g_autofree char *what = g_strdup_printf (_("the first column “%s” is not a time in s or ms"), title);
      return fail (error, name, what);
    }
  *dt = (t[n_rows - 1] - t[0]) / (double) (n_rows - 1) * *tf;
  if (!(*dt > 0.0))
    return fail (error, name, _("its times do not increase"));
  for (gsize k = 1; k < n_rows; k++)
    if (fabs ((t[k] - t[k - 1]) * *tf - *dt) > 0.01 * *dt)
      return fail (error, name, _("its time column is not evenly spaced"));
  return TRUE;
}

/* Columns -> sweeps x signals. Signals per sweep: the distinct names of
 * the "Signals=" record, else the columns titled "Trace #1", else all.
 * The record names the columns only if it has a name for each (`named`). */
static guint
count_signals (GStrv titles, GStrv column_signals, gboolean *named)
{
  guint n_cols = g_strv_length (titles);
  guint n_data = n_cols - 1, n_signals = n_data;
  *named = column_signals && g_strv_length (column_signals) >= n_data;
  if (*named)
    {
      n_signals = 0;
      for (guint c = 0; c < n_data; c++)
        {
          gboolean seen = FALSE;
          for (guint k = 0; k < c; k++)
            seen |= g_strcmp0 (column_signals[k], column_signals[c]) == 0;
          if (seen)
            break;
          n_signals++;
        }
    }
  else
    {
      guint first_trace = 0;
      for (guint c = 1; c < n_cols; c++)
        if (g_str_has_prefix (titles[c], "Trace #1 ") || g_strcmp0 (titles[c], "Trace #1") == 0)
          first_trace++;
      if (first_trace > 0)
        n_signals = first_trace;
    }
  return n_signals;
}

/* The recording from the checked columns: sweep s holds columns
 * 1 + s * n_signals ... of the file. */
static NdRecording *
make_recording (const char *name, const AtfHeader *h, GStrv titles, GArray **cols, guint n_sweeps,
                guint n_signals, gboolean named, double tf, double dt)
{
  gsize n_rows = cols[0]->len;
  const double *t = (const double *) cols[0]->data;
  NdRecording *rec = nd_recording_new (name, "ATF");
  nd_recording_set_shape (rec, n_sweeps, n_signals, 1000.0 / dt);
  nd_recording_set_text (&rec->version, h->version);
  nd_recording_set_text (&rec->comment, h->comment);
  g_autofree char *acq = g_ascii_strdown (h->mode ? h->mode : "", -1);
  nd_recording_set_text (&rec->acquisition, strstr (acq, "gap") ? N_("gap-free")
                                            : strstr (acq, "episodic") ? N_("episodic") : acq);
  for (guint i = 0; i < n_signals; i++)
    {
      g_autofree char *cname = NULL, *cunits = NULL;
      nd_split_title_units (titles[1 + i], &cname, &cunits);
      const char *sname = named ? h->column_signals[i] : cname;
      nd_recording_set_signal (rec, i, sname, cunits, 1.0, 0.0);
    }
  g_auto (GStrv) start_list = h->starts ? g_strsplit (h->starts, ",", -1) : NULL;
  double **columns = g_new0 (double *, (gsize) n_sweeps * n_signals);
  for (guint s = 0; s < n_sweeps; s++)
    {
      rec->sweep_len[s] = n_rows;
      rec->sweep_t0_ms[s] = t[0] * tf;
      if (start_list && s < g_strv_length (start_list))
        rec->sweep_start_s[s] = g_ascii_strtod (start_list[s], NULL) / 1000.0;
      else
        rec->sweep_start_s[s] = s * n_rows * dt / 1000.0;
      for (guint i = 0; i < n_signals; i++)
        {
          guint c = 1 + s * n_signals + i;
          columns[(gsize) s * n_signals + i] = g_memdup2 (cols[c]->data, n_rows * sizeof (double));
        }
    }
  nd_recording_use_memory (rec, columns);
  nd_recording_infer_mode (rec, NULL);
  nd_recording_choose_default_stimulus (rec);
  nd_recording_take_injected_current (rec);
  return rec;
}

/* The header, the titles and the rows read in turn; the file's shape is
 * checked only once all its numbers are read. */
static NdRecording *
parse_utf8 (const char *text, gsize len, const char *name, GError **error)
{
  gsize pos = 0;
  char *line = NULL;
  NdRecording *rec = NULL;
  AtfHeader h = { 0 };
  long n_records = 0;
  g_auto (GStrv) titles = NULL;
  GArray **cols = NULL;
  guint n_cols = 0;

  if (!read_preamble (text, len, &pos, name, &h, &n_records, error)
      || !read_header_records (text, len, &pos, name, n_records, &h, error))
    goto out;

  if (!next_line (text, len, &pos, &line))
    {
      fail (error, name, _("the row of column titles is missing"));
      goto out;
    }
  char sep = strchr (line, '\t') ? '\t' : ',';
  titles = split_unquote (line, sep);
  g_free (line);
  n_cols = g_strv_length (titles);
  if (n_cols < 2)
    {
      fail (error, name, _("it needs a time column and at least one data column"));
      goto out;
    }

  cols = g_new0 (GArray *, n_cols);
  for (guint c = 0; c < n_cols; c++)
    cols[c] = g_array_new (FALSE, FALSE, sizeof (double));
  if (!read_rows (text, len, &pos, name, sep, titles, 2 + (gsize) n_records + 1, cols, error))
    goto out;
  gsize n_rows = cols[0]->len;
  if (n_rows < 2)
    {
      fail (error, name, _("it has fewer than two data rows"));
      goto out;
    }

  double tf, dt;
  if (!time_step (name, titles[0], (const double *) cols[0]->data, n_rows, &tf, &dt, error))
    goto out;
  gboolean named;
  guint n_signals = count_signals (titles, h.column_signals, &named);
  if (n_signals == 0 || (n_cols - 1) % n_signals != 0)
    {
      fail (error, name, _("its columns do not divide evenly into sweeps"));
      goto out;
    }
  rec = make_recording (name, &h, titles, cols, (n_cols - 1) / n_signals, n_signals, named, tf, dt);

out:
  if (cols)
    {
      for (guint c = 0; c < n_cols; c++)
        g_array_unref (cols[c]);
      g_free (cols);
    }
  atf_header_clear (&h);
  return rec;
}

NdRecording *
nd_recording_parse_atf (const char *text, gsize len, const char *name, GError **error)
{
  if (memchr (text, '\0', len))
    {
      fail (error, name, _("it is not text"));
      return NULL;
    }
  if (!g_utf8_validate (text, (gssize) len, NULL))
    {
      /* Clampex writes ATF in the Windows code page ("µV"). */
      gsize out_len = 0;
      g_autofree char *utf8 = g_convert (text, (gssize) len, "UTF-8", "WINDOWS-1252", NULL, &out_len, NULL);
      if (utf8 && g_utf8_validate (utf8, (gssize) out_len, NULL))
        return parse_utf8 (utf8, out_len, name, error);
      fail (error, name, _("it is not text"));
      return NULL;
    }
  return parse_utf8 (text, len, name, error);
}

NdRecording *
nd_recording_load_atf (const char *path, GError **error)
{
  return nd_recording_load_text (path, nd_recording_parse_atf, error);
}
