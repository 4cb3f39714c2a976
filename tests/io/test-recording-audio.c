/* test-recording-audio.c: WAV, FLAC and AIFF through libsndfile, with the
 * user-stated scales and stimulus channel.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "recording.h"
#include "test-io-util.h"

/* The files were written from these int16 values (tests/data/io/README.md). */
static double
raw_value (guint ch, gsize k)
{
  if (ch == 0)
    return -2130.0 + (double) (k % 100);
  return k >= 500 && k < 1500 ? 3277.0 : 0.0;
}

static void
check_file (const char *file, const char *format)
{
  g_autofree char *path = nd_test_data_path (file);
  g_autoptr (GError) error = NULL;

  /* Defaults: every channel a potential, 1000 mV per full scale, no stimulus. */
  g_autoptr (NdRecording) rec = nd_recording_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nd_recording_format (rec), ==, format);
  g_assert_cmpuint (nd_recording_n_sweeps (rec), ==, 1);
  g_assert_cmpuint (nd_recording_n_signals (rec), ==, 2);
  g_assert_cmpuint (nd_recording_sweep_length (rec, 0), ==, 2000);
  g_assert_cmpfloat (nd_recording_sample_rate_hz (rec), ==, 10000.0);
  g_assert_cmpstr (nd_recording_signal (rec, 1)->units, ==, "mV");
  g_assert_cmpint (nd_recording_stimulus_source (rec), ==, ND_STIMULUS_NONE);
  g_assert_nonnull (strstr (nd_recording_notes (rec), "1000 mV"));
  g_autofree double *v = nd_recording_get_sweep (rec, 0, 0, NULL, NULL);
  for (gsize k = 0; k < 2000; k++)
    g_assert_cmpfloat (fabs (v[k] - raw_value (0, k) / 32768.0 * 1000.0), <, 1e-9);
  NdSweepTrace tr;
  g_assert_false (nd_recording_get_cc_sweep (rec, 0, &tr, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* User-stated: 100 mV per full scale, channel 1 the stimulus at 2000 pA. */
  NdLoadOptions o;
  nd_load_options_init (&o);
  o.audio_mV_per_full_scale = 100.0;
  o.audio_stimulus_channel = 1;
  o.audio_pA_per_full_scale = 2000.0;
  g_autoptr (NdRecording) cc = nd_recording_load_with_options (path, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nd_recording_clamp_mode (cc), ==, ND_CLAMP_CURRENT);
  g_assert_cmpint (nd_recording_stimulus_signal (cc), ==, 1);
  g_assert_true (nd_recording_get_cc_sweep (cc, 0, &tr, &error));
  for (gsize k = 0; k < 2000; k++)
    {
      g_assert_cmpfloat (fabs (tr.v_mV[k] - raw_value (0, k) / 32768.0 * 100.0), <, 1e-9);
      g_assert_cmpfloat (fabs (tr.i_pA[k] - raw_value (1, k) / 32768.0 * 2000.0), <, 1e-9);
    }
  g_assert_cmpfloat (fabs (tr.t_ms[1999] - 199.9), <, 1e-9);
  nd_sweep_trace_clear (&tr);

  /* Ranged reads seek: the same values as the whole read. */
  double part[7];
  g_assert_true (nd_recording_read (cc, 0, 0, 1234, 7, part, NULL));
  for (int k = 0; k < 7; k++)
    g_assert_cmpfloat (fabs (part[k] - raw_value (0, 1234 + k) / 32768.0 * 100.0), <, 1e-9);

  o.audio_stimulus_channel = 2;
  g_autoptr (NdRecording) none = nd_recording_load_with_options (path, &o, &error);
  g_assert_null (none);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "has 2 channels"));
}

static void
test_wav (void)
{
  check_file ("io/steps-2ch.wav", "WAV");
}

static void
test_flac (void)
{
  check_file ("io/steps-2ch.flac", "FLAC");
}

static void
test_aiff (void)
{
  check_file ("io/steps-2ch.aiff", "AIFF");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/wav", test_wav);
  g_test_add_func ("/audio/flac", test_flac);
  g_test_add_func ("/audio/aiff", test_aiff);
  return g_test_run ();
}
