/* test-recording-abf.c: the ABF readers against Axon's own library (ABFFIO)
 * values and the documented headers of real files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "recording.h"
#include "test-io-util.h"

/* Every row of reference_sweep_values.csv: points per sweep, first and last
 * value and population stdev of each sweep x channel, to 1e-4. */
static void
test_reference_values (void)
{
  g_autofree char *csv = nd_test_data_path ("abf/reference_sweep_values.csv");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) nd_recording_free);
  guint rows = 0;
  double worst = 0.0;
  for (guint i = 1; lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (g_strstrip (lines[i]), ",", -1);
      if (g_strv_length (f) != 7)
        continue;
      NdRecording *rec = g_hash_table_lookup (files, f[0]);
      if (!rec)
        {
          g_autofree char *rel = g_strdup_printf ("abf/%s", f[0]);
          g_autofree char *path = nd_test_data_path (rel);
          g_autoptr (GError) error = NULL;
          rec = nd_recording_load (path, &error);
          g_assert_no_error (error);
          g_hash_table_insert (files, g_strdup (f[0]), rec);
        }
      guint sweep = (guint) atoi (f[1]), ch = (guint) atoi (f[2]);
      gsize want_n = (gsize) g_ascii_strtoull (f[3], NULL, 10);
      g_assert_cmpuint (sweep, <, nd_recording_n_sweeps (rec));
      g_assert_cmpuint (ch, <, nd_recording_n_signals (rec));
      gsize n = 0;
      g_autoptr (GError) error = NULL;
      g_autofree double *y = nd_recording_get_sweep (rec, sweep, ch, &n, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, want_n);
      double mean = 0.0, ss = 0.0;
      for (gsize k = 0; k < n; k++)
        mean += y[k];
      mean /= n;
      for (gsize k = 0; k < n; k++)
        ss += (y[k] - mean) * (y[k] - mean);
      double sd = sqrt (ss / n);
      double e1 = fabs (y[0] - g_ascii_strtod (f[4], NULL));
      double e2 = fabs (y[n - 1] - g_ascii_strtod (f[5], NULL));
      double e3 = fabs (sd - g_ascii_strtod (f[6], NULL));
      if (e1 > 1e-4 || e2 > 1e-4 || e3 > 1e-4)
        g_error ("%s sweep %u ch %u: first %.8f (want %s) last %.8f (want %s) sd %.8f (want %s)",
                 f[0], sweep, ch, y[0], f[4], y[n - 1], f[5], sd, f[6]);
      worst = MAX (worst, MAX (e1, MAX (e2, e3)));
      rows++;
    }
  g_assert_cmpuint (rows, ==, 172);
  g_test_message ("172 rows reproduced; largest difference %.3g", worst);
}

typedef struct {
  const char *file, *format, *version, *mode, *acquisition;
  guint sweeps;
  double rate;
  gsize points;
  const char *signals;   /* "name:units,name:units" */
  const char *stimulus_units;
  NdStimulusSource source;
} HeaderCase;

