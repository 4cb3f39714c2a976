/* stimulus-csv.c: reading the recording CSV the command line takes.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "stimulus-csv.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nd-error.h"

void
nd_stimulus_free (NdStimulus *s)
{
  if (!s)
    return;
  for (int k = 0; k < s->n_sweeps; k++)
    {
      g_free (s->sweeps[k].t);
      g_free (s->sweeps[k].v);
      g_free (s->sweeps[k].i);
    }
  g_free (s->sweeps);
  g_free (s);
}

static gboolean
parse_double (const char *text, double *out)
{
  char *end;
  while (*text == ' ' || *text == '\t')
    text++;
  *out = g_ascii_strtod (text, &end);
  while (*end == ' ' || *end == '\t' || *end == '\r')
    end++;
  return end != text && *end == '\0' && isfinite (*out);
}

static gboolean
finish_sweep (NdStimSweep *sw, const char *path, GError **error)
{
  if (sw->n < 2)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: sweep %d has fewer than two samples"), path, sw->id);
      return FALSE;
    }
  sw->dt_ms = (sw->t[sw->n - 1] - sw->t[0]) / (sw->n - 1);
  for (size_t j = 1; j < sw->n; j++)
    {
      double d = sw->t[j] - sw->t[j - 1];
      if (!(d > 0.0) || fabs (d - sw->dt_ms) > 1e-3 * sw->dt_ms)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("%s: sweep %d is not sampled at a constant interval (t_ms %g after %g)"),
                       path, sw->id, sw->t[j], sw->t[j - 1]);
          return FALSE;
        }
    }
  return TRUE;
}

NdStimulus *
nd_stimulus_csv_load (const char *path, gboolean need_v, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  int col_t = -1, col_v = -1, col_i = -1, col_s = -1, n_cols = 0;
  guint li = 0;
  while (lines[li] && g_strstrip (lines[li])[0] == '\0')
    li++;
  if (!lines[li])
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("%s: the file is empty"), path);
      return NULL;
    }
  {
    g_auto (GStrv) head = g_strsplit (lines[li], ",", -1);
    for (n_cols = 0; head[n_cols]; n_cols++)
      {
        const char *h = g_strstrip (head[n_cols]);
        if (!strcmp (h, "t_ms"))
          col_t = n_cols;
        else if (!strcmp (h, "v_mV"))
          col_v = n_cols;
        else if (!strcmp (h, "i_pA"))
          col_i = n_cols;
        else if (!strcmp (h, "sweep"))
          col_s = n_cols;
      }
  }
  if (col_t < 0 || col_i < 0 || (need_v && col_v < 0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   need_v ? _("%s: the header must name the columns t_ms, v_mV and i_pA")
                          : _("%s: the header must name the columns t_ms and i_pA"), path);
      return NULL;
    }
  NdStimulus *s = g_new0 (NdStimulus, 1);
  s->has_v = col_v >= 0;
  GArray *t = NULL, *v = NULL, *cur = NULL;
  int current_id = G_MININT;
  gboolean ok = TRUE;
  for (li++; lines[li] && ok; li++)
    {
      char *line = g_strstrip (lines[li]);
      if (!*line)
        continue;
      g_auto (GStrv) f = g_strsplit (line, ",", -1);
      int nf = (int) g_strv_length (f);
      double x[4] = { 0, 0, 0, 0 };
      int cols[4] = { col_t, col_v, col_i, col_s };
      for (int k = 0; k < 4 && ok; k++)
        if (cols[k] >= 0 && (cols[k] >= nf || !parse_double (f[cols[k]], &x[k])))
          {
            g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                         _("%s: line %u: expected a number in column %d"), path, li + 1, cols[k] + 1);
            ok = FALSE;
          }
      if (!ok)
        break;
      int id = col_s >= 0 ? (int) x[3] : 0;
      if (col_s >= 0 && x[3] != floor (x[3]))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("%s: line %u: the sweep must be a whole number"),
                       path, li + 1);
          ok = FALSE;
          break;
        }
      if (id != current_id)
        {
          for (int k = 0; k < s->n_sweeps; k++)
            if (s->sweeps[k].id == id)
              {
                g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                             _("%s: line %u: sweep %d appears in more than one block"), path, li + 1, id);
                ok = FALSE;
              }
          if (!ok)
            break;
          if (t)
            {
              NdStimSweep *sw = &s->sweeps[s->n_sweeps - 1];
              sw->n = t->len;
              sw->t = (double *) g_array_free (t, FALSE);
              sw->v = v ? (double *) g_array_free (v, FALSE) : NULL;
              sw->i = (double *) g_array_free (cur, FALSE);
              if (!finish_sweep (sw, path, error))
                {
                  t = v = cur = NULL;
                  ok = FALSE;
                  break;
                }
            }
          s->sweeps = g_renew (NdStimSweep, s->sweeps, s->n_sweeps + 1);
          memset (&s->sweeps[s->n_sweeps], 0, sizeof s->sweeps[0]);
          s->sweeps[s->n_sweeps++].id = id;
          t = g_array_new (FALSE, FALSE, sizeof (double));
          v = col_v >= 0 ? g_array_new (FALSE, FALSE, sizeof (double)) : NULL;
          cur = g_array_new (FALSE, FALSE, sizeof (double));
          current_id = id;
        }
      g_array_append_val (t, x[0]);
      if (v)
        g_array_append_val (v, x[1]);
      g_array_append_val (cur, x[2]);
    }
  if (ok && !t)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("%s: no data rows after the header"), path);
      ok = FALSE;
    }
  if (ok)
    {
      NdStimSweep *sw = &s->sweeps[s->n_sweeps - 1];
      sw->n = t->len;
      sw->t = (double *) g_array_free (t, FALSE);
      sw->v = v ? (double *) g_array_free (v, FALSE) : NULL;
      sw->i = (double *) g_array_free (cur, FALSE);
      t = v = cur = NULL;
      ok = finish_sweep (sw, path, error);
    }
  if (t)
    g_array_free (t, TRUE);
  if (v)
    g_array_free (v, TRUE);
  if (cur)
    g_array_free (cur, TRUE);
  if (!ok)
    {
      nd_stimulus_free (s);
      return NULL;
    }
  return s;
}
