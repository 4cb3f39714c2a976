/* test-recording-text.c: the ATF and CSV/TSV readers.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "recording.h"
#include "test-io-util.h"

/* Half a unit in the 6th significant digit of x: how far a value printed
 * with %g (6 digits) may be from the exact one. */
static double
half_ulp6 (double x)
{
  if (x == 0.0)
    return 5e-7;
  return 0.5 * pow (10.0, floor (log10 (fabs (x))) - 5.0);
}

/* The ATF export of 18702001-step agrees with the ABF to its 6 digits. */
static void
test_atf_vs_abf (void)
{
  g_autoptr (NdRecording) atf = nd_test_load ("atf/18702001-step.atf");
  g_autoptr (NdRecording) abf = nd_test_load_abf ("18702001-step.abf");
  g_assert_cmpstr (nd_recording_format (atf), ==, "ATF");
  g_assert_cmpstr (nd_recording_version (atf), ==, "1.0");
  g_assert_cmpstr (nd_recording_acquisition (atf), ==, "episodic");
  g_assert_cmpint (nd_recording_clamp_mode (atf), ==, ND_CLAMP_VOLTAGE);
  g_assert_cmpuint (nd_recording_n_sweeps (atf), ==, 3);
  g_assert_cmpuint (nd_recording_n_signals (atf), ==, 2);
  g_assert_cmpstr (nd_recording_signal (atf, 0)->name, ==, "IN 0");
  g_assert_cmpstr (nd_recording_signal (atf, 0)->units, ==, "pA");
  g_assert_cmpstr (nd_recording_signal (atf, 1)->name, ==, "IN 1");
  g_assert_cmpstr (nd_recording_signal (atf, 1)->units, ==, "A");
  g_assert_cmpfloat (fabs (nd_recording_sample_rate_hz (atf) - 20000.0), <, 1e-6);
  g_assert_cmpfloat (fabs (nd_recording_sweep_start_s (atf, 2) - 2.0), <, 1e-12);

  double worst = 0.0;
  gsize checked = 0;
  for (guint s = 0; s < 3; s++)
    for (guint ch = 0; ch < 2; ch++)
      {
        gsize na = 0, nb = 0;
        g_autofree double *a = nd_recording_get_sweep (atf, s, ch, &na, NULL);
        g_autofree double *b = nd_recording_get_sweep (abf, s, ch, &nb, NULL);
        g_assert_cmpuint (na, ==, 20000);
        g_assert_cmpuint (na, ==, nb);
        for (gsize k = 0; k < na; k++)
          {
            /* ABFFIO scales in single precision before printing: allow its
             * rounding (1e-7 relative) on top of the printed digits. */
            double tol = half_ulp6 (b[k]) * 1.001 + 2e-7 * fabs (b[k]);
            double err = fabs (a[k] - b[k]);
            if (err > tol)
              g_error ("sweep %u signal %u sample %zu: ATF %.9g, ABF %.9g", s, ch, k, a[k], b[k]);
            worst = MAX (worst, err / half_ulp6 (b[k]));
            checked++;
          }
      }
  g_test_message ("%zu samples agree; largest difference %.3f of half a 6th digit", checked, worst);
}

static NdRecording *
load_text (const char *name, const char *text, GError **error)
{
  g_autofree char *path = nd_test_output_path (name);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return nd_recording_load (path, error);
}

