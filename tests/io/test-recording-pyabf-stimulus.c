/* test-recording-pyabf-stimulus.c: three stimulus cases of pyABF's test suite (issue 15), each read as its
 * epoch table or its recorded command says.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * - 18425108_abf1.abf (ABF 1.84): epoch F is a pulse train (period 250, width 50 samples per its abfinfo,
 *   tests/data/abf/more/18425108_abf1.abfinfo), rebuilt sample by sample from that table;
 * - user-list-durations.abf: a user list (parameter code 35, ABF 1 numbering) sets epoch E's duration per
 *   sweep; the rebuilt command equals the recorded analog output AO #0 at every sample of every sweep;
 * - 171116sh_0017.abf: its waveform comes from the stimulus file "sine sweep magnitude 20.abf" beside it,
 *   and equals that file's trace; without the file beside it the note says so.
 */
#include <glib/gstdio.h>
#include <math.h>

#include "recording.h"
#include "test-io-util.h"

static double *
stimulus (NdRecording *rec, guint sweep, gsize *n)
{
  g_autoptr (GError) error = NULL;
  double *s = nd_recording_get_stimulus (rec, sweep, n, &error);
  g_assert_no_error (error);
  return s;
}

static void
test_abf1_pulse_train (void)
{
  NdRecording *rec = nd_test_load ("abf/more/18425108_abf1.abf");
  g_assert_cmpint (nd_recording_stimulus_source (rec), ==, ND_STIMULUS_PROTOCOL);
  gsize n = 0;
  g_autofree double *s = stimulus (rec, 0, &n);
  g_assert_cmpuint (n, ==, 250000);
  /* The abfinfo table of DAC 1 (nA): A step 0 for 2344, B -0.05 for 6250, C 0 for 7500, D 0 for 25,
   * E 0 for 4975, F a train of 2.5 nA pulses 50 samples wide every 250 for 5000, after the 1/64 holding. */
  gsize start = 250000 / 64, wrong = 0;
  for (gsize k = 0; k < n; k++)
    {
      double want = 0.0;
      if (k >= start + 2344 && k < start + 2344 + 6250)
        want = -0.05;
      gsize f = start + 2344 + 6250 + 7500 + 25 + 4975;
      if (k >= f && k < f + 5000 && (k - f) % 250 < 50)
        want = 2.5;
      wrong += fabs (s[k] - want) > 1e-6;
    }
  g_assert_cmpuint (wrong, ==, 0);
  nd_recording_free (rec);
}

static void
test_user_list_durations (void)
{
  NdRecording *rec = nd_test_load ("abf/more/user-list-durations.abf");
  int ao = nd_recording_find_signal (rec, "AO #0");
  g_assert_cmpint (ao, >=, 0);
  const gsize e_len[3] = { 4000, 6000, 6000 };
  for (guint sweep = 0; sweep < 3; sweep++)
    {
      gsize n = 0;
      g_autofree double *s = stimulus (rec, sweep, &n);
      g_autofree double *rec_ao = g_new (double, n);
      g_assert_true (nd_recording_read (rec, sweep, (guint) ao, 0, n, rec_ao, NULL));
      double worst = 0.0;
      for (gsize k = 0; k < n; k++)
        worst = fmax (worst, fabs (s[k] - rec_ao[k]));
      /* The analog output is recorded through a 16-bit converter: within a few of its steps. */
      g_assert_cmpfloat (worst, <, 0.5);
      NdEpochSegment seg[ND_PROTOCOL_MAX_SEGMENTS];
      gsize ns = nd_recording_protocol_segments (rec, sweep, seg), e = 0;
      for (gsize i = 0; i < ns; i++)
        if (seg[i].epoch == 'E')
          e = seg[i].end - seg[i].start;
      g_assert_cmpuint (e, ==, e_len[sweep]);
    }
  nd_recording_free (rec);
}

static void
test_stimulus_file (void)
{
  NdRecording *rec = nd_test_load ("abf/more/171116sh_0017.abf");
  NdRecording *src = nd_test_load ("abf/more/sine sweep magnitude 20.abf");
  g_assert_nonnull (strstr (nd_recording_stimulus_description (rec), "sine sweep magnitude 20.abf"));
  gsize m = nd_recording_sweep_length (src, 0);
  g_autofree double *sine = g_new (double, m);
  g_assert_true (nd_recording_read (src, 0, 0, 0, m, sine, NULL));
  for (guint sweep = 0; sweep < nd_recording_n_sweeps (rec); sweep++)
    {
      gsize n = 0;
      g_autofree double *s = stimulus (rec, sweep, &n);
      g_assert_cmpuint (n, ==, m);
      double lo = 0.0, hi = 0.0;
      for (gsize k = 0; k < n; k++)
        {
          g_assert_cmpfloat (s[k], ==, sine[k]);
          lo = fmin (lo, s[k]);
          hi = fmax (hi, s[k]);
        }
      /* "0 +- 20 pA", as the protocol's name says. */
      g_assert_cmpfloat (fabs (lo + 20.0), <, 0.01);
      g_assert_cmpfloat (fabs (hi - 20.0), <, 0.01);
    }
  nd_recording_free (src);
  nd_recording_free (rec);

  /* Alone, without its stimulus file: a note that says what to do, and no invented waveform. */
  g_autofree char *from = nd_test_data_path ("abf/more/171116sh_0017.abf");
  g_autofree char *dir = nd_test_output_path ("pyabf-alone");
  g_mkdir_with_parents (dir, 0755);
  g_autofree char *to = g_build_filename (dir, "171116sh_0017.abf", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (from, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (to, bytes, (gssize) len, NULL));
  g_autoptr (GError) error = NULL;
  rec = nd_recording_load (to, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (nd_recording_notes (rec), "“sine sweep magnitude 20.abf”, which is not beside the recording"));
  gsize n = 0;
  g_autofree double *s = stimulus (rec, 0, &n);
  for (gsize k = 0; k < n; k++)
    g_assert_cmpfloat (s[k], ==, 0.0);
  nd_recording_free (rec);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/pyabf/abf1-pulse-train", test_abf1_pulse_train);
  g_test_add_func ("/io/pyabf/user-list-durations", test_user_list_durations);
  g_test_add_func ("/io/pyabf/stimulus-file", test_stimulus_file);
  return g_test_run ();
}
