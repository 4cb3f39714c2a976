/* test-cli-io.c: `neurode-cli info --json` and `neurode-cli export` on the
 * real files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "recording.h"
#include "test-io-util.h"

typedef struct {
  const char *file, *format, *version, *mode;
  gint64 sweeps;
  double rate, length_s;
  const char *signals;
} InfoCase;

/* Values from tests/data/abf/README.md and tests/data/atf/README.md. */
static const InfoCase info_cases[] = {
  { "abf/190619B_0003.abf", "ABF1", "1.8.3.0", "current_clamp", 10, 10000, 3.064, "IN 0:mV,IN 2:mV" },
  { "abf/File_axon_5.abf", "ABF2", "2.0.0.0", "current_clamp", 9, 20000, 1.0, "_Ipatch:mV" },
  { "abf/17o05028_ic_steps.abf", "ABF2", "2.6.0.0", "current_clamp", 16, 20000, 3.0, "IN 0:mV" },
  { "abf/2020_03_02_0000.abf", "ABF2", "2.9.0.0", "current_clamp", 16, 10000, 2.0, "Potential:mV,I_Com:pA" },
  { "abf/2020_07_29_0062.abf", "ABF2", "2.9.0.0", "current_clamp", 1, 10000, 18.432, "Potential:mV,I_Com:pA" },
  { "abf/17o05024_vc_steps.abf", "ABF2", "2.6.0.0", "voltage_clamp", 7, 20000, 3.5, "IN 0:pA" },
  { "abf/pclamp11_4ch.abf", "ABF2", "2.9.0.0", "voltage_clamp", 10, 20000, 0.2, "IN 0:pA,IN 1:pA,IN 2:pA,IN 3:pA" },
  { "abf/pclamp11_4ch_abf1.abf", "ABF1", "1.8.4.0", "voltage_clamp", 10, 20000, 0.2, "IN 0:pA,IN 1:pA,IN 2:pA,IN 3:pA" },
  { "abf/18702001-step.abf", "ABF2", "2.6.0.0", "voltage_clamp", 3, 20000, 1.0, "IN 0:pA,IN 1:A" },
  { "atf/18702001-step.atf", "ATF", "1.0", "voltage_clamp", 3, 20000, 1.0, "IN 0:pA,IN 1:A" },
  { "io/steps-2ch.wav", "WAV", "", "current_clamp", 1, 10000, 0.2, "channel 0:mV,channel 1:mV" },
  { "io/steps-2ch.flac", "FLAC", "", "current_clamp", 1, 10000, 0.2, "channel 0:mV,channel 1:mV" },
  { "io/steps-2ch.aiff", "AIFF", "", "current_clamp", 1, 10000, 0.2, "channel 0:mV,channel 1:mV" },
  { "io/engine-form.csv", "CSV", "", "current_clamp", 2, 20000, 0.0002, "v:mV,i:pA" },
  { "io/units.tsv", "CSV", "", "current_clamp", 1, 10000, 0.0003, "Vm:mV,I:nA" },
};

static void
test_info_json (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (info_cases); c++)
    {
      const InfoCase *ic = &info_cases[c];
      g_autofree char *path = nd_test_data_path (ic->file);
      g_autofree char *out = NULL, *err = NULL;
      const char *args[] = { "info", path, "--json", NULL };
      g_assert_cmpint (nd_test_run_cli (args, &out, &err), ==, 0);
      g_autoptr (JsonParser) p = json_parser_new ();
      g_autoptr (GError) error = NULL;
      g_assert_true (json_parser_load_from_data (p, out, -1, &error));
      JsonObject *o = json_node_get_object (json_parser_get_root (p));
      g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, ic->format);
      g_assert_cmpstr (json_object_get_string_member (o, "version"), ==, ic->version);
      g_assert_cmpstr (json_object_get_string_member (o, "mode"), ==, ic->mode);
      g_assert_cmpint (json_object_get_int_member (o, "sweeps"), ==, ic->sweeps);
      g_assert_cmpfloat (fabs (json_object_get_double_member (o, "sample_rate_hz") - ic->rate), <, 1e-6);
      g_assert_cmpfloat (fabs (json_object_get_double_member (o, "sweep_length_s") - ic->length_s), <, 1e-9);
      JsonArray *sigs = json_object_get_array_member (o, "signals");
      GString *s = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (sigs); i++)
        {
          JsonObject *so = json_array_get_object_element (sigs, i);
          g_string_append_printf (s, "%s%s:%s", i ? "," : "", json_object_get_string_member (so, "name"),
                                  json_object_get_string_member (so, "units"));
        }
      g_assert_cmpstr (s->str, ==, ic->signals);
      g_string_free (s, TRUE);
    }
}