/* The engine's own form, columns in any order, one block per sweep. */
static void
test_csv_engine_form (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = load_text ("engine-form.csv",
                                           "# made by hand\n"
                                           "sweep,i_pA,t_ms,v_mV\n"
                                           "0,0,0,-65\n0,0,0.1,-65.5\n0,10,0.2,-64\n"
                                           "1,20,0,-70\n1,20,0.1,-69\n1,20,0.2,-68.25\n1,0,0.3,-67\n",
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nd_recording_format (rec), ==, "CSV");
  g_assert_cmpuint (nd_recording_n_sweeps (rec), ==, 2);
  g_assert_cmpuint (nd_recording_sweep_length (rec, 0), ==, 3);
  g_assert_cmpuint (nd_recording_sweep_length (rec, 1), ==, 4);
  g_assert_cmpfloat (fabs (nd_recording_sample_rate_hz (rec) - 10000.0), <, 1e-6);
  g_assert_cmpint (nd_recording_clamp_mode (rec), ==, ND_CLAMP_CURRENT);
  g_assert_cmpstr (nd_recording_signal (rec, 0)->name, ==, "i");
  g_assert_cmpstr (nd_recording_signal (rec, 0)->units, ==, "pA");
  g_assert_cmpstr (nd_recording_signal (rec, 1)->name, ==, "v");
  g_assert_cmpint (nd_recording_stimulus_signal (rec), ==, 0);

  NdSweepTrace tr;
  g_assert_true (nd_recording_get_cc_sweep (rec, 1, &tr, &error));
  g_assert_cmpuint (tr.n, ==, 4);
  g_assert_cmpfloat (tr.v_mV[2], ==, -68.25);
  g_assert_cmpfloat (tr.i_pA[3], ==, 0.0);
  g_assert_cmpfloat (tr.i_pA[0], ==, 20.0);
  g_assert_cmpfloat (fabs (tr.t_ms[3] - 0.3), <, 1e-12);
  nd_sweep_trace_clear (&tr);
}

