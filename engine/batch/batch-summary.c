/* batch-summary.c: headline figures from each row's report.csv, and summary.csv.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "batch/batch-summary.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* report.csv as columns by header name: rows of GStrv. */
typedef struct
{
  GStrv header;
  GPtrArray *rows;
} Table;

static gboolean
table_load (const char *path, Table *t)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  if (!lines[0])
    return FALSE;
  t->header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (int i = 1; lines[i]; i++)
    if (*g_strstrip (lines[i]))
      g_ptr_array_add (t->rows, g_strsplit (lines[i], ",", -1));
  return TRUE;
}

static void
table_clear (Table *t)
{
  g_clear_pointer (&t->header, g_strfreev);
  g_clear_pointer (&t->rows, g_ptr_array_unref);
}

static int
column (const Table *t, const char *name)
{
  for (int i = 0; t->header[i]; i++)
    if (g_str_equal (t->header[i], name))
      return i;
  return -1;
}

static const char *
cell (char **row, int col)
{
  if (col < 0)
    return NULL;
  for (int i = 0; i < col; i++)
    if (!row[i])
      return NULL;
  return row[col];
}

static double
number (char **row, int col)
{
  const char *s = cell (row, col);
  if (!s || !*s)
    return NAN;
  char *end = NULL;
  double v = g_ascii_strtod (s, &end);
  return end != s && *end == '\0' && isfinite (v) ? v : NAN;
}

/* sqrt(mean(rmse^2)) over the rows whose `key` column is `value`. */
static double
pooled_rmse (const Table *t, const char *key, const char *value)
{
  int k = column (t, key), r = column (t, "rmse_mV");
  double se = 0.0;
  int n = 0;
  for (guint i = 0; i < t->rows->len; i++)
    {
      char **row = g_ptr_array_index (t->rows, i);
      const char *v = cell (row, k);
      double x = number (row, r);
      if (v && g_str_equal (v, value) && isfinite (x))
        {
          se += x * x;
          n++;
        }
    }
  return n ? sqrt (se / n) : NAN;
}

static void
fit_figures (const Table *t, NdBatchFigures *f)
{
  f->train_rmse_mV = pooled_rmse (t, "role", "train");
  f->validation_rmse_mV = pooled_rmse (t, "role", "validate");
  int role = column (t, "role"), rec = column (t, "spikes_recorded"), mod = column (t, "spikes_model");
  int n = 0, agree = 0;
  for (guint i = 0; i < t->rows->len; i++)
    {
      char **row = g_ptr_array_index (t->rows, i);
      const char *r = cell (row, role);
      double a = number (row, rec), b = number (row, mod);
      if (!r || !g_str_equal (r, "validate") || !isfinite (a) || !isfinite (b))
        continue;
      n++;
      agree += fabs (b - a) <= fmax (1.0, 0.2 * a);
    }
  f->spike_count_agreement = n ? (double) agree / n : NAN;
}

static void
reduce_figures (const Table *t, NdBatchFigures *f)
{
  f->held_out_rmse_mV = pooled_rmse (t, "set", "held_out");
  int full = column (t, "t_full_s"), red = column (t, "t_reduced_s");
  double sum_full = 0.0, sum_red = 0.0;
  for (guint i = 0; i < t->rows->len; i++)
    {
      char **row = g_ptr_array_index (t->rows, i);
      double a = number (row, full), b = number (row, red);
      if (isfinite (a) && isfinite (b))
        {
          sum_full += a;
          sum_red += b;
        }
    }
  f->speedup = sum_red > 0.0 ? sum_full / sum_red : NAN;
}