static const HeaderCase header_cases[] = {
  { "190619B_0003.abf", "ABF1", "1.8.3.0", "current_clamp", "episodic", 10, 10000, 30640, "IN 0:mV,IN 2:mV", "pA", ND_STIMULUS_PROTOCOL },
  { "File_axon_5.abf", "ABF2", "2.0.0.0", "current_clamp", "episodic", 9, 20000, 20000, "_Ipatch:mV", "pA", ND_STIMULUS_PROTOCOL },
  { "17o05028_ic_steps.abf", "ABF2", "2.6.0.0", "current_clamp", "episodic", 16, 20000, 60000, "IN 0:mV", "pA", ND_STIMULUS_PROTOCOL },
  { "2020_03_02_0000.abf", "ABF2", "2.9.0.0", "current_clamp", "episodic", 16, 10000, 20000, "Potential:mV,I_Com:pA", "pA", ND_STIMULUS_PROTOCOL },
  { "2020_07_29_0062.abf", "ABF2", "2.9.0.0", "current_clamp", "gap-free", 1, 10000, 184320, "Potential:mV,I_Com:pA", "pA", ND_STIMULUS_SIGNAL },
  { "17o05024_vc_steps.abf", "ABF2", "2.6.0.0", "voltage_clamp", "episodic", 7, 20000, 70000, "IN 0:pA", "mV", ND_STIMULUS_PROTOCOL },
  { "pclamp11_4ch.abf", "ABF2", "2.9.0.0", "voltage_clamp", "episodic", 10, 20000, 4000, "IN 0:pA,IN 1:pA,IN 2:pA,IN 3:pA", "mV", ND_STIMULUS_PROTOCOL },
  { "pclamp11_4ch_abf1.abf", "ABF1", "1.8.4.0", "voltage_clamp", "episodic", 10, 20000, 4000, "IN 0:pA,IN 1:pA,IN 2:pA,IN 3:pA", "mV", ND_STIMULUS_PROTOCOL },
  { "18702001-step.abf", "ABF2", "2.6.0.0", "voltage_clamp", "episodic", 3, 20000, 20000, "IN 0:pA,IN 1:A", "mV", ND_STIMULUS_PROTOCOL },
};

static void
test_headers (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (header_cases); c++)
    {
      const HeaderCase *hc = &header_cases[c];
      g_autoptr (NdRecording) rec = nd_test_load_abf (hc->file);
      g_assert_cmpstr (nd_recording_format (rec), ==, hc->format);
      g_assert_cmpstr (nd_recording_version (rec), ==, hc->version);
      g_assert_cmpstr (nd_clamp_mode_name (nd_recording_clamp_mode (rec)), ==, hc->mode);
      g_assert_cmpstr (nd_recording_acquisition (rec), ==, hc->acquisition);
      g_assert_cmpuint (nd_recording_n_sweeps (rec), ==, hc->sweeps);
      g_assert_cmpfloat_with_epsilon (nd_recording_sample_rate_hz (rec), hc->rate, 1e-6);
      for (guint s = 0; s < hc->sweeps; s++)
        g_assert_cmpuint (nd_recording_sweep_length (rec, s), ==, hc->points);
      GString *sig = g_string_new (NULL);
      for (guint i = 0; i < nd_recording_n_signals (rec); i++)
        g_string_append_printf (sig, "%s%s:%s", i ? "," : "", nd_recording_signal (rec, i)->name,
                                nd_recording_signal (rec, i)->units);
      g_assert_cmpstr (sig->str, ==, hc->signals);
      g_string_free (sig, TRUE);
      g_assert_cmpstr (nd_recording_stimulus_units (rec), ==, hc->stimulus_units);
      g_assert_cmpint (nd_recording_stimulus_source (rec), ==, hc->source);
    }
}

/* The same recording stored as ABF2 and as ABF1 agrees within one LSB. */
static void
test_v1_v2_pair (void)
{
  g_autoptr (NdRecording) a = nd_test_load_abf ("pclamp11_4ch.abf");
  g_autoptr (NdRecording) b = nd_test_load_abf ("pclamp11_4ch_abf1.abf");
  g_assert_cmpuint (nd_recording_n_sweeps (a), ==, nd_recording_n_sweeps (b));
  g_assert_cmpuint (nd_recording_n_signals (a), ==, nd_recording_n_signals (b));
  double worst_lsb = 0.0;
  for (guint s = 0; s < nd_recording_n_sweeps (a); s++)
    for (guint ch = 0; ch < nd_recording_n_signals (a); ch++)
      {
        gsize na = 0, nb = 0;
        g_autofree double *ya = nd_recording_get_sweep (a, s, ch, &na, NULL);
        g_autofree double *yb = nd_recording_get_sweep (b, s, ch, &nb, NULL);
        g_assert_cmpuint (na, ==, nb);
        double lsb = MAX (nd_recording_signal (a, ch)->scale, nd_recording_signal (b, ch)->scale);
        for (gsize k = 0; k < na; k++)
          worst_lsb = MAX (worst_lsb, fabs (ya[k] - yb[k]) / lsb);
      }
  g_test_message ("ABF2 vs ABF1: largest difference %.4f LSB", worst_lsb);
  g_assert_cmpfloat (worst_lsb, <=, 1.0 + 1e-6);
  /* Both are the same data, not two empty reads: the ABF1 sweep is not flat. */
  g_autofree double *y = nd_recording_get_sweep (b, 0, 0, NULL, NULL);
  g_assert_cmpfloat (fabs (y[0] - (-0.23987)), <, 1e-5);
}