/* A stimulus-only table, as `neurode-cli simulate --stimulus` takes. */
static void
test_csv_stimulus_only (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = load_text ("stimulus-only.csv",
                                           "t_ms,i_pA,sweep\n0,0,0\n0.025,0,0\n0.05,100,0\n"
                                           "0,0,1\n0.025,200,1\n0.05,200,1\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (nd_recording_clamp_mode (rec), ==, ND_CLAMP_CURRENT);
  g_assert_cmpint (nd_recording_stimulus_signal (rec), ==, 0);
  NdSweepTrace tr;
  g_assert_false (nd_recording_get_cc_sweep (rec, 1, &tr, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (nd_recording_get_stimulus_sweep (rec, 1, &tr, &error));
  g_assert_null (tr.v_mV);
  g_assert_cmpuint (tr.n, ==, 3);
  g_assert_cmpfloat (tr.i_pA[1], ==, 200.0);
  g_assert_cmpfloat (fabs (tr.t_ms[2] - 0.05), <, 1e-12);
  nd_sweep_trace_clear (&tr);

  /* Currents alone under another name are a voltage-clamp recording. */
  g_autoptr (NdRecording) vc = load_text ("vc-only.csv", "t_ms,Im_pA\n0,1\n0.05,2\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (nd_recording_clamp_mode (vc), ==, ND_CLAMP_VOLTAGE);
}

/* Unit-bearing titles are converted: s -> ms, V -> mV, nA -> pA. */
static void
test_csv_units (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = load_text ("units.tsv",
                                           "time (s)\tVm (V)\tI (nA)\n"
                                           "0\t-0.065\t0\n0.0005\t-0.064\t0.05\n0.001\t-0.0635\t0.125\n",
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (nd_recording_sample_rate_hz (rec) - 2000.0), <, 1e-9);
  g_assert_cmpstr (nd_recording_signal (rec, 0)->name, ==, "Vm");
  g_assert_cmpstr (nd_recording_signal (rec, 1)->units, ==, "nA");
  NdSweepTrace tr;
  g_assert_true (nd_recording_get_cc_sweep (rec, 0, &tr, &error));
  g_assert_cmpfloat (fabs (tr.v_mV[1] - (-64.0)), <, 1e-12);
  g_assert_cmpfloat (fabs (tr.i_pA[2] - 125.0), <, 1e-12);
  g_assert_cmpfloat (fabs (tr.t_ms[2] - 1.0), <, 1e-12);
  nd_sweep_trace_clear (&tr);

  g_autoptr (NdRecording) semi = load_text ("units-semicolon.csv",
                                            "\"t [ms]\";\"Vm [mV]\";\"I_Com (pA)\"\n0;1;2\n0.05;3;4\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nd_recording_signal (semi, 1)->name, ==, "I_Com");
  g_assert_cmpfloat (fabs (nd_recording_sample_rate_hz (semi) - 20000.0), <, 1e-6);
}

/* A table written by a Windows program: "µV" in its code page (0xB5). */
static void
test_csv_windows_text (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) rec = load_text ("windows.csv", "t_ms,Vm (\xb5V),I (pA)\n0,-65000,0\n0.1,-64000,5\n",
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nd_recording_signal (rec, 0)->units, ==, "\xc2\xb5V");
  NdSweepTrace tr;
  g_assert_true (nd_recording_get_cc_sweep (rec, 0, &tr, &error));
  g_assert_cmpfloat (fabs (tr.v_mV[1] - (-64.0)), <, 1e-12);
  nd_sweep_trace_clear (&tr);
}

typedef struct {
  const char *name, *text, *needle;
} BadCase;

static void
test_csv_errors (void)
{
  static const BadCase bad[] = {
    { "no-time.csv", "v_mV,i_pA\n1,2\n3,4\n", "no time column" },
    { "time-no-units.csv", "time,v_mV\n0,1\n1,2\n", "has no units" },
    { "uneven.csv", "t_ms,v_mV\n0,1\n0.1,2\n0.5,3\n", "not evenly spaced" },
    { "not-number.csv", "t_ms,v_mV\n0,1\n0.1,abc\n", "“abc” is not a number" },
    { "ragged.csv", "t_ms,v_mV\n0,1\n0.1\n", "has 1 fields" },
    { "split.csv", "t_ms,v_mV,sweep\n0,1,0\n0.1,1,0\n0,1,1\n0.1,1,1\n0.2,1,0\n", "split into two blocks" },
    { "header-only.csv", "t_ms,v_mV\n", "no data rows" },
    { "only-time.csv", "t_ms\n0\n1\n", "no signal columns" },
    { "one-row.csv", "t_ms,v_mV\n0,1\n", "at least two" },
    { "comments.csv", "# nothing\n\n", "no header row" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NdRecording) rec = load_text (bad[i].name, bad[i].text, &error);
      g_assert_null (rec);
      g_assert_nonnull (error);
      g_assert_true (error->domain == ND_ERROR);
      if (!strstr (error->message, bad[i].needle))
        g_error ("%s: message “%s” lacks “%s”", bad[i].name, error->message, bad[i].needle);
    }
}

/* Inputs the fuzzers found crashing (fixed since): they load or fail
 * cleanly. The sanitizer build checks the memory accesses. */
static void
test_fuzz_regressions (void)
{
  g_autofree char *dir = nd_test_data_path ("io/fuzz-regressions");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  guint n = 0;
  for (const char *f; (f = g_dir_read_name (d)); n++)
    {
      g_autofree char *path = g_build_filename (dir, f, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (NdRecording) rec = nd_recording_load (path, &error);
      g_assert_true (rec != NULL || (error && error->domain == ND_ERROR));
      for (guint s = 0; rec && s < nd_recording_n_sweeps (rec); s++)
        for (guint i = 0; i < nd_recording_n_signals (rec); i++)
          {
            g_autofree double *y = nd_recording_get_sweep (rec, s, i, NULL, NULL);
            g_assert_nonnull (y);
            g_assert_true (g_utf8_validate (nd_recording_signal (rec, i)->name, -1, NULL));
          }
    }
  g_assert_cmpuint (n, >=, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/atf-vs-abf", test_atf_vs_abf);
  g_test_add_func ("/text/csv-engine-form", test_csv_engine_form);
  g_test_add_func ("/text/csv-units", test_csv_units);
  g_test_add_func ("/text/csv-stimulus-only", test_csv_stimulus_only);
  g_test_add_func ("/text/csv-errors", test_csv_errors);
  g_test_add_func ("/text/csv-windows-text", test_csv_windows_text);
  g_test_add_func ("/text/fuzz-regressions", test_fuzz_regressions);
  return g_test_run ();
}