/* The fits an ensemble kept: the members of the bands in model.json (every band has them all). */
static int
fits_kept (const char *row_dir)
{
  g_autofree char *path = g_build_filename (row_dir, "model.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return 0;
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonNode *channels = json_object_get_member (root, "channels");
  if (!channels || !JSON_NODE_HOLDS_ARRAY (channels))
    return 0;
  JsonArray *ca = json_node_get_array (channels);
  for (guint c = 0; c < json_array_get_length (ca); c++)
    {
      JsonNode *cn = json_array_get_element (ca, c);
      JsonNode *gates = JSON_NODE_HOLDS_OBJECT (cn) ? json_object_get_member (json_node_get_object (cn), "gates") : NULL;
      if (!gates || !JSON_NODE_HOLDS_ARRAY (gates))
        continue;
      JsonArray *ga = json_node_get_array (gates);
      for (guint g = 0; g < json_array_get_length (ga); g++)
        {
          JsonNode *gn = json_array_get_element (ga, g);
          JsonNode *band = JSON_NODE_HOLDS_OBJECT (gn) ? json_object_get_member (json_node_get_object (gn), "band") : NULL;
          if (band && JSON_NODE_HOLDS_OBJECT (band))
            return (int) json_object_get_int_member_with_default (json_node_get_object (band), "members", 0);
        }
    }
  return 0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Every gate with a band in kinetics.csv: the median width of its x_inf band and its share constrained, over
 * the voltages the training data visited (in_data = 1): elsewhere a band is as wide as the members' guesses,
 * and two cells recorded over different ranges would compare by their ranges. Tables without in_data (written
 * before it was kept, or a band without its range) count the whole grid. */
static void
band_figures (const char *row_dir, NdBatchFigures *f)
{
  g_autofree char *path = g_build_filename (row_dir, "kinetics.csv", NULL);
  Table t = { 0 };
  if (!table_load (path, &t))
    return;
  int ch = column (&t, "channel"), gate = column (&t, "gate"), lo = column (&t, "x_inf_lo"),
      hi = column (&t, "x_inf_hi"), con = column (&t, "constrained"), in = column (&t, "in_data");
  g_autoptr (GArray) widths = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) widths_in = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_constrained = 0, n_constrained_in = 0;
  g_autofree char *current = NULL;
  for (guint i = 0; i <= t.rows->len; i++)
    {
      char **row = i < t.rows->len ? g_ptr_array_index (t.rows, i) : NULL;
      double a = row ? number (row, lo) : NAN, b = row ? number (row, hi) : NAN;
      g_autofree char *name = row && isfinite (a) && isfinite (b) && cell (row, ch) && cell (row, gate)
                                ? g_strdup_printf ("%s.%s", cell (row, ch), cell (row, gate)) : NULL;
      /* A gate's rows are together: one ends where the name changes. */
      if (current && g_strcmp0 (name, current) != 0)
        {
          if (f->n_gates < ND_BATCH_MAX_GATES)
            {
              NdBatchGateBand *gb = &f->gates[f->n_gates++];
              g_strlcpy (gb->name, current, sizeof gb->name);
              const gboolean in_range = widths_in->len > 0;
              GArray *w = in_range ? widths_in : widths;
              g_array_sort (w, compare_doubles);
              guint n = w->len;
              gb->x_inf_band = n % 2 ? g_array_index (w, double, n / 2)
                                     : 0.5 * (g_array_index (w, double, n / 2 - 1) + g_array_index (w, double, n / 2));
              gb->constrained = (double) (in_range ? n_constrained_in : n_constrained) / n;
            }
          g_array_set_size (widths, 0);
          g_array_set_size (widths_in, 0);
          n_constrained = n_constrained_in = 0;
          g_clear_pointer (&current, g_free);
        }
      if (!name)
        continue;
      if (!current)
        current = g_strdup (name);
      double w = b - a;
      const gboolean c1 = number (row, con) == 1.0;
      g_array_append_val (widths, w);
      n_constrained += c1;
      if (number (row, in) == 1.0)
        {
          g_array_append_val (widths_in, w);
          n_constrained_in += c1;
        }
    }
  table_clear (&t);
}

void
nd_batch_figures_read (const char *row_dir, const NdBatchRow *row, NdBatchFigures *f)
{
  memset (f, 0, sizeof *f);
  f->train_rmse_mV = f->validation_rmse_mV = f->spike_count_agreement = NAN;
  f->held_out_rmse_mV = f->speedup = NAN;
  const char *command = row->argv[0];
  f->fits = nd_batch_row_ensemble (row);
  if (f->fits > 0)
    {
      f->fits_kept = fits_kept (row_dir);
      band_figures (row_dir, f);
    }
  g_autofree char *path = g_build_filename (row_dir, "report.csv", NULL);
  Table t = { 0 };
  if (!table_load (path, &t))
    return;
  if (g_str_equal (command, "fit"))
    fit_figures (&t, f);
  else if (g_str_equal (command, "reduce"))
    reduce_figures (&t, f);
  table_clear (&t);
}

static void
summary_row_clear (gpointer data)
{
  NdBatchSummaryRow *r = data;
  g_free (r->name);
  g_free (r->command);
  nd_batch_result_clear (&r->result);
}

GArray *
nd_batch_summary_collect (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes)
{
  GArray *rows = g_array_sized_new (FALSE, TRUE, sizeof (NdBatchSummaryRow), plan->rows->len);
  g_array_set_clear_func (rows, summary_row_clear);
  for (guint i = 0; i < plan->rows->len; i++)
    {
      const NdBatchRow *row = g_ptr_array_index (plan->rows, i);
      NdBatchSummaryRow s = { .name = g_strdup (row->name), .command = g_strdup (row->argv[0]) };
      nd_batch_row_result (out_dir, row, &s.result);
      const char *note = notes ? g_hash_table_lookup (notes, row->name) : NULL;
      if (s.result.status == ND_BATCH_INCOMPLETE && note)
        {
          g_free (s.result.message);
          s.result.message = g_strdup (note);
        }
      s.figures.train_rmse_mV = s.figures.validation_rmse_mV = s.figures.spike_count_agreement = NAN;
      s.figures.held_out_rmse_mV = s.figures.speedup = NAN;
      if (s.result.status == ND_BATCH_DONE)
        {
          g_autofree char *dir = nd_batch_row_dir (out_dir, row);
          nd_batch_figures_read (dir, row, &s.figures);
        }
      g_array_append_val (rows, s);
    }
  return rows;
}

static void
append_number (GString *s, double v, const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c (s, ',');
  if (isfinite (v))
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, format, v));
}