/* First five samples and per-LSB scale of sweep 0 against the independent
 * reader's table. */
static void
test_first_samples (void)
{
  g_autofree char *csv = nd_test_data_path ("abf/reference_first_samples.csv");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint rows = 0;
  for (guint i = 1; lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (g_strstrip (lines[i]), ",", -1);
      if (g_strv_length (f) != 8)
        continue;
      g_autoptr (NdRecording) rec = nd_test_load_abf (f[0]);
      guint ch = (guint) atoi (f[2]);
      const NdSignal *sig = nd_recording_signal (rec, ch);
      g_assert_cmpstr (sig->units, ==, f[3]);
      g_assert_cmpfloat (fabs (sig->scale - g_ascii_strtod (f[4], NULL)) / sig->scale, <, 1e-6);
      g_assert_cmpfloat_with_epsilon (nd_recording_sample_rate_hz (rec), g_ascii_strtod (f[6], NULL), 1e-9);
      double y[5];
      g_assert_true (nd_recording_read (rec, 0, ch, 0, 5, y, NULL));
      g_auto (GStrv) want = g_strsplit (f[7], " ", -1);
      for (int k = 0; k < 5; k++)
        g_assert_cmpfloat (fabs (y[k] - g_ascii_strtod (want[k], NULL)), <, 1e-5);
      rows++;
    }
  g_assert_cmpuint (rows, ==, 19);
}

static void
test_tags_and_gapfree (void)
{
  g_autoptr (NdRecording) rec = nd_test_load_abf ("2020_07_29_0062.abf");
  g_assert_cmpuint (nd_recording_n_tags (rec), ==, 1);
  const NdTag *t = nd_recording_tag (rec, 0);
  g_assert_cmpfloat (fabs (t->time_s - 0.9216), <, 1e-9);
  g_assert_cmpstr (t->text, ==, "Digital Outputs => 00000001");
  g_assert_cmpstr (nd_recording_protocol (rec), ==, "Current_Clamp_gap free");
  /* The recorded command current is the stimulus of this gap-free file. */
  g_assert_cmpint (nd_recording_stimulus_signal (rec), ==, 1);

  /* Ranged reads equal the same slice of a whole-sweep read. */
  gsize n = 0;
  g_autofree double *all = nd_recording_get_sweep (rec, 0, 0, &n, NULL);
  double part[1000];
  g_assert_true (nd_recording_read (rec, 0, 0, 123456, 1000, part, NULL));
  g_assert_cmpmem (part, sizeof part, all + 123456, sizeof part);
  g_autoptr (GError) error = NULL;
  g_assert_false (nd_recording_read (rec, 0, 0, n - 10, 11, part, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID);
}

/* Rewrites an int16 file as float32 data (nDataFormat 1): the reader must
 * give back the same values, unscaled. Sections after the data (the sweep
 * table) are dropped, as their blocks would move. */
static void
check_float_copy (const char *file)
{
  g_autoptr (NdRecording) orig = nd_test_load_abf (file);
  g_autofree char *src = nd_test_abf_path (file);
  g_autofree guint8 *d = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (src, (char **) &d, &size, NULL));
  gboolean v2 = memcmp (d, "ABF2", 4) == 0;
  guint32 data_block;
  if (v2)
    {
      memcpy (&data_block, d + 236, 4);
      d[30] = 1;                 /* nDataFormat */
      d[30 + 1] = 0;
      guint32 four = 4;
      memcpy (d + 240, &four, 4);  /* DataSection bytes per sample */
      for (int i = 0; i < 18; i++)
        {
          guint32 blk;
          memcpy (&blk, d + 76 + 16 * i, 4);
          if (i != 10 && blk >= data_block)
            memset (d + 76 + 16 * i, 0, 16);
        }
    }
  else
    {
      gint32 ptr;
      memcpy (&ptr, d + 40, 4);
      data_block = (guint32) ptr;
      d[100] = 1;                /* nDataFormat */
      memset (d + 92, 0, 8);     /* no sweep table */
    }
  guint nch = nd_recording_n_signals (orig), ns = nd_recording_n_sweeps (orig);
  gsize len = nd_recording_sweep_length (orig, 0);
  g_autofree float *data = g_new (float, (gsize) ns * len * nch);
  for (guint s = 0; s < ns; s++)
    for (guint ch = 0; ch < nch; ch++)
      {
        g_autofree double *y = nd_recording_get_sweep (orig, s, ch, NULL, NULL);
        for (gsize k = 0; k < len; k++)
          data[((gsize) s * len + k) * nch + ch] = (float) y[k];
      }
  g_autofree char *name = g_strdup_printf ("float32-%s", file);
  g_autofree char *path = nd_test_output_path (name);
  GString *bytes = g_string_new_len ((const char *) d, (gssize) data_block * 512);
  g_string_append_len (bytes, (const char *) data, (gssize) (ns * len * nch * sizeof (float)));
  g_assert_true (g_file_set_contents (path, bytes->str, (gssize) bytes->len, NULL));
  g_string_free (bytes, TRUE);

  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nd_recording_n_sweeps (rec), ==, ns);
  for (guint s = 0; s < ns; s++)
    for (guint ch = 0; ch < nch; ch++)
      {
        g_assert_cmpfloat (nd_recording_signal (rec, ch)->scale, ==, 1.0);
        g_autofree double *y = nd_recording_get_sweep (rec, s, ch, NULL, NULL);
        for (gsize k = 0; k < len; k++)
          g_assert_cmpfloat (y[k], ==, (double) data[((gsize) s * len + k) * nch + ch]);
      }
}

