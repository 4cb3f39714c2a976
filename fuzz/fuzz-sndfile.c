/* fuzz-sndfile.c: libFuzzer harness for audio recordings (libsndfile).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  NdLoadOptions o;
  nd_load_options_init (&o);
  o.audio_stimulus_channel = size > 0 && (data[size - 1] & 1) ? 1 : -1;
  NdRecording *rec = nd_recording_parse_sndfile (bytes, "fuzz.wav", &o, &error);
  if (rec)
    {
      /* Decoding errors of damaged audio are reported, not fatal. */
      double buf[256];
      for (guint i = 0; i < nd_recording_n_signals (rec); i++)
        {
          gsize n = nd_recording_sweep_length (rec, 0), m = MIN (n, (gsize) 256);
          g_clear_error (&error);
          (void) nd_recording_read (rec, 0, i, n - m, m, buf, &error);
        }
    }
  else
    g_assert (error && error->domain == ND_ERROR);
  nd_recording_free (rec);
  return 0;
}