static void
append_count (GString *s, int n)
{
  g_string_append_c (s, ',');
  if (n > 0)
    g_string_append_printf (s, "%d", n);
}

GString *
nd_batch_summary_csv (GArray *rows)
{
  GString *csv = g_string_new ("name,status,exit_code,seconds,message,train_rmse_mV,validation_rmse_mV,"
                               "spike_count_agreement,held_out_rmse_mV,speedup,fits,fits_kept");
  /* A pair of columns per gate any row has a band of: rows of one plan usually share their model. */
  g_autoptr (GPtrArray) gates = g_ptr_array_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      const NdBatchFigures *f = &g_array_index (rows, NdBatchSummaryRow, i).figures;
      for (int g = 0; g < f->n_gates; g++)
        if (!g_ptr_array_find_with_equal_func (gates, f->gates[g].name, g_str_equal, NULL))
          g_ptr_array_add (gates, (gpointer) f->gates[g].name);
    }
  for (guint k = 0; k < gates->len; k++)
    {
      g_autofree char *band = g_strdup_printf ("%s_x_inf_band", (const char *) g_ptr_array_index (gates, k));
      g_autofree char *con = g_strdup_printf ("%s_constrained", (const char *) g_ptr_array_index (gates, k));
      g_string_append_c (csv, ',');
      nd_batch_csv_append (csv, band);
      g_string_append_c (csv, ',');
      nd_batch_csv_append (csv, con);
    }
  g_string_append_c (csv, '\n');
  for (guint i = 0; i < rows->len; i++)
    {
      const NdBatchSummaryRow *r = &g_array_index (rows, NdBatchSummaryRow, i);
      const NdBatchResult *res = &r->result;
      static const char *const status[] = { "incomplete", "done", "failed" };
      g_string_append_printf (csv, "%s,%s,", r->name, status[res->status]);
      if (res->exit_code >= 0)
        g_string_append_printf (csv, "%d", res->exit_code);
      append_number (csv, res->seconds, "%.1f");
      g_string_append_c (csv, ',');
      /* One line per row, whatever the message. */
      g_autofree char *message = g_strdup (res->message ? res->message : "");
      g_strdelimit (message, "\r\n", ' ');
      nd_batch_csv_append (csv, message);
      append_number (csv, r->figures.train_rmse_mV, "%.3f");
      append_number (csv, r->figures.validation_rmse_mV, "%.3f");
      append_number (csv, r->figures.spike_count_agreement, "%.3f");
      append_number (csv, r->figures.held_out_rmse_mV, "%.3f");
      append_number (csv, r->figures.speedup, "%.1f");
      append_count (csv, r->figures.fits);
      append_count (csv, r->figures.fits_kept);
      for (guint k = 0; k < gates->len; k++)
        {
          const NdBatchGateBand *gb = NULL;
          for (int g = 0; g < r->figures.n_gates; g++)
            if (g_str_equal (r->figures.gates[g].name, g_ptr_array_index (gates, k)))
              gb = &r->figures.gates[g];
          append_number (csv, gb ? gb->x_inf_band : NAN, "%.3f");
          append_number (csv, gb ? gb->constrained : NAN, "%.3f");
        }
      g_string_append_c (csv, '\n');
    }
  return csv;
}

gboolean
nd_batch_summary_write (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes, guint *n_done,
                        guint *n_failed, guint *n_incomplete, GError **error)
{
  g_autoptr (GArray) rows = nd_batch_summary_collect (plan, out_dir, notes);
  guint counts[3] = { 0, 0, 0 };
  for (guint i = 0; i < rows->len; i++)
    counts[g_array_index (rows, NdBatchSummaryRow, i).result.status]++;
  if (n_incomplete)
    *n_incomplete = counts[ND_BATCH_INCOMPLETE];
  if (n_done)
    *n_done = counts[ND_BATCH_DONE];
  if (n_failed)
    *n_failed = counts[ND_BATCH_FAILED];
  g_autoptr (GString) csv = nd_batch_summary_csv (rows);
  g_autofree char *path = g_build_filename (out_dir, "summary.csv", NULL);
  return g_file_set_contents (path, csv->str, (gssize) csv->len, error);
}