static void
test_float32 (void)
{
  check_float_copy ("18702001-step.abf");
  check_float_copy ("pclamp11_4ch_abf1.abf");
}

/* Variable-length event mode takes each sweep's length from the sweep
 * table: the same file marked so reads the same sweeps. */
static void
test_variable_length (void)
{
  g_autoptr (NdRecording) orig = nd_test_load_abf ("2020_03_02_0000.abf");
  g_autofree char *src = nd_test_data_path ("abf/2020_03_02_0000.abf");
  g_autofree guint8 *d = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (src, (char **) &d, &size, NULL));
  guint32 prot;
  memcpy (&prot, d + 76, 4);
  d[prot * 512] = 1;   /* nOperationMode: event-driven, variable length */
  g_autofree char *path = nd_test_output_path ("variable-length.abf");
  g_assert_true (g_file_set_contents (path, (const char *) d, (gssize) size, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nd_recording_acquisition (rec), ==, "event-driven variable-length");
  g_assert_cmpuint (nd_recording_n_sweeps (rec), ==, 16);
  for (guint s = 0; s < 16; s += 5)
    {
      gsize n = 0, m = 0;
      g_autofree double *a = nd_recording_get_sweep (orig, s, 1, &n, NULL);
      g_autofree double *b = nd_recording_get_sweep (rec, s, 1, &m, NULL);
      g_assert_cmpuint (n, ==, m);
      g_assert_cmpmem (a, n * sizeof (double), b, m * sizeof (double));
      g_assert_cmpfloat (fabs (nd_recording_sweep_start_s (rec, s) - (0.021 + 2.0 * s)), <, 1e-9);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/abf/reference-values", test_reference_values);
  g_test_add_func ("/abf/headers", test_headers);
  g_test_add_func ("/abf/v1-v2-pair", test_v1_v2_pair);
  g_test_add_func ("/abf/first-samples", test_first_samples);
  g_test_add_func ("/abf/tags-gapfree", test_tags_and_gapfree);
  g_test_add_func ("/abf/float32", test_float32);
  g_test_add_func ("/abf/variable-length", test_variable_length);
  return g_test_run ();
}