static void
test_info_text (void)
{
  g_autofree char *path = nd_test_data_path ("abf/17o05028_ic_steps.abf");
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "info", path, NULL };
  g_assert_cmpint (nd_test_run_cli (args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "current clamp"));
  g_assert_nonnull (strstr (out, "epoch B step -50 pA for 500 ms (+10 pA per sweep)"));
}

static JsonObject *
stimulus_of (const char *file, const char *choice, JsonParser *p)
{
  g_autofree char *path = nd_test_data_path (file);
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "info", path, "--json", "--stimulus", choice, NULL };
  g_assert_cmpint (nd_test_run_cli (args, &out, &err), ==, 0);
  g_assert_true (json_parser_load_from_data (p, out, -1, NULL));
  return json_object_get_object_member (json_node_get_object (json_parser_get_root (p)), "stimulus");
}

/* --stimulus picks a recorded signal by name or number, the protocol or none. */
static void
test_stimulus_override (void)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  JsonObject *st = stimulus_of ("abf/2020_03_02_0000.abf", "I_Com", p);
  g_assert_cmpstr (json_object_get_string_member (st, "source"), ==, "signal");
  g_assert_cmpstr (json_object_get_string_member (st, "signal"), ==, "I_Com");
  st = stimulus_of ("abf/2020_03_02_0000.abf", "0", p);
  g_assert_cmpstr (json_object_get_string_member (st, "signal"), ==, "Potential");
  st = stimulus_of ("abf/2020_07_29_0062.abf", "protocol", p);
  g_assert_cmpstr (json_object_get_string_member (st, "source"), ==, "protocol");
  g_assert_cmpstr (json_object_get_string_member (st, "units"), ==, "pA");
  st = stimulus_of ("abf/2020_07_29_0062.abf", "none", p);
  g_assert_cmpstr (json_object_get_string_member (st, "source"), ==, "none");

  g_autofree char *atf = nd_test_data_path ("atf/18702001-step.atf");
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "info", atf, "--stimulus", "protocol", NULL };
  g_assert_cmpint (nd_test_run_cli (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no stimulus protocol"));
}

/* Export two sweep ranges, check every number against the library and read
 * the CSV back: the values survive exactly. */
static void
test_export_roundtrip (void)
{
  g_autofree char *path = nd_test_data_path ("abf/2020_03_02_0000.abf");
  g_autofree char *csv = nd_test_output_path ("export-2020_03_02.csv");
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "export", path, "--out", csv, "--sweeps", "1,3-4", NULL };
  g_assert_cmpint (nd_test_run_cli (args, &out, &err), ==, 0);

  g_autoptr (NdRecording) rec = nd_test_load_abf ("2020_03_02_0000.abf");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  char *nl = strchr (text, '\n');
  g_assert_nonnull (nl);
  g_autofree char *header = g_strndup (text, (gsize) (nl - text));
  g_assert_cmpstr (header, ==, "sweep,t_ms,Potential (mV),I_Com (pA),stimulus (pA)");

  g_autoptr (GError) error = NULL;
  g_autoptr (NdRecording) back = nd_recording_load (csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nd_recording_n_sweeps (back), ==, 3);
  g_assert_cmpuint (nd_recording_n_signals (back), ==, 3);
  g_assert_cmpstr (nd_recording_signal (back, 2)->name, ==, "stimulus");
  g_assert_cmpint (nd_recording_stimulus_signal (back), ==, 2);
  g_assert_cmpfloat (fabs (nd_recording_sample_rate_hz (back) - 10000.0), <, 1e-6);
  const guint sweeps[] = { 1, 3, 4 };
  for (guint j = 0; j < 3; j++)
    {
      for (guint ch = 0; ch < 2; ch++)
        {
          gsize n = 0, nb = 0;
          g_autofree double *a = nd_recording_get_sweep (rec, sweeps[j], ch, &n, NULL);
          g_autofree double *b = nd_recording_get_sweep (back, j, ch, &nb, NULL);
          g_assert_cmpuint (n, ==, nb);
          g_assert_cmpmem (a, n * sizeof (double), b, nb * sizeof (double));
        }
      gsize n = 0;
      g_autofree double *st = nd_recording_get_stimulus (rec, sweeps[j], &n, NULL);
      g_autofree double *sb = nd_recording_get_sweep (back, j, 2, NULL, NULL);
      g_assert_cmpmem (st, n * sizeof (double), sb, n * sizeof (double));
      /* And the current-clamp view of the exported file equals the original. */
      NdSweepTrace ta, tb;
      g_assert_true (nd_recording_get_cc_sweep (rec, sweeps[j], &ta, NULL));
      g_assert_true (nd_recording_get_cc_sweep (back, j, &tb, NULL));
      for (gsize k = 0; k < ta.n; k++)
        g_assert_cmpfloat (fabs (ta.t_ms[k] - tb.t_ms[k]), <, 1e-9);
      g_assert_cmpmem (ta.i_pA, ta.n * sizeof (double), tb.i_pA, tb.n * sizeof (double));
      nd_sweep_trace_clear (&ta);
      nd_sweep_trace_clear (&tb);
    }
}

