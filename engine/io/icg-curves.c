/* icg-curves.c: reads the ICGenealogy gating-curve CSV (see icg-curves.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "icg-curves.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nd-error.h"

enum { COL_CLASS, COL_CHANNEL, COL_GATE, COL_TEMP, COL_V, COL_XINF, COL_TAU, N_COLS };
static const char *const col_names[N_COLS] = {
  "icg_class", "channel", "gate", "temp_C", "V_mV", "x_inf", "tau_ms"
};

void
nd_icg_curve_free (NdIcgCurve *c)
{
  if (!c)
    return;
  g_free (c->icg_class);
  g_free (c->channel);
  g_free (c->gate);
  g_free (c->v);
  g_free (c->x_inf);
  g_free (c->tau);
  g_free (c);
}

int
nd_icg_curve_n_inf (const NdIcgCurve *c)
{
  int n = 0;
  for (int i = 0; i < c->n; i++)
    n += isfinite (c->x_inf[i]);
  return n;
}

int
nd_icg_curve_n_tau (const NdIcgCurve *c)
{
  int n = 0;
  for (int i = 0; i < c->n; i++)
    n += isfinite (c->tau[i]);
  return n;
}

GInputStream *
nd_open_maybe_gzip (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) local = NULL;
  GFileInputStream *fin = g_file_read (file, NULL, &local);
  if (!fin)
    {
      int code = g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? ND_ERROR_NOT_FOUND : ND_ERROR_FAILED;
      g_set_error (error, ND_ERROR, code, _("Cannot open “%s”: %s"), path, local->message);
      return NULL;
    }
  /* Peek at the first two bytes through a buffered stream: 1f 8b is gzip. */
  GInputStream *buf = g_buffered_input_stream_new (G_INPUT_STREAM (fin));
  g_object_unref (fin);
  gsize avail = 0;
  if (g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (buf), 2, NULL, &local) < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("Cannot read “%s”: %s"), path, local->message);
      g_object_unref (buf);
      return NULL;
    }
  const guint8 *head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (buf), &avail);
  if (avail >= 2 && head[0] == 0x1f && head[1] == 0x8b)
    {
      GZlibDecompressor *dec = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      GInputStream *conv = g_converter_input_stream_new (buf, G_CONVERTER (dec));
      g_object_unref (dec);
      g_object_unref (buf);
      return conv;
    }
  return buf;
}

/* Splits a CSV line on commas (the table has no quoted fields; a quote is an error). */
static int
split_fields (char *line, char **fields, int max)
{
  int n = 0;
  char *p = line;
  for (;;)
    {
      if (n == max)
        return -1;
      fields[n++] = p;
      char *comma = strchr (p, ',');
      if (!comma)
        break;
      *comma = '\0';
      p = comma + 1;
    }
  return n;
}

/* A number, or NAN for an empty cell; FALSE if the cell is not a number. */
static gboolean
parse_cell (const char *s, gboolean allow_empty, double *out)
{
  if (*s == '\0')
    {
      *out = NAN;
      return allow_empty;
    }
  char *end = NULL;
  double d = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || !isfinite (d))
    return FALSE;
  *out = d;
  return TRUE;
}

typedef struct {
  NdIcgCurve *c;
  GArray *v, *x, *t;
} Builder;

static void
builder_free (gpointer p)
{
  Builder *b = p;
  nd_icg_curve_free (b->c);
  g_array_unref (b->v);
  g_array_unref (b->x);
  g_array_unref (b->t);
  g_free (b);
}

