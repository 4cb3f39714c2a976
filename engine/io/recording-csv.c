/* recording-csv.c: CSV/TSV tables with a header row.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accepted: the engine's own `t_ms,v_mV,i_pA[,sweep]` in any column order,
 * and titles that carry units as "Vm (mV)", "Vm [mV]" or "v_mV", e.g.
 * `time (s),Vm (mV),I (nA)`. Separators: comma, tab or semicolon (from the
 * header row). Lines starting with '#' are comments. A `sweep` column splits
 * the rows into sweeps; each sweep's rows must be together. Every other
 * column is a signal in its own units; the time column (any time unit)
 * gives the sample rate and must be evenly spaced.
 */

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "recording-private.h"

/* Splits "Vm (mV)", "Vm [mV]", "v_mV" into name and units. A trailing
 * "_unit" only counts when it is a known unit, so "I_Com" stays a name. */
void
nd_split_title_units (const char *title, char **name, char **units)
{
  g_autofree char *t = g_strstrip (g_strdup (title ? title : ""));
  size_t len = strlen (t);
  if (len >= 2 && (t[len - 1] == ')' || t[len - 1] == ']'))
    {
      char open = t[len - 1] == ')' ? '(' : '[';
      char *o = strrchr (t, open);
      if (o)
        {
          t[len - 1] = '\0';
          *units = g_strstrip (g_strdup (o + 1));
          *o = '\0';
          *name = g_strstrip (g_strdup (t));
          return;
        }
    }
  char *us = strrchr (t, '_');
  if (us && us != t && nd_units_parse (us + 1, NULL) != ND_QUANTITY_UNKNOWN)
    {
      *units = g_strdup (us + 1);
      *us = '\0';
      *name = g_strdup (t);
      return;
    }
  *name = g_strdup (t);
  *units = g_strdup ("");
}

/* Splits one line into fields, honouring double quotes (with "" escapes). */
static GPtrArray *
split_fields (const char *line, gsize len, char sep)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *cur = g_string_new (NULL);
  gboolean quoted = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = line[i];
      if (quoted)
        {
          if (c == '"' && i + 1 < len && line[i + 1] == '"')
            {
              g_string_append_c (cur, '"');
              i++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (cur, c);
        }
      else if (c == '"')
        quoted = TRUE;
      else if (c == sep)
        {
          g_ptr_array_add (fields, g_string_free (cur, FALSE));
          cur = g_string_new (NULL);
        }
      else
        g_string_append_c (cur, c);
    }
  g_ptr_array_add (fields, g_string_free (cur, FALSE));
  return fields;
}

/* Next line of text (without "\r\n"); FALSE at the end. */
static gboolean
next_line (const char *text, gsize len, gsize *pos, const char **line, gsize *line_len)
{
  if (*pos >= len)
    return FALSE;
  const char *start = text + *pos;
  const char *nl = memchr (start, '\n', len - *pos);
  gsize l = nl ? (gsize) (nl - start) : len - *pos;
  *pos += l + (nl ? 1 : 0);
  if (l > 0 && start[l - 1] == '\r')
    l--;
  *line = start;
  *line_len = l;
  return TRUE;
}

static gboolean
blank_or_comment (const char *line, gsize len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (line[i] == '#')
        return TRUE;
      if (!g_ascii_isspace (line[i]))
        return FALSE;
    }
  return TRUE;
}

/* A decimal number (digits, one sign, a point, an exponent), surrounding spaces
 * allowed; not hexadecimal ("0x10"), not inf or nan, which strtod would take. */
static gboolean
parse_number (const char *field, double *out)
{
  const char *p = field;
  while (*p == ' ' || *p == '\t')
    p++;
  const char *q = p;
  gboolean digits = FALSE;
  for (; *q && *q != ' ' && *q != '\t' && *q != '\r'; q++)
    {
      if (g_ascii_isdigit (*q))
        digits = TRUE;
      else if (!strchr ("+-.eE", *q))
        return FALSE;
    }
  for (const char *r = q; *r; r++)
    if (*r != ' ' && *r != '\t' && *r != '\r')
      return FALSE;
  if (!digits)
    return FALSE;
  char *end = NULL;
  *out = g_ascii_strtod (p, &end);
  return end == q && isfinite (*out);
}