/* Audio with the user's scales: the stated channel becomes the stimulus. */
static void
test_export_audio (void)
{
  g_autofree char *path = nd_test_data_path ("io/steps-2ch.flac");
  g_autofree char *csv = nd_test_output_path ("export-audio.csv");
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "export", path, "--out", csv, "--audio-mv", "200", "--audio-stimulus-channel", "1",
                         "--audio-pa", "500", NULL };
  g_assert_cmpint (nd_test_run_cli (args, &out, &err), ==, 0);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "sweep,t_ms,channel 0 (mV),channel 1 (pA),stimulus (pA)");
  /* Frame 600: channel 0 raw -2130 + 0, channel 1 raw 3277 (tests/data/io/README.md). */
  g_auto (GStrv) f = g_strsplit (lines[601], ",", -1);
  g_assert_cmpstr (f[0], ==, "0");
  g_assert_cmpfloat (fabs (g_ascii_strtod (f[1], NULL) - 60.0), <, 1e-12);
  g_assert_cmpfloat (g_ascii_strtod (f[2], NULL), ==, -2130.0 / 32768.0 * 200.0);
  g_assert_cmpfloat (g_ascii_strtod (f[3], NULL), ==, 3277.0 / 32768.0 * 500.0);
  g_assert_cmpfloat (g_ascii_strtod (f[4], NULL), ==, 3277.0 / 32768.0 * 500.0);
  g_assert_cmpuint (g_strv_length (lines), ==, 2002);   /* header, 2000 rows, "" after the last \n */
}

static void
test_export_errors (void)
{
  g_autofree char *path = nd_test_data_path ("abf/File_axon_5.abf");
  g_autofree char *csv = nd_test_output_path ("export-error.csv");
  g_autofree char *out = NULL, *err = NULL;
  const char *bad_list[] = { "export", path, "--out", csv, "--sweeps", "1,x", NULL };
  g_assert_cmpint (nd_test_run_cli (bad_list, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "sweep list"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  const char *range[] = { "export", path, "--out", csv, "--sweeps", "3-9", NULL };
  g_assert_cmpint (nd_test_run_cli (range, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "sweep 9 does not exist"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  const char *no_out[] = { "export", path, NULL };
  g_assert_cmpint (nd_test_run_cli (no_out, &out, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  const char *bad_stim[] = { "export", path, "--out", csv, "--stimulus", "I_Com", NULL };
  g_assert_cmpint (nd_test_run_cli (bad_stim, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no signal is named “I_Com”"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/info-json", test_info_json);
  g_test_add_func ("/cli/info-text", test_info_text);
  g_test_add_func ("/cli/stimulus-override", test_stimulus_override);
  g_test_add_func ("/cli/export-roundtrip", test_export_roundtrip);
  g_test_add_func ("/cli/export-audio", test_export_audio);
  g_test_add_func ("/cli/export-errors", test_export_errors);
  return g_test_run ();
}