GPtrArray *
nd_icg_curves_load (const char *path, double temp_C, GError **error)
{
  g_autoptr (GInputStream) in = nd_open_maybe_gzip (path, error);
  if (!in)
    return NULL;
  g_autoptr (GDataInputStream) data = g_data_input_stream_new (in);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  g_autoptr (GPtrArray) builders = g_ptr_array_new_with_free_func (builder_free);
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) local = NULL;
  int col[N_COLS];
  int n_header = 0;
  guint64 lineno = 0;
  gsize len;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (data, &len, NULL, &local);
      if (!line)
        break;
      lineno++;
      /* CRLF files: NEWLINE_TYPE_ANY treats \r\n as one break, but be safe. */
      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len == 0)
        continue;
      char *fields[32];
      if (strchr (line, '"'))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                       _("“%s”, line %llu: quoted CSV fields are not supported in the gating-curve table"),
                       path, (unsigned long long) lineno);
          return NULL;
        }
      int nf = split_fields (line, fields, 32);
      if (n_header == 0)
        {
          if (len >= 3 && (guint8) line[0] == 0xef && (guint8) line[1] == 0xbb && (guint8) line[2] == 0xbf)
            fields[0] += 3;   /* UTF-8 byte order mark */
          for (int k = 0; k < N_COLS; k++)
            {
              col[k] = -1;
              for (int f = 0; f < nf; f++)
                if (strcmp (fields[f], col_names[k]) == 0)
                  col[k] = f;
              if (col[k] < 0)
                {
                  g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                               _("“%s” is not an ICGenealogy gating-curve table: the header has no “%s” column "
                                 "(expected icg_class, channel, gate, temp_C, V_mV, x_inf, tau_ms)"),
                               path, col_names[k]);
                  return NULL;
                }
            }
          n_header = nf;
          continue;
        }
      if (nf != n_header)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                       _("“%s”, line %llu: %d fields where the header has %d"),
                       path, (unsigned long long) lineno, nf < 0 ? 32 : nf, n_header);
          return NULL;
        }
      double temp, v, x, t;
      if (!parse_cell (fields[col[COL_TEMP]], FALSE, &temp) || !parse_cell (fields[col[COL_V]], FALSE, &v)
          || !parse_cell (fields[col[COL_XINF]], TRUE, &x) || !parse_cell (fields[col[COL_TAU]], TRUE, &t))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                       _("“%s”, line %llu: temperature, voltage, x_inf or tau is not a number"),
                       path, (unsigned long long) lineno);
          return NULL;
        }
      /* No range check: the source has x_inf above 1 in 16 curves (mod-file quirks);
       * they are data to report, not errors. */
      if (isfinite (temp_C) && fabs (temp - temp_C) > 0.005)
        continue;
      char *key = g_strdup_printf ("%s\t%s\t%s\t%.2f", fields[col[COL_CLASS]], fields[col[COL_CHANNEL]],
                                   fields[col[COL_GATE]], temp);
      Builder *b = g_hash_table_lookup (index, key);
      if (!b)
        {
          b = g_new0 (Builder, 1);
          b->c = g_new0 (NdIcgCurve, 1);
          b->c->icg_class = g_strdup (fields[col[COL_CLASS]]);
          b->c->channel = g_strdup (fields[col[COL_CHANNEL]]);
          b->c->gate = g_strdup (fields[col[COL_GATE]]);
          b->c->temp_C = temp;
          b->v = g_array_new (FALSE, FALSE, sizeof (double));
          b->x = g_array_new (FALSE, FALSE, sizeof (double));
          b->t = g_array_new (FALSE, FALSE, sizeof (double));
          g_ptr_array_add (builders, b);
          g_hash_table_insert (index, key, b);
        }
      else
        g_free (key);
      g_array_append_val (b->v, v);
      g_array_append_val (b->x, x);
      g_array_append_val (b->t, t);
    }
  if (local)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("Cannot read “%s”: %s"), path, local->message);
      return NULL;
    }
  if (n_header == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("“%s” is empty"), path);
      return NULL;
    }

  GPtrArray *out = g_ptr_array_new_full (builders->len, (GDestroyNotify) nd_icg_curve_free);
  for (guint i = 0; i < builders->len; i++)
    {
      Builder *b = builders->pdata[i];
      NdIcgCurve *c = b->c;
      c->n = (int) b->v->len;
      c->v = (double *) g_array_free (g_steal_pointer (&b->v), FALSE);
      c->x_inf = (double *) g_array_free (g_steal_pointer (&b->x), FALSE);
      c->tau = (double *) g_array_free (g_steal_pointer (&b->t), FALSE);
      b->v = g_array_new (FALSE, FALSE, sizeof (double));
      b->x = g_array_new (FALSE, FALSE, sizeof (double));
      b->t = g_array_new (FALSE, FALSE, sizeof (double));
      b->c = NULL;
      g_ptr_array_add (out, c);
    }
  return out;
}