typedef struct {
  GArray *cols;      /* one GArray of double per column */
  double sweep_id;
  gsize first_row;
} CsvSweep;

static void
csv_sweep_free (gpointer p)
{
  CsvSweep *s = p;
  for (guint i = 0; i < s->cols->len; i++)
    g_array_unref (g_array_index (s->cols, GArray *, i));
  g_array_unref (s->cols);
  g_free (s);
}

static CsvSweep *
csv_sweep_new (guint n_cols, double id, gsize row)
{
  CsvSweep *s = g_new0 (CsvSweep, 1);
  s->cols = g_array_new (FALSE, FALSE, sizeof (GArray *));
  for (guint i = 0; i < n_cols; i++)
    {
      GArray *a = g_array_new (FALSE, FALSE, sizeof (double));
      g_array_append_val (s->cols, a);
    }
  s->sweep_id = id;
  s->first_row = row;
  return s;
}

/* The header row's reading: the separator, the titles split into names and
 * units, and which columns are the time and the sweep number. */
typedef struct {
  char sep;
  guint n_cols, n_signals;
  GPtrArray *titles, *names, *units;
  int time_col, sweep_col;
  double time_factor;   /* time column's units to ms */
} CsvLayout;

static void
csv_layout_clear (CsvLayout *l)
{
  g_clear_pointer (&l->titles, g_ptr_array_unref);
  g_clear_pointer (&l->names, g_ptr_array_unref);
  g_clear_pointer (&l->units, g_ptr_array_unref);
}

/* The first line that is neither blank nor a comment holds the titles. */
static gboolean
read_titles (const char *text, gsize len, gsize *pos, gsize *row, const char *name, CsvLayout *l, GError **error)
{
  const char *line = NULL;
  gsize line_len = 0;
  gboolean found = FALSE;
  while (next_line (text, len, pos, &line, &line_len))
    {
      (*row)++;
      if (!blank_or_comment (line, line_len))
        {
          found = TRUE;
          break;
        }
    }
  if (!found)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” has no header row: a recording table needs column titles such as "
                     "“t_ms,v_mV,i_pA”."), name);
      return FALSE;
    }
  l->sep = memchr (line, '\t', line_len) ? '\t' : memchr (line, ',', line_len) ? ',' : ';';
  l->titles = split_fields (line, line_len, l->sep);
  l->n_cols = l->titles->len;
  return TRUE;
}

/* The time column is the first with time units (or titled "t" or "time",
 * which then must have units), the sweep column the first titled "sweep";
 * every other column is a signal. */
static gboolean
find_columns (const char *name, CsvLayout *l, GError **error)
{
  l->time_col = -1;
  l->sweep_col = -1;
  l->time_factor = 1.0;
  l->names = g_ptr_array_new_with_free_func (g_free);
  l->units = g_ptr_array_new_with_free_func (g_free);
  for (guint c = 0; c < l->n_cols; c++)
    {
      char *n = NULL, *u = NULL;
      nd_split_title_units (g_ptr_array_index (l->titles, c), &n, &u);
      g_ptr_array_add (l->names, n);
      g_ptr_array_add (l->units, u);
      double f = 1.0;
      NdQuantity q = nd_units_parse (u, &f);
      if (g_ascii_strcasecmp (n, "sweep") == 0 && l->sweep_col < 0)
        l->sweep_col = (int) c;
      else if (l->time_col < 0 && (q == ND_QUANTITY_TIME ||
                                   g_ascii_strcasecmp (n, "t") == 0 || g_ascii_strcasecmp (n, "time") == 0))
        {
          if (q != ND_QUANTITY_TIME)
            {
              g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                           _("In “%s” the time column “%s” has no units. Title it with its units, "
                             "e.g. “t_ms” or “time (s)”."), name, (char *) g_ptr_array_index (l->titles, c));
              return FALSE;
            }
          l->time_col = (int) c;
          l->time_factor = f;
        }
    }
  if (l->time_col < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” has no time column. The header row needs one, e.g. “t_ms” or "
                     "“time (s)”, next to the signals (e.g. “v_mV”, “i_pA”)."), name);
      return FALSE;
    }
  l->n_signals = l->n_cols - 1 - (l->sweep_col >= 0 ? 1 : 0);
  if (l->n_signals == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” has a time column but no signal columns."), name);
      return FALSE;
    }
  return TRUE;
}

/* The sweep a row belongs to: a new one when its number changes, refused
 * when that number was seen before (a sweep split into two blocks). */
static CsvSweep *
row_sweep (GPtrArray *sweeps, CsvSweep *cur, guint n_cols, double sweep_id, gsize row, const char *name,
           GError **error)
{
  if (cur && cur->sweep_id == sweep_id)
    return cur;
  for (guint s = 0; s < sweeps->len; s++)
    {
      CsvSweep *old = g_ptr_array_index (sweeps, s);
      if (old->sweep_id == sweep_id)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                       _("In “%s” the rows of sweep %.0f are split into two blocks (lines %zu and %zu). Keep each sweep’s rows together."),
                       name, sweep_id, old->first_row, row);
          return NULL;
        }
    }
  cur = csv_sweep_new (n_cols, sweep_id, row);
  g_ptr_array_add (sweeps, cur);
  return cur;
}

/* The data rows, each checked field by field, gathered per sweep. */
static gboolean
read_rows (const char *text, gsize len, gsize *pos, gsize *row, const char *name, const CsvLayout *l,
           GPtrArray *sweeps, GError **error)
{
  const char *line = NULL;
  gsize line_len = 0;
  CsvSweep *cur = NULL;
  while (next_line (text, len, pos, &line, &line_len))
    {
      (*row)++;
      if (blank_or_comment (line, line_len))
        continue;
      g_autoptr (GPtrArray) f = split_fields (line, line_len, l->sep);
      if (f->len != l->n_cols)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                       _("Line %zu of “%s” has %u fields, but the header row has %u columns."),
                       *row, name, f->len, l->n_cols);
          return FALSE;
        }
      double sweep_id = 0.0;
      if (l->sweep_col >= 0)
        {
          if (!parse_number (g_ptr_array_index (f, l->sweep_col), &sweep_id) || sweep_id != floor (sweep_id))
            {
              g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                           _("Line %zu of “%s”: the sweep “%s” is not a whole number."),
                           *row, name, (char *) g_ptr_array_index (f, l->sweep_col));
              return FALSE;
            }
        }
      cur = row_sweep (sweeps, cur, l->n_cols, sweep_id, *row, name, error);
      if (!cur)
        return FALSE;
      for (guint c = 0; c < l->n_cols; c++)
        {
          if ((int) c == l->sweep_col)
            continue;
          double v;
          if (!parse_number (g_ptr_array_index (f, c), &v))
            {
              g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT,
                           _("Line %zu of “%s”, column “%s”: “%s” is not a number (write decimal numbers such as "
                             "12.5 or -3e-2)."),
                           *row, name, (char *) g_ptr_array_index (l->titles, c),
                           (char *) g_ptr_array_index (f, c));
              return FALSE;
            }
          g_array_append_val (g_array_index (cur->cols, GArray *, c), v);
        }
    }
  return TRUE;
}

/* Sample interval in ms from the time column of the longest sweep, checked
 * for even spacing in every sweep. */
static gboolean
sample_interval (GPtrArray *sweeps, const CsvLayout *l, const char *name, double *dt_out, GError **error)
{
  double dt = 0.0;
  gsize dt_sweep_len = 0;
  for (guint s = 0; s < sweeps->len; s++)
    {
      CsvSweep *sw = g_ptr_array_index (sweeps, s);
      GArray *t = g_array_index (sw->cols, GArray *, l->time_col);
      if (t->len >= 2 && t->len > dt_sweep_len)
        {
          dt = (g_array_index (t, double, t->len - 1) - g_array_index (t, double, 0)) / (t->len - 1);
          dt_sweep_len = t->len;
        }
    }
  dt *= l->time_factor;
  if (!(dt > 0.0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("The time column of “%s” does not increase: every sweep needs at least two "
                     "rows with increasing times."), name);
      return FALSE;
    }
  for (guint s = 0; s < sweeps->len; s++)
    {
      CsvSweep *sw = g_ptr_array_index (sweeps, s);
      GArray *t = g_array_index (sw->cols, GArray *, l->time_col);
      for (guint k = 1; k < t->len; k++)
        {
          double step = (g_array_index (t, double, k) - g_array_index (t, double, k - 1)) * l->time_factor;
          if (fabs (step - dt) > 0.01 * dt)
            {
              g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                           _("The time column of “%s” is not evenly spaced: near line %zu the step is %g ms where the recording’s step is %g ms."),
                           name, sw->first_row + k, step, dt);
              return FALSE;
            }
        }
    }
  *dt_out = dt;
  return TRUE;
}

/* The recording from the checked sweeps; sweeps follow each other without gaps. */
static NdRecording *
make_recording (const char *name, const CsvLayout *l, GPtrArray *sweeps, double dt)
{
  guint n_signals = l->n_signals;
  NdRecording *rec = nd_recording_new (name, "CSV");
  nd_recording_set_shape (rec, sweeps->len, n_signals, 1000.0 / dt);
  nd_recording_set_text (&rec->acquisition, l->sweep_col >= 0 ? N_("episodic") : N_("single sweep"));
  guint sig = 0;
  for (guint c = 0; c < l->n_cols; c++)
    if ((int) c != l->time_col && (int) c != l->sweep_col)
      nd_recording_set_signal (rec, sig++, g_ptr_array_index (l->names, c), g_ptr_array_index (l->units, c),
                               1.0, 0.0);

  double **columns = g_new0 (double *, (gsize) sweeps->len * n_signals);
  double start = 0.0;
  for (guint s = 0; s < sweeps->len; s++)
    {
      CsvSweep *sw = g_ptr_array_index (sweeps, s);
      GArray *t = g_array_index (sw->cols, GArray *, l->time_col);
      rec->sweep_len[s] = t->len;
      rec->sweep_t0_ms[s] = g_array_index (t, double, 0) * l->time_factor;
      rec->sweep_start_s[s] = start;
      start += t->len * dt / 1000.0;
      sig = 0;
      for (guint c = 0; c < l->n_cols; c++)
        if ((int) c != l->time_col && (int) c != l->sweep_col)
          {
            GArray *a = g_array_index (sw->cols, GArray *, c);
            columns[(gsize) s * n_signals + sig++] = g_memdup2 (a->data, MAX (a->len, 1) * sizeof (double));
          }
    }
  nd_recording_use_memory (rec, columns);
  nd_recording_infer_mode (rec, NULL);
  nd_recording_choose_default_stimulus (rec);
  return rec;
}

/* The table from `pos` on (after a byte-order mark), in UTF-8. */
static NdRecording *
parse_table (const char *text, gsize len, gsize pos, const char *name, GError **error)
{
  gsize row = 0;
  CsvLayout l = { 0 };
  NdRecording *rec = NULL;
  g_autoptr (GPtrArray) sweeps = g_ptr_array_new_with_free_func (csv_sweep_free);
  double dt = 0.0;
  if (!read_titles (text, len, &pos, &row, name, &l, error) || !find_columns (name, &l, error)
      || !read_rows (text, len, &pos, &row, name, &l, sweeps, error))
    goto out;
  if (sweeps->len == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” has a header row but no data rows."), name);
      goto out;
    }
  if (!sample_interval (sweeps, &l, name, &dt, error))
    goto out;
  rec = make_recording (name, &l, sweeps, dt);
  nd_recording_take_injected_current (rec);
out:
  csv_layout_clear (&l);
  return rec;
}

NdRecording *
nd_recording_parse_csv (const char *text, gsize len, const char *name, GError **error)
{
  gsize pos = 0;

  if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    pos = 3;
  if (memchr (text, '\0', len))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” is not a text table (it contains binary data), nor another "
                     "recording format Neurode knows."), name);
      return NULL;
    }
  if (!g_utf8_validate (text + pos, (gssize) (len - pos), NULL))
    {
      /* Windows programs write "µV" in their own code page. */
      gsize out_len = 0;
      g_autofree char *utf8 = g_convert (text + pos, (gssize) (len - pos), "UTF-8", "WINDOWS-1252",
                                         NULL, &out_len, NULL);
      if (utf8 && g_utf8_validate (utf8, (gssize) out_len, NULL))
        return nd_recording_parse_csv (utf8, out_len, name, error);
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("“%s” is not a readable text table: it is neither UTF-8 nor Windows text."), name);
      return NULL;
    }
  return parse_table (text, len, pos, name, error);
}

NdRecording *
nd_recording_load_csv (const char *path, GError **error)
{
  return nd_recording_load_text (path, nd_recording_parse_csv, error);
}
